"""A row's shapes: its JSON object and its CSV/TSV record.

A Row is a fact as a listing shows it. The JSON object is derived from usco.fields;
what no field holds is computed from the row: the figure as a person reads it and the
version that superseded it.
"""

# No `from __future__ import annotations`: see usco.model (NamedTuples and string annotations).
from collections.abc import Callable
from operator import attrgetter
from typing import Any, NamedTuple

from usco.fields import FACT_FIELDS, SOURCE_FIELDS, plain_conversion
from usco.model import Fact, Measure, Source
from usco.text import figure


class Row(NamedTuple):
    """A fact as a listing shows it: with its source, its measure and the version that superseded it."""

    fact: Fact
    source: Source
    superseded_by: str | None = None
    measure: Measure | None = None

    def to_dict(self) -> dict[str, Any]:
        """The fact as `-f json` prints it (design §4)."""
        return fact_object(self)


Conversions = tuple[tuple[str, Callable[[Any], Any]], ...]

# ---------------------------------------------------------------- the JSON object

_SOURCE_IN_FACT = tuple(field for field in SOURCE_FIELDS if field.in_fact)
# (name, field) in the JSON object's order: "figure" follows "qualifier" and
# "superseded_by" follows "part_of"; those two are computed (field None), and `source` is
# the source object, added last.
_FACT_OBJECT = tuple(
    entry
    for field in FACT_FIELDS
    if field.name != "source"
    for entry in (
        ((field.name, field),)
        + ((("figure", None),) if field.name == "qualifier" else ())
        + ((("superseded_by", None),) if field.name == "part_of" else ())
    )
)


# Building the objects is a quarter of `usco aid -f json` past start-up, so a fact object
# is made from one C attribute fetch of every value, and only the fields plain() changes
# are converted (the rest it returns as they are).
_FACT_KEYS = tuple(name for name, _ in _FACT_OBJECT)
_FACT_VALUES = attrgetter(*(
    "superseded_by" if name == "superseded_by" else "fact.value" if name == "figure" else f"fact.{name}"
    for name in _FACT_KEYS
))  # fmt: skip  # "figure" holds the value until figure() replaces it
_FACT_CONVERSIONS = tuple(
    (name, convert) for name, field in _FACT_OBJECT if field is not None and (convert := plain_conversion(field))
)
_SOURCE_KEYS = tuple(field.name for field in _SOURCE_IN_FACT)
_SOURCE_VALUES = attrgetter(*_SOURCE_KEYS)
_SOURCE_CONVERSIONS = tuple((field.name, convert) for field in _SOURCE_IN_FACT if (convert := plain_conversion(field)))


def _plain_object(keys: tuple[str, ...], values: tuple[Any, ...], conversions: Conversions) -> dict[str, Any]:
    obj = dict(zip(keys, values, strict=True))
    for name, convert in conversions:
        if obj[name] is not None:
            obj[name] = convert(obj[name])
    return obj


def source_object(row: Row) -> dict[str, Any]:
    return _plain_object(_SOURCE_KEYS, _SOURCE_VALUES(row.source), _SOURCE_CONVERSIONS)


def fact_object(row: Row, source: dict[str, Any] | None = None) -> dict[str, Any]:
    """One fact as JSON (design §4), in the order of usco.fields; numbers raw, dates as stored.

    *source* is source_object(row) when the caller already has it (a copy is kept).
    """
    obj = _plain_object(_FACT_KEYS, _FACT_VALUES(row), _FACT_CONVERSIONS)
    obj["figure"] = figure(row.fact) or None
    obj["source"] = source_object(row) if source is None else dict(source)
    return obj


# ---------------------------------------------------------------- the flat record (csv, tsv)

#: The flat columns of a fact (design §4); tags are a list, so only JSON carries them.
FACT_COLUMNS = (
    "id", "topic", "date", "end", "status", "value", "unit", "qualifier", "text", "measure", "part_of",
    "regional", "source_id", "source_kind", "source_date", "source_url",
)  # fmt: skip
_OWN_COLUMNS = FACT_COLUMNS[: FACT_COLUMNS.index("source_id")]
_SOURCE_COLUMNS = tuple(name.removeprefix("source_") for name in FACT_COLUMNS[len(_OWN_COLUMNS) :])


def flat_record(obj: dict[str, Any], *, history: bool) -> tuple[Any, ...]:
    """The flat columns of one fact object (its source's fields prefixed "source_")."""
    own = tuple(map(obj.__getitem__, _OWN_COLUMNS))
    return own + tuple(map(obj["source"].__getitem__, _SOURCE_COLUMNS)) + ((obj["superseded_by"],) if history else ())
