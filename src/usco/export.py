"""Write a selection of facts as an SQLite database or a Frictionless Data Package (design §3).

Both exports hold the selected facts plus the sources and measures they use, each once.
Dates stay the strings of the dataset ("2019" is never 2019-01-01); `date_first`,
`date_last` and `end_last` add full ISO days so that ranges can be queried.

Every file is written by usco.files' rules: whole or not at all, a temporary file
beside the target moved into place, never over what was not checked, only ever over a
regular file. A Data Package is built beside its directory and swapped in whole.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import os
import secrets
import sqlite3
import stat
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from usco.model import Measure, OutputError, PartialDate, Qualifier, Source, Topic, UscoError
from usco.query import Row, Selection


class ExportError(UscoError):
    """An export cannot be written: the target exists (without --force) or the disk refuses."""


# ---------------------------------------------------------------- what is exported


@dataclass(frozen=True)
class _Tables:
    """The rows of the three tables, as plain values (None for a missing value)."""

    sources: list[tuple[Any, ...]]
    measures: list[tuple[Any, ...]]
    facts: list[tuple[Any, ...]]


SOURCE_COLUMNS = ("id", "title", "publisher", "url", "short", "date", "date_note")
MEASURE_COLUMNS = ("id", "label", "unit")
FACT_COLUMNS = (
    "id", "topic", "text", "value", "unit", "qualifier", "date", "end", "date_first", "date_last", "end_last",
    "source_id", "measure_id", "part_of", "superseded_by", "tags",
)  # fmt: skip


def _day(date: PartialDate | None, *, last: bool) -> str | None:
    if date is None:
        return None
    return (date.last if last else date.first).isoformat()


def _text(date: PartialDate | None) -> str | None:
    return None if date is None else str(date)


def _tables(selection: Selection) -> _Tables:
    """The selection's facts in listing order; their sources and measures by id.

    A `part_of` naming a fact outside the selection is left empty, so that the
    foreign key holds; `superseded_by` is kept as given (it carries no foreign key).
    """
    rows: Sequence[Row] = selection.rows
    exported = {row.fact.id for row in rows}
    sources: dict[str, Source] = {row.source.id: row.source for row in rows}
    measures: dict[str, Measure] = {}
    for row in rows:
        if row.fact.measure is not None:
            measures[row.fact.measure] = selection.dataset.measures[row.fact.measure]
    facts = []
    for row in rows:
        fact = row.fact
        facts.append(
            (
                fact.id, fact.topic.value, fact.text, fact.value, fact.unit, fact.qualifier.value,
                str(fact.date), _text(fact.end),
                _day(fact.date, last=False), _day(fact.date, last=True), _day(fact.end, last=True),
                fact.source, fact.measure, fact.part_of if fact.part_of in exported else None,
                row.superseded_by, json.dumps(list(fact.tags), ensure_ascii=False),
            )
        )  # fmt: skip
    return _Tables(
        sources=[
            (s.id, s.title, s.publisher, s.url, s.short, _text(s.date), s.date_note)
            for s in sorted(sources.values(), key=lambda s: s.id)
        ],
        measures=[(m.id, m.label, m.unit) for m in sorted(measures.values(), key=lambda m: m.id)],
        facts=facts,
    )


# ---------------------------------------------------------------- files (by usco.files' rules)


@contextmanager
def _as_export_error() -> Iterator[None]:
    """usco.files' refusals and failures, as ExportError (still a UscoError, the same words)."""
    from usco import files

    try:
        yield
    except (OutputError, files.InputError) as error:
        raise ExportError(str(error)) from None


# ---------------------------------------------------------------- SQLite

_SCHEMA = """
CREATE TABLE sources (
    id        TEXT PRIMARY KEY,
    title     TEXT NOT NULL,
    publisher TEXT NOT NULL,
    url       TEXT NOT NULL,
    short     TEXT,
    date      TEXT,  -- as published: "2019", "2019-10" or "2019-10-09"
    date_note TEXT
);
CREATE TABLE measures (
    id    TEXT PRIMARY KEY,
    label TEXT NOT NULL,
    unit  TEXT NOT NULL
);
CREATE TABLE facts (
    id            TEXT PRIMARY KEY,
    topic         TEXT NOT NULL,
    text          TEXT NOT NULL,
    value,        -- no declared type: INTEGER or REAL exactly as the dataset states it
    unit          TEXT,
    qualifier     TEXT NOT NULL,
    date          TEXT NOT NULL,  -- "2019", "2019-07" or "2019-07-31"
    "end"         TEXT,
    date_first    TEXT NOT NULL,  -- first day of date, for range queries
    date_last     TEXT NOT NULL,  -- last day of date
    end_last      TEXT,           -- last day of end
    source_id     TEXT NOT NULL REFERENCES sources(id),
    measure_id    TEXT REFERENCES measures(id),
    part_of       TEXT REFERENCES facts(id),
    superseded_by TEXT,
    tags          TEXT NOT NULL   -- JSON array of strings
);
CREATE INDEX facts_date_first ON facts(date_first);
CREATE INDEX facts_source_id ON facts(source_id);
CREATE INDEX facts_measure_id ON facts(measure_id);
"""


def export_sqlite(selection: Selection, path: Path, *, force: bool = False) -> None:
    """Write tables `sources`, `measures` and `facts` to a new SQLite file at *path*.

    Refuses to replace an existing file unless *force*, and anything but a regular file
    even then; raises ExportError. The database is built in a temporary file beside
    *path* (its -journal too) and moved into place by usco.files: a no-clobber link
    without *force*, so a file that appears at *path* meanwhile is never replaced.
    """
    from usco import files

    tables = _tables(selection)

    def fill(temporary: Path) -> None:
        try:
            with closing(sqlite3.connect(temporary)) as db, db:
                db.executescript(_SCHEMA)
                _insert(db, "sources", SOURCE_COLUMNS, tables.sources)
                _insert(db, "measures", MEASURE_COLUMNS, tables.measures)
                _insert(db, "facts", FACT_COLUMNS, tables.facts)
        except sqlite3.Error as exc:
            raise ExportError(f"cannot write {path}: {exc}") from None

    with _as_export_error():
        files.check_target(path, replace=force)  # refuse before any work
        files.write_atomically(path, fill, replace=force)


def _insert(db: sqlite3.Connection, table: str, columns: Sequence[str], rows: list[tuple[Any, ...]]) -> None:
    names = ", ".join(f'"{name}"' for name in columns)
    marks = ", ".join("?" for _ in columns)
    db.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


# ---------------------------------------------------------------- Data Package

_DATE_PATTERN = "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"


def _field(name: str, kind: str, description: str = "", **constraints: Any) -> dict[str, Any]:
    field: dict[str, Any] = {"name": name, "type": kind}
    if description:
        field["description"] = description
    if constraints:
        field["constraints"] = constraints
    return field


def _partial_date(name: str, description: str, *, required: bool = False) -> dict[str, Any]:
    """A date of the dataset: a string, because "2019" and "2019-07" are not ISO days."""
    if required:
        return _field(name, "string", description, required=True, pattern=_DATE_PATTERN)
    return _field(name, "string", description, pattern=_DATE_PATTERN)


_SOURCE_FIELDS = [
    _field("id", "string", required=True, unique=True),
    _field("title", "string", required=True),
    _field("publisher", "string", required=True),
    _field("url", "string", required=True),
    _field("short", "string", "short name for tables"),
    _partial_date("date", "publication date as known: YYYY, YYYY-MM or YYYY-MM-DD"),
    _field("date_note", "string", "how the date was established when the document prints none"),
]
_MEASURE_FIELDS = [
    _field("id", "string", required=True, unique=True),
    _field("label", "string", required=True),
    _field("unit", "string", required=True),
]
_FACT_FIELDS = [
    _field("id", "string", required=True, unique=True),
    _field("topic", "string", required=True, enum=[topic.value for topic in Topic]),
    _field("text", "string", required=True),
    _field("value", "number", "the figure as stated, never rounded"),
    _field("unit", "string"),
    _field("qualifier", "string", required=True, enum=[qualifier.value for qualifier in Qualifier]),
    _partial_date("date", "when the figure or event holds; a period's start", required=True),
    _partial_date("end", "end of the period"),
    _field("date_first", "date", "first day of date", required=True),
    _field("date_last", "date", "last day of date", required=True),
    _field("end_last", "date", "last day of end"),
    _field("source_id", "string", required=True),
    _field("measure_id", "string"),
    _field("part_of", "string", "id of the larger figure this is a component of"),
    _field("superseded_by", "string", "id of the newer version of this figure"),
    _field("tags", "array", "JSON array of strings", required=True),
]


def _resource(name: str, fields: list[dict[str, Any]], **schema: Any) -> dict[str, Any]:
    return {
        "name": name,
        "path": f"{name}.csv",
        "profile": "tabular-data-resource",
        "format": "csv",
        "mediatype": "text/csv",
        "encoding": "utf-8",
        "schema": {"fields": fields, "primaryKey": ["id"], **schema},
    }


def _descriptor() -> dict[str, Any]:
    def key(field: str, resource: str) -> dict[str, Any]:
        return {"fields": [field], "reference": {"resource": resource, "fields": ["id"]}}

    return {
        "profile": "tabular-data-package",
        "name": "usco",
        "title": "United States–Colombia relations: sourced facts",
        "resources": [
            _resource("sources", _SOURCE_FIELDS),
            _resource("measures", _MEASURE_FIELDS),
            _resource(
                "facts",
                _FACT_FIELDS,
                foreignKeys=[key("source_id", "sources"), key("measure_id", "measures"), key("part_of", "")],
            ),
        ],
    }


def _csv(columns: Sequence[str], rows: list[tuple[Any, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(columns)
    writer.writerows(
        ["" if value is None else repr(value) if isinstance(value, float) else value for value in row] for row in rows
    )
    return out.getvalue()


PACKAGE_FILES = ("sources.csv", "measures.csv", "facts.csv", "datapackage.json")  # the descriptor last


def export_datapackage(selection: Selection, directory: Path, *, force: bool = False) -> list[Path]:
    """Write sources.csv, measures.csv, facts.csv and datapackage.json into *directory*.

    A package is replaced whole or not at all:

    - *directory* missing, empty, or holding nothing but those four files: the package
      is built in a temporary directory beside it (``.usco-XXXX.tmp``) and renamed into
      place; an old package is first renamed aside (``.usco-XXXX.previous``), then
      removed. Readers see the old package or the new one (or, for an instant, none).
    - *directory* holding other files as well: those are never moved, read or replaced.
      The four files are written in full as temporary files inside it first, and only
      then moved into place, datapackage.json last; a failure while writing (a full
      disk, a file-size limit, a signal) leaves the directory as it was.

    An existing package file is replaced only with *force* (an empty one counts as
    missing), and only if it is a regular file. Returns the paths written.
    """
    from usco import files

    tables = _tables(selection)
    contents = {
        "sources.csv": _csv(SOURCE_COLUMNS, tables.sources),
        "measures.csv": _csv(MEASURE_COLUMNS, tables.measures),
        "facts.csv": _csv(FACT_COLUMNS, tables.facts),
        "datapackage.json": json.dumps(_descriptor(), ensure_ascii=False, indent=2) + "\n",
    }
    with _as_export_error():
        entries = _package_entries(directory, force=force)
        try:
            directory.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise ExportError(f"cannot create {directory.parent}: {exc.strerror or exc}") from None
        files.sweep_temporaries(directory.parent)
        if entries is None or set(entries) <= set(PACKAGE_FILES):
            _swap_in(directory, contents, existed=entries is not None, force=force)
        else:
            files.sweep_temporaries(directory)
            _write_beside_others(directory, contents, replace={name: force or info.st_size == 0
                                                               for name, info in entries.items()})  # fmt: skip
    return [directory / name for name in PACKAGE_FILES]


def _package_entries(directory: Path, *, force: bool) -> dict[str, os.stat_result] | None:
    """What *directory* holds (None if it does not exist), once it is checked that writing may go ahead."""
    from usco import files

    if len(os.fsencode(directory.name)) > files.NAME_MAX:
        raise ExportError(f"cannot write {directory}: name too long (more than {files.NAME_MAX} bytes)")
    try:
        info = directory.lstat()
    except FileNotFoundError:
        return None
    except OSError as exc:
        raise ExportError(f"cannot write {directory}: {exc.strerror or exc}") from None
    if stat.S_ISLNK(info.st_mode):
        raise ExportError(f"{directory} is a symbolic link; expected a directory (usco replaces only what it checked)")
    if not stat.S_ISDIR(info.st_mode):
        raise ExportError(f"{directory} is not a directory")
    try:
        entries = {entry.name: entry.stat(follow_symlinks=False) for entry in os.scandir(directory)}
    except OSError as exc:
        raise ExportError(f"cannot read {directory}: {exc.strerror or exc}") from None
    for name in PACKAGE_FILES:  # refuse before anything is written
        if name in entries:
            found = entries[name]
            if not stat.S_ISREG(found.st_mode):
                files.check_target(directory / name, replace=True)  # says what it is
            if found.st_size > 0 and not force:
                raise ExportError(f"{directory / name} already exists; use --force to overwrite it")
    return entries


def _fill(folder: Path, contents: dict[str, str]) -> None:
    for name in PACKAGE_FILES:
        # newline="" keeps the csv module's \r\n row ends as they are (RFC 4180).
        with (folder / name).open("x", encoding="utf-8", newline="") as out:
            out.write(contents[name])


def _swap_in(directory: Path, contents: dict[str, str], *, existed: bool, force: bool) -> None:
    """Build the package in a sibling temporary directory, then rename it to *directory* (old one aside)."""
    import shutil

    from usco import files

    build = directory.parent / f"{files.TEMPORARY_PREFIX}{secrets.token_hex(8)}{files.TEMPORARY_SUFFIX}"
    try:
        try:
            build.mkdir()
            _fill(build, contents)
            if existed:
                build.chmod(stat.S_IMODE(directory.stat().st_mode))
        except OSError as exc:
            raise ExportError(f"cannot write {directory}: {exc.strerror or exc}") from None
        if not existed:
            try:
                build.rename(directory)  # fails if a non-empty directory or a file appeared there
            except OSError as exc:
                raise ExportError(f"{directory} appeared while usco was writing it; not replaced") from exc
            return
        aside = directory.parent / f"{files.TEMPORARY_PREFIX}{secrets.token_hex(8)}.previous"
        try:
            directory.rename(aside)
        except OSError as exc:
            raise ExportError(f"cannot replace {directory}: {exc.strerror or exc}") from None
        try:
            _recheck(aside, directory, force=force)  # what was moved aside is still only what was checked
            build.rename(directory)
        except BaseException:
            try:
                aside.rename(directory)
            except OSError:
                raise ExportError(f"cannot replace {directory}; the previous package is kept at {aside}") from None
            raise
        for name in PACKAGE_FILES:
            with contextlib.suppress(OSError):
                (aside / name).unlink()
        with contextlib.suppress(OSError):
            aside.rmdir()  # not rmtree: anything that was not checked stays, and says so below
        if aside.exists():
            raise ExportError(f"{directory} written; files that appeared in the old one are kept at {aside}")
    finally:
        if build.exists():
            shutil.rmtree(build, ignore_errors=True)


def _recheck(aside: Path, directory: Path, *, force: bool) -> None:
    for entry in os.scandir(aside):
        info = entry.stat(follow_symlinks=False)
        if entry.name not in PACKAGE_FILES or not stat.S_ISREG(info.st_mode) or (info.st_size and not force):
            raise ExportError(f"{directory} changed while usco was writing it ({entry.name}); not replaced")


def _write_beside_others(directory: Path, contents: dict[str, str], *, replace: dict[str, bool]) -> None:
    """Each file whole as a temporary file in *directory*, then all four moved into place."""
    from usco import files

    with contextlib.ExitStack() as stack:
        ready = {}
        for name in PACKAGE_FILES:
            target = directory / name
            temporary = stack.enter_context(files.temporary_beside(target))
            try:
                with temporary.open("w", encoding="utf-8", newline="") as out:
                    out.write(contents[name])
            except OSError as exc:
                raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
            ready[name] = temporary
        for name in PACKAGE_FILES:
            files.move_into_place(ready[name], directory / name, replace=replace.get(name, False))
