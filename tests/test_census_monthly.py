"""Monthly trade from the Census Bureau's country.xlsx (design §6, issue #21 item 3): every published
month of every release, none after the last one published, each a whole month and final."""

from __future__ import annotations

import io
from typing import Any

import pytest
import tomli

from tests.helpers import RAW, needed
from tests.test_imports import (
    CENSUS,
    MONTHS,
    NEWEST_MONTH,
    RELEASE,
    census_row,
    facts_by_id,
    imported,
    one_line_error,
    small_workbook,
)
from usco.importers import import_census_trade
from usco.importers.releases import ReleaseFile

MONTHLY = ("us-goods-exports-monthly", "us-goods-imports-monthly")


def monthly(content: bytes) -> dict[str, dict[str, Any]]:
    return {key: fact for key, fact in facts_by_id(import_census_trade(content, RELEASE)).items()
            if fact["measure"] in MONTHLY}  # fmt: skip


def test_the_monthly_measures_are_declared_by_month() -> None:
    data = tomli.loads(import_census_trade(small_workbook(), RELEASE))
    assert list(data["measures"]) == ["us-goods-exports", "us-goods-exports-monthly", "us-goods-imports",
                                      "us-goods-imports-monthly"]  # fmt: skip
    for measure in MONTHLY:
        assert data["measures"][measure]["period"] == "month"
        assert data["measures"][measure]["unit"] == "USD"
    assert data["measures"]["us-goods-imports-monthly"]["label"] == (
        "U.S. goods imports from Colombia, by month (Census Bureau)"
    )


def test_every_month_of_a_whole_year_and_the_published_ones_of_the_newest() -> None:
    # small_workbook: 2011 complete; 2012 imports to June, exports to May (so June is published).
    facts = monthly(small_workbook())
    assert sorted(f["date"] for f in facts.values() if f["measure"] == "us-goods-exports-monthly") == [
        *(f"2011-{m:02d}" for m in range(1, 13)), *(f"2012-{m:02d}" for m in range(1, 7)),
    ]  # fmt: skip
    assert len(facts) == 2 * (12 + 6)  # nothing after 2012-06: those 0s are placeholders
    june = facts["census-2025-04-02-exports-2012-06"]
    assert june["value"] == 0  # exports had no June yet imports did: a published month, and its figure is 0
    january = facts["census-2025-04-02-exports-2011-01"]
    assert january == {
        "id": "census-2025-04-02-exports-2011-01",
        "topic": "trade",
        "text": "U.S. goods exports to Colombia in January 2011",
        "value": 1_194_641_003,  # 1194.641003 million
        "unit": "USD",
        "date": "2011-01",
        "source": "census-trade-2025-04-02",
        "measure": "us-goods-exports-monthly",
        "tags": ["census"],
    }  # final: no status, no end (a month's figure is the whole month)
    assert facts["census-2025-04-02-imports-2012-03"]["value"] == 2_250_000
    assert facts["census-2025-04-02-imports-2012-06"]["text"] == "U.S. goods imports from Colombia in June 2012"


def test_months_follow_their_year_in_the_file() -> None:
    text = import_census_trade(small_workbook(), RELEASE)
    ids = [fact["id"] for fact in tomli.loads(text)["facts"] if fact["measure"] == "us-goods-imports-monthly"]
    assert ids == [f"census-2025-04-02-imports-{y}-{m:02d}" for y in (2011, 2012) for m in range(1, 13)
                   if (y, m) <= (2012, 6)]  # fmt: skip


def test_a_whole_newest_year_has_all_twelve_months() -> None:
    facts = monthly(small_workbook([census_row("2013", "3010", [1.0] * 12, [2.0] * 11 + [0])]))
    assert len(facts) == 24
    assert facts["census-2025-04-02-exports-2013-12"]["value"] == 0  # imports published December


def test_a_row_with_no_year_and_nothing_in_it_is_skipped() -> None:
    """The 2018 release has such a Colombia row, every value 0."""
    rows = [census_row("", "3010", [0] * 12, [0] * 12), census_row(None, "3010", [0] * 12, [0] * 12),
            census_row("2013", "3010", [1.0] * 12, [2.0] * 12)]  # fmt: skip
    facts = facts_by_id(import_census_trade(small_workbook(rows), RELEASE))
    assert {fact["date"][:4] for fact in facts.values()} == {"2013"}


def test_a_row_with_no_year_but_a_figure_is_refused() -> None:
    rows = [census_row("", "3010", [0] * 11 + [5.0], [0] * 12), census_row("2013", "3010", [1.0] * 12, [2.0] * 12)]
    assert "figures but no year" in one_line_error(import_census_trade, small_workbook(rows))


def test_a_bad_month_cell_is_one_line() -> None:
    row = census_row("2011", "3010", [1.0] * 12, [1.0] * 12)
    row[3 + 4] = "n/a"  # IMAY
    assert "IMAY of 2011 is 'n/a', not a number" in one_line_error(import_census_trade, small_workbook([row]))


# ------------------------------------------------------------------ every release, month by month


def cells(item: ReleaseFile) -> dict[tuple[int, str], float]:
    """(year, column) -> the cell, for every Colombia row with a year, read here without the importer."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(needed(RAW / item.raw).read_bytes()), read_only=True, data_only=True)
    rows = book["country"].iter_rows(values_only=True)
    header = next(rows)
    found = {}
    for row in rows:
        if str(row[header.index("CTY_CODE")]) == "3010" and row[0]:
            found |= {(int(row[0]), name): value for name, value in zip(header, row, strict=True)
                      if name[1:] in MONTHS}  # fmt: skip
    book.close()
    return found


@pytest.mark.slow
@pytest.mark.parametrize("item", CENSUS, ids=[item.release.date for item in CENSUS])
def test_each_release_gives_every_published_month_exactly(item: ReleaseFile) -> None:
    facts = {key: fact for key, fact in facts_by_id(imported(item)).items() if fact["measure"] in MONTHLY}
    figures = cells(item)
    newest = max(year for year, _ in figures)
    last = NEWEST_MONTH[item.release.date]  # shared/raw/README.md's "newest month" column
    expected = {(year, number) for year, _ in figures for number in range(1, 13) if (year, number) <= (newest, last)}
    day = item.release.date
    for flow, letter in (("exports", "E"), ("imports", "I")):
        mine = {key: fact for key, fact in facts.items() if fact["id"].startswith(f"census-{day}-{flow}-")}
        assert {(int(f["date"][:4]), int(f["date"][5:])) for f in mine.values()} == expected
        for year, number in expected:
            fact = mine[f"census-{day}-{flow}-{year}-{number:02d}"]
            assert fact["value"] == round(figures[(year, f"{letter}{MONTHS[number - 1]}")] * 1_000_000)
            assert "status" not in fact and "end" not in fact
        # after the last published month the file holds only 0s: placeholders, not written
        assert all(figures[(newest, f"{letter}{m}")] == 0 for m in MONTHS[last:])
