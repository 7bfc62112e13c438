"""Pure functions over a Dataset: time views, filters, search and single facts (design §2, §3).

Order of operations (design §2): --as-of first (drop later sources), then revisions
(drop superseded versions unless --history), then the filters, then --latest, then the
order (oldest first, newest with --reverse), then --limit. --since and --until can go
before revisions, which they cannot change (see _in_dates). Nothing here prints or reads
a file; usco.query.summaries adds up a selection.
"""

# No `from __future__ import annotations`: see usco.model (NamedTuples and string annotations).
import datetime as dt
import functools
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, NamedTuple

from usco.model import (
    Dataset,
    Fact,
    FactStore,
    Measure,
    PartialDate,
    QueryError,
    Source,
    SourceKind,
    Status,
    Topic,
    Wanted,
)
from usco.records import Row as Row  # its home is usco.records; usco.query.select.Row stays for one release

if TYPE_CHECKING:
    from usco.query.search import Search


@functools.lru_cache(maxsize=4)
def _search(words: tuple[str, ...]) -> "Search":
    from usco.query.search import Search  # only a search needs it

    return Search(words)


class Filters(NamedTuple):
    """What a listing asks for; empty collections mean "any"; search words must all match."""

    since: PartialDate | None = None
    until: PartialDate | None = None
    topics: Collection[str] = ()  # Topic values (a Topic is a str); an unknown one is a QueryError
    tags: Collection[str] = ()
    sources: Collection[str] = ()
    source_kinds: Collection[str] = ()  # SourceKind values, likewise
    measures: Collection[str] = ()
    words: Sequence[str] = ()
    regional: bool = True  # False: leave out figures that cover more countries than Colombia

    def checked(self) -> "Filters":
        if self.since and self.until and self.until.last < self.since.first:
            raise ValueError(f"--until {self.until} is before --since {self.since}")
        return self


class View(NamedTuple):
    """Which versions of the record to see (design §2), and how many rows."""

    as_of: PartialDate | None = None
    history: bool = False
    latest: bool = False
    limit: int | None = None
    events_once: bool = False  # the timeline and search: each event once, with its further sources
    reverse: bool = False  # newest first; --limit then keeps the newest


class Selection(NamedTuple):
    """The facts a view keeps, in listing order, plus everything needed to show them."""

    rows: tuple[Row, ...]
    dataset: Dataset
    # With View.events_once: the other facts that tell the event of a kept row, by its id.
    further: Mapping[str, tuple[Row, ...]] = {}


def select(dataset: Dataset, *, filters: Filters = Filters(), view: View = View()) -> Selection:
    """The facts of *dataset* that *view* and *filters* keep, ordered for listing.

    An unknown measure, source, tag or topic raises QueryError with the closest known ones.
    """
    check_names(dataset, filters)
    candidates = _candidates(dataset, filters, view.as_of)
    facts = [fact for fact in known_as_of(dataset, view.as_of, candidates) if _in_dates(fact, filters)]
    superseded = supersessions(facts, dataset.sources)
    if not view.history:
        facts = [fact for fact in facts if fact.id not in superseded]
    facts = [fact for fact in facts if _matches(fact, filters, dataset)]
    if view.latest:
        facts = _latest(facts)
    rows = [row_of(dataset, fact, superseded) for fact in facts]
    ordered = in_listing_order(rows, superseded)
    further: dict[str, tuple[Row, ...]] = {}
    if view.events_once:
        ordered, further = once_per_event(ordered)
    if view.reverse:
        ordered.reverse()
    return Selection(tuple(ordered[: view.limit] if view.limit is not None else ordered), dataset, further)


def once_per_event(rows: Sequence[Row]) -> tuple[list[Row], dict[str, tuple[Row, ...]]]:
    """Each event once (design §1): the fact whose document told it first stands for it, in its
    place in *rows*; the others, oldest document first, are its further sources, by its id.

    Undated documents come after dated ones: nobody can say they told it first.
    """
    told: dict[str, list[Row]] = {}
    for row in rows:
        if row.fact.event is not None:
            told.setdefault(row.fact.event, []).append(row)

    def first_told(row: Row) -> tuple[int, dt.date]:
        return (1, dt.date.max) if row.source.date is None else (0, row.source.date.last)

    kept: set[str] = set()
    further: dict[str, tuple[Row, ...]] = {}
    for group in told.values():
        first, *others = sorted(group, key=first_told)  # stable: listing order among equals
        kept.add(first.fact.id)
        if others:
            further[first.fact.id] = tuple(others)
    return [row for row in rows if row.fact.event is None or row.fact.id in kept], further


def _candidates(dataset: Dataset, filters: Filters, as_of: PartialDate | None) -> Sequence[Fact]:
    """The facts that can match, with every version of the measures they touch: from the cache,
    only the segments that can hold them are decoded (usco.dataset.segments)."""
    if not isinstance(dataset.facts, FactStore):
        return dataset.facts
    wanted = Wanted(filters.topics, filters.measures, filters.tags, filters.sources, filters.source_kinds,
                    filters.since, filters.until, as_of)  # fmt: skip
    return dataset.facts.matching(wanted)


def row_of(dataset: Dataset, fact: Fact, superseded: Mapping[str, str]) -> Row:
    measure = dataset.measures.get(fact.measure) if fact.measure else None
    return Row(fact, dataset.sources[fact.source], superseded.get(fact.id), measure)


def check_names(dataset: Dataset, filters: Filters) -> None:
    """Every measure, source, tag and topic asked for exists; else QueryError with suggestions."""
    from usco.text import suggest

    tags = _tags(dataset.facts) if filters.tags else set()
    for kind, wanted, known in (
        ("measure", filters.measures, dataset.measures),
        ("source", filters.sources, dataset.sources),
        ("tag", filters.tags, tags),
        ("topic", [str(getattr(topic, "value", topic)) for topic in filters.topics], [t.value for t in Topic]),
        (
            "source kind",
            [str(getattr(kind, "value", kind)) for kind in filters.source_kinds],
            [k.value for k in SourceKind],
        ),
    ):
        for name in wanted:
            if name not in known:
                raise QueryError(f"no {kind} {name!r}{suggest(name, known)}")


def _tags(facts: Sequence[Fact]) -> set[str]:
    if isinstance(facts, FactStore):
        return facts.tags()  # from the cache's manifest, without decoding a fact
    return {tag for fact in facts for tag in fact.tags}


def known_as_of(dataset: Dataset, as_of: PartialDate | None, facts: Sequence[Fact] | None = None) -> list[Fact]:
    """Facts (of *facts*, else all) whose source was published on or before *as_of* (its last day).

    A source with no date is left out of every --as-of view: nobody can say it was known then.
    """
    facts = dataset.facts if facts is None else facts
    if as_of is None:
        return list(facts)
    published = {key: source.date for key, source in dataset.sources.items()}
    return [fact for fact in facts if (day := published[fact.source]) is not None and day.last <= as_of.last]


def source_recency(source: Source) -> tuple[int, dt.date]:
    """Sort key: undated sources first (they never supersede a dated one), then by last day."""
    return (0, dt.date.min) if source.date is None else (1, source.date.last)


def supersessions(facts: Iterable[Fact], sources: Mapping[str, Source]) -> dict[str, str]:
    """Map each superseded fact id to the id of the version that revised it.

    Versions are facts of one measure about one period (Fact.period) from different
    sources; each is superseded by the first (by id) of the next strictly newer ones.
    """
    recency = {key: source_recency(source) for key, source in sources.items()}
    groups: defaultdict[tuple[str, tuple[PartialDate, PartialDate | None]], list[tuple[tuple[int, dt.date], str]]]
    groups = defaultdict(list)
    for fact in facts:
        if fact.measure is not None:
            groups[(fact.measure, fact.period)].append((recency[fact.source], fact.id))
    superseded: dict[str, str] = {}
    for versions in groups.values():
        if len(versions) < 2:
            continue
        versions.sort()
        # Newest first: each older rank is revised by the first version of the rank above it.
        revision = rank_first = rank = None
        for recent, fact_id in reversed(versions):
            if recent != rank:
                revision, rank = rank_first, recent
            rank_first = fact_id
            if revision is not None:
                superseded[fact_id] = revision
    return superseded


# ---------------------------------------------------------------- filters and search


def _in_dates(fact: Fact, filters: Filters) -> bool:
    """--since and --until, which select by date alone.

    Every version of a figure has its date (Fact.period), so these keep or drop all of a
    figure's versions together, and applied before revisions they spare supersessions
    the facts no answer shows (most of them, for `usco aid --since 2016`).
    """
    if filters.since and fact.date.first < filters.since.first:
        return False
    return not (filters.until and fact.date.first > filters.until.last)


def _matches(fact: Fact, filters: Filters, dataset: Dataset) -> bool:
    if filters.topics and fact.topic not in filters.topics:
        return False
    if filters.tags and not set(filters.tags).intersection(fact.tags):
        return False
    if filters.sources and fact.source not in filters.sources:
        return False
    if filters.source_kinds and dataset.sources[fact.source].kind not in filters.source_kinds:
        return False
    if filters.measures and fact.measure not in filters.measures:
        return False
    if not filters.regional and fact.regional:
        return False
    return not filters.words or _search(tuple(filters.words)).matches(fact, dataset.sources[fact.source])


def period_recency(fact: Fact) -> tuple[dt.date, dt.date]:
    """Latest end, else latest date (design §2); a partial figure by its period, not how far it got."""
    end = None if fact.status is Status.PARTIAL else fact.end
    return ((end or fact.date).last, fact.date.first)


def _latest(facts: list[Fact]) -> list[Fact]:
    """Per measure, its most recent final period, and any newer non-final figures beside it.

    A fact with no measure has no "latest" (design §2): it is left out unless it is a
    component of a kept figure, which it goes with. A component whose whole was dropped
    here is dropped too.
    """
    newest_final: dict[str, tuple[dt.date, dt.date]] = {}
    newest: dict[str, tuple[dt.date, dt.date]] = {}
    for fact in facts:
        if fact.measure is None:
            continue
        recency = period_recency(fact)
        newest[fact.measure] = max(newest.get(fact.measure, recency), recency)
        if fact.final:
            newest_final[fact.measure] = max(newest_final.get(fact.measure, recency), recency)

    def kept(fact: Fact) -> bool:
        if fact.measure is None:
            return False
        recency, final = period_recency(fact), newest_final.get(fact.measure)
        if final is None:  # nothing final yet: the newest period is all there is
            return recency == newest[fact.measure]
        return recency == final or (not fact.final and recency > final)

    kept_ids = {fact.id for fact in facts if kept(fact)}
    dropped = {fact.id for fact in facts if fact.measure is not None} - kept_ids  # earlier periods
    while True:  # drop components of dropped wholes, at any depth
        orphans = {fact.id for fact in facts if fact.id in kept_ids and fact.part_of in dropped}
        if not orphans:
            break
        dropped |= orphans
        kept_ids -= orphans
    while True:  # a component with no measure goes with its kept whole, at any depth
        joining = {
            fact.id for fact in facts if fact.measure is None and fact.id not in kept_ids and fact.part_of in kept_ids
        }
        if not joining:
            return [fact for fact in facts if fact.id in kept_ids]
        kept_ids |= joining


def in_listing_order(rows: list[Row], superseded: Mapping[str, str]) -> list[Row]:
    """Oldest first by the first day of date, then by end, then by id; versions of one period together."""
    current: dict[str, str] = {}

    def newest(fact_id: str) -> str:
        if fact_id not in current:
            seen = fact_id
            for _ in range(len(superseded) + 1):  # bounded: supersession never loops
                if seen not in superseded:
                    break
                seen = superseded[seen]
            current[fact_id] = seen
        return current[fact_id]

    def key(row: Row) -> tuple[dt.date, dt.date, str, tuple[int, dt.date], str]:
        fact = row.fact
        end = (fact.end or fact.date).last
        return (fact.date.first, end, newest(fact.id), source_recency(row.source), fact.id)

    return sorted(rows, key=key)


def with_components(rows: Sequence[Row]) -> list[Row]:
    """Listing order, but each component placed right under its whole when both are shown.

    Iterative, so a part_of chain thousands deep cannot exhaust the stack.
    """
    shown = {row.fact.id for row in rows}
    children: dict[str, list[Row]] = {}
    for row in rows:
        if row.fact.part_of in shown:
            children.setdefault(row.fact.part_of or "", []).append(row)
    ordered: list[Row] = []
    for row in rows:
        if row.fact.part_of in shown:
            continue
        stack = [row]
        while stack:
            current = stack.pop()
            ordered.append(current)
            stack.extend(reversed(children.get(current.fact.id, [])))
    return ordered


def depths(rows: Sequence[Row]) -> dict[str, int]:
    """How deep each shown fact sits under shown wholes (0 for a fact whose whole is not shown); linear."""
    parents = {row.fact.id: row.fact.part_of for row in rows}
    found: dict[str, int] = {}
    for fact_id in parents:
        chain: list[str] = []
        current: str | None = fact_id
        while current in parents and current not in found and len(chain) <= len(parents):
            chain.append(current)
            current = parents[current]
        base = found.get(current, -1) if current in parents else -1
        for depth, member in enumerate(reversed(chain), start=base + 1):
            found[member] = depth
    return found


# ---------------------------------------------------------------- single facts


def find_fact(dataset: Dataset, fact_id: str) -> Fact:
    """The fact with *fact_id*; QueryError with close matches otherwise."""
    from usco.text import suggest

    for fact in dataset.facts:
        if fact.id == fact_id:
            return fact
    raise QueryError(f"no fact id {fact_id!r}{suggest(fact_id, [fact.id for fact in dataset.facts])}")


def find_measure(dataset: Dataset, measure_id: str) -> Measure:
    from usco.text import suggest

    if measure_id in dataset.measures:
        return dataset.measures[measure_id]
    raise QueryError(f"no measure {measure_id!r}{suggest(measure_id, dataset.measures)}")
