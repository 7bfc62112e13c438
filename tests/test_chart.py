"""`usco chart MEASURE` (design §3): bars grouped by kind of period, drawn with Rich or as TSV."""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from rich.console import Console

from usco import dataset, query
from usco.chart import PeriodKind, Series, chart_series
from usco.chart_view import TSV_COLUMNS, bar_length, chart_tsv, draw_chart
from usco.model import PartialDate
from usco.query import Filters, View

WriteDataset = Callable[[str], Path]


def source(key: str, date: str, short: str | None = None) -> str:
    """A [sources] table; *date* is TOML as written (2021-03-04 a TOML date, '"2021"' a string)."""
    named = f'short = "{short}"\n' if short else ""
    return (
        f'\n[sources.{key}]\ntitle = "Title {key}"\npublisher = "Publisher"\n'
        f'url = "https://example.org/{key}"\ndate = {date}\n{named}'
    )


def fact(fact_id: str, date: str, value: int | float | None, src: str, **extra: str) -> str:
    """A [[facts]] of measure "m" (hectares); *date* and *extra* are TOML as written."""
    fields = {"topic": '"security"', "text": f'"Fact {fact_id}"', "measure": '"m"', **extra}
    if value is not None:
        fields |= {"value": repr(value), "unit": '"hectares"'}
    lines = [f'id = "{fact_id}"', f"date = {date}", f'source = "{src}"']
    return "\n[[facts]]\n" + "\n".join(lines + [f"{key} = {value}" for key, value in fields.items()]) + "\n"


MEASURE = '\n[measures.m]\nlabel = "Coca cultivation"\nunit = "hectares"\n'

#: One measure with every kind of period; listed out of order on purpose.
MIXED = (
    source("early", "2019-05-01", "Early report")
    + source("late", "2021-12-31", "Late report")
    + source("sheet", "2020-09-18", "Sheet")
    + MEASURE
    + fact("year-2020-first", '"2020"', 150_000, "early", qualifier='"estimated"')
    + fact("year-2020", '"2020"', 245_000, "late")
    + fact("year-2019", '"2019"', 212_000, "early", qualifier='"nearly"')
    + fact("month", '"2021-03"', 20_000, "late")
    + fact("day", "2021-06-30", 100_000.5, "late")
    + fact("total-2020", '"2016"', 1_000_000, "sheet", end="2020-09-18", qualifier='"more_than"')
    + fact("total-2021", '"2016"', 1_500_000, "late", end="2021-12-31")
)

LABEL_SHAPES = {
    PeriodKind.YEAR: r"[0-9]{4}",
    PeriodKind.MONTH: r"[0-9]{4}-[0-9]{2}",
    PeriodKind.DAY: r"[0-9]{4}-[0-9]{2}-[0-9]{2}",
    PeriodKind.RUNNING_TOTAL: r"[0-9-]+ – [0-9-]+",
    PeriodKind.SPAN: r"[0-9-]+ – [0-9-]+",
}


def series_of(path: Path, *, view: View | None = None) -> Series:
    data = dataset.load(path)
    selection = query.select(data, filters=Filters(measures=["m"]), view=view or View())
    return chart_series(selection, query.find_measure(data, "m"))


def drawn(series: Series, width: int = 100, label: str = "Coca cultivation") -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    draw_chart(console, series, label)
    assert isinstance(console.file, io.StringIO)
    return console.file.getvalue()


def bar_line(output: str, label: str) -> str:
    """The drawn line of the period *label* (the only one starting with it)."""
    [line] = [line for line in output.splitlines() if line.startswith(label + " ")]
    return line


@pytest.fixture
def mixed(write_dataset: WriteDataset) -> Series:
    return series_of(write_dataset(MIXED))


# ---------------------------------------------------------------- the data


def test_one_group_per_kind_in_a_fixed_order(mixed: Series) -> None:
    assert [group.kind for group in mixed.groups] == [
        PeriodKind.YEAR,
        PeriodKind.MONTH,
        PeriodKind.DAY,
        PeriodKind.RUNNING_TOTAL,
    ]
    assert [group.heading for group in mixed.groups] == ["calendar years", "months", "days", "running totals to a date"]


def test_kinds_are_never_mixed_in_a_group(mixed: Series) -> None:
    for group in mixed.groups:
        for bar in group.bars:
            assert re.fullmatch(LABEL_SHAPES[group.kind], bar.label), (group.kind, bar.label)


def test_bars_are_ordered_by_period(mixed: Series) -> None:
    assert [[bar.label for bar in group.bars] for group in mixed.groups] == [
        ["2019", "2020"],
        ["2021-03"],
        ["2021-06-30"],
        ["2016 – 2020-09-18", "2016 – 2021-12-31"],
    ]


def test_bar_carries_figure_words_and_source(mixed: Series) -> None:
    bar = mixed.groups[0].bars[0]
    assert (bar.fact_id, bar.value, bar.unit, bar.qualifier.value) == ("year-2019", 212_000, "hectares", "nearly")
    assert bar.figure == "nearly 212,000 hectares"
    assert (bar.source.name, bar.source_date, bar.superseded) == ("Early report", "2019-05-01", False)
    assert [source.id for source in mixed.sources] == ["early", "sheet", "late"]


def test_revisions_follow_the_selection(write_dataset: WriteDataset) -> None:
    path = write_dataset(MIXED)
    current = series_of(path)
    assert [bar.fact_id for bar in current.groups[0].bars] == ["year-2019", "year-2020"]
    history = series_of(path, view=View(history=True))
    years = history.groups[0].bars
    assert [(bar.fact_id, bar.superseded_by) for bar in years] == [
        ("year-2019", None),
        ("year-2020-first", "year-2020"),  # oldest source first
        ("year-2020", None),
    ]
    assert "an estimated 150,000 hectares (superseded)" in drawn(history)
    assert "150,000" not in drawn(current)


def test_as_of_view_charts_the_record_as_it_stood(write_dataset: WriteDataset) -> None:
    series = series_of(write_dataset(MIXED), view=View(as_of=PartialDate.parse("2020")))
    assert [bar.fact_id for bar in series.bars] == ["year-2019", "year-2020-first", "total-2020"]


def test_spans_that_are_not_running_totals_are_periods(write_dataset: WriteDataset) -> None:
    """Jan–Nov of successive years, published later: plain periods, apart from running totals."""
    text = (
        source("r2008", '"2008"')
        + source("r2009", '"2009"')
        + source("sheet", "2020-09-18")
        + MEASURE
        + fact("jan-nov-2008", '"2008-01"', 10, "r2009", end='"2008-11"')
        + fact("jan-nov-2007", '"2007-01"', 7, "r2008", end='"2007-11"')
        + fact("since-2016", '"2016"', 1_000, "sheet", end="2020-09-18")
    )
    series = series_of(write_dataset(text))
    assert [(group.heading, [bar.fact_id for bar in group.bars]) for group in series.groups] == [
        ("running totals to a date", ["since-2016"]),
        ("periods", ["jan-nov-2007", "jan-nov-2008"]),
    ]


def test_overlapping_spans_are_one_running_total(write_dataset: WriteDataset) -> None:
    """A total seen at several dates stays on one axis, even when one was reported later."""
    text = (
        source("a", "2020-10-26")
        + source("b", "2021-07-23")
        + MEASURE
        + fact("to-august", '"2020"', 23, "a", end='"2020-08"')
        + fact("to-july", '"2020"', 122, "b", end="2021-07-23")
    )
    [group] = series_of(write_dataset(text)).groups
    assert (group.kind, [bar.label for bar in group.bars]) == (
        PeriodKind.RUNNING_TOTAL,
        ["2020 – 2020-08", "2020 – 2021-07-23"],
    )


# ---------------------------------------------------------------- drawing


def test_chart_shows_headings_periods_figures_and_sources(mixed: Series) -> None:
    output = drawn(mixed)
    assert output.startswith("Coca cultivation\n")
    for heading in ("calendar years", "months", "days", "running totals to a date"):
        assert heading in output.splitlines()
    assert bar_line(output, "2019").endswith("nearly 212,000 hectares")
    assert bar_line(output, "2016 – 2020-09-18").endswith("more than 1 million hectares")
    assert "100,000.5 hectares" in output
    assert "Sources: Early report (2019-05-01); Sheet (2020-09-18); Late report (2021-12-31)" in output


def test_qualifier_words_are_drawn(write_dataset: WriteDataset) -> None:
    text = (
        source("s", "2021-07-16")
        + MEASURE.replace('"hectares"', '"metric tons"')
        + fact("seized", '"2020"', 580, "s", qualifier='"nearly"').replace('"hectares"', '"metric tons"')
    )
    series = series_of(write_dataset(text))
    assert "nearly 580 metric tons" in drawn(series)
    assert "\tnearly\tnearly 580 metric tons\t" in chart_tsv(series)


def blocks(line: str) -> int:
    return line.count("█")


def test_bars_scale_with_the_width(mixed: Series) -> None:
    narrow, wide = drawn(mixed, width=60), drawn(mixed, width=140)
    assert blocks(bar_line(wide, "2020")) > blocks(bar_line(narrow, "2020")) + 60
    for output, width in ((narrow, 60), (wide, 140)):
        assert max(len(line) for line in output.splitlines() if "█" in line) <= width


def test_bars_are_proportional_within_their_group(mixed: Series) -> None:
    output = drawn(mixed, width=140)
    largest, smaller = blocks(bar_line(output, "2020")), blocks(bar_line(output, "2019"))
    assert smaller == round(largest * 212_000 / 245_000)
    # Each group has its own scale: a group's largest bar is full length.
    assert blocks(bar_line(output, "2021-03")) == largest
    assert blocks(bar_line(output, "2016 – 2021-12-31")) == largest


def test_bar_length() -> None:
    assert bar_length(50, 100, 40) == 20
    assert bar_length(100, 100, 40) == 40
    assert bar_length(0, 0, 40) == 0


def test_tiny_value_is_not_drawn_as_zero(write_dataset: WriteDataset) -> None:
    text = source("s", "2021-01-01") + MEASURE + fact("big", '"2020"', 1_000_000, "s") + fact("tiny", '"2019"', 1, "s")
    line = bar_line(drawn(series_of(write_dataset(text))), "2019")
    assert "▏" in line
    assert "█" not in line


def test_one_period_still_draws(write_dataset: WriteDataset) -> None:
    text = source("s", "2021-01-01") + MEASURE + fact("only", '"2020"', 83_000, "s")
    output = drawn(series_of(write_dataset(text)), width=80)
    line = bar_line(output, "2020")
    assert line.endswith("83,000 hectares")
    assert blocks(line) == 80 - len("2020") - len("83,000 hectares") - 4


def test_narrow_terminal_puts_the_bar_under_its_figure(mixed: Series) -> None:
    output = drawn(mixed, width=30)
    lines = output.splitlines()
    index = lines.index("2019  nearly 212,000 hectares")
    assert set(lines[index + 1].strip()) == {"█"}
    assert max(len(line) for line in lines if "█" in line) <= 30


def test_empty_series_says_so(write_dataset: WriteDataset) -> None:
    data = dataset.load(write_dataset(source("s", "2021-01-01") + MEASURE + fact("x", '"2020"', 1, "s")))
    selection = query.select(data, filters=Filters(measures=["m"], words=["nothing matches"]))
    series = chart_series(selection, data.measures["m"])
    assert series.groups == ()
    assert drawn(series) == "Coca cultivation\nno figures to chart\n"


HOSTILE = (
    source("s", "2021-01-01", "[red]Sheet[/red] \x1b[31m")
    + '\n[measures.m]\nlabel = "[bold]Coca[/bold]"\nunit = "[i]ha[/i]"\n'
    + fact("x", '"2020"', 5, "s").replace('"hectares"', '"[i]ha[/i]"')
).replace("\x1b", "\\u001b")


@pytest.mark.parametrize("color", [None, "truecolor"])
def test_markup_and_escapes_in_labels_are_printed_literally(write_dataset: WriteDataset, color: str | None) -> None:
    series = series_of(write_dataset(HOSTILE))
    console = Console(file=io.StringIO(), width=100, color_system=color, force_terminal=color is not None)  # type: ignore[arg-type]
    draw_chart(console, series, series.measure.label)
    assert isinstance(console.file, io.StringIO)
    output = console.file.getvalue()
    assert "[bold]Coca[/bold]" in output
    assert "5 [i]ha[/i]" in output
    assert "[red]Sheet[/red] \\x1b[31m (2021-01-01)" in output
    assert "\x1b[31m" not in output


def test_tsv_escapes_controls(write_dataset: WriteDataset) -> None:
    tsv = chart_tsv(series_of(write_dataset(HOSTILE)))
    assert "\x1b" not in tsv
    assert tsv.splitlines()[1] == "year\t2020\t5\t[i]ha[/i]\texact\t5 [i]ha[/i]\ts\t2021-01-01"


# ---------------------------------------------------------------- TSV for a pipe


def test_tsv(mixed: Series) -> None:
    assert chart_tsv(mixed) == (
        "\t".join(TSV_COLUMNS) + "\n"
        "year\t2019\t212000\thectares\tnearly\tnearly 212,000 hectares\tearly\t2019-05-01\n"
        "year\t2020\t245000\thectares\texact\t245,000 hectares\tlate\t2021-12-31\n"
        "month\t2021-03\t20000\thectares\texact\t20,000 hectares\tlate\t2021-12-31\n"
        "day\t2021-06-30\t100000.5\thectares\texact\t100,000.5 hectares\tlate\t2021-12-31\n"
        "running-total\t2016/2020-09-18\t1000000\thectares\tmore_than\tmore than 1 million hectares"
        "\tsheet\t2020-09-18\n"
        "running-total\t2016/2021-12-31\t1500000\thectares\texact\t1.5 million hectares\tlate\t2021-12-31\n"
    )


def test_tsv_without_header_and_with_history(write_dataset: WriteDataset) -> None:
    series = series_of(write_dataset(MIXED), view=View(history=True))
    lines = chart_tsv(series, header=False, history=True).splitlines()
    assert lines[0].startswith("year\t2019\t")
    assert lines[1].endswith("\tearly\t2019-05-01\tyear-2020")
    assert lines[2].endswith("\tlate\t2021-12-31\t")
    assert chart_tsv(series, history=True).splitlines()[0].endswith("\tsource_date\tsuperseded_by")
