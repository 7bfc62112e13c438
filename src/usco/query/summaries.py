"""What a selection adds up to: one fact in full, a series table, and counts (design §3).

Apart from usco.query.select, which every listing needs, because defining these types is
about a millisecond of start-up that only `show`, `series`, a table of `aid` or
`trade`, and the counting commands use.
"""

# No `from __future__ import annotations`: see usco.model (NamedTuples and string annotations).
import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import NamedTuple

from usco.model import Dataset, Fact, Measure, PartialDate, Source, Status, Topic
from usco.query.select import (
    Row,
    Selection,
    View,
    find_fact,
    in_listing_order,
    known_as_of,
    period_recency,
    row_of,
    source_recency,
    supersessions,
)

# ---------------------------------------------------------------- one fact in full


class Detail(NamedTuple):
    """One fact in full, with its measure's series, its components and the other facts of its event."""

    row: Row
    whole: Fact | None
    series: tuple[Row, ...]
    components: tuple[Row, ...]
    same_event: tuple[Row, ...] = ()  # the other documents' facts that tell the same event (design §1)


def detail(dataset: Dataset, fact_id: str, *, view: View = View()) -> Detail:
    """Everything `usco show` prints about one fact; the series honours --as-of."""
    fact = find_fact(dataset, fact_id)
    visible = known_as_of(dataset, view.as_of)
    superseded = supersessions(dataset.facts if view.as_of is None else visible, dataset.sources)
    by_id = {other.id: other for other in dataset.facts}
    same_measure = [other for other in visible if other.measure == fact.measure and other.id != fact.id]
    series = [row_of(dataset, other, superseded) for other in same_measure] if fact.measure else []
    components = [row_of(dataset, other, superseded) for other in dataset.facts if other.part_of == fact.id]
    same_event = [
        row_of(dataset, other, superseded)
        for other in visible
        if fact.event is not None and other.event == fact.event and other.id != fact.id
    ]
    return Detail(
        row=row_of(dataset, fact, superseded),
        whole=by_id.get(fact.part_of) if fact.part_of else None,
        series=tuple(in_listing_order(series, superseded)),
        components=tuple(in_listing_order(components, superseded)),
        same_event=tuple(in_listing_order(same_event, superseded)),
    )


class Nearby(NamedTuple):
    """What `show` prints of a long series on a terminal (design §4): one or two screens."""

    versions: tuple[Row, ...]  # the other versions of the fact's own period, oldest source first
    neighbours: tuple[Row, ...]  # the current figure of the periods around it, in time order
    periods: int  # how many other periods the measure has (what `usco series` lists)


#: A series longer than this is cut to its neighbourhood when `show` draws it on a terminal.
NEIGHBOURS = 12


def nearby(detail: Detail, *, neighbours: int = NEIGHBOURS) -> Nearby:
    """The fact's own period in every version, and the current figures of up to *neighbours*
    periods around it (as many before as after, where the series has them)."""
    own = detail.row.fact.period
    versions = tuple(row for row in detail.series if row.fact.period == own)
    others: dict[tuple[PartialDate, PartialDate | None], list[Row]] = {}
    for row in detail.series:
        if row.fact.period != own and row.superseded_by is None:
            others.setdefault(row.fact.period, []).append(row)
    keys = list(others)  # detail.series is in listing order: oldest period first
    before = sum(1 for key in keys if (key[0].first, key[0].last) < (own[0].first, own[0].last))
    start = max(0, min(before - neighbours // 2, len(keys) - neighbours))
    kept = tuple(row for key in keys[start : start + neighbours] for row in others[key])
    return Nearby(versions, kept, len(keys))


# ---------------------------------------------------------------- series: periods down, measures across


class SeriesLine(NamedTuple):
    label: str  # "FY2016", "2024"; with --history also the release
    cells: tuple[Row | None, ...]  # one per measure, None where it has no figure
    period: str = ""  # the period alone ("FY2016"), for machine formats: the release is in each figure's source


class SeriesTable(NamedTuple):
    measures: tuple[Measure, ...]
    lines: tuple[SeriesLine, ...]
    sources: tuple[Source, ...]  # every source of a figure shown, oldest first


def series(selection: Selection, measures: Sequence[Measure], *, history: bool = False) -> SeriesTable:
    """The selection's figures of *measures*, one line per period (per period and release with *history*)."""
    from usco.text import period

    wanted = {measure.id: position for position, measure in enumerate(measures)}
    grouped: dict[tuple[dt.date, str, tuple[int, dt.date], str], list[Row | None]] = {}
    labels: dict[tuple[dt.date, str, tuple[int, dt.date], str], str] = {}
    for row in selection.rows:
        fact = row.fact
        if fact.measure not in wanted or fact.value is None:
            continue
        whole_period = fact._replace(end=None) if fact.status is Status.PARTIAL else fact  # "FY2025", not how far
        label = period(whole_period, row.measure)
        version = (source_recency(row.source), row.source.id) if history else ((0, dt.date.min), "")
        key = (fact.date.first, label, *version)
        cells = grouped.setdefault(key, [None] * len(measures))
        cells[wanted[fact.measure]] = row
        labels[key] = f"{label} ({row.source.name})" if history else label
    lines = tuple(SeriesLine(labels[key], tuple(grouped[key]), key[1]) for key in sorted(grouped))
    shown = {row.source.id: row.source for line in lines for row in line.cells if row is not None}
    return SeriesTable(tuple(measures), lines, tuple(sorted(shown.values(), key=lambda s: (source_recency(s), s.id))))


# ---------------------------------------------------------------- summaries


class SourceCount(NamedTuple):
    source: Source
    facts: int


def source_counts(selection: Selection) -> list[SourceCount]:
    """Sources with how many selected facts each gives, newest first (undated last)."""
    counts = Counter(row.fact.source for row in selection.rows)
    sources = [selection.dataset.sources[key] for key in counts]
    sources.sort(key=lambda source: source.id)
    sources.sort(key=source_recency, reverse=True)
    return [SourceCount(source, counts[source.id]) for source in sources]


def topic_counts(selection: Selection) -> list[tuple[Topic, int]]:
    counts = Counter(row.fact.topic for row in selection.rows)
    return [(topic, counts[topic]) for topic in Topic if counts[topic]]


class TagCount(NamedTuple):
    tag: str
    facts: int


def tag_counts(selection: Selection) -> list[TagCount]:
    """Tags with how many selected facts carry each, most used first."""
    counts = Counter(tag for row in selection.rows for tag in row.fact.tags)
    return [TagCount(tag, count) for tag, count in sorted(counts.items(), key=lambda item: (-item[1], item[0]))]


class MeasureSummary(NamedTuple):
    measure: Measure
    periods: int
    facts: int
    first: Fact
    last: Fact


def measure_summaries(selection: Selection) -> list[MeasureSummary]:
    """Each measure with selected facts: how many periods, first and last period."""
    by_measure: defaultdict[str, list[Fact]] = defaultdict(list)
    for row in selection.rows:
        if row.fact.measure is not None:
            by_measure[row.fact.measure].append(row.fact)
    summaries = []
    for key in sorted(by_measure):
        facts = by_measure[key]
        ordered = sorted(facts, key=period_recency)
        summaries.append(
            MeasureSummary(
                measure=selection.dataset.measures[key],
                periods=len({fact.period for fact in facts}),
                facts=len(facts),
                first=ordered[0],
                last=ordered[-1],
            )
        )
    return summaries


class Counts(NamedTuple):
    """What `usco check` counts, each number saying what it counts."""

    facts: int
    superseded: int
    sources: int
    measures: int
    files: int


def counts(dataset: Dataset) -> Counts:
    superseded = supersessions(dataset.facts, dataset.sources)
    return Counts(len(dataset.facts), len(superseded), len(dataset.sources), len(dataset.measures), len(dataset.files))
