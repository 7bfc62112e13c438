"""Reading an official xlsx workbook safely: what the file is, how large it unpacks, one sheet's rows.

A workbook is a zip archive of XML. Before openpyxl opens one, the bytes are checked to
be a zip file at all (an HTML error page or a CSV gets a line saying so), and the
archive's directory is checked for what it would unpack to: a zip bomb (a few kB that
unpack to gigabytes) is refused before anything is decompressed. zipfile never
decompresses past an entry's declared size, so the declared sizes bound the work.
openpyxl, zipfile and zlib are imported inside the functions: `usco --help` and
completion import the importers.
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterator
from typing import Any

from usco.importers.base import ImportFormatError, missing_library, shown, sniff

#: The most a workbook may unpack to. A release of enduse_imports.xlsx unpacks to 11 MB, country.xlsx to 9 MB;
#: openpyxl reads about 6 MB of sheet XML a second, so this bounds an import to seconds.
MAX_UNPACKED = 48 * 1024 * 1024
#: An entry larger than MAX_RATIO_FROM that unpacks to more than MAX_RATIO times its packed size is a bomb:
#: the XML of every release packs 4.3 to 5.4 times. (At 100 times, a 1.5 MB file that unpacked to 150 MB
#: passed, and openpyxl took 92 s to find it was no release.)
MAX_RATIO = 20
MAX_RATIO_FROM = 1024 * 1024
MAX_ENTRIES = 10_000

_SHEET_NAMES = re.compile(rb'<(?:[A-Za-z0-9_]+:)?sheet\b[^>]*?\bname="([^"]*)"')


def damaged() -> tuple[type[Exception], ...]:
    """What a damaged or hostile workbook makes zipfile, zlib and the XML parser (ParseError is a SyntaxError) raise."""
    import zipfile
    import zlib

    return (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, KeyError, OSError, ValueError, EOFError,
            IndexError, SyntaxError)  # fmt: skip


def reason(exc: BaseException) -> str:
    return f"{type(exc).__name__}: {shown(str(exc), 50)}"


def check_workbook(content: bytes, what: str) -> None:
    """ImportFormatError (one line, ending with *what* was expected) unless *content* is a zip archive
    that unpacks to a workbook's size."""
    kind = sniff(content)
    if kind == "empty":
        raise ImportFormatError(f"the file is empty, not {what}")
    if kind == "html":
        raise ImportFormatError(f"the file is an HTML page, not {what}")
    if kind != "zip":
        head = content[:4096]
        if b"\x00" not in head and (b"," in head or b"\t" in head):
            raise ImportFormatError(f"the file is text (a CSV?), not an xlsx workbook; expected {what}")
        raise ImportFormatError(f"the file is not an xlsx workbook (a zip file); expected {what}")
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
    except damaged() as exc:
        raise ImportFormatError(f"the file is not a readable xlsx workbook ({reason(exc)}); expected {what}") from None
    if len(entries) > MAX_ENTRIES:
        raise ImportFormatError(f"the workbook has {len(entries):,} parts (more than {MAX_ENTRIES:,}); expected {what}")
    for entry in entries:
        if entry.file_size > MAX_RATIO_FROM and entry.file_size > MAX_RATIO * max(entry.compress_size, 1):
            raise ImportFormatError(
                f"the workbook's part {shown(entry.filename, 40)} would unpack {entry.compress_size:,} bytes "
                f"to {entry.file_size:,} (a zip bomb?); expected {what}"
            )
    unpacked = sum(entry.file_size for entry in entries)
    if unpacked > MAX_UNPACKED:
        raise ImportFormatError(
            f"the workbook would unpack to {unpacked:,} bytes (more than {MAX_UNPACKED:,}); expected {what}"
        )


def has_sheet(content: bytes, sheet: str) -> bool:
    """Is *content* an xlsx workbook with a sheet named *sheet*? Reads the zip's directory and xl/workbook.xml only."""
    if sniff(content) != "zip":
        return False
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entry = archive.getinfo("xl/workbook.xml")
            if entry.file_size > 1 << 20:  # a sheet list, a few kB in every release
                return False
            workbook = archive.read(entry)
    except damaged():
        return False
    return sheet.encode() in _SHEET_NAMES.findall(workbook)


def sheet_rows(content: bytes, sheet: str, what: str) -> Iterator[tuple[Any, ...]]:
    """The rows of *sheet* as stored: a formula cell is its formula text ("=OFFSET(...)"), never a value
    computed by whoever saved the file. Every way a damaged workbook fails becomes an ImportFormatError.

    Call check_workbook first: this opens the archive with openpyxl.
    """
    try:
        from openpyxl import load_workbook  # type: ignore[import-untyped]
        from openpyxl.utils.exceptions import InvalidFileException  # type: ignore[import-untyped]
    except ModuleNotFoundError as exc:  # an optional dependency: `pip install 'usco[import]'`
        raise missing_library("openpyxl", exc) from None

    # openpyxl checks each attribute's type as it reads (sheetId="abc", numFmtId="x"): TypeError.
    broken = (*damaged(), InvalidFileException, TypeError)
    try:
        book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    except AttributeError as exc:  # openpyxl 3.1 on a chart sheet with no relationships part
        raise ImportFormatError(
            f"the file is not a workbook openpyxl can read ({reason(exc)}; a chart sheet?); expected {what}"
        ) from None
    except broken as exc:
        raise ImportFormatError(f"the file is not a readable xlsx workbook ({reason(exc)}); expected {what}") from None
    try:
        if sheet not in book.sheetnames:
            names = ", ".join(shown(name, 30) for name in book.sheetnames[:5])
            raise ImportFormatError(f"the workbook has no sheet {sheet!r} (it has {names}); expected {what}")
        found = book[sheet]
        if not hasattr(found, "iter_rows"):  # a chart sheet: a picture, no cells
            raise ImportFormatError(f"the workbook's sheet {sheet!r} is a chart, not a table; expected {what}")
        yield from found.iter_rows(values_only=True)
    except broken as exc:
        raise ImportFormatError(f"the workbook is damaged ({reason(exc)}); expected {what}") from None
    finally:
        book.close()
