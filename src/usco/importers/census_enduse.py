"""The Census Bureau's enduse_imports.xlsx → U.S. imports from Colombia by end-use category (design §6).

The sheet `EnduseImp` has a row per country and 5-digit end-use category: `CTY_CODE`,
`CTY_DESC`, `END_USE` (the code, text with its leading zeros), `COMM_DESC` (the
category's name) and a column per calendar year, `value_YY`, in whole dollars. Each
Colombia row (CTY_CODE 3010) becomes one measure, `us-imports-enduse-CODE`, and a fact
per year; 0 is a figure (nothing was imported that year). The columns are read by name,
so columns a person added to the file are ignored, and a formula in a Census column is
refused: a formula is never a figure. Every figure is final: the file holds complete
years only.

COMMON_NAMES adds the words people use for a category whose official name lacks them
("Nursery stock, etc." is where cut flowers are counted) as tags of its facts, so that
`usco products flowers`, `usco search flowers` and `usco facts --tag flowers` find it.
"""

from __future__ import annotations

import re
from typing import Any

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
from usco.importers.workbook import workbook_date

NAME = "census-enduse-imports"
WHAT = "the Census Bureau's enduse_imports.xlsx"
DEFAULT_URL = "https://www.census.gov/foreign-trade/statistics/product/enduse/imports/enduse_imports.xlsx"
TITLE = "U.S. Census Bureau: U.S. imports by country and 5-digit end-use category (enduse_imports.xlsx), Colombia"
PUBLISHER = "U.S. Census Bureau, Economic Indicators Division"
SHEET = "EnduseImp"
COUNTRY = "3010"
TAGS = ("census", "end-use")
#: Every measure's id is this and the category's 5-digit code (usco.query.products reads them by it).
MEASURE_PREFIX = "us-imports-enduse-"
#: A measure's label: the category's name and code; usco.query.products reads the name back from it.
LABEL = "U.S. imports from Colombia: {name} (end-use category {code}, Census Bureau)"

#: The 5-digit categories of the classification, as both release files list them for all countries
#: (their "World Total" rows): the measures this importer can write. A file with another category
#: is imported all the same; the registry's test then asks for it here.
CATEGORIES = (
    "00000", "00010", "00020", "00100", "00110", "00120", "00130", "00140", "00150", "00160", "00170", "00180", "00190",
    "00200", "01000", "01010", "01020", "10000", "10010", "10020", "10030", "10100", "10110", "10300", "10400", "11000",
    "11100", "11110", "12000", "12030", "12050", "12060", "12070", "12100", "12110", "12135", "12140", "12150", "12160",
    "12320", "12500", "12510", "12530", "12540", "12550", "13000", "13010", "13020", "13100", "13110", "13120", "14000",
    "14100", "14200", "14220", "14240", "14250", "14260", "14270", "14280", "14290", "15000", "15100", "15200", "16040",
    "16050", "16110", "16120", "20000", "20005", "21000", "21010", "21030", "21040", "21100", "21110", "21120", "21130",
    "21140", "21150", "21160", "21170", "21180", "21190", "21200", "21300", "21301", "21320", "21400", "21500", "21600",
    "21610", "22000", "22010", "22020", "22100", "22200", "22210", "22220", "22300", "30000", "30100", "30110", "30200",
    "30210", "30220", "30230", "40000", "40010", "40020", "40030", "40040", "40050", "40100", "40110", "40120", "40140",
    "41000", "41010", "41020", "41030", "41040", "41050", "41100", "41110", "41120", "41130", "41140", "41200", "41210",
    "41220", "41300", "41310", "41320", "42000", "42100", "42110", "50000", "50010", "50020", "50030", "50040",
)  # fmt: skip

#: Words people use for what a category counts, where its official name does not say it (or
#: to make a tag of it), written as tags of the category's facts. Kept short on purpose: each
#: word is one the project's sources use for these imports (crude oil, gold, coffee, cut flowers).
COMMON_NAMES: dict[str, tuple[str, ...]] = {
    "00000": ("coffee",),  # Green coffee
    "10000": ("oil", "petroleum"),  # Crude oil
    "14270": ("gold",),  # Nonmonetary gold
    "42000": ("flowers", "cut-flowers"),  # Nursery stock, etc.: cut flowers, bulbs and live plants
}

_VALUE_COLUMN = re.compile(r"value_([0-9]{2})")
_CODE = re.compile(r"[0-9]{5}")
_LARGEST = 10**15  # a thousand times the largest category of all U.S. imports in a year


def _code(cell: Any, line: int) -> str:
    """END_USE as its five digits; a number that lost its leading zeros gets them back."""
    if isinstance(cell, int) and not isinstance(cell, bool) and 0 <= cell <= 99_999:
        return f"{cell:05d}"
    text = cell.strip() if isinstance(cell, str) else ""
    if not _CODE.fullmatch(text):
        raise ImportFormatError(f"row {line}: END_USE {shown(str(cell))} is not a 5-digit category; expected {WHAT}")
    return text


def _name(cell: Any, line: int) -> str:
    text = cell.strip() if isinstance(cell, str) else ""
    if not text or text.startswith("=") or "\n" in text or "\r" in text:
        what = "a formula" if text.startswith("=") else "on more than one line" if text else "empty"
        raise ImportFormatError(f"row {line}: COMM_DESC {shown(str(cell))} is {what}, not a name; expected {WHAT}")
    return text


def _dollars(cell: Any, where: str) -> int:
    """A Census figure in whole dollars; a formula, text, an empty cell or a fraction of a dollar is refused."""
    if isinstance(cell, str) and cell.lstrip().startswith("="):
        raise ImportFormatError(f"{where} is a formula ({shown(cell, 30)}), not a figure; expected {WHAT}")
    if isinstance(cell, float) and cell.is_integer():
        cell = int(cell)
    if isinstance(cell, bool) or not isinstance(cell, int):
        raise ImportFormatError(f"{where} is {shown(str(cell))}, not a number of dollars; expected {WHAT}")
    if not 0 <= cell <= _LARGEST:
        raise ImportFormatError(f"{where} is {cell}, not an amount of imports; expected {WHAT}")
    return cell


def _columns(header: tuple[Any, ...]) -> tuple[dict[str, int], dict[int, int]]:
    """Where CTY_CODE, END_USE and COMM_DESC are, and each year's column (value_YY is 20YY)."""
    names = [str(cell).strip().casefold() if cell is not None else "" for cell in header]
    where: dict[str, int] = {}
    for name in ("cty_code", "end_use", "comm_desc"):
        if names.count(name) != 1:
            problem = "no column" if name not in names else "more than one column"
            raise ImportFormatError(f"sheet {SHEET!r} has {problem} {name.upper()} in its first row; expected {WHAT}")
        where[name] = names.index(name)
    years: dict[int, int] = {}
    for index, name in enumerate(names):
        if (match := _VALUE_COLUMN.fullmatch(name)) is not None:
            year = 2000 + int(match[1])
            if year in years:
                raise ImportFormatError(f"sheet {SHEET!r} has two columns value_{match[1]}; expected {WHAT}")
            years[year] = index
    if not years:
        raise ImportFormatError(f"sheet {SHEET!r} has no year column (value_YY) in its first row; expected {WHAT}")
    return where, dict(sorted(years.items()))


def import_census_enduse_imports(content: bytes, release: Release) -> str:
    """The TOML text of a dataset file: U.S. imports from Colombia by end-use category, each year."""
    day = release_day(release)
    xlsx.check_workbook(content, WHAT)
    rows = xlsx.sheet_rows(content, SHEET, WHAT)
    try:
        header = next(rows)
    except StopIteration:
        raise ImportFormatError(f"sheet {SHEET!r} is empty; expected {WHAT}") from None
    where, years = _columns(header)
    if max(years) >= day.year:
        raise ImportFormatError(
            f"the file has a column for {max(years)}, which was not over on the release date {release.date}: "
            "is the date right?"
        )
    width = max(*where.values(), *years.values()) + 1
    categories: dict[str, tuple[str, dict[int, int]]] = {}
    line = 1
    for row in rows:
        line += 1
        if len(row) < width:
            row = (*row, *([None] * (width - len(row))))
        country = row[where["cty_code"]]
        if not (country == int(COUNTRY) and not isinstance(country, bool)) and str(country).strip() != COUNTRY:
            continue
        code = _code(row[where["end_use"]], line)
        if code in categories:
            raise ImportFormatError(f"row {line} repeats Colombia's category {code}; expected one row each ({WHAT})")
        name = _name(row[where["comm_desc"]], line)
        values = {year: _dollars(row[index], f"row {line}, value_{year % 100:02d}") for year, index in years.items()}
        categories[code] = (name, values)
    if not categories:
        raise ImportFormatError(f"the workbook has no Colombia rows (CTY_CODE {COUNTRY}); expected {WHAT}")

    source_id = f"{NAME}-{release.date}"
    measures = []
    facts = []
    for code, (name, values) in categories.items():
        measure = Measure(f"{MEASURE_PREFIX}{code}", LABEL.format(name=name, code=code), "USD", "year", PUBLISHER)
        measures.append(measure)
        tags = (*TAGS, *COMMON_NAMES.get(code, ()))
        for year, value in values.items():
            facts.append(
                Fact(
                    id=f"enduse-{release.date}-{code}-{year}",
                    topic="trade",
                    text=f"U.S. imports from Colombia in {year}: {name} (end-use category {code})",
                    value=value,
                    unit="USD",
                    date=str(year),
                    source=source_id,
                    measure=measure.id,
                    tags=tags,
                    sort_key=(year,),
                )
            )
    fields = source_fields(
        title=TITLE,
        publisher=PUBLISHER,
        default_url=DEFAULT_URL,
        short=f"Census end-use {release.date}",
        release=release,
        day=day,
    )
    return render(command_comment(NAME, content, release), source_id, fields, measures, facts)


class CensusEnduseImports:
    """The importer of the Census Bureau's enduse_imports.xlsx (registered in usco.importers)."""

    name = NAME
    what = WHAT
    file_name = "enduse_imports.xlsx"
    url = DEFAULT_URL
    measures = tuple(f"{MEASURE_PREFIX}{code}" for code in CATEGORIES)
    summary = "The Census Bureau's enduse_imports.xlsx, by category."
    help = """\
The Census Bureau's enduse_imports.xlsx: U.S. imports from Colombia by 5-digit end-use
category and year (one measure per category, us-imports-enduse-CODE), whole dollars.

\b
Examples:
  usco import census-enduse-imports enduse_imports.xlsx --date 2026-02-17 -o enduse.toml
  usco --add enduse.toml products
  usco --add enduse.toml products coffee"""

    def detect(self, content: bytes) -> bool:
        return xlsx.has_sheet(content, SHEET)

    def date(self, content: bytes) -> FileDate | None:
        return FileDate(found.day, found.note) if (found := workbook_date(content)) is not None else None

    def convert(self, content: bytes, release: Release) -> str:
        return import_census_enduse_imports(content, release)


IMPORTER = CensusEnduseImports()
