"""`usco series … --wide`: the grid a spreadsheet wants, in every machine format (issue #24 item 10,
design §4): one row per period, a value and a status column per measure, raw numbers."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests import helpers

Run = Callable[..., Result]

DATA = """
[sources.release-2024]
title     = "Release 2024"
publisher = "Agency"
url       = "https://example.gov/2024"
date      = 2024-12-22

[sources.release-2025]
title     = "Release 2025"
publisher = "Agency"
url       = "https://example.gov/2025"
date      = 2025-04-02

[measures.spent]
label  = "Spent"
unit   = "USD"
period = "fiscal_year"

[measures.asked]
label  = "Asked"
unit   = "USD"
period = "fiscal_year"

[[facts]]
id = "spent-fy2023"
topic = "aid"
text = "Spent in FY2023"
value = 743369476
unit = "USD"
date = "2023"
source = "release-2024"
measure = "spent"

[[facts]]
id = "spent-fy2024-old"
topic = "aid"
text = "Spent in FY2024"
value = 34743304
unit = "USD"
date = "2024"
status = "provisional"
source = "release-2024"
measure = "spent"

[[facts]]
id = "spent-fy2024"
topic = "aid"
text = "Spent in FY2024"
value = 447245358
unit = "USD"
date = "2024"
status = "provisional"
source = "release-2025"
measure = "spent"

[[facts]]
id = "asked-fy2024"
topic = "aid"
text = "Asked for FY2024"
value = 251400000
unit = "USD"
date = "2024"
status = "final"
source = "release-2024"
measure = "asked"
"""

CSV = """\
period,spent,spent_status,asked,asked_status
FY2023,743369476,final,,
FY2024,447245358,provisional,251400000,final
"""


@pytest.fixture
def data(write_dataset: Callable[[str], Path]) -> Path:
    return write_dataset(DATA)


def test_wide_csv_is_one_row_per_period(usco: Run, data: Path) -> None:
    assert helpers.ok(usco("series", "spent", "asked", "--wide", "-f", "csv", data=data)) == CSV


def test_wide_tsv(usco: Run, data: Path) -> None:
    assert helpers.ok(usco("series", "spent", "asked", "--wide", "-f", "tsv", data=data)) == CSV.replace(",", "\t")


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_wide_json_has_raw_numbers_and_nulls(usco: Run, data: Path, fmt: str) -> None:
    out = helpers.ok(usco("series", "spent", "asked", "--wide", "-f", fmt, data=data))
    objects = json.loads(out) if fmt == "json" else [json.loads(line) for line in out.splitlines()]
    assert objects == [
        {"period": "FY2023", "spent": 743369476, "spent_status": "final", "asked": None, "asked_status": None},
        {"period": "FY2024", "spent": 447245358, "spent_status": "provisional", "asked": 251400000,
         "asked_status": "final"},
    ]  # fmt: skip


def test_wide_history_names_the_release_of_each_row(usco: Run, data: Path) -> None:
    out = helpers.ok(usco("series", "spent", "--wide", "--history", "-f", "csv", data=data))
    assert out == (
        "period,source_id,spent,spent_status\n"
        "FY2023,release-2024,743369476,final\n"
        "FY2024,release-2024,34743304,provisional\n"
        "FY2024,release-2025,447245358,provisional\n"
    )


def test_a_qualified_figure_keeps_its_qualifier(usco: Run, write_dataset: Callable[[str], Path]) -> None:
    approximate = DATA.replace("value = 251400000\n", 'value = 251400000\nqualifier = "approximately"\n')
    out = helpers.ok(usco("series", "asked", "--wide", "-f", "csv", data=write_dataset(approximate)))
    assert out == "period,asked,asked_status,asked_qualifier\nFY2024,251400000,final,approximately\n"


@pytest.mark.slow
@pytest.mark.installed
def test_installed_usco_writes_the_wide_grid_through_a_pipe(data: Path) -> None:
    done = helpers.run("series", "spent", "asked", "--wide", "-f", "csv", env=helpers.environment(USCO_DATA=str(data)))
    assert (done.returncode, done.stdout, done.stderr) == (0, CSV, "")
    shown = helpers.run("series", "--help", env=helpers.environment(COLUMNS="100")).stdout
    assert "--wide" in shown and "usco series aid-obligations aid-disbursements --wide -f csv" in shown
