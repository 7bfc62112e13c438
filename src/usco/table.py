"""The Rich views: tables, cards, the timeline spine, `show` and the series table.

The only listing module that imports Rich, and only when a table is drawn. Every string
from the dataset goes through text.visible() into a rich.text.Text, so markup such as
"[bold]" or an escape sequence in the data is printed, never acted on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from usco.fields import cell
from usco.query import Detail, MeasureSummary, Row, SeriesTable, SourceCount, depths
from usco.text import date_text, figure, kind_label, period, plural, source_label, status_mark, visible, when

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

_ID_STYLE, _FIGURE_STYLE, _DIM, _MARK = "cyan", "bold green", "dim", "yellow"
_TEXT_MIN = 20
_SOURCE_MIN = 12
_PERIOD_MIN = 10  # "2016 – 2020-09-18" may wrap at the dash; one date may not


def make_console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False, markup=False)


def draw(paint: Callable[[Console], None], console: Console | None = None) -> str:
    """Draw with Rich into a string, with the terminal's width and colour settings."""
    console = console or make_console()
    with console.capture() as captured:
        paint(console)
    return _TRAILING_SPACE.sub(r"\1", captured.get())


# Spaces at the end of a line (before any closing colour codes): Rich pads cells and wrapped lines.
_TRAILING_SPACE = re.compile(r"[ \t]+((?:\x1b\[[0-9;]*m)*)$", re.MULTILINE)


def _text(value: Any, style: str = "") -> Text:
    from rich.text import Text

    return Text(visible(cell(value)), style=style)


def _two_lines(first: str, second: str, style: str) -> Text:
    from rich.text import Text

    text = Text(visible(first), style=style)
    text.append("\n" + visible(second))
    return text


def _figure_with_mark(row: Row) -> str:
    mark = status_mark(row.fact)
    shown = figure(row.fact)
    return f"{shown} ({mark})" if mark and shown else shown


def _notes(row: Row, shown: set[str]) -> str:
    """What a fact's row must say besides its text: superseded, regional, the whole it belongs to."""
    notes = []
    if row.fact.part_of and row.fact.part_of not in shown:
        notes.append(f"part of {row.fact.part_of}")
    if row.fact.regional:
        notes.append("regional: covers more countries than Colombia")
    if row.superseded_by:
        notes.append(f"superseded by {row.superseded_by}")
    return f" ({'; '.join(notes)})" if notes else ""


def _fact_widths(console: Console, rows: Sequence[Row], levels: dict[str, int]) -> tuple[int, ...] | None:
    """Widths of When, Figure, Fact, Source, ID that fit the terminal, or None if no table fits.

    Ids and figures get their full width; the period, the source and the text wrap.
    Widths are set here rather than left to Rich, which shrinks every column when short of room.
    """
    from rich.cells import cell_len  # terminal columns: a CJK character or an emoji takes two

    ids = max(len("ID"), *(cell_len(visible(row.fact.id)) for row in rows))
    figures = max(len("Figure"), *(cell_len(visible(_figure_with_mark(row))) + 2 * levels[row.fact.id] for row in rows))
    periods = max(len(period(row.fact, row.measure)) for row in rows)
    labels = max(cell_len(visible(row.source.name)) for row in rows)
    room = console.width - 17 - ids - figures  # padding 2 a column, 6 rules and edges, 1 spare
    span = periods if room - periods >= _TEXT_MIN + _SOURCE_MIN else min(periods, _PERIOD_MIN)
    room -= span
    source = min(max(labels, 10), max(_SOURCE_MIN, room - 30))  # the text keeps 30 columns if it can
    text = room - source
    return None if text < _TEXT_MIN else (span, figures, text, source, ids)


def draw_facts(console: Console, rows: Sequence[Row], *, history: bool) -> None:
    if not rows:
        return
    levels = depths(rows)
    widths = _fact_widths(console, rows, levels)
    if widths is None:
        _draw_fact_cards(console, rows, levels)
        return
    from rich import box
    from rich.table import Table

    shown = {row.fact.id for row in rows}
    superseded = sum(1 for row in rows if row.superseded_by)
    caption = plural(len(rows), "fact") + (f", {superseded} superseded" if history else "")
    table = Table(box=box.SIMPLE_HEAD, caption=caption + " · usco show ID for sources", caption_justify="left")
    span, figures, text_width, source_width, ids = widths
    # "fold": a word longer than its column breaks across lines instead of being cut with "…"
    table.add_column("When", width=span, overflow="fold")
    table.add_column("Figure", no_wrap=True, justify="right", width=figures)
    table.add_column("Fact", width=text_width, overflow="fold")
    table.add_column("Source", width=source_width, overflow="fold")
    table.add_column("ID", no_wrap=True, width=ids, style=_ID_STYLE)
    for row in rows:
        indent = "  " * levels[row.fact.id]
        text = (row.fact.text if not indent else f"└ {row.fact.text}") + _notes(row, shown)
        style = _DIM if row.superseded_by else ""
        table.add_row(
            _text(when(row.fact, row.measure), style),
            _text(indent + _figure_with_mark(row), style or _FIGURE_STYLE),
            _text(indent + text, style),
            _two_lines(row.source.name, f"{date_text(row.source.date) or 'undated'}, {kind_label(row.source)}", _DIM),
            _text(row.fact.id, style or _ID_STYLE),
        )
    console.print(table)


def _draw_fact_cards(console: Console, rows: Sequence[Row], levels: dict[str, int]) -> None:
    """One card per fact, for terminals too narrow for a table that keeps ids and figures whole.

    A component's card sits under its whole's, indented, with its └.
    """
    from rich.padding import Padding
    from rich.text import Text

    shown = {row.fact.id for row in rows}
    for row in rows:
        indent = 2 * levels[row.fact.id]
        head = Text(("└ " if indent else "") + visible(row.fact.id), style=_ID_STYLE)
        notes = _notes(row, shown)
        if notes:
            head.append(visible(notes), style=_DIM)
        body = Text(visible(when(row.fact, row.measure)))
        if row.fact.value is not None:
            body.append("  ")
            body.append(visible(figure(row.fact)), style=_FIGURE_STYLE)
        body.append("\n" + visible(row.fact.text))
        body.append("\n" + visible(f"{source_label(row.source)}, {kind_label(row.source)}"), style=_DIM)
        console.print(Padding(head, (0, 0, 0, indent)))
        console.print(Padding(body, (0, 0, 1, indent + 2)))
    console.print(Text(plural(len(rows), "fact"), style=_DIM))


def draw_timeline(console: Console, rows: Sequence[Row]) -> None:
    """Years as a spine, events beside them: each year printed once, where it begins."""
    if not rows:
        return
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True, style="bold")  # year
    grid.add_column(no_wrap=True, style=_DIM)  # spine
    grid.add_column(no_wrap=True, style=_DIM)  # rest of the date
    grid.add_column(ratio=1)  # event
    grid.add_column(no_wrap=True, style=_ID_STYLE)  # id
    previous = None
    for row in rows:
        fact = row.fact
        year = str(fact.date)[:4]
        event = Text(visible(fact.text))
        if fact.value is not None:
            event.append("  " + visible(figure(fact)), style=_FIGURE_STYLE)
        if status_mark(fact):
            event.append(f" ({status_mark(fact)})", style=_MARK)
        new_year = year != previous
        grid.add_row(
            year if new_year else "",
            "●" if new_year else "│",
            period(fact, row.measure)[4:].lstrip("-").strip(),
            event,
            visible(fact.id),
        )
        previous = year
    console.print(grid)
    console.print(Text(plural(len(rows), "event") + " · usco show ID for sources", style=_DIM))


def draw_sources(console: Console, counts: list[SourceCount]) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, caption=f"{plural(len(counts), 'source')}, newest first", caption_justify="left")
    table.add_column("Date", no_wrap=True)
    table.add_column("Document", ratio=3, min_width=24)
    table.add_column("Publisher", ratio=1, min_width=12)
    table.add_column("Facts", justify="right", no_wrap=True)
    table.add_column("ID", style=_ID_STYLE, overflow="fold", min_width=12)
    for count in counts:
        source = count.source
        document = Text(visible(source.title))
        document.append("\n" + visible(source.url), style="blue")
        if source.date_note:
            document.append("\nDated: " + visible(source.date_note), style=_DIM)
        table.add_row(
            _text(date_text(source.date) or "undated"),
            document,
            _two_lines(source.publisher, kind_label(source), ""),
            _text(count.facts),
            _text(source.id, _ID_STYLE),
        )
    console.print(table)


def draw_simple(console: Console, header: Sequence[str], records: Sequence[Sequence[Any]], caption: str) -> None:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, caption=caption, caption_justify="left")
    for name in header:
        numeric = name in ("Facts", "Periods")
        table.add_column(name, justify="right" if numeric else "left", no_wrap=numeric or name == "Measure")
    for record in records:
        table.add_row(*(_text(value) for value in record))
    console.print(table)


def draw_measures(console: Console, summaries: list[MeasureSummary]) -> None:
    rows = [
        (s.measure.id, s.measure.label, s.measure.unit, s.measure.period.value.replace("_", " "), s.periods, s.facts,
         period(s.first, s.measure), period(s.last, s.measure))
        for s in summaries
    ]  # fmt: skip
    header = ("Measure", "Label", "Unit", "Period", "Periods", "Facts", "First", "Last")
    draw_simple(console, header, rows, f"{plural(len(rows), 'measure')} · usco chart MEASURE draws one")


def series_cell(row: Row) -> str:
    """A figure in the series table, marked when not final: "$34.7 million (provisional)"."""
    fact = row.fact
    shown = figure(fact)
    if fact.status.value == "partial" and fact.end is not None:
        return f"{shown} (partial to {fact.end})"
    mark = status_mark(fact)
    shown = f"{shown} ({mark})" if mark else shown
    return f"{shown} [superseded]" if row.superseded_by else shown


def draw_series(console: Console, series: SeriesTable) -> None:
    if not series.lines:
        return
    from rich import box
    from rich.table import Table
    from rich.text import Text

    names = "; ".join(visible(source_label(source)) for source in series.sources)
    table = Table(box=box.SIMPLE_HEAD, caption=f"Releases: {names}", caption_justify="left")
    table.add_column("Period", no_wrap=True)
    for measure in series.measures:
        table.add_column(Text(visible(measure.label)), justify="right", overflow="fold")
    for line in series.lines:
        cells = []
        for row in line.cells:
            style = _DIM if row is not None and row.superseded_by else ""
            if row is not None and not row.fact.final:
                style = style or _MARK
            cells.append(_text(series_cell(row) if row else "", style))
        table.add_row(_text(line.label), *cells)
    console.print(table)


def draw_detail(console: Console, detail: Detail, pairs: list[tuple[str, str]]) -> None:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE, show_header=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    styles = {"figure": _FIGURE_STYLE, "status": _MARK, "superseded_by": _DIM}  # by what a field means
    for key, value in pairs:
        if value:
            style = styles.get(key, "")
            table.add_row(_text(key.replace("_", " ")), _text(value, style))
    console.print(table)
