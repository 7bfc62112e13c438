"""The one error boundary and the one way out: messages on stderr, output on stdout, exit codes (design §5).

Every command runs inside `with boundary():` and writes through write() or emit(), so a
usco error is one line and an exit code, a reader that went away is a quiet exit, and
everything else is a bug that propagates.
"""

import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn, Optional

import typer

from usco.model import DatasetError, DatasetReadError, UscoError
from usco.render.formats import OutputFormat
from usco.render.listings import Listing
from usco.text import visible

# Typer evaluates these annotations at run time, so Optional stays (not `X | None`) for 3.10.
# ruff: noqa: UP045


def say(message: str, *more: str) -> None:
    """A message on stderr, made safe; nowhere at all if stderr is closed (never into stdout).

    *message* is the first line ("usco: ..."), each of *more* one line after it. Every
    line is escaped whole (text.visible): a newline or escape inside a file name or a
    value is shown, never acted on, and cannot start a line of its own.
    """
    stream = sys.stderr
    if stream is None:
        return
    text = "".join(f"{line}\n" for line in [f"usco: {visible(message)}", *map(visible, more)])
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        pass


def fail(message: str, code: int = 1, *, more: Sequence[str] = ()) -> NoReturn:
    say(message, *more)
    raise typer.Exit(code)


@contextmanager
def boundary() -> Iterator[None]:
    """Turn usco's errors into one line and an exit code; everything else is a bug and propagates."""
    try:
        yield
    except DatasetReadError as error:
        fail(f"cannot use dataset {error}")
    except DatasetError as error:
        more = len(error.problems) - 1
        also = f" (and {more} more)" if more else ""
        say(f"invalid dataset: {error}{also}")  # the hint is a message line of its own
        fail(f"run `{_check_command(error)}` to list every problem")
    except UscoError as error:
        fail(str(error))
    except MemoryError:
        fail("out of memory; the dataset or the file is too large for this machine")


def _check_command(error: DatasetError) -> str:
    """The `usco check` that lists the same problems: with each --add file, so that one of them is named."""
    import shlex

    adds = [f"--add {shlex.quote(str(path))} " for path in error.also]
    return f"usco {''.join(adds)}check {shlex.quote(str(error.path))}"


def write(text: str, *, code: int = 0) -> None:
    """Write output; a reader that went away is a quiet exit (0, or *code* if that was not success).

    Any other failure (a full disk, a closed or revoked stdout) is one line on stderr and exit 1.
    """
    stream = sys.stdout
    if stream is None:
        fail("cannot write output: standard output is closed")
    try:
        _write_all(stream, text)
    except BrokenPipeError:
        # The reader stopped (`usco facts | head -1`): nothing went wrong. Point stdout at
        # /dev/null so the interpreter's final flush does not complain.
        silence(stream)
        raise typer.Exit(code) from None
    except (OSError, ValueError) as error:
        silence(stream)
        fail(f"cannot write output: {getattr(error, 'strerror', None) or error}", max(code, 1))


def _write_all(stream: Any, text: str) -> None:
    """Write *text* to *stream* in full, or raise: every byte to its descriptor, in a loop.

    A text stream's flush can return after a short write (a file-size limit reached
    mid-way) without an error, and the rest is lost at exit; os.write's count is checked.
    A stream without a descriptor (a test runner's) is written as a stream.
    """
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError, AttributeError):
        stream.write(text)
        stream.flush()
        return
    data = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
    stream.flush()  # anything written to the stream before goes first
    while data:
        try:
            written = os.write(descriptor, data)
        except BlockingIOError:  # a non-blocking stdout (some terminals, some pipes): wait until it takes more
            import select

            select.select([], [descriptor], [])
            continue
        data = data[written:]


def silence(stream: Any) -> None:
    """Point *stream*'s descriptor at /dev/null: what is still buffered then goes nowhere, quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def is_utf8(stream: Any) -> bool:
    return (getattr(stream, "encoding", None) or "").lower().replace("-", "") == "utf8"


def _on_terminal() -> bool:
    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except (ValueError, OSError):
        return False


def output_format(fmt: Optional[OutputFormat]) -> OutputFormat:
    if fmt is not None:
        return fmt
    return OutputFormat.TABLE if _on_terminal() else OutputFormat.TSV


def columns_of(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


def emit(listing: Listing, fmt: Optional[OutputFormat], *, no_header: bool = False, columns: Any = None,
          empty: str = "") -> None:  # fmt: skip
    """Render *listing* in the chosen format and write it; an empty table gets a note on stderr."""
    from usco.render.formats import ColumnError, render

    chosen = output_format(fmt)
    chosen_columns = columns_of(columns) if columns else None
    try:
        text = render(listing, chosen, header=not no_header, columns=chosen_columns, ascii_only=not is_utf8(sys.stdout))
    except ColumnError as error:  # the command line is wrong: exit 2 (design §4, §5)
        raise typer.BadParameter(str(error), param_hint="'--columns'") from None
    if not listing.records and empty and chosen is OutputFormat.TABLE:
        say(empty)
    write(text)
