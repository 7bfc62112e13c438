"""What U.S. imports from Colombia are made of: the end-use categories, ranked (design §3 `usco products`).

The Census Bureau's end-use series (usco.importers.census_enduse) hold one measure per
5-digit category, `us-imports-enduse-CODE`, a figure per year. products() ranks a year's
categories by value, with the year before and the change, or gives the categories that
match some words year by year. A category's share of a year is its figure over the sum of
all categories of the same release for that year: the one total used, which the Census
Bureau's own files make (it equals that release's imports from Colombia in country.xlsx),
never a sum across releases or an invented aggregate. Only current versions are ranked and
shown (--as-of first, then revisions, as everywhere); only final figures are used.
"""

# No `from __future__ import annotations`: see usco.model (NamedTuples and string annotations).
import datetime as dt
import re
from collections.abc import Iterable, Sequence
from typing import NamedTuple

from usco.model import Dataset, Fact, Measure, PartialDate, Source
from usco.query.search import words_of
from usco.query.select import Row, known_as_of, row_of, source_recency, supersessions

#: The end-use measures' ids: this and the 5-digit code (usco.importers.census_enduse.MEASURE_PREFIX).
PREFIX = "us-imports-enduse-"
# The importer's label (usco.importers.census_enduse.LABEL), read back for the category's name.
_LABEL = re.compile(r"U\.S\. imports from Colombia: (?P<name>.+) \(end-use category [0-9]{5}, Census Bureau\)", re.S)


def is_product(measure_id: str | None) -> bool:
    """Is this measure an end-use category's series?"""
    return measure_id is not None and measure_id.startswith(PREFIX)


class Category(NamedTuple):
    """An end-use category: its measure, its 5-digit code and its name ("10000", "Crude oil")."""

    measure: Measure
    code: str
    name: str


def category(measure: Measure) -> Category:
    """The category a measure counts; a label not written by the importer is the name as it is."""
    found = _LABEL.fullmatch(measure.label)
    return Category(measure, measure.id.removeprefix(PREFIX), found["name"] if found else measure.label)


class ReleaseYear(NamedTuple):
    """One release's categories for one year, added up: what a share is a share of."""

    source: Source
    year: int
    total: int | float
    categories: int


class ProductLine(NamedTuple):
    """One category in one year, with the year before and its release's sum for the year."""

    category: Category
    year: int
    rank: int  # by value among the year's categories shown as current, 1 the largest
    row: Row
    previous: Row | None  # the year before, if there is a figure for it
    of: ReleaseYear

    @property
    def value(self) -> int | float:
        return self.row.fact.value or 0

    @property
    def change(self) -> int | float | None:
        """Dollars more (or fewer) than the year before; None when that year has no figure."""
        return None if self.previous is None else self.value - (self.previous.fact.value or 0)

    @property
    def growth(self) -> float | None:
        """The change as a fraction of the year before (0.5 is 50% more); None from nothing or no figure."""
        before = None if self.previous is None else self.previous.fact.value
        return None if not before else self.value / before - 1

    @property
    def share(self) -> float | None:
        """The category's fraction of its release's sum of categories for the year; None if that is 0."""
        return self.value / self.of.total if self.of.total else None


class Products(NamedTuple):
    """What `usco products` shows: a year ranked, or the categories that match words, year by year."""

    lines: tuple[ProductLine, ...]
    year: int | None  # the year ranked; None with words
    words: tuple[str, ...]
    categories: tuple[Category, ...]  # those shown, in the order shown
    sources: tuple[Source, ...]  # the releases of the figures shown, oldest first
    unmatched: str = ""  # with words and no category matched: "; did you mean coffee?" or ""
    known: bool = True  # False: the dataset has no end-use figures at all (for --as-of and the range asked)


def _year(fact: Fact) -> int | None:
    return fact.date.first.year if fact.date.precision == 1 else None


def _counted(fact: Fact) -> bool:
    """A final figure of an end-use category for a calendar year."""
    return is_product(fact.measure) and fact.value is not None and fact.final and _year(fact) is not None


def products(
    dataset: Dataset,
    *,
    words: Sequence[str] = (),
    since: PartialDate | None = None,
    until: PartialDate | None = None,
    as_of: PartialDate | None = None,
    limit: int | None = None,
) -> Products:
    """The newest year's categories by value (within --since/--until), or with *words*, the categories
    whose name, code or tags start with every word, each year by year. *limit* keeps the first lines."""
    facts = [fact for fact in known_as_of(dataset, as_of) if _counted(fact)]
    superseded = supersessions(facts, dataset.sources)
    sums: dict[tuple[str, int], list[int | float]] = {}
    for fact in facts:  # every version: a release's sum is of its own figures, revised later or not
        entry = sums.setdefault((fact.source, _year(fact) or 0), [0, 0])
        entry[0] += fact.value or 0
        entry[1] += 1
    current = {(fact.measure or "", _year(fact) or 0): fact for fact in facts if fact.id not in superseded}
    ranks = _ranks(current)

    def line(measure: str, year: int) -> ProductLine:
        fact = current[(measure, year)]
        before = current.get((measure, year - 1))
        total, count = sums[(fact.source, year)]
        release = ReleaseYear(dataset.sources[fact.source], year, total, int(count))
        return ProductLine(
            category(dataset.measures[measure]),
            year,
            ranks[(measure, year)],
            row_of(dataset, fact, superseded),
            row_of(dataset, before, superseded) if before is not None else None,
            release,
        )

    def wanted(year: int) -> bool:
        first = dt.date(year, 1, 1)  # a year matches as a fact does (design §3): by its first day
        return (since is None or first >= since.first) and (until is None or first <= until.last)

    chosen = sorted(key for key in current if wanted(key[1]))  # by measure, then year
    if not words:
        newest = max((year for _, year in chosen), default=None)
        lines = sorted((line(m, y) for m, y in chosen if y == newest), key=lambda found: found.rank)
        return _made(lines[:limit], newest, (), bool(facts))
    years: dict[str, list[int]] = {}
    for measure, year in chosen:
        years.setdefault(measure, []).append(year)
    haystacks = _haystacks(dataset, years, facts)
    query = [word for text in words for word in words_of(text)]
    matched = [m for m in years if query and all(any(w.startswith(q) for w in haystacks[m]) for q in query)]
    if not matched:
        from usco.text import suggest

        vocabulary = {word for haystack in haystacks.values() for word in haystack}
        hints = [suggest(word, vocabulary) for word in query if not any(w.startswith(word) for w in vocabulary)]
        made = _made([], None, tuple(words), bool(facts))
        return made._replace(unmatched=next((hint for hint in hints if hint), ""))
    matched.sort(key=lambda m: (-(current[(m, years[m][-1])].value or 0), m))  # the largest in its newest year first
    lines = [line(measure, year) for measure in matched for year in years[measure]]
    return _made(lines[:limit], None, tuple(words), True)


def _ranks(current: dict[tuple[str, int], Fact]) -> dict[tuple[str, int], int]:
    """Each category's place in its year, 1 the largest; equal figures by code."""
    by_year: dict[int, list[tuple[str, int]]] = {}
    for key in current:
        by_year.setdefault(key[1], []).append(key)
    ranks = {}
    for keys in by_year.values():
        keys.sort(key=lambda key: (-(current[key].value or 0), key[0]))
        ranks.update({key: place for place, key in enumerate(keys, start=1)})
    return ranks


def _haystacks(dataset: Dataset, measures: Iterable[str], facts: Iterable[Fact]) -> dict[str, set[str]]:
    """The words each category is found by: its name, code and id, and its figures' tags (common names)."""
    tags: dict[str, set[str]] = {}
    for fact in facts:
        tags.setdefault(fact.measure or "", set()).update(fact.tags)
    found = {}
    for measure in measures:
        named = category(dataset.measures[measure])
        found[measure] = set(words_of(" ".join((named.name, named.code, measure, *sorted(tags.get(measure, ()))))))
    return found


def _made(lines: Sequence[ProductLine], year: int | None, words: tuple[str, ...], known: bool) -> Products:
    categories = tuple(dict.fromkeys(line.category for line in lines))
    shown = {line.row.source.id: line.row.source for line in lines}
    sources = tuple(sorted(shown.values(), key=lambda source: (source_recency(source), source.id)))
    return Products(tuple(lines), year, words, categories, sources, known=known)
