"""The fields of a source, a measure and a fact, declared once.

Each declaration says what the field is called, what kind of value it holds (which
decides how the loader reads it from TOML and how every output writes it), whether it
is required, and where the flat formats and `show` put it. The loader's field checks,
the cache, the JSON objects, the CSV/TSV columns, `show`'s lines, the SQLite and Data
Package schemas and the JSON Schema are all derived from these tuples (usco.records
builds a row's shapes), so adding a field is one declaration here, its attribute on the
type in usco.model, and its rule in usco.dataset.validate if it has one;
tests/test_fields.py and tests/test_new_field.py prove that every output carries it.
"""

# No `from __future__ import annotations`: see usco.model (NamedTuples and string annotations).
import json
from collections.abc import Callable
from enum import Enum
from operator import attrgetter
from typing import Any, NamedTuple

from usco.model import PeriodKind, Qualifier, SourceKind, Status, Topic

#: Every figure's magnitude is below this: no figure in this domain comes near, so such digits are an
#: error. The loader refuses a value as large; an importer never writes one.
LARGEST = 10**18


class Kind(str, Enum):
    KEY = "key"  # a kebab-case id: a fact's `id`, or the table key of a source or measure
    TEXT = "text"  # a non-empty string
    LINE = "line"  # a non-empty string on one line
    URL = "url"  # an http(s) URL
    NUMBER = "number"  # an int or a float, finite, of magnitude below LARGEST
    DATE = "date"  # "YYYY", "YYYY-MM" or a TOML date
    BOOL = "bool"
    TAGS = "tags"  # a list of non-empty strings
    CHOICE = "choice"  # one value of an Enum
    REF = "ref"  # the key of another entry (a source, a measure, a fact)
    NAME = "name"  # a kebab-case name several entries may share (a fact's `event`)


class Field(NamedTuple):
    name: str
    kind: Kind
    required: bool = False
    description: str = ""
    choices: type[Enum] | None = None  # for CHOICE
    default: Any = None  # the value a missing optional field takes
    refers_to: str | None = None  # for REF: "sources", "measures" or "facts"
    in_fact: bool = True  # a source field that the fact object's `source` carries
    # A fact's places in the flat formats and in `show`: 1, 2, ... among the fact's own
    # columns (then its source's, each named "source_" + name) and among show's lines
    # (likewise); None where it is not one. usco.records orders the shapes by them.
    column: int | None = None  # a column of a csv/tsv fact listing
    show: int | None = None  # a line of `usco show ID`
    show_as: Callable[[Any], str] | None = None  # how show words the plain value, if not as csv writes it

    @property
    def flat(self) -> bool:
        """A column of a csv/tsv fact listing."""
        return self.column is not None


def _yes(meaning: str) -> Callable[[Any], str]:
    """A flag as show words it: "yes: <meaning>", or nothing."""
    return lambda value: f"yes: {meaning}" if value else ""


def _or(missing: str) -> Callable[[Any], str]:
    """A value as csv writes it, or *missing* ("unknown", "undated") where there is none."""
    return lambda value: missing if value is None else cell(value)


def _listed(values: Any) -> str:
    return ", ".join(values)


K = Kind
# `column` and `show` place a source's fields among a fact's "source_" columns and lines.
SOURCE_FIELDS: tuple[Field, ...] = (
    Field("id", K.KEY, True, "the key in [sources]", column=1),  # its line is the fact's `source`
    Field("title", K.TEXT, True, "the document's title", show=1),
    Field("publisher", K.TEXT, True, "who published it", show=2),
    Field("kind", K.CHOICE, False, "government, intergovernmental, press or other", SourceKind,
          column=2, show=3, show_as=_or("unknown")),
    Field("url", K.URL, True, "where it is published", column=4, show=6),
    Field("copy_url", K.URL, False, "a permanent copy of exactly what was read", show=7),
    Field("short", K.TEXT, False, "a short name for tables", in_fact=False),
    Field("date", K.DATE, False, "publication date: YYYY, YYYY-MM or YYYY-MM-DD", column=3, show=4,
          show_as=_or("undated")),
    Field("date_note", K.TEXT, False, "how the date was established when the document prints none", in_fact=False,
          show=5),
)  # fmt: skip

MEASURE_FIELDS: tuple[Field, ...] = (
    Field("id", K.KEY, True, "the key in [measures]"),
    Field("label", K.TEXT, True, "what is measured"),
    Field("unit", K.TEXT, True, "the unit of every fact of the measure"),
    Field("period", K.CHOICE, False, "what one period is", PeriodKind),
    Field("publisher", K.TEXT, False, "whose series it is: every fact's source has this publisher"),
)

# The JSON object's order is this one. usco.records adds what is not a field: "figure" and
# "superseded_by", and show's "period", which says `date` and `end` in one line.
FACT_FIELDS: tuple[Field, ...] = (
    Field("id", K.KEY, True, "unique, stable, kebab-case; scripts rely on it", column=1, show=1),
    Field("topic", K.CHOICE, True, "what the fact is about", Topic, column=2, show=8),
    Field("text", K.LINE, True, "the fact in words, one line", column=9, show=2),
    Field("value", K.NUMBER, False, "the figure as stated, never rounded", column=6, show=3),
    Field("unit", K.TEXT, False, "the unit of value", column=7, show=4),
    Field("qualifier", K.CHOICE, False, "how exact the figure is", Qualifier, Qualifier.EXACT, column=8, show=5),
    Field("date", K.DATE, True, "when the figure or event holds; a period's start", column=3),
    Field("end", K.DATE, False, "the end of the period (a partial figure: the last day or month it covers)",
          column=4),
    Field("status", K.CHOICE, False, "how final the figure is", Status, Status.FINAL, column=5, show=6),
    Field("regional", K.BOOL, False, "the figure covers more countries than Colombia", default=False,
          column=12, show=7, show_as=_yes("covers more countries than Colombia")),
    Field("measure", K.REF, False, "the series this figure belongs to", refers_to="measures", column=10, show=11),
    Field("part_of", K.REF, False, "the id of the larger figure this is a component of", refers_to="facts",
          column=11, show=12),  # show: the whole's id and figure, as for any reference to a fact
    Field("tags", K.TAGS, False, "words to find the fact by", default=(), show=9, show_as=_listed),  # not flat
    Field("event", K.NAME, False, "the key shared by the facts that tell one event", show=10),  # not flat
    Field("source", K.REF, True, "the document that says it", refers_to="sources", show=13),  # column: source_id
)  # fmt: skip

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
    elif field.kind in (K.KEY, K.REF, K.NAME):
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
