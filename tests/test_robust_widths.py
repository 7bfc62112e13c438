"""Issue #25: an absurd COLUMNS (or LINES) is taken as 1,000 columns. 10**30 was an OverflowError,
100,000,000 ran for minutes and 10,000,000,000 exhausted 24 GB, 5,000 digits were more than int() reads."""

from __future__ import annotations

import resource
from pathlib import Path

import pytest

from tests.helpers import FULL, environment, run, write

pytestmark = [pytest.mark.slow, pytest.mark.installed]

ABSURD = {"10**30": "1" + "0" * 30, "10**8": "100000000", "5,000 digits": "9" * 5000}


def _limit_memory() -> None:  # a guard: without the bound, a run could take the machine's memory
    resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))


@pytest.mark.parametrize(
    "command",
    [["aid", "-f", "table"], ["chart", "aid-obligations", "-f", "table"], ["show", "obl-fy2024", "-f", "table"]],
)
def test_an_absurd_terminal_width_is_drawn_as_1000_columns(tmp_path: Path, command: list[str]) -> None:
    data = write(tmp_path, "full.toml", FULL)

    def drawn(**sizes: str) -> str:
        result = run("--data", str(data), *command, env=environment(**sizes), preexec_fn=_limit_memory)
        assert result.returncode == 0 and result.stderr in ("", "usco: no other facts match\n"), (
            sizes,
            result.stderr[-300:],
        )
        return str(result.stdout)

    at_the_bound = drawn(COLUMNS="1000")
    assert max(len(line) for line in at_the_bound.splitlines()) <= 1000
    for name, columns in ABSURD.items():
        assert drawn(COLUMNS=columns) == at_the_bound, name
    assert drawn(COLUMNS="1000", LINES="9" * 5000) == at_the_bound
