"""A new fact field is its attribute on the type and its declaration: every output then carries it.

The slow test does what a contributor does: it copies the package, adds one attribute to
usco.model.Fact and one declaration to usco.fields.FACT_FIELDS, and nothing else, then
reads a dataset that sets the field and looks for it in every output. The fast tests pin
where each declared field goes, so a field declared without a place fails here.
"""

from __future__ import annotations

import csv
import io
import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import usco
from usco import fields, records
from usco.model import Fact, PartialDate, Source, Topic
from usco.records import Row

SRC = Path(usco.__file__).resolve().parent

# ---------------------------------------------------------------- every field has its places


def test_a_fact_field_is_left_out_of_the_flat_formats_only_for_a_reason() -> None:
    # tags are a list (only JSON carries them); the source's columns are its own fields ("source_id");
    # an event is shown with its further sources, not a column of design §4's flat formats
    assert {field.name for field in fields.FACT_FIELDS if field.column is None} == {"tags", "event", "source"}


def test_a_fact_field_is_left_out_of_show_only_for_a_reason() -> None:
    # date and end are said together in show's "period" line
    assert {field.name for field in fields.FACT_FIELDS if field.show is None} == {"date", "end"}


@pytest.mark.parametrize("place", ["column", "show"])
@pytest.mark.parametrize("declared", [fields.FACT_FIELDS, fields.SOURCE_FIELDS], ids=["fact", "source"])
def test_places_are_1_to_n_each_once(declared: tuple[fields.Field, ...], place: str) -> None:
    places = [getattr(field, place) for field in declared if getattr(field, place) is not None]
    assert sorted(places) == list(range(1, len(places) + 1))


def test_flat_columns_are_the_declared_ones_in_their_order() -> None:
    own = sorted((field for field in fields.FACT_FIELDS if field.column), key=lambda field: field.column or 0)
    source = sorted((field for field in fields.SOURCE_FIELDS if field.column), key=lambda field: field.column or 0)
    assert tuple(field.name for field in own) + tuple(f"source_{f.name}" for f in source) == records.FACT_COLUMNS
    assert records.FACT_COLUMNS == (
        "id", "topic", "date", "end", "status", "value", "unit", "qualifier", "text", "measure", "part_of",
        "regional", "source_id", "source_kind", "source_date", "source_url",
    )  # fmt: skip  # design §4


def test_show_lines_are_the_declared_ones_in_their_order() -> None:
    source = Source("report", "Report", "Publisher", "https://example.gov/report")
    row = Row(Fact("a-fact", Topic.AID, "A fact", PartialDate.parse("2020"), "report"), source)
    keys = [key for key, _ in records.show_lines(row)]
    own = sorted((field for field in fields.FACT_FIELDS if field.show), key=lambda field: field.show or 0)
    source = sorted((field for field in fields.SOURCE_FIELDS if field.show), key=lambda field: field.show or 0)
    computed = {"figure", "period", "superseded_by"}
    assert [key for key in keys if key not in computed] == [f.name for f in own] + [f"source_{f.name}" for f in source]
    assert keys == [
        "id", "text", "figure", "value", "unit", "qualifier", "period", "status", "regional", "topic", "tags",
        "event", "measure", "part_of", "superseded_by", "source", "source_title", "source_publisher", "source_kind",
        "source_date", "source_date_note", "source_url", "source_copy_url",
    ]  # fmt: skip  # design §3 `usco show`


def test_usco_query_select_row_is_still_the_row() -> None:
    from usco.query import select

    assert select.Row is Row is usco.Row
    assert Row.__module__ == "usco.records"


# ---------------------------------------------------------------- a new field, added the way a contributor would

NOTE = "first reported in the spring review"
DATASET = f"""
[sources.report]
title     = "Assistance report"
publisher = "U.S. Department of State"
url       = "https://example.gov/report"
kind      = "government"
date      = 2024-06-01

[[facts]]
id     = "noted"
topic  = "aid"
text   = "Assistance in 2023"
value  = 100
unit   = "USD"
date   = "2023"
source = "report"
note   = "{NOTE}"

[[facts]]
id     = "plain"
topic  = "aid"
text   = "Assistance in 2022"
value  = 90
unit   = "USD"
date   = "2022"
source = "report"
"""

# Runs in the copy: each command in-process, its exit code and output printed as JSON.
DRIVER = """
import json, os, sys
from typer.testing import CliRunner
from usco import fields
from usco.cli.app import register_every_command
from usco.dataset import validate

app = register_every_command()
data, out = sys.argv[1], sys.argv[2]
commands = {
    "check": ["check"],
    "json": ["facts", "-f", "json"],
    "jsonl": ["facts", "-f", "jsonl"],
    "csv": ["facts", "-f", "csv"],
    "tsv": ["facts", "-f", "tsv"],
    "show": ["show", "noted"],
    "show_json": ["show", "noted", "-f", "json"],
    "show_csv": ["show", "noted", "-f", "csv"],
    "show_markdown": ["show", "noted", "-f", "markdown"],
    "show_table": ["show", "noted", "-f", "table"],
    "sqlite": ["export", "sqlite", os.path.join(out, "facts.db")],
    "datapackage": ["export", "datapackage", os.path.join(out, "package")],
}
said = {
    name: CliRunner().invoke(app, ["--data", data, *args], env={"COLUMNS": "200"}) for name, args in commands.items()
}
said["bad"] = CliRunner().invoke(app, ["--data", sys.argv[3], "check"])
def refuse(*args):
    raise AssertionError("parsed the TOML again")
validate._parse = refuse  # from here on, only the cache can answer
said["cached_json"] = CliRunner().invoke(app, ["--data", data, "facts", "-f", "json"])
report = {name: [result.exit_code, result.stdout, result.stderr] for name, result in said.items()}
report["schema"] = fields.json_schema()
print(json.dumps(report))
"""


def _replace_once(path: Path, anchor: str, replacement: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(anchor) == 1, f"{path.name}: the anchor {anchor!r} moved; update this test"
    path.write_text(text.replace(anchor, replacement), encoding="utf-8")


@pytest.fixture(scope="module")
def with_a_note(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, Any], Path]:
    """The outputs of a copy of usco whose facts have one more field, `note`: one attribute, one declaration."""
    root = tmp_path_factory.mktemp("new-field")
    package = root / "src" / "usco"
    shutil.copytree(SRC, package, ignore=shutil.ignore_patterns("__pycache__", "data"))
    _replace_once(
        package / "model.py",
        "    tags: tuple[str, ...] = ()\n",
        "    tags: tuple[str, ...] = ()\n    note: str | None = None\n",
    )
    declaration = 'Field("note", K.LINE, False, "a remark on the figure", column=13, show=14)'
    _replace_once(
        package / "fields.py", '    Field("source", K.REF,', f'    {declaration},\n    Field("source", K.REF,'
    )
    data = root / "facts.toml"
    data.write_text(DATASET, encoding="utf-8")
    bad = root / "bad.toml"
    bad.write_text(DATASET.replace(f'note   = "{NOTE}"', 'note   = "two\\nlines"'), encoding="utf-8")
    out = root / "out"
    out.mkdir()
    env = {**os.environ, "PYTHONPATH": str(root / "src"), "XDG_CACHE_HOME": str(root / "cache")}
    env.pop("USCO_DATA", None)
    command = [sys.executable, "-c", DRIVER, str(data), str(out), str(bad)]
    result = subprocess.run(command, capture_output=True, text=True, env=env, cwd=root, check=False)
    assert result.returncode == 0, result.stderr
    report: dict[str, Any] = json.loads(result.stdout)
    for name, said in report.items():
        if name not in ("schema", "bad"):
            assert said[0] == 0, (name, said)
    return report, out


@pytest.mark.slow  # a copy of the package, run in a subprocess (one for the module)
def test_the_copy_is_the_one_that_ran(with_a_note: tuple[dict[str, Any], Path]) -> None:
    report, _ = with_a_note
    assert "note" in report["schema"]["properties"]  # not the installed usco, which has no note


@pytest.mark.slow
@pytest.mark.parametrize("name", ["json", "cached_json"])
def test_json_carries_it_in_the_declared_order(with_a_note: tuple[dict[str, Any], Path], name: str) -> None:
    report, _ = with_a_note
    objects = {obj["id"]: obj for obj in json.loads(report[name][1])}
    assert objects["noted"]["note"] == NOTE
    assert objects["plain"]["note"] is None
    keys = list(objects["noted"])
    assert keys.index("note") == keys.index("event") + 1  # declared after event, the last before source


@pytest.mark.slow
def test_jsonl_carries_it(with_a_note: tuple[dict[str, Any], Path]) -> None:
    report, _ = with_a_note
    objects = {obj["id"]: obj for obj in map(json.loads, report["jsonl"][1].splitlines())}
    assert objects["noted"]["note"] == NOTE


@pytest.mark.slow
def test_json_objects_validate_against_the_schema_that_names_it(with_a_note: tuple[dict[str, Any], Path]) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    report, _ = with_a_note
    schema = report["schema"]
    assert "note" in schema["required"]
    assert schema["properties"]["note"]["description"] == "a remark on the figure"
    validator = jsonschema.Draft202012Validator(schema)
    for obj in json.loads(report["json"][1]):
        validator.validate(obj)


@pytest.mark.slow
@pytest.mark.parametrize(("name", "delimiter"), [("csv", ","), ("tsv", "\t")])
def test_flat_formats_carry_it_in_its_column(
    with_a_note: tuple[dict[str, Any], Path], name: str, delimiter: str
) -> None:
    report, _ = with_a_note
    rows = list(csv.reader(io.StringIO(report[name][1]), delimiter=delimiter))
    header = rows[0]
    assert header == [*records.FACT_COLUMNS[:12], "note", *records.FACT_COLUMNS[12:]]  # column 13: after regional
    by_id = {row[0]: dict(zip(header, row, strict=True)) for row in rows[1:]}
    assert by_id["noted"]["note"] == NOTE
    assert by_id["plain"]["note"] == ""


@pytest.mark.slow
def test_show_carries_it_on_its_line(with_a_note: tuple[dict[str, Any], Path]) -> None:
    report, _ = with_a_note
    pairs = [line.split("\t", 1) for line in report["show"][1].splitlines()]
    keys = [key for key, _ in pairs]
    assert keys.index("note") == keys.index("source") + 1  # line 13: after the fact's other lines
    assert dict(pairs)["note"] == NOTE
    assert json.loads(report["show_json"][1])["note"] == NOTE
    assert f"note,{NOTE}" in report["show_csv"][1].splitlines()
    assert f"| note | {NOTE} |" in report["show_markdown"][1].splitlines()
    assert any(line.split() == ["note", *NOTE.split()] for line in report["show_table"][1].splitlines())


@pytest.mark.slow
def test_sqlite_and_the_data_package_carry_it(with_a_note: tuple[dict[str, Any], Path]) -> None:
    _, out = with_a_note
    with sqlite3.connect(out / "facts.db") as db:
        assert "note" in {row[1] for row in db.execute("PRAGMA table_info(facts)")}
        assert db.execute("select note from facts where id = 'noted'").fetchone() == (NOTE,)
    descriptor = json.loads((out / "package" / "datapackage.json").read_text(encoding="utf-8"))
    [facts] = [resource for resource in descriptor["resources"] if resource["name"] == "facts"]
    assert "note" in [field["name"] for field in facts["schema"]["fields"]]
    table = list(csv.DictReader(io.StringIO((out / "package" / "facts.csv").read_text(encoding="utf-8"))))
    assert {row["id"]: row["note"] for row in table} == {"noted": NOTE, "plain": ""}


@pytest.mark.slow
def test_check_applies_its_kinds_rule(with_a_note: tuple[dict[str, Any], Path]) -> None:
    report, _ = with_a_note
    code, stdout, stderr = report["bad"]
    assert (code, stderr.count("1 problem")) == (1, 1)
    assert "fact 'noted', field 'note':" in stdout  # the rule of its kind, K.LINE
