"""Write a selection of facts as an SQLite database or a Frictionless Data Package (design §3).

Both exports hold the selected facts plus the sources and measures they use, each once.
Dates stay the strings of the dataset ("2019" is never 2019-01-01); `date_first`,
`date_last` and `end_last` add full ISO days so that ranges can be queried.

Every file is written to a temporary name in its own directory and then renamed over
the target, so a failed export leaves no partial file behind.
"""

from __future__ import annotations

import csv
import io
import json
import secrets
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from usco.model import Measure, PartialDate, Qualifier, Source, Topic, UscoError
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


# ---------------------------------------------------------------- atomic files


def _refuse_existing(path: Path, force: bool) -> None:
    if path.is_dir():
        raise ExportError(f"{path} is a directory; expected a file name")
    if path.exists() and not force:
        raise ExportError(f"{path} already exists; use --force to overwrite it")


@contextmanager
def _atomic(path: Path) -> Iterator[Path]:
    """A fresh temporary file beside *path*, renamed over it only if the block succeeds."""
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(4)}.tmp")
    try:
        with temporary.open("x"):  # exclusive create, with the user's umask
            pass
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    try:
        yield temporary
        temporary.replace(path)  # atomic on POSIX and Windows (os.replace)
    except OSError as exc:
        raise ExportError(f"cannot write {path}: {exc.strerror or exc}") from None
    finally:
        temporary.unlink(missing_ok=True)


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

    Refuses to replace an existing file unless *force*; raises ExportError.
    """
    _refuse_existing(path, force)
    tables = _tables(selection)
    with _atomic(path) as temporary:
        try:
            with closing(sqlite3.connect(temporary)) as db, db:
                db.executescript(_SCHEMA)
                _insert(db, "sources", SOURCE_COLUMNS, tables.sources)
                _insert(db, "measures", MEASURE_COLUMNS, tables.measures)
                _insert(db, "facts", FACT_COLUMNS, tables.facts)
        except sqlite3.Error as exc:
            raise ExportError(f"cannot write {path}: {exc}") from None


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


def export_datapackage(selection: Selection, directory: Path, *, force: bool = False) -> list[Path]:
    """Write sources.csv, measures.csv, facts.csv and datapackage.json into *directory*.

    The directory is created if missing. A non-empty file of those names is replaced
    only with *force*; other files in the directory are left alone. Returns the paths written.
    """
    tables = _tables(selection)
    contents = {  # the descriptor last: a package is complete once it is there
        "sources.csv": _csv(SOURCE_COLUMNS, tables.sources),
        "measures.csv": _csv(MEASURE_COLUMNS, tables.measures),
        "facts.csv": _csv(FACT_COLUMNS, tables.facts),
        "datapackage.json": json.dumps(_descriptor(), ensure_ascii=False, indent=2) + "\n",
    }
    if directory.exists() and not directory.is_dir():
        raise ExportError(f"{directory} is not a directory")
    paths = [directory / name for name in contents]
    for path in paths:  # refuse before anything is written
        if path.is_dir() or (not force and path.exists() and path.stat().st_size > 0):
            _refuse_existing(path, force=False)
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise ExportError(f"cannot create {directory}: {exc.strerror or exc}") from None
    for path in paths:
        # newline="" keeps the csv module's \r\n row ends as they are (RFC 4180).
        with _atomic(path) as temporary, temporary.open("w", encoding="utf-8", newline="") as out:
            out.write(contents[path.name])
    return paths
