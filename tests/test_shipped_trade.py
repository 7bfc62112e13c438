"""The shipped trade series with issue #21's numbers: seven Census releases, each dated by its workbook,
annual and monthly. Every figure here was read off the release files (shared/raw/README.md and the
cells themselves; the slow test at the end reads them again without the importer)."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable

import pytest
from typer.testing import Result

from tests.helpers import RAW, needed

Run = Callable[..., Result]
pytestmark = pytest.mark.usefixtures("shared_cache")

ANNUAL = ("us-goods-exports", "us-goods-imports")
MONTHLY = ("us-goods-exports-monthly", "us-goods-imports-monthly")

# (measure, period) -> (value, status, end, source): EYR/IYR of the workbook generated 2026-03-04.
NEWEST = {
    ("us-goods-exports", "2024"): (18_695_383_088, "final", "", "census-trade-2026-03-04"),
    ("us-goods-imports", "2024"): (17_864_616_422, "final", "", "census-trade-2026-03-04"),
    ("us-goods-exports", "2025"): (19_394_474_777, "final", "", "census-trade-2026-03-04"),
    ("us-goods-imports", "2025"): (17_814_233_177, "final", "", "census-trade-2026-03-04"),
    ("us-goods-exports", "2026"): (1_562_951_140, "partial", "2026-01", "census-trade-2026-03-04"),
    ("us-goods-imports", "2026"): (1_562_614_677, "partial", "2026-01", "census-trade-2026-03-04"),
}


def rows(usco: Run, *args: str) -> list[dict[str, str]]:
    result = usco(*args, "-f", "csv")
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def annual(usco: Run, *args: str) -> dict[tuple[str, str], tuple[int, str, str, str]]:
    return {(row["measure"], row["date"]): (int(row["value"]), row["status"], row["end"], row["source_id"])
            for row in rows(usco, "trade", *args) if row["measure"] in ANNUAL}  # fmt: skip


def test_trade_reaches_january_2026(usco: Run) -> None:
    found = annual(usco, "--since", "2024")
    assert found == NEWEST


def test_as_of_the_end_of_2024_gives_the_release_generated_2024_10_01(usco: Run) -> None:
    found = annual(usco, "--since", "2024", "--as-of", "2024-12-31")
    assert found == {
        ("us-goods-exports", "2024"): (12_142_241_076, "partial", "2024-08", "census-trade-2024-10-01"),
        ("us-goods-imports", "2024"): (11_671_637_365, "partial", "2024-08", "census-trade-2024-10-01"),
    }


def test_the_two_copies_of_november_2024_are_ordered_by_the_day_each_was_generated(usco: Run) -> None:
    """Committed 2024-11-01 and 2024-11-03, generated 2024-07-29 (to June) and 2024-10-01 (to August)."""
    before = annual(usco, "--since", "2024", "--as-of", "2024-09-30")
    assert {key: (value[2], value[3]) for key, value in before.items()} == {
        ("us-goods-exports", "2024"): ("2024-06", "census-trade-2024-07-29"),
        ("us-goods-imports", "2024"): ("2024-06", "census-trade-2024-07-29"),
    }
    assert before[("us-goods-imports", "2024")][0] == 8_714_975_690
    after = annual(usco, "--since", "2024", "--as-of", "2024-10-01")
    assert {value[3] for value in after.values()} == {"census-trade-2024-10-01"}
    history = rows(usco, "facts", "--measure", "us-goods-imports", "--since", "2024", "--until", "2024", "--history")
    assert [(row["source_date"], row["status"], row["end"]) for row in history] == [
        ("2024-07-29", "partial", "2024-06"),
        ("2024-10-01", "partial", "2024-08"),
        ("2026-03-04", "final", ""),
    ]


def test_january_2026_imports_in_one_command(usco: Run) -> None:
    found = rows(usco, "facts", "--measure", "us-goods-imports-monthly", "--since", "2026-01", "--until", "2026-01")
    assert [(row["id"], row["date"], row["value"], row["status"]) for row in found] == [
        ("census-2026-03-04-imports-2026-01", "2026-01", "1562614677", "final"),  # IJAN 1562.614677
    ]


def test_history_shows_how_a_month_was_revised(usco: Run) -> None:
    argv = ("facts", "--measure", "us-goods-imports-monthly", "--since", "2024-01", "--until", "2024-01", "--history")
    assert [(row["id"], row["value"], row["superseded_by"]) for row in rows(usco, *argv)] == [
        ("census-2024-07-29-imports-2024-01", "1550230045", "census-2024-10-01-imports-2024-01"),
        ("census-2024-10-01-imports-2024-01", "1550230045", "census-2026-03-04-imports-2024-01"),
        ("census-2026-03-04-imports-2024-01", "1550641178", ""),  # Census's annual revision
    ]


def test_the_monthly_series_runs_from_1985_to_the_newest_month_with_no_placeholder(usco: Run) -> None:
    found = rows(usco, "series", *MONTHLY)
    periods = [row["period"] for row in found if row["measure"] == "us-goods-exports-monthly"]
    assert periods[0] == "1985-01" and periods[-1] == "2026-01"
    assert len(periods) == 41 * 12 + 1  # every month of 1985–2025, and January 2026
    assert len(periods) == len(set(periods))
    assert {row["status"] for row in found} == {"final"}


def test_every_release_is_a_revision_of_the_one_before(usco: Run) -> None:
    argv = ("series", "us-goods-exports", "--history", "--since", "2022", "--until", "2022")
    assert [(row["source_date"], row["value"], row["status"]) for row in rows(usco, *argv)] == [
        ("2022-03-26", "1500341706", "partial"),  # January 2022 only; re-saved that day
        ("2023-03-01", "20573031967", "final"),
        ("2024-07-29", "20917354556", "final"),
        ("2024-10-01", "20917354556", "final"),
        ("2026-03-04", "21134107473", "final"),
    ]


def test_usco_trade_on_a_terminal_names_the_monthly_series_and_lists_none(usco: Run) -> None:
    out = usco("trade", "--since", "2025", "-f", "table", env={"COLUMNS": "120"}).stdout
    assert "Each month: usco series us-goods-exports-monthly us-goods-imports-monthly" in out
    assert "$19,394,474,777" in out and "$17,814,233,177" in out
    assert "census-2026-03-04-imports-2025-01" not in out
    asked = usco("trade", "--since", "2026", "--measure", "us-goods-imports-monthly", "-f", "table").stdout
    assert "census-2026-03-04-imports-2026-01" in asked and "Each month:" not in asked


def test_the_census_sources_say_how_each_was_dated(usco: Run) -> None:
    found = rows(usco, "sources", "--source-kind", "government")
    census = {row["id"]: row for row in found if row["id"].startswith("census-trade-")}
    assert sorted(census) == [f"census-trade-{day}" for day in ("2018-10-01", "2020-09-29", "2022-03-26",
                              "2023-03-01", "2024-07-29", "2024-10-01", "2026-03-04")]  # fmt: skip


@pytest.mark.slow
def test_the_numbers_above_are_the_cells_of_the_release_files() -> None:
    """Read here without the importer: EYR, IYR and IJAN of Colombia (CTY_CODE 3010) in each workbook."""
    from openpyxl import load_workbook

    def cell(copy: str, year: str, column: str) -> int:
        book = load_workbook(io.BytesIO(needed(RAW / "census" / f"country.{copy}.xlsx").read_bytes()),
                             read_only=True, data_only=True)  # fmt: skip
        sheet = book["country"].iter_rows(values_only=True)
        header = next(sheet)
        (row,) = [r for r in sheet if r[header.index("CTY_CODE")] == "3010" and r[0] == year]
        book.close()
        return round(row[header.index(column)] * 1_000_000)

    assert cell("2026-04-14", "2024", "EYR") == 18_695_383_088
    assert cell("2026-04-14", "2024", "IYR") == 17_864_616_422
    assert cell("2026-04-14", "2025", "EYR") == 19_394_474_777
    assert cell("2026-04-14", "2025", "IYR") == 17_814_233_177
    assert cell("2026-04-14", "2026", "IJAN") == 1_562_614_677
    assert cell("2026-04-14", "2026", "IFEB") == 0  # a placeholder: not a figure
    assert cell("2024-11-03", "2024", "EYR") == 12_142_241_076
    assert cell("2024-11-03", "2024", "IAUG") == 1_469_680_943
    assert cell("2024-11-03", "2024", "ISEP") == 0
    assert cell("2024-11-01", "2024", "IJAN") == 1_550_230_045
    assert cell("2026-04-14", "2024", "IJAN") == 1_550_641_178
