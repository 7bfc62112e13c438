"""A row's shapes: its JSON object, its CSV/TSV record and `show`'s lines, derived from usco.fields.

A Row is a fact as a listing shows it. Each shape takes the fields in the order usco.fields
declares them for it (the JSON object: the declarations' order; the flat record: each
field's `column`; show's lines: each field's `show`), so a new field needs no line here.
What no field holds is computed from the row: the figure as a person reads it, the
version that superseded it, and show's period.
"""

# No `from __future__ import annotations`: see usco.model (NamedTuples and string annotations).
from collections.abc import Callable
from operator import attrgetter
from typing import Any, NamedTuple

from usco.fields import FACT_FIELDS, SOURCE_FIELDS, Field, cell, plain, plain_conversion
from usco.model import Fact, Measure, Source
from usco.text import figure, period


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
#: The fields of a fact's JSON object, in order (design §4).
FACT_KEYS = (*_FACT_KEYS, "source")
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


def _placed(fields: tuple[Field, ...], place: str) -> tuple[Field, ...]:
    """The fields that have a *place* ("column" or "show"), in its order; no two share one."""
    places = {getattr(field, place): field for field in fields if getattr(field, place) is not None}
    assert len(places) == sum(getattr(field, place) is not None for field in fields), f"two fields share a {place}"
    return tuple(places[number] for number in sorted(places))


_OWN_COLUMNS = tuple(field.name for field in _placed(FACT_FIELDS, "column"))
_SOURCE_COLUMNS = tuple(field.name for field in _placed(SOURCE_FIELDS, "column"))
#: The flat columns of a fact (design §4): its own, then its source's; tags are a list, so
#: only JSON carries them. A listing with --history adds "superseded_by" last.
FACT_COLUMNS = _OWN_COLUMNS + tuple(f"source_{name}" for name in _SOURCE_COLUMNS)


def flat_record(obj: dict[str, Any], *, history: bool) -> tuple[Any, ...]:
    """The flat columns of one fact object (its source's fields prefixed "source_")."""
    own = tuple(map(obj.__getitem__, _OWN_COLUMNS))
    return own + tuple(map(obj["source"].__getitem__, _SOURCE_COLUMNS)) + ((obj["superseded_by"],) if history else ())


# ---------------------------------------------------------------- show's lines

Line = Callable[[Row, Fact | None], str]  # a line's value, from the row and the whole it is part of


def _fact_line(field: Field) -> Line:
    if field.refers_to == "facts":  # another fact: its id and figure, when the view has it
        return lambda row, whole: f"{whole.id} ({figure(whole)})" if whole else ""
    get, words = attrgetter(field.name), field.show_as or cell
    return lambda row, whole: words(plain(field, get(row.fact)))


def _source_line(field: Field) -> Line:
    get, words = attrgetter(field.name), field.show_as or cell
    return lambda row, whole: words(plain(field, get(row.source)))


# show's lines that no field holds, each after the field it follows
_COMPUTED_LINES: dict[str, tuple[str, Line]] = {
    "text": ("figure", lambda row, whole: figure(row.fact)),
    "qualifier": ("period", lambda row, whole: period(row.fact, row.measure)),
    "part_of": ("superseded_by", lambda row, whole: row.superseded_by or ""),
}


def _show_lines() -> tuple[tuple[str, Line], ...]:
    lines = []
    for field in _placed(FACT_FIELDS, "show"):
        lines.append((field.name, _fact_line(field)))
        if field.name in _COMPUTED_LINES:
            lines.append(_COMPUTED_LINES[field.name])
    return (*lines, *((f"source_{field.name}", _source_line(field)) for field in _placed(SOURCE_FIELDS, "show")))


_SHOW_LINES = _show_lines()


def show_lines(row: Row, whole: Fact | None = None) -> list[tuple[str, str]]:
    """`show`'s key/value lines of one fact, what a person reads in the order they read it.

    *whole* is the fact it is part of, when the view has it.
    """
    return [(name, line(row, whole)) for name, line in _SHOW_LINES]
