"""Selecting facts: filters (design §3), time views (design §2), single facts and summaries."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from usco.dataset import load as dataset
from usco.model import Dataset, PartialDate, QueryError, Topic
from usco.query import select as query
from usco.query import summaries
from usco.query.select import Filters, View

WriteDataset = Callable[[str], Path]
Load = Callable[[str], Dataset]


@pytest.fixture
def load(write_dataset: WriteDataset) -> Load:
    """Load TOML text written to a fresh file."""
    return lambda text: dataset.load(write_dataset(text))


def source(key: str, date: str | None, title: str | None = None) -> str:
    """A [sources] table; *date* is TOML as written ("2021-03-04" a TOML date, '"2021"' a string)."""
    dated = f"date = {date}" if date is not None else 'date_note = "No date is printed or known."'
    return (
        f'\n[sources.{key}]\ntitle = "{title or key.title()}"\npublisher = "Publisher"\n'
        f'url = "https://example.org/{key}"\n{dated}\n'
    )


def measure(key: str, unit: str) -> str:
    return f'\n[measures.{key}]\nlabel = "{key}"\nunit = "{unit}"\n'


def fact(fact_id: str, date: str, src: str = "s", **extra: str) -> str:
    """A [[facts]] table; values in *extra* are TOML as written."""
    fields = {"topic": '"aid"', "text": f'"Fact {fact_id}"', **extra}
    lines = [f'id = "{fact_id}"', f"date = {date}", f'source = "{src}"']
    lines += [f"{key} = {value}" for key, value in fields.items()]
    return "\n[[facts]]\n" + "\n".join(lines) + "\n"


def counted(value: int, measure_id: str, unit: str = '"hectares"') -> dict[str, str]:
    return {"value": str(value), "unit": unit, "measure": f'"{measure_id}"'}


def ids(selection: query.Selection) -> list[str]:
    return [row.fact.id for row in selection.rows]


def day(text: str) -> PartialDate:
    return PartialDate.parse(text)


# ---------------------------------------------------------------- --since / --until

DATED = source("s", "2024-01-01") + "".join(
    fact(fact_id, f'"{date}"')
    for fact_id, date in [
        ("d-2015-12", "2015-12"),
        ("d-2015-12-31", "2015-12-31"),
        ("d-2016", "2016"),
        ("d-2016-01-01", "2016-01-01"),
        ("d-2016-03-31", "2016-03-31"),
        ("d-2016-04-01", "2016-04-01"),
        ("d-2016-12", "2016-12"),
        ("d-2017", "2017"),
    ]
)


@pytest.mark.parametrize(
    ("since", "until", "expected"),
    [
        # (d-2016-01-01 lists before d-2016: both begin on 2016-01-01, the day ends first)
        ("2016", None, ["d-2016-01-01", "d-2016", "d-2016-03-31", "d-2016-04-01", "d-2016-12", "d-2017"]),
        (
            None,
            "2016",
            ["d-2015-12", "d-2015-12-31", "d-2016-01-01", "d-2016", "d-2016-03-31", "d-2016-04-01", "d-2016-12"],
        ),
        ("2016", "2016", ["d-2016-01-01", "d-2016", "d-2016-03-31", "d-2016-04-01", "d-2016-12"]),
        (None, "2016-03", ["d-2015-12", "d-2015-12-31", "d-2016-01-01", "d-2016", "d-2016-03-31"]),
        ("2016-03-31", "2016-04-01", ["d-2016-03-31", "d-2016-04-01"]),
        ("2016-02", None, ["d-2016-03-31", "d-2016-04-01", "d-2016-12", "d-2017"]),
        ("2015-12", "2015-12", ["d-2015-12", "d-2015-12-31"]),
        (None, "2015-12-30", ["d-2015-12"]),
    ],
)
def test_since_and_until_compare_first_days(
    load: Load, since: str | None, until: str | None, expected: list[str]
) -> None:
    # --since Y: first day of date on or after the first day of Y; --until Y: on or before Y's last day.
    filters = Filters(since=day(since) if since else None, until=day(until) if until else None)
    assert ids(query.select(load(DATED), filters=filters)) == expected


def test_year_fact_matches_since_and_until_of_its_own_year(load: Load) -> None:
    data = load(DATED)
    assert "d-2016" in ids(query.select(data, filters=Filters(since=day("2016"))))
    assert "d-2016" in ids(query.select(data, filters=Filters(until=day("2016"))))


def test_month_before_since_year_does_not_match(load: Load) -> None:
    assert "d-2015-12" not in ids(query.select(load(DATED), filters=Filters(since=day("2016"))))


def test_until_month_includes_its_last_day_only(load: Load) -> None:
    kept = ids(query.select(load(DATED), filters=Filters(until=day("2016-03"))))
    assert "d-2016-03-31" in kept
    assert "d-2016-04-01" not in kept


def test_until_before_since_is_refused() -> None:
    with pytest.raises(ValueError, match="before"):
        Filters(since=day("2020"), until=day("2010")).checked()
    assert Filters(since=day("2020"), until=day("2020")).checked() == Filters(since=day("2020"), until=day("2020"))


# ---------------------------------------------------------------- other filters and search

MIXED = (
    source("s", "2020-09-18", title="Strengthening Our Partnership")
    + source("other", "2021-01-01", title="Trade Overview")
    + measure("coca", "hectares")
    + fact("aid-covid", '"2020"', topic='"aid"', text='"COVID-19 assistance"', tags='["covid", "health"]')
    + fact("trade-goods", '"2019"', "other", topic='"trade"', text='"Two-way goods trade"', tags='["goods"]')
    + fact("coca-2019", '"2019"', topic='"security"', text='"Coca crop"', **counted(154_000, "coca"))
    + fact("peace-accord", "2016-11-24", topic='"milestone"', text='"Peace accord signed"', tags='["peace"]')
)


@pytest.mark.parametrize(
    ("filters", "expected"),
    [
        (Filters(topics={Topic.AID}), ["aid-covid"]),
        (Filters(topics={Topic.AID, Topic.TRADE}), ["trade-goods", "aid-covid"]),
        (Filters(tags={"covid"}), ["aid-covid"]),
        (Filters(tags={"health"}), ["aid-covid"]),
        (Filters(sources={"other"}), ["trade-goods"]),
        (Filters(measures={"coca"}), ["coca-2019"]),
        (Filters(topics={Topic.AID}, sources={"other"}), []),
    ],
)
def test_filters(load: Load, filters: Filters, expected: list[str]) -> None:
    assert ids(query.select(load(MIXED), filters=filters)) == expected


@pytest.mark.parametrize(
    ("filters", "named", "suggested"),
    [
        (Filters(tags={"nothing"}), "no tag 'nothing'", None),
        (Filters(tags={"covd"}), "no tag 'covd'", "covid"),
        (Filters(sources={"othr"}), "no source 'othr'", "other"),
        (Filters(measures={"coka"}), "no measure 'coka'", "coca"),
    ],
)
def test_unknown_names_in_filters_are_errors_with_suggestions(
    load: Load, filters: Filters, named: str, suggested: str | None
) -> None:
    # Design §3: never a silent empty result for a name that does not exist.
    with pytest.raises(QueryError, match=named) as caught:
        query.select(load(MIXED), filters=filters)
    if suggested:
        assert f"did you mean {suggested}" in str(caught.value)
    else:
        assert "did you mean" not in str(caught.value)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["covid"], ["aid-covid"]),  # text, id and tag
        (["COVID-19", "ASSISTANCE"], ["aid-covid"]),  # case-insensitive
        (["covid", "trade"], []),  # every word must match
        (["health"], ["aid-covid"]),  # a tag only
        (["peace-acc"], ["peace-accord"]),  # the start of the words of the id
        (["ovid"], []),  # words match from their start, not anywhere inside
        (["partnership"], ["peace-accord", "coca-2019", "aid-covid"]),  # the source title
        (["overview", "goods"], ["trade-goods"]),  # source title and text
        (["zzz"], []),
    ],
)
def test_search_words(load: Load, words: list[str], expected: list[str]) -> None:
    assert ids(query.select(load(MIXED), filters=Filters(words=words))) == expected


def test_order_is_oldest_first_by_first_day_then_id(load: Load) -> None:
    text = source("s", "2024-01-01") + "".join(
        fact(fact_id, date)
        for fact_id, date in [
            ("b-year", '"2019"'),
            ("a-year", '"2019"'),
            ("late", "2019-12-31"),
            ("a-day", "2019-01-01"),
            ("c-month", '"2019-01"'),
            ("old", '"1822"'),
            ("mid", '"2019-06"'),
        ]
    )
    # 2019, 2019-01 and 2019-01-01 all begin on 2019-01-01: ordered by where they end (a fact
    # without end ends with its date: the day, then the month, then the year), then by id.
    assert ids(query.select(load(text))) == ["old", "a-day", "c-month", "a-year", "b-year", "mid", "late"]


# ---------------------------------------------------------------- running totals

RUNNING = (
    source("sheet", "2020-09-18")
    + source("report", "2023-06-14")
    + measure("peace", "USD")
    + fact("peace-2020", '"2016"', "sheet", end="2020-09-18", **counted(1_000_000_000, "peace", '"USD"'))
    + fact("peace-2023", '"2017"', "report", end="2023-06-14", **counted(1_500_000_000, "peace", '"USD"'))
    + fact("other", '"2018"', "sheet")
)


def test_running_total_restated_keeps_both_by_default(load: Load) -> None:
    selection = query.select(load(RUNNING))
    assert ids(selection) == ["peace-2020", "peace-2023", "other"]
    assert all(row.superseded_by is None for row in selection.rows)


def test_running_total_latest_keeps_the_newest_snapshot(load: Load) -> None:
    # Facts with no measure have no "latest" and are left out (design §2, issue #23).
    assert ids(query.select(load(RUNNING), view=View(latest=True))) == ["peace-2023"]


# ---------------------------------------------------------------- revisions

# A yearly series; the 2018 figure is revised in a later report. The revision's id sorts
# before the original's, and another 2018 fact sorts between them: only the rule
# "versions together, oldest source first" keeps the two versions adjacent and in order.
REVISED = (
    source("unodc-2019", "2019-06-20")
    + source("unodc-2020", "2020-07-01")
    + measure("coca", "hectares")
    + fact("coca-2018-unodc", '"2018"', "unodc-2019", **counted(169_000, "coca"))
    + fact("coca-2017", '"2017"', "unodc-2019", **counted(171_000, "coca"))
    + fact("coca-2018-revised", '"2018"', "unodc-2020", **counted(169_019, "coca"))
    + fact("coca-2019", '"2019"', "unodc-2020", **counted(154_000, "coca"))
    + fact("coca-2018-spraying", '"2018"', "unodc-2019", topic='"security"')
)


def test_revision_hides_the_older_version_by_default(load: Load) -> None:
    selection = query.select(load(REVISED))
    assert "coca-2018-unodc" not in ids(selection)
    assert set(ids(selection)) == {"coca-2017", "coca-2018-revised", "coca-2018-spraying", "coca-2019"}
    assert all(row.superseded_by is None for row in selection.rows)


def test_history_shows_both_versions_oldest_source_first_and_together(load: Load) -> None:
    selection = query.select(load(REVISED), view=View(history=True))
    order = ids(selection)

    assert sorted(order) == sorted(
        ["coca-2017", "coca-2018-unodc", "coca-2018-revised", "coca-2018-spraying", "coca-2019"]
    )
    old, new = order.index("coca-2018-unodc"), order.index("coca-2018-revised")
    assert new == old + 1  # adjacent, the older source first
    assert order[0] == "coca-2017"
    assert order[-1] == "coca-2019"
    marks = {row.fact.id: row.superseded_by for row in selection.rows}
    assert marks == {
        "coca-2017": None,
        "coca-2018-unodc": "coca-2018-revised",
        "coca-2018-revised": None,
        "coca-2018-spraying": None,
        "coca-2019": None,
    }


def test_latest_keeps_only_the_latest_year(load: Load) -> None:
    # coca-2018-spraying has no measure: left out (design §2, issue #23)
    assert ids(query.select(load(REVISED), view=View(latest=True))) == ["coca-2019"]


def test_latest_applies_after_the_filters(load: Load) -> None:
    # --until 2018 --latest: the latest period among those the filters keep, and its current version.
    selection = query.select(
        load(REVISED), filters=Filters(measures={"coca"}, until=day("2018")), view=View(latest=True)
    )
    assert ids(selection) == ["coca-2018-revised"]


def test_filters_apply_after_revisions(load: Load) -> None:
    # Asking for the old report's facts does not bring back the figure a later report revised.
    selection = query.select(load(REVISED), filters=Filters(sources={"unodc-2019"}))
    assert ids(selection) == ["coca-2017", "coca-2018-spraying"]


@pytest.mark.parametrize("history", [False, True])
@pytest.mark.parametrize(("since", "until"), [("2016", None), (None, "2019"), ("2020", "2020"), ("2024", None)])
def test_since_and_until_leave_the_revisions_of_what_they_keep_as_they_were(
    history: bool, since: str | None, until: str | None
) -> None:
    """Dates are applied before revisions are worked out: the versions kept, and who revised whom, do not change."""
    shipped = dataset.load(dataset.resolve_path(None))
    dates = Filters(since=day(since) if since else None, until=day(until) if until else None)
    first, last = day(since or "0001").first, day(until or "9999").last
    everything = query.select(shipped, view=View(history=history)).rows
    expected = [(row.fact.id, row.superseded_by) for row in everything if first <= row.fact.date.first <= last]
    selected = query.select(shipped, filters=dates, view=View(history=history)).rows
    found = [(row.fact.id, row.superseded_by) for row in selected]
    assert found == expected
    assert any(mark is not None for _, mark in found) is history  # revisions are there to be kept


# ---------------------------------------------------------------- --as-of and source dates

AS_OF = (
    source("early", "2020-03-15")
    + source("year-only", '"2021"')
    + source("nodate", None)
    + measure("migrants", "people")
    + fact("m-2019", '"2019"', "early", **counted(1_600_000, "migrants", '"people"'))
    + fact("m-2019-revised", '"2019"', "year-only", **counted(1_771_000, "migrants", '"people"'))
    + fact("m-2019-undated", '"2019"', "nodate", **counted(1_800_000, "migrants", '"people"'))
    + fact("undated-claim", '"2015"', "nodate")
)


@pytest.mark.parametrize(
    ("as_of", "included"),
    [
        ("2021-06-30", False),
        ("2021-12-30", False),
        ("2021-12-31", True),
        ("2021-12", True),
        ("2021", True),
        ("2022", True),
    ],
)
def test_partial_source_date_counts_as_its_last_day(load: Load, as_of: str, included: bool) -> None:
    kept = ids(query.select(load(AS_OF), view=View(as_of=day(as_of), history=True)))
    assert ("m-2019-revised" in kept) is included
    assert "m-2019" in kept


@pytest.mark.parametrize("as_of", ["2020-03-15", "2021", "2100-12-31"])
def test_undated_source_is_left_out_of_every_as_of_view(load: Load, as_of: str) -> None:
    kept = ids(query.select(load(AS_OF), view=View(as_of=day(as_of), history=True)))
    assert "undated-claim" not in kept
    assert "m-2019-undated" not in kept


def test_undated_source_is_shown_without_as_of(load: Load) -> None:
    assert "undated-claim" in ids(query.select(load(AS_OF)))


def test_as_of_before_any_source_is_empty(load: Load) -> None:
    assert ids(query.select(load(AS_OF), view=View(as_of=day("2020-03-14")))) == []


def test_undated_source_never_supersedes_a_dated_one(load: Load) -> None:
    selection = query.select(load(AS_OF), view=View(history=True))
    marks = {row.fact.id: row.superseded_by for row in selection.rows}
    assert marks["m-2019-revised"] is None  # the newest dated version stays current
    assert marks["m-2019"] == "m-2019-revised"
    assert "m-2019-undated" not in marks.values()  # no dated version is marked superseded by it
    current = ids(query.select(load(AS_OF), filters=Filters(measures={"migrants"})))
    assert "m-2019-revised" in current
    assert "m-2019" not in current


RANKED = (
    source("old", "2020-01-01") + source("same-a", "2021-01-01") + source("same-b", "2021-01-01")
    + source("new", "2022-01-01") + source("undated", None) + measure("m", "USD")
    + "".join(
        fact(fact_id, '"2019"', src, **counted(1, "m", '"USD"'))
        for fact_id, src in [("v-new", "new"), ("v-old", "old"), ("v-b", "same-b"), ("v-a", "same-a"),
                             ("v-undated", "undated")]
    )
)  # fmt: skip


def test_each_version_is_revised_by_the_first_of_the_next_newer_release(load: Load) -> None:
    """Two sources of one day are one release: neither revises the other; the next one revises both."""
    data = load(RANKED)
    assert query.supersessions(data.facts, data.sources) == {
        "v-undated": "v-old",  # an undated source ranks below every dated one
        "v-old": "v-a",  # the first by id of the two 2021 versions
        "v-a": "v-new",
        "v-b": "v-new",
    }


def test_as_of_applies_before_revisions(load: Load) -> None:
    data = load(AS_OF)
    before = query.select(data, view=View(as_of=day("2021-06-30")), filters=Filters(measures={"migrants"}))
    assert [(row.fact.id, row.superseded_by) for row in before.rows] == [("m-2019", None)]

    with_history = query.select(data, view=View(as_of=day("2021-06-30"), history=True))
    assert [(row.fact.id, row.superseded_by) for row in with_history.rows] == [("m-2019", None)]

    after = query.select(data, view=View(as_of=day("2022"), history=True))
    assert [(row.fact.id, row.superseded_by) for row in after.rows] == [
        ("m-2019", "m-2019-revised"),
        ("m-2019-revised", None),
    ]


def test_as_of_with_revisions_in_the_yearly_series(load: Load) -> None:
    # As of 2019-12-31 the 2018 figure was the first report's, and 2018 was the latest year.
    selection = query.select(
        load(REVISED), view=View(as_of=day("2019"), latest=True), filters=Filters(measures={"coca"})
    )
    assert [(row.fact.id, row.superseded_by) for row in selection.rows] == [("coca-2018-unodc", None)]


# ---------------------------------------------------------------- one fact in full

COMPONENTS = (
    source("s", "2020-09-18")
    + fact("covid-total", '"2020"', value="23_600_000", unit='"USD"', qualifier='"more_than"')
    + fact("covid-disaster", '"2020"', value="15_500_000", unit='"USD"', part_of='"covid-total"')
    + fact("covid-health", '"2020"', value="5_000_000", unit='"USD"', part_of='"covid-total"')
    + fact("covid-other", '"2020"')
)


def test_detail_lists_components(load: Load) -> None:
    detail = summaries.detail(load(COMPONENTS), "covid-total")
    assert detail.row.fact.id == "covid-total"
    assert [row.fact.id for row in detail.components] == ["covid-disaster", "covid-health"]
    assert detail.series == ()
    assert detail.whole is None


def test_detail_of_a_component_names_its_whole(load: Load) -> None:
    detail = summaries.detail(load(COMPONENTS), "covid-health")
    assert detail.whole is not None
    assert detail.whole.id == "covid-total"
    assert detail.components == ()


def test_detail_lists_the_series_with_revisions_marked(load: Load) -> None:
    detail = summaries.detail(load(REVISED), "coca-2019")
    # Oldest first, the two versions of 2018 together (older source first); not the fact itself,
    # nor the 2018 fact outside the measure.
    assert [(row.fact.id, row.superseded_by) for row in detail.series] == [
        ("coca-2017", None),
        ("coca-2018-unodc", "coca-2018-revised"),
        ("coca-2018-revised", None),
    ]


def test_detail_of_a_superseded_version_says_so(load: Load) -> None:
    detail = summaries.detail(load(REVISED), "coca-2018-unodc")
    assert detail.row.superseded_by == "coca-2018-revised"


def test_detail_of_an_unknown_id_suggests_close_matches(load: Load) -> None:
    with pytest.raises(QueryError, match="covid-totl") as caught:
        summaries.detail(load(COMPONENTS), "covid-totl")
    assert "covid-total" in str(caught.value)


def test_unknown_measure_suggests_close_matches(load: Load) -> None:
    with pytest.raises(QueryError, match="coka") as caught:
        query.find_measure(load(REVISED), "coka")
    assert "coca" in str(caught.value)


# ---------------------------------------------------------------- summaries


def test_source_counts_newest_first_undated_last(load: Load) -> None:
    counts = summaries.source_counts(query.select(load(AS_OF), view=View(history=True)))
    assert [(count.source.id, count.facts) for count in counts] == [("year-only", 1), ("early", 1), ("nodate", 2)]


def test_source_counts_count_only_the_selected_facts(load: Load) -> None:
    counts = summaries.source_counts(query.select(load(MIXED), filters=Filters(topics={Topic.TRADE})))
    assert [(count.source.id, count.facts) for count in counts] == [("other", 1)]


def test_topic_counts(load: Load) -> None:
    counts = dict(summaries.topic_counts(query.select(load(MIXED))))
    assert {topic: n for topic, n in counts.items() if n} == {
        Topic.AID: 1,
        Topic.TRADE: 1,
        Topic.SECURITY: 1,
        Topic.MILESTONE: 1,
    }


def test_measure_summaries(load: Load) -> None:
    (summary,) = summaries.measure_summaries(query.select(load(REVISED)))
    assert summary.measure.id == "coca"
    assert summary.periods == 3
    assert summary.facts == 3  # the superseded version is not counted
    assert summary.first.id == "coca-2017"
    assert summary.last.id == "coca-2019"


def test_measure_summaries_with_history_count_versions_not_periods(load: Load) -> None:
    (summary,) = summaries.measure_summaries(query.select(load(REVISED), view=View(history=True)))
    assert (summary.periods, summary.facts) == (3, 4)


def test_measure_summaries_of_a_running_total(load: Load) -> None:
    (summary,) = summaries.measure_summaries(query.select(load(RUNNING)))
    assert (summary.periods, summary.first.id, summary.last.id) == (2, "peace-2020", "peace-2023")
