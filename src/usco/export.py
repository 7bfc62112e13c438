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
from typing import Any, NamedTuple

from usco.fields import FACT_FIELDS, MEASURE_FIELDS, SOURCE_FIELDS, Field, Kind, plain
from usco.model import Measure, OutputError, PartialDate, Source, UscoError
from usco.query.select import Selection
from usco.records import Row


class ExportError(UscoError):
    """An export cannot be written: the target exists (without --force) or the disk refuses."""


# ---------------------------------------------------------------- what is exported


class _Column(NamedTuple):
    """One exported column: its name, its SQLite declaration and its Data Package field."""

    name: str
    sql: str
    package: dict[str, Any]


@dataclass(frozen=True)
class _Tables:
    """The rows of the three tables, as plain values (None for a missing value)."""

    sources: list[tuple[Any, ...]]
    measures: list[tuple[Any, ...]]
    facts: list[tuple[Any, ...]]


_DATE_PATTERN = "[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?"
_RENAMED = {"source": "source_id", "measure": "measure_id"}  # a reference column says what it holds


def _column(field: Field, table: str) -> _Column:
    """A field of usco.fields as a column: its type from its kind, NOT NULL when always present."""
    name = _RENAMED.get(field.name, field.name) if table == "facts" else field.name
    present = field.required or field.default is not None
    package: dict[str, Any] = {"name": name, "description": field.description}
    constraints: dict[str, Any] = {"required": True} if present else {}
    if field.kind is Kind.KEY:
        sql, package["type"] = "TEXT PRIMARY KEY", "string"
        constraints["unique"] = True
    elif field.kind is Kind.NUMBER:
        sql, package["type"] = "", "number"  # no declared type: INTEGER or REAL exactly as stated
    elif field.kind is Kind.BOOL:
        sql, package["type"] = "INTEGER", "boolean"  # 0 or 1
    elif field.kind is Kind.TAGS:
        sql, package["type"] = "TEXT", "array"  # a JSON array of strings
    else:
        sql, package["type"] = "TEXT", "string"
    if field.kind is Kind.CHOICE and field.choices is not None:
        constraints["enum"] = [member.value for member in field.choices]
    if field.kind is Kind.DATE:
        constraints["pattern"] = _DATE_PATTERN
    if present and field.kind is not Kind.KEY:
        sql += " NOT NULL"
    if field.kind is Kind.REF and field.refers_to:
        sql += f" REFERENCES {field.refers_to}(id)"
    if constraints:
        package["constraints"] = constraints
    return _Column(name, sql.strip(), package)


def _derived(name: str, sql: str, kind: str, description: str, *, required: bool = False) -> _Column:
    package: dict[str, Any] = {"name": name, "type": kind, "description": description}
    if required:
        package["constraints"] = {"required": True}
    return _Column(name, sql, package)


def _fact_columns() -> tuple[_Column, ...]:
    columns: list[_Column] = []
    for field in FACT_FIELDS:
        columns.append(_column(field, "facts"))
        if field.name == "end":
            columns += [
                _derived("date_first", "TEXT NOT NULL", "date", "first day of date, for range queries", required=True),
                _derived("date_last", "TEXT NOT NULL", "date", "last day of date", required=True),
                _derived("end_last", "TEXT", "date", "last day of end"),
            ]
        elif field.name == "part_of":
            columns.append(_derived("superseded_by", "TEXT", "string", "id of the newer version of this figure"))
    return tuple(columns)


SOURCE_COLUMNS = tuple(_column(field, "sources") for field in SOURCE_FIELDS)
MEASURE_COLUMNS = tuple(_column(field, "measures") for field in MEASURE_FIELDS)
FACT_COLUMNS = _fact_columns()


def _day(date: PartialDate | None, *, last: bool) -> str | None:
    if date is None:
        return None
    return (date.last if last else date.first).isoformat()


def _value(field: Field, value: Any) -> Any:
    if field.kind is Kind.TAGS:
        return json.dumps(list(value), ensure_ascii=False)
    if field.kind is Kind.BOOL:
        return int(bool(value))
    return plain(field, value)


def _fact_row(row: Row, exported: set[str]) -> tuple[Any, ...]:
    fact = row.fact
    values: list[Any] = []
    for field in FACT_FIELDS:
        value = getattr(fact, field.name)
        if field.name == "part_of" and value not in exported:
            value = None  # a whole outside the selection: empty, so that the foreign key holds
        values.append(_value(field, value))
        if field.name == "end":
            values += [_day(fact.date, last=False), _day(fact.date, last=True), _day(fact.end, last=True)]
        elif field.name == "part_of":
            values.append(row.superseded_by)
    return tuple(values)


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
    return _Tables(
        sources=[
            tuple(_value(f, getattr(s, f.name)) for f in SOURCE_FIELDS)
            for s in sorted(sources.values(), key=lambda s: s.id)
        ],
        measures=[
            tuple(_value(f, getattr(m, f.name)) for f in MEASURE_FIELDS)
            for m in sorted(measures.values(), key=lambda m: m.id)
        ],
        facts=[_fact_row(row, exported) for row in rows],
    )


# ---------------------------------------------------------------- files (by usco.files' rules)


@contextmanager
def _as_export_error() -> Iterator[None]:
    """usco.files' refusals and failures, as ExportError (still a UscoError, the same words)."""
    try:
        yield
    except OutputError as error:
        raise ExportError(str(error)) from None


# ---------------------------------------------------------------- SQLite


def _create(table: str, columns: Sequence[_Column]) -> str:
    body = ",\n    ".join(f'"{column.name}" {column.sql}'.rstrip() for column in columns)
    return f"CREATE TABLE {table} (\n    {body}\n);\n"


_SCHEMA = (
    _create("sources", SOURCE_COLUMNS)
    + _create("measures", MEASURE_COLUMNS)
    + _create("facts", FACT_COLUMNS)
    + "CREATE INDEX facts_date_first ON facts(date_first);\n"
    + "CREATE INDEX facts_source_id ON facts(source_id);\n"
    + "CREATE INDEX facts_measure_id ON facts(measure_id);\n"
)


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


def _insert(db: sqlite3.Connection, table: str, columns: Sequence[_Column], rows: list[tuple[Any, ...]]) -> None:
    names = ", ".join(f'"{column.name}"' for column in columns)
    marks = ", ".join("?" for _ in columns)
    db.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)


# ---------------------------------------------------------------- Data Package


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
            _resource("sources", [column.package for column in SOURCE_COLUMNS]),
            _resource("measures", [column.package for column in MEASURE_COLUMNS]),
            _resource(
                "facts",
                [column.package for column in FACT_COLUMNS],
                foreignKeys=[key("source_id", "sources"), key("measure_id", "measures"), key("part_of", "")],
            ),
        ],
    }


def _csv(columns: Sequence[_Column], rows: list[tuple[Any, ...]]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([column.name for column in columns])
    writer.writerows(
        ["" if value is None else repr(value) if isinstance(value, float) else value for value in row] for row in rows
    )
    return out.getvalue()


PACKAGE_FILES = ("sources.csv", "measures.csv", "facts.csv", "datapackage.json")  # the descriptor last


def export_datapackage(selection: Selection, directory: Path, *, force: bool = False) -> list[Path]:
    """Write sources.csv, measures.csv, facts.csv and datapackage.json into *directory*.

    A package is replaced whole or not at all:

    - *directory* missing, empty, or holding nothing but those four files: the package
      is built in a temporary directory beside it (``.usco-XXXX.usco-build``) and renamed into
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

    build = directory.parent / f"{files.TEMPORARY_PREFIX}{secrets.token_hex(8)}.usco-build"
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
