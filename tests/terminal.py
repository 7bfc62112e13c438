"""Run the installed usco on a pseudo-terminal, as a person at a terminal would."""

from __future__ import annotations

import os
import pty
import select
import struct
import subprocess
import termios
import time
from fcntl import ioctl

import pytest

from tests.helpers import USCO


def run_in_pty(args: list[str], env: dict[str, str], columns: int = 120, hang_guard: float = 60) -> tuple[int, str]:
    """Exit status and screen output of `usco ARGS`, stdout and stderr on a terminal *columns* wide.

    *hang_guard* fails the test if usco stops producing output for that long: a guard, not a timer.
    """
    main, secondary = pty.openpty()
    ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 50, columns, 0, 0))
    process = subprocess.Popen([USCO, *args], stdout=secondary, stderr=secondary, stdin=subprocess.DEVNULL, env=env)
    os.close(secondary)
    chunks, deadline = [], time.monotonic() + hang_guard
    try:
        while True:
            ready, _, _ = select.select([main], [], [], max(0.0, deadline - time.monotonic()))
            if not ready:
                process.kill()
                pytest.fail(f"usco {' '.join(args)} hung on a terminal")
            try:
                chunk = os.read(main, 65536)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            chunks.append(chunk)
    finally:
        os.close(main)
    return process.wait(timeout=hang_guard), b"".join(chunks).decode("utf-8", "replace")
