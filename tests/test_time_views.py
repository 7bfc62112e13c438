"""Issue #10: fiscal years, statuses, revisions and the time views, as a user sees them (design §2, §4)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

import usco
from tests.helpers import with_series, write
from usco import text

Run = Callable[..., Result]

# Every test here reads datasets no test changes: one cache for the run, each parsed once.
pytestmark = pytest.mark.usefixtures("shared_cache")

VIEWS = """\
[sources.r1]
title     = "Release one"
publisher = "ForeignAssistance.gov"
kind      = "government"
url       = "https://example.gov/r1"
short     = "Release 2023"
date      = 2023-11-15

[sources.r2]
title     = "Release two"
publisher = "ForeignAssistance.gov"
kind      = "government"
url       = "https://example.gov/r2"
short     = "Release 2024"
date      = 2024-12-22

[measures.obl]
label  = "Obligations"
unit   = "USD"
period = "fiscal_year"
"""


def figure(fact_id: str, source: str, year: int, value: int, status: str = "final", end: str = "", **more: str) -> str:
    lines = [
        "[[facts]]", f'id = "{fact_id}"', 'topic = "aid"', f'text = "Obligations {fact_id}"', f"value = {value}",
        'unit = "USD"', f'date = "{year}"', f'source = "{source}"',
    ]  # fmt: skip
    if "part_of" not in more:
        lines.append('measure = "obl"')
    lines += [f'{key} = "{value}"' for key, value in more.items()]
    if status != "final":
        lines.append(f'status = "{status}"')
    if end:
        lines.append(f'end = "{end}"')
    return "\n".join(lines) + "\n"


FACTS = "\n".join(
    [
        figure("r1-fy2022", "r1", 2022, 100),
        figure("r1-fy2022-part", "r1", 2022, 40, part_of="r1-fy2022"),
        figure("r1-fy2023", "r1", 2023, 200, "provisional"),
        figure("r1-fy2024", "r1", 2024, 10, "partial", "2023-11"),
        figure("r2-fy2023", "r2", 2023, 210),
        figure("r2-fy2023-part", "r2", 2023, 50, part_of="r2-fy2023"),
        figure("r2-fy2024", "r2", 2024, 300, "provisional"),
        figure("r2-fy2025", "r2", 2025, 30, "partial", "2024-12"),
    ]
)


@pytest.fixture
def views(tmp_path: Path) -> Path:
    return write(tmp_path, "views.toml", VIEWS + "\n" + FACTS)


@pytest.fixture(scope="module")
def series(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every shipped official series, through one including file."""
    return with_series(tmp_path_factory.mktemp("series"), "foreignassistance-*.toml", "census-trade-*.toml")


def csv_rows(result: Result) -> list[dict[str, str]]:
    assert result.exit_code == 0, result.stderr
    return list(csv.DictReader(io.StringIO(result.stdout)))


def ids(result: Result) -> list[str]:
    return [row["id"] for row in csv_rows(result)]


# ---------------------------------------------------------------- fiscal years


def test_period_names_fiscal_years(views: Path) -> None:
    data = usco.load(views)
    rows = {row.fact.id: row for row in data.facts(history=True)}
    assert text.period(rows["r1-fy2022"].fact, rows["r1-fy2022"].measure) == "FY2022"
    assert text.period(rows["r2-fy2025"].fact, rows["r2-fy2025"].measure) == "FY2025 to 2024-12"
    assert text.when(rows["r2-fy2024"].fact, rows["r2-fy2024"].measure) == "FY2024, provisional"


def test_fiscal_years_shown_as_fy_in_table_markdown_and_show(usco: Run, views: Path) -> None:
    table = usco("facts", "-f", "table", data=views).stdout
    assert "FY2022" in table
    assert "FY2025 to 2024-12, partial" in table
    markdown = usco("facts", "-f", "markdown", data=views).stdout
    assert "| FY2024, provisional |" in markdown
    shown = usco("show", "r1-fy2022", "-f", "tsv", data=views).stdout
    assert "period\tFY2022\n" in shown


def test_fiscal_years_are_matched_by_number(usco: Run, views: Path) -> None:
    # FY2025 began on 2024-10-01, yet --since/--until 2024 means FY2024 only.
    result = usco("facts", "--since", "2024", "--until", "2024", "--history", "-f", "csv", data=views)
    assert ids(result) == ["r1-fy2024", "r2-fy2024"]
    assert ids(usco("facts", "--since", "2025", "-f", "csv", data=views)) == ["r2-fy2025"]


# ---------------------------------------------------------------- statuses


def test_statuses_in_machine_formats(usco: Run, views: Path) -> None:
    rows = {row["id"]: row["status"] for row in csv_rows(usco("facts", "--history", "-f", "csv", data=views))}
    assert rows["r1-fy2024"] == "partial"
    assert rows["r2-fy2024"] == "provisional"
    assert rows["r2-fy2023"] == "final"
    objects = json.loads(usco("facts", "-f", "json", data=views).stdout)
    assert {obj["id"]: obj["status"] for obj in objects}["r2-fy2025"] == "partial"


def test_non_final_figures_are_never_shown_as_final(usco: Run, views: Path) -> None:
    markdown = usco("facts", "-f", "markdown", data=views).stdout
    lines = {line.split(" | ")[-1].rstrip(" |"): line for line in markdown.splitlines()[2:]}
    assert "provisional" in lines["r2-fy2024"]
    assert "partial" in lines["r2-fy2025"]
    assert "partial" not in lines["r2-fy2023"] and "provisional" not in lines["r2-fy2023"]
    table = usco("facts", "-f", "table", data=views).stdout
    assert "FY2024, provisional" in table


def test_a_planned_event_says_planned(usco: Run, tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "planned.toml",
        VIEWS + '\n[[facts]]\nid = "visit"\ntopic = "diplomacy"\ntext = "A visit"\ndate = "2025-03"\n'
        'status = "planned"\nsource = "r2"\n',
    )
    assert "planned" in usco("facts", "-f", "table", data=path).stdout
    assert "2025-03, planned" in usco("facts", "-f", "markdown", data=path).stdout
    assert "2025-03, planned" in usco("timeline", "--all", "-f", "markdown", data=path).stdout


def test_a_later_figure_supersedes_a_partial_one(usco: Run, views: Path) -> None:
    rows = csv_rows(usco("facts", "--history", "--since", "2024", "--until", "2024", "-f", "csv", data=views))
    assert [(row["id"], row["superseded_by"]) for row in rows] == [("r1-fy2024", "r2-fy2024"), ("r2-fy2024", "")]
    assert ids(usco("facts", "--since", "2024", "--until", "2024", "-f", "csv", data=views)) == ["r2-fy2024"]


# ---------------------------------------------------------------- --latest


def test_latest_is_the_latest_final_period_with_newer_non_final_ones(usco: Run, views: Path) -> None:
    assert set(ids(usco("facts", "--latest", "-f", "csv", data=views))) == {
        "r2-fy2023", "r2-fy2023-part", "r2-fy2024", "r2-fy2025",
    }  # fmt: skip


def test_latest_marks_the_non_final_figures(usco: Run, views: Path) -> None:
    table = usco("facts", "--latest", "-f", "table", data=views).stdout
    assert "FY2024, provisional" in table
    assert "FY2025 to 2024-12, partial" in table


def test_latest_drops_the_components_of_a_dropped_whole(usco: Run, views: Path) -> None:
    listed = ids(usco("facts", "--latest", "-f", "csv", data=views))
    assert "r1-fy2022" not in listed
    assert "r1-fy2022-part" not in listed
    table = usco("facts", "--latest", "-f", "table", data=views).stdout
    assert "r1-fy2022-part" not in table
    markdown = [line.split(" | ")[-1].rstrip(" |") for line in usco("facts", "--latest", "-f", "markdown", data=views)
                .stdout.splitlines()[2:]]  # fmt: skip
    assert markdown == ["r2-fy2023", "r2-fy2023-part", "r2-fy2024", "r2-fy2025"]  # the component under its whole


def test_latest_through_the_api(views: Path) -> None:
    rows = usco.load(views).facts(latest=True, measure="obl")
    assert [(row.fact.id, row.fact.status.value) for row in rows] == [
        ("r2-fy2023", "final"), ("r2-fy2024", "provisional"), ("r2-fy2025", "partial"),
    ]  # fmt: skip


# ---------------------------------------------------------------- the official series


FY2020 = [  # aid-obligations FY2020 in each ForeignAssistance.gov release (the raw files' current_amount)
    ("fa-2021-04-18-obligations-fy2020", "352645443", "provisional"),
    ("fa-2022-06-09-obligations-fy2020", "812554304", "final"),
    ("fa-2022-10-08-obligations-fy2020", "812554304", "final"),
    ("fa-2023-09-29-obligations-fy2020", "813274375", "final"),
    ("fa-2024-12-22-obligations-fy2020", "814069321", "final"),
    ("fa-2025-04-02-obligations-fy2020", "814069320", "final"),
    ("fa-2025-11-29-obligations-fy2020", "828255355", "final"),
]


def test_history_of_fy2020_obligations_oldest_first(usco: Run, series: Path) -> None:
    argv = ("facts", "--measure", "aid-obligations", "--since", "2020", "--until", "2020", "--history", "-f", "csv")
    rows = csv_rows(usco(*argv, data=series))
    assert [(row["id"], row["value"], row["status"]) for row in rows] == FY2020
    assert [row["superseded_by"] for row in rows] == [row[0] for row in FY2020[1:]] + [""]


def test_as_of_gives_the_figure_of_that_day(usco: Run, series: Path) -> None:
    argv = ("facts", "--measure", "aid-obligations", "--since", "2020", "--until", "2020", "-f", "csv")
    rows = csv_rows(usco(*argv, "--as-of", "2023-01-01", data=series))
    assert [(row["id"], row["value"], row["source_date"]) for row in rows] == [
        ("fa-2022-10-08-obligations-fy2020", "812554304", "2022-10-08"),
    ]  # fmt: skip


def test_series_of_goods_trade_covers_1985_to_2024(usco: Run, series: Path) -> None:
    # As the record stood before the release generated 2024-10-01 (newer ones: test_shipped_trade.py).
    argv = ("series", "us-goods-exports", "us-goods-imports", "--as-of", "2024-09-30", "-f", "csv")
    rows = csv_rows(usco(*argv, data=series))
    periods = sorted({int(row["period"]) for row in rows})
    assert periods == list(range(1985, 2025))
    assert {row["source_id"] for row in rows} == {"census-trade-2024-07-29"}
    last = [row for row in rows if row["period"] == "2024"]
    assert [(row["measure"], row["status"], row["end"]) for row in last] == [
        ("us-goods-exports", "partial", "2024-06"), ("us-goods-imports", "partial", "2024-06"),
    ]  # fmt: skip
    assert all(row["status"] == "final" for row in rows if row["period"] != "2024")


def test_series_history_shows_the_revisions_of_2021_and_2022(usco: Run, series: Path) -> None:
    # The three releases shipped first (the newer ones: test_shipped_trade.py).
    argv = ("series", "us-goods-exports", "--history", "--since", "2021", "--until", "2022", "--as-of", "2024-09-30")
    rows = csv_rows(usco(*argv, "-f", "csv", data=series))
    assert [(row["fact_id"], row["status"]) for row in rows] == [
        ("census-2022-03-26-exports-2021", "final"),
        ("census-2023-03-01-exports-2021", "final"),
        ("census-2024-07-29-exports-2021", "final"),
        ("census-2022-03-26-exports-2022", "partial"),
        ("census-2023-03-01-exports-2022", "final"),
        ("census-2024-07-29-exports-2022", "final"),
    ]
    assert len({row["value"] for row in rows}) == 6  # every release revised the figure
    assert [row["period"] for row in rows] == ["2021"] * 3 + ["2022"] * 3  # the release is in source_id, not here


@pytest.mark.parametrize("fmt", ["json", "jsonl"])
def test_series_machine_formats_carry_raw_numbers_status_and_source(usco: Run, series: Path, fmt: str) -> None:
    # As the record stood before the release of 2025-11-29 (test_shipped_aid.py has that one).
    out = usco("series", "aid-obligations", "--since", "2024", "--as-of", "2025-11-28", "-f", fmt, data=series).stdout
    objects = json.loads(out) if fmt == "json" else [json.loads(line) for line in out.splitlines()]
    assert [(obj["period"], obj["value"], obj["status"], obj["source"]["id"]) for obj in objects] == [
        ("FY2024", 447245358, "provisional", "foreignassistance-2025-04-02"),
        ("FY2025", 178808005, "partial", "foreignassistance-2025-04-02"),
    ]


WIDE = {"COLUMNS": "200"}


def test_series_table_marks_non_final_figures_and_names_the_releases(usco: Run, series: Path) -> None:
    # Before the release of 2025-11-29, whose FY2025 is provisional: here FY2025 is partial.
    argv = ("series", "aid-obligations", "--since", "2023", "--as-of", "2025-11-28", "-f", "table")
    out = usco(*argv, data=series, env=WIDE).stdout
    lines = [line.strip() for line in out.splitlines()]
    assert any(line.startswith("FY2023") and line.endswith("$739,367,775") for line in lines)
    assert any(line.startswith("FY2024") and line.endswith("$447,245,358*") for line in lines)
    assert any(line.startswith("FY2025") and line.endswith("$178,808,005†") for line in lines)
    assert "* provisional: the publisher was still collecting reports" in lines
    assert "† partial: FY2025 to 2025-04-02" in lines
    assert "ForeignAssistance.gov 2025-04-02" in out


def test_aid_opens_with_the_series_table(usco: Run, series: Path) -> None:
    out = usco("aid", "--since", "2024", "-f", "table", data=series, env=WIDE).stdout
    assert "FY2024" in out and "$586,471,266*" in out and "* provisional:" in out
    assert "Releases:" in out


def test_series_table_at_80_columns_marks_with_a_legend(usco: Run, series: Path) -> None:
    out = usco("aid", "--since", "2024", "-f", "table", data=series, env={"COLUMNS": "80"}).stdout
    lines = out.splitlines()
    fy2024 = next(line for line in lines if line.strip().startswith("FY2024"))
    assert "*" in fy2024 or "(prov" in fy2024  # marked, never shown as final
    assert any("provisional" in line for line in lines if not line.strip().startswith("FY"))  # and explained


UNDATED = """
[sources.undated]
title     = "An undated page"
publisher = "ForeignAssistance.gov"
kind      = "government"
url       = "https://example.gov/undated"
date_note = "the page prints no date and nothing dates it"

[[facts]]
id      = "undated-fy2023"
topic   = "aid"
text    = "Obligations FY2023, undated"
value   = 999
unit    = "USD"
date    = "2023"
measure = "obl"
source  = "undated"
"""


def test_an_undated_source_never_supersedes_a_dated_one(usco: Run, tmp_path: Path) -> None:
    path = write(tmp_path, "undated.toml", VIEWS + "\n" + FACTS + UNDATED)
    rows = csv_rows(usco("facts", "--since", "2023", "--until", "2023", "--measure", "obl", "--history", "-f", "csv",
                         data=path))  # fmt: skip
    superseded = {row["id"]: row["superseded_by"] for row in rows}
    assert superseded["undated-fy2023"] == "r1-fy2023"
    assert superseded["r2-fy2023"] == ""


def test_as_of_counts_a_partial_date_as_its_last_day_and_leaves_undated_sources_out(usco: Run, tmp_path: Path) -> None:
    path = write(tmp_path, "undated.toml", VIEWS + "\n" + FACTS + UNDATED)
    argv = ("facts", "--measure", "obl", "--since", "2023", "--until", "2023", "-f", "csv")
    assert ids(usco(*argv, "--as-of", "2024", data=path)) == ["r2-fy2023"]  # 2024 ends on 2024-12-31
    assert ids(usco(*argv, "--as-of", "2024-12-21", data=path)) == ["r1-fy2023"]
    assert ids(usco(*argv, "--as-of", "2023-11", data=path)) == ["r1-fy2023"]
    assert ids(usco(*argv, "--as-of", "2023-10", data=path)) == []
