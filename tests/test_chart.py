"""`usco chart MEASURE` (design §3, §4): one measure, one scale, time order, gaps, marks; data and SVG."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from usco.dataset import load as dataset
from usco.query import select as query
from usco.query.select import Filters, View
from usco.render import table
from usco.render.chart import Gap, Series, chart_series
from usco.render.chart_view import (
    BLOCKS,
    CHART_COLUMNS,
    FINAL_BLOCK,
    NOT_FINAL_BLOCK,
    SLIVER,
    SUPERSEDED_BLOCK,
    bar_length,
    chart_listing,
    draw_chart,
)
from usco.render.formats import OutputFormat, render

WriteDataset = Callable[[str], Path]


def source(key: str, date: str, short: str | None = None) -> str:
    """A [sources] table; *date* is TOML as written (2021-03-04 a TOML date, '"2021"' a string)."""
    named = f'short = "{short}"\n' if short else ""
    return (
        f'\n[sources.{key}]\ntitle = "Title {key}"\npublisher = "Publisher"\nkind = "government"\n'
        f'url = "https://example.org/{key}"\ndate = {date}\n{named}'
    )


def fact(fact_id: str, date: str, value: int | float, src: str, unit: str = "USD", **extra: str) -> str:
    fields = {"topic": '"aid"', "text": f'"Fact {fact_id}"', "measure": '"m"', "value": repr(value),
              "unit": f'"{unit}"', **extra}  # fmt: skip
    lines = [f'id = "{fact_id}"', f"date = {date}", f'source = "{src}"']
    return "\n[[facts]]\n" + "\n".join(lines + [f"{key} = {value}" for key, value in fields.items()]) + "\n"


def measure(period: str, unit: str = "USD", label: str = "Obligations") -> str:
    return f'\n[measures.m]\nlabel = "{label}"\nunit = "{unit}"\nperiod = "{period}"\n'


#: Fiscal years, listed out of order, with a gap (FY2014–FY2016), the transition
#: quarter, a provisional and a partial figure, and a revision.
FISCAL = (
    source("r1", "2024-12-22", "Release 1")
    + source("r2", "2025-04-02", "Release 2")
    + measure("fiscal_year")
    + fact("fy2017", '"2017"', 500_000_000, "r2")
    + fact("fy1976", '"1976"', 49_204_000, "r2")
    + fact("tq1976", '"1976-07"', 13_701_000, "r2", end='"1976-09"')
    + fact("fy1977", '"1977"', 9_748_000, "r2")
    + fact("fy2013", '"2013"', 250_000_000, "r2", qualifier='"more_than"')
    + fact("fy2024-old", '"2024"', 34_743_304, "r1", status='"provisional"')
    + fact("fy2024", '"2024"', 447_245_358, "r2", status='"provisional"')
    + fact("fy2025", '"2025"', 178_808_005, "r2", status='"partial"', end="2025-04-02")
    + fact("fy2012", '"2012"', 1_000_000_000, "r2")
)


def series_of(path: Path, *, view: View | None = None) -> Series:
    data = dataset.load(path)
    selection = query.select(data, filters=Filters(measures=["m"]), view=view or View())
    return chart_series(selection, query.find_measure(data, "m"))


def drawn(series: Series, width: int = 100) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    return table.draw(lambda console: draw_chart(console, series, series.measure.label), console)


def bar_line(output: str, label: str) -> str:
    """The drawn line of the period *label* (the only one starting with it and a space)."""
    [line] = [line for line in output.splitlines() if line.startswith(label + " ")]
    return line


def blocks(line: str) -> int:
    return sum(line.count(character) for character in BLOCKS)


@pytest.fixture
def fiscal(write_dataset: WriteDataset) -> Path:
    return write_dataset(FISCAL)


# ---------------------------------------------------------------- the data


def test_bars_are_in_time_order_with_gaps_and_the_transition_quarter(fiscal: Path) -> None:
    series = series_of(fiscal)
    labels = [entry.label for entry in series.entries]
    assert labels == [
        "FY1976", "TQ 1976", "FY1977", "FY1978–FY2011", "FY2012", "FY2013", "FY2014–FY2016", "FY2017",
        "FY2018–FY2023", "FY2024", "FY2025",
    ]  # fmt: skip
    assert [type(entry) is Gap for entry in series.entries].count(True) == 3


def test_fiscal_years_are_never_called_calendar_years(fiscal: Path) -> None:
    output = drawn(series_of(fiscal))
    assert "calendar" not in output
    assert "fiscal year" in output.splitlines()[1]
    assert "TQ 1976: the July–September 1976 transition quarter" in output


def test_one_scale_for_every_bar(fiscal: Path) -> None:
    series = series_of(fiscal)
    assert series.largest == 1_000_000_000
    output = drawn(series, width=140)
    full = blocks(bar_line(output, "FY2012"))
    assert full > 40
    for bar in series.bars:
        expected = bar_length(bar.value, series.largest, full)
        line = bar_line(output, bar.label)
        assert blocks(line) == expected or (expected == 0 and SLIVER in line)


def test_gaps_are_rows_that_say_so(fiscal: Path) -> None:
    output = drawn(series_of(fiscal))
    line = bar_line(output, "FY2014–FY2016")
    assert line.endswith("(no figure)")
    assert blocks(line) == 0


def test_non_final_bars_are_marked(fiscal: Path) -> None:
    output = drawn(series_of(fiscal))
    partial, provisional, final = bar_line(output, "FY2025"), bar_line(output, "FY2024"), bar_line(output, "FY2017")
    assert partial.endswith("$178,808,005 (partial to 2025-04-02)")
    assert NOT_FINAL_BLOCK in partial and FINAL_BLOCK not in partial
    assert provisional.endswith("$447,245,358 (provisional)")
    assert set(final.split()[1]) == {FINAL_BLOCK}
    assert "not final" in output


def test_qualifiers_are_kept(fiscal: Path) -> None:
    assert bar_line(drawn(series_of(fiscal)), "FY2013").endswith("more than $250,000,000")


def test_history_marks_superseded_versions(fiscal: Path) -> None:
    current = series_of(fiscal)
    assert "$34,743,304" not in drawn(current)
    output = drawn(series_of(fiscal, view=View(history=True)))
    lines = [line for line in output.splitlines() if line.startswith("FY2024 ")]
    assert len(lines) == 2  # oldest source first
    assert lines[0].endswith("$34,743,304 (said 2024-12-22; provisional; superseded)")
    assert SUPERSEDED_BLOCK in lines[0]
    assert NOT_FINAL_BLOCK in lines[1]


def test_years_with_gaps_collapse_runs(write_dataset: WriteDataset) -> None:
    text = (
        source("s", "2023-09-11")
        + measure("year", "hectares", "Coca")
        + fact("a", '"2012"', 48_000, "s", "hectares")
        + fact("b", '"2019"', 154_000, "s", "hectares")
        + fact("c", '"2021"', 204_000, "s", "hectares")
        + fact("d", '"2022"', 230_000, "s", "hectares", qualifier='"nearly"')
    )
    series = series_of(write_dataset(text))
    assert [entry.label for entry in series.entries] == ["2012", "2013–2018", "2019", "2020", "2021", "2022"]
    output = drawn(series)
    assert "FY" not in output
    assert bar_line(output, "2020").endswith("(no figure)")


def test_months_have_gaps(write_dataset: WriteDataset) -> None:
    text = (
        source("s", "2024-06-30")
        + measure("month", "people")
        + fact("a", '"2023-11"', 30, "s", "people")
        + fact("b", '"2024-02"', 10, "s", "people")
        + fact("c", '"2024-04"', 20, "s", "people")
    )
    labels = [entry.label for entry in series_of(write_dataset(text)).entries]
    assert labels == ["2023-11", "2023-12 – 2024-01", "2024-02", "2024-03", "2024-04"]


def test_points_and_running_totals_have_no_gaps(write_dataset: WriteDataset) -> None:
    points = (
        source("s", "2024-06-30")
        + measure("point", "people")
        + fact("late", "2024-05-31", 2_860_000, "s", "people")
        + fact("early", '"2019-03"', 1_260_000, "s", "people", qualifier='"more_than"')
    )
    series = series_of(write_dataset(points))
    assert [entry.label for entry in series.entries] == ["2019-03", "2024-05-31"]
    totals = (
        source("a", "2020-09-18")
        + source("b", "2024-06-30")
        + measure("running_total")
        + fact("to-2024", '"2016"', 1_500_000_000, "b", end='"2024-06"')
        + fact("to-2020", '"2016"', 1_000_000_000, "a", end="2020-09-18")
    )
    series = series_of(write_dataset(totals))
    assert [bar.fact_id for bar in series.entries] == ["to-2020", "to-2024"]  # type: ignore[union-attr]
    output = drawn(series)
    assert blocks(bar_line(output, "2016 – 2020-09-18")) == round(blocks(bar_line(output, "2016 – 2024-06")) * 2 / 3)


def test_narrow_terminal_keeps_figures_whole(fiscal: Path) -> None:
    for width in (30, 40):
        output = drawn(series_of(fiscal), width=width)
        assert max(len(line) for line in output.splitlines()) <= width
        assert "$178,808,005" in output and "(partial to 2025-04-02)" in output
        assert not any(line.endswith(" ") for line in output.splitlines())


def test_empty_series_says_so(write_dataset: WriteDataset) -> None:
    data = dataset.load(write_dataset(source("s", "2021-01-01") + measure("year") + fact("x", '"2020"', 1, "s")))
    selection = query.select(data, filters=Filters(measures=["m"], words=["nothing matches"]))
    series = chart_series(selection, data.measures["m"])
    assert series.entries == ()
    assert drawn(series) == "Obligations\nno figures to chart\n"


HOSTILE = (
    source("s", "2021-01-01", "[red]Sheet[/red] \x1b[31m")
    + '\n[measures.m]\nlabel = "[bold]Coca[/bold] <script>alert(1)</script> & \\u202e"\nunit = "[i]ha[/i]"\n'
    + '\nperiod = "year"\n'
    + fact("x", '"2020"', 5, "s", "[i]ha[/i]")
).replace("\x1b", "\\u001b")


def test_markup_and_escapes_in_labels_are_printed_literally(write_dataset: WriteDataset) -> None:
    series = series_of(write_dataset(HOSTILE))
    console = Console(file=io.StringIO(), width=100, color_system="truecolor", force_terminal=True)
    draw_chart(console, series, series.measure.label)
    assert isinstance(console.file, io.StringIO)
    output = console.file.getvalue()
    assert "[bold]Coca[/bold]" in output
    assert "\\x1b[31m" in output and "\x1b[31m" not in output
    assert "\u202e" not in output


# ---------------------------------------------------------------- the data of the bars


def test_listing_has_the_bars_not_the_gaps(fiscal: Path) -> None:
    listing = chart_listing(series_of(fiscal))
    assert listing.header == CHART_COLUMNS
    assert [record[0] for record in listing.records] == [
        "FY1976", "TQ 1976", "FY1977", "FY2012", "FY2013", "FY2017", "FY2024", "FY2025",
    ]  # fmt: skip
    objects = json.loads(render(listing, OutputFormat.JSON))
    assert objects[-1] == {
        "period": "FY2025", "start": "2025", "end": "2025-04-02", "value": 178808005, "unit": "USD",
        "qualifier": "exact", "status": "partial", "figure": "$178,808,005", "fact_id": "fy2025",
        "source_id": "r2", "source_date": "2025-04-02",
    }  # fmt: skip
    tsv = render(listing, OutputFormat.TSV)
    assert tsv.splitlines()[0] == "\t".join(CHART_COLUMNS)
    assert "no figure" not in tsv


def test_listing_with_history_names_the_newer_version(fiscal: Path) -> None:
    listing = chart_listing(series_of(fiscal, view=View(history=True)), history=True)
    assert listing.header[-1] == "superseded_by"
    rows = [record for record in listing.records if record[0] == "FY2024"]
    assert [(row[8], row[-1]) for row in rows] == [("fy2024-old", "fy2024"), ("fy2024", None)]
    csv = render(listing, OutputFormat.CSV)
    assert csv.splitlines()[0].endswith(",superseded_by")


def test_cli_chart_formats(usco: Callable[..., object], fiscal: Path) -> None:
    result = usco("chart", "m", "-f", "csv", data=fiscal)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    assert result.stdout.splitlines()[0] == ",".join(CHART_COLUMNS)  # type: ignore[attr-defined]


# ---------------------------------------------------------------- SVG


def test_svg_is_a_real_chart(usco: Callable[..., object], fiscal: Path, tmp_path: Path) -> None:
    target = tmp_path / "chart.svg"
    result = usco("chart", "m", "--svg", str(target), data=fiscal)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    content = target.read_text(encoding="utf-8")
    root = ElementTree.fromstring(content)
    ns = "{http://www.w3.org/2000/svg}"
    assert root.tag == f"{ns}svg"
    assert root.find(f"{ns}title").text == "Obligations"  # type: ignore[union-attr]
    texts = [element.text or "" for element in root.iter(f"{ns}text")]
    assert "$0" in texts and "$1B" in texts and "$200M" in texts  # ticks at round values
    assert "US dollars (current)" in texts  # the axis' unit
    assert "FY2012" in texts and "TQ 1976" in texts and "FY2014–FY2016" in texts
    assert "$178,808,005 (partial to 2025-04-02)" in texts
    assert "Source: Release 2 (2025-04-02), government" in texts and "https://example.org/r2" in texts
    assert len(list(root.iter(f"{ns}rect"))) >= 8
    lowered = content.lower()
    assert "<script" not in lowered and "@import" not in lowered and "url(http" not in lowered
    assert "href" not in lowered
    assert "sans-serif" in content


def test_svg_refuses_to_overwrite_without_force(usco: Callable[..., object], fiscal: Path, tmp_path: Path) -> None:
    target = tmp_path / "chart.svg"
    target.write_text("keep me", encoding="utf-8")
    result = usco("chart", "m", "--svg", str(target), data=fiscal)
    assert result.exit_code == 1  # type: ignore[attr-defined]
    assert "--force" in result.stderr  # type: ignore[attr-defined]
    assert target.read_text(encoding="utf-8") == "keep me"
    assert usco("chart", "m", "--svg", str(target), "--force", data=fiscal).exit_code == 0  # type: ignore[attr-defined]
    assert target.read_text(encoding="utf-8").startswith("<?xml")


def test_svg_escapes_hostile_text(write_dataset: WriteDataset, tmp_path: Path) -> None:
    from usco.render.svg import chart_svg

    series = series_of(write_dataset(HOSTILE))
    content = chart_svg(series, series.measure.label)
    root = ElementTree.fromstring(content)
    assert "<script" not in content
    assert root.find("{http://www.w3.org/2000/svg}title").text.startswith("[bold]Coca[/bold] <script>")  # type: ignore[union-attr]
    assert "\x1b" not in content and "\u202e" not in content


@pytest.mark.slow  # a fresh interpreter in a subprocess: only there is sys.modules clean
def test_svg_module_is_only_imported_for_svg() -> None:
    import subprocess
    import sys

    code = "import sys, usco.cli.app, usco.render.chart_view; print('usco.render.svg' in sys.modules)"
    assert subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout == "False\n"
