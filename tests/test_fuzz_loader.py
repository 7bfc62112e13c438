"""Hostile datasets: every document either loads into facts that keep design §1, or fails as a DatasetError.

Two generators: TOML documents built from the dataset's own schema and then broken
(wrong types, missing and extra keys, odd dates, huge numbers, NaN, deep nesting),
and byte-level mutations of the shipped data/facts.toml. Whatever they produce,
usco.dataset.load must answer with a Dataset whose facts obey every rule, or with
a DatasetError whose problems say where; any other exception is a bug (a user would
see a traceback).
"""

from __future__ import annotations

import ast
import datetime as dt
import math
import re
import unicodedata
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from tests.hypothesis_profiles import case_summary, examples, tally
from usco import dataset
from usco.model import Dataset, DatasetError, PartialDate, Qualifier, Topic

try:  # the same parser family as usco; only used to know what the document says
    import tomli as toml_parser
except ImportError:  # pragma: no cover
    import tomllib as toml_parser  # type: ignore[no-redef]

SHIPPED = Path(__file__).resolve().parents[1] / "data" / "facts.toml"
KEBAB = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
WHERE = re.compile(
    r"file|line (?P<line>\d+), column \d+|fact #(?P<index>\d+)|(?P<kind>fact|source|measure) (?P<key>'.*'|\".*\")"
)
BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")

_case_summary = case_summary()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-loader")


# ---------------------------------------------------------------- writing TOML


class Raw:
    """A TOML fragment written as is: literals no Python value gives (Feb 30, 5000 digits, nan)."""

    def __init__(self, text: str) -> None:
        self.text = text

    def __repr__(self) -> str:  # a 5000-digit literal would bury the rest of a failing example
        if len(self.text) <= 60:
            return f"Raw({self.text!r})"
        return f"Raw({self.text[:25]!r} ... {self.text[-25:]!r}, {len(self.text)} characters)"


def toml_string(text: str) -> str:
    escaped = []
    for char in text:
        if char in '"\\':
            escaped.append("\\" + char)
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            escaped.append(f"\\u{ord(char):04x}")
        else:
            escaped.append(char)
    return '"' + "".join(escaped) + '"'


def toml_value(value: Any) -> str:
    if isinstance(value, Raw):
        return value.text
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        return ("inf" if value > 0 else "-inf") if math.isinf(value) else repr(value)
    if isinstance(value, str):
        return toml_string(value)
    if isinstance(value, dt.date | dt.time):  # datetime is a date
        return value.isoformat()
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{toml_string(key)} = {toml_value(item)}" for key, item in value.items()) + "}"
    raise TypeError(value)


def toml_document(doc: dict[str, Any]) -> str:
    """[sources.KEY] and [[facts]] sections where the shape allows it, inline values otherwise."""
    head, sections = [], []
    for name, value in doc.items():
        tables = isinstance(value, dict) and value and all(isinstance(entry, dict) for entry in value.values())
        array = isinstance(value, list) and value and all(isinstance(entry, dict) for entry in value)
        if tables:
            for key, entry in value.items():
                sections.append(f"[{toml_string(name)}.{toml_string(key)}]")
                sections += [f"{toml_string(field)} = {toml_value(item)}" for field, item in entry.items()]
        elif array:
            for entry in value:
                sections.append(f"[[{toml_string(name)}]]")
                sections += [f"{toml_string(field)} = {toml_value(item)}" for field, item in entry.items()]
        else:
            head.append(f"{toml_string(name)} = {toml_value(value)}")
    return "\n".join([*head, *sections]) + "\n"


# ---------------------------------------------------------------- the dataset's own schema, then broken

SOURCE_KEYS = ("state-2020", "crs-2023", "embassy")
MEASURE_KEYS = ("coca", "goods-trade")
FACT_IDS = tuple(f"fact-{n}" for n in range(1, 7))
UNITS = ("USD", "people", "hectares", "percent")
FACT_FIELDS = (
    "id",
    "topic",
    "text",
    "value",
    "unit",
    "qualifier",
    "date",
    "end",
    "source",
    "measure",
    "part_of",
    "tags",
)
SOURCE_FIELDS = ("title", "publisher", "url", "short", "date", "date_note")
MEASURE_FIELDS = ("label", "unit")

one_line = st.text(min_size=1, max_size=30).filter(lambda s: s.strip() and "\n" not in s and "\r" not in s)
years = st.integers(1, 9999)
valid_dates = st.one_of(
    st.dates(),
    years.map(lambda year: f"{year:04d}"),
    st.tuples(years, st.integers(1, 12)).map(lambda ym: f"{ym[0]:04d}-{ym[1]:02d}"),
    st.dates().map(dt.date.isoformat),
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2030, 12, 31)),
)
numbers = st.one_of(
    st.integers(-(10**12), 10**15),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -1, 1.5, 23_600_000, 29e9, 10**40, -(10**40), 1e308, 5e-324, -0.0]),
)
ODD_DATES = "2020-02-30 2019-02-29 0000 0000-01-01 2020-13 2020-00 2020-01-00 2020-1 20200 2020-12-32 2020/01/01"
odd_date_strings = st.one_of(
    st.sampled_from([*ODD_DATES.split(), "２０２０", "٢٠٢٠", " 2020 ", "2020-01-01T00:00", "-2020", "+2020", "1e3"]),
    st.from_regex(r"-?[0-9]{1,5}(-[0-9]{1,3}){0,2}", fullmatch=True),
)
ODD_LITERALS = "2020-02-30 0000-01-01 2020-13-01 2019-02-29 2020-01-01T25:00:00 1979-05-27T07:32:00Z 07:32:00"
odd_literals = st.sampled_from([Raw(text) for text in [*ODD_LITERALS.split(), "1979-05-27 07:32:00"]])
HUGE = ["1" * 5000, "-" + "9" * 4400, "0x" + "f" * 4000, "9_223_372_036_854_775_808", "1e400", "-1e400", "1e-400"]
huge_numbers = st.one_of(
    st.sampled_from([Raw(text) for text in HUGE]),
    st.integers(),
    st.integers(min_value=2**63 - 2, max_value=2**200),
)
not_finite = st.sampled_from([Raw("nan"), Raw("+nan"), Raw("-nan"), Raw("inf"), Raw("+inf"), Raw("-inf")])
deep = st.sampled_from([5, 50, 200, 3000]).flatmap(
    lambda n: st.sampled_from(
        [Raw("[" * n + "]" * n), Raw("{a = " * n + "1" + "}" * n), Raw("[" * n + '"x"' + "]" * n)]
    )
)
scalars = st.one_of(st.text(max_size=12), st.integers(), st.floats(), st.booleans(), st.dates(), st.times())
wild = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", " ", "\t", "aid", "AID", "exact", "USD", "fact-1", "state-2020", "coca"]),
    st.booleans(),
    huge_numbers,
    not_finite,
    st.floats(),
    odd_date_strings,
    odd_literals,
    st.dates(),
    st.datetimes(timezones=st.none() | st.just(dt.timezone.utc)),
    st.times(),
    st.lists(scalars, max_size=3),
    st.dictionaries(st.text(max_size=8), scalars, max_size=3),
    deep,
)


@st.composite
def source_entries(draw: st.DrawFn) -> dict[str, Any]:
    entry: dict[str, Any] = {"title": draw(one_line), "publisher": draw(one_line)}
    entry["url"] = draw(st.sampled_from(["https://", "http://", "HTTPS://"])) + draw(one_line)
    if draw(st.booleans()):
        entry["short"] = draw(one_line)
    if draw(st.integers(0, 3)):
        entry["date"] = draw(valid_dates)
    if "date" not in entry or draw(st.booleans()):
        entry["date_note"] = draw(one_line)
    return entry


@st.composite
def fact_entries(draw: st.DrawFn, fact_id: str, sources: list[str], measures: list[str]) -> dict[str, Any]:
    fact: dict[str, Any] = {
        "id": fact_id,
        "topic": draw(st.sampled_from([topic.value for topic in Topic])),
        "text": draw(one_line),
        "date": draw(valid_dates),
        "source": draw(st.sampled_from(sources)),
    }
    if draw(st.booleans()):
        fact["value"] = draw(numbers)
        fact["unit"] = draw(st.sampled_from(UNITS))
    if draw(st.booleans()):
        fact["qualifier"] = draw(st.sampled_from([qualifier.value for qualifier in Qualifier]))
    if draw(st.booleans()):
        fact["end"] = draw(valid_dates)
    if draw(st.booleans()):
        fact["measure"] = draw(st.sampled_from(measures))
    if draw(st.integers(0, 3)) == 0:
        fact["part_of"] = draw(st.sampled_from(FACT_IDS))
    if draw(st.booleans()):
        fact["tags"] = draw(st.lists(st.text(min_size=1, max_size=10), max_size=3))
    return fact


MUTATIONS = ("set", "delete", "extra", "top", "extra-top", "not-a-table", "duplicate", "rename")


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A dataset from the schema, broken in 0 to 4 places."""
    source_keys = draw(st.lists(st.sampled_from(SOURCE_KEYS), min_size=1, unique=True))
    measure_keys = draw(st.lists(st.sampled_from(MEASURE_KEYS), unique=True))
    sources = {key: draw(source_entries()) for key in source_keys}
    measures = {key: {"label": draw(one_line), "unit": draw(st.sampled_from(UNITS))} for key in measure_keys}
    ids = draw(st.lists(st.sampled_from(FACT_IDS), unique=True, max_size=5))
    facts = [draw(fact_entries(fact_id, source_keys, measure_keys or MEASURE_KEYS)) for fact_id in ids]
    doc: dict[str, Any] = {"sources": sources, "measures": measures, "facts": facts}
    for _ in range(draw(st.integers(0, 4))):
        _mutate(draw, doc)
    return doc


def _entries(doc: dict[str, Any]) -> list[tuple[dict[str, Any], tuple[str, ...]]]:
    found: list[tuple[dict[str, Any], tuple[str, ...]]] = []
    for name, fields in (("sources", SOURCE_FIELDS), ("measures", MEASURE_FIELDS)):
        if isinstance(doc.get(name), dict):
            found += [(entry, fields) for entry in doc[name].values() if isinstance(entry, dict)]
    if isinstance(doc.get("facts"), list):
        found += [(entry, FACT_FIELDS) for entry in doc["facts"] if isinstance(entry, dict)]
    return found


def _mutate(draw: st.DrawFn, doc: dict[str, Any]) -> None:
    kind = draw(st.sampled_from(MUTATIONS))
    entries = _entries(doc)
    if kind in ("set", "delete", "extra") and entries:
        entry, fields = draw(st.sampled_from(entries))
        if kind == "set":
            entry[draw(st.sampled_from(fields))] = draw(wild)
        elif kind == "delete" and entry:
            del entry[draw(st.sampled_from(sorted(entry)))]
        else:
            extra = draw(st.text(max_size=10) | st.sampled_from(["Id", "values", " id", "colour", "notes"]))
            entry[extra] = draw(wild)
    elif kind == "top":
        doc[draw(st.sampled_from(["sources", "measures", "facts"]))] = draw(wild)
    elif kind == "extra-top":
        doc[draw(st.text(max_size=10) | st.just("fact"))] = draw(wild)
    elif kind == "not-a-table" and isinstance(doc.get("facts"), list) and doc["facts"]:
        doc["facts"][draw(st.integers(0, len(doc["facts"]) - 1))] = draw(wild)
    elif kind == "duplicate" and isinstance(doc.get("facts"), list):
        tables = [entry for entry in doc["facts"] if isinstance(entry, dict)]
        if tables:
            doc["facts"].append(dict(draw(st.sampled_from(tables))))
    elif kind == "rename":
        name = draw(st.sampled_from(["sources", "measures"]))
        table = doc.get(name)
        if isinstance(table, dict) and table:
            key = draw(st.sampled_from(sorted(table)))
            new_key = draw(st.text(max_size=12) | st.sampled_from(["State-2020", "state_2020", "-x", "x-", ""]))
            table[new_key] = table.pop(key)


# ---------------------------------------------------------------- what must hold


def _raw(text: str) -> dict[str, Any] | None:
    """What the document says, or None when it is not TOML at all."""
    try:
        return toml_parser.loads(text)
    except (toml_parser.TOMLDecodeError, ValueError, RecursionError):
        return None


def _same_date(day: PartialDate | None, raw: Any) -> bool:
    if raw is None:
        return day is None
    if isinstance(raw, dt.date):
        return str(day) == raw.isoformat()
    return str(day) == str(raw).strip()


def assert_follows_design_rules(data: Dataset) -> None:
    """Every rule of design §1, checked on the loaded objects."""
    for key, source in data.sources.items():
        assert source.id == key and KEBAB.fullmatch(key), f"source key {key!r}"
        for name in ("title", "publisher", "url"):
            assert isinstance(getattr(source, name), str) and getattr(source, name).strip(), f"source {key} {name}"
        assert source.url.lower().startswith(("https://", "http://")), f"source {key} url {source.url!r}"
        assert source.date is None or isinstance(source.date, PartialDate), f"source {key} date"
        assert source.date is not None or (source.date_note or "").strip(), f"source {key}: no date and no date_note"
    for key, measure in data.measures.items():
        assert measure.id == key and KEBAB.fullmatch(key)
        assert measure.label.strip() and measure.unit.strip(), f"measure {key}"
    ids = [fact.id for fact in data.facts]
    assert len(ids) == len(set(ids)), "duplicate ids"
    by_id = {fact.id: fact for fact in data.facts}
    periods: set[tuple[str, str, Any]] = set()
    for fact in data.facts:
        where = f"fact {fact.id!r}"
        assert KEBAB.fullmatch(fact.id), where
        assert isinstance(fact.topic, Topic) and isinstance(fact.qualifier, Qualifier), where
        assert isinstance(fact.text, str) and fact.text.strip() and not set(fact.text) & {"\n", "\r"}, where
        assert isinstance(fact.date, PartialDate) and fact.date.first <= fact.date.last, where
        assert fact.end is None or fact.end.last >= fact.date.first, f"{where}: end before date"
        assert fact.source in data.sources, f"{where}: source {fact.source!r}"
        assert fact.measure is None or fact.measure in data.measures, f"{where}: measure {fact.measure!r}"
        assert fact.part_of is None or fact.part_of in by_id, f"{where}: part_of {fact.part_of!r}"
        if fact.value is not None:
            assert isinstance(fact.value, int | float) and not isinstance(fact.value, bool), where
            assert isinstance(fact.value, int) or math.isfinite(fact.value), f"{where}: value {fact.value!r}"
            assert isinstance(fact.unit, str) and fact.unit.strip(), f"{where}: value without unit"
        assert all(isinstance(tag, str) and tag for tag in fact.tags), where
        whole = by_id.get(fact.part_of) if fact.part_of else None
        if whole is not None and whole.unit == fact.unit and None not in (whole.value, fact.value):
            assert fact.value <= whole.value, f"{where}: component larger than its whole"  # type: ignore[operator]
        if fact.measure is not None:
            assert fact.unit == data.measures[fact.measure].unit, f"{where}: unit differs from its measure"
            period = (fact.source, fact.measure, (fact.date, fact.end))
            assert period not in periods, f"{where}: second fact of one source for one measure and period"
            periods.add(period)
    for start in by_id:  # no cycles in part_of
        seen, current = set(), by_id[start].part_of
        while current is not None:
            assert current != start, f"fact {start!r} is part of itself"
            if current in seen:
                break
            seen.add(current)
            current = by_id[current].part_of


def assert_says_what_the_document_says(data: Dataset, raw: dict[str, Any]) -> None:
    """Nothing dropped, nothing changed: each entry of the document is in the dataset as written."""
    raw_sources, raw_measures = raw.get("sources", {}), raw.get("measures", {})
    assert set(data.sources) == set(raw_sources), "sources dropped or invented"
    assert set(data.measures) == set(raw_measures), "measures dropped or invented"
    for key, source in data.sources.items():
        entry = raw_sources[key]
        assert (source.title, source.publisher, source.url) == (entry["title"], entry["publisher"], entry["url"])
        assert (source.short, source.date_note) == (entry.get("short"), entry.get("date_note"))
        assert _same_date(source.date, entry.get("date")), f"source {key} date"
    for key, measure in data.measures.items():
        assert (measure.label, measure.unit) == (raw_measures[key]["label"], raw_measures[key]["unit"])
    raw_facts = raw.get("facts", [])
    assert [fact.id for fact in data.facts] == [entry["id"] for entry in raw_facts], "facts dropped or reordered"
    for fact, entry in zip(data.facts, raw_facts, strict=True):
        assert fact.topic.value == entry["topic"] and fact.qualifier.value == entry.get("qualifier", "exact")
        assert (fact.text, fact.source, fact.unit) == (entry["text"], entry["source"], entry.get("unit"))
        assert (fact.measure, fact.part_of) == (entry.get("measure"), entry.get("part_of"))
        assert fact.tags == tuple(entry.get("tags", ()))
        value = entry.get("value")
        assert fact.value == value and type(fact.value) is type(value), f"fact {fact.id}: value {fact.value!r}"
        assert _same_date(fact.date, entry["date"]) and _same_date(fact.end, entry.get("end")), f"fact {fact.id}"


def _printable_line(text: str) -> bool:
    return not any(unicodedata.category(char) in ("Cc", "Zl", "Zp") or char in BIDI for char in text)


def assert_names_where(error: DatasetError, path: Path, text: str, raw: dict[str, Any] | None) -> None:
    """Each problem points at a place that exists in the document, in one printable line."""
    assert error.problems, "a DatasetError with no problem"
    assert str(error).startswith(f"{path}: "), str(error)
    facts = raw.get("facts") if raw is not None else None
    keys = {
        "fact": {entry.get("id") for entry in facts if isinstance(entry, dict) and isinstance(entry.get("id"), str)}
        if isinstance(facts, list)
        else set(),
        "source": set(raw.get("sources", {})) if raw is not None and isinstance(raw.get("sources"), dict) else set(),
        "measure": set(raw.get("measures", {})) if raw is not None and isinstance(raw.get("measures"), dict) else set(),
    }
    for problem in error.problems:
        match = WHERE.fullmatch(problem.where)
        assert match, f"problem located nowhere: {problem.where!r}"
        assert problem.message.strip(), f"empty message at {problem.where}"
        assert _printable_line(str(problem)), f"message is not one printable line: {str(problem)!r}"
        if match["line"]:
            assert 1 <= int(match["line"]) <= text.count("\n") + 1, f"{problem.where} is past the end of the file"
        elif match["index"] and isinstance(facts, list):
            assert 1 <= int(match["index"]) <= len(facts), f"{problem.where}: there are {len(facts)} facts"
        elif match["kind"] and raw is not None:
            assert ast.literal_eval(match["key"]) in keys[match["kind"]], f"{problem.where} is not in the document"


def check_document(path: Path, content: bytes) -> str:
    """Load *content* from *path* as usco does; assert the outcome; say which outcome it was."""
    path.write_bytes(content)
    try:
        text: str | None = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = None
    raw = _raw(text) if text is not None else None
    try:
        data = dataset.load(path)
    except DatasetError as error:
        assert_names_where(error, path, text if text is not None else content.decode("utf-8", "replace"), raw)
        return "error"
    assert raw is not None, "loaded a document that is not TOML"
    assert_follows_design_rules(data)
    assert_says_what_the_document_says(data, raw)
    assert dataset.load(path) == data, "a second load (from the cache) gives another dataset"
    return "loaded"


# ---------------------------------------------------------------- the properties


@settings(max_examples=examples(3))
@given(doc=documents())
def test_schema_documents_load_or_fail_with_a_dataset_error(workdir: Path, doc: dict[str, Any]) -> None:
    tally("test_fuzz_loader::schema documents")
    outcome = check_document(workdir / "schema.toml", toml_document(doc).encode())
    tally(f"test_fuzz_loader::schema documents ({outcome})")


def _structural_positions() -> list[int]:
    content = SHIPPED.read_bytes()
    return [index for index, byte in enumerate(content) if byte in b'"[]=\n.#,']


SHIPPED_BYTES = SHIPPED.read_bytes()
STRUCTURAL = _structural_positions()
INSERTS = [
    *(bytes([byte]) for byte in b"\"'[]=#\\{},.\t\n\r-0\x00\xff\xc3"),
    *(b"[[", b"]]", b'"""', b"\xed\xa0\x80", b"\xef\xbb\xbf", b"\x1b[31m"),
]
positions = st.integers(0, len(SHIPPED_BYTES) - 1) | st.sampled_from(STRUCTURAL)
mutations = st.one_of(
    st.tuples(st.just("flip"), positions, st.integers(0, 7).map(lambda bit: bytes([1 << bit]))),
    st.tuples(st.just("delete"), positions, st.integers(1, 64).map(lambda n: b"\x00" * n)),
    st.tuples(st.just("insert"), positions, st.sampled_from(INSERTS) | st.binary(min_size=1, max_size=8)),
)


def mutate_bytes(content: bytes, edits: list[tuple[str, int, bytes]]) -> bytes:
    for kind, position, payload in edits:
        position = min(position, len(content) - 1)
        if kind == "flip":
            content = content[:position] + bytes([content[position] ^ payload[0]]) + content[position + 1 :]
        elif kind == "delete":
            content = content[:position] + content[position + len(payload) :]
        else:
            content = content[:position] + payload + content[position:]
    return content


@settings(max_examples=examples(1))
@given(edits=st.lists(mutations, min_size=1, max_size=4))
def test_mutated_shipped_dataset_loads_or_fails_with_a_dataset_error(
    workdir: Path, edits: list[tuple[str, int, bytes]]
) -> None:
    tally("test_fuzz_loader::byte mutations of data/facts.toml")
    content = mutate_bytes(SHIPPED_BYTES, edits)
    assume(content != SHIPPED_BYTES)
    outcome = check_document(workdir / "mutated.toml", content)
    tally(f"test_fuzz_loader::byte mutations of data/facts.toml ({outcome})")


# ---------------------------------------------------------------- named hostile values, always run

HEAD = """
[sources.state-2020]
title = "Fact sheet"
publisher = "U.S. Department of State"
url = "https://example.gov/sheet"
date = 2020-09-18
"""


def _fact(**fields: str) -> str:
    base = {"id": '"fact-1"', "topic": '"aid"', "text": '"Assistance"', "date": '"2020"', "source": '"state-2020"'}
    base.update(fields)
    return HEAD + "\n[[facts]]\n" + "".join(f"{key} = {value}\n" for key, value in base.items() if value)


NAMED: dict[str, str] = {
    "date Feb 30 as text": _fact(date='"2020-02-30"'),
    "date Feb 30 as TOML date": _fact(date="2020-02-30"),
    "date year 0": _fact(date='"0000"'),
    "date month 13": _fact(date='"2020-13"'),
    "date with a time": _fact(date="2020-01-01T10:00:00Z"),
    "date a number": _fact(date="2020"),
    "end before date": _fact(end='"2019"'),
    "topic a 4000-digit hex": _fact(topic="0x" + "f" * 4000),
    "value nan": _fact(value="nan", unit='"USD"'),
    "value -inf": _fact(value="-inf", unit='"USD"'),
    "value 1e400": _fact(value="1e400", unit='"USD"'),
    "value a string": _fact(value='"23.6 million"', unit='"USD"'),
    "value true": _fact(value="true", unit='"USD"'),
    "value without unit": _fact(value="5"),
    "id a list": _fact(id='["fact-1"]'),
    "id a table": _fact(id="{ a = 1 }"),
    "part_of a list": _fact(part_of='["fact-1"]'),
    "source a list": _fact(source='["state-2020"]'),
    "measure a table": _fact(measure="{ a = 1 }"),
    "tags a string": _fact(tags='"covid"'),
    "tags nested 200 deep": _fact(tags="[" * 200 + '"x"' + "]" * 200),
    "topic nested 5000 deep": _fact(topic="[" * 5000 + "]" * 5000),
    "text missing": _fact(text=""),
    "id missing": _fact(id=""),
    "extra field": _fact(colour='"red"'),
    "extra field with an escape in its name": _fact(**{'"\\u001b]0;pwned\\u0007"': "1"}),
    "extra field with a newline in its name": _fact(**{'"a\\nb"': "1"}),
    "facts a table": HEAD + "[facts]\nid = 1\n",
    "sources an array": "sources = [1, 2]\n",
    "measure key not kebab": HEAD + '[measures."Coca Crop"]\nlabel = "x"\nunit = "USD"\n',
}


#: Figures §1 does not forbid: loading them, or refusing them with a DatasetError, are both fine.
NAMED_EITHER: dict[str, str] = {
    "value 5000 digits": _fact(value="1" * 5000, unit='"USD"'),
    "value -4400 digits": _fact(value="-" + "9" * 4400, unit='"USD"'),
    "value 4000 hex digits": _fact(value="0x" + "f" * 4000, unit='"USD"'),
    "value beyond 64 bits": _fact(value="9_223_372_036_854_775_808", unit='"USD"'),
    "value 1e308": _fact(value="1e308", unit='"USD"'),
    "value -5e-324": _fact(value="-5e-324", unit='"USD"'),
    "date year 1": _fact(date="0001-01-01"),
    "date Feb 29 of a leap year": _fact(date='"2020-02-29"', end="2020-02-29"),
    "date with spaces around it": _fact(date='" 2020 "'),
}


@pytest.mark.parametrize("text", NAMED.values(), ids=NAMED.keys())
def test_named_hostile_documents_fail_with_a_dataset_error_naming_where(workdir: Path, text: str) -> None:
    tally("test_fuzz_loader::named hostile documents")
    assert check_document(workdir / "named.toml", text.encode()) == "error"


@pytest.mark.parametrize("text", NAMED_EITHER.values(), ids=NAMED_EITHER.keys())
def test_named_odd_documents_load_or_fail_with_a_dataset_error(workdir: Path, text: str) -> None:
    tally("test_fuzz_loader::named hostile documents")
    check_document(workdir / "named.toml", text.encode())
