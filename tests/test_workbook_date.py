"""Dating a Census workbook from the file itself (design §6), on every workbook in ../shared/raw."""

from __future__ import annotations

import io
import zipfile

import pytest

from tests.helpers import RAW, needed
from usco.importers.workbook import GENERATED, RESAVED, SAVED_BY_PUBLISHER, workbook_date

#: What ../shared/raw/README.md says of each workbook ("generated" column), checked here against the code.
EXPECTED = {
    "census/country.2018-10-18.xlsx": ("2018-10-01", GENERATED),
    "census/country.2020-10-25.xlsx": ("2020-09-29", GENERATED),
    "census/country.2022-05-11.xlsx": ("2022-03-26", RESAVED),
    "census/country.2023-03-19.xlsx": ("2023-03-01", GENERATED),
    "census/country.2024-11-01.xlsx": ("2024-07-29", GENERATED),
    "census/country.2024-11-03.xlsx": ("2024-10-01", GENERATED),
    "census/country.2026-04-14.xlsx": ("2026-03-04", GENERATED),
    "enduse/enduse_imports.2024-11-10.xlsx": ("2024-11-10", RESAVED),
    "enduse/enduse_imports.2026-04-14.xlsx": ("2026-02-17", SAVED_BY_PUBLISHER),
}


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_release_workbook_is_dated_by_its_own_evidence(name: str) -> None:
    found = workbook_date(needed(RAW / name).read_bytes())
    assert found is not None
    assert (found.day, found.evidence) == EXPECTED[name]
    assert found.day in found.note


def _workbook(when: tuple[int, ...], core: str | None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(zipfile.ZipInfo("xl/workbook.xml", when), "<workbook/>")
        if core is not None:
            archive.writestr(zipfile.ZipInfo("docProps/core.xml", when), core)
    return out.getvalue()


def _core(modified: str, by: str) -> str:
    return (
        f"<cp:coreProperties><cp:lastModifiedBy>{by}</cp:lastModifiedBy>"
        f'<dcterms:modified xsi:type="dcterms:W3CDTF">{modified}</dcterms:modified></cp:coreProperties>'
    )


def test_zip_times_win_over_the_properties() -> None:
    found = workbook_date(_workbook((2024, 7, 29, 12, 35, 0), _core("2023-07-07T14:22:02Z", "A (CENSUS/EID FED)")))
    assert found is not None and (found.day, found.evidence) == ("2024-07-29", GENERATED)


def test_placeholder_times_fall_back_to_who_saved_it_last() -> None:
    staff = workbook_date(_workbook((1980, 1, 1, 0, 0, 0), _core("2026-02-17T15:26:13Z", "J S (CENSUS/EID FED)")))
    other = workbook_date(_workbook((1980, 1, 1, 0, 0, 0), _core("2022-03-26T07:04:10Z", "Microsoft Office User")))
    assert staff is not None and (staff.day, staff.evidence) == ("2026-02-17", SAVED_BY_PUBLISHER)
    assert other is not None and (other.day, other.evidence) == ("2022-03-26", RESAVED)
    assert "re-saved" in other.note and "unknown" in other.note


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"not a zip at all",
        b"<html><body>Service unavailable</body></html>",
        _workbook((1980, 1, 1, 0, 0, 0), None),
        _workbook((1980, 1, 1, 0, 0, 0), "<cp:coreProperties/>"),
        _workbook((1980, 1, 1, 0, 0, 0), _core("2022-13-45T00:00:00Z", "someone")),
    ],
)
def test_a_file_that_says_no_date_gives_none(content: bytes) -> None:
    assert workbook_date(content) is None
