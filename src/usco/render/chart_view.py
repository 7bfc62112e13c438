"""Draw a chart.Series: horizontal bars in the terminal with Rich, its data as a Listing, or SVG.

One scale for the whole chart: the largest magnitude fills the bar column. A final
figure is drawn with full blocks, a non-final one (partial, provisional, planned) with
shaded blocks and its mark after the figure, a superseded version (--history) with
light blocks, dim. Every string from the dataset goes through text.visible() into a
rich.text.Text, so text like "[bold]" or an escape sequence in a label is printed,
never acted on. Rich is imported inside the functions to keep start-up fast.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

from usco import text
from usco.render import table
from usco.render.chart import TQ_NOTE, Bar, Gap, Series

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

    from usco.render.listings import Listing

FINAL_BLOCK = "█"
NOT_FINAL_BLOCK = "▒"  # partial, provisional or planned
SUPERSEDED_BLOCK = "░"
BLOCKS = FINAL_BLOCK + NOT_FINAL_BLOCK + SUPERSEDED_BLOCK
SLIVER = "▏"  # a value too small for one block is still not drawn as zero
NO_FIGURE = "(no figure)"
_GAP = 2
_BAR_MIN = 10  # below this the figure moves under its bar


def bar_length(value: float, largest: float, width: int) -> int:
    """Whole blocks for *value* when *largest* fills *width*."""
    return 0 if largest == 0 else round(abs(value) / largest * width)


def block(bar: Bar) -> str:
    if bar.superseded:
        return SUPERSEDED_BLOCK
    return FINAL_BLOCK if bar.final else NOT_FINAL_BLOCK


def _bar_text(bar: Bar, largest: float, width: int) -> str:
    blocks = bar_length(bar.value, largest, width)
    return block(bar) * blocks if blocks or bar.value == 0 else SLIVER


def _figure(bar: Bar) -> str:
    """The figure and its mark: "$35,000,000 (partial to 2025-04-02)"."""
    return text.visible(f"{bar.shown} {bar.mark}" if bar.mark else bar.shown)


def _style(bar: Bar) -> tuple[str, str]:
    """Styles of the bar and of its figure."""
    if bar.superseded:
        return "dim", "dim"
    return ("green", "bold") if bar.final else ("yellow", "yellow")


def subtitle(series: Series) -> str:
    """ "USD by U.S. fiscal year (Oct–Sep) · one scale, longest bar $1,222,386,572"."""
    largest = max(series.bars, key=lambda bar: abs(bar.value), default=None)
    scale = f" · one scale, longest bar {text.column_amount(largest.value, largest.unit)}" if largest else ""
    return f"{series.measure.unit} {series.period_words}{scale}"


def legend(series: Series) -> str:
    """What the blocks mean, for the kinds of bar the chart has ("" when every bar is final and current)."""
    parts = []
    if any(bar.final and not bar.superseded for bar in series.bars):
        parts.append(f"{FINAL_BLOCK} final")
    if any(not bar.final and not bar.superseded for bar in series.bars):
        parts.append(f"{NOT_FINAL_BLOCK} not final (partial, provisional or planned)")
    if any(bar.superseded for bar in series.bars):
        parts.append(f"{SUPERSEDED_BLOCK} superseded by a later source (the next bar)")
    needed = any(not bar.final or bar.superseded for bar in series.bars)
    return "; ".join(parts) if needed else ""


def draw_chart(console: Console, series: Series, label: str) -> None:
    """Title and scale, one row per period or gap, then the legend and sources."""
    from rich.padding import Padding
    from rich.text import Text

    width = console.width
    console.print(Text(text.visible(label), style="bold"))
    if not series.bars:
        console.print(Text("no figures to chart", style="dim"))
        return
    console.print(Text(text.visible(subtitle(series)), style="dim"))
    console.print()
    labels = [text.visible(entry.label) for entry in series.entries]
    label_width = max(Text(shown).cell_len for shown in labels)
    figure_width = max(Text(_figure(bar)).cell_len for bar in series.bars)
    room = width - label_width - figure_width - 2 * _GAP
    marks_apart = False
    if room < _BAR_MIN:  # marks on a line of their own under the bar, if that makes room
        figure_width = max(Text(text.visible(bar.shown)).cell_len for bar in series.bars)
        room = width - label_width - figure_width - 2 * _GAP
        marks_apart = True
    largest = series.largest
    for entry in series.entries:
        if isinstance(entry, Gap):
            console.print(_gap_row(entry, label_width if room >= _BAR_MIN else 0))
        elif room >= _BAR_MIN:
            console.print(_row(entry, largest, label_width, room, marks_apart=marks_apart))
            if marks_apart and entry.mark:
                mark = Text(text.visible(entry.mark), style=_style(entry)[1])
                console.print(Padding(mark, (0, 0, 0, label_width + _GAP)))
        else:
            for line in _stacked(entry, largest, width):
                console.print(line)
    notes = [legend(series)] + ([TQ_NOTE] if series.has_transition_quarter else [])
    notes = [note for note in notes if note]
    if notes or series.sources:
        console.print()
    for note in notes:
        console.print(Text(text.visible(note), style="dim"))
    if series.sources:
        console.print(_caption(series))


def _gap_row(gap: Gap, label_width: int) -> Text:
    from rich.text import Text

    row = Text(text.visible(gap.label), style="dim")
    row.pad_right(max(label_width - row.cell_len, 0) + _GAP)
    row.append(NO_FIGURE, style="dim italic")
    return row


def _row(bar: Bar, largest: float, label_width: int, room: int, *, marks_apart: bool = False) -> Text:
    from rich.text import Text

    bar_style, figure_style = _style(bar)
    row = Text(text.visible(bar.label), style="dim" if bar.superseded else "")
    row.pad_right(label_width - row.cell_len + _GAP)
    drawn = _bar_text(bar, largest, room)
    row.append(drawn, style=bar_style)
    row.append(" " * (room - len(drawn) + _GAP))
    row.append(text.visible(bar.shown) if marks_apart else _figure(bar), style=figure_style)
    return row


def _stacked(bar: Bar, largest: float, width: int) -> list[Text]:
    """A narrow terminal: the period and figure on one line (or two), the bar under them."""
    from rich.text import Text

    bar_style, figure_style = _style(bar)
    head = Text(text.visible(bar.label), style="dim" if bar.superseded else "")
    figure = Text(_figure(bar), style=figure_style)
    lines = []
    if head.cell_len + 2 + figure.cell_len <= width:
        head.append("  ")
        head.append_text(figure)
        lines.append(head)
    else:  # the figure on its own line, and its mark on the next if they do not fit together
        lines.append(head)
        if _GAP + figure.cell_len <= width or not bar.mark:
            lines.append(Text(" " * _GAP) + figure)
        else:
            lines += [Text(" " * _GAP + text.visible(bar.shown), style=figure_style)]
            lines += [Text(" " * _GAP + text.visible(bar.mark), style=figure_style)]
    lines.append(Text(" " * _GAP) + Text(_bar_text(bar, largest, max(width - _GAP, 1)), style=bar_style))
    return lines


def _caption(series: Series) -> Text:
    from rich.text import Text

    names = "; ".join(text.visible(text.source_label(source)) for source in series.sources)
    return Text(f"Sources: {names}", style="dim")


def chart_text(series: Series, label: str) -> str:
    """The chart drawn for this terminal (its width and colour settings)."""
    return table.draw(lambda console: draw_chart(console, series, label))


# ---------------------------------------------------------------- the data of the bars

CHART_COLUMNS = (
    "period", "start", "end", "value", "unit", "qualifier", "status", "figure", "fact_id", "source_id", "source_date",
)  # fmt: skip


def chart_listing(series: Series, *, history: bool = False) -> Listing:
    """The bars as data for -f json|jsonl|csv|tsv|markdown: one record a bar, raw numbers.

    Gaps are no data: they are drawn, not listed. With *history*, a last column
    `superseded_by`, as in the fact listings.
    """
    from usco.render.listings import Listing

    header = CHART_COLUMNS + (("superseded_by",) if history else ())
    objects: list[dict[str, Any]] = []
    for bar in series.bars:
        obj: dict[str, Any] = {
            "period": bar.label,
            "start": bar.start,
            "end": bar.end,
            "value": bar.value,
            "unit": bar.unit,
            "qualifier": bar.qualifier.value,
            "status": bar.status.value,
            "figure": bar.figure,
            "fact_id": bar.fact_id,
            "source_id": bar.source.id,
            "source_date": bar.source_date,
        }
        if history:
            obj["superseded_by"] = bar.superseded_by
        objects.append(obj)
    records = [tuple(obj[name] for name in header) for obj in objects]
    return Listing(header, records, objects, draw=lambda console: draw_chart(console, series, series.measure.label))


# ---------------------------------------------------------------- a file


def save_svg(series: Series, label: str, path: Path, *, force: bool = False) -> None:
    """The chart as a standalone SVG file, written whole or not at all; an existing file needs *force*."""
    from usco import files
    from usco.render import svg

    files.write_atomically(path, svg.chart_svg(series, label).encode("utf-8"), replace=force)
