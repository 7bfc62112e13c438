"""Issue #23 on the shipped data, fact by fact: a caption means what it says.

Official series hold only their publisher's figures; a figure told twice is versions of one
measure or one event; a component is never shown alone; model estimates are estimated and
projections planned (no rule of `check` can tell those: these tests say so by id); a fact's
text is our own words, not a reference row's label.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable

import pytest
import tomli  # a dependency of usco on every Python (tomllib is 3.11+)
from typer.testing import Result

from tests.helpers import REFERENCE, REPO, needed
from usco.dataset import load as dataset
from usco.model import Dataset, Fact, Qualifier, Status
from usco.query import select as query

Run = Callable[..., Result]
pytestmark = pytest.mark.usefixtures("shared_cache")

FOREIGN_ASSISTANCE = "U.S. Department of State and U.S. Agency for International Development (ForeignAssistance.gov)"
CENSUS = "U.S. Census Bureau, Economic Indicators Division"


@pytest.fixture(scope="module")
def shipped() -> Dataset:
    return dataset.load(dataset.default_path())


def fact(data: Dataset, fact_id: str) -> Fact:
    return query.find_fact(data, fact_id)


def listed(usco: Run, *args: str) -> list[dict[str, object]]:
    result = usco(*args, "-f", "json")
    assert result.exit_code == 0, result.stderr
    found: list[dict[str, object]] = json.loads(result.stdout)
    return found


def source_of(row: dict[str, object]) -> str:
    source = row["source"]
    assert isinstance(source, dict)
    return str(source["id"])


# ---------------------------------------------------------------- whose figures


@pytest.mark.parametrize(
    ("measure", "publisher"),
    [
        ("aid-obligations", FOREIGN_ASSISTANCE),
        ("aid-disbursements", FOREIGN_ASSISTANCE),
        ("aid-appropriated-planned", FOREIGN_ASSISTANCE),
        ("aid-budget-requests", FOREIGN_ASSISTANCE),
        ("aid-initial-allocations", FOREIGN_ASSISTANCE),
        ("us-goods-exports", CENSUS),
        ("us-goods-imports", CENSUS),
        ("us-goods-exports-monthly", CENSUS),
        ("us-goods-imports-monthly", CENSUS),
        ("us-imports-enduse-00000", CENSUS),
    ],
)
def test_official_series_name_their_publisher_and_hold_only_its_figures(
    shipped: Dataset, measure: str, publisher: str
) -> None:
    assert shipped.measures[measure].publisher == publisher
    sources = {shipped.sources[f.source].publisher for f in shipped.facts if f.measure == measure}
    assert sources == {publisher}


PRESS_REQUESTS = [
    "wh-fy2017-request-state-usaid", "press-cr-fy2018-request", "press-et-fy2022-request", "wola-fy2024-request",
    "press-et-fy2024-request", "press-et-fy2023-request", "cip-fy2010-request", "aid-fy2025-request-413m",
]  # fmt: skip
OTHERS_TRADE = {
    "us-goods-exports-2010-state": None,
    "embassy-exports-2016": None,
    "embassy-imports-2016": None,
    "uschamber-exports-2011": None,
    "uschamber-exports-2014": None,
    "ansi-exports-2012": None,
    "ansi-imports-2012": None,
    "us-goods-exports-2010-ustr": "us-goods-exports-ustr",
    "us-goods-exports-2013-factsheet": "us-goods-exports-ustr",
    "us-goods-exports-2013-release": "us-goods-exports-ustr",
    "us-goods-imports-2010-ustr": "us-goods-imports-ustr",
    "us-exports-ytd-nov-2007": "us-goods-exports-census-ft920",
    "us-exports-ytd-nov-2008": "us-goods-exports-census-ft920",
    "us-exports-ytd-nov-2009": "us-goods-exports-census-ft920",
}


def test_figures_of_others_left_the_official_series(shipped: Dataset) -> None:
    assert {fact_id: fact(shipped, fact_id).measure for fact_id in PRESS_REQUESTS} == dict.fromkeys(PRESS_REQUESTS)
    assert {fact_id: fact(shipped, fact_id).measure for fact_id in OTHERS_TRADE} == OTHERS_TRADE
    for measure in ("us-goods-exports-ustr", "us-goods-imports-ustr", "us-goods-exports-census-ft920"):
        publishers = {shipped.sources[f.source].publisher for f in shipped.facts if f.measure == measure}
        assert publishers == {shipped.measures[measure].publisher}


def test_aid_series_table_holds_only_foreignassistance_figures(usco: Run) -> None:
    series = ("aid-obligations", "aid-disbursements", "aid-appropriated-planned", "aid-budget-requests")
    rows = listed(usco, "series", *series, "--since", "2016")
    assert rows and all(source_of(row).startswith("foreignassistance-") for row in rows)
    # Before 2022 no shipped ForeignAssistance.gov release gave a request: the press figures that filled
    # the column then are gone from it, and the hole stays a hole.
    assert listed(usco, "series", "aid-budget-requests", "--as-of", "2022-01-01") == []
    requests = {row["period"]: row for row in listed(usco, "series", "aid-budget-requests", "--since", "2016")}
    # the FY2025 request: a ForeignAssistance.gov figure or no cell, never El Tiempo's $413 million
    assert "FY2025" not in requests or source_of(requests["FY2025"]).startswith("foreignassistance-")
    assert all(row["id"] != "aid-fy2025-request-413m" for row in requests.values())


def test_census_series_as_of_2021_holds_only_census_figures(usco: Run) -> None:
    rows = listed(usco, "series", "us-goods-exports", "--as-of", "2021-12-31")
    assert rows and all(source_of(row).startswith("census-trade-") for row in rows)


# ---------------------------------------------------------------- the same figure twice


@pytest.mark.parametrize(
    ("older", "newer", "measure"),
    [
        ("press-cr-fy2018-approp", "aid-fy2018", "aid-appropriations"),
        ("us-businesses-2013", "us-companies-colombiaemb", "us-companies-in-colombia"),  # the page: 2013, by its note
        ("colombia-rank-us-goods-market-2010-state", "colombia-export-market-rank-2010",
         "colombia-rank-us-goods-export-markets"),
        ("us-goods-exports-2013-release", "us-goods-exports-2013-factsheet", "us-goods-exports-ustr"),
    ],
)  # fmt: skip
def test_a_figure_told_twice_is_two_versions_of_one_measure(usco: Run, older: str, newer: str, measure: str) -> None:
    versions = {row["id"]: row for row in listed(usco, "facts", "--measure", measure, "--history")}
    assert versions[older]["superseded_by"] == newer
    assert versions[newer]["superseded_by"] is None


def test_fy2018_appropriation_is_listed_once(usco: Run) -> None:
    ids = [row["id"] for row in listed(usco, "aid", "--since", "2016")]
    assert "aid-fy2018" in ids and "press-cr-fy2018-approp" not in ids


@pytest.mark.parametrize(
    ("event", "ids"),
    [
        ("janssen-doses-donated-2021-07", {"janssen-doses-donated", "jj-doses-donated-embassy-jul"}),
        ("ustr-ctpa-second-anniversary-2014-05",
         {"us-goods-exports-growth-2011-2013-factsheet", "us-goods-exports-growth-2011-2013-release"}),
    ],
)  # fmt: skip
def test_a_figure_told_by_two_documents_of_one_event_shares_its_key(
    shipped: Dataset, event: str, ids: set[str]
) -> None:
    assert {f.id for f in shipped.facts if f.event == event} == ids


def test_check_strict_finds_only_the_two_tariffs_of_january_26_2025(shipped: Dataset) -> None:
    # The only facts outside any measure with one value, unit and date from two sources are two different
    # tariffs: the U.S. one and Colombia's reply, both 25% on 2025-01-26. Not a duplicate: listed, and kept.
    # (`usco check --strict` prints this list: tests/test_meaning.py runs it.)
    from usco.dataset.rules import possible_duplicates

    assert [[f.id for f in group] for group in possible_duplicates(shipped.facts)] == [
        ["us-tariff-threat-25pct-2025-01-26", "colombia-retaliatory-tariff-25pct-2025-01-26"]
    ]


# ---------------------------------------------------------------- components with their whole

# The 13 the audit found alone: 6 whose wholes Census superseded, 3 whose whole was only named in their text...
ALONE = {
    "us-crude-imports-2010": "trade", "us-gold-imports-2010": "trade", "us-coffee-imports-2010": "trade",
    "us-flower-imports-2010": "trade", "us-ag-exports-2010": "trade", "us-petroleum-coal-exports-2013": "trade",
    "aid-fy2025-request-da-esf-219m": "aid", "aid-fy2025-request-fmf-38-5m": "aid",
    "aid-fy2025-request-incle-135m": "aid",
}  # fmt: skip
# ... and 4 whose wholes a later version of the same figure superseded, and the 4 parts of Colombia Reports'
# FY2018 appropriation (now a version CRS superseded): listed with their whole's id.
MARKED = {"plan-colombia-dod-share", "usaid-cbj06-514-007-fy2005", "usaid-cbj06-514-008-fy2005",
          "usaid-cbj06-514-009-fy2005", "press-cr-fy2018-esf", "press-cr-fy2018-fmf", "press-cr-fy2018-incle",
          "press-cr-fy2018-nadr"}  # fmt: skip


@pytest.mark.slow  # about a second each: every aid or trade figure in JSON and markdown
@pytest.mark.parametrize("command", ["aid", "trade"])
def test_components_are_listed_with_their_whole_or_marked_with_its_id(usco: Run, command: str) -> None:
    rows = listed(usco, command)
    shown = {row["id"] for row in rows}
    alone = {row["id"] for row in rows if row["part_of"] and row["part_of"] not in shown}
    assert not alone & {fact_id for fact_id, where in ALONE.items() if where == command}
    assert {fact_id for fact_id, where in ALONE.items() if where == command} <= shown
    assert alone <= MARKED
    markdown = usco(command, "-f", "markdown").stdout
    for row in rows:
        if row["id"] in alone:
            assert f"(part of {row['part_of']})" in markdown


# ---------------------------------------------------------------- what a figure is

ESTIMATED = [
    # coca hectares, U.S. (ONDCP, INCSR) and UNODC model estimates
    "coca-cultivation-2011", "incsr2014-coca-2012", "coca-cultivation-2012", "incsr2016-coca-2013",
    "coca-cultivation-2013", "afp2019-coca-2014", "incsr2016-coca-2014", "incsr2018-coca-2015",
    "ondcp2018-coca-2016", "ondcp2018-coca-2017", "ondcp2019-coca-2018", "coca-cultivation-2019-dfc",
    "ondcp2021-coca-2019", "coca-cultivation-2020", "coca-cultivation-2021", "unodc-coca-colombia-2024",
    # cocaine tonnages
    "cocaine-production-2009", "ondcp2021-cocaine-2019-initial", "cocaine-production-2021", "incsr2014-cocaine-2011",
    "incsr2014-cocaine-2012", "incsr2016-cocaine-2014", "incsr2018-cocaine-2015", "incsr2018-cocaine-2016",
    "cocaine-production-2001-peak", "cocaine-production-2011", "cocaine-production-2012", "cocaine-production-2013",
    "ondcp2018-cocaine-2016", "ondcp2019-cocaine-2017-revised", "ondcp2018-cocaine-2017", "ondcp2019-cocaine-2018",
    "cocaine-production-2020", "unodc-cocaine-potential-colombia-2023", "unodc-cocaine-potential-colombia-2024",
]  # fmt: skip
SOURCE_QUALIFIED = {"incsr2018-coca-2001": Qualifier.APPROXIMATELY, "unodc-coca-colombia-2023": Qualifier.APPROXIMATELY}


def test_model_estimates_are_estimated_unless_the_source_said_otherwise(shipped: Dataset) -> None:
    assert {fact_id: fact(shipped, fact_id).qualifier for fact_id in ESTIMATED} == dict.fromkeys(
        ESTIMATED, Qualifier.ESTIMATED
    )
    assert {fact_id: fact(shipped, fact_id).qualifier for fact_id in SOURCE_QUALIFIED} == SOURCE_QUALIFIED
    # every fact of those measures is one of the above: a new one must be placed here too
    measures = [m for m in shipped.measures if m.startswith(("cocaine-production", "coca-cultivation"))]
    assert {f.id for f in shipped.facts if f.measure in measures} == set(ESTIMATED) | set(SOURCE_QUALIFIED)


@pytest.mark.parametrize(
    "fact_id",
    ["usda-est-ctpa-ag-gain", "usda-est-ctpa-economic-activity", "ctpa-est-export-gain", "ctpa-est-gdp-gain",
     "venezuelans-projection-2020"],
)  # fmt: skip
def test_projections_are_planned(shipped: Dataset, fact_id: str) -> None:
    assert fact(shipped, fact_id).status is Status.PLANNED


def test_aid_received_in_fy2025_said_20_days_after_is_provisional(shipped: Dataset) -> None:
    received = fact(shipped, "aid-fy2025-received-210m")
    assert received.status is Status.PROVISIONAL
    assert received.measure is None  # dpa-AFX's "received": no series of that quantity (see the comment beside it)


@pytest.mark.parametrize("fact_id", ["plan-colombia-package-2000", "crs-rl32250-2007-fy2000-pl106-246",
                                     "us-drug-control-budget"])  # fmt: skip
def test_figures_covering_more_than_colombia_are_regional(shipped: Dataset, fact_id: str) -> None:
    assert fact(shipped, fact_id).regional


# ---------------------------------------------------------------- venezuelans in colombia


def test_venezuelans_in_colombia_is_one_basis_dated_by_month(shipped: Dataset) -> None:
    series = {f.id: f for f in shipped.facts if f.measure == "venezuelans-in-colombia"}
    # other bases: those intending to stay, those covered by the TPS announcement, refugees taken in
    for other in ("venezuelans-in-colombia-2024-12", "venezuelans-in-colombia-2021-02",
                  "venezuelans-in-colombia-2020-01"):  # fmt: skip
        assert other not in series and fact(shipped, other).measure is None
    assert (str(series["venez-col-2022-laopinion"].date), str(series["venez-col-2023-laopinion"].date)) == (
        "2022-12",
        "2023-12",
    )
    assert all(f.date.precision > 1 for f in series.values())  # no year-end stock dated by its year alone
    # Semana's 2,867,748 for December 2022: a likely typo beside the verified 2,896,748 of the same month;
    # kept as its source said it, with a note, out of the series
    typo = fact(shipped, "venezuelans-in-colombia-peak-2022-12")
    assert (typo.value, typo.measure) == (2_867_748, None)
    assert "2,896,748" in typo.text
    assert series["venez-col-2022-laopinion"].value == 2_896_748


# ---------------------------------------------------------------- events, --latest, the rest


def test_timeline_shows_1822_once(usco: Run) -> None:
    rows = listed(usco, "timeline")
    assert [row["id"] for row in rows if str(row["date"]).startswith("1822")] == [
        "us-recognition-resident-mission-1822"
    ]
    shown = json.loads(usco("show", "us-recognition-resident-mission-1822", "-f", "json").stdout)
    assert len(shown["same_event"]) == 9


def test_aid_latest_lists_only_series(usco: Run) -> None:
    rows = listed(usco, "aid", "--latest")
    with_measure = {row["id"] for row in rows if row["measure"]}
    assert rows and all(row["measure"] or row["part_of"] in with_measure for row in rows)


def test_the_last_rounds_notes(shipped: Dataset) -> None:
    since_2017 = fact(shipped, "aid-since-2017-crs-nov2019")
    assert since_2017.measure == "assistance-since-2017-crs"
    assert str(since_2017.end) == shipped.sources[since_2017.source].date.__str__()  # a running total: to the day said
    # "more than $28 billion" a year, said around 2026-02-03 with no year given: not 2026's trade
    assert str(fact(shipped, "bilateral-trade-annual-2026").date) == "2026-02"


def test_no_fact_text_copies_a_reference_label() -> None:
    """The hand-written facts (data/facts.toml) say each figure in our own words, not the reference row's label."""
    labels = {}
    for name in ("facts-research.csv", "facts-research-2.csv"):
        with needed(REFERENCE / name).open(encoding="utf-8", newline="") as handle:
            labels.update({" ".join(row["label"].split()).casefold(): row["id"] for row in csv.DictReader(handle)})
    facts = tomli.loads((REPO / "data" / "facts.toml").read_text(encoding="utf-8"))["facts"]
    copied = [entry["id"] for entry in facts if " ".join(entry["text"].split()).casefold() in labels]
    assert copied == []
