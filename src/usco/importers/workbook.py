"""What an xlsx workbook says about when it was made (design §6, "A release's date").

A workbook is a zip archive. Census writes its workbooks with the time it generated them
on every zip entry. Some writers put the 1980-01-01 placeholder there instead; then
`docProps/core.xml` is the evidence: its `dcterms:modified` time and `cp:lastModifiedBy`,
which names Census staff as "NAME (CENSUS/EID FED)". A workbook last saved by anyone
else was re-saved after Census made it: its re-save day bounds the data, nothing more.
Only the zip directory and that one small XML part are read (no openpyxl).
"""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import NamedTuple

_PLACEHOLDER_YEAR = 1980  # the zip format's earliest time, written by tools that keep no time
_CORE = "docProps/core.xml"
_CORE_LIMIT = 1 << 16  # a few hundred bytes in every release
_MODIFIED = re.compile(rb"<dcterms:modified\b[^>]*>\s*([0-9]{4}-[0-9]{2}-[0-9]{2})")
_MODIFIED_BY = re.compile(rb"<cp:lastModifiedBy>([^<]{0,200})</cp:lastModifiedBy>")
_CENSUS_STAFF = "(CENSUS/"

GENERATED = "generated"  # the day the publisher's system wrote the file
SAVED_BY_PUBLISHER = "saved by the publisher"  # the day its staff last saved it
RESAVED = "re-saved"  # the day someone else saved it: the data are at least that old


class WorkbookDate(NamedTuple):
    day: str  # YYYY-MM-DD
    evidence: str  # GENERATED, SAVED_BY_PUBLISHER or RESAVED
    note: str  # the evidence in words, for the source's date_note


def described(day: str, evidence: str) -> WorkbookDate:
    """The day and its evidence (GENERATED, SAVED_BY_PUBLISHER or RESAVED), with the note that says so."""
    notes = {
        GENERATED: f"The day the workbook was generated, {day}, from the timestamps of its zip entries.",
        SAVED_BY_PUBLISHER: (
            f"The day the workbook was last saved by Census Bureau staff, {day} (docProps/core.xml's "
            "modified time); its zip entries carry no time."
        ),
        RESAVED: (
            f"The workbook was re-saved on {day} by someone outside the Census Bureau (docProps/core.xml's "
            "modified time; its zip entries carry no time): the data are no newer than that day, and the day "
            "the Census Bureau made them is unknown."
        ),
    }
    return WorkbookDate(day, evidence, notes[evidence])


def workbook_date(content: bytes) -> WorkbookDate | None:
    """The day *content* (an xlsx file's bytes) says it was made, with the evidence; None if it says none."""
    import zipfile

    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            entries = archive.infolist()
            stamped = [entry.date_time for entry in entries if entry.date_time[0] > _PLACEHOLDER_YEAR]
            if stamped:
                return described(dt.date(*max(stamped)[:3]).isoformat(), GENERATED)
            core = next((entry for entry in entries if entry.filename == _CORE), None)
            if core is None or core.file_size > _CORE_LIMIT:
                return None
            properties = archive.read(core)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError, KeyError):
        return None
    modified, by = _MODIFIED.search(properties), _MODIFIED_BY.search(properties)
    if modified is None:
        return None
    try:
        day = dt.date.fromisoformat(modified[1].decode("ascii")).isoformat()
    except ValueError:
        return None
    who = by[1].decode("utf-8", "replace").strip() if by else ""
    return described(day, SAVED_BY_PUBLISHER if _CENSUS_STAFF in who else RESAVED)
