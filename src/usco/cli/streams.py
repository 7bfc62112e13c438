"""Standard streams as usco finds them: closed descriptors, narrow encodings, click's own errors.

main() prepares the streams before a command runs and shows click's usage errors in
plain, terminal-safe text (design §5).
"""

import errno
import io
import os
import sys
from typing import Any

from usco.cli.boundary import is_utf8
from usco.text import visible


def tolerate_narrow_encodings() -> None:
    """On an ASCII or Latin-1 stream, write what cannot be encoded as \\uXXXX instead of failing.

    In JSON that escape means the same character, so the output stays valid.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and not is_utf8(stream):
            reconfigure(errors="backslashreplace")


class ClosedOutput(io.TextIOBase):
    """sys.stdout when descriptor 1 was closed (`usco facts >&-`): every write fails, as a write to it would.

    Python sets sys.stdout to None then; code that asks it isatty() or writes help to it
    would raise AttributeError, or click would drop its help silently. This fails the
    write instead, so it ends as every other output failure does: one line, exit 1.
    """

    encoding = "utf-8"
    errors = "strict"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: Any) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def hold_standard_descriptors() -> None:
    """Put /dev/null on a closed descriptor 0, 1 or 2, so no file usco opens can land there.

    A closed stdout still fails every write (ClosedOutput); messages to a closed stderr
    still go nowhere (sys.stderr stays None, and say() writes nothing then).
    """
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            try:
                opened = os.open(os.devnull, os.O_RDWR)
                if opened != descriptor:
                    os.dup2(opened, descriptor)
                    os.close(opened)
            except OSError:
                pass
    if sys.stdout is None:
        sys.stdout = ClosedOutput()


def show_usage_error(error: Any) -> None:
    """click's own error (a usage error, exit 2), as click words it, but every line made safe."""
    lines = []
    context = getattr(error, "ctx", None)
    if context is not None:
        lines += [context.get_usage(), f"Try '{context.command_path} --help' for help.", ""]
    lines.append(f"Error: {error.format_message()}")
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write("".join(visible(line) + "\n" for text in lines for line in text.split("\n")))
        stream.flush()
    except (OSError, ValueError):
        pass


def close_options_only(error: Exception) -> None:
    """Keep only close "Possible options" for an unknown option: click offers --limit for --hist."""
    import difflib

    wanted, possible = getattr(error, "option_name", None), getattr(error, "possibilities", None)
    if isinstance(wanted, str) and isinstance(possible, list | tuple):
        close = [
            name for name in possible
            if name.startswith(wanted) or difflib.SequenceMatcher(None, wanted, name).ratio() >= 0.8
        ]  # fmt: skip
        error.possibilities = close  # type: ignore[attr-defined]
