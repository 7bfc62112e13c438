"""The shipped dataset after issue #11: figures mean what their sources meant, and the
second research round (shared/reference/*-research-2.csv) is in, verified rows only.

The reference CSVs live beside the repository (shared/reference); set USCO_REFERENCE_DIR
to point elsewhere. The tests that compare with them are skipped when they are absent.
"""

from __future__ import annotations

import csv
import os
import re
from decimal import Decimal

import pytest

from tests.helpers import REFERENCE
from usco.dataset import load as dataset
from usco.model import Dataset, Fact, PeriodKind, Qualifier, SourceKind, Status
from usco.query import select as query

needs_reference = pytest.mark.skipif(  # CI has them beside the repository: there a missing file fails
    not (REFERENCE / "facts-research-2.csv").is_file() and os.environ.get("CI") != "true",
    reason=f"reference CSVs not found in {REFERENCE}",
)


@pytest.fixture(scope="module")
def data() -> Dataset:
    return dataset.load(dataset.default_path(), use_cache=False)


def fact(data: Dataset, fact_id: str) -> Fact:
    return query.find_fact(data, fact_id)


def members(data: Dataset, measure: str) -> set[str]:
    return {f.id for f in data.facts if f.measure == measure}


# ---------------------------------------------------------------- section 2: said before it happened


@pytest.mark.parametrize(
    "fact_id",
    [
        "pompeo-visit-2020",
        "pompeo-third-colombia-visit",
        "moderna-arrival-date",
        "cucuta-prepositioned-aid-2019-02",
        "janssen-arrival-date",
    ],
)
def test_announced_events_are_planned(data: Dataset, fact_id: str) -> None:
    item = fact(data, fact_id)
    assert item.status is Status.PLANNED
    assert re.search(r"\b(is to|due to|expected to|are due)\b", item.text), item.text


def test_janssen_donation_dated_to_its_june_release_not_the_arrival(data: Dataset) -> None:
    source = data.sources["embassy-undated-janssen"]
    assert str(source.date) == "2021-06"
    assert source.date_note and "will arrive in Bogota on July 1" in source.date_note
    for fact_id in ("janssen-doses-donated", "janssen-donation-value"):
        item = fact(data, fact_id)
        assert str(item.date) == "2021-06" and item.status is Status.FINAL
    arrival = fact(data, "janssen-arrival-date")
    assert str(arrival.date) == "2021-07-01" and arrival.status is Status.PLANNED


def test_every_fact_dated_after_its_source_is_planned(data: Dataset) -> None:
    for item in data.facts:
        said = data.sources[item.source].date
        measure = data.measures.get(item.measure) if item.measure else None
        if said is None or (measure and measure.period is PeriodKind.FISCAL_YEAR):
            continue
        if item.date.first > said.last:
            assert item.status is Status.PLANNED, item.id


def test_first_time_exporters_2013_has_no_end(data: Dataset) -> None:
    item = fact(data, "first-time-exporters-2013")
    assert item.end is None and item.measure is not None
    assert data.measures[item.measure].period is PeriodKind.POINT
    assert all(f.end is None for f in data.facts if f.measure == item.measure)


# ---------------------------------------------------------------- a commitment is not money provided


def test_covid_investment_is_a_commitment_in_its_own_measure(data: Dataset) -> None:
    item = fact(data, "covid-invest-total-2021-07")
    assert item.measure == "covid-response-investment"
    assert data.measures["covid-response-investment"].period is PeriodKind.POINT
    assert (str(item.date), item.end, item.value) == ("2021-07-23", None, 122_700_000)
    assert "investing" in item.text and "commitment" in item.text and "start not given" in item.text
    assert members(data, "covid-response-investment") == {"covid-invest-total-2021-07"}
    assert members(data, "covid-assistance") == {"covid-assistance-2020", "crs-2020-covid-aid"}


# ---------------------------------------------------------------- running totals


RUNNING_TOTALS = [
    # id, measure, start, end (the day said)
    (
        "venezuela-response-aid-colombia-2021-02",
        "venezuela-crisis-aid-colombia-since-crisis-began",
        "2021-02-08",
        "2021-02-08",
    ),
    (
        "venezuela-response-regional-total-2019-09",
        "venezuela-regional-assistance",
        "2019-09-04",
        "2019-09-04",
    ),
    (
        "venezuela-response-regional-humanitarian-2019-09",
        "venezuela-regional-humanitarian-start-not-given",
        "2019-09-04",
        "2019-09-04",
    ),
    (
        "venezuela-response-regional-econdev-2019-09",
        "venezuela-regional-econdev-start-not-given",
        "2019-09-04",
        "2019-09-04",
    ),
    (
        "venezuela-crisis-assistance-2020",
        "venezuela-crisis-assistance",
        "2017",
        "2020-09-18",
    ),
    (
        "venezuela-humanitarian-regional-2018-05",
        "venezuela-regional-humanitarian-since-2017",
        "2017",
        "2018-05-08",
    ),
    (
        "venezuela-humanitarian-regional-2018-08",
        "venezuela-regional-humanitarian-since-fy2017",
        "2016-10-01",
        "2018-08-08",
    ),
    (
        "venezuela-humanitarian-regional-2018-09",
        "venezuela-regional-humanitarian-since-fy2017",
        "2016-10-01",
        "2018-09-25",
    ),
]


@pytest.mark.parametrize(("fact_id", "measure", "start", "end"), RUNNING_TOTALS)
def test_running_totals_have_their_start_and_the_day_said(
    data: Dataset, fact_id: str, measure: str, start: str, end: str
) -> None:
    item = fact(data, fact_id)
    assert item.measure == measure
    assert data.measures[measure].period is PeriodKind.RUNNING_TOTAL
    assert (str(item.date), str(item.end)) == (start, end)
    if start == end:  # the source gives no start
        assert "start not given by the source" in item.text


def test_ctpa_farm_export_doubling_starts_at_entry_into_force(data: Dataset) -> None:
    item = fact(data, "us-agricultural-exports-growth-ctpa-2019")
    assert (str(item.date), str(item.end)) == ("2012-05-15", "2019")
    # the start comes from the dataset's own record of the entry into force
    assert str(fact(data, "ctpa-implemented-ustr").date) == "2012-05-15"


# ---------------------------------------------------------------- one measure, one definition


SPLIT = {
    "bilateral-assistance-two-decades-state": {"bilateral-assistance-two-decades-2020"},
    "us-government-assistance-20-years-crs": {"aid-total-20yr-crs-2020"},
    "plan-colombia-successors-allocations": {"plan-colombia-successors-total-2023"},
    "peace-implementation-support": {"peace-implementation-support-2020", "peace-support-since-2016-v-b"},
    "peace-implementation-assistance-since-2017": {"peace-support-since-2017-v2023"},
    "covid-assistance": {"covid-assistance-2020", "crs-2020-covid-aid"},
    "cocaine-production-pure-ondcp": {
        "cocaine-production-2001-peak",
        "cocaine-production-2011",
        "cocaine-production-2012",
        "cocaine-production-2013",
        "cocaine-production-2020",
        "ondcp2018-cocaine-2016",
        "ondcp2018-cocaine-2017",
        "ondcp2019-cocaine-2017-revised",
        "ondcp2019-cocaine-2018",
    },
    "cocaine-production-ondcp": {
        "cocaine-production-2009",
        "cocaine-production-2021",
        "ondcp2021-cocaine-2019-initial",
    },
    "cocaine-production-pure-incsr": {
        "incsr2014-cocaine-2011",
        "incsr2014-cocaine-2012",
        "incsr2016-cocaine-2014",
        "incsr2018-cocaine-2015",
        "incsr2018-cocaine-2016",
    },
    "cocaine-production-unodc": {"unodc-cocaine-potential-colombia-2023", "unodc-cocaine-potential-colombia-2024"},
    "venezuela-regional-humanitarian-since-2017": {"venezuela-humanitarian-regional-2018-05"},
    "venezuela-regional-humanitarian-since-fy2017": {
        "venezuela-humanitarian-regional-2018-08",
        "venezuela-humanitarian-regional-2018-09",
    },
    "venezuela-regional-humanitarian-start-not-given": {"venezuela-response-regional-humanitarian-2019-09"},
    "venezuela-crisis-assistance": {"venezuela-crisis-assistance-2020"},
    "venezuela-crisis-aid-colombia-since-crisis-began": {"venezuela-response-aid-colombia-2021-02"},
}


@pytest.mark.parametrize(("measure", "ids"), sorted(SPLIT.items()))
def test_split_measures_hold_one_definition(data: Dataset, measure: str, ids: set[str]) -> None:
    assert members(data, measure) == ids
    if data.measures[measure].period is PeriodKind.RUNNING_TOTAL:
        assert len({str(fact(data, i).date) for i in ids}) == 1, "one running total, one start"


def test_mixed_measures_are_gone(data: Dataset) -> None:
    for old in ("cumulative-assistance", "cocaine-production", "venezuela-regional-humanitarian-assistance"):
        assert old not in data.measures


def test_no_pure_estimate_shares_a_measure_with_an_unqualified_one(data: Dataset) -> None:
    for item in data.facts:
        if item.measure == "cocaine-production-ondcp":
            assert "pure" not in item.text.replace("purity not stated", "")
        if item.measure in ("cocaine-production-pure-ondcp", "cocaine-production-pure-incsr"):
            assert "pure" in item.text


# ---------------------------------------------------------------- the same figure twice, regional, qualifiers


def test_restated_econdev_figure_is_superseded_by_the_later_statement(data: Dataset) -> None:
    first, later = fact(data, "venezuelans-colombia-econdev-2018"), fact(data, "venezuelans-colombia-econdev-2018-09")
    assert first.measure == later.measure == "venezuela-influx-econdev-commitment"
    assert (first.date, first.end) == (later.date, later.end)
    assert first.value == later.value == 23_500_000
    superseded = query.supersessions(data.facts, data.sources)
    assert superseded.get(first.id) == later.id and later.id not in superseded


REGIONAL = [
    "venezuela-humanitarian-regional-2018-05",  # $21M
    "venezuela-humanitarian-regional-2018-08",  # $46M
    "venezuela-humanitarian-regional-2018-09",  # $95M
    "venezuela-humanitarian-additional-2018-09",  # $48M
    "venezuela-humanitarian-additional-2019-09",  # $120M
    "venezuela-response-regional-total-2019-09",  # $376M
    "venezuela-response-regional-humanitarian-2019-09",  # $334M
    "venezuela-response-regional-econdev-2019-09",  # $43M
]


def test_the_eight_regional_venezuela_figures_are_regional(data: Dataset) -> None:
    assert sorted(fact(data, i).value or 0 for i in REGIONAL) == [
        v * 1_000_000 for v in (21, 43, 46, 48, 95, 120, 334, 376)
    ]
    assert all(fact(data, i).regional for i in REGIONAL)
    assert not fact(data, "venezuela-crisis-assistance-2020").regional  # Colombia's own


def test_lost_qualifiers_and_the_rank(data: Dataset) -> None:
    assert fact(data, "us-citizens-living-2013").qualifier is Qualifier.ESTIMATED
    assert fact(data, "cocaine-production-2001-peak").qualifier is Qualifier.ESTIMATED
    rank = fact(data, "third-largest-latam-trade-partner-2020")
    assert (rank.value, rank.unit) == (3, "rank")


def test_every_measure_fits_its_period(data: Dataset) -> None:
    """Facts of data/facts.toml (the generated series, with the 1976 transition quarter, have their own tests)."""
    generated = {f.source for f in data.facts if f.id.startswith(("fa-", "census-"))}
    for item in data.facts:
        if not item.measure or item.source in generated:
            continue
        period = data.measures[item.measure].period
        if period in (PeriodKind.YEAR, PeriodKind.FISCAL_YEAR):
            assert item.date.precision == 1 and (item.end is None or item.status is Status.PARTIAL), item.id
        elif period is PeriodKind.POINT:
            assert item.end is None, item.id
        elif period is PeriodKind.RUNNING_TOTAL:
            assert item.end is not None, item.id


def test_every_source_has_a_kind(data: Dataset) -> None:
    assert all(isinstance(source.kind, SourceKind) for source in data.sources.values())


# ---------------------------------------------------------------- the 2025-2026 story


STORY = [
    "deportation-flights-turned-back-2025-01-26",
    "white-house-colombia-accepts-terms-2025-01-26",
    "us-charge-recalled-2025-07-03",
    "decertification-fy2026-2025-09-15",
    "petro-visa-revocation-2025-09-26",
    "eln-vessel-strike-2025-10-17",
    "colombia-ambassador-recalled-2025-10-20",
    "ofac-designates-petro-2025-10-24",
    "colombia-suspends-intel-sharing-2025-11-11",
    "trump-petro-first-call-2026-01-07",
    "trump-petro-meeting-duration-2026-02-03",
    "election-runoff-espriella-share-2026-06-21",
]


def test_the_2025_2026_story_is_a_timeline_in_order(data: Dataset) -> None:
    milestones = [f for f in data.facts if f.topic.value == "milestone" and f.date.first.year >= 2025]
    ordered = [f.id for f in sorted(milestones, key=lambda f: (f.date.first, f.id))]
    assert set(STORY) <= set(ordered)
    positions = [ordered.index(i) for i in STORY]
    assert positions == sorted(positions)
    assert all(data.sources[f.source].kind is not None for f in milestones)
    assert fact(data, "election-runoff-espriella-share-2026-06-21").status is Status.PROVISIONAL


# ---------------------------------------------------------------- research-2 rows, compared with the CSV

# Rows kept under another id: the same figure of the same document already in the dataset,
# or a row listed twice for one document.
RENAMED = {
    "ustr-two-way-goods-2010": "two-way-goods-trade-2010",
    "ustr-exports-2010": "us-goods-exports-2010-ustr",
    "ustr-imports-2010": "us-goods-imports-2010-ustr",
    "ustr-deficit-2010": "us-goods-deficit-2010",
    "ustr-ag-exports-2010": "us-ag-exports-2010",
    "ustr-ag-imports-2010": "us-ag-imports-2010",
    "ustr-exports-may2012-mar2013": "us-exports-first-11-months-ctpa",
    "ustr-exports-2013": "us-goods-exports-2013-release",
    "ustr-ag-exports-2013": "us-ag-exports-2013-ustr",
    "fas-ag-exports-fy2013": "us-food-ag-exports-fy2013",
    "exportgov-ag-exports-2016": "us-ag-exports-2016",
    "crs-r43813-2020-fy2000-2016": "plan-colombia-funding-fy2000-2016-crs-oct2020",
    "crs-in12180-22yr": "plan-colombia-successors-total-2023",
    "press-et-fy2023-disbursed": "aid-fy2023-disbursed-708m",
    "venez-col-2024-02-29": "venezuelans-in-colombia-2024-02",
    "venez-col-2022-12-peak-semana": "venezuelans-in-colombia-peak-2022-12",
}
# Source rows of research-2 that are a document the dataset already had, or one document listed twice.
SOURCE_KEYS = {
    "ustr-colombia-page-2012": "ustr-archived-2012-10-10-colombia-page",
    "ustr-factsheet-2013-05": "ustr-2013-05-factsheet-one-year",
    "ustr-factsheet-2014-05": "ustr-2014-05-factsheet-second-anniversary",
    "ustr-pressrelease-2014-05-15": "ustr-2014-05-15-two-years-release",
    "usda-fas-colombia-page": "usda-fas-undated-colombia",
    "exportgov-ccg-market-overview-2017": "exportgov-2017-12-28-market-overview",
    "crs-r43813-2020-10-26": "crs-2020-10-26-r43813",
    "crs-in12180-2023-06-14": "crs-2023-06-14-in12180",
    "press-eltiempo-overview-2025-10": "overviewpress-eltiempo-2025-10-20-aid",
    "noticierodigital-2024-06-migracion": "noticierodigital-2024-06",
    "semana-2024-migracion-peak": "semana-2024",
}
# The README's rule: a change of unit, never rounding.
UNITS = {
    "thousands of USD": (1_000, "USD"),
    "millions of USD": (1_000_000, "USD"),
    "billions of USD": (1_000_000_000, "USD"),
    "USD": (1, "USD"),
    "persons": (1, "people"),
    "millions of persons": (1_000_000, "people"),
    "metric tons (potential pure)": (1, "metric tons"),
}
INTERGOVERNMENTAL = re.compile(r"\b(R4V|GIFMM|UNHCR|UNODC|OAS|United Nations)\b")
# At least 25 rows, of every kind of source, figure and unit, compared field by field.
SAMPLE = [
    "state-pm-2008-fmf-fy2007", "state-pm-2008-imet-fy2008", "usaid-cbj06-total-fy2004",
    "usaid-profile-total-fy2005", "crs-rl30541-fy2000-allocated", "crs-rs21213-fy1989-2003-total",
    "crs-rs21213-fy2004-dod-est", "crs-rl32250-2009-fy2000-2009", "gao-19-106-since-1999",
    "wh-fy2017-request-total", "press-cr-fy2018-approp", "press-et-fy2022-request", "wola-fy2023-law",
    "press-et-fy2024-request", "cip-fy2009-hr1105", "ustr-exports-2013", "uschamber-exports-2011",
    "ansi-imports-2012", "ccg-us-fdi-flow-h1-2007", "ics-us-fdi-2016-bea", "ondcp2018-cocaine-2017",
    "incsr2018-coca-2001", "afp2019-cocaine-2014", "venez-col-2019-10-31", "venez-col-2022-02-28",
    "venez-col-2023-08", "venezuelans-in-colombia-peak-2022-12", "extrad-total-2010",
    "deportees-third-flight-ians-2025-01-29", "deportees-third-flight-contrareplica-2025-01-29",
    "colombians-removed-ice-fy2024", "colombia-exports-to-us-jan-jul-2025", "unodc-coca-colombia-2023",
    "pacific-strikes-off-colombia-2025-10-27", "aid-fy2025-request-413m", "aid-fy2023-disbursed-708m",
    "usaid-freeze-suspended-funds-2025", "election-runoff-cepeda-share-2026-06-21",
]  # fmt: skip


def _rows() -> dict[str, dict[str, str]]:
    with (REFERENCE / "facts-research-2.csv").open(newline="", encoding="utf-8") as handle:
        return {row["id"]: row for row in csv.DictReader(handle)}


def _sources() -> dict[str, dict[str, str]]:
    with (REFERENCE / "sources-research-2.csv").open(newline="", encoding="utf-8") as handle:
        return {row["source_id"]: row for row in csv.DictReader(handle)}


def _expected_value(row: dict[str, str]) -> tuple[int | float, str]:
    if "decimal-style slip" in row["correction"]:  # "$2,556 billion" is $2.556 billion (the correction)
        return int(Decimal(row["value"].replace(",", ".")) * 1_000_000_000), "USD"
    scale, unit = UNITS.get(row["unit"], (1, row["unit"]))
    value = Decimal(row["value"].replace(",", "")) * scale
    return (int(value) if value == value.to_integral_value() else float(value)), unit


def _expected_qualifier(printed: str) -> Qualifier:
    words = re.sub(r"'[^']*'|\"[^\"]*\"", "", printed.lower())  # quoted notes are not qualifiers
    if words in {q.value for q in Qualifier}:
        return Qualifier(words)
    for pattern, qualifier in (
        (r"\b(more than|over|just over)\b", Qualifier.MORE_THAN),
        (r"\balmost\b", Qualifier.NEARLY),
        (r"\b(about|approximately|some|close to)\b", Qualifier.APPROXIMATELY),
        (r"\bestimate\b", Qualifier.ESTIMATED),
    ):
        if re.search(pattern, words):
            return qualifier
    return Qualifier.EXACT


_MONTHS = {m: i for i, m in enumerate(
    ["january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
     "november", "december"], start=1)}  # fmt: skip


def _expected_date(row: dict[str, str]) -> str:
    """The first date the reference row gives for the figure (its correction first)."""
    fixed = re.search(r"refers_to can be (\d{4}-\d{2}-\d{2})", row["correction"])
    if fixed:
        return fixed.group(1)
    text = row["refers_to"]
    found: list[tuple[int, str]] = []  # (position, date): the earliest one in the text wins
    for day in re.finditer(r"(\d{1,2}) (\w+) (\d{4})", text):
        if day.group(2).lower() in _MONTHS:
            found.append((day.start(), f"{day.group(3)}-{_MONTHS[day.group(2).lower()]:02d}-{int(day.group(1)):02d}"))
    for month in re.finditer(r"\b([A-Z][a-z]+) (\d{4})", text):
        if month.group(1).lower() in _MONTHS:
            found.append((month.start(), f"{month.group(2)}-{_MONTHS[month.group(1).lower()]:02d}"))
    for iso in re.finditer(r"(?<![\d-])\d{4}(-\d{2})?(-\d{2})?", text):
        found.append((iso.start(), iso.group(0)))
    assert found, text
    return min(found, key=lambda hit: (hit[0], -len(hit[1])))[1]


def _expected_kind(source: dict[str, str]) -> SourceKind:
    grade = source["grade"]
    if grade == "official":
        intergovernmental = INTERGOVERNMENTAL.search(source["publisher"])
        return SourceKind.INTERGOVERNMENTAL if intergovernmental else SourceKind.GOVERNMENT
    return SourceKind.PRESS if grade == "press" else SourceKind.OTHER


@needs_reference
@pytest.mark.parametrize("row_id", SAMPLE)
def test_research_2_figure_as_the_reference_row_gives_it(data: Dataset, row_id: str) -> None:
    row, sources = _rows()[row_id], _sources()
    assert row["verified"] == "yes"
    item = fact(data, RENAMED.get(row_id, row_id))
    assert (item.value, item.unit) == _expected_value(row)
    expected = _expected_qualifier(row["qualifier"])
    if expected is Qualifier.EXACT and (item.measure or "").startswith(("cocaine-production", "coca-cultivation")):
        expected = Qualifier.ESTIMATED  # a model estimate the row gave no qualifier (design §1, issue #23)
    assert item.qualifier is expected
    if item.status is Status.PARTIAL:  # part of a year: the year, and its last month as the end
        year = re.search(r"\d{4}", row["refers_to"])
        months = re.findall(r"\d{4}-\d{2}", row["refers_to"])
        assert year and str(item.date) == year.group(0) and item.end is not None
        assert str(item.end) == months[-1] if months else str(item.end).startswith(year.group(0))
    else:
        assert str(item.date) == _expected_date(row)
    assert item.source == SOURCE_KEYS.get(row["source_id"], row["source_id"])
    assert data.sources[item.source].kind is _expected_kind(sources[row["source_id"]])


@needs_reference
def test_sample_is_large_and_verified() -> None:
    rows = _rows()
    assert len(set(SAMPLE)) >= 25 and all(rows[i]["verified"] == "yes" for i in SAMPLE)


@needs_reference
def test_every_verified_row_is_present_and_no_unverified_one(data: Dataset) -> None:
    ids = {f.id for f in data.facts}
    for row in _rows().values():
        kept = RENAMED.get(row["id"], row["id"])
        if row["verified"] == "yes":
            assert kept in ids, row["id"]
        else:
            assert row["id"] not in ids, row["id"]


@needs_reference
def test_every_verified_row_keeps_value_unit_and_source(data: Dataset) -> None:
    for row in _rows().values():
        if row["verified"] != "yes" or row["unit"] in ("date", "month", "year"):
            continue
        item = fact(data, RENAMED.get(row["id"], row["id"]))
        assert (item.value, item.unit) == _expected_value(row), row["id"]
        assert item.source == SOURCE_KEYS.get(row["source_id"], row["source_id"]), row["id"]


@needs_reference
def test_research_2_sources_have_their_kind_and_no_unreliable_one_is_used(data: Dataset) -> None:
    cited = {f.source for f in data.facts}
    for source in _sources().values():
        key = SOURCE_KEYS.get(source["source_id"], source["source_id"])
        if source["grade"] == "unreliable":
            assert key not in cited, key
        elif key in data.sources and key == source["source_id"]:
            assert data.sources[key].kind is _expected_kind(source), key
