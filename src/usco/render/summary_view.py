"""The summaries as Rich draws them: sources, topics and tags, measures, and `show`'s one fact."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from usco.fields import cell
from usco.render.table import DIM, FIGURE_STYLE, ID_STYLE, MARK, cell_text, print_whole, print_wrapped
from usco.text import date_text, kind_label, period, plural, visible, when

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from usco.query.summaries import Detail, MeasureSummary, SourceCount


def _link(url: str, console: Console, style: str = "blue") -> Text:
    """A URL, whole; a terminal hyperlink when the console is a terminal."""
    from rich.style import Style
    from rich.text import Text

    shown = visible(url)
    if console.is_terminal and shown == url:  # never a link to a URL with hidden characters
        return Text(shown, style=Style.parse(style) + Style(link=url))
    return Text(shown, style=style)


def draw_sources(console: Console, counts: list[SourceCount]) -> None:
    """One block per document: date, id, kind and count; title; publisher; URL and copy whole; how dated."""
    from rich.text import Text

    for position, count in enumerate(counts):
        source = count.source
        if position:
            console.print()
        head = Text(date_text(source.date) or "undated", style="bold")
        ident = Text(visible(source.id), style=ID_STYLE)
        rest = Text(f"  {kind_label(source)} · {plural(count.facts, 'fact')}", style=DIM)
        if head.cell_len + 2 + ident.cell_len + rest.cell_len <= console.width:
            print_whole(console, head + Text("  ") + ident + rest)
        elif head.cell_len + 2 + ident.cell_len <= console.width:
            print_whole(console, head + Text("  ") + ident)
            print_wrapped(console, Text(rest.plain.strip(), style=DIM), 2)
        else:  # the id on a line of its own, whole
            print_whole(console, head + rest)
            print_whole(console, ident, 2)
        print_wrapped(console, Text(visible(source.title)), 2)
        print_wrapped(console, Text(visible(source.publisher), style=DIM), 2)
        print_whole(console, _link(source.url, console), 2)
        if source.copy_url:
            print_whole(console, Text("copy: ", style=DIM) + _link(source.copy_url, console), 2)
        if source.date_note:
            print_wrapped(console, Text("Dated: " + visible(source.date_note), style=DIM), 2)
    console.print()
    console.print(Text(f"{plural(len(counts), 'source')}, newest first", style=DIM))


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
        table.add_row(*(cell_text(value) for value in record))
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
        head = Text(visible(measure.id), style=ID_STYLE)
        span = f"first {period(summary.first, measure)} · last {when(summary.last, measure)}"
        counts = f"{plural(summary.periods, 'period')}, {plural(summary.facts, 'fact')}"
        rest = Text(f"  {measure.period.value.replace('_', ' ')} · {counts} · {span}")
        if head.cell_len + rest.cell_len <= console.width:
            print_whole(console, head + rest)
        else:
            print_whole(console, head)
            print_wrapped(console, Text(rest.plain.strip()), 2)
        label = Text(visible(measure.label))
        label.append(f" · unit: {visible(measure.unit)}", style=DIM)
        print_wrapped(console, label, 2)
    console.print()
    console.print(Text(caption, style=DIM))


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
    styles = {"figure": FIGURE_STYLE, "status": MARK, "superseded by": DIM}  # by what a field means

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
                print_whole(console, _link(value, console), 2)
            else:
                print_wrapped(console, cell_text(value, styles.get(key, "")), 2)
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
                print_whole(console, Text(visible(key).ljust(key_width), style="bold") + Text("   ") + link)
                continue
            table.add_row(cell_text(key), link)
        else:
            table.add_row(cell_text(key), cell_text(value, styles.get(key, "")))
    if table.row_count:
        console.print(table)
    console.print()


def draw_releases(console: Console, rows: Sequence[Any], caption: str) -> None:
    """One block per release (usco.user.listing.ReleaseRow): its id, origin, facts and newest period;
    its date and how it was dated; its sha256 and where it came from, whole, at any width."""
    from rich.text import Text

    for position, row in enumerate(rows):
        if position:
            console.print()
        ident = Text(visible(row.id), style=ID_STYLE)
        rest = Text(f"  {row.origin} · {plural(row.facts, 'fact')} · newest {row.newest or 'none'}", style=DIM)
        if ident.cell_len + rest.cell_len <= console.width:
            print_whole(console, ident + rest)
        else:
            print_whole(console, ident)
            print_wrapped(console, Text(rest.plain.strip(), style=DIM), 2)
        print_wrapped(console, Text(f"{row.date}, dated by {visible(row.dated_by)}"), 2)
        print_whole(console, Text("sha256 ", style=DIM) + Text(row.sha256), 2)
        print_whole(console, Text("from ", style=DIM) + _link(row.source, console), 2)
    console.print()
    console.print(Text(caption, style=DIM))
