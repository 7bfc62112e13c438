"""The value types of usco: dates of varying precision, sources, measures, facts, errors."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from enum import Enum
from pathlib import Path
from typing import NamedTuple


class Topic(str, Enum):
    AID = "aid"
    TRADE = "trade"
    MILESTONE = "milestone"
    SECURITY = "security"
    MIGRATION = "migration"
    DIPLOMACY = "diplomacy"
    HEALTH = "health"


class Qualifier(str, Enum):
    EXACT = "exact"
    MORE_THAN = "more_than"
    AT_LEAST = "at_least"
    NEARLY = "nearly"
    APPROXIMATELY = "approximately"
    ESTIMATED = "estimated"
    UP_TO = "up_to"
    LESS_THAN = "less_than"


_PARTIAL_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")  # ASCII digits only


class PartialDate(NamedTuple):
    """A date known to the year, the month or the day ("2019", "2019-10", "2019-10-09").

    It keeps its precision: "2019" is printed as "2019", never as 2019-01-01.
    Ordering is by first day, then by precision (a year sorts before its first month).
    """

    first: dt.date
    precision: int  # 1 year, 2 month, 3 day

    @classmethod
    def parse(cls, text: str) -> PartialDate:
        """Parse YYYY, YYYY-MM or YYYY-MM-DD; raise ValueError naming what was expected."""
        match = _PARTIAL_DATE.fullmatch(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD")
        year, month, day = (int(part) if part else None for part in match.groups())
        assert year is not None  # the pattern requires it
        try:
            first = dt.date(year, 1 if month is None else month, 1 if day is None else day)
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a real date ({exc})") from None
        return cls(first, 1 if month is None else 2 if day is None else 3)

    @classmethod
    def from_date(cls, day: dt.date) -> PartialDate:
        return cls(day, 3)

    @property
    def last(self) -> dt.date:
        """The last day the date covers: "2023" ends on 2023-12-31."""
        if self.precision == 3:
            return self.first
        if self.precision == 2:
            if self.first.month == 12:  # no "next month" to step back from in year 9999
                return self.first.replace(day=31)
            return self.first.replace(month=self.first.month + 1) - dt.timedelta(days=1)
        return self.first.replace(month=12, day=31)

    def __str__(self) -> str:
        return self.first.isoformat()[: {1: 4, 2: 7, 3: 10}[self.precision]]


class Source(NamedTuple):
    id: str
    title: str
    publisher: str
    url: str
    short: str | None = None
    date: PartialDate | None = None
    date_note: str | None = None

    @property
    def name(self) -> str:
        """The short name for tables."""
        return self.short or self.id


class Measure(NamedTuple):
    id: str
    label: str
    unit: str


class Fact(NamedTuple):
    """One claim of one document (cheap to build, which counts at 100,000 facts)."""

    id: str
    topic: Topic
    text: str
    date: PartialDate
    source: str
    value: int | float | None = None
    unit: str | None = None
    qualifier: Qualifier = Qualifier.EXACT
    end: PartialDate | None = None
    measure: str | None = None
    part_of: str | None = None
    tags: tuple[str, ...] = ()

    @property
    def period(self) -> tuple[PartialDate, PartialDate | None]:
        """What a revision must share with the fact it revises."""
        return (self.date, self.end)


class Dataset(NamedTuple):
    path: Path
    sources: Mapping[str, Source]
    measures: Mapping[str, Measure]
    facts: tuple[Fact, ...]


class UscoError(Exception):
    """Anything usco reports to a user as a message rather than a traceback."""


class Problem(NamedTuple):
    """One thing wrong with a dataset, located as precisely as the file allows."""

    where: str  # "fact 'covid-assistance-2020'", "fact #3", "source 'x'", "line 4, column 7"
    field: str | None
    message: str

    def __str__(self) -> str:
        # repr: a field name comes from the file and may hold control characters
        location = f"{self.where}, field {self.field!r}" if self.field else self.where
        return f"{location}: {self.message}"


class DatasetError(UscoError):
    """The dataset cannot be read or breaks a rule of design §1."""

    def __init__(self, path: Path | str, problems: list[Problem]) -> None:
        self.path = Path(path)
        self.problems = tuple(problems)
        super().__init__(f"{self.path}: {self.problems[0]}")


# Value types are NamedTuples: as immutable as frozen dataclasses, but defining one costs
# a tenth as much at import, and start-up time is most of what a CLI call costs.


class QueryError(UscoError):
    """A thing asked for does not exist (unknown fact id or measure)."""
