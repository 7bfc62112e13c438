"""The fields of a source, a measure and a fact, declared once.

Each declaration says what the field is called, what kind of value it holds (which
decides how the loader reads it from TOML and how every output writes it) and whether
it is required. The loader's field checks, the cache, the JSON objects, the CSV/TSV
columns, the SQLite and Data Package schemas and the JSON Schema are all derived from
these tuples, so adding a field is one line here, its attribute on the type in
usco.model, and its rule in usco.dataset.validate; tests/test_fields.py proves that every output
carries every field.
"""

# No `from __future__ import annotations`: see usco.model (NamedTuples and string annotations).
import json
from collections.abc import Callable
from enum import Enum
from operator import attrgetter
from typing import Any, NamedTuple

from usco.model import PeriodKind, Qualifier, SourceKind, Status, Topic


class Kind(str, Enum):
    KEY = "key"  # a kebab-case id: a fact's `id`, or the table key of a source or measure
    TEXT = "text"  # a non-empty string
    LINE = "line"  # a non-empty string on one line
    URL = "url"  # an http(s) URL
    NUMBER = "number"  # an int or a float, finite, below 10**18
    DATE = "date"  # "YYYY", "YYYY-MM" or a TOML date
    BOOL = "bool"
    TAGS = "tags"  # a list of non-empty strings
    CHOICE = "choice"  # one value of an Enum
    REF = "ref"  # the key of another entry (a source, a measure, a fact)


class Field(NamedTuple):
    name: str
    kind: Kind
    required: bool = False
    description: str = ""
    choices: type[Enum] | None = None  # for CHOICE
    default: Any = None  # the value a missing optional field takes
    refers_to: str | None = None  # for REF: "sources", "measures" or "facts"
    in_fact: bool = True  # a source field that the fact object's `source` carries
    flat: bool = True  # a column of a csv/tsv listing


K = Kind
SOURCE_FIELDS: tuple[Field, ...] = (
    Field("id", K.KEY, True, "the key in [sources]"),
    Field("title", K.TEXT, True, "the document's title"),
    Field("publisher", K.TEXT, True, "who published it"),
    Field("kind", K.CHOICE, False, "government, intergovernmental, press or other", SourceKind),
    Field("url", K.URL, True, "where it is published"),
    Field("copy_url", K.URL, False, "a permanent copy of exactly what was read"),
    Field("short", K.TEXT, False, "a short name for tables", in_fact=False),
    Field("date", K.DATE, False, "publication date: YYYY, YYYY-MM or YYYY-MM-DD"),
    Field("date_note", K.TEXT, False, "how the date was established when the document prints none", in_fact=False),
)

MEASURE_FIELDS: tuple[Field, ...] = (
    Field("id", K.KEY, True, "the key in [measures]"),
    Field("label", K.TEXT, True, "what is measured"),
    Field("unit", K.TEXT, True, "the unit of every fact of the measure"),
    Field("period", K.CHOICE, False, "what one period is", PeriodKind),
)

FACT_FIELDS: tuple[Field, ...] = (
    Field("id", K.KEY, True, "unique, stable, kebab-case; scripts rely on it"),
    Field("topic", K.CHOICE, True, "what the fact is about", Topic),
    Field("text", K.LINE, True, "the fact in words, one line"),
    Field("value", K.NUMBER, False, "the figure as stated, never rounded"),
    Field("unit", K.TEXT, False, "the unit of value"),
    Field("qualifier", K.CHOICE, False, "how exact the figure is", Qualifier, Qualifier.EXACT),
    Field("date", K.DATE, True, "when the figure or event holds; a period's start"),
    Field("end", K.DATE, False, "the end of the period (a partial figure: the last day or month it covers)"),
    Field("status", K.CHOICE, False, "how final the figure is", Status, Status.FINAL),
    Field("regional", K.BOOL, False, "the figure covers more countries than Colombia", default=False),
    Field("measure", K.REF, False, "the series this figure belongs to", refers_to="measures"),
    Field("part_of", K.REF, False, "the id of the larger figure this is a component of", refers_to="facts"),
    Field("tags", K.TAGS, False, "words to find the fact by", default=(), flat=False),
    Field("source", K.REF, True, "the document that says it", refers_to="sources"),
)

FIELDS_OF = {"source": SOURCE_FIELDS, "measure": MEASURE_FIELDS, "fact": FACT_FIELDS}


def names(fields: tuple[Field, ...]) -> frozenset[str]:
    return frozenset(field.name for field in fields)


# ---------------------------------------------------------------- writing values out


def plain(field: Field, value: Any) -> Any:
    """The value as JSON holds it: enums by value, dates as their strings, tags as a list."""
    if value is None:
        return None
    convert = _PLAIN.get(field.kind)
    return value if convert is None else convert(value)


def plain_conversion(field: Field) -> Callable[[Any], Any] | None:
    """What plain() does to a value of *field* other than None; None where it keeps the value."""
    return _PLAIN.get(field.kind)


# An Enum member's `value` is a Python-level property; `_value_` is the attribute it reads.
_PLAIN: dict[Kind, Callable[[Any], Any]] = {K.CHOICE: attrgetter("_value_"), K.DATE: str, K.TAGS: list}


def cell(value: Any) -> str:
    """One value as text in a flat format: floats by repr (exact), None as empty."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, list | tuple):
        return json.dumps(list(value), ensure_ascii=False)
    return str(value)


# ---------------------------------------------------------------- JSON Schema

_DATE_PATTERN = "^[0-9]{4}(-[0-9]{2}(-[0-9]{2})?)?$"
_ID_PATTERN = "^[a-z0-9]+(-[a-z0-9]+)*$"


def _schema_of(field: Field) -> dict[str, Any]:
    if field.kind is K.CHOICE:
        assert field.choices is not None
        schema: dict[str, Any] = {"enum": [member.value for member in field.choices]}
    elif field.kind in (K.KEY, K.REF):
        schema = {"type": "string", "pattern": _ID_PATTERN}
    elif field.kind is K.DATE:
        schema = {"type": "string", "pattern": _DATE_PATTERN}
    elif field.kind is K.NUMBER:
        schema = {"type": "number"}
    elif field.kind is K.BOOL:
        schema = {"type": "boolean"}
    elif field.kind is K.TAGS:
        schema = {"type": "array", "items": {"type": "string", "minLength": 1}}
    elif field.kind is K.LINE:
        schema = {"type": "string", "minLength": 1, "pattern": "^[^\\r\\n]*$"}
    else:
        schema = {"type": "string", "minLength": 1}
    if not field.required and field.default is None:  # absent in the dataset: null in JSON
        schema = {"anyOf": [schema, {"type": "null"}]}
    schema["description"] = field.description
    return schema


def json_schema() -> dict[str, Any]:
    """The JSON Schema of one fact object as `-f json` prints it (design §4)."""
    properties: dict[str, Any] = {}
    for field in FACT_FIELDS:
        if field.name == "source":
            continue
        properties[field.name] = _schema_of(field)
        if field.name == "qualifier":
            properties["figure"] = {
                "anyOf": [{"type": "string", "minLength": 1}, {"type": "null"}],
                "description": 'the figure as a person reads it ("more than $23.6 million"), or null without a value',
            }
        if field.name == "part_of":
            properties["superseded_by"] = {
                "anyOf": [{"type": "string", "pattern": _ID_PATTERN}, {"type": "null"}],
                "description": "the id of the newer version that revised this figure, or null",
            }
    source_fields = [field for field in SOURCE_FIELDS if field.in_fact]
    properties["source"] = {
        "type": "object",
        "required": [field.name for field in source_fields],
        "additionalProperties": False,
        "properties": {field.name: _schema_of(field) for field in source_fields},
        "description": "the document that says it",
    }
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "title": "usco fact",
        "description": (
            "One fact as `usco ... -f json` (an array of these) and `-f jsonl` (one a line) print it "
            '(design §4). Numbers are raw; dates are the dataset\'s strings: "2019" is never 2019-01-01. '
            "Generated from usco.fields."
        ),
        "type": "object",
        "required": list(properties),
        "additionalProperties": False,
        "properties": properties,
        # design §1: `unit` is required whenever `value` is present
        "if": {"properties": {"value": {"type": "number"}}, "required": ["value"]},
        "then": {"properties": {"unit": {"type": "string"}}},
    }
