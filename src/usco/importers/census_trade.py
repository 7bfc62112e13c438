"""The Census Bureau's country.xlsx → U.S. goods trade with Colombia as a dataset file (design §6).

Each year's total (`EYR`/`IYR`) and each month's figure (`EJAN`…`IDEC`), exports and
imports. The newest year is partial: its months after the last one published are 0 in
the file, placeholders that are not written. A release is dated by the workbook itself
(usco.importers.workbook). openpyxl is imported here, inside the function, so that usco
starts without it.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from typing import Any, NamedTuple

from usco.importers.base import (
    Fact,
    FileDate,
    ImportFormatError,
    Measure,
    Release,
    command_comment,
    missing_library,
    release_day,
    render,
    shown,
    sniff,
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
_LARGEST = 10**18

EXPORTS = Measure("us-goods-exports", "U.S. goods exports to Colombia (Census Bureau)", "USD", "year")
IMPORTS = Measure("us-goods-imports", "U.S. goods imports from Colombia (Census Bureau)", "USD", "year")
EXPORTS_MONTHLY = Measure("us-goods-exports-monthly", "U.S. goods exports to Colombia, by month (Census Bureau)",
                          "USD", "month")  # fmt: skip
IMPORTS_MONTHLY = Measure("us-goods-imports-monthly", "U.S. goods imports from Colombia, by month (Census Bureau)",
                          "USD", "month")  # fmt: skip


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
    if abs(dollars) > _LARGEST:
        raise ImportFormatError(f"{where} is {cell!r}, out of range; expected {WHAT}")
    return dollars


def _rows(content: bytes) -> Iterator[tuple[Any, ...]]:
    """The rows of sheet 'country'; every way a damaged workbook fails becomes an ImportFormatError."""
    try:
        from openpyxl import load_workbook  # type: ignore[import-untyped]
        from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]
    except ModuleNotFoundError as exc:  # an optional dependency: `pip install 'usco[import]'`
        raise missing_library("openpyxl", exc) from None

    broken = (*_damaged(), InvalidFileException)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except broken as exc:
        raise ImportFormatError(f"the file is not a readable xlsx workbook ({_reason(exc)}); expected {WHAT}") from None
    try:
        if SHEET not in book.sheetnames:
            names = ", ".join(shown(name, 30) for name in book.sheetnames[:5])
            raise ImportFormatError(f"the workbook has no sheet {SHEET!r} (it has {names}); expected {WHAT}")
        yield from book[SHEET].iter_rows(values_only=True)
    except broken as exc:
        raise ImportFormatError(f"the workbook is damaged ({_reason(exc)}); expected {WHAT}") from None
    finally:
        book.close()


def _damaged() -> tuple[type[Exception], ...]:
    """What a damaged or hostile workbook makes zipfile, zlib and the XML parser (ParseError is a SyntaxError) raise.

    zipfile and zlib are imported here, not at the top: `usco --help` and completion import this module.
    """
    import zipfile
    import zlib

    return (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, OSError, ValueError, EOFError,
            IndexError, SyntaxError)  # fmt: skip


def _reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {shown(str(exc), 50)}"


def _check_bytes(content: bytes) -> None:
    kind = sniff(content)
    if kind == "empty":
        raise ImportFormatError(f"the file is empty, not {WHAT}")
    if kind == "html":
        raise ImportFormatError(f"the file is an HTML page, not {WHAT}")
    if kind != "zip":
        head = content[:4096]
        if b"\x00" not in head and (b"," in head or b"\t" in head):
            raise ImportFormatError(f"the file is text (a CSV?), not an xlsx workbook; expected {WHAT}")
        raise ImportFormatError(f"the file is not an xlsx workbook (a zip file); expected {WHAT}")


def import_census_trade(content: bytes, release: Release) -> str:
    """The TOML text of a dataset file: U.S. goods exports to and imports from Colombia, each year and month."""
    day = release_day(release)
    _check_bytes(content)
    rows = _rows(content)
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


_SHEET_NAMES = re.compile(rb'<(?:[A-Za-z0-9_]+:)?sheet\b[^>]*?\bname="([^"]*)"')


def _is_release(content: bytes) -> bool:
    """Is this an xlsx workbook with a sheet 'country'? Reads the zip's directory and xl/workbook.xml only."""
    if sniff(content) != "zip":
        return False
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entry = archive.getinfo("xl/workbook.xml")
            if entry.file_size > 1 << 20:  # a sheet list, a few kB in every release
                return False
            workbook = archive.read(entry)
    except _damaged():
        return False
    return SHEET.encode() in _SHEET_NAMES.findall(workbook)


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
        return _is_release(content)

    def date(self, content: bytes) -> FileDate | None:
        # A Census workbook says when it was generated: its zip entries' timestamps, else
        # docProps/core.xml's modified time and who saved it (design §6, workbook.py).
        from usco.importers.workbook import workbook_date

        found = workbook_date(content)
        return None if found is None else FileDate(found.day, found.note)

    def convert(self, content: bytes, release: Release) -> str:
        return import_census_trade(content, release)


IMPORTER = CensusTrade()
