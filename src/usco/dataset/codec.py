"""How the cache writes a table of sources, measures or facts as text, and reads it back.

Rows are stored one a line, fields separated by tabs, in the order of the type's
attributes (each encoded as usco.fields declares its kind), because splitting lines is
several times faster than json.loads at 100,000 facts; they are decoded a column at a
time and zipped straight into the type. Anything that does not decode into values the
loader would accept is Corrupt: a cache file is never trusted.
"""

from __future__ import annotations

import contextlib
import functools
import math
import re
from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from usco.fields import FACT_FIELDS, LARGEST, MEASURE_FIELDS, SOURCE_FIELDS, Field, Kind
from usco.model import Fact, Measure, PartialDate, Source


class Corrupt(ValueError):
    """The cache file is not exactly what usco wrote for this dataset."""


# Empty means None (the loader never accepts an empty string), tags are joined by
# U+001F, and a backslash escapes the few characters that would break a line or a field.
# The body is ASCII, anything else written as Python's \xNN, \uNNNN or \UNNNNNNNN: one
# non-ASCII character makes every string of the body wider, and decoding and splitting
# it take a millisecond longer on the shipped data (120 such characters in 1,493 facts).
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x1f": "\\x1f"}
_UNESCAPES = {code[1:]: char for char, code in _ESCAPES.items()}


# Compiled when first needed (about 0.2 and 0.4 ms): only a write escapes, and only a
# body with a backslash in it is unescaped.
@functools.cache
def _to_escape() -> re.Pattern[str]:
    return re.compile("[\\\\\t\n\r\x1f]")


@functools.cache
def _escaped() -> re.Pattern[str]:
    return re.compile(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|[\\tnr]|.?)", re.DOTALL)


def escape(value: str) -> str:
    return _to_escape().sub(lambda match: _ESCAPES[match[0]], value)


def unescape(field: str) -> str:
    return _escaped().sub(_unescaped, field)


def _unescaped(match: re.Match[str]) -> str:
    code = match[1]
    if code in _UNESCAPES:
        return _UNESCAPES[code]
    if len(code) > 1:  # x, u or U and its hex digits
        with contextlib.suppress(ValueError):  # beyond U+10FFFF
            return chr(int(code[1:], 16))
    raise Corrupt("unknown escape")


def _column_encoder(field: Field) -> Callable[[Sequence[Any]], list[str]]:
    """How a whole column of one field is written (None as empty), a column at a time as it is read."""
    kind = field.kind
    if kind is Kind.CHOICE:
        return lambda column: ["" if value is None else str(value.value) for value in column]
    if kind is Kind.NUMBER:
        return lambda column: [
            "" if value is None else repr(value) if isinstance(value, float) else str(value) for value in column
        ]
    if kind is Kind.BOOL:
        return lambda column: ["1" if value else "" for value in column]
    special = _to_escape().search
    if kind is Kind.TAGS:
        return lambda column: [
            "\x1f".join(escape(tag) if special(tag) else tag for tag in value) if value else "" for value in column
        ]
    return lambda column: [
        "" if value is None else escape(text) if special(text := str(value)) else text for value in column
    ]


def lines(entries: Sequence[tuple[Any, ...]], order: tuple[Field, ...]) -> str:
    """*entries*, a line each, their fields tab-separated in *order* (the type's attributes)."""
    if not entries:
        return ""
    columns = [_column_encoder(field)(column) for field, column in zip(order, zip(*entries, strict=True), strict=True)]
    return "\n".join(map("\t".join, zip(*columns, strict=True))) + "\n"


def fact_lines(facts: Sequence[Fact]) -> list[str]:
    """Each fact's line, as ASCII: a line kept from an earlier build is reused as it is (usco.dataset.parts)."""
    return split_lines(lines(facts, FACT_ORDER).encode("ascii", "backslashreplace").decode("ascii"))


def split_lines(text: str) -> list[str]:
    """*text*'s lines, each with its newline (only "\\n" ends a line: str.splitlines would cut at \\x1c too)."""
    return [line + "\n" for line in text.split("\n")[:-1]]


def _number(text: str) -> int | float | None:
    if not text:
        return None
    try:
        number: int | float = float(text) if any(char in text for char in ".eEn") else int(text)
    except ValueError:
        raise Corrupt(f"not a number: {text[:20]!r}") from None
    if (isinstance(number, float) and not math.isfinite(number)) or abs(number) >= LARGEST:
        raise Corrupt("a number the loader refuses")
    return number


def _numbers(column: Sequence[str]) -> list[int | float | None]:
    # whole numbers below 10**18 (nearly all of them) without a call each
    return [int(text) if len(text) < 19 and text.isdigit() and text.isascii() else _number(text) for text in column]


def _tag_lists(column: Sequence[str]) -> list[tuple[str, ...]]:
    # most facts share a few tag lists: each distinct one is split once, and shared
    distinct = {text: _tags(text) for text in set(column)}
    return list(map(distinct.__getitem__, column))


def _tags(text: str) -> tuple[str, ...]:
    if not text:
        return ()
    if "\\" not in text:
        return tuple(text.split("\x1f"))
    return tuple(unescape(tag) for tag in text.split("\x1f"))


def _in_order_of(kind: type[Any], fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """*fields* in the order of the type's attributes, so a decoded row is the type's tuple."""
    by_name = {field.name: field for field in fields}
    return tuple(by_name[name] for name in kind._fields)


SOURCE_ORDER = _in_order_of(Source, SOURCE_FIELDS)
MEASURE_ORDER = _in_order_of(Measure, MEASURE_FIELDS)
FACT_ORDER = _in_order_of(Fact, FACT_FIELDS)
_DATES: dict[str, PartialDate] = {}


def _date(text: str) -> PartialDate | None:
    if not text:
        return None
    if text not in _DATES:
        try:
            _DATES[text] = PartialDate.parse(text)
        except ValueError:
            raise Corrupt(f"not a date: {text[:20]!r}") from None
    return _DATES[text]


def _column_decoder(field: Field) -> Callable[[Sequence[str]], list[Any]]:
    """How a whole column of one fact field turns back into values, with the loader's rules.

    A column at a time, because mapping a dict lookup or a builtin over a column runs in
    C: decoding the shipped 1,493 facts this way takes a quarter of the time a decoder
    call per cell took (the cache exists to make every query start fast).
    """
    kind = field.kind
    if kind is Kind.CHOICE:
        assert field.choices is not None
        members: dict[str, Any] = {member.value: member for member in field.choices}
        if not field.required and field.default is None:
            members[""] = None

        def choices(column: Sequence[str]) -> list[Any]:
            try:
                return list(map(members.__getitem__, column))
            except KeyError as unknown:
                raise Corrupt(f"{field.name} {str(unknown)[:20]}") from None

        return choices
    if kind is Kind.DATE:
        required = field.required

        def dates(column: Sequence[str]) -> list[Any]:
            for text in set(column).difference(_DATES):
                if text:
                    _date(text)  # parsed and remembered, or Corrupt
                elif required:
                    _missing(field)
            known: dict[str, PartialDate | None] = {**_DATES, "": None}
            return list(map(known.__getitem__, column))

        return dates
    if kind is Kind.NUMBER:
        return _numbers
    if kind is Kind.BOOL:
        return lambda column: list(map("1".__eq__, column))
    if kind is Kind.TAGS:
        return _tag_lists
    required = field.required

    def texts(column: Sequence[str]) -> list[Any]:
        if "\\" in "".join(column):
            column = [unescape(text) if "\\" in text else text for text in column]
        if not required:
            return [text or None for text in column]
        if "" in column:
            _missing(field)
        return list(column)

    return texts


def _missing(field: Field) -> None:
    raise Corrupt(f"{field.name} missing")


def _columns(text: str, rows: int, fields: tuple[Field, ...]) -> list[list[Any]]:
    """Each field's values, decoded from *rows* lines of tab-separated cells.

    One split of the whole table and a slice per field, not a list per line: the cells
    of field i are every width-th one from i. The digest already proved the body is
    what usco wrote; the counts catch a table cut short or overrun.
    """
    width = len(fields)
    cells = text.replace("\n", "\t").split("\t")
    if text.count("\n") != rows or len(cells) != rows * width + 1 or cells[-1] != "":
        raise Corrupt("a table of the wrong shape")
    return [_column_decoder(field)(cells[position:-1:width]) for position, field in enumerate(fields)]


def sources(text: str, rows: int) -> dict[str, Source]:
    return {source.id: source for source in _entries(Source, text, rows, SOURCE_ORDER)}


def measures(text: str, rows: int) -> dict[str, Measure]:
    return {measure.id: measure for measure in _entries(Measure, text, rows, MEASURE_ORDER)}


def facts(text: str, rows: int) -> tuple[list[Fact], dict[str, list[Any]]]:
    """The facts of *rows* lines, and each field's column of values (by name)."""
    values = _columns(text, rows, FACT_ORDER)
    return list(map(_row_of(Fact), zip(*values, strict=True))), dict(zip(Fact._fields, values, strict=True))


def _entries(kind: type[Any], text: str, rows: int, order: tuple[Field, ...]) -> list[Any]:
    return list(map(_row_of(kind), zip(*_columns(text, rows, order), strict=True)))


def _row_of(kind: type[Any]) -> Callable[[tuple[Any, ...]], Any]:
    """What kind._make does, in C: a third of the time of a Python call per fact.

    zip(strict=True) of one column per field already gives tuples of the right length.
    """
    return partial(tuple.__new__, kind)
