"""A measure's series as the data of a bar chart (design §3, §4 `usco chart MEASURE`).

A measure has one period kind (design §1), so its bars share one scale: every bar is
drawn against the largest magnitude. Bars are in time order (a running total by the
day it runs to); in a regular series (years, fiscal years, months) every missing
period between the first and the last is a gap, runs of missing periods collapsed into
one. Nothing here draws; chart_view.py (terminal) and svg.py (a file) do. The types are
NamedTuples, as in usco.model: importing dataclasses would cost more than this module.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

from usco import text
from usco.model import Fact, Measure, PeriodKind, Qualifier, Source, Status
from usco.query.select import Selection, source_recency
from usco.records import Row


class Bar(NamedTuple):
    """One figure of the series: its period, value, status and where it was said."""

    fact_id: str
    label: str  # the whole period: "FY2016", "2019", "2016 – 2020-09-18", "TQ 1976"
    start: str  # the fact's date as stored: "2019"
    end: str | None
    value: int | float
    unit: str
    qualifier: Qualifier
    status: Status
    figure: str  # the value in words with its qualifier: "more than $344 million"
    source: Source
    superseded_by: str | None = None
    versions: bool = False  # the chart shows several versions of a period (--history): say when each was said

    @property
    def shown(self) -> str:
        """The figure as the chart writes it, one format for every bar (design §4): "$251,400,000",
        never "$251.4 million" beside "$391,253,000"; the qualifier stays in words."""
        words = text.QUALIFIER_WORDS[self.qualifier]
        number = text.column_amount(self.value, self.unit)
        return f"{words} {number}" if words else number

    @property
    def superseded(self) -> bool:
        return self.superseded_by is not None

    @property
    def final(self) -> bool:
        return self.status is Status.FINAL

    @property
    def source_date(self) -> str | None:
        return None if self.source.date is None else str(self.source.date)

    @property
    def mark(self) -> str:
        """What a reader must know besides the figure: "(partial to 2025-04-02)",
        "(said 2024-12-22; provisional; superseded)"."""
        notes = [f"said {self.source_date or 'undated'}"] if self.versions else []
        if self.status is Status.PARTIAL:
            notes.append(f"partial to {self.end}" if self.end else "partial")
        elif not self.final:
            notes.append(self.status.value)
        if self.superseded_by:  # by the next version of the period, drawn under it (-f json names it)
            notes.append("superseded")
        return f"({'; '.join(notes)})" if notes else ""


class Gap(NamedTuple):
    """Periods with no figure between two that have one: "2014–2018", "FY2003", "2024-03 – 2024-04"."""

    label: str


Entry = Bar | Gap


class Series(NamedTuple):
    measure: Measure
    entries: tuple[Entry, ...]  # bars and gaps, in time order
    sources: tuple[Source, ...]  # every source drawn, oldest first

    @property
    def bars(self) -> tuple[Bar, ...]:
        return tuple(entry for entry in self.entries if isinstance(entry, Bar))

    @property
    def gaps(self) -> tuple[Gap, ...]:
        return tuple(entry for entry in self.entries if isinstance(entry, Gap))

    @property
    def largest(self) -> float:
        """The largest magnitude of the series: the full length of a bar (0 with no bars)."""
        return max((abs(bar.value) for bar in self.bars), default=0)

    @property
    def has_transition_quarter(self) -> bool:
        return any(bar.label == TQ_LABEL for bar in self.bars)

    @property
    def period_words(self) -> str:
        """ "by U.S. fiscal year (Oct–Sep)", "by calendar year", ..."""
        return PERIOD_WORDS[self.measure.period]


TQ_LABEL = "TQ 1976"
TQ_NOTE = "TQ 1976: the July–September 1976 transition quarter, between FY1976 and FY1977"

PERIOD_WORDS = {
    PeriodKind.YEAR: "by calendar year",
    PeriodKind.FISCAL_YEAR: "by U.S. fiscal year (Oct–Sep)",
    PeriodKind.MONTH: "by month",
    PeriodKind.POINT: "counted on a date",
    PeriodKind.RUNNING_TOTAL: "running totals, by the day each runs to",
}


def chart_series(selection: Selection, measure: Measure) -> Series:
    """The bars of *measure* among the selection's rows, on one scale, in time order, gaps marked.

    The selection decides which versions appear: without --history a revised figure
    is absent; with it, both versions are there (oldest source first) and the older is
    marked superseded.
    """
    # `usco check` requires a value of every fact of a measure; a hand-built one without is skipped.
    charted = [row for row in selection.rows if row.fact.measure == measure.id and row.fact.value is not None]
    charted.sort(key=lambda row: _order(row, measure))
    entries: list[Entry] = []
    previous: Fact | None = None
    versions = any(row.superseded_by for row in charted)
    for row in charted:
        if previous is not None:
            gap = _gap(previous, row.fact, measure)
            if gap is not None:
                entries.append(gap)
        entries.append(_bar(row, measure)._replace(versions=versions))
        previous = row.fact
    sources = {row.source.id: row.source for row in charted}
    return Series(
        measure=measure,
        entries=tuple(entries),
        sources=tuple(sorted(sources.values(), key=lambda source: (source_recency(source), source.id))),
    )


def _is_transition_quarter(fact: Fact, measure: Measure) -> bool:
    return measure.period is PeriodKind.FISCAL_YEAR and fact.date.precision == 2


def label(fact: Fact, measure: Measure) -> str:
    """A bar's period: the whole period even for a partial figure (its mark says how far it got)."""
    if _is_transition_quarter(fact, measure):
        return TQ_LABEL
    whole = fact._replace(end=None) if fact.status is Status.PARTIAL else fact
    return text.period(whole, measure)


def _bar(row: Row, measure: Measure) -> Bar:
    fact = row.fact
    assert fact.value is not None  # only facts with a value are charted
    return Bar(
        fact_id=fact.id,
        label=label(fact, measure),
        start=str(fact.date),
        end=None if fact.end is None else str(fact.end),
        value=fact.value,
        unit=fact.unit or "",
        qualifier=fact.qualifier,
        status=fact.status,
        figure=text.figure(fact),
        source=row.source,
        superseded_by=row.superseded_by,
    )


_Key = tuple[dt.date, dt.date, tuple[int, dt.date], str]


def _order(row: Row, measure: Measure) -> _Key:
    """Oldest period first; a running total by the day it runs to; versions oldest source first."""
    fact = row.fact
    start = fact.date.first
    stop = (fact.date if fact.status is Status.PARTIAL else fact.end or fact.date).last
    if measure.period is PeriodKind.RUNNING_TOTAL:
        start, stop = (fact.end or fact.date).last, start
    return (start, stop, source_recency(row.source), fact.id)


def _gap(before: Fact, after: Fact, measure: Measure) -> Gap | None:
    """The missing periods between two neighbouring bars of a regular series, or None."""
    if measure.period in (PeriodKind.YEAR, PeriodKind.FISCAL_YEAR):
        if before.date.precision != 1 or after.date.precision != 1:
            return None  # the transition quarter sits between FY1976 and FY1977: no gap
        first, last = before.date.first.year + 1, after.date.first.year - 1
        if first > last:
            return None
        fy = "FY" if measure.period is PeriodKind.FISCAL_YEAR else ""
        return Gap(f"{fy}{first}" if first == last else f"{fy}{first}–{fy}{last}")
    if measure.period is PeriodKind.MONTH:
        if before.date.precision != 2 or after.date.precision != 2:
            return None
        index = before.date.first.year * 12 + before.date.first.month  # the month after `before`, 0-based
        stop = after.date.first.year * 12 + after.date.first.month - 2  # the month before `after`, 0-based
        if index > stop:
            return None
        since, until = f"{index // 12:04d}-{index % 12 + 1:02d}", f"{stop // 12:04d}-{stop % 12 + 1:02d}"
        return Gap(since if since == until else f"{since} – {until}")
    return None  # points and running totals are not regular: nothing is missing between them
