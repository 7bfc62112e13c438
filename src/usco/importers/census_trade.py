"""The Census Bureau's country.xlsx → U.S. goods trade with Colombia as a dataset file (design §6).

Each year's total (`EYR`/`IYR`) and each month's figure (`EJAN`…`IDEC`), exports and
imports. The newest year is partial: its months after the last one published are 0 in
the file, placeholders that are not written. A release is dated by the workbook itself
(usco.importers.workbook). The workbook is checked and read by usco.importers.xlsx (openpyxl
imported only there, inside its functions, so that usco starts without it).
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from usco.fields import LARGEST
from usco.importers import xlsx
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
    source_fields,
)

WHAT = "the Census Bureau's country.xlsx"
DEFAULT_URL = "https://www.census.gov/foreign-trade/balance/country.xlsx"
TITLE = "U.S. Census Bureau: U.S. trade in goods by country (country.xlsx), Colombia"
PUBLISHER = "U.S. Census Bureau, Economic Indicators Division"
SHEET = "country"
COUNTRY = "3010"
TAGS = ("census",)
MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
MONTH_NAMES = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
               "October", "November", "December")  # fmt: skip
_MICRO = Decimal("0.000001")
_NOISE = Decimal("1e-9")  # relative: binary floating-point noise is ~1e-16; a seventh decimal is not noise
_YEAR = re.compile(r"[0-9]{4}")

EXPORTS = Measure("us-goods-exports", "U.S. goods exports to Colombia (Census Bureau)", "USD", "year", PUBLISHER)
IMPORTS = Measure("us-goods-imports", "U.S. goods imports from Colombia (Census Bureau)", "USD", "year", PUBLISHER)
EXPORTS_MONTHLY = Measure("us-goods-exports-monthly", "U.S. goods exports to Colombia, by month (Census Bureau)",
                          "USD", "month", PUBLISHER)  # fmt: skip
IMPORTS_MONTHLY = Measure("us-goods-imports-monthly", "U.S. goods imports from Colombia, by month (Census Bureau)",
                          "USD", "month", PUBLISHER)  # fmt: skip


class _Flow(NamedTuple):
    year: Measure
    month: Measure
    letter: str  # the columns' first letter: EJAN…EDEC, EYR
    word: str  # in fact ids: census-DAY-exports-2024, census-DAY-exports-2024-01
    text: str  # a fact's text: "{text} in 2024", "{text} in January 2024"


_FLOWS = (
    _Flow(EXPORTS, EXPORTS_MONTHLY, "E", "exports", "U.S. goods exports to Colombia"),
    _Flow(IMPORTS, IMPORTS_MONTHLY, "I", "imports", "U.S. goods imports from Colombia"),
)


def _dollars(cell: Any, where: str) -> int:
    """Millions with six decimals → whole dollars, binary floating-point noise removed and nothing else."""
    if isinstance(cell, bool) or not isinstance(cell, (int, float)):
        raise ImportFormatError(f"{where} is {shown(str(cell))}, not a number; expected {WHAT}")
    try:
        exact = Decimal(repr(cell))
        if not exact.is_finite():
            raise InvalidOperation
        kept = exact.quantize(_MICRO)
    except InvalidOperation:
        raise ImportFormatError(f"{where} is {shown(repr(cell))}, not a figure in millions; expected {WHAT}") from None
    if abs(kept - exact) > _NOISE * abs(exact):
        raise ImportFormatError(
            f"{where} is {cell!r}: more than six decimals of millions (not whole dollars); expected {WHAT}"
        )
    dollars = int(kept * 1_000_000)
    if abs(dollars) >= LARGEST:  # the loader refuses it: never written
        raise ImportFormatError(f"{where} is {cell!r}, out of range; expected {WHAT}")
    return dollars


def import_census_trade(content: bytes, release: Release) -> str:
    """The TOML text of a dataset file: U.S. goods exports to and imports from Colombia, each year and month."""
    day = release_day(release)
    xlsx.check_workbook(content, WHAT)  # an HTML page, a CSV, a zip bomb: one line, before openpyxl
    rows = xlsx.sheet_rows(content, SHEET, WHAT)
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFormatError(f"sheet {SHEET!r} is empty; expected {WHAT}") from None
    names = [str(cell).strip().casefold() if cell is not None else "" for cell in header]
    wanted = ["year", "cty_code"] + [f"{flow.letter}{m}".casefold() for flow in _FLOWS for m in (*MONTHS, "YR")]
    where: dict[str, int] = {}
    missing = [name for name in wanted if name not in names]
    if missing:
        shown_missing = ", ".join(name.upper() if name != "year" else name for name in missing[:6])
        raise ImportFormatError(f"sheet {SHEET!r} has no column {shown_missing} in its first row; expected {WHAT}")
    for name in wanted:
        where[name] = names.index(name)
    figures = [where[name] for name in wanted[2:]]

    years: dict[int, tuple[Any, ...]] = {}
    line = 1
    for row in rows:
        line += 1
        if len(row) < len(header):
            row = (*row, *([None] * (len(header) - len(row))))
        code = row[where["cty_code"]]
        if not (code == int(COUNTRY) and not isinstance(code, bool)) and str(code).strip() != COUNTRY:
            continue
        year_cell = row[where["year"]]
        year_text = str(year_cell).strip() if year_cell is not None else ""
        if isinstance(year_cell, float) and year_cell.is_integer():
            year_text = str(int(year_cell))
        if not year_text:
            # A row with no year is not a year (the 2018 release has one, every value 0). One
            # with a figure in it would be a figure of no known year: refused, never dropped.
            if any(row[index] not in (None, "", 0) for index in figures):
                raise ImportFormatError(f"row {line}: a Colombia row with figures but no year; expected {WHAT}")
            continue
        if not _YEAR.fullmatch(year_text) or year_text.startswith("0"):
            raise ImportFormatError(f"row {line}: year {shown(str(year_cell))} is not a year; expected {WHAT}")
        year = int(year_text)
        if year in years:
            raise ImportFormatError(f"row {line} repeats Colombia's year {year}; expected one row a year ({WHAT})")
        years[year] = row
    if not years:
        raise ImportFormatError(f"the workbook has no Colombia rows (CTY_CODE {COUNTRY}); expected {WHAT}")

    newest = max(years)
    published = 0  # the newest year's last month with a nonzero figure in either flow
    for index, month in enumerate(MONTHS, start=1):
        for flow in _FLOWS:
            cell = years[newest][where[f"{flow.letter}{month}".casefold()]]
            if _dollars(cell, f"{flow.letter}{month} of {newest}") != 0:
                published = index
    if published == 0:
        raise ImportFormatError(f"Colombia's newest year {newest} has no published month; expected {WHAT}")
    partial = published < 12
    end = f"{newest}-{published:02d}" if partial else None
    if (end or str(newest)) > release.date[: len(end or str(newest))]:
        raise ImportFormatError(
            f"the file has figures for {end or newest}, after the release date {release.date}: is the date right?"
        )

    source_id = f"census-trade-{release.date}"
    facts = []
    for year, row in years.items():
        is_partial = partial and year == newest
        for flow in _FLOWS:
            value = _dollars(row[where[f"{flow.letter}yr".casefold()]], f"{flow.letter}YR of {year}")
            months = f" (January–{MONTH_NAMES[published - 1]} only)" if is_partial else ""
            facts.append(
                Fact(
                    id=f"census-{release.date}-{flow.word}-{year}",
                    topic="trade",
                    text=f"{flow.text} in {year}{months}",
                    value=value,
                    unit="USD",
                    date=str(year),
                    end=end if is_partial else None,
                    status="partial" if is_partial else "final",
                    source=source_id,
                    measure=flow.year.id,
                    tags=TAGS,
                    sort_key=(year,),
                )
            )
            # Every month of every year; in the newest, the months up to the last one
            # published (the 0s after it are placeholders, not figures). A month's figure
            # is the whole month: final, like every complete year (design §6).
            for number, month in enumerate(MONTHS[: published if year == newest else 12], start=1):
                column = f"{flow.letter}{month}"
                facts.append(
                    Fact(
                        id=f"census-{release.date}-{flow.word}-{year}-{number:02d}",
                        topic="trade",
                        text=f"{flow.text} in {MONTH_NAMES[number - 1]} {year}",
                        value=_dollars(row[where[column.casefold()]], f"{column} of {year}"),
                        unit="USD",
                        date=f"{year}-{number:02d}",
                        source=source_id,
                        measure=flow.month.id,
                        tags=TAGS,
                        sort_key=(year, number),
                    )
                )
    fields = source_fields(
        title=TITLE,
        publisher=PUBLISHER,
        default_url=DEFAULT_URL,
        short=f"Census Bureau {release.date}",
        release=release,
        day=day,
    )
    comments = command_comment("census-trade", content, release)
    measures = [measure for flow in _FLOWS for measure in (flow.year, flow.month)]
    return render(comments, source_id, fields, measures, facts)


class CensusTrade:
    """The importer of the Census Bureau's country.xlsx (registered in usco.importers)."""

    name = "census-trade"
    what = WHAT
    file_name = "country.xlsx"
    url = DEFAULT_URL
    measures = (EXPORTS.id, IMPORTS.id, EXPORTS_MONTHLY.id, IMPORTS_MONTHLY.id)
    summary = "The Census Bureau's country.xlsx, by year and month."
    help = """\
The Census Bureau's country.xlsx: U.S. goods exports to and imports from Colombia by year
and by month. The workbook says when Census generated it (design §6): that day is the
release's date unless --date gives another, and the source's date_note names the evidence.

\b
Examples:
  usco import census-trade country.xlsx -o census.toml
  usco --add census.toml series us-goods-exports us-goods-imports
  usco --add census.toml series us-goods-imports-monthly --since 2025"""

    def detect(self, content: bytes) -> bool:
        return xlsx.has_sheet(content, SHEET)

    def date(self, content: bytes) -> FileDate | None:
        # A Census workbook says when it was generated: its zip entries' timestamps, else
        # docProps/core.xml's modified time and who saved it (design §6, workbook.py).
        from usco.importers.workbook import workbook_date

        found = workbook_date(content)
        return None if found is None else FileDate(found.day, found.note)

    def convert(self, content: bytes, release: Release) -> str:
        return import_census_trade(content, release)


IMPORTER = CensusTrade()
