"""`usco products` (design §3, issue #21 item 5): what U.S. imports from Colombia are made of.

The library (usco.query.products, Data.products) on small datasets, the command in every
format, and the shipped data's answers, checked against the numbers of the release files.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests import helpers
from tests.helpers import FORMATS, SMALL, environment, ok, run, write
from usco.api import ArgumentError, Data, load
from usco.importers.census_enduse import LABEL, MEASURE_PREFIX
from usco.model import Measure, PeriodKind
from usco.query.products import PREFIX, category
from usco.text import change_percent, percent, whole_dollars

Usco = Callable[..., Result]

# The tests of the shipped data read it through one cache for the run.
# Two releases of three categories: the newer revises 2023 and drops "Gas-natural", which the
# older gave as 0 each year. Their sums: older 2022 1,000 + 300 + 0, 2023 1,200 + 400 + 0;
# newer 2023 1,100 + 400, 2024 1,500 + 100.
RELEASES = """
[sources.older]
title     = "Census end-use, older release"
publisher = "U.S. Census Bureau"
url       = "https://example.gov/enduse"
short     = "Census end-use older"
date      = 2024-03-01

[sources.newer]
title     = "Census end-use, newer release"
publisher = "U.S. Census Bureau"
url       = "https://example.gov/enduse"
short     = "Census end-use newer"
date      = 2025-03-01

[measures.us-imports-enduse-00000]
label  = "U.S. imports from Colombia: Green coffee (end-use category 00000, Census Bureau)"
unit   = "USD"
period = "year"

[measures.us-imports-enduse-10000]
label  = "U.S. imports from Colombia: Crude oil (end-use category 10000, Census Bureau)"
unit   = "USD"
period = "year"

[measures.us-imports-enduse-10110]
label  = "U.S. imports from Colombia: Gas-natural (end-use category 10110, Census Bureau)"
unit   = "USD"
period = "year"
"""


def fact(source: str, code: str, year: int, value: int, *tags: str, status: str = "") -> str:
    status_line = f'status = "{status}"\nend = "{year}-02"\n' if status else ""
    return f"""
[[facts]]
id = "{source}-{code}-{year}"
topic = "trade"
text = "U.S. imports from Colombia in {year}, category {code}"
value = {value}
unit = "USD"
date = "{year}"
{status_line}source = "{source}"
measure = "us-imports-enduse-{code}"
tags = {json.dumps(["census", "end-use", *tags])}
"""


FACTS = "".join(
    [
        fact("older", "10000", 2022, 1000, "oil", "petroleum"),
        fact("older", "00000", 2022, 300, "coffee"),
        fact("older", "10110", 2022, 0),
        fact("older", "10000", 2023, 1200, "oil", "petroleum"),
        fact("older", "00000", 2023, 400, "coffee"),
        fact("older", "10110", 2023, 0),
        fact("newer", "10000", 2023, 1100, "oil", "petroleum"),
        fact("newer", "00000", 2023, 400, "coffee"),
        fact("newer", "10000", 2024, 1500, "oil", "petroleum"),
        fact("newer", "00000", 2024, 100, "coffee"),
    ]
)


@pytest.fixture
def two_releases(tmp_path: Path) -> Path:
    return write(tmp_path, "enduse.toml", RELEASES + FACTS)


@pytest.fixture
def data(two_releases: Path) -> Data:
    return load(two_releases, use_cache=False)


# ---------------------------------------------------------------- the library


def test_the_newest_year_ranked_with_the_year_before_the_change_and_the_share(data: Data) -> None:
    found = data.products()
    assert found.year == 2024 and found.words == ()
    assert [(line.category.name, line.rank, line.value) for line in found.lines] == [
        ("Crude oil", 1, 1500),
        ("Green coffee", 2, 100),
    ]
    oil, coffee = found.lines
    assert oil.previous is not None and oil.previous.fact.id == "newer-10000-2023"  # the revised 2023, not 1,200
    assert (oil.change, oil.growth) == (400, 1500 / 1100 - 1)
    assert (oil.of.source.id, oil.of.year, oil.of.total, oil.of.categories) == ("newer", 2024, 1600, 2)
    assert (oil.share, coffee.share) == (1500 / 1600, 100 / 1600)
    assert (coffee.change, coffee.growth) == (-300, 100 / 400 - 1)
    assert [source.id for source in found.sources] == ["newer"]


def test_a_share_is_of_its_own_releases_sum_for_the_year(data: Data) -> None:
    """2023: oil and coffee from the newer release (1,100 + 400), Gas-natural's 0 only from the older
    (1,200 + 400 + 0). Each share is over its own release's sum; no sum is made across releases."""
    lines = {line.category.code: line for line in data.products(until="2023").lines}
    assert data.products(until="2023").year == 2023
    assert (lines["10000"].of.source.id, lines["10000"].of.total, lines["10000"].of.categories) == ("newer", 1500, 2)
    assert (lines["10110"].of.source.id, lines["10110"].of.total, lines["10110"].of.categories) == ("older", 1600, 3)
    assert lines["10110"].value == 0 and lines["10110"].share == 0
    assert lines["10110"].rank == 3 and lines["10110"].change == 0 and lines["10110"].growth is None


def test_as_of_sees_only_the_older_release(data: Data) -> None:
    found = data.products(as_of="2024-12-31")
    assert found.year == 2023
    assert [(line.category.code, line.value, line.row.source.id) for line in found.lines] == [
        ("10000", 1200, "older"),
        ("00000", 400, "older"),
        ("10110", 0, "older"),
    ]
    before = data.products(as_of="2024-01-01")
    assert (before.lines, before.year, before.known) == ((), None, False)


def test_words_give_the_matching_categories_year_by_year(data: Data) -> None:
    coffee = data.products("coffee")
    assert coffee.year is None and coffee.words == ("coffee",)
    assert [(line.year, line.value, line.row.source.id) for line in coffee.lines] == [
        (2022, 300, "older"),
        (2023, 400, "newer"),
        (2024, 100, "newer"),
    ]
    assert coffee.lines[0].previous is None and coffee.lines[0].change is None
    assert [source.id for source in coffee.sources] == ["older", "newer"]
    assert [c.code for c in data.products("petroleum").categories] == ["10000"]  # a common name, from the tags
    assert [c.code for c in data.products("crude", "oil").categories] == ["10000"]
    assert [c.code for c in data.products("crude oil").categories] == ["10000"]
    assert [c.code for c in data.products("green coffee").categories] == ["00000"]
    assert [c.code for c in data.products("10110").categories] == ["10110"]
    assert data.products("crude coffee").lines == ()  # every word must match
    # "c" starts "census", a tag of every category: the largest in its newest year first
    assert [c.code for c in data.products("c").categories] == ["10000", "00000", "10110"]


def test_unknown_words_are_an_empty_answer_with_the_closest_word(data: Data) -> None:
    assert data.products("cofee").unmatched == "; did you mean coffee?"
    assert data.products("xyzzy").unmatched == ""
    assert data.products("xyzzy").lines == () and data.products("xyzzy").known


def test_since_until_and_limit(data: Data) -> None:
    assert [line.year for line in data.products("oil", since="2023").lines] == [2023, 2024]
    assert [line.year for line in data.products("oil", until="2022").lines] == [2022]
    assert [line.category.code for line in data.products(limit=1).lines] == ["10000"]
    assert data.products(since="2030").lines == ()
    with pytest.raises(ArgumentError, match="limit must be 0 or more"):
        data.products(limit=-1)
    with pytest.raises(ArgumentError, match="before --since"):
        data.products(since="2024", until="2020")


def test_figures_that_are_not_final_are_left_out(tmp_path: Path) -> None:
    partial = fact("newer", "10000", 2025, 700, status="partial")
    found = load(write(tmp_path, "partial.toml", RELEASES + FACTS + partial), use_cache=False).products()
    assert found.year == 2024


def test_a_dataset_without_end_use_figures_says_so(small: Path) -> None:
    found = load(small, use_cache=False).products()
    assert (found.lines, found.known, found.year) == ((), False, None)


def test_the_category_is_read_back_from_the_importers_label() -> None:
    assert PREFIX == MEASURE_PREFIX
    label = LABEL.format(name="Other (movies, miscellaneous imports, and special transactions)", code="50040")
    found = category(Measure("us-imports-enduse-50040", label, "USD", PeriodKind.YEAR))
    assert (found.code, found.name) == ("50040", "Other (movies, miscellaneous imports, and special transactions)")
    own = category(Measure("us-imports-enduse-99999", "My own category", "USD", PeriodKind.YEAR))
    assert (own.code, own.name) == ("99999", "My own category")


def test_the_words_for_people() -> None:
    assert whole_dollars(4_761_135_903) == "$4,761,135,903"
    assert whole_dollars(50_000_000) == "$50,000,000"  # one format per column: never "$50 million"
    assert whole_dollars(-5_900_434, sign=True) == "-$5,900,434"
    assert whole_dollars(1_236_743_588, sign=True) == "+$1,236,743,588"
    assert whole_dollars(2.0) == "$2" and whole_dollars(None) == ""
    assert percent(0.26726583489134487) == "26.7%"
    assert percent(0.0001) == "<0.1%" and percent(0.0) == "0.0%"
    assert change_percent(2_649_330_340, 1_412_586_752) == "+87.6%"
    assert change_percent(5, 0) == "new" and change_percent(0, 0) == "" and change_percent(5, None) == ""


# ---------------------------------------------------------------- the command, every format


def test_products_in_every_machine_format(usco: Usco, two_releases: Path) -> None:
    objects = json.loads(ok(usco("products", "-f", "json", data=two_releases)))
    assert objects[0] == {
        "year": 2024, "rank": 1, "code": "10000", "category": "Crude oil", "value": 1500, "unit": "USD",
        "previous": 1100, "change": 400, "share": 0.9375, "release_total": 1600, "release_categories": 2,
        "measure": "us-imports-enduse-10000", "fact_id": "newer-10000-2024", "source_id": "newer",
        "source_date": "2025-03-01",
    }  # fmt: skip
    lines = ok(usco("products", "-f", "jsonl", data=two_releases)).splitlines()
    assert [json.loads(line) for line in lines] == objects
    rows = list(csv.DictReader(io.StringIO(ok(usco("products", "coffee", "-f", "csv", data=two_releases)))))
    assert [(row["year"], row["value"], row["previous"], row["change"]) for row in rows] == [
        ("2022", "300", "", ""),
        ("2023", "400", "300", "100"),
        ("2024", "100", "400", "-300"),
    ]
    tsv = ok(usco("products", "-f", "tsv", "--columns", "code,value,share", data=two_releases))
    assert tsv == "code\tvalue\tshare\n10000\t1500\t0.9375\n00000\t100\t0.0625\n"
    markdown = ok(usco("products", "-f", "markdown", data=two_releases)).splitlines()
    assert markdown[0] == "| year | rank | category | code | imports | year before | change | share of the release |"
    assert markdown[2] == "| 2024 | 1 | Crude oil | 10000 | $1,500 | $1,100 | +36.4% | 93.8% |"
    assert ok(usco("products", "-f", "csv", "--no-header", "--limit", "1", data=two_releases)).startswith("2024,1,")


def test_products_table_says_what_the_share_is_of(usco: Usco, two_releases: Path) -> None:
    table = ok(usco("products", "-f", "table", data=two_releases))
    assert "U.S. imports from Colombia by end-use category, 2024 (Census Bureau)" in table
    assert "$1,500" in table and "$1,100" in table and "+36.4%" in table and "93.8%" in table
    assert "Share: of $1,600, the sum of all 2 categories of 2024 in the release Census end-use newer" in (
        " ".join(table.split())
    )
    years = ok(usco("products", "oil", "-f", "table", data=two_releases))
    assert "Crude oil  end-use 10000 · us-imports-enduse-10000" in years
    assert "Releases: Census end-use older (2024-03-01) (2022); Census end-use newer (2025-03-01) (2023–2024)" in (
        " ".join(years.split())
    )


@pytest.mark.parametrize("fmt", FORMATS)
def test_unknown_words_are_exit_0_and_an_empty_answer(usco: Usco, two_releases: Path, fmt: str) -> None:
    result = usco("products", "cofee", "-f", fmt, data=two_releases)
    assert result.exit_code == 0
    if fmt == "table":
        assert result.stdout == ""
        assert result.stderr == "usco: no end-use category matches 'cofee'; did you mean coffee?\n"
    elif fmt == "json":
        assert result.stdout == "[]\n"


def test_without_end_use_figures_the_note_names_the_importer(usco: Usco, small: Path) -> None:
    result = usco("products", "-f", "table", data=small)
    assert (result.exit_code, result.stdout) == (0, "")
    assert "usco import census-enduse-imports" in result.stderr


def test_before_any_release_the_note_says_so(usco: Usco, two_releases: Path) -> None:
    result = usco("products", "--as-of", "2023", "-f", "table", data=two_releases)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == "usco: no end-use figures were published by 2023\n"


@pytest.mark.parametrize("width", [40, 80, 120])
def test_the_table_keeps_every_figure_whole_at_each_width(width: int) -> None:
    from rich.console import Console

    from usco.render.formats import OutputFormat, render
    from usco.render.products import products_listing

    shipped = load()
    for found in (shipped.products(), shipped.products("oil")):
        console = Console(file=io.StringIO(), width=width, color_system=None, highlight=False, markup=False)
        text = render(products_listing(found), OutputFormat.TABLE, console=console)
        lines = text.splitlines()
        assert all(len(line) <= width and not line.endswith(" ") for line in lines), text
        assert "…" not in text
        for line in found.lines:
            assert whole_dollars(line.value) in text


def test_trade_on_a_terminal_shows_the_largest_products_after_its_series(usco: Usco, tmp_path: Path) -> None:
    path = write(tmp_path, "trade.toml", SMALL + helpers.PRODUCTS)
    table = ok(usco("trade", "-f", "table", data=path))
    assert "Largest U.S. imports from Colombia, 2022 (Census Bureau)" in table
    assert table.index("Green coffee") < table.index("Nursery stock, etc.")
    assert "enduse-00000-2022" not in table  # not listed again one by one
    assert "trade-2019" in table  # the other figures follow
    assert "enduse-00000-2022" in ok(usco("trade", "-f", "table", "--tag", "coffee", data=path))
    assert "enduse-00000-2022" in ok(usco("trade", "-f", "csv", data=path))  # machine formats: every fact


# ---------------------------------------------------------------- the shipped data (raw files' numbers)


def test_2025_crude_oil_first_then_coffee_gold_and_nursery_stock() -> None:
    found = load().products()
    assert found.year == 2025
    top = [(line.category.code, line.category.name, line.value) for line in found.lines[:4]]
    assert top == [
        ("10000", "Crude oil", 4_761_135_903),
        ("00000", "Green coffee", 2_649_330_340),
        ("14270", "Nonmonetary gold", 1_809_436_966),
        ("42000", "Nursery stock, etc.", 1_384_586_167),
    ]
    assert len(found.lines) == 137
    assert sum(line.value for line in found.lines) == 17_814_233_177
    assert {(line.of.total, line.of.categories) for line in found.lines} == {(17_814_233_177, 137)}
    assert [source.id for source in found.sources] == ["census-enduse-imports-2026-02-17"]
    assert found.lines[0].previous is not None and found.lines[0].previous.fact.value == 5_863_136_401


@pytest.mark.parametrize(
    ("words", "code", "value_2025"),
    [("coffee", "00000", 2_649_330_340), ("gold", "14270", 1_809_436_966), ("crude oil", "10000", 4_761_135_903),
     ("flowers", "42000", 1_384_586_167), ("cut flowers", "42000", 1_384_586_167)],
)  # fmt: skip
def test_each_seed_import_answers_in_one_command(usco: Usco, words: str, code: str, value_2025: int) -> None:
    rows = json.loads(ok(usco("products", words, "-f", "json")))
    assert {row["code"] for row in rows} == {code}
    assert [row["year"] for row in rows] == list(range(2014, 2026))
    assert rows[-1]["value"] == value_2025
    assert rows[0]["source_id"] == "census-enduse-imports-2024-11-10"  # 2014 and 2015 only in the older release
    assert rows[-1]["source_id"] == "census-enduse-imports-2026-02-17"


def test_as_of_2025_ranks_2023_from_the_older_release() -> None:
    found = load().products(as_of="2025-01-01")
    assert found.year == 2023
    assert (found.lines[0].category.code, found.lines[0].value) == ("10000", 5_436_156_285)
    assert {line.of.total for line in found.lines} == {16_114_654_550}
    assert len(found.lines) == 138  # Gas-natural, no trade that year, is a figure of that release


def test_search_finds_the_categories(usco: Usco) -> None:
    for words, code in (("coffee", "00000"), ("flowers", "42000"), ("petroleum", "10000"), ("gold", "14270")):
        rows = json.loads(ok(usco("search", words, "-f", "json")))
        ids = {row["id"] for row in rows}
        assert f"enduse-2026-02-17-{code}-2025" in ids, words


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize("args", [["products"], ["products", "coffee"], ["trade", "--since", "2024"]])
def test_screens_at_80_columns(args: list[str]) -> None:
    from tests.terminal import run_in_pty

    status, shown = run_in_pty(args, environment(TERM="xterm-256color"), columns=80)
    assert status == 0, shown
    output = re.sub(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)", "", shown)  # colours, links
    lines = output.replace("\r\n", "\n").splitlines()
    assert all(len(line) <= 80 and not line.endswith(" ") for line in lines), output
    assert "…" not in output
    assert "$4,761,135,903" in output or "$2,649,330,340" in output
    if args[0] == "trade":
        assert "Largest U.S. imports from Colombia, 2025 (Census Bureau)" in output
        assert output.index("Largest U.S. imports") > output.index("Period")  # after the annual table


@pytest.mark.slow
@pytest.mark.installed
def test_piped_products_is_tsv(tmp_path: Path) -> None:
    done = run("products", "--limit", "1")
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[1].startswith("2025\t1\t10000\tCrude oil\t4761135903\tUSD\t")
