"""Draw a chart.Series: horizontal bars in the terminal with Rich, or TSV for a pipe.

Every string from the dataset goes through text.visible() into a rich.text.Text,
so text like "[bold]" or an escape sequence in a label is printed, never acted on.
Rich is imported inside the functions, as in render.py, to keep start-up fast.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING

from usco import table, text
from usco.chart import Bar, Group, Series
from usco.model import UscoError

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

_BLOCK = "█"
_SLIVER = "▏"  # a value too small for one block is still not drawn as zero
_GAP = 2
_BAR_MIN = 10  # below this the figure moves under its bar


def bar_length(value: float, largest: float, width: int) -> int:
    """Whole blocks for *value* when *largest* fills *width*."""
    return 0 if largest == 0 else round(abs(value) / largest * width)


def _bar_text(bar: Bar, group: Group, width: int) -> str:
    blocks = bar_length(bar.value, group.largest, width)
    return _BLOCK * blocks if blocks or bar.value == 0 else _SLIVER


def _figure(bar: Bar) -> str:
    figure = bar.figure + (" (superseded)" if bar.superseded else "")
    return text.visible(figure)


def draw_chart(console: Console, series: Series, label: str) -> None:
    """Title, then per group a heading and one row per period, then the sources as caption."""
    from rich.text import Text

    console.print(Text(text.visible(label), style="bold"))
    if not series.groups:
        console.print(Text("no figures to chart", style="dim"))
    bars = series.bars
    label_width = max((Text(text.visible(bar.label)).cell_len for bar in bars), default=0)
    figure_width = max((Text(_figure(bar)).cell_len for bar in bars), default=0)
    room = console.width - label_width - figure_width - 2 * _GAP
    for group in series.groups:
        console.print()
        console.print(Text(group.heading, style="underline"))
        for bar in group.bars:
            if room >= _BAR_MIN:
                console.print(_row(bar, group, label_width, room))
            else:
                console.print(_stacked(bar, group, max(console.width - _GAP, 1)))
    if series.sources:
        console.print()
        console.print(_caption(series))


def _row(bar: Bar, group: Group, label_width: int, room: int) -> Text:
    from rich.text import Text

    dim = "dim" if bar.superseded else ""
    row = Text(text.visible(bar.label), style=dim)
    row.pad_right(label_width - row.cell_len + _GAP)
    drawn = _bar_text(bar, group, room)
    row.append(drawn, style=dim or "green")
    row.append(" " * (room - len(drawn) + _GAP))
    row.append(_figure(bar), style=dim or "bold")
    return row


def _stacked(bar: Bar, group: Group, width: int) -> Text:
    """A narrow terminal: the period and figure on one line, the bar under them."""
    from rich.text import Text

    dim = "dim" if bar.superseded else ""
    row = Text(text.visible(bar.label), style=dim)
    row.append("  ")
    row.append(_figure(bar), style=dim or "bold")
    row.append("\n" + " " * _GAP)
    row.append(_bar_text(bar, group, width), style=dim or "green")
    return row


def _caption(series: Series) -> Text:
    from rich.text import Text

    names = "; ".join(text.visible(text.source_label(source)) for source in series.sources)
    return Text(f"Sources: {names}", style="dim")


# ---------------------------------------------------------------- for a pipe

TSV_COLUMNS = ("group", "period", "value", "unit", "qualifier", "figure", "source_id", "source_date")


def chart_tsv(series: Series, *, header: bool = True, history: bool = False) -> str:
    """One line per bar; `group` is the kind (year, month, day, running-total, period).

    The period is written "start/end" (ISO 8601 interval style), as in `measures`'
    machine formats; with *history*, a last column `superseded_by`, as in listings.
    """
    columns = TSV_COLUMNS + (("superseded_by",) if history else ())
    lines = [columns] if header else []
    for group in series.groups:
        for bar in group.bars:
            line = (
                group.kind.value,
                bar.start if bar.end is None else f"{bar.start}/{bar.end}",
                repr(bar.value) if isinstance(bar.value, float) else str(bar.value),
                bar.unit,
                bar.qualifier.value,
                bar.figure,
                bar.source.id,
                bar.source_date or "",
            )
            lines.append(line + ((bar.superseded_by or "",) if history else ()))
    return "".join("\t".join(_field(value) for value in line) + "\n" for line in lines)


def _field(text: str) -> str:
    return re.sub(r"[\t\r\n]", " ", text.visible_keep_space(text))


def chart_text(series: Series, label: str) -> str:
    """The chart drawn for this terminal (its width and colour settings)."""
    return table.draw(lambda console: draw_chart(console, series, label))


def save_svg(series: Series, label: str, path: Path, *, width: int = 100) -> None:
    """The same chart as an SVG file (Rich's console export)."""
    import io

    from rich.console import Console

    console = Console(record=True, width=width, file=io.StringIO(), force_terminal=True, color_system="truecolor")
    draw_chart(console, series, label)
    try:
        console.save_svg(str(path), title=text.visible(label))
    except OSError as error:
        raise UscoError(f"cannot write {path}: {error.strerror or error}") from None
