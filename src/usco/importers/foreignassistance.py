"""ForeignAssistance.gov's us_foreign_aid_country.csv → the Colombia rows as a dataset file (design §6).

Read with the csv module only: nothing in the file is executed or interpreted beyond
the four columns used (country code, transaction type name, fiscal year, current_amount).
Other named columns are read past; columns a spreadsheet added (no header, or a header
that is no name) must be empty.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from usco.fields import LARGEST
from usco.importers.base import (
    Fact,
    FileDate,
    ImportFormatError,
    Measure,
    Release,
    command_comment,
    release_day,
    render,
    shown,
    sniff,
    source_fields,
)

WHAT = "ForeignAssistance.gov's us_foreign_aid_country.csv"
DEFAULT_URL = "https://foreignassistance.gov/data"
TITLE = "ForeignAssistance.gov: U.S. foreign assistance by country (us_foreign_aid_country.csv), Colombia"
PUBLISHER = "U.S. Department of State and U.S. Agency for International Development (ForeignAssistance.gov)"
COUNTRY = "COL"
TAGS = ("foreignassistance",)


class _Type(NamedTuple):
    measure: str
    label: str
    verb: str  # a fact's text: "{verb} {preposition} fiscal year 2016"
    preposition: str  # "in" for what happened in the year, "for" for what was meant for it
    rule: str  # "spent" (partial/provisional/final), "plan" (planned before the year begins), "final"


_TYPES = {
    "obligations": _Type(
        "aid-obligations", "U.S. foreign assistance obligated for Colombia (ForeignAssistance.gov)",
        "U.S. foreign assistance obligated for Colombia", "in", "spent",
    ),
    "disbursements": _Type(
        "aid-disbursements", "U.S. foreign assistance disbursed to Colombia (ForeignAssistance.gov)",
        "U.S. foreign assistance disbursed to Colombia", "in", "spent",
    ),
    "appropriated and planned": _Type(
        "aid-appropriated-planned",
        "U.S. foreign assistance appropriated and planned for Colombia (ForeignAssistance.gov)",
        "U.S. foreign assistance for Colombia appropriated and planned", "for", "final",
    ),
    "president's budget requests": _Type(
        "aid-budget-requests",
        "U.S. foreign assistance for Colombia in the President's budget requests (ForeignAssistance.gov)",
        "U.S. foreign assistance for Colombia requested in the President's budget", "for", "plan",
    ),
    "initial allocations": _Type(
        "aid-initial-allocations",
        "U.S. foreign assistance for Colombia in initial allocations (ForeignAssistance.gov)",
        "U.S. foreign assistance for Colombia in initial allocations", "for", "plan",
    ),
}  # fmt: skip

_COLUMNS = {
    "country": "country_code",
    "type": "transaction_type_name",
    "year": "fiscal_year",
    "amount": "current_amount",
}
_HEADER_SEPARATORS = re.compile(r"[\s_\-]+")
_NAME = re.compile(r"[^\W\d]\w*")  # a column's name, once normalised: "region_name", "income_roup", not "ilte="
_YEAR = re.compile(r"[0-9]{4}")
_TRANSITION_QUARTER = "1976tq"
_INTEGER = re.compile(r"-?[0-9]+")
_DECIMAL = re.compile(r"-?[0-9]+\.[0-9]+")


class _Period(NamedTuple):
    """A fiscal year, or the 1976 transition quarter."""

    id: str  # in fact ids: "fy2016", "fy1976tq"
    date: str  # the fact's date: "2016" (a fiscal year is stored as its number), "1976-07"
    end: str | None  # "1976-09" for the transition quarter
    words: str  # in a fact's text: "fiscal year 2016"
    first: dt.date
    last: dt.date
    order: tuple[int, int]


def _period(text: str, line: int) -> _Period:
    year = text.strip().casefold()
    if year == _TRANSITION_QUARTER:
        return _Period(
            "fy1976tq", "1976-07", "1976-09", "the 1976 transition quarter (July–September 1976)",
            dt.date(1976, 7, 1), dt.date(1976, 9, 30), (1976, 1),
        )  # fmt: skip
    if not _YEAR.fullmatch(year) or year.startswith("0"):
        raise ImportFormatError(f"line {line}: fiscal year {shown(text)} is not a year; expected {WHAT}")
    number = int(year)
    # FY N runs from October 1 of N-1 to September 30 of N (before FY1977: July to June;
    # every such year is long final, so the status rule never sees the difference).
    return _Period(
        f"fy{number}", str(number), None, f"fiscal year {number}",
        dt.date(number - 1, 10, 1), dt.date(number, 9, 30), (number, 0),
    )  # fmt: skip


def _amount(text: str, line: int) -> int | float:
    """current_amount exactly as printed: an integer stays one; a decimal only when a float holds it exactly.

    A magnitude the loader refuses (LARGEST or more) is refused here, before int() meets
    thousands of digits (which Python refuses past 4,300).
    """
    printed = text.strip()
    whole = printed.lstrip("-").split(".")[0].lstrip("0")
    if (_INTEGER.fullmatch(printed) or _DECIMAL.fullmatch(printed)) and len(whole) > len(str(LARGEST)):
        raise ImportFormatError(f"line {line}: current_amount {shown(text)} is out of range; expected {WHAT}")
    if _INTEGER.fullmatch(printed):
        number = int(printed)
        if abs(number) >= LARGEST:
            raise ImportFormatError(f"line {line}: current_amount {shown(text)} is out of range; expected {WHAT}")
        return number
    if _DECIMAL.fullmatch(printed):
        try:
            exact = Decimal(printed)
            if abs(exact) >= LARGEST:
                raise ImportFormatError(f"line {line}: current_amount {shown(text)} is out of range; expected {WHAT}")
            close = float(printed)
            if Decimal(repr(close)) == exact:
                return close
        except (InvalidOperation, ValueError, OverflowError):
            pass
        raise ImportFormatError(
            f"line {line}: current_amount {shown(text)} cannot be kept exactly; expected whole dollars ({WHAT})"
        )
    raise ImportFormatError(
        f"line {line}: current_amount {shown(text)} is not a number (is the file truncated?); expected {WHAT}"
    )


def _status(rule: str, period: _Period, day: dt.date) -> tuple[str, dt.date | None]:
    """Design §2, with R the release date: (status, end for a partial)."""
    if rule == "spent":
        if day < period.first:
            raise ImportFormatError(
                f"the file has obligations or disbursements for {period.words}, which had not begun on the release "
                f"date {day.isoformat()}: is the date right?"
            )
        if day <= period.last:
            return "partial", day
        # Provisional for 18 months after the period's end: up to and including March 31
        # of N+2 for FY N (the transition quarter: up to March 31, 1978).
        if day < dt.date(period.last.year + 2, 4, 1):
            return "provisional", None
        return "final", None
    if rule == "plan" and day < period.first:
        return "planned", None
    return "final", None


def _header_name(cell: str) -> str:
    return _HEADER_SEPARATORS.sub("_", cell.strip().lstrip("\ufeff").strip().casefold())


def _text(content: bytes) -> str:
    kind = sniff(content)
    if kind == "empty":
        raise ImportFormatError(f"the file is empty, not {WHAT}")
    if kind == "zip":
        raise ImportFormatError(f"the file looks like an xlsx workbook (a zip file), not {WHAT}")
    if kind == "html":
        raise ImportFormatError(f"the file is an HTML page, not {WHAT}")
    if kind == "xml":
        raise ImportFormatError(f"the file is XML, not {WHAT}")
    if b"\x00" in content:
        raise ImportFormatError(f"the file is binary (it holds NUL bytes), not {WHAT}")
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFormatError(f"the file is not UTF-8 text (byte {exc.start}); expected {WHAT}") from None


def import_foreignassistance(content: bytes, release: Release) -> str:
    """The TOML text of a dataset file holding the Colombia rows of one release."""
    day = release_day(release)
    text = _text(content)
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        raise ImportFormatError(f"the file is empty, not {WHAT}") from None
    except csv.Error as exc:
        raise ImportFormatError(f"line 1: {exc}; expected {WHAT}") from None
    names = [_header_name(cell) for cell in header]
    where: dict[str, int] = {}
    for role, name in _COLUMNS.items():
        found = [i for i, have in enumerate(names) if have == name]
        if not found:
            raise ImportFormatError(f"the file has no column {name!r} in its first line; expected {WHAT}")
        if len(found) > 1:
            raise ImportFormatError(f"the file has {len(found)} columns named {name!r}; expected one ({WHAT})")
        where[role] = found[0]
    width = len(header)
    # Columns a spreadsheet added (the 2025-11-29 copy has three: two with no header, one
    # headed "ilte="): ignored while empty; a figure in one is refused, never dropped.
    added = [index for index, name in enumerate(names) if not _NAME.fullmatch(name)]

    source_id = f"foreignassistance-{release.date}"
    prefix = f"fa-{release.date}"
    facts: dict[tuple[str, str], Fact] = {}
    seen_lines: dict[tuple[str, str], int] = {}
    line = 1
    try:
        for row in reader:
            line = reader.line_num
            if len(row) != width:
                if not row:
                    continue  # a blank line
                raise ImportFormatError(
                    f"line {line} has {len(row)} fields where the header has {width} (is the file truncated?); "
                    f"expected {WHAT}"
                )
            for index in added:
                if row[index].strip():
                    named = f"headed {shown(header[index], 20)}" if header[index].strip() else "with no header"
                    raise ImportFormatError(
                        f"line {line}: column {index + 1} ({named}) holds {shown(row[index], 20)}, but it is no column "
                        f"of {WHAT}; expected it empty"
                    )
            amount_text = row[where["amount"]]
            value = _amount(amount_text, line)
            if row[where["country"]].strip() != COUNTRY:
                continue
            type_name = row[where["type"]]
            kind = _TYPES.get(" ".join(type_name.split()).casefold().replace("’", "'"))
            if kind is None:
                known = ", ".join(repr(k) for k in sorted(_TYPES))
                raise ImportFormatError(
                    f"line {line}: unknown transaction type {shown(type_name)}; expected one of {known} ({WHAT})"
                )
            period = _period(row[where["year"]], line)
            slot = (kind.measure, period.id)
            if slot in facts:
                raise ImportFormatError(
                    f"line {line} repeats the Colombia row of line {seen_lines[slot]} "
                    f"({shown(type_name)}, {period.words}); expected one row per transaction type and fiscal year"
                )
            status, partial_end = _status(kind.rule, period, day)
            words = f"{kind.preposition} {period.words}" + (f" (to {day.isoformat()})" if status == "partial" else "")
            facts[slot] = Fact(
                id=f"{prefix}-{kind.measure.removeprefix('aid-')}-{period.id}",
                topic="aid",
                text=f"{kind.verb} {words}",
                value=value,
                unit="USD",
                date=period.date,
                end=partial_end if partial_end is not None else period.end,
                status=status,
                source=source_id,
                measure=kind.measure,
                tags=TAGS,
                sort_key=period.order,
            )
            seen_lines[slot] = line
    except csv.Error as exc:
        raise ImportFormatError(f"line {reader.line_num}: {exc} (is the file truncated?); expected {WHAT}") from None
    if not facts:
        raise ImportFormatError(f"the file has no Colombia rows (country code {COUNTRY!r}); expected {WHAT}")

    used = {fact.measure for fact in facts.values()}
    measures = [
        Measure(t.measure, t.label, "USD", "fiscal_year", PUBLISHER) for t in _TYPES.values() if t.measure in used
    ]
    fields = source_fields(
        title=TITLE,
        publisher=PUBLISHER,
        default_url=DEFAULT_URL,
        short=f"ForeignAssistance.gov {release.date}",
        release=release,
        day=day,
    )
    comments = command_comment("foreignassistance", content, release)
    return render(comments, source_id, fields, measures, list(facts.values()))


def _is_release(content: bytes) -> bool:
    """Does the first line name the four columns read (in any header variant)? Reads nothing past it."""
    if sniff(content) is not None:
        return False
    first = content[:65536].split(b"\n", 1)[0]
    if b"\x00" in first:
        return False
    try:
        header = next(csv.reader([first.decode("utf-8-sig")], strict=True), [])
    except (UnicodeDecodeError, csv.Error):
        return False
    return set(_COLUMNS.values()) <= {_header_name(cell) for cell in header}


class ForeignAssistance:
    """The importer of ForeignAssistance.gov's us_foreign_aid_country.csv (registered in usco.importers)."""

    name = "foreignassistance"
    what = WHAT
    file_name = "us_foreign_aid_country.csv"
    # Where the file is served (design §6); the dataset's source links the page, DEFAULT_URL.
    url = "https://s3.amazonaws.com/files.explorer.devtechlab.com/us_foreign_aid_country.csv"
    measures = tuple(kind.measure for kind in _TYPES.values())
    summary = "ForeignAssistance.gov's country file, by fiscal year."
    help = """\
ForeignAssistance.gov's us_foreign_aid_country.csv: Colombia's obligations, disbursements,
appropriations, requests and allocations by fiscal year.

\b
Examples:
  usco import foreignassistance us_foreign_aid_country.csv --date 2026-11-20 -o fa.toml
  usco --add fa.toml aid --since 2020"""

    def detect(self, content: bytes) -> bool:
        return _is_release(content)

    def date(self, content: bytes) -> FileDate | None:
        return None  # the CSV prints no date: --date gives it

    def convert(self, content: bytes, release: Release) -> str:
        return import_foreignassistance(content, release)


IMPORTER = ForeignAssistance()
