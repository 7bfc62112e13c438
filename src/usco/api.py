"""The Python API: what `import usco` gives, and what the CLI itself calls.

    >>> import usco
    >>> data = usco.load()
    >>> [fact.to_dict()["id"] for fact in data.facts(topic="aid", since="2016", limit=2)]  # doctest: +SKIP

Filters are keyword arguments named as the CLI's options, each a string or a list of
strings; unknown measures, sources, tags and topics raise QueryError with the closest
known values, as the CLI says them. What a Python user obviously means is taken
(`since=2016`, `limit="3"`, `search=344`, a single path as `also`); any other wrong type is
an ArgumentError (a QueryError, and a ValueError), never a TypeError from deep inside.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, TypeAlias

from usco.dataset import load as _dataset
from usco.model import (
    Dataset,
    DatasetError,
    Fact,
    Measure,
    PartialDate,
    QueryError,
    Source,
    SourceKind,
    Topic,
    parse_when,
)
from usco.query import select as query
from usco.query.select import Filters, Selection, View
from usco.records import Row

if TYPE_CHECKING:
    from usco.query.products import Products
    from usco.query.summaries import Detail, SeriesTable

Names: TypeAlias = "str | Iterable[str] | None"
When: TypeAlias = "str | PartialDate | None"
PathArg: TypeAlias = "str | os.PathLike[str]"


class ArgumentError(QueryError, ValueError):
    """An argument that is not what it should be (a date that is not a date, a negative limit)."""


def _name(item: Any, name: str) -> str:
    """One name (a topic, a tag, a word): a string, or a whole number written as one (`search=344`)."""
    if isinstance(item, str):
        return item
    if isinstance(item, int) and not isinstance(item, bool):
        return str(item)
    raise ArgumentError(f"{name}: {_shown(item)} is not a name; expected a string")


def _names(value: Any, name: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str | int):
        return (_name(value, name),)
    if isinstance(value, bytes | bytearray) or not isinstance(value, Iterable):
        raise ArgumentError(f"{name}: {_shown(value)} is not a name; expected a string or a list of strings")
    return tuple(_name(item, name) for item in value)


def _when(value: Any, name: str) -> PartialDate | None:
    if value is None or isinstance(value, PartialDate):
        return value
    try:
        return parse_when(str(value))  # 2016, "FY2016", a datetime.date, as the CLI's options take them
    except ValueError as error:
        raise ArgumentError(f"{name}: {error}") from None


def _limit(value: Any) -> int | None:
    """None, or a count of 0 or more: an int, or a whole number as a string ("3") or a float (3.0)."""
    if value is None:
        return None
    number = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, float) and value.is_integer():
        number = int(value)
    elif isinstance(value, str) and value.strip().isascii() and value.strip().lstrip("-").isdigit():
        number = int(value.strip()) if len(value) < 20 else None
    if number is None:
        raise ArgumentError(f"limit: {_shown(value)} is not a valid integer; expected 0 or more")
    if number < 0:
        raise ArgumentError(f"limit must be 0 or more, not {number}")
    return number


def _flag(value: Any, name: str) -> bool:
    """True or False (1 and 0 are taken): a string such as "no" is true to Python, so it is refused."""
    if isinstance(value, bool):
        return value
    if isinstance(value, int) and value in (0, 1):
        return bool(value)
    raise ArgumentError(f"{name} must be True or False, not {_shown(value)}")


def _path(value: Any, name: str) -> Path:
    """A file's path: a string, a PathLike or bytes; one with a NUL character names no file."""
    if isinstance(value, bytes):
        value = os.fsdecode(value)
    if not isinstance(value, str | os.PathLike):
        raise ArgumentError(f"{name}: {_shown(value)} is not a path; expected a string or a pathlib.Path")
    path = Path(value)
    if "\x00" in str(path):
        raise ArgumentError(f"{name}: {_shown(str(path))} holds a NUL character, which no file name can")
    return path


def _paths(value: Any, name: str) -> list[Path]:
    if isinstance(value, str | bytes | os.PathLike):  # one path, not the characters of one
        return [_path(value, name)]
    if not isinstance(value, Iterable):
        raise ArgumentError(f"{name}: {_shown(value)} is not a list of paths")
    return [_path(item, name) for item in value]


def _shown(value: Any) -> str:
    """A value in a message: its repr, cut short (a wrong argument may be anything, of any size)."""
    text = repr(value)
    return text if len(text) <= 60 else text[:60] + "…"


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


class LeftOut(NamedTuple):
    """One of your own releases (design §7) that does not load with the dataset, and why: left out."""

    path: Path  # its dataset file
    reason: str  # the first problem, as `usco check` words it


class UserReleaseWarning(UserWarning):
    """usco.load() left out one of your own releases (Data.left_out says which and why)."""


class Data:
    """A loaded, validated dataset and the questions usco answers about it."""

    def __init__(self, dataset: Dataset, left_out: Sequence[LeftOut] = (), user_releases: Sequence[Path] = ()) -> None:
        self.dataset = dataset
        self.left_out = tuple(left_out)  # your own releases that did not load with it
        self.user_releases = tuple(user_releases)  # the dataset files of your own releases it was read with

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
        reverse: bool = False,
    ) -> list[Row]:
        """Facts as `usco facts` lists them, with the same defaults and order (*reverse*: newest first).

        Each item is a Row (fact, source, superseded_by, measure); `row.to_dict()` is the
        JSON object of `-f json`.
        """
        limit = _limit(limit)
        try:
            filters = Filters(
                since=_when(since, "since"),
                until=_when(until, "until"),
                topics=_topics(_names(topic, "topic")),
                tags=_names(tag, "tag"),
                sources=_names(source, "source"),
                source_kinds=_source_kinds(_names(source_kind, "source_kind")),
                measures=_names(measure, "measure"),
                words=_names(search, "search"),
                regional=_flag(regional, "regional"),
            ).checked()
        except ValueError as error:
            raise ArgumentError(str(error)) from None
        view = View(as_of=_when(as_of, "as_of"), history=_flag(history, "history"), latest=_flag(latest, "latest"),
                    limit=limit, reverse=_flag(reverse, "reverse"))  # fmt: skip
        return list(self.select(filters=filters, view=view).rows)

    def fact(self, fact_id: str, *, as_of: When = None) -> Detail:
        """One fact in full (`usco show`): its row, its whole, its series and its components."""
        from usco.query import summaries

        return summaries.detail(self.dataset, _name(fact_id, "fact_id"), view=View(as_of=_when(as_of, "as_of")))

    def series(self, *measures: str, since: When = None, until: When = None, as_of: When = None,
               history: bool = False) -> SeriesTable:  # fmt: skip
        """One line per period, one cell per measure (`usco series`); a list of measures is taken as them."""
        names = _names(measures[0] if len(measures) == 1 and not isinstance(measures[0], str) else measures, "measure")
        history = _flag(history, "history")
        found = [query.find_measure(self.dataset, measure) for measure in names]
        filters = Filters(since=_when(since, "since"), until=_when(until, "until"), measures=list(names))
        selection = self.select(filters=filters, view=View(as_of=_when(as_of, "as_of"), history=history))
        from usco.query import summaries

        return summaries.series(selection, found, history=history)

    def products(self, *words: str, since: When = None, until: When = None, as_of: When = None,
                 limit: int | None = None) -> Products:  # fmt: skip
        """What U.S. imports from Colombia are made of (`usco products`): the newest year's end-use
        categories by value, with the year before, the change and each one's share of its release's
        sum for the year; with *words*, the categories they match, year by year."""
        limit = _limit(limit)
        words = _names(words, "words")
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


def load(path: PathArg | None = None, *, also: PathArg | Sequence[PathArg] = (), use_cache: bool = True,
         user_releases: bool | None = None) -> Data:  # fmt: skip
    """The dataset at *path* (default: USCO_DATA, else the shipped one), includes followed,
    validated and cached; *also* adds files as if the dataset included them.

    Your own releases (`usco update`, `usco import --keep`) are read with it unless
    *user_releases* is False (default: unless USCO_NO_USER_RELEASES is set). One that no
    longer loads with the dataset is left out with a UserReleaseWarning (Data.left_out).
    """
    import warnings

    data = _load(
        None if path is None else _path(path, "path"),
        also=_paths(also, "also"),
        use_cache=_flag(use_cache, "use_cache"),
        user_releases=None if user_releases is None else _flag(user_releases, "user_releases"),
    )
    for left in data.left_out:
        warnings.warn(f"left out your release {left.path.parent.name}: {left.reason}", UserReleaseWarning, 2)
    return data


def _load(path: str | Path | None, *, also: Sequence[str | Path] = (), use_cache: bool = True,
          user_releases: bool | None = None) -> Data:  # fmt: skip
    """load() without the warnings: the CLI says them in its own words."""
    from usco.user import store

    resolved = _dataset.resolve_path(path)
    extra = [Path(item) for item in also]
    own = store.kept_datasets() if (not store.disabled() if user_releases is None else user_releases) else []
    key = store.left_out_key(resolved, extra, own) if own else []
    remembered = store.remembered_left_out(key) if own else None
    if remembered:  # the same files as when some releases did not load: the same ones are left out
        kept = [file for file in own if str(file) not in remembered]
        try:
            dataset = _dataset.load(resolved, use_cache=use_cache, also=[*extra, *kept])
        except DatasetError:
            pass
        else:
            left = [LeftOut(file, remembered[str(file)]) for file in own if str(file) in remembered]
            return Data(dataset, left, kept)
    try:
        return Data(_dataset.load(resolved, use_cache=use_cache, also=[*extra, *own]), user_releases=own)
    except DatasetError:
        if not own:
            raise
    # The dataset alone (and --add) must load: else that is the error to show. Then each kept
    # release is tried in turn, and the ones that break are left out (and remembered).
    alone = _dataset.load(resolved, use_cache=use_cache, also=extra)
    kept = []
    left_out: list[LeftOut] = []
    for file in own:
        try:
            _dataset.load(resolved, use_cache=False, also=[*extra, *kept, file])
        except DatasetError as error:
            left_out.append(LeftOut(file, str(error)))
        else:
            kept.append(file)
    dataset = _dataset.load(resolved, use_cache=use_cache, also=[*extra, *kept]) if kept else alone
    if left_out:
        store.remember_left_out(key, {str(left.path): left.reason for left in left_out})
    return Data(dataset, left_out, kept)
