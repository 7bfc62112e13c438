"""The shipped aid series with issue #21's numbers: ForeignAssistance.gov's release of 2025-11-29 (a
re-saved copy), its status rule, and a date_note that says what is not known of its day."""

from __future__ import annotations

import csv
import json
from collections.abc import Callable

import pytest
from typer.testing import Result

from tests.helpers import RAW, needed

Run = Callable[..., Result]
pytestmark = pytest.mark.usefixtures("shared_cache")

RELEASE = "foreignassistance-2025-11-29"


def cells(release: str) -> dict[tuple[str, str], int]:
    """(transaction type name, fiscal year) -> current_amount for Colombia, read straight from the file."""
    path = needed(RAW / "foreignassistance" / f"us_foreign_aid_country.{release}.csv")
    with path.open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    header = [name.strip().lower().replace(" ", "_") for name in table[0]]
    code, kind, year, amount = (header.index(n) for n in ("country_code", "transaction_type_name", "fiscal_year",
                                                           "current_amount"))  # fmt: skip
    return {(row[kind], row[year]): int(row[amount]) for row in table[1:] if row and row[code] == "COL"}


def facts(usco: Run, *args: str) -> list[dict[str, object]]:
    result = usco(*args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


def test_fy2024_and_fy2025_obligations_are_the_2025_11_29_release(usco: Run) -> None:
    found = {f["id"]: f for f in facts(usco, "aid", "--measure", "aid-obligations", "--since", "2024")}
    assert set(found) == {"fa-2025-11-29-obligations-fy2024", "fa-2025-11-29-obligations-fy2025"}
    assert found["fa-2025-11-29-obligations-fy2024"]["value"] == 586_471_266
    assert found["fa-2025-11-29-obligations-fy2025"]["value"] == 206_941_029
    # Published after FY2025 ended (2025-09-30) by the commit day: both provisional, as §2's rule says.
    assert {f["status"] for f in found.values()} == {"provisional"}
    cell = cells("2025-11-29")
    assert (cell[("Obligations", "2024")], cell[("Obligations", "2025")]) == (586_471_266, 206_941_029)


def test_aid_since_2016_reaches_fy2025_from_that_release(usco: Run) -> None:
    found = facts(usco, "aid", "--since", "2016")
    series = [f for f in found if f["measure"] in ("aid-obligations", "aid-disbursements")]
    assert {f["date"] for f in series} == {str(year) for year in range(2016, 2026)}
    assert {f["source"]["id"] for f in series} == {RELEASE}  # type: ignore[index]
    cell = cells("2025-11-29")
    names = {"aid-obligations": "Obligations", "aid-disbursements": "Disbursements"}
    for fact in series:
        assert fact["value"] == cell[(names[str(fact["measure"])], str(fact["date"]))], fact["id"]


def test_latest_is_fy2023_final_with_fy2024_and_fy2025_beside_it_marked(usco: Run) -> None:
    found = facts(usco, "aid", "--latest", "--measure", "aid-obligations")
    assert [(f["date"], f["status"], f["value"]) for f in found] == [
        ("2023", "final", 743_369_476),
        ("2024", "provisional", 586_471_266),
        ("2025", "provisional", 206_941_029),
    ]
    table = usco("aid", "--latest", "--measure", "aid-obligations", "-f", "table", env={"COLUMNS": "120"}).stdout
    assert "(provisional)" in table or "*" in table


def test_the_release_says_its_day_is_unknown_within_a_window(usco: Run) -> None:
    (source,) = [s for s in facts(usco, "sources") if s["id"] == RELEASE]
    assert source["date"] == "2025-11-29"
    note = str(source["date_note"])
    assert "unknown" in note and "after its release of 2025-04-02" in note and "no later than this day" in note
    assert "Fiscal year 2025 ended on 2025-09-30 and may not have been over when the data were published" in note
    assert source["copy_url"] == (
        "https://github.com/ltadikonda2007/Personal-data-set-project/blob/2aceea2cd9fdb45c91c00cfd76e9944ec35c86b3/"
        "us_foreign_aid_country.csv"
    )


def test_a_reclassification_moved_twelve_million_from_fy2017_to_fy2018(usco: Run) -> None:
    """shared/raw/README.md: $12,000,002 of FY2017 obligations and disbursements moved to FY2018."""
    argv = ("facts", "--measure", "aid-obligations", "--since", "2017", "--until", "2018", "--history")
    found = {f["id"]: f["value"] for f in facts(usco, *argv)}
    assert found["fa-2025-04-02-obligations-fy2017"] == 531_004_700
    assert found["fa-2025-11-29-obligations-fy2017"] == 519_004_698  # 12,000,002 less
    assert found["fa-2025-04-02-obligations-fy2018"] == 516_359_652
    assert found["fa-2025-11-29-obligations-fy2018"] == 528_359_654  # 12,000,002 more


def test_history_of_fy2020_ends_with_the_2025_11_29_release(usco: Run) -> None:
    argv = ("facts", "--measure", "aid-obligations", "--since", "2020", "--until", "2020", "--history")
    found = facts(usco, *argv)
    assert [f["source"]["date"] for f in found][-2:] == ["2025-04-02", "2025-11-29"]  # type: ignore[index]
    assert found[-1]["value"] == cells("2025-11-29")[("Obligations", "2020")] == 828_255_355
