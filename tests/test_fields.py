"""Issue #13: one declaration of a fact's fields, and every output carries every field."""

from __future__ import annotations

import csv
import io
import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import jsonschema
import pytest
from typer.testing import Result

import usco
from tests.helpers import FULL, REPO
from usco import fields
from usco.dataset import cache, parse
from usco.dataset import load as dataset
from usco.model import Fact, Measure, Source

Run = Callable[..., Result]
#: SQLite and the Data Package name a reference column by what it holds.
EXPORTED = {"source": "source_id", "measure": "measure_id"}
FLAT = [field.name for field in fields.FACT_FIELDS if field.flat]


@pytest.fixture
def full(tmp_path: Path) -> Path:
    path = tmp_path / "full.toml"
    path.write_text(FULL, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("declared", "kind"),
    [(fields.FACT_FIELDS, Fact), (fields.SOURCE_FIELDS, Source), (fields.MEASURE_FIELDS, Measure)],
)
def test_declarations_name_exactly_the_fields_of_the_type(declared: tuple[fields.Field, ...], kind: type) -> None:
    assert fields.names(declared) == set(kind._fields)


def test_the_full_dataset_sets_every_fact_field_to_something_other_than_its_default(full: Path) -> None:
    facts = usco.load(full).all_facts()
    for field in fields.FACT_FIELDS:
        defaults = {field.default, None}
        assert any(getattr(fact, field.name) not in defaults for fact in facts), field.name


def test_json_objects_carry_every_field(usco: Run, full: Path) -> None:
    objects = json.loads(usco("facts", "-f", "json", data=full).stdout)
    expected = fields.names(fields.FACT_FIELDS) | {"figure", "superseded_by"}
    source_fields = {field.name for field in fields.SOURCE_FIELDS if field.in_fact}
    assert len(objects) == 5
    for obj in objects:
        assert set(obj) == expected
        assert set(obj["source"]) == source_fields


def test_json_carries_non_default_values_raw(usco: Run, full: Path) -> None:
    objects = {obj["id"]: obj for obj in json.loads(usco("facts", "-f", "json", data=full).stdout)}
    partial = objects["obl-fy2025"]
    assert partial["value"] == 12500000.5
    assert (partial["status"], partial["regional"], partial["end"], partial["date"]) == (
        "partial", True, "2024-12-22", "2025",
    )  # fmt: skip
    assert partial["qualifier"] == "approximately"
    assert partial["tags"] == ["obligations", "regional-programs"]
    assert partial["source"]["copy_url"] == "https://archive.example.org/report"
    assert partial["source"]["kind"] == "government"
    assert objects["obl-fy2024-health"]["part_of"] == "obl-fy2024"


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_flat_header_has_every_flat_field(usco: Run, full: Path, fmt: str) -> None:
    out = usco("facts", "-f", fmt, data=full).stdout
    header = next(csv.reader(io.StringIO(out), delimiter="," if fmt == "csv" else "\t"))
    assert set(FLAT) <= set(header) | {"source"}
    assert "source_id" in header
    assert "tags" not in header


def test_csv_row_carries_status_and_regional(usco: Run, full: Path) -> None:
    rows = list(csv.DictReader(io.StringIO(usco("facts", "-f", "csv", data=full).stdout)))
    by_id = {row["id"]: row for row in rows}
    assert by_id["obl-fy2025"]["status"] == "partial"
    assert by_id["obl-fy2025"]["regional"] == "true"
    assert by_id["obl-fy2025"]["end"] == "2024-12-22"
    assert by_id["exports-2022"]["regional"] == "false"


def test_sqlite_facts_table_has_every_field(usco: Run, full: Path, tmp_path: Path) -> None:
    target = tmp_path / "out.db"
    result = usco("export", "sqlite", str(target), data=full)
    assert result.exit_code == 0, result.stderr
    with sqlite3.connect(target) as db:
        columns = {row[1] for row in db.execute("PRAGMA table_info(facts)")}
        source_columns = {row[1] for row in db.execute("PRAGMA table_info(sources)")}
        status, regional = db.execute("select status, regional from facts where id = 'obl-fy2025'").fetchone()
    assert {EXPORTED.get(name, name) for name in fields.names(fields.FACT_FIELDS)} <= columns
    assert fields.names(fields.SOURCE_FIELDS) <= source_columns
    assert status == "partial"
    assert regional in (1, True, "true")


def test_datapackage_facts_resource_has_every_field(usco: Run, full: Path, tmp_path: Path) -> None:
    target = tmp_path / "pkg"
    result = usco("export", "datapackage", str(target), data=full)
    assert result.exit_code == 0, result.stderr
    descriptor = json.loads((target / "datapackage.json").read_text(encoding="utf-8"))
    resources = {resource["name"]: resource for resource in descriptor["resources"]}
    names = {field["name"] for field in resources["facts"]["schema"]["fields"]}
    assert {EXPORTED.get(name, name) for name in fields.names(fields.FACT_FIELDS)} <= names
    header = next(csv.reader(io.StringIO((target / "facts.csv").read_text(encoding="utf-8"))))
    assert set(header) == names


def test_shipped_schema_is_generated_from_the_declarations() -> None:
    shipped = (REPO / "schema" / "fact.schema.json").read_bytes()
    expected = json.dumps(fields.json_schema(), ensure_ascii=False, indent=2) + "\n"
    assert shipped == expected.encode("utf-8")


@pytest.mark.parametrize("args", [("facts", "-f", "json"), ("facts", "--history", "-f", "json")])
def test_every_json_object_validates_against_the_schema(usco: Run, full: Path, args: tuple[str, ...]) -> None:
    validator = jsonschema.Draft202012Validator(fields.json_schema())
    objects = json.loads(usco(*args, data=full).stdout)
    assert objects
    for obj in objects:
        validator.validate(obj)


def test_jsonl_and_show_objects_validate(usco: Run, full: Path) -> None:
    validator = jsonschema.Draft202012Validator(fields.json_schema())
    for line in usco("facts", "-f", "jsonl", data=full).stdout.splitlines():
        validator.validate(json.loads(line))
    shown = json.loads(usco("show", "obl-fy2024", "-f", "json", data=full).stdout)
    validator.validate(
        {key: value for key, value in shown.items() if key not in ("series", "components", "same_event")}
    )
    for component in shown["components"]:
        validator.validate(component)


def test_schema_rejects_an_object_missing_status() -> None:
    validator = jsonschema.Draft202012Validator(fields.json_schema())
    row = usco.load(REPO / "data" / "series" / "census-trade-2024-07-29.toml").facts(limit=1)[0]
    obj = row.to_dict()
    validator.validate(obj)
    del obj["status"]
    with pytest.raises(jsonschema.ValidationError):
        validator.validate(obj)


# ---------------------------------------------------------------- the cache


def test_cache_round_trips_every_field(full: Path) -> None:
    fresh = dataset.load(full, use_cache=False)
    dataset.load(full)  # writes the cache
    cached = dataset.load(full)
    assert cached.facts == fresh.facts
    assert dict(cached.sources) == dict(fresh.sources)
    assert dict(cached.measures) == dict(fresh.measures)
    partial = next(fact for fact in cached.facts if fact.id == "obl-fy2025")
    assert (partial.status.value, partial.regional, partial.period[1]) == ("partial", True, None)
    assert cached.sources["gov-2024"].copy_url == "https://archive.example.org/report"
    assert cached.sources["gov-2024"].kind is not None


def test_second_load_reads_the_cache_not_the_toml(full: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = dataset.load(full)

    def refuse(*args: object) -> None:
        raise AssertionError("parsed the TOML again")

    monkeypatch.setattr(parse, "parse_toml", refuse)
    assert dataset.load(full).facts == first.facts


def test_cache_is_used_through_the_api(full: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    usco.load(full)
    calls: list[Path] = []
    original = cache._dataset

    def counting(path: Path, *args: object, **kwargs: object) -> object:
        calls.append(path)
        return original(path, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(cache, "_dataset", counting)
    usco.load(full)
    assert calls == [full]


def test_a_corrupted_cache_is_parsed_again_and_the_answer_is_unchanged(
    full: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = dataset.load(full, use_cache=False)
    dataset.load(full)
    [cache_file] = cache.directory().glob("*.json")
    body = cache_file.read_bytes()
    assert b"344000000" in body
    cache_file.write_bytes(body.replace(b"344000000", b"999000000"))
    parsed: list[Path] = []
    original = parse.parse_toml

    def counting(path: Path, text: str) -> dict[str, object]:
        parsed.append(path)
        return original(path, text)

    monkeypatch.setattr(parse, "parse_toml", counting)
    again = dataset.load(full)
    assert again.facts == expected.facts  # the corrupt segment is found when read, and answered again
    assert parsed == []  # from the file's own part (usco.dataset.parts), verified on its own
    [cache_file] = cache.directory().glob("*.json")
    cache_file.write_bytes(cache_file.read_bytes().replace(b"344000000", b"999000000"))
    shutil.rmtree(cache.directory() / "parts")
    assert dataset.load(full).facts == expected.facts
    assert parsed == [full]  # with no part kept, from the file itself


def test_a_bug_inside_the_cache_decoder_is_not_swallowed(full: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset.load(full)

    def broken(*args: object, **kwargs: object) -> None:
        raise AttributeError("a bug")

    monkeypatch.setattr(cache, "_dataset", broken)
    with pytest.raises(AttributeError, match="a bug"):
        dataset.load(full)
