"""Output taller than the terminal through a pager, as git and gh do (design §4).

On a terminal, what a reading command writes is held while it runs (sys.stdout and
sys.stderr are replaced by holders), then let out: through the pager when it is taller
than the screen, plainly otherwise. The pager is $USCO_PAGER, else $PAGER, else
`less -FRX` (quits at once when it fits, keeps Rich's colours); an empty value or `cat`
means none, and so does TERM=dumb when no pager is named. A pager that cannot be started
falls back to plain output. Messages written to stderr once output is held are held
behind it, so a person still reads them after the output they follow. usco.cli.app
decides when to hold (a terminal, a reading command, no --no-pager); this module is
imported only then.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import shlex
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, TextIO

#: The pager when neither USCO_PAGER nor PAGER names one.
DEFAULT = ("less", "-FRX")
_CODES = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")  # colours, hyperlinks


class _Held(io.TextIOBase):
    """A standard stream while output is held: each write kept, in order, in the shared *chunks*.

    It has no descriptor, so usco.cli.boundary.write writes to it as a stream. stderr is
    held only once stdout has written something: a message before any output goes at once.
    """

    def __init__(self, real: TextIO, chunks: list[tuple[bool, str]], *, out: bool) -> None:
        super().__init__()
        self.real, self.chunks, self.out = real, chunks, out

    @property
    def encoding(self) -> str:  # type: ignore[override]  # the real stream's, for is_utf8 and Rich
        return getattr(self.real, "encoding", None) or "utf-8"

    @property
    def errors(self) -> str | None:  # type: ignore[override]
        return getattr(self.real, "errors", None)

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return bool(self.real.isatty())

    def fileno(self) -> int:
        raise io.UnsupportedOperation("output is held for the pager")

    def write(self, text: Any) -> int:
        if not self.out and not any(out for out, _ in self.chunks):
            self.real.write(text)
            self.real.flush()
        else:
            self.chunks.append((self.out, str(text)))
        return len(text)

    def flush(self) -> None:
        pass


@contextmanager
def held() -> Iterator[None]:
    """Hold stdout and stderr while the block runs, then let the output out (see the module's doc)."""
    real_out, real_err = sys.stdout, sys.stderr
    chunks: list[tuple[bool, str]] = []
    sys.stdout = _Held(real_out, chunks, out=True)
    sys.stderr = _Held(real_err, chunks, out=False)
    interrupted = False
    try:
        yield
    except SystemExit as leaving:
        interrupted = leaving.code in (130, 143)  # Ctrl-C or SIGTERM: what was written, but no pager to quit
        raise
    finally:
        sys.stdout, sys.stderr = real_out, real_err
        _let_out(chunks, page=not interrupted)


def command() -> list[str] | None:
    """The pager's command line, or None for no pager (design §4)."""
    for name in ("USCO_PAGER", "PAGER"):
        if name in os.environ:
            given = os.environ[name]
            break
    else:
        return None if os.environ.get("TERM", "").lower() == "dumb" else list(DEFAULT)
    try:
        words = shlex.split(given)
    except ValueError:  # unbalanced quotes: no pager rather than a wrong one
        return None
    return None if not words or words == ["cat"] else words


def taller_than_screen(text: str) -> bool:
    """Would *text* push its first line off the terminal (one line is left for the prompt)?"""
    import shutil

    columns, rows = shutil.get_terminal_size()
    lines = 0
    for line in text.splitlines():
        lines += max(1, -(-len(_CODES.sub("", line)) // max(columns, 1)))  # a long line wraps
        if lines >= rows:
            return True
    return False


def _let_out(chunks: list[tuple[bool, str]], *, page: bool) -> None:
    """Write what was held: the output through the pager if it needs one (and *page*), then the held
    messages; else everything in the order it was written."""
    output = "".join(text for out, text in chunks if out)
    pager = command() if page and output and taller_than_screen(output) else None
    if pager is not None and _page(pager, output):
        chunks = [(out, text) for out, text in chunks if not out]
    for out, text in chunks:
        if out:
            _write(text)
        elif sys.stderr is not None:
            try:
                sys.stderr.write(text)
                sys.stderr.flush()
            except (OSError, ValueError):
                pass


def _write(text: str) -> None:
    """Plain output, as every command writes it; a failure there ends the call as it would have."""
    import typer

    from usco.cli.boundary import write

    try:
        write(text)
    except typer.Exit as leaving:  # a revoked terminal (EIO): one line was said, exit 1
        raise SystemExit(leaving.exit_code) from None


def _page(pager: list[str], text: str) -> bool:
    """Run *pager* on *text* and wait for it; False if it cannot be started (plain output then)."""
    import signal
    import subprocess  # only when paging: a terminal call that fits the screen need not import it

    stdout = sys.stdout
    data = text.encode(getattr(stdout, "encoding", None) or "utf-8", getattr(stdout, "errors", None) or "strict")
    env = dict(os.environ)
    env.setdefault("LESS", "FRX")  # as git sets them: a bare `less` keeps colour and quits when it fits
    env.setdefault("LV", "-c")
    try:
        stdout.flush()
        process = subprocess.Popen(pager, stdin=subprocess.PIPE, env=env)
    except (OSError, ValueError):
        return False
    # Ctrl-C belongs to the pager while it runs (less clears a search with it): usco waits.
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        assert process.stdin is not None  # stdin=PIPE
        stdin = process.stdin
        for step in (lambda: stdin.write(data), stdin.close):
            with contextlib.suppress(OSError):  # the reader quit before the end (q in less): nothing went wrong
                step()
        process.wait()
    finally:
        signal.signal(signal.SIGINT, previous)
    return True
