"""The output formats (design §4): the OutputFormat enum and the one dispatch over them.

render() writes a Listing (usco.render.listings) in a format, render_detail() `show`'s
fact. Every function returns a string. Machine formats never depend on the terminal;
the Rich views (usco.render.table and the *_view modules) are imported only when a
table is drawn.
"""

from __future__ import annotations

import functools
import io
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any, NoReturn

from usco.fields import cell
from usco.model import QueryError
from usco.render.listings import detail_object, detail_pairs
from usco.text import UNSAFE_BEYOND_C0, tsv_field, visible, visible_keep_space

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 - a type only; table.py draws

    from usco.query.summaries import Detail
    from usco.render.listings import Listing

if sys.version_info >= (3, 11):
    from typing import assert_never
else:  # pragma: no cover - Python 3.10

    def assert_never(value: NoReturn) -> NoReturn:
        raise AssertionError(f"unhandled value: {value!r}")


class OutputFormat(str, Enum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    TSV = "tsv"
    MARKDOWN = "markdown"


def render(
    listing: Listing,
    fmt: OutputFormat,
    *,
    header: bool = True,
    columns: Sequence[str] | None = None,
    console: Console | None = None,
    ascii_only: bool = False,
) -> str:
    """*listing* in *fmt*; *columns* picks csv/tsv/markdown columns and json fields.

    *ascii_only* escapes all non-ASCII in JSON (for a stream that is not UTF-8).
    """
    if columns:
        listing = _choose(listing, columns, fmt)
    match fmt:
        case OutputFormat.JSON:
            return _json_array(listing.objects, ascii_only=ascii_only) + "\n"
        case OutputFormat.JSONL:
            return _json_lines(listing.objects, ascii_only=ascii_only)
        case OutputFormat.CSV | OutputFormat.TSV:
            return _delimited(listing.header, listing.records, fmt, with_header=header)
        case OutputFormat.MARKDOWN:
            chosen = listing.markdown() if listing.markdown and not columns else (listing.header, listing.records)
            return _markdown(*chosen)
        case OutputFormat.TABLE:
            from usco.render import table

            return table.draw(listing.draw, console)
        case _:
            assert_never(fmt)


class ColumnError(QueryError):
    """--columns names something that is not a column (csv, tsv, markdown) or field (json) of the format.

    The CLI makes it a usage error (exit 2, design §4); the message lists the valid names.
    """


def column_names(listing: Listing, fmt: OutputFormat) -> tuple[str, ...]:
    """What --columns may name in *fmt*: a row's columns (and the listing's more_columns, `figure`),
    or a JSON object's fields (and every column, as a field of its own: `source_url`)."""
    flat = (*listing.header, *listing.more_columns)
    match fmt:
        case OutputFormat.CSV | OutputFormat.TSV | OutputFormat.MARKDOWN:
            return tuple(dict.fromkeys(flat))
        case OutputFormat.JSON | OutputFormat.JSONL:
            return tuple(dict.fromkeys((*(listing.fields or listing.header), *flat)))
        case OutputFormat.TABLE:  # the table shows its own columns; a name is still checked
            return tuple(dict.fromkeys((*flat, *(listing.fields or listing.header))))
        case _:
            assert_never(fmt)


def _choose(listing: Listing, columns: Sequence[str], fmt: OutputFormat) -> Listing:
    """Only *columns*, in that order (the fields of a JSON object, the columns of a row).

    A column that is not in the row is taken from the object (`figure`), and a field that is
    not in the object from the row (`source_url`): every listing's records and objects are
    one fact, count or line each, in the same order.
    """
    valid = column_names(listing, fmt)
    for name in columns:
        if name not in valid:
            from usco.text import suggest

            kind = "field" if fmt in (OutputFormat.JSON, OutputFormat.JSONL) else "column"
            raise ColumnError(
                f"{name!r} is not a {kind} of {fmt.value}{suggest(name, valid) or ';'} "
                f"the {kind}s of {fmt.value} are {', '.join(valid)}"
            )
    position = {name: index for index, name in enumerate(listing.header)}
    fields = set(listing.fields or listing.header)

    def flat(record: tuple[Any, ...], obj: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(record[position[name]] if name in position else obj.get(name) for name in columns)

    def json_object(record: tuple[Any, ...], obj: dict[str, Any]) -> dict[str, Any]:
        return {name: obj.get(name) if name in fields else record[position[name]] for name in columns}

    assert len(listing.records) == len(listing.objects), "a listing's records and objects go together"
    pairs = list(zip(listing.records, listing.objects, strict=True))
    return listing._replace(
        header=tuple(columns),
        records=[flat(record, obj) for record, obj in pairs],
        objects=[json_object(record, obj) for record, obj in pairs],
    )


# ---------------------------------------------------------------- the formats themselves


@functools.cache
def _json_unsafe() -> re.Pattern[str]:
    return re.compile(f"[{UNSAFE_BEYOND_C0}]")  # json.dumps escapes C0 controls itself


def _json_escape(match: re.Match[str]) -> str:
    return f"\\u{ord(match[0]):04x}"


def _json(value: Any, indent: int | None = 2, *, ascii_only: bool = False) -> str:
    """One value as JSON (indented by *indent*), made safe for a terminal by _terminal_safe."""
    import json

    return _terminal_safe(json.dumps(value, ensure_ascii=ascii_only, indent=indent, allow_nan=False))


def _json_array(objects: Sequence[dict[str, Any]], *, ascii_only: bool = False) -> str:
    """A listing as one JSON array, an element a line (`grep`, `head` and `wc -l` see one fact a line).

    Each element is encoded by json's C encoder, which cannot indent: an array indented
    throughout is encoded in Python, three times as long (2.4 ms of `usco aid -f json`).
    """
    encode = _one_line_encoder(ascii_only)
    return _terminal_safe("[" + ",".join("\n  " + encode(obj) for obj in objects) + ("\n]" if objects else "]"))


def _json_lines(objects: Iterable[dict[str, Any]], *, ascii_only: bool = False) -> str:
    encode = _one_line_encoder(ascii_only)
    return _terminal_safe("".join(encode(obj) + "\n" for obj in objects))


def _one_line_encoder(ascii_only: bool) -> Callable[[Any], str]:
    import json

    return json.JSONEncoder(ensure_ascii=ascii_only, allow_nan=False).encode


def _terminal_safe(text: str) -> str:
    """JSON that keeps readable UTF-8 but escapes what a terminal could act on.

    Those characters can only occur inside strings, where a \\u escape means the same
    character. ASCII text (checked in C) can hold only DEL; other text is searched with a
    pattern: a table for str.translate looks up every character, 7 ms of `usco aid -f json`.
    """
    if text.isascii():
        return text.replace("\x7f", "\\u007f")
    return _json_unsafe().sub(_json_escape, text)


def _delimited(header: Sequence[str], records: Iterable[Sequence[Any]], fmt: OutputFormat, *, with_header: bool) -> str:
    lines = [header, *records] if with_header else list(records)
    if fmt is OutputFormat.TSV:
        return "".join("\t".join(tsv_field(cell(value)) for value in line) + "\n" for line in lines)
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([visible_keep_space(cell(value)) for value in line] for line in lines)
    return out.getvalue()


def _markdown_cell(value: Any) -> str:
    text = re.sub(r"[\t\r\n]+", " ", visible(cell(value))) if value is not None else ""
    return re.sub(r"([\\|<>*_`\[\]&~])", r"\\\1", text)


def _markdown(header: Sequence[str], records: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_markdown_cell(value) for value in record) + " |" for record in records]
    return "\n".join(lines) + "\n"


# ---------------------------------------------------------------- show


def render_detail(
    detail: Detail, fmt: OutputFormat, *, console: Console | None = None, ascii_only: bool = False
) -> str:
    """`show` output; piped without -f it is tsv: key<TAB>value lines."""
    pairs = detail_pairs(detail)
    match fmt:
        case OutputFormat.TSV:
            return "".join(f"{key}\t{tsv_field(value)}\n" for key, value in pairs)
        case OutputFormat.JSON:
            return _json(detail_object(detail), ascii_only=ascii_only) + "\n"
        case OutputFormat.JSONL:
            return _json(detail_object(detail), indent=None, ascii_only=ascii_only) + "\n"
        case OutputFormat.CSV:
            return _delimited(("key", "value"), pairs, fmt, with_header=True)
        case OutputFormat.MARKDOWN:
            return _markdown(("field", "value"), pairs)
        case OutputFormat.TABLE:
            from usco.render import summary_view, table

            short = detail_pairs(detail, short=True)  # a long series cut to its neighbourhood
            return table.draw(lambda console: summary_view.draw_detail(console, detail, short), console)
        case _:
            assert_never(fmt)
