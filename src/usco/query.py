"""Pure functions over a Dataset: time views, filters, search and summaries (design §2, §3).

Order of operations (design §2): --as-of first (drop later sources), then revisions
(drop superseded versions unless --history), then the filters, then --latest.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import NamedTuple

from usco.model import Dataset, Fact, Measure, PartialDate, QueryError, Source, Topic


class _FilterFields(NamedTuple):
    since: PartialDate | None
    until: PartialDate | None
    topics: Collection[Topic]
    tags: Collection[str]
    sources: Collection[str]
    measures: Collection[str]
    words: Sequence[str]


class Filters(_FilterFields):
    """What a listing asks for; empty collections mean "any"; search words must all occur."""

    __slots__ = ()

    def __new__(
        cls,
        since: PartialDate | None = None,
        until: PartialDate | None = None,
        topics: Collection[Topic] = (),
        tags: Collection[str] = (),
        sources: Collection[str] = (),
        measures: Collection[str] = (),
        words: Sequence[str] = (),
    ) -> Filters:
        if since and until and until.last < since.first:
            raise ValueError(f"--until {until} is before --since {since}")
        return super().__new__(cls, since, until, topics, tags, sources, measures, words)


class View(NamedTuple):
    """Which versions of the record to see (design §2)."""

    as_of: PartialDate | None = None
    history: bool = False
    latest: bool = False


class Row(NamedTuple):
    """A fact as a listing shows it: with the version that superseded it, if any."""

    fact: Fact
    source: Source
    superseded_by: str | None = None


class Selection(NamedTuple):
    """The facts a view keeps, in listing order, plus everything needed to show them."""

    rows: tuple[Row, ...]
    dataset: Dataset


def select(dataset: Dataset, *, filters: Filters = Filters(), view: View = View()) -> Selection:
    """The facts of *dataset* that *view* and *filters* keep, ordered for listing."""
    facts = known_as_of(dataset, view.as_of)
    superseded = supersessions(facts, dataset.sources)
    if not view.history:
        facts = [fact for fact in facts if fact.id not in superseded]
    facts = [fact for fact in facts if _matches(fact, filters, dataset)]
    if view.latest:
        facts = _latest(facts)
    rows = [Row(fact, dataset.sources[fact.source], superseded.get(fact.id)) for fact in facts]
    return Selection(tuple(_ordered(rows, superseded)), dataset)


def known_as_of(dataset: Dataset, as_of: PartialDate | None) -> list[Fact]:
    """Facts whose source was published on or before *as_of* (its last day).

    A source with no date is left out of every --as-of view: nobody can say it was known then.
    """
    if as_of is None:
        return list(dataset.facts)
    published = {key: source.date for key, source in dataset.sources.items()}
    return [fact for fact in dataset.facts if (day := published[fact.source]) is not None and day.last <= as_of.last]


def source_recency(source: Source) -> tuple[int, dt.date]:
    """Sort key: undated sources first (they never supersede a dated one), then by last day."""
    return (0, dt.date.min) if source.date is None else (1, source.date.last)


def supersessions(facts: Iterable[Fact], sources: Mapping[str, Source]) -> dict[str, str]:
    """Map each superseded fact id to the id of the version that revised it.

    Versions are facts of one measure about one period (same date and end) from
    different sources; each is superseded by the next strictly newer one.
    """
    groups: defaultdict[tuple[str, tuple[PartialDate, PartialDate | None]], list[Fact]] = defaultdict(list)
    for fact in facts:
        if fact.measure is not None:
            groups[(fact.measure, fact.period)].append(fact)
    superseded: dict[str, str] = {}
    for versions in groups.values():
        ranked = sorted(versions, key=lambda fact: (source_recency(sources[fact.source]), fact.id))
        for position, older in enumerate(ranked):
            older_rank = source_recency(sources[older.source])
            newer = (fact for fact in ranked[position + 1 :] if source_recency(sources[fact.source]) > older_rank)
            if (revision := next(newer, None)) is not None:
                superseded[older.id] = revision.id
    return superseded


def _matches(fact: Fact, filters: Filters, dataset: Dataset) -> bool:
    if filters.since and fact.date.first < filters.since.first:
        return False
    if filters.until and fact.date.first > filters.until.last:
        return False
    if filters.topics and fact.topic not in filters.topics:
        return False
    if filters.tags and not set(filters.tags).intersection(fact.tags):
        return False
    if filters.sources and fact.source not in filters.sources:
        return False
    if filters.measures and fact.measure not in filters.measures:
        return False
    if filters.words:
        haystack = " ".join((fact.text, fact.id, *fact.tags, dataset.sources[fact.source].title)).casefold()
        return all(word.casefold() in haystack for word in filters.words)
    return True


def _period_recency(fact: Fact) -> tuple[dt.date, dt.date]:
    """Latest end, else latest date (design §2)."""
    return ((fact.end or fact.date).last, fact.date.first)


def _latest(facts: list[Fact]) -> list[Fact]:
    """Keep, for each measure, only the facts of its most recent period."""
    newest: dict[str, tuple[dt.date, dt.date]] = {}
    for fact in facts:
        if fact.measure is not None:
            newest[fact.measure] = max(newest.get(fact.measure, _period_recency(fact)), _period_recency(fact))
    return [fact for fact in facts if fact.measure is None or _period_recency(fact) == newest[fact.measure]]


def _ordered(rows: list[Row], superseded: dict[str, str]) -> list[Row]:
    """Oldest first by the first day of date, then by id; versions of one period together."""

    def current(fact_id: str) -> str:
        while fact_id in superseded:
            fact_id = superseded[fact_id]
        return fact_id

    def key(row: Row) -> tuple[dt.date, str, tuple[int, dt.date], str]:
        return (row.fact.date.first, current(row.fact.id), source_recency(row.source), row.fact.id)

    return sorted(rows, key=key)


# ---------------------------------------------------------------- single facts


def find_fact(dataset: Dataset, fact_id: str) -> Fact:
    """The fact with *fact_id*; QueryError with close matches otherwise."""
    for fact in dataset.facts:
        if fact.id == fact_id:
            return fact
    raise QueryError(_unknown("fact id", fact_id, [fact.id for fact in dataset.facts]))


def find_measure(dataset: Dataset, measure_id: str) -> Measure:
    if measure_id in dataset.measures:
        return dataset.measures[measure_id]
    raise QueryError(_unknown("measure", measure_id, list(dataset.measures)))


def _unknown(kind: str, wanted: str, known: list[str]) -> str:
    import difflib

    containing = [name for name in known if wanted and wanted.casefold() in name.casefold()]
    close = list(dict.fromkeys(difflib.get_close_matches(wanted, known, n=3, cutoff=0.5) + containing))[:3]
    hint = f"; did you mean {', '.join(close)}?" if close else ""
    return f"no {kind} {wanted!r}{hint}"


class Detail(NamedTuple):
    """One fact in full, with its measure's series and its components."""

    row: Row
    whole: Fact | None
    series: tuple[Row, ...]
    components: tuple[Row, ...]


def detail(dataset: Dataset, fact_id: str, *, view: View = View()) -> Detail:
    """Everything `usco show` prints about one fact; the series honours --as-of."""
    fact = find_fact(dataset, fact_id)
    visible = known_as_of(dataset, view.as_of)
    superseded = supersessions(dataset.facts if view.as_of is None else visible, dataset.sources)
    by_id = {other.id: other for other in dataset.facts}

    def row(other: Fact) -> Row:
        return Row(other, dataset.sources[other.source], superseded.get(other.id))

    series = (
        [row(other) for other in visible if other.measure == fact.measure and other.id != fact.id]
        if fact.measure
        else []
    )
    components = [row(other) for other in dataset.facts if other.part_of == fact.id]
    return Detail(
        row=row(fact),
        whole=by_id.get(fact.part_of) if fact.part_of else None,
        series=tuple(_ordered(series, superseded)),
        components=tuple(_ordered(components, superseded)),
    )


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
        ordered = sorted(facts, key=_period_recency)
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
