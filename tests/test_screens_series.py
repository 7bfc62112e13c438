"""Series tables as a person sees them (issue #24 items 4, 6, 13; design §4): one number format per
column, a table of four measures at 80 columns with its non-final marks explained under it, and
headings that name their measure."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests import helpers
from tests.terminal import run_in_pty

pytestmark = [pytest.mark.slow, pytest.mark.installed]

SOURCE = """
[sources.release-2025-11-29]
title     = "Funding release"
publisher = "U.S. Department of State"
url       = "https://example.gov/release"
short     = "Funding release 2025-11-29"
date      = 2025-11-29

[sources.estimates-2025]
title     = "Crop estimates"
publisher = "UNODC"
url       = "https://example.org/estimates"
date      = 2025-06-01
"""

MEASURES = {  # long labels, as the shipped ones are: the headings are the ids' distinctive words
    "fund-obligations": "Funding obligated for the country in a fiscal year (Funding release)",
    "fund-disbursements": "Funding disbursed to the country in a fiscal year (Funding release)",
    "fund-appropriated-planned": "Funding appropriated and planned for the country (Funding release)",
    "fund-budget-requests": "Funding for the country in the President's budget requests (Funding release)",
}
# FY2018's request and obligations are the kind of value "$251.4 million" used to stand for.
VALUES = {
    "fund-obligations": [322_635_181, 519_004_698, 1_100_000, 799_476_847, 828_255_355, 775_091_317,
                         687_494_105, 743_369_476, 586_471_266, 206_941_029],
    "fund-disbursements": [417_004_392, 408_624_579, 445_193_779, 503_508_048, 588_607_182, 754_980_397,
                           746_244_524, 708_572_701, 722_084_923, 247_720_907],
    "fund-appropriated-planned": [299_434_000, 386_269_000, 386_316_000, 424_871_000, 451_703_000,
                                  465_136_000, 484_369_000, 453_874_000, None, None],
    "fund-budget-requests": [288_726_000, 391_253_000, 251_400_000, 265_400_000, 344_400_000, 412_900_000,
                             453_850_000, 462_875_000, 444_525_000, 413_000_000],
}  # fmt: skip
YEARS = range(2016, 2026)


def _fact(measure: str, year: int, value: int) -> str:
    extra = ""
    if measure in ("fund-obligations", "fund-disbursements") and year == 2024:
        extra = 'status = "provisional"\n'
    if measure in ("fund-obligations", "fund-disbursements") and year == 2025:
        extra = 'status = "partial"\nend = 2025-04-02\n'
    if measure == "fund-budget-requests" and year == 2025:
        extra = 'status = "planned"\nqualifier = "approximately"\n'
    return f"""
[[facts]]
id = "{measure}-fy{year}"
topic = "aid"
text = "{measure} FY{year}"
value = {value}
unit = "USD"
date = "{year}"
source = "release-2025-11-29"
measure = "{measure}"
{extra}"""


COCA = """
[measures.coca-cultivation]
label = "Coca cultivation in the country (U.S. estimate)"
unit = "hectares"

[measures.coca-cultivation-unodc]
label = "Coca cultivation in the country (UNODC/SIMCI estimate)"
unit = "hectares"
""" + "".join(
    f"""
[[facts]]
id = "{measure}-{year}"
topic = "security"
text = "Coca cultivation in {year}"
value = {value}
unit = "hectares"
date = "{year}"
source = "estimates-2025"
measure = "{measure}"
"""
    for measure, year, value in [
        ("coca-cultivation", 2020, 245_000),
        ("coca-cultivation", 2021, 234_000),
        ("coca-cultivation-unodc", 2021, 204_000),
        ("coca-cultivation-unodc", 2023, 253_000),
    ]
)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    measures = "".join(
        f'\n[measures.{key}]\nlabel = "{label}"\nunit = "USD"\nperiod = "fiscal_year"\n'
        for key, label in MEASURES.items()
    )
    facts = "".join(
        _fact(measure, year, value)
        for measure, values in VALUES.items()
        for year, value in zip(YEARS, values, strict=True)
        if value is not None
    )
    path = tmp_path_factory.mktemp("series-screens") / "facts.toml"
    path.write_text(SOURCE + measures + COCA + facts, encoding="utf-8")
    return path


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def screen(args: list[str], data: Path, columns: int) -> list[str]:
    env = helpers.environment(USCO_DATA=str(data), TERM="xterm-256color", USCO_PAGER="cat")
    status, output = run_in_pty(args, env, columns=columns)
    assert status == 0, output
    return _ANSI.sub("", output).replace("\r\n", "\n").split("\n")


@pytest.mark.parametrize("columns", [80, 120])
def test_four_measures_stay_a_table_with_one_format_per_column_and_marks_explained(data: Path, columns: int) -> None:
    lines = screen(["series", *MEASURES, "--since", "2016"], data, columns)
    assert all(len(line) <= columns for line in lines), "\n".join(lines)
    rows = {line.split()[0]: line for line in lines if re.match(r"\s*FY20\d\d", line)}
    assert sorted(rows) == [f"FY{year}" for year in YEARS], "\n".join(lines)
    # A table: each period is one line carrying every figure of the period, whole dollars all.
    assert rows["FY2018"].split()[1:] == ["$1,100,000", "$445,193,779", "$386,316,000", "$251,400,000"]
    assert rows["FY2017"].split()[1:] == ["$519,004,698", "$408,624,579", "$386,269,000", "$391,253,000"]
    assert rows["FY2024"].split()[1:] == ["$586,471,266*", "$722,084,923*", "$444,525,000"]
    text = "\n".join(lines)
    assert "million" not in text and "(provisional)" not in text and "(partial" not in text
    fy2025 = rows["FY2025"]
    assert "$206,941,029†" in fy2025 and "$247,720,907†" in fy2025 and "$413,000,000" in fy2025
    assert "* provisional: the publisher was still collecting reports" in text
    assert "† partial: FY2025 to 2025-04-02" in text
    assert "‡ planned: a request, pledge or goal" in text
    # The qualifier is never lost: beside the figure, or as a mark explained under the table.
    assert "approximately $413,000,000‡" in fy2025 or (
        "$413,000,000§‡" in fy2025 and "§ approximately: FY2025 budget-requests" in text
    )


def test_at_80_columns_a_qualifier_becomes_a_mark_rather_than_a_list_of_blocks(data: Path) -> None:
    lines = screen(["series", *MEASURES, "--since", "2016"], data, 80)
    fy2025 = next(line for line in lines if line.lstrip().startswith("FY2025"))
    assert fy2025.rstrip().endswith("$413,000,000§‡"), fy2025


def test_headings_name_their_measure_with_whole_words(data: Path) -> None:
    for columns in (80, 120):
        lines = screen(["series", "coca-cultivation", "coca-cultivation-unodc"], data, columns)
        text = "\n".join(lines)
        assert not re.search(r"(^|\s)-unodc", text), text
        assert "245,000 hectares" in text
        heading = next(line for line in lines if "Period" in line)
        assert "cultivation-unodc" in heading or "(UNODC/SIMCI estimate)" in heading, text


@pytest.mark.parametrize("columns", [80, 120])
def test_a_chart_writes_every_bar_s_figure_the_same_way(data: Path, columns: int) -> None:
    lines = screen(["chart", "fund-budget-requests"], data, columns)
    text = "\n".join(lines)
    assert "$251,400,000" in text and "$391,253,000" in text and "approximately $413,000,000" in text, text
    assert "million" not in text
