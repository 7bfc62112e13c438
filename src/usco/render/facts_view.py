"""The facts as Rich draws them: a table, one card a fact on a narrow terminal, the timeline."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from usco.query.select import depths
from usco.records import Row
from usco.render.table import DIM, FIGURE_STYLE, ID_STYLE, MARK, cell_text, print_whole, print_wrapped
from usco.text import date_text, figure, kind_label, period, plural, source_label, status_mark, visible, when

if TYPE_CHECKING:
    from rich.console import Console
    from rich.segment import Segment
    from rich.text import Text

_TEXT_MIN = 20
_SOURCE_MIN = 12
_PERIOD_MIN = 12  # "2016 – 2020-09-18" may wrap after the dash; "2020-09-19," may not break


def _two_lines(first: str, second: str, style: str) -> Text:
    from rich.text import Text

    text = Text(visible(first), style=style)
    text.append("\n" + visible(second))
    return text


def _notes(row: Row, shown: set[str], further: Mapping[str, Sequence[Row]]) -> str:
    """What a fact's row must say besides its text: superseded, regional, the whole it belongs to,
    the further documents that told the same event."""
    notes = []
    if row.fact.part_of and row.fact.part_of not in shown:
        notes.append(f"part of {row.fact.part_of}")
    if row.fact.regional:
        notes.append("regional: covers more countries than Colombia")
    if row.superseded_by:
        notes.append(f"superseded by {row.superseded_by}")
    if row.fact.id in further:
        notes.append(_also_told(further[row.fact.id]))
    return f" ({'; '.join(notes)})" if notes else ""


def _also_told(rows: Sequence[Row]) -> str:
    return "also told by " + ", ".join(f"{row.source.name} ({row.fact.id})" for row in rows)


class _FactLayout(NamedTuple):
    span: int
    figures: int
    text: int
    source: int
    ids: int | None  # None: each id goes on its own line under the text, in the Fact column


def _fact_widths(console: Console, rows: Sequence[Row], levels: dict[str, int]) -> _FactLayout | None:
    """Widths of When, Figure, Fact, Source (and ID) that fit the terminal, or None if no table fits.

    Ids and figures get their full width; the period, the source and the text wrap. Where an
    ID column leaves the text too little room, each id goes under its text instead, still whole.
    Widths are set here rather than left to Rich, which shrinks every column when short of room.
    """
    from rich.cells import cell_len  # terminal columns: a CJK character or an emoji takes two

    ids = max(len("ID"), *(cell_len(visible(row.fact.id)) for row in rows))
    nested_ids = max(cell_len(visible(row.fact.id)) + 2 * levels[row.fact.id] + 2 for row in rows)
    figures = max(len("Figure"), *(cell_len(visible(figure(row.fact))) + 2 * levels[row.fact.id] for row in rows))
    periods = max(cell_len(visible(when(row.fact, row.measure))) for row in rows)
    labels = max(cell_len(visible(row.source.name)) for row in rows)
    # a component's text wraps beside its "└", which must leave it a column at least
    least = max(_TEXT_MIN, 2 * max(levels[row.fact.id] for row in rows) + 1)
    # padding 2 a column, rules and edges, 1 spare
    room = console.width - 17 - ids - figures
    span = periods if room - periods >= _TEXT_MIN + _SOURCE_MIN else min(periods, _PERIOD_MIN)
    room -= span
    source = min(max(labels, 10), max(_SOURCE_MIN, room - 30))  # the text keeps 30 columns if it can
    if room - source >= least:
        return _FactLayout(span, figures, room - source, source, ids)
    # no ID or Source column: the id and the source go on lines of their own under the text
    room = console.width - 11 - figures
    least = max(least, nested_ids)
    span = periods if room - periods >= least else min(periods, _PERIOD_MIN)
    room -= span
    return _FactLayout(span, figures, room, 0, None) if room >= least else None


def _matched(fields: Sequence[str]) -> str:
    """Where a search matched a fact: "matched: text, tags"."""
    return f"matched: {', '.join(fields)}" if fields else ""


def draw_facts(
    console: Console,
    rows: Sequence[Row],
    *,
    history: bool,
    matched: Mapping[str, Sequence[str]] | None = None,
    further: Mapping[str, Sequence[Row]] | None = None,
) -> None:
    """The facts as a table, or one card a fact where no table fits; *matched*: for a search,
    the fields each fact matched in, said under its text; *further*: the other documents
    that told each fact's event."""
    further = further or {}
    if not rows:
        return
    matched = matched or {}
    levels = depths(rows)
    layout = _fact_widths(console, rows, levels)
    if layout is None:
        _draw_fact_cards(console, rows, levels, further, history=history, matched=matched)
        return
    from usco.render import compose

    shown = {row.fact.id for row in rows}
    # "fold": a word longer than its column breaks across lines instead of being cut with "…"
    columns = [
        compose.Column("When", layout.span, overflow="fold"),
        compose.Column("Figure", layout.figures, justify="right", no_wrap=True),
        compose.Column("Fact" if layout.ids else "Fact, ID, source", layout.text, overflow="fold"),
    ]
    if layout.ids:
        columns.append(compose.Column("Source", layout.source, overflow="fold"))
        columns.append(compose.Column("ID", layout.ids, no_wrap=True, style=ID_STYLE))
    body = []
    for row in rows:
        indent = "  " * levels[row.fact.id]
        style = DIM if row.superseded_by else ""
        text = row.fact.text + _notes(row, shown, further)
        fact = cell_text(text, style)
        if matched.get(row.fact.id):
            fact.append("\n" + _matched(matched[row.fact.id]), style=DIM)
        said = f"{date_text(row.source.date) or 'undated'}, {kind_label(row.source)}"
        if not layout.ids:
            fact.append("\n" + visible(row.fact.id), style=ID_STYLE if not style else DIM)
            fact.append("\n" + visible(f"{row.source.name} ({said})"), style=DIM)
        cells: list[Text | compose.Lines] = [
            cell_text(when(row.fact, row.measure), style or (MARK if status_mark(row.fact) else "")),
            cell_text(indent + figure(row.fact), style or FIGURE_STYLE),
            _under_whole(console, fact, levels[row.fact.id], layout.text),
        ]
        if layout.ids:
            cells.append(_two_lines(row.source.name, said, DIM))
            cells.append(cell_text(row.fact.id, style or ID_STYLE))
        body.append(cells)
    compose.show(console, compose.table(console, columns, body, _facts_caption(rows, history)))


def _under_whole(console: Console, text: Text, level: int, width: int) -> Text | list[list[Segment]]:
    """A component's cell: "└ " and its lines indented under its whole's, wrapped lines too.

    Drawn as the Table.grid it once was: the text as wide as its longest line, at most the room
    beside the "└", padded to the column's *width*.
    """
    if not level:
        return text
    from rich.measure import Measurement
    from rich.segment import Segment

    from usco.render import compose

    mark = 2 * level  # "└" under the whole's text, and a space
    room = min(Measurement.get(console, console.options.update_width(width), text).maximum or 1, width - mark)
    tail = [Segment(" " * (width - mark - room))]
    return [
        [Segment("  " * (level - 1) + "└ " if not number else " " * mark), *line, *tail]
        for number, line in enumerate(compose.wrap(console, text, room, compose.Column("", room)))
    ]


def _facts_caption(rows: Sequence[Row], history: bool) -> str:
    superseded = sum(1 for row in rows if row.superseded_by)
    caption = plural(len(rows), "fact") + (f", {superseded} superseded" if history else "")
    return caption + " · usco show ID for sources"


def _draw_fact_cards(
    console: Console,
    rows: Sequence[Row],
    levels: dict[str, int],
    further: Mapping[str, Sequence[Row]],
    *,
    history: bool = False,
    matched: Mapping[str, Sequence[str]],
) -> None:
    """One card per fact, for terminals too narrow for a table that keeps ids and figures whole.

    A component's card sits under its whole's, indented, with its └. The id and the figure
    are never broken: an id wider than the terminal is left for the terminal to wrap.
    """
    from rich.segment import Segment
    from rich.text import Text

    from usco.render.compose import indented, show, whole

    shown = {row.fact.id for row in rows}
    out: list[Segment] = []  # printed in one go: a print a line cost more than the rest together
    for row in rows:
        indent = 2 * levels[row.fact.id]
        dim = bool(row.superseded_by)
        out += whole(
            console,
            Text(" " * indent) + Text(("└ " if indent else "") + visible(row.fact.id), style=DIM if dim else ID_STYLE),
        )
        notes = _notes(row, shown, further).strip()
        if notes:
            out += indented(console, Text(visible(notes), style=DIM), indent + 2)
        period = Text(visible(when(row.fact, row.measure)), style=DIM if dim else "")
        if row.fact.value is not None:
            shown_figure = Text(visible(figure(row.fact)), style=DIM if dim else FIGURE_STYLE)
            if indent + 2 + period.cell_len + 2 + shown_figure.cell_len <= console.width:
                period.append("  ")
                period.append_text(shown_figure)
            else:
                out += indented(console, period, indent + 2)
                period = shown_figure
        out += indented(console, period, indent + 2)
        out += indented(console, Text(visible(row.fact.text), style=DIM if dim else ""), indent + 2)
        if matched.get(row.fact.id):
            out += indented(console, Text(_matched(matched[row.fact.id]), style=DIM), indent + 2)
        source = f"{source_label(row.source)}, {kind_label(row.source)}"
        out += indented(console, Text(visible(source), style=DIM), indent + 2)
        out.append(Segment.line())
    out += indented(console, Text(_facts_caption(rows, history), style=DIM), 0)
    show(console, out)


def timeline_date(row: Row, year: str) -> str:
    """When an event happened, under the heading *year*: "02-22 – 02-23", "to 09-18", "" for the year itself.

    Fiscal years keep their label ("FY2019"); an end in another year keeps its year.
    """
    fact = row.fact
    measure = row.measure
    if measure is not None and measure.period.value == "fiscal_year" and fact.date.precision == 1:
        return period(fact, measure)
    start = str(fact.date)[5:]
    if fact.end is None:
        return start
    end = str(fact.end)
    end = end[5:] if end[:4] == year and len(end) > 4 else end
    if fact.end == fact.date:
        return f"to {end} (start not given)"
    return f"{start} – {end}" if start else f"to {end}"


def draw_timeline(console: Console, rows: Sequence[Row], further: Mapping[str, Sequence[Row]] | None = None) -> None:
    """Years as headings, events under them: the date within the year, the text, the id, and
    the further documents that told the same event.

    The text gets the width that is left; on a narrow terminal it goes under its date.
    """
    if not rows:
        return
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    years = [str(row.fact.date)[:4] for row in rows]
    dates = [visible(timeline_date(row, year)) for row, year in zip(rows, years, strict=True)]
    date_width = max(cell_len(date) for date in dates)
    beside = console.width - 2 - date_width - 4 >= max(_TEXT_MIN, 30)
    previous = None
    for row, year, date in zip(rows, years, dates, strict=True):
        fact = row.fact
        if year != previous:
            if previous is not None:
                console.print()
            console.print(Text(year, style="bold"))
            previous = year
        event = Text(visible(fact.text))
        if fact.value is not None:  # on a line of its own, so that it is not broken
            event.append("\n" + visible(figure(fact)), style=FIGURE_STYLE)
        if status_mark(fact):
            event.append(f" ({status_mark(fact)})", style=MARK)
        if further and fact.id in further:
            event.append("\n" + visible(_also_told(further[fact.id])), style=DIM)
        ident = Text(visible(fact.id), style=ID_STYLE)
        if beside:
            grid = Table.grid(padding=(0, 1, 0, 0), pad_edge=False)
            grid.add_column(no_wrap=True, width=date_width + 3, style=DIM)
            grid.add_column(no_wrap=True, width=1, style=DIM)
            grid.add_column()
            if ident.cell_len <= console.width - 2 - date_width - 4:
                event.append("\n")
                event.append_text(ident)
                ident = Text()
            grid.add_row("  " + date, "•", event)
            console.print(grid)
        elif date:
            console.print(Text("• " + date, style=DIM))
            print_wrapped(console, event, 2)
        else:
            grid = Table.grid(padding=(0, 1, 0, 0), pad_edge=False)
            grid.add_column(no_wrap=True, width=1, style=DIM)
            grid.add_column()
            grid.add_row("•", event)
            console.print(grid)
        if ident.plain:
            print_whole(console, ident, 2 + (date_width + 4 if beside else 0))
    console.print(Text(plural(len(rows), "event") + " · usco show ID for sources", style=DIM))
