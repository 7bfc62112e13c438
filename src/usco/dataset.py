"""Find, read and validate a TOML dataset, turning it into immutable objects (design §1).

Validation collects every problem before failing, so `usco check` can list them all.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import re
import stat
from collections.abc import Iterator, Mapping
from enum import Enum
from pathlib import Path
from types import MappingProxyType
from typing import Any, TypeVar

from usco import cache
from usco.model import (
    Dataset,
    DatasetError,
    Fact,
    Measure,
    PartialDate,
    Problem,
    Qualifier,
    Source,
    Topic,
)

ENV_VAR = "USCO_DATA"
_LARGEST = 10**18
_E = TypeVar("_E", bound=Enum)
_ID = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")
_FACT_FIELDS = {
    "id", "topic", "text", "value", "unit", "qualifier", "date", "end",
    "source", "measure", "part_of", "tags",
}  # fmt: skip
_SOURCE_FIELDS = {"title", "publisher", "url", "short", "date", "date_note"}
_MEASURE_FIELDS = {"label", "unit"}
_TOP_LEVEL = {"sources", "measures", "facts"}


def default_path() -> Path:
    """The shipped dataset, wherever usco is installed.

    A wheel carries it inside the package (usco/data/facts.toml); an editable install
    or a checkout runs from src/usco, so the repository's data/facts.toml is two
    levels up. data/facts.toml stays the one copy in the repository.
    """
    package = Path(__file__).resolve().parent
    packaged = package / "data" / "facts.toml"
    return packaged if packaged.is_file() else package.parents[1] / "data" / "facts.toml"


def resolve_path(option: str | Path | None) -> Path:
    """--data, else USCO_DATA, else the shipped dataset."""
    chosen = option or os.environ.get(ENV_VAR)
    return Path(chosen) if chosen else default_path()


def load(path: Path, *, use_cache: bool = True) -> Dataset:
    """Read and validate the dataset at *path*; raise DatasetError listing every problem.

    A valid dataset is cached (see usco.cache), so an unchanged file is not parsed again.
    """
    content, status = _read_bytes(path)
    if not (use_cache and cache.enabled()):
        return _build(path, _parse(path, _decode(path, content)))
    cache_key = cache.key(path, content, status)
    cached = cache.read(path, cache_key)
    if cached is not None:
        return cached
    data = _build(path, _parse(path, _decode(path, content)))
    cache.write(data, cache_key)
    return data


def _read_bytes(path: Path) -> tuple[bytes, os.stat_result]:
    def fail(message: str) -> DatasetError:
        return DatasetError(path, [Problem("file", None, message)])

    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise fail("no such file") from None
    except OSError as exc:
        raise fail(f"cannot read it ({exc.strerror or exc})") from None
    if stat.S_ISDIR(mode):
        raise fail("is a directory; expected a TOML file")
    if not stat.S_ISREG(mode):  # a FIFO or device would block or never end
        raise fail("is not a regular file; expected a TOML file")
    try:
        with path.open("rb") as handle:
            return handle.read(), os.fstat(handle.fileno())
    except OSError as exc:
        raise fail(f"cannot read it ({exc.strerror or exc})") from None


def _decode(path: Path, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")  # tolerate a byte-order mark
    except UnicodeDecodeError as exc:
        problem = Problem("file", None, f"is not UTF-8 text (bad byte at offset {exc.start})")
        raise DatasetError(path, [problem]) from None


def _parse(path: Path, text: str) -> dict[str, Any]:
    # tomli's compiled wheel parses about twice as fast as tomllib; tomllib is the fallback.
    try:
        import tomli as toml
    except ImportError:  # pragma: no cover - only where tomli is not installed
        import tomllib as toml  # type: ignore[no-redef]
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
        where = f"line {line}, column {column}" if line else "file"
        raise DatasetError(path, [Problem(where, None, f"TOML syntax error: {message}")]) from None
    except RecursionError:
        raise DatasetError(path, [Problem("file", None, "TOML nested too deeply")]) from None
    except ValueError as exc:  # e.g. an integer longer than Python converts (4,300 digits)
        raise DatasetError(path, [Problem("file", None, f"TOML value cannot be read: {exc}")]) from None


class _Collector:
    """Gathers problems while the dataset is built, so all are reported at once."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def add(self, where: str, field: str | None, message: str) -> None:
        self.problems.append(Problem(where, field, message))


def _build(path: Path, raw: dict[str, Any]) -> Dataset:
    found = _Collector()
    for key in sorted(set(raw) - _TOP_LEVEL):
        found.add("file", key, "unknown top-level key; expected sources, measures and facts")
    sources = dict(_sources(raw.get("sources", {}), found))
    measures = dict(_measures(raw.get("measures", {}), found))
    facts = list(_facts(raw.get("facts", []), found))
    _check_references(raw, found)
    _check_figures(facts, measures, found)
    if found.problems:
        raise DatasetError(path, found.problems)
    return Dataset(
        path=path,
        sources=MappingProxyType(sources),
        measures=MappingProxyType(measures),
        facts=tuple(facts),
    )


def _table(raw: Any, name: str, found: _Collector) -> Iterator[tuple[str, dict[str, Any]]]:
    """The entries of [sources] or [measures], each a table with a kebab-case key."""
    if not isinstance(raw, dict):
        found.add("file", name, "must be a table of tables")
        return
    for key, entry in raw.items():
        where = f"{name[:-1]} {key!r}"
        if not _ID.fullmatch(key):
            found.add(where, None, "key must be kebab-case (a-z, 0-9, -)")
        elif not isinstance(entry, dict):
            found.add(where, None, "must be a table")
        else:
            yield key, entry


def _sources(raw: Any, found: _Collector) -> Iterator[tuple[str, Source]]:
    for key, entry in _table(raw, "sources", found):
        where = f"source {key!r}"
        _unknown_fields(entry, _SOURCE_FIELDS, where, found)
        fields = _Fields(entry, where, found)
        title, publisher = fields.text("title"), fields.text("publisher")
        url = fields.text("url")
        if url is not None and not url.lower().startswith(("https://", "http://")):
            found.add(where, "url", f"{url!r} is not an http(s) URL")
            url = None
        date = fields.date("date", required=False)
        date_note = fields.text("date_note", required=False)
        if "date" not in entry and date_note is None:
            found.add(where, "date_note", "required when the source has no date")
        short = fields.text("short", required=False)
        if title is None or publisher is None or url is None or fields.failed:
            continue
        yield key, Source(key, title, publisher, url, short, date, date_note)


def _measures(raw: Any, found: _Collector) -> Iterator[tuple[str, Measure]]:
    for key, entry in _table(raw, "measures", found):
        where = f"measure {key!r}"
        _unknown_fields(entry, _MEASURE_FIELDS, where, found)
        fields = _Fields(entry, where, found)
        label, unit = fields.text("label"), fields.text("unit")
        if label is not None and unit is not None:
            yield key, Measure(key, label, unit)


def _facts(raw: Any, found: _Collector) -> Iterator[Fact]:
    if not isinstance(raw, list):
        found.add("file", "facts", "must be an array of tables ([[facts]])")
        return
    seen: set[str] = set()
    for index, entry in enumerate(raw, start=1):
        if not isinstance(entry, dict):
            found.add(f"fact #{index}", None, "must be a table")
            continue
        named = isinstance(entry.get("id"), str) and _ID.fullmatch(entry["id"])
        where = _fact_location(entry, index)
        _unknown_fields(entry, _FACT_FIELDS, where, found)
        fields = _Fields(entry, where, found)
        fact_id = fields.text("id")
        if fact_id is not None and not named:
            found.add(where, "id", f"{fact_id!r} must be kebab-case (a-z, 0-9, -)")
        elif fact_id in seen:
            found.add(where, "id", "duplicate id")
        if fact_id is not None:
            seen.add(fact_id)
        fact = _fact(entry, fields, where, found)
        if fact is not None and not fields.failed and named:
            yield fact


def _fact_location(entry: Mapping[str, Any], index: int) -> str:
    """ "fact 'id'" when the id is usable, else "fact #N" (1-based)."""
    fact_id = entry.get("id")
    return f"fact {fact_id!r}" if isinstance(fact_id, str) and _ID.fullmatch(fact_id) else f"fact #{index}"


def _fact(entry: dict[str, Any], fields: _Fields, where: str, found: _Collector) -> Fact | None:
    topic = fields.choice("topic", Topic)
    qualifier = fields.choice("qualifier", Qualifier, required=False) or Qualifier.EXACT
    text = fields.text("text")
    if text is not None and any(char in text for char in "\n\r"):
        found.add(where, "text", "must be one line")
    value = fields.number("value")
    unit = fields.text("unit", required=value is not None)
    date = fields.date("date", required=True)
    end = fields.date("end", required=False)
    if date and end and end.last < date.first:
        found.add(where, "end", f"{end} is before date {date}")
    source = fields.text("source")
    measure = fields.text("measure", required=False)
    part_of = fields.text("part_of", required=False)
    tags = fields.tags("tags")
    if topic is None or text is None or date is None or source is None:
        return None
    return Fact(
        id=str(entry.get("id")),
        topic=topic,
        text=text,
        date=date,
        source=source,
        value=value,
        unit=unit,
        qualifier=qualifier,
        end=end,
        measure=measure,
        part_of=part_of,
        tags=tags,
    )


def _unknown_fields(entry: Mapping[str, Any], known: set[str], where: str, found: _Collector) -> None:
    for key in sorted(set(entry) - known):
        found.add(where, key, f"unknown field; expected one of {', '.join(sorted(known))}")


class _Fields:
    """Typed access to one table's fields; each bad field becomes a Problem."""

    def __init__(self, entry: Mapping[str, Any], where: str, found: _Collector) -> None:
        self.entry, self.where, self.found = entry, where, found
        self.failed = False

    def _problem(self, name: str, message: str) -> None:
        self.failed = True
        self.found.add(self.where, name, message)

    def _get(self, name: str, required: bool) -> Any:
        if name not in self.entry:
            if required:
                self._problem(name, "required")
            return None
        return self.entry[name]

    def text(self, name: str, required: bool = True) -> str | None:
        value = self._get(name, required)
        if value is None:
            return None
        if not isinstance(value, str) or not value.strip():
            self._problem(name, f"must be a non-empty string, not {_show(value)}")
            return None
        return value

    def number(self, name: str) -> int | float | None:
        value = self._get(name, required=False)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self._problem(name, f"must be a number, not {_show(value)}")
            return None
        if isinstance(value, float) and not math.isfinite(value):
            self._problem(name, f"must be a finite number, not {value}")
            return None
        if abs(value) >= _LARGEST:  # no figure in this domain comes near; such digits are an error
            self._problem(name, f"is too large ({_show(value)}); figures must be below 10**18")
            return None
        return value

    def date(self, name: str, required: bool) -> PartialDate | None:
        value = self._get(name, required)
        if value is None:
            return None
        if isinstance(value, dt.datetime | dt.time):
            self._problem(name, f"must be a date without a time, not {_show(value)}")
            return None
        if isinstance(value, dt.date):
            return PartialDate.from_date(value)
        if isinstance(value, str):
            try:
                return PartialDate.parse(value)
            except ValueError as exc:
                self._problem(name, str(exc))
                return None
        self._problem(name, f'must be "YYYY", "YYYY-MM" or a TOML date, not {_show(value)}')
        return None

    def choice(self, name: str, kind: type[_E], required: bool = True) -> _E | None:
        value = self._get(name, required)
        if value is None:
            return None
        try:
            return kind(value)
        except (ValueError, TypeError):
            allowed = ", ".join(str(member.value) for member in kind)
            self._problem(name, f"{_show(value)} is not one of: {allowed}")
            return None

    def tags(self, name: str) -> tuple[str, ...]:
        value = self._get(name, required=False)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(tag, str) and tag for tag in value):
            self._problem(name, f"must be a list of non-empty strings, not {_show(value)}")
            return ()
        return tuple(value)


def _show(value: Any) -> str:
    """A short, safe rendering of a bad value for a message (repr escapes control characters)."""
    if isinstance(value, int) and value.bit_length() > 200:
        return f"a number of about {int(value.bit_length() * 0.30103)} digits"  # repr would refuse past 4,300
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _check_references(raw: dict[str, Any], found: _Collector) -> None:
    """source, measure and part_of name something declared, even when that entry has problems of its own.

    Checked on the raw tables so that one broken entry is reported once, with no
    false "is not a key" for everything that refers to it, and so that a fact with
    another problem still gets its references checked.
    """
    entries = raw.get("facts", [])
    if not isinstance(entries, list):
        return
    declared = {
        "source": set(raw.get("sources", {})) if isinstance(raw.get("sources"), dict) else set(),
        "measure": set(raw.get("measures", {})) if isinstance(raw.get("measures"), dict) else set(),
        "part_of": {entry["id"] for entry in entries if isinstance(entry, dict) and isinstance(entry.get("id"), str)},
    }
    what = {"source": "a key in [sources]", "measure": "a key in [measures]", "part_of": "a fact id"}
    parents: dict[str, str] = {}
    for index, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            continue
        where = _fact_location(entry, index)
        for field, names in declared.items():
            name = entry.get(field)
            if isinstance(name, str) and name not in names:
                found.add(where, field, f"{name!r} is not {what[field]}")
        if isinstance(entry.get("id"), str) and isinstance(entry.get("part_of"), str):
            parents[entry["id"]] = entry["part_of"]
    for fact_id in _cycles(parents):
        found.add(f"fact {fact_id!r}", "part_of", "is part of itself (a cycle in part_of)")


def _check_figures(facts: list[Fact], measures: Mapping[str, Measure], found: _Collector) -> None:
    """Rules between valid facts: components within their whole, one unit and one version per measure."""
    by_id = {fact.id: fact for fact in facts}
    periods: dict[tuple[str, str, tuple[PartialDate, PartialDate | None]], str] = {}
    for fact in facts:
        where = f"fact {fact.id!r}"
        whole = by_id.get(fact.part_of) if fact.part_of else None
        if whole is not None and _larger_than_whole(fact, whole):
            found.add(where, "value", f"{fact.value} is larger than its whole {whole.id!r} ({whole.value})")
        measure = measures.get(fact.measure) if fact.measure else None
        if measure is None:
            continue
        if fact.value is None:
            found.add(where, "value", f"required for a fact of measure {measure.id!r}")
        elif fact.unit != measure.unit:
            found.add(where, "unit", f"{fact.unit!r} differs from measure {measure.id!r} unit {measure.unit!r}")
        key = (fact.source, measure.id, fact.period)
        if key in periods:
            message = f"source {fact.source!r} already gives {periods[key]!r} for this measure and period"
            found.add(where, "measure", message)
        else:
            periods[key] = fact.id


def _larger_than_whole(part: Fact, whole: Fact) -> bool:
    return part.unit == whole.unit and part.value is not None and whole.value is not None and part.value > whole.value


def _cycles(parents: Mapping[str, str]) -> list[str]:
    """Ids whose part_of chain leads back to themselves."""
    looping = []
    for start in parents:
        seen = {start}
        current = parents.get(start)
        while current is not None:
            if current == start:
                looping.append(start)
                break
            if current in seen:  # a cycle further up, reported from its own members
                break
            seen.add(current)
            current = parents.get(current)
    return looping
