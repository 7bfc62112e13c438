"""The shipped dataset: every seed figure present, exactly as the seed documents print it."""

from __future__ import annotations

import datetime as dt

import pytest

from tests.helpers import RAW, needed
from usco.dataset import load as dataset
from usco.model import Dataset, Fact, PartialDate, Qualifier, Status
from usco.query import select as query
from usco.query import summaries

SHEET = "state-2020-09-18-partnership"  # seeds/001: the September 18, 2020 fact sheet
PAGE = "state-undated-countries-areas-colombia"  # seeds/000: the undated country page

# Every test here reads datasets no test changes: one cache for the run, each parsed once.
pytestmark = pytest.mark.usefixtures("shared_cache")

# (fact id, value, unit, qualifier, source) — each read off the seed documents by hand.
SEED_FIGURES = [
    ("covid-assistance-2020", 23_600_000, "USD", Qualifier.MORE_THAN, SHEET),
    ("covid-disaster-assistance-2020", 15_500_000, "USD", Qualifier.EXACT, SHEET),
    ("covid-humanitarian-assistance-2020", 8_100_000, "USD", Qualifier.EXACT, SHEET),
    ("covid-ventilators-2020", 200, "ventilators", Qualifier.EXACT, SHEET),
    ("third-largest-latam-trade-partner-2020", 3, "rank", Qualifier.EXACT, SHEET),  # "third-largest": a rank
    ("bilateral-assistance-two-decades-2020", 10_000_000_000, "USD", Qualifier.MORE_THAN, SHEET),
    ("partnership-two-centuries-2020", 200, "years", Qualifier.NEARLY, SHEET),
    ("coca-reduction-goal-2023", 50, "percent", Qualifier.EXACT, SHEET),
    ("coca-eradication-2019", 100_000, "hectares", Qualifier.MORE_THAN, SHEET),
    ("peace-implementation-support-2020", 1_000_000_000, "USD", Qualifier.MORE_THAN, SHEET),
    ("two-way-goods-trade-2019", 29_000_000_000, "USD", Qualifier.NEARLY, SHEET),
    ("us-affiliate-jobs-2020", 90_000, "jobs", Qualifier.MORE_THAN, SHEET),
    ("us-agricultural-exports-2019", 2_500_000_000, "USD", Qualifier.EXACT, SHEET),
    ("us-agricultural-exports-growth-ctpa-2019", 2, "multiple", Qualifier.MORE_THAN, SHEET),
    ("venezuela-crisis-assistance-2020", 344_000_000, "USD", Qualifier.MORE_THAN, SHEET),
    ("venezuela-crisis-humanitarian-2020", 265_000_000, "USD", Qualifier.MORE_THAN, SHEET),
    ("venezuelans-in-colombia-2020-09", 1_700_000, "people", Qualifier.ESTIMATED, SHEET),
    ("us-businesses-in-colombia-2019", 250, "businesses", Qualifier.APPROXIMATELY, PAGE),
]

# Dated milestones and figures without a number: (fact id, date as stored, source).
SEED_STATEMENTS = [
    ("us-recognizes-colombia-1822", "1822", SHEET),
    ("first-diplomatic-presence-1823", "1823", SHEET),
    ("pompeo-friendship-statement-2019", "2019-10-09", SHEET),
    ("pompeo-visit-2020", "2020-09-18", SHEET),
    ("largest-trade-investment-partner-2020", "2020-09-18", SHEET),
    ("ctpa-prosperity-2020", "2020-09-18", SHEET),
    ("america-crece-growth-initiative-2020", "2020-09-18", SHEET),
    ("diplomatic-relations-1822", "1822", PAGE),
    ("primary-us-exports-2019", "2019", PAGE),
    ("primary-us-imports-2019", "2019", PAGE),
    ("ctpa-aims-2019", "2019", PAGE),
    ("us-investment-sectors-2019", "2019", PAGE),
]


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return dataset.load(dataset.default_path())


def _fact(data: Dataset, fact_id: str) -> Fact:
    return query.find_fact(data, fact_id)


@pytest.mark.parametrize(("fact_id", "value", "unit", "qualifier", "source"), SEED_FIGURES)
def test_seed_figure_as_printed(
    shipped: Dataset, fact_id: str, value: int, unit: str, qualifier: Qualifier, source: str
) -> None:
    fact = _fact(shipped, fact_id)
    assert (fact.value, fact.unit, fact.qualifier, fact.source) == (value, unit, qualifier, source)


@pytest.mark.parametrize(("fact_id", "date", "source"), SEED_STATEMENTS)
def test_seed_statement_present(shipped: Dataset, fact_id: str, date: str, source: str) -> None:
    fact = _fact(shipped, fact_id)
    assert (str(fact.date), fact.source, fact.value) == (date, source, None)


def test_seed_source_dates(shipped: Dataset) -> None:
    sheet, page = shipped.sources[SHEET], shipped.sources[PAGE]
    assert sheet.date is not None and sheet.date.first == dt.date(2020, 9, 18) and sheet.date.precision == 3
    # The country page prints no date: a partial date with the evidence in date_note.
    assert page.date is not None and str(page.date) == "2019"
    assert page.date_note and "no date" in page.date_note.lower()


def test_seed_components(shipped: Dataset) -> None:
    assert _fact(shipped, "covid-disaster-assistance-2020").part_of == "covid-assistance-2020"
    assert _fact(shipped, "covid-humanitarian-assistance-2020").part_of == "covid-assistance-2020"
    assert _fact(shipped, "venezuela-crisis-humanitarian-2020").part_of == "venezuela-crisis-assistance-2020"


def test_every_fact_of_the_seed_sheet_is_accounted_for(shipped: Dataset) -> None:
    """A new fact from a seed document must be added to the lists above, with its figure."""
    listed = {row[0] for row in SEED_FIGURES} | {row[0] for row in SEED_STATEMENTS}
    from_seeds = {fact.id for fact in shipped.facts if fact.source in (SHEET, PAGE)}
    unlisted_without_value = {fact_id for fact_id in from_seeds - listed if _fact(shipped, fact_id).value is None}
    assert from_seeds - listed == unlisted_without_value, "a seed figure is missing from SEED_FIGURES"


def test_shipped_dataset_is_valid_and_sourced(shipped: Dataset) -> None:
    assert len(shipped.facts) >= len(SEED_FIGURES) + len(SEED_STATEMENTS)
    assert all(fact.source in shipped.sources for fact in shipped.facts)


# ---------------------------------------------------------------- facts through time (design §2)


def _peace(data: Dataset, view: query.View) -> list[str]:
    filters = query.Filters(measures=("peace-implementation-support",))
    return [row.fact.id for row in query.select(data, filters=filters, view=view).rows]


def test_peace_support_as_of_september_2020_is_the_fact_sheet_figure(shipped: Dataset) -> None:
    as_of = query.View(as_of=PartialDate.parse("2020-09-30"))
    assert _peace(shipped, as_of) == ["peace-implementation-support-2020"]
    fact = _fact(shipped, "peace-implementation-support-2020")
    assert (fact.value, fact.qualifier) == (1_000_000_000, Qualifier.MORE_THAN)


def test_peace_support_latest_is_the_newest_running_total_since_2016(shipped: Dataset) -> None:
    (latest,) = _peace(shipped, query.View(latest=True))
    fact = _fact(shipped, latest)
    newest_end = max((f.end or f.date).last for f in shipped.facts if f.measure == "peace-implementation-support")
    assert fact.end is not None and fact.end.last == newest_end
    # one definition per measure: "since 2016" only; the "since 2017" total is a measure of its own
    assert fact.value == 1_000_000_000 and str(fact.date) == "2016"
    since_2017 = _fact(shipped, "peace-support-since-2017-v2023")
    assert since_2017.measure != "peace-implementation-support" and since_2017.value == 1_500_000_000


def test_as_of_lists_fewer_facts(shipped: Dataset) -> None:
    everything = query.select(shipped).rows
    then = query.select(shipped, view=query.View(as_of=PartialDate.parse("2020-09-30"))).rows
    assert 0 < len(then) < len(everything)
    assert all(row.source.date is not None and row.source.date.last <= dt.date(2020, 9, 30) for row in then)


def test_restated_figures_are_revisions(shipped: Dataset) -> None:
    """Three CRS editions give the FARC ex-combatants of 2017; the newest stands."""
    filters = query.Filters(measures=("farc-ex-combatants",))
    history = query.select(shipped, filters=filters, view=query.View(history=True)).rows
    assert [(row.fact.value, row.superseded_by is None) for row in history] == [
        (11_000, False),
        (13_200, False),
        (13_300, True),
    ]
    assert [row.fact.value for row in query.select(shipped, filters=filters).rows] == [13_300]


def test_every_measure_fact_has_its_measures_unit(shipped: Dataset) -> None:
    for fact in shipped.facts:
        if fact.measure:
            assert fact.unit == shipped.measures[fact.measure].unit, fact.id


def test_dataset_cites_at_least_forty_sources(shipped: Dataset) -> None:
    cited = {fact.source for fact in shipped.facts}
    assert len(cited) >= 40


def test_undated_sources_explain_themselves(shipped: Dataset) -> None:
    for source in shipped.sources.values():
        if source.date is None:
            assert source.date_note, source.id


# ---------------------------------------------------------------- the three questions, as a newcomer asks them


def _shipped_ids(*args: str) -> list[str]:
    from typer.testing import CliRunner

    from usco.cli.app import app

    result = CliRunner().invoke(app, [*args, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    import json

    return [fact["id"] for fact in json.loads(result.stdout)]


def test_how_much_aid_since_2016() -> None:
    ids = _shipped_ids("aid", "--since", "2016")
    for expected in (
        "peace-implementation-support-2020",  # more than $1 billion for peace implementation since 2016
        "covid-assistance-2020",  # COVID-19 assistance and its parts
        "covid-disaster-assistance-2020",
        "covid-humanitarian-assistance-2020",
        "venezuela-crisis-assistance-2020",  # the Venezuela response since 2017
    ):
        assert expected in ids
    assert "bilateral-assistance-two-decades-2020" not in ids  # its period starts around 2000
    # a component is listed right after its whole in a table; in JSON the order is by date then id
    assert ids.index("covid-assistance-2020") < ids.index("covid-disaster-assistance-2020")


def test_how_big_is_trade() -> None:
    ids = _shipped_ids("trade")
    assert {"two-way-goods-trade-2019", "us-agricultural-exports-2019", "largest-trade-investment-partner-2020"} <= set(
        ids
    )
    latest = _shipped_ids("trade", "--measure", "two-way-goods-trade", "--latest")
    assert latest == ["two-way-goods-trade-2019"]


def test_what_happened_when() -> None:
    ids = _shipped_ids("timeline")
    order = [
        # 1822: one event, shown once by the document that told it first (issue #23)
        ids.index(i)
        for i in ("us-recognition-resident-mission-1822", "first-diplomatic-presence-1823", "pompeo-visit-2020")
    ]
    assert order == sorted(order)  # oldest first
    assert "farc-final-accord-announced" in ids


# ---------------------------------------------------------------- the official series (issue #10)

FA_LATEST = "foreignassistance-2025-04-02"


def _series_rows(data: Dataset, measure: str, **view: object) -> list[query.Row]:
    filters = query.Filters(measures=(measure,))
    return list(query.select(data, filters=filters, view=query.View(**view)).rows)  # type: ignore[arg-type]


def _cells(release: str) -> dict[tuple[str, str], int]:
    """(transaction type name, fiscal year) -> current_amount for Colombia, read straight from the file."""
    import csv

    path = needed(RAW / "foreignassistance" / f"us_foreign_aid_country.{release}.csv")
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.reader(handle))
    header = [name.strip().lower().replace(" ", "_") for name in rows[0]]
    code, kind, year, amount = (
        header.index(n) for n in ("country_code", "transaction_type_name", "fiscal_year", "current_amount")
    )
    return {(row[kind], row[year]): int(row[amount]) for row in rows[1:] if row and row[code] == "COL"}


def test_aid_since_2016_is_the_2025_04_02_release_cell_for_cell(shipped: Dataset) -> None:
    # As the record stood before the release of 2025-11-29 (test_shipped_aid.py checks that one).
    cells = _cells("2025-04-02")
    names = {"aid-obligations": "Obligations", "aid-disbursements": "Disbursements"}
    before = PartialDate.parse("2025-11-28")
    for measure, name in names.items():
        rows = [r for r in _series_rows(shipped, measure, as_of=before) if r.fact.date.first.year >= 2016]
        years = {str(r.fact.date): r for r in rows}
        assert set(years) == {str(year) for year in range(2016, 2026)}, measure
        for year, row in years.items():
            assert row.source.id == FA_LATEST and row.fact.value == cells[(name, year)], (measure, year)
        assert years["2025"].fact.status is Status.PARTIAL and str(years["2025"].fact.end) == "2025-04-02"
        assert years["2024"].fact.status is Status.PROVISIONAL
        assert years["2023"].fact.status is Status.FINAL


def test_aid_latest_gives_fy2023_final_with_fy2024_and_fy2025_beside_it(shipped: Dataset) -> None:
    rows = _series_rows(shipped, "aid-obligations", latest=True)
    # The release of 2025-11-29 came after FY2025 ended (2025-09-30): provisional, no longer partial.
    assert [(str(r.fact.date), r.fact.status) for r in rows] == [
        ("2023", Status.FINAL),
        ("2024", Status.PROVISIONAL),
        ("2025", Status.PROVISIONAL),
    ]
    assert {r.source.id for r in rows} == {"foreignassistance-2025-11-29"}
    before = _series_rows(shipped, "aid-obligations", latest=True, as_of=PartialDate.parse("2025-11-28"))
    assert [(str(r.fact.date), r.fact.status) for r in before] == [
        ("2023", Status.FINAL),
        ("2024", Status.PROVISIONAL),
        ("2025", Status.PARTIAL),
    ]


def test_fy2020_obligations_as_each_release_gave_them(shipped: Dataset) -> None:
    rows = [r for r in _series_rows(shipped, "aid-obligations", history=True) if str(r.fact.date) == "2020"]
    dates = [str(r.source.date) for r in rows]
    assert dates == sorted(dates) and len(dates) == 7  # every release, oldest first
    assert all(r.superseded_by for r in rows[:-1]) and rows[-1].superseded_by is None
    then = [r for r in _series_rows(shipped, "aid-obligations", as_of=PartialDate.parse("2023-01-01"))
            if str(r.fact.date) == "2020"]  # fmt: skip
    assert [r.source.id for r in then] == ["foreignassistance-2022-10-08"]
    assert then[0].fact.value == _cells("2022-10-08")[("Obligations", "2020")]


def test_goods_trade_series_1985_to_2024_with_2024_partial(shipped: Dataset) -> None:
    # As the record stood before the release generated 2024-10-01 (newer ones: test_shipped_trade.py).
    measures = [shipped.measures["us-goods-exports"], shipped.measures["us-goods-imports"]]
    filters = query.Filters(measures=("us-goods-exports", "us-goods-imports"))
    selection = query.select(shipped, filters=filters, view=query.View(as_of=PartialDate.parse("2024-09-30")))
    table = summaries.series(selection, measures)
    census = [
        line for line in table.lines if all(row and row.source.id == "census-trade-2024-07-29" for row in line.cells)
    ]
    assert [line.label for line in census] == [str(year) for year in range(1985, 2025)]
    newest = census[-1].cells
    assert all(
        row is not None and row.fact.status is Status.PARTIAL and str(row.fact.end) == "2024-06" for row in newest
    )
    history = summaries.series(query.select(shipped, filters=query.Filters(measures=("us-goods-exports",)),
                                        view=query.View(history=True)), measures[:1], history=True)  # fmt: skip
    revised_2021 = [line for line in history.lines if line.label.startswith("2021 ")]
    assert len(revised_2021) >= 3  # one line a release: 16,451.44 -> 16,686.50 -> 16,765.68 million
