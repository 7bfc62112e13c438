"""The output formats (design §4): one result in every shape, and the one dispatch over them.

Every function returns a string. Machine formats never depend on the terminal; the
Rich views (usco.render.table and the *_view modules) are imported only when a table is drawn.
"""

from __future__ import annotations

import functools
import io
import re
import sys
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from operator import attrgetter
from typing import TYPE_CHECKING, Any, NamedTuple, NoReturn

from usco.fields import FACT_FIELDS, SOURCE_FIELDS, cell, plain, plain_conversion
from usco.model import QueryError
from usco.text import (
    UNSAFE_BEYOND_C0,
    date_text,
    figure,
    period,
    plural,
    source_label,
    tsv_field,
    visible,
    visible_keep_space,
    when,
)

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 - a type only; table.py draws

    from usco.query.select import Row, Selection
    from usco.query.summaries import Detail, MeasureSummary, SeriesTable, SourceCount, TagCount

if sys.version_info >= (3, 11):
    from typing import assert_never
else:  # pragma: no cover - Python 3.10

    def assert_never(value: NoReturn) -> NoReturn:
        raise AssertionError(f"unhandled value: {value!r}")


Conversions = tuple[tuple[str, Callable[[Any], Any]], ...]


class OutputFormat(str, Enum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    TSV = "tsv"
    MARKDOWN = "markdown"


class Listing(NamedTuple):
    """One result in every shape the formats need."""

    header: tuple[str, ...]
    records: list[tuple[Any, ...]]  # flat values for csv/tsv
    objects: list[dict[str, Any]]  # json/jsonl
    draw: Callable[[Console], None]  # the Rich view (a function of a usco.render *_view module)
    # Markdown may show words instead of raw values; built only when asked for.
    markdown: Callable[[], tuple[Sequence[str], list[tuple[Any, ...]]]] | None = None


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
        listing = _choose(listing, columns)
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


def _choose(listing: Listing, columns: Sequence[str]) -> Listing:
    """Only *columns*, in that order (the fields of a JSON object, the columns of a row)."""
    known = list(listing.header)
    for name in columns:
        if name not in known and not any(name in obj for obj in listing.objects[:1]):
            raise QueryError(f"no column {name!r}; the columns are: {', '.join(known)}")
    positions = [known.index(name) for name in columns if name in known]
    return listing._replace(
        header=tuple(known[position] for position in positions),
        records=[tuple(record[position] for position in positions) for record in listing.records],
        objects=[{name: obj[name] for name in columns if name in obj} for obj in listing.objects],
    )


# The Rich views, imported only when one draws (their import is start-up time).


def _facts_view() -> Any:
    from usco.render import facts_view

    return facts_view


def _series_view() -> Any:
    from usco.render import series_view

    return series_view


def _summary_view() -> Any:
    from usco.render import summary_view

    return summary_view


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


# ---------------------------------------------------------------- facts

#: The flat columns of a fact (design §4); tags are a list, so only JSON carries them.
FACT_COLUMNS = (
    "id", "topic", "date", "end", "status", "value", "unit", "qualifier", "text", "measure", "part_of",
    "regional", "source_id", "source_kind", "source_date", "source_url",
)  # fmt: skip


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


_OWN_COLUMNS = FACT_COLUMNS[: FACT_COLUMNS.index("source_id")]
_SOURCE_COLUMNS = tuple(name.removeprefix("source_") for name in FACT_COLUMNS[len(_OWN_COLUMNS) :])


def _record(obj: dict[str, Any], *, history: bool) -> tuple[Any, ...]:
    """The flat columns of one fact object (its source's fields prefixed "source_")."""
    own = tuple(map(obj.__getitem__, _OWN_COLUMNS))
    return own + tuple(map(obj["source"].__getitem__, _SOURCE_COLUMNS)) + ((obj["superseded_by"],) if history else ())


def facts_listing(selection: Selection, *, history: bool = False, timeline: bool = False) -> Listing:
    from usco.query.select import with_components

    rows = selection.rows
    sources: dict[str, dict[str, Any]] = {}  # a listing has a few sources for many facts
    for row in rows:
        if row.source.id not in sources:
            sources[row.source.id] = source_object(row)
    objects = [fact_object(row, sources[row.source.id]) for row in rows]
    return Listing(
        header=FACT_COLUMNS + (("superseded_by",) if history else ()),
        records=[_record(obj, history=history) for obj in objects],
        objects=objects,
        draw=(
            (lambda console: _facts_view().draw_timeline(console, rows))
            if timeline
            else (lambda console: _facts_view().draw_facts(console, with_components(rows), history=history))
        ),
        markdown=lambda: (
            ("date", "figure", "fact", "source", "id"),
            [
                (when(row.fact, row.measure), figure(row.fact), row.fact.text, source_label(row.source), row.fact.id)
                for row in with_components(rows)
            ],
        ),
    )


# ---------------------------------------------------------------- summaries

SOURCE_COLUMNS = ("id", "short", "title", "publisher", "kind", "date", "date_note", "url", "copy_url", "facts")


def sources_listing(counts: list[SourceCount]) -> Listing:

    objects = [
        {field.name: plain(field, getattr(c.source, field.name)) for field in SOURCE_FIELDS} | {"facts": c.facts}
        for c in counts
    ]
    records = [tuple(obj[name] for name in SOURCE_COLUMNS) for obj in objects]
    for obj in objects:
        del obj["short"]  # design §4: sources -f json carries no short name
    return Listing(SOURCE_COLUMNS, records, objects, draw=lambda console: _summary_view().draw_sources(console, counts))


def topics_listing(counts: list[tuple[Any, int]]) -> Listing:

    records = [(topic.value, count) for topic, count in counts]
    objects = [{"topic": topic, "facts": count} for topic, count in records]
    caption = plural(len(records), "topic")
    return Listing(
        ("topic", "facts"),
        records,
        objects,
        draw=lambda console: _summary_view().draw_simple(console, ("Topic", "Facts"), records, caption),
    )


def tags_listing(counts: list[TagCount]) -> Listing:

    records = [(count.tag, count.facts) for count in counts]
    objects = [{"tag": tag, "facts": facts} for tag, facts in records]
    caption = f"{plural(len(records), 'tag')} · usco facts --tag TAG lists a tag's facts"
    return Listing(
        ("tag", "facts"),
        records,
        objects,
        draw=lambda console: _summary_view().draw_simple(console, ("Tag", "Facts"), records, caption),
    )


MEASURE_COLUMNS = ("id", "label", "unit", "period", "periods", "facts", "first", "last")


def measures_listing(summaries: list[MeasureSummary]) -> Listing:
    records = [
        (s.measure.id, s.measure.label, s.measure.unit, s.measure.period.value, s.periods, s.facts,
         period(s.first, s.measure, "/"), period(s.last, s.measure, "/"))
        for s in summaries
    ]  # fmt: skip
    objects = [dict(zip(MEASURE_COLUMNS, record, strict=True)) for record in records]
    return Listing(
        MEASURE_COLUMNS, records, objects, draw=lambda console: _summary_view().draw_measures(console, summaries)
    )


# ---------------------------------------------------------------- series: periods down, measures across


def series_listing(series: SeriesTable) -> Listing:
    """One row per period, one column per measure (design §3 `usco series`).

    Machine formats are long, one figure a line (period, measure, value, status, source),
    so that nothing is ambiguous; the table and markdown are wide.
    """

    header = ("period", "measure", "value", "unit", "qualifier", "status", "end", "fact_id", "source_id", "source_date")
    records = []
    objects = []
    for line in series.lines:
        for measure, row in zip(series.measures, line.cells, strict=True):
            if row is None:
                continue
            fact = row.fact
            records.append(
                (line.period, measure.id, fact.value, fact.unit, fact.qualifier.value, fact.status.value,
                 date_text(fact.end), fact.id, row.source.id, date_text(row.source.date))
            )  # fmt: skip
            objects.append({"period": line.period, "measure": measure.id} | fact_object(row))

    def wide() -> tuple[Sequence[str], list[tuple[Any, ...]]]:
        names = ("period", *(measure.id for measure in series.measures))
        rows = [
            (line.label, *(_series_view().series_cell(row) if row else "" for row in line.cells))
            for line in series.lines
        ]
        return names, rows

    return Listing(
        header, records, objects, draw=lambda console: _series_view().draw_series(console, series), markdown=wide
    )


# ---------------------------------------------------------------- show


def detail_object(detail: Detail) -> dict[str, Any]:
    obj = fact_object(detail.row)
    obj["series"] = [fact_object(row) for row in detail.series]
    obj["components"] = [fact_object(row) for row in detail.components]
    return obj


def detail_pairs(detail: Detail) -> list[tuple[str, str]]:
    """`show` as key/value lines: what a person reads, in the order they read it."""
    fact, source = detail.row.fact, detail.row.source
    pairs = [
        ("id", fact.id),
        ("text", fact.text),
        ("figure", figure(fact)),
        ("value", cell(fact.value)),
        ("unit", fact.unit or ""),
        ("qualifier", fact.qualifier.value),
        ("period", period(fact, detail.row.measure)),
        ("status", fact.status.value),
        ("regional", "yes: covers more countries than Colombia" if fact.regional else ""),
        ("topic", fact.topic.value),
        ("tags", ", ".join(fact.tags)),
        ("measure", fact.measure or ""),
        ("part_of", f"{detail.whole.id} ({figure(detail.whole)})" if detail.whole else ""),
        ("superseded_by", detail.row.superseded_by or ""),
        ("source", source.id),
        ("source_title", source.title),
        ("source_publisher", source.publisher),
        ("source_kind", source.kind.value if source.kind else "unknown"),
        ("source_date", date_text(source.date) or "undated"),
        ("source_date_note", source.date_note or ""),
        ("source_url", source.url),
        ("source_copy_url", source.copy_url or ""),
    ]
    pairs += [("component", version_line(row)) for row in detail.components]
    pairs += [("series", version_line(row)) for row in detail.series]
    return pairs


def version_line(row: Row) -> str:
    mark = f" [superseded by {row.superseded_by}]" if row.superseded_by else ""
    shown = figure(row.fact) or row.fact.text
    return f"{row.fact.id}: {when(row.fact, row.measure)}: {shown} ({source_label(row.source)}){mark}"


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
            from usco.render import table

            return table.draw(lambda console: _summary_view().draw_detail(console, detail, pairs), console)
        case _:
            assert_never(fmt)
