"""Lines of wrapped, padded cells, composed from Rich's own pieces and handed to Rich in one go.

A rich.table.Table measures every cell, then wraps and pads it through several nested renderables;
a view that has already decided every column's width pays that for nothing (the facts table of
`usco aid` spent most of its time there). Here Rich still wraps each cell (Text.wrap: its
wrapping, its cell widths, CJK and emoji taking two columns) and styles it, and the lines are
put together as Table(box=SIMPLE_HEAD) puts them: the same segments, so the same bytes on a
terminal and in a pipe. Nothing is read as markup: cells are Text.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from rich.console import Console, JustifyMethod, OverflowMethod
    from rich.segment import Segment
    from rich.style import Style
    from rich.text import Text

Lines = list[list["Segment"]]  # a cell's lines, each exactly as wide as its column


class Column(NamedTuple):
    """A column of a composed table, as rich.table.Column would have it with a fixed width."""

    header: str
    width: int  # without the padding of one column each side
    justify: JustifyMethod = "left"
    overflow: OverflowMethod = "ellipsis"  # Rich's default for a table column
    no_wrap: bool = False
    style: str = ""  # the whole cell's, padding included


#: How console.print wraps a Text: Rich's defaults.
PRINTED = Column("", 0, justify="default", overflow="fold")


def wrap(console: Console, text: Text, width: int, column: Column = PRINTED, *, pad: bool = True) -> Lines:
    """*text* wrapped to *width* by Rich as *column* wraps it, each line padded to *width* (unless
    not *pad*); no line at all where *width* < 1, as Rich draws nothing there.

    What console.render_lines(text, pad=True) gives (Text.__rich_console__, then the lines split
    and padded), without a renderable's round trip for every cell.
    """
    if width < 1:
        return []
    from rich.containers import Lines
    from rich.segment import Segment

    justify = text.justify or column.justify
    overflow = text.overflow or column.overflow
    plain = text.plain
    if len(plain) <= width and "\n" not in plain and "\t" not in plain and text.cell_len <= width:
        # One line that fits: what Text.wrap gives, without looking for where to break it
        lines = Lines([text.copy()])
        lines.justify(console, width, justify=justify, overflow=overflow)
    else:
        lines = text.wrap(
            console,
            width,
            justify=justify,
            overflow=overflow,
            tab_size=(console.tab_size if text.tab_size is None else text.tab_size) or 8,
            no_wrap=column.no_wrap if text.no_wrap is None else text.no_wrap,
        )
    composed = []
    for line in lines:
        segments = rendered(console, line)
        if pad and line.cell_len != width:
            segments = Segment.adjust_line_length(segments, width, pad=True)
        composed.append(segments)
    return composed


def rendered(console: Console, line: Text) -> list[Segment]:
    """The segments of one line of text, styled as Rich styles it among other lines (where its own
    style is a span over it: Text.render alone leaves a line without spans unstyled)."""
    from rich.segment import Segment

    if line.spans:
        return list(line.render(console))
    return [Segment(line.plain, console.get_style(line.style) if line.style else None)]


def table(
    console: Console,
    columns: Sequence[Column],
    rows: Iterable[Sequence[Text | Lines]],
    caption: str,
    *,
    edge: bool = True,
) -> list[Segment]:
    """The segments of Table(box=SIMPLE_HEAD, caption=*caption*, caption_justify="left",
    show_edge=*edge*) with these fixed-width *columns* and *rows*: a cell is a Text, wrapped
    here, or lines already composed."""
    from rich import box
    from rich.segment import Segment
    from rich.text import Text

    get_style = console.get_style
    frame = box.SIMPLE_HEAD.substitute(console.options, safe=console.safe_box)  # ASCII on a terminal that is not UTF-8
    widths = [column.width + 2 for column in columns]
    new_line = Segment.line()
    out = [Segment(frame.get_top(widths)), new_line] if edge else []

    def row(
        cells: Sequence[Text | Lines],
        styles: Sequence[Style | None],
        edges: tuple[str, str, str],
        *,
        head: bool = False,
    ) -> None:
        """One row, its cells' lines side by side: a cell's style on its padding too, as Rich's Table."""
        left, divider, right = (Segment(edge) for edge in edges)
        composed: list[Lines] = []
        for cell, column, style in zip(cells, columns, styles, strict=True):
            lines = wrap(console, cell, column.width, column) if isinstance(cell, Text) else cell
            pad = Segment(" ", style)
            composed.append([list(Segment.apply_style([pad, *line, pad], style)) for line in lines])
        height = max(len(lines) for lines in composed)
        for lines, column, style in zip(composed, columns, styles, strict=True):
            blank = [[Segment(" " * (column.width + 2), style)]] * (height - len(lines))
            if head:  # headings bottom-aligned, cells top-aligned, as Rich's
                lines[:0] = blank
            else:
                lines.extend(blank)
        for number in range(height):
            if edge:
                out.append(left)
            for index, lines in enumerate(composed):
                if index:
                    out.append(divider)
                out.extend(lines[number])
            out.extend((right, new_line) if edge else (new_line,))

    header = get_style("table.header")
    row([Text(column.header) for column in columns], [header] * len(columns),
        (frame.head_left, frame.head_vertical, frame.head_right), head=True)  # fmt: skip
    out.extend((Segment(frame.get_row(widths, "head", edge=edge)), new_line))
    styles = [get_style(column.style) if column.style else None for column in columns]
    rows = list(rows)
    for number, cells in enumerate(rows, 1):
        last = number == len(rows)
        edges = (frame.foot_left, frame.foot_vertical, frame.foot_right) if last else \
            (frame.mid_left, frame.mid_vertical, frame.mid_right)  # fmt: skip
        row(cells, styles, edges)
    if edge:
        out.extend((Segment(frame.get_bottom(widths)), new_line))
    width = sum(widths) + len(widths) - 1 + (2 if edge else 0)  # the rules between columns, and the edges
    options = console.options.update(width=width, justify="left", highlight=False)
    out.extend(console.render(Text(caption, style="table.caption"), options))
    return out


def indented(console: Console, text: Text, indent: int) -> list[Segment]:
    """*text* wrapped to the width left after *indent* columns, as Padding(text, (0, 0, 0, indent)) prints it
    (but for the spaces that would pad each line to the terminal's width: usco.render.table.draw drops them)."""
    from rich.segment import Segment

    out = []
    for line in wrap(console, text, console.width - indent, pad=False):
        out.append(Segment(" " * indent))
        out.extend(line)
        out.append(Segment.line())
    return out


def whole(console: Console, text: Text) -> list[Segment]:
    """*text* (one line) as console.print(text, soft_wrap=True) prints it: never broken; wider than
    the terminal, the terminal wraps it."""
    from rich.segment import Segment

    return [*rendered(console, text), Segment.line()]


def show(console: Console, segments: list[Segment]) -> None:
    """Print composed *segments*: every line is within the terminal's width or meant to be left to it."""
    from rich.segment import Segments

    console.print(Segments(segments), crop=False)
