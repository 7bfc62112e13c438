"""schema/fact.schema.json describes exactly one object of the json/jsonl output (design §4)."""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import REPO, SMALL
from usco import records
from usco.dataset import load as dataset
from usco.model import Qualifier, SourceKind, Status, Topic
from usco.query import select as query
from usco.query.select import View
from usco.render import formats, listings
from usco.render.formats import OutputFormat

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema is not installed (pip install -e '.[test]')")

SCHEMA_PATH = REPO / "schema" / "fact.schema.json"


@pytest.fixture(scope="module")
def validator() -> Any:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema)


@pytest.fixture(scope="module")
def series(official_series: Path) -> query.Selection:
    """Every version of about 1,000 official figures: partial, provisional, planned, superseded."""
    return query.select(dataset.load(official_series), view=View(history=True))


def problems(validator: Any, obj: Any) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in validator.iter_errors(obj)]


@pytest.mark.slow
def test_every_fact_of_the_official_series_is_valid(validator: Any, series: query.Selection) -> None:
    assert series.rows, "the series have facts"
    assert any(row.superseded_by for row in series.rows), "history includes superseded versions"
    assert {row.fact.status for row in series.rows} >= {Status.PARTIAL, Status.PROVISIONAL}, "non-final figures"
    invalid = {row.fact.id: found for row in series.rows if (found := problems(validator, records.fact_object(row)))}
    assert invalid == {}


@pytest.mark.slow
@pytest.mark.parametrize("fmt", [OutputFormat.JSON, OutputFormat.JSONL])
def test_printed_output_is_valid(validator: Any, series: query.Selection, fmt: OutputFormat) -> None:
    """What a script reads: the printed text parsed back, not only the dict before printing."""
    text = formats.render(listings.facts_listing(series, history=True), fmt)
    objects = json.loads(text) if fmt is OutputFormat.JSON else [json.loads(line) for line in text.splitlines()]
    assert len(objects) == len(series.rows)
    assert [found for obj in objects if (found := problems(validator, obj))] == []


def test_small_dataset_facts_are_valid(validator: Any, small: Path) -> None:
    """Nulls where a fact has no value, end, measure or part_of, or its source no kind; a component with its whole."""
    for row in query.select(dataset.load(small)).rows:
        assert problems(validator, records.fact_object(row)) == []


def test_regional_fact_with_a_copy_of_its_source_is_valid(validator: Any, write_dataset: Any) -> None:
    path = write_dataset(
        '[sources.s]\ntitle = "T"\npublisher = "P"\nkind = "press"\nurl = "https://example.org/s"\n'
        'copy_url = "https://archive.example.org/s"\ndate = 2021-01-01\n'
        '[[facts]]\nid = "r"\ntopic = "aid"\ntext = "Regional aid"\nvalue = 5\nunit = "USD"\ndate = "2020"\n'
        'regional = true\nsource = "s"\n'
    )
    (row,) = query.select(dataset.load(path)).rows
    obj = records.fact_object(row)
    assert (obj["regional"], obj["source"]["kind"], obj["source"]["copy_url"]) == (
        True,
        "press",
        "https://archive.example.org/s",
    )
    assert problems(validator, obj) == []


@pytest.fixture(scope="module")
def _good(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """A fact object with every field filled but part_of, superseded_by and the source's kind and copy."""
    small = tmp_path_factory.mktemp("schema") / "small.toml"
    small.write_text(SMALL, encoding="utf-8")
    rows = query.select(dataset.load(small)).rows
    row = next(row for row in rows if row.fact.measure is not None and row.fact.end is not None)
    return records.fact_object(row)


@pytest.fixture
def good(_good: dict[str, Any]) -> dict[str, Any]:
    """That object, made once for the module; each test gets its own copy to change."""
    return copy.deepcopy(_good)


def test_extra_field_fails(validator: Any, good: dict[str, Any]) -> None:
    assert not validator.is_valid({**good, "note": "more than $1 billion"})
    assert not validator.is_valid({**good, "source": {**good["source"], "short": "Sheet"}})


@pytest.mark.parametrize(
    "name",
    ["id", "topic", "text", "value", "unit", "qualifier", "figure", "date", "end", "status", "regional", "measure",
     "part_of", "superseded_by", "tags", "source"],
)  # fmt: skip
def test_missing_field_fails(validator: Any, good: dict[str, Any], name: str) -> None:
    del good[name]
    assert not validator.is_valid(good)


@pytest.mark.parametrize("name", ["id", "title", "publisher", "kind", "url", "copy_url", "date"])
def test_missing_source_field_fails(validator: Any, good: dict[str, Any], name: str) -> None:
    del good["source"][name]
    assert not validator.is_valid(good)


@pytest.mark.parametrize(
    ("path", "bad"),
    [
        (("value",), "23600000"),  # a number, never a formatted string
        (("value",), True),
        (("date",), "2019-01-01T00:00:00"),
        (("date",), "19"),
        (("end",), "2020-9"),
        (("topic",), "economy"),
        (("qualifier",), "about"),
        (("tags",), "covid"),
        (("tags",), [1]),
        (("superseded_by",), 7),
        (("status",), "draft"),
        (("status",), None),  # every fact has a status: final by default
        (("regional",), "yes"),
        (("regional",), None),
        (("figure",), 23600000),  # words, not the number
        (("source", "kind"), "blog"),
        (("unit",), None),  # a value needs its unit
        (("source", "date"), 2020),
        (("source", "url"), None),
    ],
)
def test_wrong_type_fails(validator: Any, good: dict[str, Any], path: tuple[str, ...], bad: Any) -> None:
    changed = copy.deepcopy(good)
    target = changed
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = bad
    assert not validator.is_valid(changed)


def test_nulls_where_the_design_allows_them(validator: Any, good: dict[str, Any]) -> None:
    bare = {**good, "value": None, "unit": None, "figure": None, "end": None, "measure": None, "part_of": None}
    assert validator.is_valid({**bare, "source": {**good["source"], "date": None, "kind": None, "copy_url": None}})


def test_enums_match_the_model(validator: Any) -> None:
    properties = validator.schema["properties"]
    assert properties["topic"]["enum"] == [topic.value for topic in Topic]
    assert properties["qualifier"]["enum"] == [qualifier.value for qualifier in Qualifier]
    assert properties["status"]["enum"] == [status.value for status in Status]
    kinds = properties["source"]["properties"]["kind"]["anyOf"]
    assert {"enum": [kind.value for kind in SourceKind]} in kinds and {"type": "null"} in kinds


def test_required_fields_are_those_fact_object_gives(validator: Any, good: dict[str, Any]) -> None:
    schema = validator.schema
    assert schema["required"] == list(good) == list(schema["properties"])
    assert schema["properties"]["source"]["required"] == list(good["source"])
