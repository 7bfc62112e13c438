"""Validate a TOML dataset, turning it into immutable objects (design §1).

A dataset is a file plus the files it includes (usco.dataset.parse), validated together as
one. Each entry's fields are read as usco.fields declares them, then the rules between
entries apply (usco.dataset.rules); every problem is collected, located by file and line,
before failing, so `usco check` can list them all. usco.dataset.load calls this on a cache
miss only: a cached query never imports it.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from enum import Enum
from hashlib import blake2b
from pathlib import Path
from types import MappingProxyType
from typing import Any

from usco.dataset.parse import Collector, Entry, FilePart, Origin, ParsedFile, read_tree
from usco.dataset.rules import check_figures, check_references
from usco.fields import FACT_FIELDS, LARGEST, MEASURE_FIELDS, SOURCE_FIELDS, Field, Kind, names
from usco.model import Dataset, DatasetError, Fact, Measure, PartialDate, PeriodKind, Problem, Source, Status
from usco.reading import read_dataset_file

_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TOP_LEVEL = {"include", "sources", "measures", "facts"}


def build(
    path: Path, content: bytes, also: Sequence[Path] = (), read: Callable[[Path], bytes] = read_dataset_file
) -> Dataset:
    """The dataset at *path* (its bytes *content*) with its includes and *also*, each read by *read*;
    DatasetError lists every problem."""
    return build_from(path, read_tree(path, content, also, read), also)


# ---------------------------------------------------------------- building the dataset


def build_from(path: Path, tree: tuple[list[ParsedFile], list[Problem]], also: Sequence[Path]) -> Dataset:
    """The dataset of the files read_tree parsed; DatasetError lists every problem."""
    files, problems = tree
    found = Collector(problems)
    for parsed in files:
        for key in sorted(set(parsed.raw) - _TOP_LEVEL):
            message = "unknown top-level key; expected include, sources, measures and facts"
            found.add("file", key, message, Origin(parsed, None))
    source_entries = _tables(files, "sources", found)
    measure_entries = _tables(files, "measures", found)
    fact_entries = list(_fact_entries(files, found))
    sources = {key: source for key, source in _sources(source_entries, found)}
    facts_by_entry = list(_facts(fact_entries, found))
    facts = [fact for fact, _ in facts_by_entry]
    measures = {key: measure for key, measure in _measures(measure_entries, facts, found)}
    origins = {fact.id: origin for fact, origin in facts_by_entry}
    check_references(source_entries, measure_entries, fact_entries, found)
    check_figures(facts, sources, measures, origins, found)
    if found.problems:
        raise DatasetError(path, found.problems, also=also)
    return Dataset(
        path=path,
        sources=MappingProxyType(sources),
        measures=MappingProxyType(measures),
        facts=tuple(facts),
        files=tuple(parsed.path for parsed in files),
    )


# ---------------------------------------------------------------- one file on its own


def check_file(parsed: ParsedFile) -> FilePart | None:
    """What *parsed* holds, read and checked on its own, or None if it has a problem of its own.

    Every rule of the build that looks at one file only, as build_from applies it; the rules
    between files are usco.dataset.incremental's. A file with a problem is left to build_from,
    which reports it with every other problem of the dataset.
    """
    found = Collector([])
    files = [parsed]
    includes = parsed.raw.get("include", [])
    if set(parsed.raw) - _TOP_LEVEL or not (isinstance(includes, list) and all(isinstance(i, str) for i in includes)):
        return None  # the include walk reports a bad include list from the list itself, so it must be kept whole
    sources = dict(_sources(_tables(files, "sources", found), found))
    measure_entries = _tables(files, "measures", found)
    measures = dict(_measures_as_written(measure_entries, found))
    facts = [fact for fact, _ in _facts(list(_fact_entries(files, found)), found)]
    if found.problems:
        return None
    written = {key: table_digest(entry.table) for key, entry in measure_entries.items()}
    return FilePart(tuple(includes), sources, measures, written, facts)


def table_digest(table: dict[str, Any]) -> str:
    """A measure's table as written, to tell whether two files declare it identically (as _tables compares).

    A valid measure's table holds strings only, so equal reprs mean equal tables; tables
    equal in another way (keys in another order) differ here, and the full build decides.
    """
    return blake2b(repr(sorted(table.items())).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


def _tables(files: list[ParsedFile], name: str, found: Collector) -> dict[str, Entry]:
    """The entries of [sources] or [measures] across files, each a table with a kebab-case key.

    A key defined in two files is a problem, except a measure declared identically in
    both (each generated series file declares the measures it uses).
    """
    entries: dict[str, Entry] = {}
    for parsed in files:
        raw = parsed.raw.get(name, {})
        if not isinstance(raw, dict):
            found.add("file", name, "must be a table of tables", Origin(parsed, None))
            continue
        for key, table in raw.items():
            origin = Origin(parsed, parsed.table_lines.get((name, key)))
            where = f"{name[:-1]} {key!r}"
            if not _ID.fullmatch(key):
                found.add(where, None, "key must be kebab-case (a-z, 0-9, -)", origin)
            elif not isinstance(table, dict):
                found.add(where, None, "must be a table", origin)
            elif key in entries:
                first = entries[key]
                if name == "measures" and first.table == table:
                    continue
                found.add(where, None, f"is also defined in {first.origin.file.path}", origin)
            else:
                entries[key] = Entry(key, table, origin)
    return entries


def _fact_entries(files: list[ParsedFile], found: Collector) -> Iterator[tuple[dict[str, Any], str, Origin]]:
    for parsed in files:
        raw = parsed.raw.get("facts", [])
        if not isinstance(raw, list):
            found.add("file", "facts", "must be an array of tables ([[facts]])", Origin(parsed, None))
            continue
        for index, entry in enumerate(raw, start=1):
            line = parsed.fact_lines[index - 1] if index <= len(parsed.fact_lines) else None
            where = _fact_location(entry, index)
            yield entry, where, Origin(parsed, line)


def _fact_location(entry: Any, index: int) -> str:
    """ "fact 'id'" when the id is usable, else "fact #N" (1-based within its file)."""
    fact_id = entry.get("id") if isinstance(entry, dict) else None
    return f"fact {fact_id!r}" if isinstance(fact_id, str) and _ID.fullmatch(fact_id) else f"fact #{index}"


def _read_fields(
    table: Mapping[str, Any], declared: tuple[Field, ...], where: str, origin: Origin, found: Collector
) -> dict[str, Any] | None:
    """Every declared field of *table* read by its kind; None if any is missing or wrong."""
    known, readable = _declared(declared)
    if not known.issuperset(table):
        for key in sorted(set(table) - known):
            found.add(where, key, f"unknown field; expected one of {', '.join(sorted(known - {'id'}))}", origin)
    reader = _Fields(table, where, origin, found)
    values = {field.name: reader.read(field) for field in readable}
    return None if reader.failed else values


@functools.cache
def _declared(declared: tuple[Field, ...]) -> tuple[frozenset[str], tuple[Field, ...]]:
    """The names a table may have (its id too), and the fields read from it (every one but the key)."""
    return names(declared) | {"id"}, tuple(field for field in declared if field.kind is not Kind.KEY)


def _sources(entries: dict[str, Entry], found: Collector) -> Iterator[tuple[str, Source]]:
    for key, entry in entries.items():
        where = f"source {key!r}"
        values = _read_fields(entry.table, SOURCE_FIELDS, where, entry.origin, found)
        if "date" not in entry.table and "date_note" not in entry.table:
            found.add(where, "date_note", "required when the source has no date", entry.origin)
        if values is not None:
            yield key, Source(id=key, **values)


def _measures(entries: dict[str, Entry], facts: list[Fact], found: Collector) -> Iterator[tuple[str, Measure]]:
    for key, measure in _measures_as_written(entries, found):
        if measure.period is None:
            measure = measure._replace(period=infer_period([fact for fact in facts if fact.measure == key]))
        yield key, measure


def _measures_as_written(entries: dict[str, Entry], found: Collector) -> Iterator[tuple[str, Measure]]:
    """Each measure read from its table; a period left out stays None, to be inferred from every file's facts."""
    for key, entry in entries.items():
        values = _read_fields(entry.table, MEASURE_FIELDS, f"measure {key!r}", entry.origin, found)
        if values is not None:
            yield key, Measure(id=key, **values)


def infer_period(facts: Sequence[Fact]) -> PeriodKind:
    """The period kind of a measure that declares none, from its facts (design §1)."""
    if facts and all(fact.end is not None and fact.status is not Status.PARTIAL for fact in facts):
        return PeriodKind.RUNNING_TOTAL
    if facts and all(fact.date.precision == 1 for fact in facts):
        return PeriodKind.YEAR
    if facts and all(fact.date.precision == 2 for fact in facts):
        return PeriodKind.MONTH
    return PeriodKind.POINT


def _facts(entries: list[tuple[dict[str, Any], str, Origin]], found: Collector) -> Iterator[tuple[Fact, Origin]]:
    seen: dict[str, Origin] = {}
    for entry, where, origin in entries:
        if not isinstance(entry, dict):
            found.add(where, None, "must be a table", origin)
            continue
        fact_id = entry.get("id")
        if "id" not in entry:
            found.add(where, "id", "required", origin)
        elif not isinstance(fact_id, str) or not _ID.fullmatch(fact_id):
            found.add(where, "id", f"{_show(fact_id)} must be kebab-case (a-z, 0-9, -)", origin)
            fact_id = None
        elif fact_id in seen:
            first = seen[fact_id]
            at = f"{first.file.path}" + (f", line {first.line}" if first.line else "")
            found.add(where, "id", f"duplicate id: another fact has it ({at})", origin)
        else:
            seen[fact_id] = origin
        values = _read_fields(entry, FACT_FIELDS, where, origin, found)
        if values is None or fact_id is None:
            continue
        fact = Fact(id=fact_id, **values)
        if fact.value is not None and fact.unit is None:
            found.add(where, "unit", "required when value is given", origin)
        if fact.status is Status.PARTIAL and fact.end is None:
            found.add(where, "end", "required for a partial figure: the last day or month it covers", origin)
        yield fact, origin


class _Fields:
    """Typed access to one table's fields; each bad field becomes a Problem."""

    def __init__(self, entry: Mapping[str, Any], where: str, origin: Origin, found: Collector) -> None:
        self.entry, self.where, self.origin, self.found = entry, where, origin, found
        self.failed = False

    def _problem(self, name: str, message: str) -> None:
        self.failed = True
        self.found.add(self.where, name, message, self.origin)

    def read(self, field: Field) -> Any:
        if field.name not in self.entry:
            if field.required:
                self._problem(field.name, "required")
            return field.default
        result = _READERS[field.kind](self, field, self.entry[field.name])
        return field.default if result is None else result

    def _text(self, field: Field, value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self._problem(field.name, f"must be a non-empty string, not {_show(value)}")
            return None
        return value

    _ref = _text

    def _name(self, field: Field, value: Any) -> str | None:
        text = self._text(field, value)
        if text is not None and not _ID.fullmatch(text):
            self._problem(field.name, f"{_show(text)} must be kebab-case (a-z, 0-9, -)")
            return None
        return text

    def _line(self, field: Field, value: Any) -> str | None:
        text = self._text(field, value)
        if text is not None and any(char in text for char in "\n\r"):
            self._problem(field.name, "must be one line")
        return text

    def _url(self, field: Field, value: Any) -> str | None:
        text = self._text(field, value)
        if text is not None and not text.lower().startswith(("https://", "http://")):
            self._problem(field.name, f"{text!r} is not an http(s) URL")
            return None
        return text

    def _number(self, field: Field, value: Any) -> int | float | None:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._problem(field.name, f"must be a number, not {_show(value)}")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self._problem(field.name, f"must be a finite number, not {value}")
            return None
        if abs(value) >= LARGEST:  # no figure in this domain comes near; such digits are an error
            self._problem(field.name, f"is too large ({_show(value)}); figures must be below 10**18")
            return None
        return value

    def _bool(self, field: Field, value: Any) -> bool | None:
        if not isinstance(value, bool):
            self._problem(field.name, f"must be true or false, not {_show(value)}")
            return None
        return value

    def _date(self, field: Field, value: Any) -> PartialDate | None:
        if isinstance(value, dt.datetime | dt.time):
            self._problem(field.name, f"must be a date without a time, not {_show(value)}")
            return None
        if isinstance(value, dt.date):
            return PartialDate.from_date(value)
        if isinstance(value, str):
            try:
                return _partial_date(value)
            except ValueError as exc:
                self._problem(field.name, str(exc))
                return None
        self._problem(field.name, f'must be "YYYY", "YYYY-MM" or a TOML date, not {_show(value)}')
        return None

    def _choice(self, field: Field, value: Any) -> Enum | None:
        assert field.choices is not None
        try:
            return field.choices(value)
        except (ValueError, TypeError):
            allowed = ", ".join(str(member.value) for member in field.choices)
            self._problem(field.name, f"{_show(value)} is not one of: {allowed}")
            return None

    def _tags(self, field: Field, value: Any) -> tuple[str, ...] | None:
        if not isinstance(value, list) or not all(isinstance(tag, str) and tag for tag in value):
            self._problem(field.name, f"must be a list of non-empty strings, not {_show(value)}")
            return None
        return tuple(value)


# A dataset says few distinct dates many times ("2024-03" in every release's March).
_partial_date = functools.lru_cache(maxsize=4096)(PartialDate.parse)

#: Each kind's reader, looked up once: read() runs for every field of every fact on a cache miss.
_READERS: dict[Kind, Callable[[_Fields, Field, Any], Any]] = {
    kind: getattr(_Fields, f"_{kind.value}") for kind in Kind if kind is not Kind.KEY
}


def _show(value: Any) -> str:
    """A short, safe rendering of a bad value for a message (repr escapes control characters)."""
    if isinstance(value, int) and value.bit_length() > 200:
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"  # repr would refuse past 4,300
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."
