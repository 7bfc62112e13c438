"""Exports (design §3): an SQLite file and a Frictionless Data Package, read back by real readers."""

from __future__ import annotations

import csv
import json
import os
import shutil
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from contextlib import closing
from pathlib import Path
from typing import Any

import pytest

from usco import export
from usco.dataset import load as dataset
from usco.export import ExportError
from usco.model import Topic, UscoError
from usco.query import select as query
from usco.query.select import Filters, View

from .conftest import SMALL

WriteDataset = Callable[[str], Path]

REVISED = """
[sources.old]
title = "Old report"
publisher = "P"
url = "https://example.org/old"
date = 2019-03-01

[sources.new]
title = "New report"
publisher = "P"
url = "https://example.org/new"
date = "2020"

[measures.share]
label = "Share"
unit = "percent"

[[facts]]
id = "share-old"
topic = "trade"
text = "Share, first estimate"
value = 12.5
unit = "percent"
date = "2018"
source = "old"
measure = "share"

[[facts]]
id = "share-new"
topic = "trade"
text = "Share, revised"
value = 12.0
unit = "percent"
qualifier = "approximately"
date = "2018"
source = "new"
measure = "share"
"""


@pytest.fixture
def selection(small: Path) -> query.Selection:
    return query.select(dataset.load(small))


def select(path: Path, *, filters: Filters | None = None, view: View | None = None) -> query.Selection:
    return query.select(dataset.load(path), filters=filters or Filters(), view=view or View())


def rows(db_path: Path, sql: str) -> list[tuple[Any, ...]]:
    with closing(sqlite3.connect(db_path)) as db:
        return list(db.execute(sql))


def only_file(directory: Path) -> list[str]:
    return sorted(path.name for path in directory.iterdir())


# ---------------------------------------------------------------- SQLite


def test_sqlite_tables_read_back(selection: query.Selection, tmp_path: Path) -> None:
    out = tmp_path / "usco.db"
    export.export_sqlite(selection, out)

    assert rows(out, "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name") == [
        ("facts",),
        ("measures",),
        ("sources",),
    ]
    assert rows(out, "SELECT count(*) FROM facts") == [(6,)]
    assert rows(out, "SELECT * FROM measures") == [
        ("peace-support", "Support to peace implementation", "USD", "running_total", None)  # the period, inferred
    ]
    assert rows(out, "SELECT id, short, date, date_note FROM sources ORDER BY id") == [
        ("report-2023", None, "2023-06", None),
        ("sheet-2020", "Sheet 2020", "2020-09-18", None),
    ]
    covid = rows(
        out,
        'SELECT value, typeof(value), unit, qualifier, date, "end", date_first, date_last, end_last,'
        " source_id, measure_id, part_of, superseded_by, tags, status, regional FROM facts WHERE id = 'covid-total'",
    )
    assert covid == [
        (23_600_000, "integer", "USD", "more_than", "2020", "2020-09-18", "2020-01-01", "2020-12-31",
         "2020-09-18", "sheet-2020", None, None, None, '["covid"]', "final", 0),
    ]  # fmt: skip
    assert rows(out, "SELECT part_of FROM facts WHERE id = 'covid-part'") == [("covid-total",)]
    assert rows(out, "SELECT value, \"end\", end_last, tags FROM facts WHERE id = 'recognition'") == [
        (None, None, None, '["diplomacy"]')
    ]


def test_sqlite_keeps_dates_as_stored_never_as_a_first_day(selection: query.Selection, tmp_path: Path) -> None:
    out = tmp_path / "usco.db"
    export.export_sqlite(selection, out)
    dates = dict(rows(out, "SELECT id, date FROM facts"))
    assert dates["trade-2019"] == "2019"
    assert dates["recognition"] == "1822"
    assert "2019-01-01" not in dates.values()


def test_sqlite_facts_in_listing_order(selection: query.Selection, tmp_path: Path) -> None:
    out = tmp_path / "usco.db"
    export.export_sqlite(selection, out)
    assert [fact_id for (fact_id,) in rows(out, "SELECT id FROM facts ORDER BY rowid")] == [
        row.fact.id for row in selection.rows
    ]


def test_sqlite_value_is_real_or_integer_as_stored(write_dataset: WriteDataset, tmp_path: Path) -> None:
    out = tmp_path / "revised.db"
    export.export_sqlite(select(write_dataset(REVISED), view=View(history=True)), out)
    assert rows(out, "SELECT id, value, typeof(value), superseded_by FROM facts ORDER BY id") == [
        ("share-new", 12.0, "real", None),
        ("share-old", 12.5, "real", "share-new"),
    ]


def test_sqlite_without_history_leaves_out_the_superseded(write_dataset: WriteDataset, tmp_path: Path) -> None:
    out = tmp_path / "current.db"
    export.export_sqlite(select(write_dataset(REVISED)), out)
    assert rows(out, "SELECT id FROM facts") == [("share-new",)]
    assert rows(out, "SELECT id FROM sources") == [("new",)]


def test_sqlite_foreign_keys_hold(selection: query.Selection, tmp_path: Path) -> None:
    out = tmp_path / "usco.db"
    export.export_sqlite(selection, out)
    assert rows(out, "PRAGMA foreign_key_check") == []
    assert rows(out, "PRAGMA integrity_check") == [("ok",)]
    references = {(row[3], row[2], row[4]) for row in rows(out, "PRAGMA foreign_key_list(facts)")}
    assert references == {("source_id", "sources", "id"), ("measure_id", "measures", "id"), ("part_of", "facts", "id")}


def test_sqlite_holds_only_what_the_selection_uses(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "milestones.db"
    export.export_sqlite(select(small, filters=Filters(topics=[Topic.MILESTONE])), out)
    assert rows(out, "SELECT id FROM facts") == [("recognition",)]
    assert rows(out, "SELECT id FROM sources") == [("sheet-2020",)]
    assert rows(out, "SELECT id FROM measures") == []


def test_sqlite_lists_a_shared_measure_and_source_once(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "peace.db"
    export.export_sqlite(select(small, filters=Filters(measures=["peace-support"])), out)
    assert rows(out, "SELECT count(*) FROM facts") == [(2,)]
    assert rows(out, "SELECT id FROM measures") == [("peace-support",)]
    out = tmp_path / "sheet.db"
    export.export_sqlite(select(small, filters=Filters(sources=["sheet-2020"])), out)
    assert rows(out, "SELECT id FROM sources") == [("sheet-2020",)]


def test_sqlite_component_without_its_whole_keeps_the_foreign_key(small: Path, tmp_path: Path) -> None:
    """The whole is not exported, so part_of cannot point at it: it is left empty."""
    out = tmp_path / "part.db"
    export.export_sqlite(select(small, filters=Filters(words=["disaster"])), out)
    assert rows(out, "SELECT id, part_of FROM facts") == [("covid-part", None)]
    assert rows(out, "PRAGMA foreign_key_check") == []


def test_sqlite_empty_selection_still_has_the_tables(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "empty.db"
    export.export_sqlite(select(small, filters=Filters(words=["no such words"])), out)
    assert rows(out, "SELECT count(*) FROM facts") == [(0,)]


@pytest.mark.skipif(shutil.which("sqlite3") is None, reason="the sqlite3 program is not installed")
def test_sqlite_file_opens_in_the_sqlite3_program(selection: query.Selection, tmp_path: Path) -> None:
    out = tmp_path / "usco.db"
    export.export_sqlite(selection, out)

    def sqlite3_program(sql: str) -> str:
        done = subprocess.run(["sqlite3", "-batch", str(out), sql], capture_output=True, text=True, check=True)
        return done.stdout

    assert (
        sqlite3_program("SELECT id, date, value FROM facts WHERE id = 'trade-2019';") == "trade-2019|2019|29000000000\n"
    )
    assert sqlite3_program("PRAGMA foreign_key_check;") == ""
    assert sqlite3_program("PRAGMA integrity_check;") == "ok\n"
    assert sqlite3_program(
        "SELECT f.id, s.publisher FROM facts f JOIN sources s ON s.id = f.source_id "
        "WHERE f.date_first >= '2023-01-01' OR f.end_last >= '2023-01-01';"
    ) == ("peace-2023|Congressional Research Service\n")


def test_sqlite_refuses_to_overwrite_without_force(selection: query.Selection, tmp_path: Path) -> None:
    out = tmp_path / "usco.db"
    out.write_bytes(b"precious")
    with pytest.raises(ExportError, match=r"usco\.db.*--force") as raised:
        export.export_sqlite(selection, out)
    assert isinstance(raised.value, UscoError)
    assert out.read_bytes() == b"precious"
    assert only_file(tmp_path) == ["dataset-0.toml", "usco.db"]


def test_sqlite_overwrites_with_force(selection: query.Selection, tmp_path: Path) -> None:
    out = tmp_path / "usco.db"
    out.write_bytes(b"not a database")
    export.export_sqlite(selection, out, force=True)
    assert rows(out, "SELECT count(*) FROM facts") == [(6,)]


def test_sqlite_refuses_a_directory_even_with_force(selection: query.Selection, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match="is a directory"):
        export.export_sqlite(selection, tmp_path, force=True)


def test_sqlite_missing_directory_is_an_export_error(selection: query.Selection, tmp_path: Path) -> None:
    with pytest.raises(ExportError, match=r"cannot write .*missing"):
        export.export_sqlite(selection, tmp_path / "missing" / "usco.db")


@pytest.mark.skipif(os.name != "posix" or os.geteuid() == 0, reason="root writes into read-only directories")
def test_sqlite_unwritable_directory_leaves_nothing(selection: query.Selection, tmp_path: Path) -> None:
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o500)
    try:
        with pytest.raises(ExportError, match="cannot write"):
            export.export_sqlite(selection, locked / "usco.db")
        assert only_file(locked) == []
    finally:
        locked.chmod(0o700)


@pytest.fixture
def failing_insert(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail while the facts are written: the tables exist and some rows are in."""
    insert = export._insert

    def fail_on_facts(db: sqlite3.Connection, table: str, *args: Any) -> None:
        if table == "facts":
            raise sqlite3.OperationalError("disk I/O error")
        insert(db, table, *args)

    monkeypatch.setattr(export, "_insert", fail_on_facts)


@pytest.mark.usefixtures("failing_insert")
def test_sqlite_failure_midway_leaves_no_partial_file(selection: query.Selection, tmp_path: Path) -> None:
    out = tmp_path / "usco.db"
    with pytest.raises(ExportError, match=r"cannot write .*usco\.db: disk I/O error"):
        export.export_sqlite(selection, out)
    assert only_file(tmp_path) == ["dataset-0.toml"]


@pytest.mark.usefixtures("failing_insert")
def test_sqlite_failure_midway_keeps_the_old_file(selection: query.Selection, tmp_path: Path) -> None:
    out = tmp_path / "usco.db"
    out.write_bytes(b"the previous export")
    with pytest.raises(ExportError):
        export.export_sqlite(selection, out, force=True)
    assert out.read_bytes() == b"the previous export"
    assert only_file(tmp_path) == ["dataset-0.toml", "usco.db"]


# ---------------------------------------------------------------- Data Package


@pytest.fixture
def package(selection: query.Selection, tmp_path: Path) -> Path:
    directory = tmp_path / "out" / "package"
    written = export.export_datapackage(selection, directory)
    assert written == [directory / name for name in ("sources.csv", "measures.csv", "facts.csv", "datapackage.json")]
    return directory


def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_datapackage_csv_read_back(selection: query.Selection, package: Path) -> None:
    facts = {row["id"]: row for row in read_csv(package / "facts.csv")}
    assert list(facts) == [row.fact.id for row in selection.rows]
    covid = facts["covid-total"]
    assert (covid["value"], covid["date"], covid["end"], covid["qualifier"], covid["tags"]) == (
        "23600000",
        "2020",
        "2020-09-18",
        "more_than",
        '["covid"]',
    )
    assert (facts["recognition"]["value"], facts["recognition"]["end"]) == ("", "")
    assert [row["id"] for row in read_csv(package / "sources.csv")] == ["report-2023", "sheet-2020"]
    assert read_csv(package / "measures.csv") == [
        {
            "id": "peace-support",
            "label": "Support to peace implementation",
            "unit": "USD",
            "period": "running_total",
            "publisher": "",
        }
    ]


def test_datapackage_descriptor(package: Path) -> None:
    descriptor = json.loads((package / "datapackage.json").read_text(encoding="utf-8"))
    assert descriptor["name"] == "usco"
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    assert [resource["path"] for resource in resources.values()] == ["sources.csv", "measures.csv", "facts.csv"]
    facts = resources["facts"]["schema"]
    types = {field["name"]: field["type"] for field in facts["fields"]}
    assert [field["name"] for field in facts["fields"]] == [column.name for column in export.FACT_COLUMNS]
    assert {"status", "regional", "source_id", "measure_id"} <= set(types)
    # Partial dates are strings; only the derived full days are dates.
    assert (types["date"], types["end"], types["date_first"], types["end_last"]) == ("string", "string", "date", "date")
    assert types["value"] == "number"
    assert {field["name"]: field["type"] for field in resources["sources"]["schema"]["fields"]}["date"] == "string"
    assert all(resource["schema"]["primaryKey"] == ["id"] for resource in resources.values())
    assert {(key["fields"][0], key["reference"]["resource"]) for key in facts["foreignKeys"]} == {
        ("source_id", "sources"),
        ("measure_id", "measures"),
        ("part_of", ""),
    }


@pytest.fixture
def frictionless() -> Any:
    return pytest.importorskip("frictionless", reason="frictionless is not installed (pip install -e '.[test]')")


@pytest.mark.slow
def test_datapackage_is_valid_for_frictionless(frictionless: Any, package: Path) -> None:
    report = frictionless.validate(package / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])
    assert [task.stats["rows"] for task in report.tasks] == [2, 1, 6]


@pytest.mark.slow
def test_datapackage_history_is_valid_for_frictionless(
    frictionless: Any, write_dataset: WriteDataset, tmp_path: Path
) -> None:
    directory = tmp_path / "history"
    export.export_datapackage(select(write_dataset(REVISED + SMALL), view=View(history=True)), directory)
    report = frictionless.validate(directory / "datapackage.json")
    assert report.valid, report.flatten(["type", "note"])
    share = {row["id"]: row for row in read_csv(directory / "facts.csv")}["share-old"]
    assert (share["value"], share["superseded_by"]) == ("12.5", "share-new")


@pytest.mark.slow
def test_frictionless_catches_a_broken_foreign_key(frictionless: Any, package: Path) -> None:
    """The validation above is not vacuous: a dangling source_id is reported."""
    facts = package / "facts.csv"
    text = facts.read_text(encoding="utf-8")
    assert ",sheet-2020\n" in text  # source_id is the last column
    facts.write_text(text.replace(",sheet-2020\n", ",no-such-source\n"), encoding="utf-8")
    report = frictionless.validate(package / "datapackage.json")
    assert not report.valid
    assert "foreign-key" in {error_type for (error_type,) in report.flatten(["type"])}


def test_datapackage_refuses_a_non_empty_file_without_force(selection: query.Selection, tmp_path: Path) -> None:
    (tmp_path / "facts.csv").write_text("mine\n", encoding="utf-8")
    (tmp_path / "notes.txt").write_text("keep\n", encoding="utf-8")
    with pytest.raises(ExportError, match=r"facts\.csv.*--force"):
        export.export_datapackage(selection, tmp_path)
    assert (tmp_path / "facts.csv").read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "sources.csv").exists()  # nothing written before the refusal
    export.export_datapackage(selection, tmp_path, force=True)
    assert (tmp_path / "facts.csv").read_text(encoding="utf-8").startswith("id,topic,text,value")
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "keep\n"


def test_datapackage_fills_empty_files_and_a_directory_of_other_files(
    selection: query.Selection, tmp_path: Path
) -> None:
    (tmp_path / "datapackage.json").touch()
    export.export_datapackage(selection, tmp_path)
    assert json.loads((tmp_path / "datapackage.json").read_text(encoding="utf-8"))["name"] == "usco"


def test_datapackage_into_a_file_is_an_export_error(selection: query.Selection, tmp_path: Path) -> None:
    target = tmp_path / "file"
    target.write_text("x", encoding="utf-8")
    with pytest.raises(ExportError, match="not a directory"):
        export.export_datapackage(selection, target, force=True)


def test_datapackage_leaves_no_temporary_files(package: Path) -> None:
    assert only_file(package) == ["datapackage.json", "facts.csv", "measures.csv", "sources.csv"]


@pytest.fixture(autouse=True)
def _no_stray_temporaries(tmp_path: Path) -> Iterator[None]:
    yield
    assert not [path for path in tmp_path.rglob(".*.tmp")], "a temporary file was left behind"
