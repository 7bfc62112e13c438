"""The Rich views: tables, cards, the timeline spine, `show` and the series table.

The only listing module that imports Rich, and only when a table is drawn. Every string
from the dataset goes through text.visible() into a rich.text.Text, so markup such as
"[bold]" or an escape sequence in the data is printed, never acted on.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any, NamedTuple

from usco.fields import cell
from usco.query.select import Row, depths
from usco.query.summaries import Detail, MeasureSummary, SeriesTable, SourceCount
from usco.text import date_text, figure, kind_label, period, plural, source_label, status_mark, visible, when

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

_ID_STYLE, _FIGURE_STYLE, _DIM, _MARK = "cyan", "bold green", "dim", "yellow"
_TEXT_MIN = 20
_SOURCE_MIN = 12
_PERIOD_MIN = 12  # "2016 – 2020-09-18" may wrap after the dash; "2020-09-19," may not break


def make_console(*, stderr: bool = False) -> Console:
    """A console for this terminal; on TERM=dumb, with the terminal's real width (Rich would use 80)."""
    import os

    from rich.console import Console

    width = height = None
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown"):
        import shutil

        # COLUMNS first, then the terminal itself; Rich needs both sizes or it answers 80 by 25
        width, height = shutil.get_terminal_size()
    return Console(stderr=stderr, highlight=False, emoji=False, markup=False, width=width, height=height)


def draw(paint: Callable[[Console], None], console: Console | None = None) -> str:
    """Draw with Rich into a string, with the terminal's width and colour settings."""
    console = console or make_console()
    with console.capture() as captured:
        paint(console)
    return "\n".join(_without_trailing_space(line) for line in _LINK_END.sub("\\1\x07", captured.get()).split("\n"))


# Rich pads cells and wrapped lines with spaces, among colour codes, at the end of a line.
_CODES = r"\x1b\[[0-9;]*m|\x1b\]8;[^\x1b\x07]*(?:\x1b\\|\x07)"  # colours and hyperlinks (OSC 8)
_CODE_AT_END = re.compile(rf"(?:{_CODES})$")
# Hyperlinks end with BEL rather than ESC \ : every terminal that links understands it, and
# tools that strip escape codes from a screen (script(1) logs, sed) know that form.
_LINK_END = re.compile(r"(\x1b\]8;[^\x1b\x07]*)\x1b\\")


def _without_trailing_space(line: str) -> str:
    """The line without the spaces at its end, keeping the colour codes among them.

    Linear in the line's length: a single regular expression for "spaces and codes up to
    the end" backtracks quadratically over a long indent (a part_of chain 1,000 deep).
    """
    codes: list[str] = []
    while True:
        line = line.rstrip(" \t")
        code = _CODE_AT_END.search(line) if line.endswith(("m", "\x07", "\\")) else None
        if code is None:
            return line + "".join(reversed(codes))
        codes.append(code[0])
        line = line[: code.start()]


def _text(value: Any, style: str = "") -> Text:
    from rich.text import Text

    return Text(visible(cell(value)), style=style)


def _two_lines(first: str, second: str, style: str) -> Text:
    from rich.text import Text

    text = Text(visible(first), style=style)
    text.append("\n" + visible(second))
    return text


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
    # padding 2 a column, rules and edges, 1 spare
    room = console.width - 17 - ids - figures
    span = periods if room - periods >= _TEXT_MIN + _SOURCE_MIN else min(periods, _PERIOD_MIN)
    room -= span
    source = min(max(labels, 10), max(_SOURCE_MIN, room - 30))  # the text keeps 30 columns if it can
    if room - source >= _TEXT_MIN:
        return _FactLayout(span, figures, room - source, source, ids)
    # no ID or Source column: the id and the source go on lines of their own under the text
    room = console.width - 11 - figures
    least = max(_TEXT_MIN, nested_ids)
    span = periods if room - periods >= least else min(periods, _PERIOD_MIN)
    room -= span
    return _FactLayout(span, figures, room, 0, None) if room >= least else None


def draw_facts(console: Console, rows: Sequence[Row], *, history: bool) -> None:
    if not rows:
        return
    levels = depths(rows)
    layout = _fact_widths(console, rows, levels)
    if layout is None:
        _draw_fact_cards(console, rows, levels, history=history)
        return
    from rich import box
    from rich.table import Table

    shown = {row.fact.id for row in rows}
    table = Table(box=box.SIMPLE_HEAD, caption=_facts_caption(rows, history), caption_justify="left")
    # "fold": a word longer than its column breaks across lines instead of being cut with "…"
    table.add_column("When", width=layout.span, overflow="fold")
    table.add_column("Figure", no_wrap=True, justify="right", width=layout.figures)
    table.add_column("Fact" if layout.ids else "Fact, ID, source", width=layout.text, overflow="fold")
    if layout.ids:
        table.add_column("Source", width=layout.source, overflow="fold")
        table.add_column("ID", no_wrap=True, width=layout.ids, style=_ID_STYLE)
    for row in rows:
        indent = "  " * levels[row.fact.id]
        style = _DIM if row.superseded_by else ""
        text = row.fact.text + _notes(row, shown)
        fact = _text(text, style)
        said = f"{date_text(row.source.date) or 'undated'}, {kind_label(row.source)}"
        if not layout.ids:
            fact.append("\n" + visible(row.fact.id), style=_ID_STYLE if not style else _DIM)
            fact.append("\n" + visible(f"{row.source.name} ({said})"), style=_DIM)
        cells = [
            _text(when(row.fact, row.measure), style or (_MARK if status_mark(row.fact) else "")),
            _text(indent + figure(row.fact), style or _FIGURE_STYLE),
            _under_whole(fact, levels[row.fact.id]),
        ]
        if layout.ids:
            cells.append(_two_lines(row.source.name, said, _DIM))
            cells.append(_text(row.fact.id, style or _ID_STYLE))
        table.add_row(*cells)
    console.print(table)


def _under_whole(text: Text, level: int) -> Any:
    """A component's cell: "└ " and its lines indented under its whole's, wrapped lines too."""
    if not level:
        return text
    from rich.table import Table

    grid = Table.grid(padding=(0, 1, 0, 0))
    grid.add_column(no_wrap=True)
    grid.add_column()
    grid.add_row("  " * (level - 1) + "└", text)
    return grid


def _facts_caption(rows: Sequence[Row], history: bool) -> str:
    superseded = sum(1 for row in rows if row.superseded_by)
    caption = plural(len(rows), "fact") + (f", {superseded} superseded" if history else "")
    return caption + " · usco show ID for sources"


def _draw_fact_cards(console: Console, rows: Sequence[Row], levels: dict[str, int], *, history: bool = False) -> None:
    """One card per fact, for terminals too narrow for a table that keeps ids and figures whole.

    A component's card sits under its whole's, indented, with its └. The id and the figure
    are never broken: an id wider than the terminal is left for the terminal to wrap.
    """
    from rich.text import Text

    shown = {row.fact.id for row in rows}
    for row in rows:
        indent = 2 * levels[row.fact.id]
        dim = bool(row.superseded_by)
        _whole(console, Text(("└ " if indent else "") + visible(row.fact.id), style=_DIM if dim else _ID_STYLE), indent)
        notes = _notes(row, shown).strip()
        if notes:
            _wrapped(console, Text(visible(notes), style=_DIM), indent + 2)
        period = Text(visible(when(row.fact, row.measure)), style=_DIM if dim else "")
        if row.fact.value is not None:
            shown_figure = Text(visible(figure(row.fact)), style=_DIM if dim else _FIGURE_STYLE)
            if indent + 2 + period.cell_len + 2 + shown_figure.cell_len <= console.width:
                period.append("  ")
                period.append_text(shown_figure)
            else:
                _wrapped(console, period, indent + 2)
                period = shown_figure
        _wrapped(console, period, indent + 2)
        _wrapped(console, Text(visible(row.fact.text), style=_DIM if dim else ""), indent + 2)
        source = f"{source_label(row.source)}, {kind_label(row.source)}"
        _wrapped(console, Text(visible(source), style=_DIM), indent + 2)
        console.print()
    console.print(Text(_facts_caption(rows, history), style=_DIM))


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


def draw_timeline(console: Console, rows: Sequence[Row]) -> None:
    """Years as headings, events under them: the date within the year, the text, the id.

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
            event.append("\n" + visible(figure(fact)), style=_FIGURE_STYLE)
        if status_mark(fact):
            event.append(f" ({status_mark(fact)})", style=_MARK)
        ident = Text(visible(fact.id), style=_ID_STYLE)
        if beside:
            grid = Table.grid(padding=(0, 1, 0, 0), pad_edge=False)
            grid.add_column(no_wrap=True, width=date_width + 3, style=_DIM)
            grid.add_column(no_wrap=True, width=1, style=_DIM)
            grid.add_column()
            if ident.cell_len <= console.width - 2 - date_width - 4:
                event.append("\n")
                event.append_text(ident)
                ident = Text()
            grid.add_row("  " + date, "•", event)
            console.print(grid)
        elif date:
            console.print(Text("• " + date, style=_DIM))
            _wrapped(console, event, 2)
        else:
            grid = Table.grid(padding=(0, 1, 0, 0), pad_edge=False)
            grid.add_column(no_wrap=True, width=1, style=_DIM)
            grid.add_column()
            grid.add_row("•", event)
            console.print(grid)
        if ident.plain:
            _whole(console, ident, 2 + (date_width + 4 if beside else 0))
    console.print(Text(plural(len(rows), "event") + " · usco show ID for sources", style=_DIM))


def _link(url: str, console: Console, style: str = "blue") -> Text:
    """A URL, whole; a terminal hyperlink when the console is a terminal."""
    from rich.style import Style
    from rich.text import Text

    shown = visible(url)
    if console.is_terminal and shown == url:  # never a link to a URL with hidden characters
        return Text(shown, style=Style.parse(style) + Style(link=url))
    return Text(shown, style=style)


def _whole(console: Console, text: Text, indent: int = 0) -> None:
    """Print *text* on its own line, never broken: wider than the terminal, the terminal wraps it.

    For ids and URLs, which must stay whole to be copied, searched and clicked.
    """
    from rich.text import Text

    line = Text(" " * indent) + text
    console.print(line, soft_wrap=line.cell_len > console.width)


def _wrapped(console: Console, text: Text, indent: int = 0) -> None:
    from rich.padding import Padding

    console.print(Padding(text, (0, 0, 0, indent)))


def draw_sources(console: Console, counts: list[SourceCount]) -> None:
    """One block per document: date, id, kind and count; title; publisher; URL and copy whole; how dated."""
    from rich.text import Text

    for position, count in enumerate(counts):
        source = count.source
        if position:
            console.print()
        head = Text(date_text(source.date) or "undated", style="bold")
        ident = Text(visible(source.id), style=_ID_STYLE)
        rest = Text(f"  {kind_label(source)} · {plural(count.facts, 'fact')}", style=_DIM)
        if head.cell_len + 2 + ident.cell_len + rest.cell_len <= console.width:
            _whole(console, head + Text("  ") + ident + rest)
        elif head.cell_len + 2 + ident.cell_len <= console.width:
            _whole(console, head + Text("  ") + ident)
            _wrapped(console, Text(rest.plain.strip(), style=_DIM), 2)
        else:  # the id on a line of its own, whole
            _whole(console, head + rest)
            _whole(console, ident, 2)
        _wrapped(console, Text(visible(source.title)), 2)
        _wrapped(console, Text(visible(source.publisher), style=_DIM), 2)
        _whole(console, _link(source.url, console), 2)
        if source.copy_url:
            _whole(console, Text("copy: ", style=_DIM) + _link(source.copy_url, console), 2)
        if source.date_note:
            _wrapped(console, Text("Dated: " + visible(source.date_note), style=_DIM), 2)
    console.print()
    console.print(Text(f"{plural(len(counts), 'source')}, newest first", style=_DIM))


def draw_simple(
    console: Console, header: Sequence[str], records: Sequence[Sequence[Any]], caption: str, *, no_wrap: bool = False
) -> None:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, caption=caption, caption_justify="left")
    for name in header:
        numeric = name in ("Facts", "Periods")
        whole = no_wrap or numeric or name in ("Measure", "Tag", "Topic")
        table.add_column(name, justify="right" if numeric else "left", no_wrap=whole, overflow="fold")
    for record in records:
        table.add_row(*(_text(value) for value in record))
    console.print(table)


def draw_measures(console: Console, summaries: list[MeasureSummary]) -> None:
    """A table when every cell fits on one line; else two lines a measure: the id and its
    period kind, counts and span, then the label and unit, wrapped under it."""
    from rich.cells import cell_len
    from rich.text import Text

    header = ("Measure", "Label", "Unit", "Period", "Periods", "Facts", "First", "Last")
    rows = [
        (s.measure.id, s.measure.label, s.measure.unit, s.measure.period.value.replace("_", " "), s.periods, s.facts,
         period(s.first, s.measure), period(s.last, s.measure))
        for s in summaries
    ]  # fmt: skip
    caption = f"{plural(len(rows), 'measure')} · usco chart MEASURE draws one"
    widths = [max(cell_len(visible(cell(value))) for value in column) for column in zip(header, *rows, strict=True)]
    if sum(widths) + 2 * len(widths) + 2 <= console.width:
        draw_simple(console, header, rows, caption, no_wrap=True)
        return
    for index, summary in enumerate(summaries):
        if index:
            console.print()
        measure = summary.measure
        head = Text(visible(measure.id), style=_ID_STYLE)
        span = f"first {period(summary.first, measure)} · last {when(summary.last, measure)}"
        counts = f"{plural(summary.periods, 'period')}, {plural(summary.facts, 'fact')}"
        rest = Text(f"  {measure.period.value.replace('_', ' ')} · {counts} · {span}")
        if head.cell_len + rest.cell_len <= console.width:
            _whole(console, head + rest)
        else:
            _whole(console, head)
            _wrapped(console, Text(rest.plain.strip()), 2)
        label = Text(visible(measure.label))
        label.append(f" · unit: {visible(measure.unit)}", style=_DIM)
        _wrapped(console, label, 2)
    console.print()
    console.print(Text(caption, style=_DIM))


def series_cell(row: Row) -> str:
    """A figure in the series table, marked when not final: "$34.7 million (provisional)"."""
    fact = row.fact
    shown = figure(fact)
    if fact.status.value == "partial" and fact.end is not None:
        shown = f"{shown} (partial to {fact.end})"
    else:
        mark = status_mark(fact)
        shown = f"{shown} ({mark})" if mark else shown
    return f"{shown} [superseded]" if row.superseded_by else shown


def short_names(measures: Sequence[Any]) -> list[str]:
    """Column headings: the measure ids without the prefix they share ("obligations", "exports")."""
    ids = [measure.id for measure in measures]
    if len(ids) < 2:
        return ids
    prefix = ids[0]
    for other in ids[1:]:
        while not other.startswith(prefix):
            prefix = prefix[: prefix.rstrip("-").rfind("-") + 1] if "-" in prefix.rstrip("-") else ""
    names = [key[len(prefix) :] or key for key in ids]
    return names if len(set(names)) == len(names) else ids


def _cell_style(row: Row | None) -> str:
    if row is None:
        return ""
    if row.superseded_by:
        return _DIM
    return "" if row.fact.final else _MARK


def draw_series(console: Console, series: SeriesTable) -> None:
    """Periods down, measures across, when the figures fit whole; else one block per period.

    Headings are the measures' labels when they fit on one line, else short names, explained
    under the table with the labels. The caption names the releases.
    """
    if not series.lines:
        return
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    names = "; ".join(visible(source_label(source)) for source in series.sources)
    labels = [visible(measure.label) for measure in series.measures]
    shorts = [visible(name) for name in short_names(series.measures)]

    def fits(headings: Sequence[str], cells: Sequence[Sequence[str]], periods: Sequence[str]) -> bool:
        period_width = max(cell_len(visible(label)) for label in (*periods, "Period"))
        widths = [
            max(max(cell_len(visible(row[index])) for row in cells), *(cell_len(part) for part in heading.split("\n")))
            for index, heading in enumerate(headings)
        ]
        columns = len(widths) + 1  # padding 1 each side and a rule between columns; no edges
        return period_width + sum(widths) + 3 * columns - 1 <= console.width

    headings: Sequence[str] | None = None
    abbreviated = 0
    for abbreviated in (0, 1, 2):
        periods, cells = zip(*(_series_line(line, abbreviated) for line in series.lines), strict=True)
        widths = [max(cell_len(visible(row[index])) for row in cells) for index in range(len(shorts))]
        broken = [_broken(short, width) for short, width in zip(shorts, widths, strict=True)]
        headings = next((choice for choice in (labels, shorts, broken) if fits(choice, cells, periods)), None)
        if headings is not None:
            break
    if headings is None:
        periods, cells = zip(*(_series_line(line, 0) for line in series.lines), strict=True)
    ids = [visible(measure.id) for measure in series.measures]
    key = [
        f"{short}: {label}" if short == key else f"{short} ({key}): {label}"
        for short, key, label in zip(shorts, ids, labels, strict=True)
    ]
    key = [] if headings is labels else key
    quarters = sorted({label for label in periods if label.startswith("TQ ")})
    key += [f"{label}: the July–September {label[3:]} transition quarter" for label in quarters]
    if headings is not None and abbreviated == 1:
        key.append("prov.: provisional, the publisher was still collecting reports")
    if headings is not None and abbreviated == 2:
        key += _symbol_key(series)
    if headings is not None:
        table = Table(box=box.SIMPLE_HEAD, caption=f"Releases: {names}", caption_justify="left", show_edge=False)
        table.add_column("Period", no_wrap=True)
        for heading in headings:
            table.add_column(Text(heading), justify="right", no_wrap=True)
        for line, label, shown in zip(series.lines, periods, cells, strict=True):
            styled = [_text(value, _cell_style(row)) for value, row in zip(shown, line.cells, strict=True)]
            table.add_row(_text(label), *styled)
        console.print(table)
    else:
        name_width = max(cell_len(short) for short in shorts)
        for line, label, shown in zip(series.lines, periods, cells, strict=True):
            console.print(Text(visible(label), style="bold"))
            for short, value, row in zip(shorts, shown, line.cells, strict=True):
                if row is None:
                    continue
                entry = Text("  " + short.ljust(name_width) + "  ", style=_DIM)
                entry.append(visible(value), style=_cell_style(row) or _FIGURE_STYLE)
                if entry.cell_len > console.width:  # the figure under its name rather than broken
                    console.print(Text("  " + short, style=_DIM))
                    entry = Text("    " + visible(value), style=_cell_style(row) or _FIGURE_STYLE)
                console.print(entry)
        console.print()
        console.print(Text(f"Releases: {names}", style=_DIM))
    for note in key:
        console.print(Text(note, style=_DIM))
    console.print()


def _broken(heading: str, width: int) -> str:
    """A heading wider than its figures broken after hyphens: "appropriated-\nplanned"."""
    parts = heading.split("-")
    lines = [parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + 1 + len(part) <= width:
            lines[-1] += "-" + part
        else:
            lines[-1] += "-"
            lines.append(part)
    return "\n".join(lines)


def _transition_quarter(row: Row) -> bool:
    return row.measure is not None and row.measure.period.value == "fiscal_year" and row.fact.date.precision == 2


_SYMBOLS = {"partial": "†", "provisional": "*", "planned": "‡"}


def _symbol_key(series: SeriesTable) -> list[str]:
    """What the marks of a table drawn with symbols mean, for the marks it has."""
    rows = [row for line in series.lines for row in line.cells if row is not None]
    notes = []
    partial = sorted({f"{line.label} to {row.fact.end}" for line in series.lines for row in line.cells
                      if row is not None and row.fact.status.value == "partial" and row.fact.end})  # fmt: skip
    if partial:
        notes.append(f"† partial: {', '.join(partial)}")
    if any(row.fact.status.value == "provisional" for row in rows):
        notes.append("* provisional: the publisher was still collecting reports")
    if any(row.fact.status.value == "planned" for row in rows):
        notes.append("‡ planned: a request, pledge or goal")
    if any(row.superseded_by for row in rows):
        notes.append("° superseded by a later source")
    return notes


def _series_line(line: Any, abbreviated: int = 0) -> tuple[str, list[str]]:
    """A line's period label and cells; when every figure of the line is partial to one end,
    the end goes with the period ("FY2025 to 2025-04-02") and the cells just say "(partial)".
    *abbreviated* 1: "(prov.)" for "(provisional)"; 2: a symbol after the figure, explained
    under the table ("$447,245,358*")."""
    quarter = next((row for row in line.cells if row is not None and _transition_quarter(row)), None)
    if quarter is not None:
        line = line._replace(label=f"TQ {quarter.fact.date.first.year}")
    if abbreviated == 2:
        cells = []
        for row in line.cells:
            if row is None:
                cells.append("")
                continue
            mark = _SYMBOLS.get(row.fact.status.value, "") + ("°" if row.superseded_by else "")
            cells.append(figure(row.fact) + mark)
        return line.label, cells
    if abbreviated == 1:
        label, cells = _series_line(line)
        return label, [cell.replace("(provisional)", "(prov.)") for cell in cells]
    rows = [row for row in line.cells if row is not None]
    ends = {row.fact.end for row in rows if row.fact.status.value == "partial"}
    if rows and len(ends) == 1 and None not in ends and all(row.fact.status.value == "partial" for row in rows):
        shown = [f"{figure(row.fact)} (partial)" + (" [superseded]" if row.superseded_by else "") if row else ""
                 for row in line.cells]  # fmt: skip
        return f"{line.label} to {ends.pop()}", shown
    return line.label, [series_cell(row) if row else "" for row in line.cells]


def draw_detail(console: Console, detail: Detail, pairs: list[tuple[str, str]]) -> None:
    """Field and value lines; a URL is never broken: one too long for the value column goes
    on a line of its own, for the terminal to wrap, and is a link on a terminal."""
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    shown = [(key.replace("_", " "), value) for key, value in pairs if value]
    key_width = max(cell_len(visible(key)) for key, _ in shown)
    room = console.width - key_width - 7  # edges and padding of box.SIMPLE
    styles = {"figure": _FIGURE_STYLE, "status": _MARK, "superseded by": _DIM}  # by what a field means

    def new_table() -> Table:
        table = Table(box=box.SIMPLE, show_header=False, show_edge=False, pad_edge=False)
        table.add_column("field", style="bold", no_wrap=True, width=key_width)
        table.add_column("value", overflow="fold")
        return table

    console.print()
    if room < 30:  # narrow: each field over its value
        for key, value in shown:
            console.print(Text(visible(key), style="bold"))
            if key.endswith("url"):
                _whole(console, _link(value, console), 2)
            else:
                _wrapped(console, _text(value, styles.get(key, "")), 2)
        console.print()
        return
    table = new_table()
    for key, value in shown:
        if key.endswith("url"):
            link = _link(value, console)
            if link.cell_len > room:
                if table.row_count:
                    console.print(table)
                    table = new_table()
                _whole(console, Text(visible(key).ljust(key_width), style="bold") + Text("   ") + link)
                continue
            table.add_row(_text(key), link)
        else:
            table.add_row(_text(key), _text(value, styles.get(key, "")))
    if table.row_count:
        console.print(table)
    console.print()
