"""The value types of usco: dates of varying precision, sources, measures, facts, errors.

Value types are NamedTuples: as immutable as frozen dataclasses, but defining one costs
a tenth as much at import and building one a fifth as much, and start-up time is most
of what a CLI call costs. Which fields each type has, and how each is read and written,
is declared once in usco.fields.
"""

# No `from __future__ import annotations` here: typing.NamedTuple compiles every string
# annotation into a ForwardRef (about 27 µs a field, a millisecond of start-up for these
# types), while real annotations cost nothing. A method naming its own class quotes it.
import contextlib
import datetime as dt
import re
from collections.abc import Collection, Mapping, Sequence
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


class Status(str, Enum):
    """How final a figure is (design §2); only FINAL may be shown without a mark."""

    FINAL = "final"
    PARTIAL = "partial"  # part of its period; `end` is the last day or month it covers
    PROVISIONAL = "provisional"  # the whole period, its publisher still collecting reports
    PLANNED = "planned"  # a goal, pledge, request or scheduled event


class SourceKind(str, Enum):
    GOVERNMENT = "government"
    INTERGOVERNMENTAL = "intergovernmental"
    PRESS = "press"
    OTHER = "other"


class PeriodKind(str, Enum):
    """What one period of a measure is (design §1)."""

    YEAR = "year"
    FISCAL_YEAR = "fiscal_year"  # U.S. federal, October 1 to September 30; "2016" is FY2016
    MONTH = "month"
    POINT = "point"  # a stock counted on a date
    RUNNING_TOTAL = "running_total"  # a sum from `date` to `end`, the day it was said


_PARTIAL_DATE = re.compile(r"([0-9]{4})(?:-([0-9]{2})(?:-([0-9]{2}))?)?")  # ASCII digits only
_TO_FIRST_DAY = {4: "-01-01", 7: "-01", 10: ""}  # by length of what the pattern matched
_PRECISION = {4: 1, 7: 2, 10: 3}


class PartialDate(NamedTuple):
    """A date known to the year, the month or the day ("2019", "2019-10", "2019-10-09").

    It keeps its precision: "2019" is printed as "2019", never as 2019-01-01.
    Ordering is by first day, then by precision (a year sorts before its first month).
    """

    first: dt.date
    precision: int  # 1 year, 2 month, 3 day

    @classmethod
    def parse(cls, text: str) -> "PartialDate":
        """Parse YYYY, YYYY-MM or YYYY-MM-DD; raise ValueError naming what was expected."""
        match = _PARTIAL_DATE.fullmatch(text.strip())
        if not match:
            raise ValueError(f"{text!r} is not a date; expected YYYY, YYYY-MM or YYYY-MM-DD")
        digits = match[0]
        with contextlib.suppress(ValueError):  # a date that is not real is worded below
            # in C, and twice as fast: every date of a dataset or its cache comes through here
            return cls(dt.date.fromisoformat(digits + _TO_FIRST_DAY[len(digits)]), _PRECISION[len(digits)])
        year, month, day = (int(part) if part else None for part in match.groups())
        assert year is not None  # the pattern requires it
        try:
            first = dt.date(year, 1 if month is None else month, 1 if day is None else day)
        except ValueError as exc:
            raise ValueError(f"{text!r} is not a real date ({exc})") from None
        return cls(first, 1 if month is None else 2 if day is None else 3)

    @classmethod
    def from_date(cls, day: dt.date) -> "PartialDate":
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


def fiscal_year_span(year: int) -> tuple[dt.date, dt.date]:
    """FY*year*: October 1 of the year before to September 30 (FY1 from the first day there is)."""
    return (dt.date(year - 1, 10, 1) if year > 1 else dt.date.min), dt.date(year, 9, 30)


_FISCAL_YEAR = re.compile(r"[Ff][Yy]([0-9]{4})")  # FY2016 or fy2016, as tables print fiscal years


class FiscalYear(PartialDate):
    """A fiscal year given where a date is asked for (`--since FY2016`); never a date of the dataset.

    It covers October 1 of the year before to September 30: `--since FY2016` keeps a fact
    dated 2015-11, `--as-of FY2016` is the record on 2016-09-30, and a fiscal-year fact (its
    `date` "2016", first day January 1) is matched by its number (design §3). Precision 0
    marks it; `first` and `last` are all the filters read.
    """

    __slots__ = ()

    @classmethod
    def of(cls, year: int) -> "FiscalYear":
        return cls(fiscal_year_span(year)[0], 0)

    @property
    def year(self) -> int:
        return 1 if self.first == dt.date.min else self.first.year + 1

    @property
    def last(self) -> dt.date:
        return fiscal_year_span(self.year)[1]

    def __str__(self) -> str:
        return f"FY{self.year:04d}"


def parse_when(text: str) -> PartialDate:
    """A date an option takes: YYYY, YYYY-MM, YYYY-MM-DD or FY plus a year (a FiscalYear); ValueError naming
    what was expected."""
    fiscal = _FISCAL_YEAR.fullmatch(text.strip())
    if fiscal:
        if int(fiscal[1]) < 1:
            raise ValueError(f"{text!r} is not a fiscal year; expected FY0001 to FY9999")
        return FiscalYear.of(int(fiscal[1]))
    if not _PARTIAL_DATE.fullmatch(text.strip()):
        raise ValueError(f"{text!r} is not a date; expected YYYY, YYYY-MM, YYYY-MM-DD or a fiscal year such as FY2016")
    return PartialDate.parse(text)  # a date's shape: it says which day is not real


class Source(NamedTuple):
    id: str
    title: str
    publisher: str
    url: str
    short: str | None = None
    date: PartialDate | None = None
    date_note: str | None = None
    kind: SourceKind | None = None  # None only in a user's own dataset: shown as unknown
    copy_url: str | None = None

    @property
    def name(self) -> str:
        """The short name for tables."""
        return self.short or self.id


class Measure(NamedTuple):
    id: str
    label: str
    unit: str
    period: PeriodKind = PeriodKind.POINT
    publisher: str | None = None  # whose series it is: every fact's source has this publisher (design §1)


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
    status: Status = Status.FINAL
    regional: bool = False
    measure: str | None = None
    part_of: str | None = None
    tags: tuple[str, ...] = ()
    event: str | None = None  # facts that tell one event share this key (design §1)

    @property
    def period(self) -> tuple[PartialDate, PartialDate | None]:
        """What a revision must share with the fact it revises (design §2).

        A partial figure's period is its date's (FY2025, or 2024): its `end` only says
        how far it got, so the full year's figure supersedes it. Otherwise the period is
        the span: a running total to another day is another figure, not a revision.
        """
        return (self.date, None if self.status is Status.PARTIAL else self.end)

    @property
    def final(self) -> bool:
        return self.status is Status.FINAL


class Wanted(NamedTuple):
    """What a query can match (empty collections mean any), so a FactStore decodes only what may match."""

    topics: Collection[str] = ()
    measures: Collection[str] = ()
    tags: Collection[str] = ()
    sources: Collection[str] = ()
    source_kinds: Collection[str] = ()
    since: PartialDate | None = None
    until: PartialDate | None = None
    as_of: PartialDate | None = None


class FactStore(Sequence[Fact]):
    """A dataset's facts, decoded only when asked for (usco.dataset.segments: the cache's).

    As a sequence it is every fact in file order, like the tuple a freshly validated
    dataset holds, and equal to it.
    """

    def matching(self, wanted: Wanted) -> Sequence[Fact]:
        """Every fact that can match *wanted*, with every version of the measures they touch
        (so revisions come out as from all facts); others may be left out. Any order."""
        return self

    def tags(self) -> set[str]:
        return {tag for fact in self for tag in fact.tags}


class Dataset(NamedTuple):
    path: Path
    sources: Mapping[str, Source]
    measures: Mapping[str, Measure]
    facts: Sequence[Fact]  # a tuple, or a FactStore from the cache
    files: tuple[Path, ...] = ()  # every file read: the dataset and what it includes


class UscoError(Exception):
    """Anything usco reports to a user as a message rather than a traceback."""


class Problem(NamedTuple):
    """One thing wrong with a dataset, located as precisely as the file allows."""

    where: str  # "fact 'covid-assistance-2020'", "fact #3", "source 'x'", "file"
    field: str | None
    message: str
    file: Path | None = None
    line: int | None = None

    def __str__(self) -> str:
        # repr: a field name comes from the file and may hold control characters
        if self.where == "file":
            return f"field {self.field!r}: {self.message}" if self.field else self.message
        location = f"{self.where}, field {self.field!r}" if self.field else self.where
        return f"{location}: {self.message}"

    def located(self, default: Path) -> str:
        """ "FILE:LINE: fact 'x', field 'y': message", naming the file it is in."""
        file = self.file or default
        return f"{file}:{self.line}: {self}" if self.line is not None else f"{file}: {self}"


class DatasetError(UscoError):
    """The dataset breaks a rule of design §1 (every problem listed), or cannot be read."""

    def __init__(self, path: Path | str, problems: list[Problem], *, also: Sequence[Path] = ()) -> None:
        self.path = Path(path)
        self.problems = tuple(problems)
        self.also = tuple(also)  # the files read with it (--add): `usco check` needs them to say the same
        super().__init__(self.problems[0].located(self.path))


class DatasetReadError(DatasetError):
    """The dataset file (or one it includes) cannot be read as TOML at all."""


class QueryError(UscoError):
    """A thing asked for does not exist (unknown fact id, measure, source, tag or topic)."""


class OutputError(UscoError):
    """A file usco was asked to write cannot be written (exists, refused by the disk)."""


class InputError(UscoError):
    """A file usco was asked to read (a release file) cannot be read."""
