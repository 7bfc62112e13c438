"""A measure's series as the data of a bar chart (design §3, `usco chart MEASURE`).

Bars are grouped by the kind of period they are about, because a year's figure, a
month's, a day's and a running total are not comparable lengths on one axis: each
kind gets its own group, heading and scale. Nothing here draws; chart_view.py does.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import Enum

from usco import text
from usco.model import Fact, Measure, Qualifier, Source
from usco.query import Row, Selection, source_recency


class PeriodKind(str, Enum):
    """What a bar's period is; the order here is the order of the groups."""

    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    RUNNING_TOTAL = "running-total"
    SPAN = "period"

    @property
    def heading(self) -> str:
        return _HEADINGS[self]


_HEADINGS = {
    PeriodKind.YEAR: "calendar years",
    PeriodKind.MONTH: "months",
    PeriodKind.DAY: "days",
    PeriodKind.RUNNING_TOTAL: "running totals to a date",
    PeriodKind.SPAN: "periods",
}


@dataclass(frozen=True)
class Bar:
    """One figure of the series: its period, value and where it was said."""

    fact_id: str
    label: str  # the period, as render.period() writes it: "2019", "2017 – 2020-09-18"
    start: str  # the fact's date as stored: "2019"
    end: str | None
    value: int | float
    unit: str
    qualifier: Qualifier
    figure: str  # the value in words with its qualifier: "nearly 580 metric tons"
    source: Source
    superseded_by: str | None = None

    @property
    def superseded(self) -> bool:
        return self.superseded_by is not None

    @property
    def source_date(self) -> str | None:
        return None if self.source.date is None else str(self.source.date)


@dataclass(frozen=True)
class Group:
    """Bars of one kind of period, ordered by period; they share one scale."""

    kind: PeriodKind
    bars: tuple[Bar, ...]

    @property
    def heading(self) -> str:
        return self.kind.heading

    @property
    def largest(self) -> float:
        """The largest magnitude in the group: the full length of a bar."""
        return max(abs(bar.value) for bar in self.bars)


@dataclass(frozen=True)
class Series:
    measure: Measure
    groups: tuple[Group, ...]
    sources: tuple[Source, ...]  # every source drawn, oldest first

    @property
    def bars(self) -> tuple[Bar, ...]:
        return tuple(bar for group in self.groups for bar in group.bars)


def chart_series(selection: Selection, measure: Measure) -> Series:
    """The bars of *measure* among the selection's rows, one group per kind of period.

    The selection decides which versions appear: without --history a revised figure
    is absent; with it, both versions are there and the older one is marked superseded.
    """
    # `usco check` requires a value of every fact of a measure; a hand-built one without is skipped.
    charted = [row for row in selection.rows if row.fact.measure == measure.id and row.fact.value is not None]
    kinds = _kinds([row.fact for row in charted], selection)
    groups = []
    for kind in PeriodKind:
        members = sorted((row for row in charted if kinds[row.fact.id] is kind), key=_order(kind))
        if members:
            groups.append(Group(kind, tuple(_bar(row) for row in members)))
    sources = {row.source.id: row.source for row in charted}
    return Series(
        measure=measure,
        groups=tuple(groups),
        sources=tuple(sorted(sources.values(), key=lambda source: (source_recency(source), source.id))),
    )


def _bar(row: Row) -> Bar:
    fact = row.fact
    assert fact.value is not None  # only facts with a value are charted
    return Bar(
        fact_id=fact.id,
        label=text.period(fact),
        start=str(fact.date),
        end=None if fact.end is None else str(fact.end),
        value=fact.value,
        unit=fact.unit or "",
        qualifier=fact.qualifier,
        figure=text.figure(fact),
        source=row.source,
        superseded_by=row.superseded_by,
    )


def _kinds(facts: Sequence[Fact], selection: Selection) -> dict[str, PeriodKind]:
    """The kind of each fact's period.

    A date alone is a year, a month or a day by its precision. A span with an end is
    a running total when its end is the date its source said it (design §2: "a running
    total's end is the day its source said it"), or when it overlaps another period of
    the series (one total seen at several dates); any other span is a plain period.
    """
    spans = {(fact.date.first, fact.end.last) for fact in facts if fact.end is not None}
    kinds: dict[str, PeriodKind] = {}
    for fact in facts:
        if fact.end is None:
            kinds[fact.id] = (PeriodKind.YEAR, PeriodKind.MONTH, PeriodKind.DAY)[fact.date.precision - 1]
            continue
        said = selection.dataset.sources[fact.source].date
        span = (fact.date.first, fact.end.last)
        ends_when_said = said is not None and fact.end.first <= said.last and said.first <= fact.end.last
        overlaps = any(other != span and other[0] <= span[1] and span[0] <= other[1] for other in spans)
        kinds[fact.id] = PeriodKind.RUNNING_TOTAL if ends_when_said or overlaps else PeriodKind.SPAN
    return kinds


_Key = tuple[dt.date, dt.date, tuple[int, dt.date], str]


def _order(kind: PeriodKind) -> Callable[[Row], _Key]:
    """Oldest period first; a running total by the date it runs to; versions oldest source first."""

    def key(row: Row) -> _Key:
        fact = row.fact
        start, stop = fact.date.first, (fact.end or fact.date).last
        first, second = (stop, start) if kind is PeriodKind.RUNNING_TOTAL else (start, stop)
        return (first, second, source_recency(row.source), fact.id)

    return key
