"""Parse and validate a TOML dataset, turning it into immutable objects (design §1).

A dataset is a file plus the files it includes, validated together as one. Fields are
read as usco.fields declares them; validation collects every problem, each located by
file and line, before failing, so `usco check` can list them all. usco.dataset.load calls
this on a cache miss only: a cached query never imports it.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Iterator, Mapping, Sequence
from enum import Enum
from pathlib import Path, PurePosixPath
from types import MappingProxyType
from typing import Any, NamedTuple

from usco.fields import FACT_FIELDS, MEASURE_FIELDS, SOURCE_FIELDS, Field, Kind, names
from usco.model import (
    Dataset,
    DatasetError,
    DatasetReadError,
    Fact,
    Measure,
    PartialDate,
    PeriodKind,
    Problem,
    Source,
    Status,
    fiscal_year_span,
)
from usco.reading import read_dataset_file as read_bytes
from usco.text import suggest

_LARGEST = 10**18
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_TOP_LEVEL = {"include", "sources", "measures", "facts"}
#: The 1976 transition quarter (July–September 1976), a fiscal period of its own.
TRANSITION_QUARTER = (PartialDate(dt.date(1976, 7, 1), 2), PartialDate(dt.date(1976, 9, 1), 2))


def build(path: Path, content: bytes, also: Sequence[Path] = ()) -> Dataset:
    """The dataset at *path* (its bytes *content*) with its includes and *also*; DatasetError lists every problem."""
    return _build(path, _read_tree(path, content, also))


def _decode(path: Path, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")  # tolerate a byte-order mark
    except UnicodeDecodeError as exc:
        problem = Problem("file", None, f"is not UTF-8 text (bad byte at offset {exc.start})", path)
        raise DatasetReadError(path, [problem]) from None


def _parse(path: Path, text: str) -> dict[str, Any]:
    # tomli's compiled wheel parses about twice as fast as tomllib; tomllib is the fallback.
    try:
        import tomli as toml
    except ImportError:  # pragma: no cover - only where tomli is not installed
        import tomllib as toml  # type: ignore[no-redef]

    def fail(message: str, line: int | None = None) -> DatasetReadError:
        return DatasetReadError(path, [Problem("file", None, message, path, line)])

    try:
        return toml.loads(text)
    except toml.TOMLDecodeError as exc:
        line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        message = getattr(exc, "msg", None) or str(exc)
        position = _TOML_POSITION.search(str(exc))
        if line is None and position:  # tomllib before 3.14 only has it in the text
            line, column = int(position[1]), int(position[2])
        message = _TOML_POSITION.sub("", message).strip()
        if line is None and "end of document" in str(exc):
            lines = text.split("\n")
            line, column = len(lines), len(lines[-1]) + 1
        at = f" (column {column})" if line else ""
        raise fail(f"TOML syntax error: {message}{at}", line) from None
    except RecursionError:
        raise fail("TOML nested too deeply") from None
    except ValueError as exc:  # e.g. an integer longer than Python converts (4,300 digits)
        raise fail(f"TOML value cannot be read: {exc}") from None


# ---------------------------------------------------------------- files and includes


class _File(NamedTuple):
    """One parsed file of the dataset, with where its entries begin."""

    path: Path
    raw: dict[str, Any]
    fact_lines: list[int]  # the line of each [[facts]] header, in order
    table_lines: dict[tuple[str, str], int]  # ("sources", key) -> line of [sources.key]
    include_line: int | None = None  # the line of `include = [...]`


_INCLUDE = re.compile(r"^[ \t]*include[ \t]*=", re.MULTILINE)
_FACT_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*facts[ \t]*\]\]", re.MULTILINE)
_TABLE_HEADER = re.compile(r"^[ \t]*\[[ \t]*(sources|measures)[ \t]*\.[ \t]*\"?([^\]\"]+?)\"?[ \t]*\]", re.MULTILINE)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _lines_of(text: str, matches: Iterable[re.Match[str]]) -> Iterator[tuple[re.Match[str], int]]:
    """Each match (in order) with its line number, counting each stretch of text once (linear, not quadratic)."""
    line, position = 1, 0
    for match in matches:
        line += text.count("\n", position, match.start())
        position = match.start()
        yield match, line


def _file(path: Path, text: str) -> _File:
    raw = _parse(path, text)
    fact_lines = [line for _, line in _lines_of(text, _FACT_HEADER.finditer(text))]
    tables = {(match[1], match[2]): line for match, line in _lines_of(text, _TABLE_HEADER.finditer(text))}
    include = _INCLUDE.search(text)
    return _File(path, raw, fact_lines, tables, _line_of(text, include.start()) if include else None)


def _read_tree(path: Path, content: bytes, also: Sequence[Path]) -> tuple[list[_File], list[Problem]]:
    """The dataset file and every file it includes, depth first; include problems listed."""
    files: list[_File] = []
    problems: list[Problem] = []
    seen: set[Path] = set()

    def visit(current: Path, data: bytes, stack: tuple[Path, ...]) -> None:
        resolved = current.resolve()
        seen.add(resolved)
        parsed = _file(current, _decode(current, data))
        files.append(parsed)
        for target in _includes(parsed, problems):
            child = (current.parent / target).resolve()
            folder = current.parent.resolve()
            if folder not in child.parents:
                message = f"{target!r} leaves the folder of {current.name}"
                problems.append(Problem("file", "include", message, current, parsed.include_line))
            elif child in (*stack, resolved):
                message = f"{target!r} includes itself (a cycle)"
                problems.append(Problem("file", "include", message, current, parsed.include_line))
            elif child not in seen:
                visit(current.parent / target, read_bytes(current.parent / target), (*stack, resolved))

    visit(path, content, ())
    for extra in also:
        if extra.resolve() not in seen:
            visit(extra, read_bytes(extra), ())
    return files, problems


def _includes(parsed: _File, problems: list[Problem]) -> Iterator[str]:
    """The include paths of one file: relative, inside its folder (no absolute paths, no ..)."""
    value = parsed.raw.get("include", [])
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        message = "must be a list of relative paths"
        problems.append(Problem("file", "include", message, parsed.path, parsed.include_line))
        return
    for item in value:
        pure = PurePosixPath(item)
        if pure.is_absolute() or "\\" in item or re.match(r"^[A-Za-z]:", item) or ".." in pure.parts:
            message = f"{item!r} must be a relative path inside its folder"
            problems.append(Problem("file", "include", message, parsed.path, parsed.include_line))
        else:
            yield item


# ---------------------------------------------------------------- building the dataset


class _Collector:
    """Gathers problems while the dataset is built, so all are reported at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems

    def add(self, where: str, field: str | None, message: str, origin: _Origin | None = None) -> None:
        file, line = (origin.file.path, origin.line) if origin else (None, None)
        self.problems.append(Problem(where, field, message, file, line))


class _Origin(NamedTuple):
    file: _File
    line: int | None


class _Entry(NamedTuple):
    key: str
    table: dict[str, Any]
    origin: _Origin


def _build(path: Path, tree: tuple[list[_File], list[Problem]]) -> Dataset:
    files, problems = tree
    found = _Collector(problems)
    for parsed in files:
        for key in sorted(set(parsed.raw) - _TOP_LEVEL):
            message = "unknown top-level key; expected include, sources, measures and facts"
            found.add("file", key, message, _Origin(parsed, None))
    source_entries = _tables(files, "sources", found)
    measure_entries = _tables(files, "measures", found)
    fact_entries = list(_fact_entries(files, found))
    sources = {key: source for key, source in _sources(source_entries, found)}
    facts_by_entry = list(_facts(fact_entries, found))
    facts = [fact for fact, _ in facts_by_entry]
    measures = {key: measure for key, measure in _measures(measure_entries, facts, found)}
    origins = {fact.id: origin for fact, origin in facts_by_entry}
    _check_references(source_entries, measure_entries, fact_entries, found)
    _check_figures(facts, sources, measures, origins, found)
    if found.problems:
        raise DatasetError(path, found.problems)
    return Dataset(
        path=path,
        sources=MappingProxyType(sources),
        measures=MappingProxyType(measures),
        facts=tuple(facts),
        files=tuple(parsed.path for parsed in files),
    )


def _tables(files: list[_File], name: str, found: _Collector) -> dict[str, _Entry]:
    """The entries of [sources] or [measures] across files, each a table with a kebab-case key.

    A key defined in two files is a problem, except a measure declared identically in
    both (each generated series file declares the measures it uses).
    """
    entries: dict[str, _Entry] = {}
    for parsed in files:
        raw = parsed.raw.get(name, {})
        if not isinstance(raw, dict):
            found.add("file", name, "must be a table of tables", _Origin(parsed, None))
            continue
        for key, table in raw.items():
            origin = _Origin(parsed, parsed.table_lines.get((name, key)))
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
                entries[key] = _Entry(key, table, origin)
    return entries


def _fact_entries(files: list[_File], found: _Collector) -> Iterator[tuple[dict[str, Any], str, _Origin]]:
    for parsed in files:
        raw = parsed.raw.get("facts", [])
        if not isinstance(raw, list):
            found.add("file", "facts", "must be an array of tables ([[facts]])", _Origin(parsed, None))
            continue
        for index, entry in enumerate(raw, start=1):
            line = parsed.fact_lines[index - 1] if index <= len(parsed.fact_lines) else None
            where = _fact_location(entry, index)
            yield entry, where, _Origin(parsed, line)


def _fact_location(entry: Any, index: int) -> str:
    """ "fact 'id'" when the id is usable, else "fact #N" (1-based within its file)."""
    fact_id = entry.get("id") if isinstance(entry, dict) else None
    return f"fact {fact_id!r}" if isinstance(fact_id, str) and _ID.fullmatch(fact_id) else f"fact #{index}"


def _read_fields(
    table: Mapping[str, Any], declared: tuple[Field, ...], where: str, origin: _Origin, found: _Collector
) -> dict[str, Any] | None:
    """Every declared field of *table* read by its kind; None if any is missing or wrong."""
    known = names(declared)
    for key in sorted(set(table) - known - {"id"}):
        found.add(where, key, f"unknown field; expected one of {', '.join(sorted(known - {'id'}))}", origin)
    reader = _Fields(table, where, origin, found)
    values = {field.name: reader.read(field) for field in declared if field.kind is not Kind.KEY}
    return None if reader.failed else values


def _sources(entries: dict[str, _Entry], found: _Collector) -> Iterator[tuple[str, Source]]:
    for key, entry in entries.items():
        where = f"source {key!r}"
        values = _read_fields(entry.table, SOURCE_FIELDS, where, entry.origin, found)
        if "date" not in entry.table and "date_note" not in entry.table:
            found.add(where, "date_note", "required when the source has no date", entry.origin)
        if values is not None:
            yield key, Source(id=key, **values)


def _measures(entries: dict[str, _Entry], facts: list[Fact], found: _Collector) -> Iterator[tuple[str, Measure]]:
    for key, entry in entries.items():
        values = _read_fields(entry.table, MEASURE_FIELDS, f"measure {key!r}", entry.origin, found)
        if values is not None:
            if values["period"] is None:
                values["period"] = infer_period([fact for fact in facts if fact.measure == key])
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


def _facts(entries: list[tuple[dict[str, Any], str, _Origin]], found: _Collector) -> Iterator[tuple[Fact, _Origin]]:
    seen: dict[str, _Origin] = {}
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

    def __init__(self, entry: Mapping[str, Any], where: str, origin: _Origin, found: _Collector) -> None:
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
        value = self.entry[field.name]
        reader = getattr(self, f"_{field.kind.value}")
        result = reader(field, value)
        return field.default if result is None else result

    def _text(self, field: Field, value: Any) -> str | None:
        if not isinstance(value, str) or not value.strip():
            self._problem(field.name, f"must be a non-empty string, not {_show(value)}")
            return None
        return value

    _ref = _text

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
        if abs(value) >= _LARGEST:  # no figure in this domain comes near; such digits are an error
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
                return PartialDate.parse(value)
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


def _show(value: Any) -> str:
    """A short, safe rendering of a bad value for a message (repr escapes control characters)."""
    if isinstance(value, int) and value.bit_length() > 200:
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"  # repr would refuse past 4,300
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# ---------------------------------------------------------------- rules between entries


def _check_references(
    sources: Mapping[str, _Entry],
    measures: Mapping[str, _Entry],
    facts: list[tuple[dict[str, Any], str, _Origin]],
    found: _Collector,
) -> None:
    """source, measure and part_of name something declared, even when that entry has problems of its own.

    Checked on the raw tables so that one broken entry is reported once, with no false
    "is not a key" for everything that refers to it, and so that a fact with another
    problem still gets its references checked. An unknown key gets the closest known ones.
    """
    fact_ids = {entry["id"] for entry, _, _ in facts if isinstance(entry, dict) and isinstance(entry.get("id"), str)}
    declared: dict[str, tuple[str, Any]] = {
        "source": ("a key in [sources]", sources),
        "measure": ("a key in [measures]", measures),
        "part_of": ("a fact id", fact_ids),
    }
    parents: dict[str, str] = {}
    origins: dict[str, _Origin] = {}
    for entry, where, origin in facts:
        if not isinstance(entry, dict):
            continue
        for field, (what, known) in declared.items():
            name = entry.get(field)
            if isinstance(name, str) and name not in known:
                found.add(where, field, f"{name!r} is not {what}{suggest(name, known)}", origin)
        if isinstance(entry.get("id"), str) and isinstance(entry.get("part_of"), str):
            parents[entry["id"]] = entry["part_of"]
            origins.setdefault(entry["id"], origin)
    for fact_id in cycles(parents):
        found.add(f"fact {fact_id!r}", "part_of", "is part of itself (a cycle in part_of)", origins.get(fact_id))


def period_start(fact: Fact, measure: Measure | None) -> dt.date:
    """The first day a fact is about: FY2016 begins on 2015-10-01."""
    if measure is not None and measure.period is PeriodKind.FISCAL_YEAR and fact.date.precision == 1:
        return fiscal_year_span(fact.date.first.year)[0]
    return fact.date.first


def _fits(fact: Fact, period: PeriodKind) -> str | None:
    """Why *fact* does not fit a measure of *period*, or None if it does."""
    partial = fact.status is Status.PARTIAL
    if period in (PeriodKind.YEAR, PeriodKind.FISCAL_YEAR):
        if period is PeriodKind.FISCAL_YEAR and (fact.date, fact.end) == TRANSITION_QUARTER:
            return None
        if fact.date.precision != 1:
            return f'a {period.value} is a bare year ("2016"), not {fact.date}'
        if fact.end is not None and not partial:
            return f"a {period.value} has no end unless the figure is partial"
        if fact.end is not None:
            first, last = (
                fiscal_year_span(fact.date.first.year)
                if period is PeriodKind.FISCAL_YEAR
                else (fact.date.first, fact.date.last)
            )
            if not (first <= fact.end.first and fact.end.last <= last):
                return f"a partial figure's end ({fact.end}) must lie inside its {period.value}"
    elif period is PeriodKind.MONTH:
        if fact.date.precision != 2:
            return f'a month is "YYYY-MM", not {fact.date}'
        if fact.end is not None and not (partial and fact.end.last <= fact.date.last):
            return "a month has no end unless the figure is partial"
    elif period is PeriodKind.POINT:
        if fact.end is not None:
            return "a point is a count on one date: no end (a sum over a span is a running_total)"
    elif period is PeriodKind.RUNNING_TOTAL and fact.end is None:
        return "a running total needs `end`, the day it was said"
    return None


def _check_figures(
    facts: list[Fact],
    sources: Mapping[str, Source],
    measures: Mapping[str, Measure],
    origins: Mapping[str, _Origin],
    found: _Collector,
) -> None:
    """Rules between valid entries (design §1): components within their whole, dates
    not after their source unless planned, and one unit, period kind and version per measure."""
    by_id = {fact.id: fact for fact in facts}
    periods: dict[tuple[str, str, tuple[PartialDate, PartialDate | None]], str] = {}
    for fact in facts:
        where, origin = f"fact {fact.id!r}", origins.get(fact.id)
        whole = by_id.get(fact.part_of) if fact.part_of else None
        if whole is not None and _larger_than_whole(fact, whole):
            found.add(where, "value", f"{fact.value} is larger than its whole {whole.id!r} ({whole.value})", origin)
        measure = measures.get(fact.measure) if fact.measure else None
        if fact.end and fact.end.last < period_start(fact, measure):  # FY2025 begins on 2024-10-01
            found.add(where, "end", f"{fact.end} is before date {fact.date}", origin)
        source = sources.get(fact.source)
        said = source.date if source is not None else None
        if said is not None and fact.status is not Status.PLANNED and period_start(fact, measure) > said.last:
            message = f"{fact.date} is after its source's date {said}; a figure said before it happened is planned"
            found.add(where, "date", message, origin)
        if said is not None and fact.status is Status.PARTIAL and fact.end is not None and fact.end.first > said.last:
            found.add(where, "end", f"{fact.end} is after its source's date {said}", origin)
        if measure is None:
            continue
        if fact.value is None:
            found.add(where, "value", f"required for a fact of measure {measure.id!r}", origin)
        elif fact.unit != measure.unit:
            message = f"{fact.unit!r} differs from measure {measure.id!r} unit {measure.unit!r}"
            found.add(where, "unit", message, origin)
        if (misfit := _fits(fact, measure.period)) is not None:
            found.add(where, "measure", f"does not fit {measure.id!r}: {misfit}", origin)
        key = (fact.source, measure.id, fact.period)
        if key in periods:
            message = f"source {fact.source!r} already gives {periods[key]!r} for this measure and period"
            found.add(where, "measure", message, origin)
        else:
            periods[key] = fact.id


def _larger_than_whole(part: Fact, whole: Fact) -> bool:
    return part.unit == whole.unit and part.value is not None and whole.value is not None and part.value > whole.value


def cycles(parents: Mapping[str, str]) -> list[str]:
    """Ids whose part_of chain leads back to themselves, in one linear pass.

    Each id is walked at most once: a walk stops at an id already settled, and the ids
    of a loop found on the current walk are the ones in a cycle.
    """
    state: dict[str, int] = {}  # 1 on the current walk, 2 settled
    looping: list[str] = []
    for start in parents:
        if start in state:
            continue
        walk: list[str] = []
        current: str | None = start
        while current is not None and current not in state:
            state[current] = 1
            walk.append(current)
            current = parents.get(current)
        if current is not None and state[current] == 1:  # closed a loop on this walk
            looping.extend(walk[walk.index(current) :])
        for fact_id in walk:
            state[fact_id] = 2
    order = {fact_id: position for position, fact_id in enumerate(parents)}
    return sorted(looping, key=lambda fact_id: order.get(fact_id, len(order)))
