"""The rules between a dataset's entries (design §1): references, part_of cycles, and figures
that must agree with their whole, their source's date and their measure.

usco.dataset.validate applies them once every entry is read; each problem is located by the
entry's Origin (usco.dataset.parse).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from usco.dataset.parse import Collector, Entry, Origin
from usco.model import Fact, Measure, PartialDate, PeriodKind, Source, Status, fiscal_year_span
from usco.text import suggest

#: The 1976 transition quarter (July–September 1976), a fiscal period of its own.
TRANSITION_QUARTER = (PartialDate(dt.date(1976, 7, 1), 2), PartialDate(dt.date(1976, 9, 1), 2))


def check_references(
    sources: Mapping[str, Entry],
    measures: Mapping[str, Entry],
    facts: list[tuple[dict[str, Any], str, Origin]],
    found: Collector,
) -> None:
    """source, measure and part_of name something declared, even when that entry has problems of its own.

    Checked on the raw tables so that one broken entry is reported once, with no false
    "is not a key" for everything that refers to it, and so that a fact with another
    problem still gets its references checked. An unknown key gets the closest known ones.
    """
    fact_ids = {entry["id"] for entry, _, _ in facts if isinstance(entry, dict) and isinstance(entry.get("id"), str)}
    declared: dict[str, tuple[str, Any]] = {
        "source": ("a key in [sources]", sources),
        "measure": ("a key in [measures]", measures),
        "part_of": ("a fact id", fact_ids),
    }
    parents: dict[str, str] = {}
    origins: dict[str, Origin] = {}
    for entry, where, origin in facts:
        if not isinstance(entry, dict):
            continue
        for field, (what, known) in declared.items():
            name = entry.get(field)
            if isinstance(name, str) and name not in known:
                found.add(where, field, f"{name!r} is not {what}{suggest(name, known)}", origin)
        if isinstance(entry.get("id"), str) and isinstance(entry.get("part_of"), str):
            parents[entry["id"]] = entry["part_of"]
            origins.setdefault(entry["id"], origin)
    for fact_id in cycles(parents):
        found.add(f"fact {fact_id!r}", "part_of", "is part of itself (a cycle in part_of)", origins.get(fact_id))


def period_start(fact: Fact, measure: Measure | None) -> dt.date:
    """The first day a fact is about: FY2016 begins on 2015-10-01."""
    if measure is not None and measure.period is PeriodKind.FISCAL_YEAR and fact.date.precision == 1:
        return fiscal_year_span(fact.date.first.year)[0]
    return fact.date.first


_YEARS = (PeriodKind.YEAR, PeriodKind.FISCAL_YEAR)


def _fits(fact: Fact, period: PeriodKind) -> str | None:
    """Why *fact* does not fit a measure of *period*, or None if it does."""
    if fact.end is None and fact.date.precision == 1 and period in _YEARS:
        return None  # a bare year in a year's measure: every fact of an annual official series
    is_partial = fact.status is Status.PARTIAL
    if period in (PeriodKind.YEAR, PeriodKind.FISCAL_YEAR):
        quarter = fact.end is not None and (fact.date, fact.end) == TRANSITION_QUARTER
        if period is PeriodKind.FISCAL_YEAR and quarter:
            return None
        if fact.date.precision != 1:
            return f'a {period.value} is a bare year ("2016"), not {fact.date}'
        if fact.end is not None and not is_partial:
            return f"a {period.value} has no end unless the figure is partial"
        if fact.end is not None:
            first, last = (
                fiscal_year_span(fact.date.first.year)
                if period is PeriodKind.FISCAL_YEAR
                else (fact.date.first, fact.date.last)
            )
            if not (first <= fact.end.first and fact.end.last <= last):
                return f"a partial figure's end ({fact.end}) must lie inside its {period.value}"
    elif period is PeriodKind.MONTH:
        if fact.date.precision != 2:
            return f'a month is "YYYY-MM", not {fact.date}'
        if fact.end is not None and not (is_partial and fact.end.last <= fact.date.last):
            return "a month has no end unless the figure is partial"
    elif period is PeriodKind.POINT:
        if fact.end is not None:
            return "a point is a count on one date: no end (a sum over a span is a running_total)"
    elif period is PeriodKind.RUNNING_TOTAL and fact.end is None:
        return "a running total needs `end`, the day it was said"
    return None


def check_figures(
    facts: list[Fact],
    sources: Mapping[str, Source],
    measures: Mapping[str, Measure],
    origins: Mapping[str, Origin],
    found: Collector,
) -> None:
    """Rules between valid entries (design §1): components within their whole, dates
    not after their source unless planned, one unit, period kind and version per measure,
    and only its publisher's figures in a measure that names one."""
    by_id = {fact.id: fact for fact in facts}
    said_last = {key: source.date.last for key, source in sources.items() if source.date is not None}
    periods: dict[tuple[str, str, tuple[PartialDate, PartialDate | None]], str] = {}
    planned, partial_figure = Status.PLANNED, Status.PARTIAL

    def problem(fact: Fact, field: str, message: str) -> None:
        found.add(f"fact {fact.id!r}", field, message, origins.get(fact.id))

    for fact in facts:  # every fact of the dataset on every cache miss: each value is looked up once
        whole = by_id.get(fact.part_of) if fact.part_of else None
        if whole is not None and _larger_than_whole(fact, whole):
            problem(fact, "value", f"{fact.value} is larger than its whole {whole.id!r} ({whole.value})")
        measure = measures.get(fact.measure) if fact.measure else None
        date, start = fact.date, period_start(fact, measure)
        end = fact.end
        if end and end.last < start:  # FY2025 begins on 2024-10-01
            problem(fact, "end", f"{end} is before date {date}")
        said = said_last.get(fact.source)
        if said is not None and fact.status is not planned and start > said:
            message = f"{date} is after its source's date {sources[fact.source].date}"
            message += "; a figure said before it happened is planned"
            problem(fact, "date", message)
        if said is not None and fact.status is partial_figure and end is not None and end.first > said:
            problem(fact, "end", f"{end} is after its source's date {sources[fact.source].date}")
        if measure is None:
            continue
        if fact.value is None:
            problem(fact, "value", f"required for a fact of measure {measure.id!r}")
        elif fact.unit != measure.unit:
            problem(fact, "unit", f"{fact.unit!r} differs from measure {measure.id!r} unit {measure.unit!r}")
        source = sources.get(fact.source)
        if measure.publisher is not None and source is not None and source.publisher != measure.publisher:
            message = (
                f"{fact.source!r} is published by {source.publisher!r}; measure {measure.id!r} holds only "
                f"the figures of its publisher {measure.publisher!r} (another's figure needs a measure of its own)"
            )
            problem(fact, "source", message)
        if (misfit := _fits(fact, measure.period)) is not None:
            problem(fact, "measure", f"does not fit {measure.id!r}: {misfit}")
        key = (fact.source, measure.id, (date, None if fact.status is partial_figure else end))  # fact.period
        if key in periods:
            message = f"source {fact.source!r} already gives {periods[key]!r} for this measure and period"
            problem(fact, "measure", message)
        else:
            periods[key] = fact.id


def _larger_than_whole(part: Fact, whole: Fact) -> bool:
    return part.unit == whole.unit and part.value is not None and whole.value is not None and part.value > whole.value


def cycles(parents: Mapping[str, str]) -> list[str]:
    """Ids whose part_of chain leads back to themselves, in one linear pass.

    Each id is walked at most once: a walk stops at an id already settled, and the ids
    of a loop found on the current walk are the ones in a cycle.
    """
    state: dict[str, int] = {}  # 1 on the current walk, 2 settled
    looping: list[str] = []
    for start in parents:
        if start in state:
            continue
        walk: list[str] = []
        current: str | None = start
        while current is not None and current not in state:
            state[current] = 1
            walk.append(current)
            current = parents.get(current)
        if current is not None and state[current] == 1:  # closed a loop on this walk
            looping.extend(walk[walk.index(current) :])
        for fact_id in walk:
            state[fact_id] = 2
    order = {fact_id: position for position, fact_id in enumerate(parents)}
    return sorted(looping, key=lambda fact_id: order.get(fact_id, len(order)))


def possible_duplicates(facts: Iterable[Fact]) -> list[tuple[Fact, ...]]:
    """Facts outside any measure with the same value, unit and period from different sources
    (`usco check --strict`, design §1): perhaps one figure told twice, which should be versions
    of one measure, or one event under one `event` key. Facts already sharing an event count
    once. Each group in the order of its first fact; facts in dataset order.
    """
    groups: dict[tuple[Any, ...], list[Fact]] = {}
    for fact in facts:
        if fact.measure is None and fact.value is not None:
            groups.setdefault((fact.value, fact.unit, fact.date, fact.end), []).append(fact)
    found = []
    for group in groups.values():
        told: dict[str, Fact] = {}  # one fact per event (or per fact outside any event)
        for fact in group:
            told.setdefault(fact.event or f"fact {fact.id}", fact)
        if len({fact.source for fact in told.values()}) > 1:
            found.append(tuple(told.values()))
    return found
