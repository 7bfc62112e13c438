"""Reading and validating a dataset (design §1): every problem named with its fact and field."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from usco.dataset import load as dataset
from usco.model import DatasetError, DatasetReadError, Fact, PartialDate, Problem, Qualifier, Topic

WriteDataset = Callable[[str], Path]

HEAD = """
[sources.sheet]
title     = "Fact sheet"
publisher = "U.S. Department of State"
url       = "https://example.gov/sheet"
short     = "Sheet"
date      = 2020-09-18

[sources.report]
title     = "Annual report"
publisher = "UNODC"
url       = "https://example.org/report"
date      = "2023-06"

[sources.undated]
title     = "Country page"
publisher = "U.S. Department of State"
url       = "https://example.gov/page"
date_note = "The page prints no date and no copy of it is dated."

[measures.coca]
label = "Coca cultivation"
unit  = "hectares"
"""


class Raw(str):
    """A TOML value written as is (a TOML date, nan, inf)."""


DROP = object()  # a field left out of a fact


def toml_value(value: Any) -> str:
    if isinstance(value, Raw):
        return str(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)  # a JSON string is a TOML basic string
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(item) for item in value) + "]"
    raise TypeError(value)


def fact(**fields: Any) -> str:
    """A [[facts]] table: a valid fact unless *fields* override or DROP some of its fields."""
    base: dict[str, Any] = {"id": "a", "topic": "aid", "text": "Some aid", "date": "2020", "source": "sheet"}
    merged = {**base, **fields}
    lines = [f"{key} = {toml_value(value)}" for key, value in merged.items() if value is not DROP]
    return "\n[[facts]]\n" + "\n".join(lines) + "\n"


def problems_in(path: Path) -> list[Problem]:
    with pytest.raises(DatasetError) as caught:
        dataset.load(path)
    return list(caught.value.problems)


def located(problems: list[Problem]) -> list[tuple[str, str | None]]:
    return [(problem.where, problem.field) for problem in problems]


def entry_lines(text: str, where: str) -> list[int]:
    """The lines where the entry *where* ("fact 'a'", "fact #2", "source 'x'") may begin in *text*."""
    lines = text.splitlines()
    facts = [number for number, line in enumerate(lines, start=1) if line == "[[facts]]"]
    if where.startswith("fact #"):
        return [facts[int(where.removeprefix("fact #")) - 1]]
    if where.startswith("fact "):
        fact_id = where.removeprefix("fact ").strip("'")
        ends = [*facts[1:], len(lines) + 1]
        return [start for start, end in zip(facts, ends, strict=True) if f'id = "{fact_id}"' in lines[start : end - 1]]
    kind, key = where.split(" ", 1)
    return [number for number, line in enumerate(lines, start=1) if line == f"[{kind}s.{key.strip(chr(39))}]"]


# ---------------------------------------------------------------- a valid dataset


VALID = (
    HEAD
    + fact(
        id="covid-total",
        text="COVID-19 assistance",
        value=23_600_000,
        unit="USD",
        qualifier="more_than",
        end=Raw("2020-09-18"),
        tags=["covid", "health"],
    )
    + fact(id="covid-part", text="Disaster aid", value=15_500_000, unit="USD", part_of="covid-total")
    + fact(id="coca-2019", topic="security", text="Coca", value=154_000.5, unit="hectares", measure="coca", date="2019")
    + fact(id="recognition", topic="milestone", text="Recognition", date="1822-06", source="report")
    + fact(id="page-claim", topic="diplomacy", text="A claim", date=Raw("2019-10-09"), source="undated")
)


def test_valid_dataset_loads_with_the_values_written(write_dataset: WriteDataset) -> None:
    data = dataset.load(write_dataset(VALID))

    assert [f.id for f in data.facts] == ["covid-total", "covid-part", "coca-2019", "recognition", "page-claim"]
    covid = data.facts[0]
    assert covid == Fact(
        id="covid-total",
        topic=Topic.AID,
        text="COVID-19 assistance",
        date=PartialDate.parse("2020"),
        source="sheet",
        value=23_600_000,
        unit="USD",
        qualifier=Qualifier.MORE_THAN,
        end=PartialDate.parse("2020-09-18"),
        tags=("covid", "health"),
    )
    assert isinstance(covid.value, int)
    assert data.facts[1].part_of == "covid-total"
    assert data.facts[1].qualifier is Qualifier.EXACT  # the default
    assert data.facts[2].value == 154_000.5
    assert data.facts[2].measure == "coca"
    assert [str(f.date) for f in data.facts] == ["2020", "2020", "2019", "1822-06", "2019-10-09"]

    assert set(data.sources) == {"sheet", "report", "undated"}
    assert data.sources["sheet"].name == "Sheet"
    assert data.sources["report"].name == "report"  # no short name: the key
    assert str(data.sources["report"].date) == "2023-06"
    assert data.sources["sheet"].date == PartialDate.from_date(dt.date(2020, 9, 18))
    assert data.sources["undated"].date is None
    assert data.sources["undated"].date_note == "The page prints no date and no copy of it is dated."
    assert data.measures["coca"].unit == "hectares"


def test_loaded_dataset_is_immutable(write_dataset: WriteDataset) -> None:
    data = dataset.load(write_dataset(VALID))
    with pytest.raises(AttributeError):  # a NamedTuple's "can't set attribute"
        data.facts[0].value = 1  # type: ignore[misc]
    with pytest.raises(AttributeError):
        data.sources["sheet"].title = "Other"  # type: ignore[misc]
    with pytest.raises(TypeError):
        data.sources["new"] = data.sources["sheet"]  # type: ignore[index]
    with pytest.raises(TypeError):
        data.measures["new"] = data.measures["coca"]  # type: ignore[index]
    assert isinstance(data.facts, tuple)
    assert isinstance(data.facts[0].tags, tuple)


def test_shared_small_dataset_loads(small: Path) -> None:
    data = dataset.load(small)
    assert data.facts
    assert all(f.source in data.sources for f in data.facts)


def test_component_larger_than_its_whole_is_allowed_in_another_unit(write_dataset: WriteDataset) -> None:
    text = (
        HEAD
        + fact(id="whole", value=10_000_000, unit="USD")
        + fact(id="people", text="People reached by it", value=50_000_000, unit="people", part_of="whole")
    )
    data = dataset.load(write_dataset(text))
    assert [f.id for f in data.facts] == ["whole", "people"]


def test_source_without_date_but_with_a_date_note_is_valid(write_dataset: WriteDataset) -> None:
    data = dataset.load(write_dataset(HEAD + fact(source="undated")))
    assert data.sources["undated"].date is None


def test_end_in_the_same_period_as_date_is_valid(write_dataset: WriteDataset) -> None:
    data = dataset.load(write_dataset(HEAD + fact(date="2020", end="2020-01")))
    assert str(data.facts[0].end) == "2020-01"


# ---------------------------------------------------------------- one rule, one test

RULES = [
    pytest.param(fact(id="z") + fact(id=DROP), [("fact #2", "id")], id="missing-id-by-index"),
    pytest.param(fact(topic=DROP), [("fact 'a'", "topic")], id="missing-topic"),
    pytest.param(fact(text=DROP), [("fact 'a'", "text")], id="missing-text"),
    pytest.param(fact(date=DROP), [("fact 'a'", "date")], id="missing-date"),
    pytest.param(fact(source=DROP), [("fact 'a'", "source")], id="missing-source"),
    pytest.param(fact(value=5), [("fact 'a'", "unit")], id="value-without-unit"),
    pytest.param(fact() + fact(text="Again"), [("fact 'a'", "id")], id="duplicate-id"),
    pytest.param(fact(id="Not_Kebab"), [("fact #1", "id")], id="id-not-kebab-case"),
    pytest.param(fact(source="nowhere"), [("fact 'a'", "source")], id="unknown-source"),
    pytest.param(fact(part_of="nothing"), [("fact 'a'", "part_of")], id="unknown-part-of"),
    pytest.param(fact(value=1, unit="hectares", measure="nothing"), [("fact 'a'", "measure")], id="unknown-measure"),
    pytest.param(fact(part_of="a"), [("fact 'a'", "part_of")], id="part-of-itself"),
    pytest.param(
        fact(part_of="b") + fact(id="b", part_of="a"),
        [("fact 'a'", "part_of"), ("fact 'b'", "part_of")],
        id="part-of-cycle",
    ),
    pytest.param(fact(topic="sports"), [("fact 'a'", "topic")], id="bad-topic"),
    pytest.param(fact(topic="Aid"), [("fact 'a'", "topic")], id="topic-wrong-case"),
    pytest.param(fact(value=1, unit="USD", qualifier="about"), [("fact 'a'", "qualifier")], id="bad-qualifier"),
    pytest.param(fact(date="2020-13"), [("fact 'a'", "date")], id="date-no-month-13"),
    pytest.param(fact(date="2021-02-29"), [("fact 'a'", "date")], id="date-no-such-day"),
    pytest.param(fact(date="20-01"), [("fact 'a'", "date")], id="date-malformed"),
    pytest.param(fact(date=2020), [("fact 'a'", "date")], id="date-integer"),
    pytest.param(fact(date=Raw("2020-01-01T10:00:00")), [("fact 'a'", "date")], id="date-with-time"),
    pytest.param(fact(end="2020-02-30"), [("fact 'a'", "end")], id="end-malformed"),
    pytest.param(fact(date="2020", end="2019-12-31"), [("fact 'a'", "end")], id="end-before-date"),
    pytest.param(fact(date=Raw("2020-05-02"), end=Raw("2020-05-01")), [("fact 'a'", "end")], id="end-day-before"),
    pytest.param(
        fact(value=10, unit="USD") + fact(id="b", value=11, unit="USD", part_of="a"),
        [("fact 'b'", "value")],
        id="component-larger-than-whole",
    ),
    pytest.param(fact(value=10, unit="USD", measure="coca"), [("fact 'a'", "unit")], id="measure-unit-mismatch"),
    pytest.param(
        fact(value=10, unit="hectares", measure="coca") + fact(id="b", value=11, unit="hectares", measure="coca"),
        [("fact 'b'", "measure")],
        id="one-source-two-facts-of-one-measure-and-period",
    ),
    pytest.param(fact(value="12", unit="USD"), [("fact 'a'", "value")], id="value-string"),
    pytest.param(fact(value=True, unit="USD"), [("fact 'a'", "value")], id="value-bool"),
    pytest.param(fact(value=Raw("nan"), unit="USD"), [("fact 'a'", "value")], id="value-nan"),
    pytest.param(fact(value=Raw("inf"), unit="USD"), [("fact 'a'", "value")], id="value-inf"),
    pytest.param(fact(value=Raw("-inf"), unit="USD"), [("fact 'a'", "value")], id="value-minus-inf"),
    pytest.param(fact(tags="covid"), [("fact 'a'", "tags")], id="tags-not-a-list"),
    pytest.param(fact(tags=["covid", 1]), [("fact 'a'", "tags")], id="tags-not-strings"),
    pytest.param(fact(text=5), [("fact 'a'", "text")], id="text-not-a-string"),
    pytest.param(fact(text=""), [("fact 'a'", "text")], id="text-empty"),
    pytest.param(fact(unit=["USD"], value=1), [("fact 'a'", "unit")], id="unit-not-a-string"),
    pytest.param(fact(qualifer="nearly"), [("fact 'a'", "qualifer")], id="unknown-field-typo"),
    pytest.param(
        "\n[sources.lost]\ntitle = 'Lost'\npublisher = 'Someone'\nurl = 'https://example.org'\n" + fact(),
        [("source 'lost'", "date_note")],
        id="source-without-date-or-date-note",
    ),
    pytest.param(
        "\n[sources.nourl]\ntitle = 'No URL'\npublisher = 'Someone'\ndate = 2020-01-01\n" + fact(),
        [("source 'nourl'", "url")],
        id="source-without-url",
    ),
]


@pytest.mark.parametrize(("facts", "expected"), RULES)
def test_each_rule_is_reported_with_fact_and_field(
    write_dataset: WriteDataset, facts: str, expected: list[tuple[str, str]]
) -> None:
    path = write_dataset(HEAD + facts)
    with pytest.raises(DatasetError) as caught:
        dataset.load(path)

    assert located(list(caught.value.problems)) == expected
    # The one-line message a command prints names the file, the line where the entry begins, the fact
    # and the field.
    where, field = expected[0]
    first = caught.value.problems[0]
    assert first.line in entry_lines(path.read_text(encoding="utf-8"), where), first
    assert str(caught.value).startswith(f"{path}:{first.line}: {where}, field '{field}': ")
    assert all(problem.file == path for problem in caught.value.problems)


def test_every_problem_in_a_file_is_reported_at_once(write_dataset: WriteDataset) -> None:
    text = (
        HEAD
        + "\n[sources.lost]\ntitle = 'Lost'\npublisher = 'Someone'\nurl = 'https://example.org'\n"
        + fact(id="ok")
        + fact(id="no-topic", topic=DROP)
        + fact(id="bad-date", date="2020-13")
        + fact(id="no-unit", value=5)
        + fact(id="ghost-source", source="nowhere")
        + fact(id="ok")
        + fact(id=DROP)
        + fact(id="typo", qualifer="nearly")
    )
    problems = problems_in(write_dataset(text))

    assert sorted(located(problems), key=str) == sorted(
        [
            ("source 'lost'", "date_note"),
            ("fact 'no-topic'", "topic"),
            ("fact 'bad-date'", "date"),
            ("fact 'no-unit'", "unit"),
            ("fact 'ghost-source'", "source"),
            ("fact 'ok'", "id"),
            ("fact #7", "id"),
            ("fact 'typo'", "qualifer"),
        ],
        key=str,
    )
    assert len(problems) == 8


def test_two_problems_in_one_fact_are_both_reported(write_dataset: WriteDataset) -> None:
    # Design §1: all problems at once, not only the first; fixing the topic must not reveal a new one.
    problems = problems_in(write_dataset(HEAD + fact(topic="sports", source="nowhere")))
    assert sorted(located(problems), key=str) == [("fact 'a'", "source"), ("fact 'a'", "topic")]


def test_a_broken_entry_is_not_also_reported_as_a_missing_reference(write_dataset: WriteDataset) -> None:
    # 'broken' is a key in [sources] and 'a' is a fact id: saying otherwise sends the user looking for a typo.
    text = (
        HEAD
        + "\n[sources.broken]\ntitle = 'Broken'\npublisher = 'Someone'\nurl = 'ftp://example.org'\ndate = 2020\n"
        + fact(topic="sports")
        + fact(id="b", part_of="a", source="broken")
    )
    problems = problems_in(write_dataset(text))
    messages = [str(problem) for problem in problems]
    assert not [m for m in messages if "is not a key" in m or "is not a fact id" in m], messages
    assert {"source 'broken'", "fact 'a'"} <= {problem.where for problem in problems}


def test_a_duplicate_id_says_where_the_other_one_is(write_dataset: WriteDataset) -> None:
    path = write_dataset(HEAD + fact() + fact(text="Again"))
    (problem,) = problems_in(path)
    first_line = entry_lines(path.read_text(encoding="utf-8"), "fact 'a'")[0]
    assert problem.message == f"duplicate id: another fact has it ({path}, line {first_line})"


def test_problems_in_an_included_file_name_that_file_and_line(tmp_path: Path) -> None:
    (tmp_path / "main.toml").write_text('include = ["more.toml"]\n' + HEAD, encoding="utf-8")
    more = tmp_path / "more.toml"
    more.write_text("colour = 1\n" + fact(part_of="b") + fact(id="b", part_of="a", topic="sports"), encoding="utf-8")
    problems = problems_in(tmp_path / "main.toml")
    assert {problem.file for problem in problems} == {more}
    assert sorted((problem.where, problem.field, problem.line) for problem in problems) == [
        ("fact 'a'", "part_of", 3),
        ("fact 'b'", "part_of", 11),
        ("fact 'b'", "topic", 11),
        ("file", "colour", None),
    ]


# ---------------------------------------------------------------- TOML syntax

SYNTAX = [
    pytest.param('[sources.a]\ntitle = "abc\npublisher = "x"\n', 2, id="unclosed-string"),
    pytest.param('x = 1\ny = "a\\qb"\n', 2, id="invalid-escape"),
    pytest.param('x = 1\ny = "a\x01b"\n', 2, id="control-character-in-string"),
    pytest.param('[sources.a]\ntitle = "a"\ntitle = "b"\n', 3, id="duplicate-key"),
    pytest.param('[sources.a]\ntitle = "a"\n\n[sources.a]\nurl = "b"\n', 4, id="duplicate-table"),
    pytest.param('[sources.a]\ntitle = "a"\npublisher = nope\n', 3, id="bad-value"),
    pytest.param('[sources.a]\ntitle = "a" "b"\n', 2, id="two-values"),
    pytest.param("[sources.a]\ndate = 2020-13-01\n", 2, id="bad-date-literal"),
    pytest.param('[sources.a]\ntitle "a"\n', 2, id="missing-equals"),
    pytest.param('[sources.a]\ntitle = "a"\n\n[sources.b\ntitle = "b"\n', 4, id="unclosed-table-header"),
    pytest.param('x = 1\n[[facts]\nid = "a"\n', 2, id="unclosed-array-of-tables-header"),
    pytest.param('x = 1\n[[facts]]\ntags = ["a", "b"\nid = "a"\n', 4, id="unclosed-array"),
    # Opened on line 2; a parser may point there or at the end of the file (tomli: line 3, column 1).
    pytest.param("x = 1\ny = {a = 1\n", (2, 3), id="unclosed-inline-table"),
]


@pytest.mark.parametrize(("text", "line"), SYNTAX)
def test_toml_syntax_error_gives_line_and_column(
    write_dataset: WriteDataset, text: str, line: int | tuple[int, ...]
) -> None:
    path = write_dataset(text)
    with pytest.raises(DatasetError) as caught:
        dataset.load(path)

    message = str(caught.value)
    assert isinstance(caught.value, DatasetReadError)
    position = re.fullmatch(rf"{re.escape(str(path))}:(\d+): TOML syntax error: .+ \(column (\d+)\)", message)
    assert position, message
    assert int(position[1]) in (line if isinstance(line, tuple) else (line,)), message
    assert caught.value.problems[0].line == int(position[1])
    assert len(caught.value.problems) == 1


def test_unterminated_multiline_string_points_at_a_line(write_dataset: WriteDataset) -> None:
    # The parser only notices at the end of the file; the user still needs a line to look at:
    # where the string opens (2) or at least where the file ends (3).
    path = write_dataset('x = 1\ny = """abc\n')
    with pytest.raises(DatasetReadError) as caught:
        dataset.load(path)
    position = re.match(rf"{re.escape(str(path))}:(\d+): TOML syntax error: .*\(column \d+\)$", str(caught.value))
    assert position, str(caught.value)
    assert int(position[1]) in (2, 3)


# ---------------------------------------------------------------- the file itself


def test_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "nope.toml"
    with pytest.raises(DatasetReadError, match="no such file") as caught:
        dataset.load(path)
    assert str(caught.value) == f"{path}: no such file"


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(DatasetReadError, match="directory") as caught:
        dataset.load(tmp_path)
    assert str(tmp_path) in str(caught.value)


def test_empty_file_is_an_empty_dataset(write_dataset: WriteDataset) -> None:
    # An empty file is valid TOML and breaks no rule of design §1: a dataset with nothing in it,
    # which every listing shows as an empty result rather than as an error.
    data = dataset.load(write_dataset(""))
    assert (data.facts, dict(data.sources), dict(data.measures)) == ((), {}, {})


def test_invalid_utf8(tmp_path: Path) -> None:
    path = tmp_path / "latin1.toml"
    path.write_bytes('[sources.a]\ntitle = "Bogotá"\n'.encode("latin-1"))
    with pytest.raises(DatasetReadError, match="UTF-8") as caught:
        dataset.load(path)
    assert str(path) in str(caught.value)


def test_binary_file(tmp_path: Path) -> None:
    path = tmp_path / "image.toml"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10")
    with pytest.raises(DatasetError) as caught:
        dataset.load(path)
    assert str(path) in str(caught.value)


def test_file_of_nul_bytes(tmp_path: Path) -> None:
    path = tmp_path / "zeros.toml"
    path.write_bytes(b"\x00" * 64)
    with pytest.raises(DatasetError) as caught:
        dataset.load(path)
    assert str(path) in str(caught.value)


def test_utf8_byte_order_mark_is_accepted(tmp_path: Path) -> None:
    path = tmp_path / "bom.toml"
    path.write_bytes(b"\xef\xbb\xbf" + (HEAD + fact(text="Bogotá")).encode("utf-8"))
    data = dataset.load(path)
    assert [(f.id, f.text) for f in data.facts] == [("a", "Bogotá")]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs os.mkfifo")
def test_fifo_is_refused_without_waiting_for_a_writer(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe.toml"
    os.mkfifo(fifo)
    outcome: list[Exception | None] = []

    def load() -> None:
        try:
            dataset.load(fifo)
        except Exception as exc:  # handed to the test's thread to assert on
            outcome.append(exc)
        else:
            outcome.append(None)

    worker = threading.Thread(target=load, daemon=True)
    worker.start()
    worker.join(timeout=60)  # a hang guard, not a speed requirement
    if worker.is_alive():  # it blocked on open(): give it a writer so the thread can end
        with fifo.open("wb"):
            pass
        worker.join()
        pytest.fail("load() blocked reading a FIFO instead of refusing it")
    assert len(outcome) == 1
    assert isinstance(outcome[0], DatasetError), outcome
    assert str(fifo) in str(outcome[0])


# ---------------------------------------------------------------- which file


def test_data_option_beats_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv(dataset.ENV_VAR, str(tmp_path / "env.toml"))
    assert dataset.resolve_path(str(tmp_path / "option.toml")) == tmp_path / "option.toml"
    assert dataset.resolve_path(tmp_path / "option.toml") == tmp_path / "option.toml"


def test_environment_beats_default(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("USCO_DATA", str(tmp_path / "env.toml"))
    assert dataset.resolve_path(None) == tmp_path / "env.toml"


def test_default_without_option_or_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("USCO_DATA", raising=False)
    assert dataset.resolve_path(None) == dataset.default_path()


def test_default_path_is_the_shipped_dataset() -> None:
    path = dataset.default_path()
    assert path.name == "facts.toml"
    assert path.is_file()
