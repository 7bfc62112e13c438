"""The Python API: what `import usco` gives, and what the CLI itself calls.

    >>> import usco
    >>> data = usco.load()
    >>> [fact.to_dict()["id"] for fact in data.facts(topic="aid", since="2016", limit=2)]  # doctest: +SKIP

Filters are keyword arguments named as the CLI's options, each a string or a list of
strings; unknown measures, sources, tags and topics raise QueryError with the closest
known values, as the CLI says them.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TypeAlias

from usco.dataset import load as _dataset
from usco.model import Dataset, Fact, Measure, PartialDate, QueryError, Source, SourceKind, Topic
from usco.query import select as query
from usco.query.select import Filters, Selection, View
from usco.records import Row

if TYPE_CHECKING:
    from usco.query.products import Products
    from usco.query.summaries import Detail, SeriesTable

Names: TypeAlias = "str | Iterable[str] | None"
When: TypeAlias = "str | PartialDate | None"


class ArgumentError(QueryError, ValueError):
    """An argument that is not what it should be (a date that is not a date, a negative limit)."""


def _names(value: Names) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return tuple(value)


def _when(value: When, name: str) -> PartialDate | None:
    if value is None or isinstance(value, PartialDate):
        return value
    try:
        return PartialDate.parse(str(value))
    except ValueError as error:
        raise ArgumentError(f"{name}: {error}") from None


def _topics(values: tuple[str, ...]) -> tuple[Topic, ...]:
    return tuple(Topic(value) for value in _known(values, [topic.value for topic in Topic], "topic"))


def _source_kinds(values: tuple[str, ...]) -> tuple[SourceKind, ...]:
    return tuple(SourceKind(value) for value in _known(values, [kind.value for kind in SourceKind], "source kind"))


def _known(values: tuple[str, ...], known: list[str], what: str) -> tuple[str, ...]:
    for value in values:
        if value not in known:
            from usco.text import suggest

            raise QueryError(f"no {what} {value!r}{suggest(value, known)}")
    return values


class Data:
    """A loaded, validated dataset and the questions usco answers about it."""

    def __init__(self, dataset: Dataset) -> None:
        self.dataset = dataset

    def __repr__(self) -> str:
        return f"<usco.Data {self.dataset.path} ({len(self.dataset.facts)} facts)>"

    def select(self, *, filters: Filters = Filters(), view: View = View()) -> Selection:
        """The facts that *filters* and *view* keep, in listing order (the CLI's path)."""
        return query.select(self.dataset, filters=filters.checked(), view=view)

    def facts(
        self,
        *,
        since: When = None,
        until: When = None,
        topic: Names = None,
        tag: Names = None,
        source: Names = None,
        source_kind: Names = None,
        measure: Names = None,
        regional: bool = True,
        as_of: When = None,
        history: bool = False,
        latest: bool = False,
        search: Names = None,
        limit: int | None = None,
    ) -> list[Row]:
        """Facts as `usco facts` lists them, with the same defaults and order.

        Each item is a Row (fact, source, superseded_by, measure); `row.to_dict()` is the
        JSON object of `-f json`.
        """
        if limit is not None and limit < 0:
            raise ArgumentError(f"limit must be 0 or more, not {limit}")
        try:
            filters = Filters(
                since=_when(since, "since"),
                until=_when(until, "until"),
                topics=_topics(_names(topic)),
                tags=_names(tag),
                sources=_names(source),
                source_kinds=_source_kinds(_names(source_kind)),
                measures=_names(measure),
                words=_names(search),
                regional=regional,
            ).checked()
        except ValueError as error:
            raise ArgumentError(str(error)) from None
        view = View(as_of=_when(as_of, "as_of"), history=history, latest=latest, limit=limit)
        return list(self.select(filters=filters, view=view).rows)

    def fact(self, fact_id: str, *, as_of: When = None) -> Detail:
        """One fact in full (`usco show`): its row, its whole, its series and its components."""
        from usco.query import summaries

        return summaries.detail(self.dataset, fact_id, view=View(as_of=_when(as_of, "as_of")))

    def series(self, *measures: str, since: When = None, until: When = None, as_of: When = None,
               history: bool = False) -> SeriesTable:  # fmt: skip
        """One line per period, one cell per measure (`usco series`)."""
        found = [query.find_measure(self.dataset, measure) for measure in measures]
        filters = Filters(since=_when(since, "since"), until=_when(until, "until"), measures=list(measures))
        selection = self.select(filters=filters, view=View(as_of=_when(as_of, "as_of"), history=history))
        from usco.query import summaries

        return summaries.series(selection, found, history=history)

    def products(self, *words: str, since: When = None, until: When = None, as_of: When = None,
                 limit: int | None = None) -> Products:  # fmt: skip
        """What U.S. imports from Colombia are made of (`usco products`): the newest year's end-use
        categories by value, with the year before, the change and each one's share of its release's
        sum for the year; with *words*, the categories they match, year by year."""
        if limit is not None and limit < 0:
            raise ArgumentError(f"limit must be 0 or more, not {limit}")
        since_date, until_date = _when(since, "since"), _when(until, "until")
        try:
            Filters(since=since_date, until=until_date).checked()
        except ValueError as error:
            raise ArgumentError(str(error)) from None
        from usco.query.products import products

        return products(self.dataset, words=words, since=since_date, until=until_date, as_of=_when(as_of, "as_of"),
                        limit=limit)  # fmt: skip

    def sources(self) -> list[Source]:
        """Every source, newest first (`usco sources` without filters)."""
        return sorted(self.dataset.sources.values(), key=query.source_recency, reverse=True)

    def measures(self) -> list[Measure]:
        return [self.dataset.measures[key] for key in sorted(self.dataset.measures)]

    def all_facts(self) -> tuple[Fact, ...]:
        """Every fact of the dataset as stored, superseded versions included, in file order."""
        return tuple(self.dataset.facts)


def load(path: str | Path | None = None, *, also: Sequence[str | Path] = (), use_cache: bool = True) -> Data:
    """The dataset at *path* (default: USCO_DATA, else the shipped one), includes followed,
    validated and cached; *also* adds files as if the dataset included them."""
    resolved = _dataset.resolve_path(path)
    return Data(_dataset.load(resolved, use_cache=use_cache, also=[Path(item) for item in also]))
