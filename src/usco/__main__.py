"""Entry point for the `usco` script and `python -m usco`.

Signals, from launch to exit (design §5: Ctrl-C ends quietly with exit 130):

- usco/__init__.py, the first usco code the launcher runs, makes SIGINT exit 130 at
  once (nothing is open yet, so nothing needs cleaning up).
- Here, while usco's modules load, they still exit at once: a SystemExit raised there
  can land in a finalizer (a generator closed as it is freed), which Python reports
  as an ignored exception, with a traceback, and carries on.
- While the command runs, SIGINT and SIGTERM raise SystemExit(130 / 143), so every
  `finally` runs and a half-written temporary file is removed.
- Once the command is done and its output flushed, they exit at once again, so a
  signal during the interpreter's shutdown prints nothing.

The script leaves through run(), which skips the interpreter's teardown (see there);
main() returns the status instead, for a caller in the same process.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
from types import FrameType
from typing import NoReturn

_STATUS: dict[int, int] = {signal.SIGINT: 130, signal.SIGTERM: 143}


_OUT_OF_MEMORY = "usco: out of memory (even to start); a larger memory limit is needed"


def _leave(number: int, frame: FrameType | None) -> None:
    raise SystemExit(_STATUS.get(number, 128 + number))


def _leave_now(number: int, frame: FrameType | None) -> None:
    os._exit(_STATUS.get(number, 128 + number))


def _set_handlers(handler: signal.Handlers | object) -> None:
    for number in _STATUS:
        with contextlib.suppress(ValueError, OSError):  # not the main thread, or no such signal here
            signal.signal(number, handler)  # type: ignore[arg-type]


def main() -> int:
    """Run the CLI; return its exit status (the launcher passes it to sys.exit)."""
    _set_handlers(_leave_now)  # nothing is open while the modules load
    status = 0
    try:
        try:
            from usco.cli.app import main as run
        except ImportError as error:  # a module that cannot be loaded: no memory to map it, or a broken install
            out_of_memory = "failed to map" in str(error)  # what the dynamic loader says when memory runs out
            shown = str(error).encode("unicode_escape").decode("ascii")  # made visible, like every message
            _say(_OUT_OF_MEMORY if out_of_memory else f"usco: cannot load its modules ({shown})")
            return _flush_at_exit(1)
        except SystemError:  # "… returned NULL without setting an exception": an allocation failed in C
            _say(_OUT_OF_MEMORY)  # seen under an 18 MB address-space limit, importing typer (CI, 3.11)
            return _flush_at_exit(1)
        _set_handlers(_leave)
        run()
    except SystemExit as leaving:
        code = leaving.code
        status = code if isinstance(code, int) else (0 if code is None else 1)
    except KeyboardInterrupt:  # a SIGINT handler replaced by someone else
        status = 130
    except MemoryError:  # outside the CLI's own error boundary: while loading usco itself
        status = 1
        _say(_OUT_OF_MEMORY)
    finally:
        _set_handlers(_leave_now)
    return _flush_at_exit(status)


def _say(line: str) -> None:
    """One line on stderr, if there is one (usco.cli.app's say() may be what could not be loaded)."""
    if sys.stderr is not None:
        with contextlib.suppress(OSError, ValueError, MemoryError):
            sys.stderr.write(line)  # no work before the write: memory may have run out
            sys.stderr.write("\n")


def _silence(stream: object) -> None:
    """Point a stream's descriptor at /dev/null, so the interpreter's last flush cannot fail."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())  # type: ignore[attr-defined]
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def _flush_at_exit(status: int) -> int:
    """Flush what Python still buffers; a failure is one line and exit 1, a closed pipe is quiet."""
    stdout = sys.stdout
    if stdout is not None:
        try:
            stdout.flush()
        except BrokenPipeError:
            _silence(stdout)
        except (OSError, ValueError) as error:
            _silence(stdout)
            if status == 0:
                status = 1
                if sys.stderr is not None:
                    with contextlib.suppress(OSError, ValueError):
                        sys.stderr.write(f"usco: cannot write output: {getattr(error, 'strerror', None) or error}\n")
    if sys.stderr is not None:
        try:
            sys.stderr.flush()
        except (OSError, ValueError):
            _silence(sys.stderr)
    return status


def run() -> NoReturn:
    """The `usco` script and `python -m usco`: run the CLI, then leave at once with its status.

    The interpreter's teardown frees every module and object one at a time: with typer
    loaded that is about 35 ms, longer than usco's whole query, and it does nothing a
    finished command needs. By now the output is flushed, every file usco wrote is
    closed and in place, and usco registers no exit handlers.
    """
    os._exit(main())


if __name__ == "__main__":
    run()
