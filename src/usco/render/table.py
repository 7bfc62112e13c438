"""The Rich console: drawing into a string, and the pieces every view draws with.

The views are facts_view.py (the facts table, its cards, the timeline), series_view.py
(`usco series`), summary_view.py (sources, topics, tags, measures, `show`) and
chart_view.py; they, compose.py (a table's lines put together from Rich's pieces) and this
module are the only ones that import Rich, and only when a table is drawn. Every string
from the dataset goes through text.visible() into a rich.text.Text, so markup such as
"[bold]" or an escape sequence in the data is printed, never acted on.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from usco.fields import cell
from usco.text import visible

if TYPE_CHECKING:
    from rich.console import Console
    from rich.text import Text

# Styles by what a thing is: an id, a figure, what is secondary, a mark of a figure not final.
ID_STYLE, FIGURE_STYLE, DIM, MARK = "cyan", "bold green", "dim", "yellow"


#: The widest usco draws, whatever COLUMNS says: wider than any screen. Rich takes COLUMNS as it is:
#: COLUMNS=10000000000 had it lay out (and allocate) lines until memory ran out, 10**30 overflowed, and
#: 5,000 digits are more than int() reads. LINES is bounded likewise.
MAX_WIDTH = 1_000
MAX_HEIGHT = 10_000


def make_console(*, stderr: bool = False) -> Console:
    """A console for this terminal; on TERM=dumb, with the terminal's real width (Rich would use 80)."""
    import os

    from rich.console import Console

    width = height = None
    # Rich reads COLUMNS and LINES itself unless it is given both sizes: any number in them is read here.
    numbers = [os.environ.get(name, "").isdigit() for name in ("COLUMNS", "LINES")]
    if os.environ.get("TERM", "").lower() in ("dumb", "unknown") or any(numbers):
        import shutil

        # COLUMNS first, then the terminal itself; Rich needs both sizes or it answers 80 by 25
        columns, lines = shutil.get_terminal_size()  # a number it cannot read counts as unset
        width = _bounded(os.environ.get("COLUMNS", ""), MAX_WIDTH) or min(columns, MAX_WIDTH)
        height = _bounded(os.environ.get("LINES", ""), MAX_HEIGHT) or min(lines, MAX_HEIGHT)
    return Console(stderr=stderr, highlight=False, emoji=False, markup=False, width=width, height=height)


def _bounded(value: str, bound: int) -> int | None:
    """The number *value* (COLUMNS or LINES), at most *bound*; None when it is no number (or 0).
    Its digits are counted before int() sees them."""
    if not (value.isascii() and value.isdigit()):
        return None
    digits = value.lstrip("0")
    return bound if len(digits) > len(str(bound)) else min(int(digits or "0"), bound) or None


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


def cell_text(value: Any, style: str = "") -> Text:
    from rich.text import Text

    return Text(visible(cell(value)), style=style)


def print_whole(console: Console, text: Text, indent: int = 0) -> None:
    """Print *text* on its own line, never broken: wider than the terminal, the terminal wraps it.

    For ids and URLs, which must stay whole to be copied, searched and clicked.
    """
    from rich.text import Text

    line = Text(" " * indent) + text
    console.print(line, soft_wrap=line.cell_len > console.width)


def print_wrapped(console: Console, text: Text, indent: int = 0) -> None:
    from rich.padding import Padding

    console.print(Padding(text, (0, 0, 0, indent)))
