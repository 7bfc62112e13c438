"""Writing TOML by hand: fully escaped basic strings, bare keys, tables in a fixed order.

Everything that reaches the output goes through here, so a value from a hostile file
(quotes, backslashes, newlines, control characters) stays one TOML string. The output
of the same tables is the same bytes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections.abc import Iterable, Sequence

_BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")
_SHORT_ESCAPES = {"\b": "\\b", "\t": "\\t", "\n": "\\n", "\f": "\\f", "\r": "\\r", '"': '\\"', "\\": "\\\\"}
# C0 controls, DEL and C1 controls: TOML forbids the first two in strings; the third are
# escaped too, so the file shows them rather than carries them.
_NEEDS_ESCAPE = re.compile(r'[\x00-\x1f"\\\x7f-\x9f]')
_COMMENT_UNSAFE = re.compile(r"[\x00-\x1f\x7f-\x9f]")

Value = str | int | float | bool | dt.date | Sequence[str]
Field = tuple[str, Value]


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    return _SHORT_ESCAPES.get(char) or f"\\u{ord(char):04X}"


def string(text: str) -> str:
    """A TOML basic string holding exactly *text*."""
    return '"' + _NEEDS_ESCAPE.sub(_escape, text) + '"'


def key(name: str) -> str:
    """A key: bare when TOML allows it, else a quoted basic string."""
    return name if _BARE_KEY.fullmatch(name) else string(name)


def value(item: Value) -> str:
    """One TOML value. Floats must be finite; dates are written as TOML local dates."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if isinstance(item, int):
        return str(item)
    if isinstance(item, float):
        if not math.isfinite(item):
            raise ValueError(f"TOML has no room for {item!r} in a dataset")
        text = repr(item)
        return text if ("." in text or "e" in text) else text + ".0"
    if isinstance(item, dt.datetime):
        raise TypeError("datetimes are not written; give a date")
    if isinstance(item, dt.date):
        return item.isoformat()
    if isinstance(item, str):
        return string(item)
    return "[" + ", ".join(string(part) for part in item) + "]"


def comment(text: str) -> str:
    """One comment line; control characters are shown as escapes (a comment cannot hold them)."""
    return "# " + _COMMENT_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04X}", text) if text else "#"


def table(path: Sequence[str], fields: Iterable[Field], *, array: bool = False) -> str:
    """A [table] or [[array]] entry (path: its dotted key, part by part), keys aligned, in the order given."""
    header = ".".join(key(part) for part in path)
    rows = [(key(name), value(item)) for name, item in fields]
    width = max((len(name) for name, _ in rows), default=0)
    lines = [f"[[{header}]]" if array else f"[{header}]"]
    lines += [f"{name.ljust(width)} = {text}" for name, text in rows]
    return "\n".join(lines) + "\n"


def document(comments: Iterable[str], tables: Iterable[str]) -> str:
    """Comment lines, then the tables, one blank line between each."""
    head = "".join(comment(line) + "\n" for line in comments)
    return head + "\n" + "\n".join(tables)
