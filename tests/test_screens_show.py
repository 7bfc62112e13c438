"""`usco show` of a fact in a long series, as a person sees it (issue #24 item 1, design §4): the fact,
every version of its own period, a dozen neighbouring periods and the command that lists the rest."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest

from tests import helpers
from tests.terminal import run_in_pty

pytestmark = [pytest.mark.slow, pytest.mark.installed]

RELEASES = ("2021-04-18", "2023-09-29", "2025-04-02")
YEARS = range(1976, 2020)


def _dataset() -> str:
    parts = ['[measures.spend]\nlabel = "Spending"\nunit = "USD"\nperiod = "fiscal_year"\n']
    for day in RELEASES:
        parts.append(
            f'[sources.release-{day}]\ntitle = "Release {day}"\npublisher = "Agency"\n'
            f'url = "https://example.gov/{day}"\nshort = "Release {day}"\ndate = {day}\n'
        )
    for number, day in enumerate(RELEASES):
        for year in YEARS:
            parts.append(
                f'[[facts]]\nid = "r{day}-fy{year}"\ntopic = "aid"\ntext = "Spending in FY{year}"\n'
                f'value = {year * 1000 + number}\nunit = "USD"\ndate = "{year}"\n'
                f'source = "release-{day}"\nmeasure = "spend"\n'
            )
    return "\n".join(parts)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("show-screens") / "facts.toml"
    path.write_text(_dataset(), encoding="utf-8")
    return path


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def screen(args: list[str], data: Path, columns: int) -> list[str]:
    env = helpers.environment(USCO_DATA=str(data), TERM="xterm-256color", USCO_PAGER="cat")
    status, output = run_in_pty(args, env, columns=columns)
    assert status == 0, output
    return _ANSI.sub("", output).replace("\r\n", "\n").split("\n")


@pytest.mark.parametrize("columns", [80, 120])
def test_show_of_a_long_series_is_its_own_period_and_a_dozen_neighbours(data: Path, columns: int) -> None:
    lines = screen(["show", "r2023-09-29-fy2000"], data, columns)
    text = "\n".join(lines)
    assert len(lines) <= 2 * 50, text  # one or two screens; it was every version of 45 years
    # Every version of FY2000, the fact's own period, its later revision marked.
    assert "r2021-04-18-fy2000: FY2000:" in text and "r2025-04-02-fy2000: FY2000:" in text
    assert re.search(r"superseded by\s+r2025-04-02-fy2000", text), text  # the fact itself is superseded
    assert "[superseded by r2023-09-29-fy2000]" in text  # and so is its first version
    # Twelve periods around it, current versions only; none far away.
    shown = sorted(set(re.findall(r"r2025-04-02-fy(\d{4}): FY", text)) - {"2000"})
    assert shown == [str(year) for year in range(1994, 2007) if year != 2000], shown
    assert "r2021-04-18-fy1999" not in text and "fy1976" not in text and "fy2019" not in text
    assert "usco series spend" in " ".join(text.split()) and "12 of 43 other periods shown" in text


def test_show_near_the_start_of_a_series_takes_its_neighbours_after_it(data: Path) -> None:
    text = "\n".join(screen(["show", "r2025-04-02-fy1976"], data, 120))
    shown = sorted(set(re.findall(r"r2025-04-02-fy(\d{4}): FY", text)))
    assert shown == [str(year) for year in range(1977, 1989)], shown


def test_machine_formats_still_give_the_whole_series(data: Path) -> None:
    env = helpers.environment(USCO_DATA=str(data))
    done = subprocess.run([helpers.USCO, "show", "r2023-09-29-fy2000", "-f", "json"], env=env, capture_output=True)
    assert done.returncode == 0, done.stderr
    assert len(json.loads(done.stdout)["series"]) == len(RELEASES) * len(YEARS) - 1
