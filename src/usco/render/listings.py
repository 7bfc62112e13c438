"""Every result as a Listing: the shapes a command's output takes, for usco.render.formats to write.

A Listing holds a result's flat records (csv, tsv), its JSON objects, its Rich view and
its markdown; a fact's shapes come from usco.records. The Rich views are imported only
when a table is drawn.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from usco.fields import SOURCE_FIELDS, plain
from usco.records import FACT_COLUMNS, FACT_KEYS, Row, fact_object, flat_record, show_lines, source_object
from usco.text import date_text, figure, period, plural, source_label, when

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 - a type only; the views draw

    from usco.query.select import Selection
    from usco.query.summaries import Detail, MeasureSummary, SeriesTable, SourceCount, TagCount


class Listing(NamedTuple):
    """One result in every shape the formats need."""

    header: tuple[str, ...]
    records: list[tuple[Any, ...]]  # flat values for csv/tsv
    objects: list[dict[str, Any]]  # json/jsonl
    draw: Callable[[Console], None]  # the Rich view (a function of a usco.render *_view module)
    # Markdown may show words instead of raw values; built only when asked for.
    markdown: Callable[[], tuple[Sequence[str], list[tuple[Any, ...]]]] | None = None
    # What --columns may name beyond the header (usco.render.formats.column_names): the JSON
    # object's fields when they are not the header's, and columns a row takes from its object.
    fields: tuple[str, ...] = ()
    more_columns: tuple[str, ...] = ()


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


# ---------------------------------------------------------------- facts


def _marked(row: Row, shown: set[str], further: Mapping[str, Sequence[Row]]) -> str:
    """A fact's text, with the id of its whole when the whole is not listed beside it (design §2),
    and the further documents that told its event (design §1)."""
    notes = [f"part of {row.fact.part_of}"] if row.fact.part_of and row.fact.part_of not in shown else []
    if row.fact.id in further:
        notes.append(
            "also told by " + ", ".join(f"{other.source.name} ({other.fact.id})" for other in further[row.fact.id])
        )
    return f"{row.fact.text} ({'; '.join(notes)})" if notes else row.fact.text


def facts_listing(
    selection: Selection, *, history: bool = False, timeline: bool = False, search: Sequence[str] = ()
) -> Listing:
    """The facts of *selection*; with the *search* words that chose them, the table says where
    each fact matched ("matched: text, tags"); the machine formats do not change."""
    from usco.query.select import with_components

    def matched(rows: Sequence[Row]) -> dict[str, list[str]]:
        from usco.query.search import Search

        query = Search(search)
        return {row.fact.id: query.fields(row.fact, row.source) for row in rows} if search else {}

    rows = selection.rows
    shown = {row.fact.id for row in rows}
    sources: dict[str, dict[str, Any]] = {}  # a listing has a few sources for many facts
    for row in rows:
        if row.source.id not in sources:
            sources[row.source.id] = source_object(row)
    objects = [fact_object(row, sources[row.source.id]) for row in rows]
    return Listing(
        header=FACT_COLUMNS + (("superseded_by",) if history else ()),
        records=[flat_record(obj, history=history) for obj in objects],
        objects=objects,
        draw=(
            (lambda console: _facts_view().draw_timeline(console, rows, selection.further))
            if timeline
            else (
                lambda console: _facts_view().draw_facts(
                    console, with_components(rows), history=history, matched=matched(rows), further=selection.further
                )
            )
        ),
        markdown=lambda: (
            ("date", "figure", "fact", "source", "id"),
            [
                (
                    when(row.fact, row.measure),
                    figure(row.fact),
                    _marked(row, shown, selection.further),
                    source_label(row.source),
                    row.fact.id,
                )
                for row in with_components(rows)
            ],
        ),
        fields=FACT_KEYS,
        more_columns=("figure",),  # design §4: --columns figure in csv and tsv too
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


def series_listing(series: SeriesTable, *, wide: bool = False, history: bool = False) -> Listing:
    """One row per period, one column per measure (design §3 `usco series`).

    Machine formats are long, one figure a line (period, measure, value, status, source),
    so that nothing is ambiguous; the table and markdown are wide. *wide* (design §4): the
    machine formats are the grid too, for a spreadsheet.
    """

    def in_words() -> tuple[Sequence[str], list[tuple[Any, ...]]]:
        names = ("period", *(measure.id for measure in series.measures))
        rows = [
            (line.label, *(_series_view().series_cell(row) if row else "" for row in line.cells))
            for line in series.lines
        ]
        return names, rows

    def draw(console: Console) -> None:
        _series_view().draw_series(console, series)

    if wide:
        return Listing(*_wide_grid(series, history=history), draw=draw, markdown=in_words)

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
    return Listing(header, records, objects, draw=draw, markdown=in_words, fields=("period", "measure", *FACT_KEYS))


def _wide_grid(
    series: SeriesTable, *, history: bool
) -> tuple[tuple[str, ...], list[tuple[Any, ...]], list[dict[str, Any]]]:
    """One row per period: a value and a status column per measure, raw numbers (`--wide`).

    A measure with a figure that is not exact ("approximately") also has a qualifier column,
    so a raw number never passes for an exact one. With --history a period has a row per
    release, and a source_id column says which; an empty cell (null in JSON) is a measure
    with no figure for that row.
    """
    columns = [[line.cells[index] for line in series.lines] for index in range(len(series.measures))]
    qualified = [any(row is not None and row.fact.qualifier.value != "exact" for row in column) for column in columns]
    names = [
        name
        for measure, extra in zip(series.measures, qualified, strict=True)
        for name in (measure.id, f"{measure.id}_status", *((f"{measure.id}_qualifier",) if extra else ()))
    ]
    header = ("period", *(("source_id",) if history else ()), *names)
    records = []
    for line in series.lines:
        rows = [row for row in line.cells if row is not None]
        cells: list[Any] = [rows[0].source.id] if history else []
        for row, extra in zip(line.cells, qualified, strict=True):
            fact = row.fact if row is not None else None
            cells += [fact.value, fact.status.value] if fact else [None, None]
            if extra:
                cells.append(fact.qualifier.value if fact else None)
        records.append((line.period, *cells))
    objects = [dict(zip(header, record, strict=True)) for record in records]
    return header, records, objects


def hint_listing(hint: str) -> Listing:
    """A line of words under a series table, for the terminal; the machine formats hold nothing of it."""
    return Listing((), [], [], draw=lambda console: _series_view().draw_hint(console, hint))


# ---------------------------------------------------------------- show


def detail_object(detail: Detail) -> dict[str, Any]:
    obj = fact_object(detail.row)
    obj["series"] = [fact_object(row) for row in detail.series]
    obj["components"] = [fact_object(row) for row in detail.components]
    obj["same_event"] = [fact_object(row) for row in detail.same_event]
    return obj


def detail_pairs(detail: Detail, *, short: bool = False) -> list[tuple[str, str]]:
    """`show` as key/value lines: the fact's (usco.records), then its components, the other
    documents that told its event, and its series.

    *short* (the terminal, design §4): a series longer than a dozen figures gives every version
    of the fact's own period, the current figures of a dozen periods around it, and the
    command that lists the rest.
    """
    from usco.query.summaries import NEIGHBOURS, nearby

    pairs = show_lines(detail.row, detail.whole)
    pairs += [("component", version_line(row)) for row in detail.components]
    pairs += [("also_told_by", version_line(row)) for row in detail.same_event]
    if not short or len(detail.series) <= NEIGHBOURS or detail.row.measure is None:
        return pairs + [("series", version_line(row)) for row in detail.series]
    near = nearby(detail)
    pairs += [("version", version_line(row)) for row in near.versions]
    pairs += [("series", version_line(row)) for row in near.neighbours]
    shown = len({row.fact.period for row in near.neighbours})
    if shown < near.periods or any(row.superseded_by for row in detail.series if row not in near.versions):
        measure = detail.row.measure.id
        pairs.append(
            ("more", f"{shown} of {plural(near.periods, 'other period')} shown: usco series {measure}"
                     f" lists them all, usco series {measure} --history every version")
        )  # fmt: skip
    return pairs


def version_line(row: Row) -> str:
    mark = f" [superseded by {row.superseded_by}]" if row.superseded_by else ""
    shown = figure(row.fact) or row.fact.text
    return f"{row.fact.id}: {when(row.fact, row.measure)}: {shown} ({source_label(row.source)}){mark}"
