"""`usco import census-enduse-imports` (design §6, issue #21 item 4): the Census Bureau's enduse_imports.xlsx.

The release files' figures are read here without the importer (openpyxl directly) and
compared cell by cell; the numbers the issue names are checked as written there.
"""

from __future__ import annotations

import functools
import io
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import tomli
from typer.testing import Result

from tests.helpers import RAW, needed
from tests.test_imports import HTML, fa_csv, small_workbook
from usco.importers import ImportFormatError, Release, find, import_census_enduse_imports
from usco.importers.census_enduse import COMMON_NAMES, LABEL, MEASURE_PREFIX
from usco.importers.releases import RELEASES, ReleaseFile
from usco.importers.workbook import workbook_date

Run = Callable[..., Result]
ENDUSE = [item for item in RELEASES if item.importer == "census-enduse-imports"]
RELEASE = Release("2026-02-17", None, None, None)
SHEET = "EnduseImp"
HEADER = ["CTY_CODE", "CTY_DESC", "END_USE", "COMM_DESC", "value_23", "value_24", "value_25"]


def item(day: str) -> ReleaseFile:
    return next(i for i in ENDUSE if i.release.date == day)


def raw(release: ReleaseFile) -> bytes:
    return (needed(RAW) / release.raw).read_bytes()


@functools.cache
def imported(release: ReleaseFile) -> dict[str, Any]:
    """Each release imported once per test run."""
    return tomli.loads(find(release.importer).convert(raw(release), release.release))


def facts(release: ReleaseFile) -> dict[str, dict[str, Any]]:
    return {fact["id"]: fact for fact in imported(release)["facts"]}


def workbook(rows: list[list[Any]] | None = None, *, header: list[Any] | None = None, sheet: str = SHEET) -> bytes:
    """A small enduse_imports.xlsx: the world's row (ignored) and two of Colombia's, unless *rows* are given."""
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(HEADER if header is None else header)
    default = [
        ["0000", "World Total", "00000", "Green coffee", 7, 8, 9],
        ["3010", "Colombia", "00000", "Green coffee", 1311542662, 1412586752, 2649330340],
        ["3010", "Colombia", "10110", "Gas-natural", 0, 0, 0],
        ["1220", "Canada", "10000", "Crude oil", 5, 5, 5],
    ]
    for row in default if rows is None else rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def one_line_error(content: bytes, release: Release = RELEASE) -> str:
    with pytest.raises(ImportFormatError) as caught:
        import_census_enduse_imports(content, release)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message and len(message) < 300, message
    return message


# ------------------------------------------------------------------ what the importer writes


def test_one_measure_per_category_a_fact_per_year_and_zero_is_a_figure() -> None:
    data = tomli.loads(import_census_enduse_imports(workbook(), RELEASE))
    assert list(data["measures"]) == ["us-imports-enduse-00000", "us-imports-enduse-10110"]
    coffee = data["measures"]["us-imports-enduse-00000"]
    assert coffee == {
        "label": "U.S. imports from Colombia: Green coffee (end-use category 00000, Census Bureau)",
        "unit": "USD",
        "period": "year",
        "publisher": "U.S. Census Bureau, Economic Indicators Division",  # its figures only (design §1)
    }
    by_id = {fact["id"]: fact for fact in data["facts"]}
    assert len(by_id) == 6  # two categories, three years; the world's and Canada's rows are not Colombia
    fact = by_id["enduse-2026-02-17-00000-2025"]
    assert fact == {
        "id": "enduse-2026-02-17-00000-2025",
        "topic": "trade",
        "text": "U.S. imports from Colombia in 2025: Green coffee (end-use category 00000)",
        "value": 2_649_330_340,
        "unit": "USD",
        "date": "2025",
        "source": "census-enduse-imports-2026-02-17",
        "measure": "us-imports-enduse-00000",
        "tags": ["census", "end-use", "coffee"],
    }  # no status: every figure is final
    assert [by_id[f"enduse-2026-02-17-10110-{year}"]["value"] for year in (2023, 2024, 2025)] == [0, 0, 0]
    source = data["sources"]["census-enduse-imports-2026-02-17"]
    assert source["url"] == "https://www.census.gov/foreign-trade/statistics/product/enduse/imports/enduse_imports.xlsx"
    assert source["publisher"] == "U.S. Census Bureau, Economic Indicators Division"
    assert (source["kind"], str(source["date"])) == ("government", "2026-02-17")


def test_the_common_names_are_tags_of_their_categories() -> None:
    assert COMMON_NAMES["42000"] == ("flowers", "cut-flowers")
    assert set(COMMON_NAMES) == {"00000", "10000", "14270", "42000"}
    rows = [["3010", "Colombia", code, name, 1, 2, 3] for code, name in
            (("42000", "Nursery stock, etc."), ("10000", "Crude oil"), ("14270", "Nonmonetary gold"))]  # fmt: skip
    data = tomli.loads(import_census_enduse_imports(workbook(rows), RELEASE))
    tags = {fact["measure"]: fact["tags"] for fact in data["facts"]}
    assert tags["us-imports-enduse-42000"] == ["census", "end-use", "flowers", "cut-flowers"]
    assert tags["us-imports-enduse-10000"] == ["census", "end-use", "oil", "petroleum"]
    assert tags["us-imports-enduse-14270"] == ["census", "end-use", "gold"]


def test_columns_a_person_added_are_ignored_and_columns_are_read_by_name() -> None:
    header = ["COMM_DESC", "value_25", "CHINA", None, "END_USE", "CTY_CODE", "value_24", "note"]
    rows = [
        ["Green coffee", 2649330340, "=OFFSET(D$15119,MATCH(C2,C$15120:C$15260,0),0)", None, "00000", "3010",
         1412586752, "=Q2/N2"],
        ["Crude oil", 4761135903, "text", 5, "10000", 3010, 5863136401],  # a short row; CTY_CODE a number
    ]  # fmt: skip
    data = tomli.loads(import_census_enduse_imports(workbook(rows, header=header), RELEASE))
    values = {fact["id"]: fact["value"] for fact in data["facts"]}
    assert values == {
        "enduse-2026-02-17-00000-2024": 1412586752,
        "enduse-2026-02-17-00000-2025": 2649330340,
        "enduse-2026-02-17-10000-2024": 5863136401,
        "enduse-2026-02-17-10000-2025": 4761135903,
    }


def test_a_category_code_that_lost_its_leading_zeros_gets_them_back() -> None:
    content = workbook([[3010, "Colombia", 10, "Cocoa beans", 1, 2, 3]])
    data = tomli.loads(import_census_enduse_imports(content, RELEASE))
    assert list(data["measures"]) == ["us-imports-enduse-00010"]


def test_output_is_deterministic_and_the_label_names_the_category() -> None:
    content = workbook()
    first = import_census_enduse_imports(content, RELEASE)
    assert first == import_census_enduse_imports(bytes(content), RELEASE)
    assert first.startswith("# Generated by: usco import census-enduse-imports FILE --date 2026-02-17\n")
    assert LABEL.format(name="Crude oil", code="10000") == (
        "U.S. imports from Colombia: Crude oil (end-use category 10000, Census Bureau)"
    )
    assert MEASURE_PREFIX == "us-imports-enduse-"


def test_hostile_names_stay_inside_their_toml_strings() -> None:
    hostile = 'Coffee "x"\\ [sources.evil]\x7f\u0085\u202e'  # openpyxl itself refuses C0 controls in a cell
    text = import_census_enduse_imports(workbook([["3010", "Colombia", "00000", hostile, 1, 2, 3]]), RELEASE)
    data = tomli.loads(text)
    assert list(data["sources"]) == ["census-enduse-imports-2026-02-17"]
    assert hostile in data["measures"]["us-imports-enduse-00000"]["label"]
    assert "\x7f" not in text and "\u0085" not in text


# ------------------------------------------------------------------ files that are not the release


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (HTML, "is an HTML page, not the Census Bureau's enduse_imports.xlsx"),
        (b"", "is empty"),
        (b"\n", "is empty"),
        (fa_csv("COL,Colombia,Obligations,2016,1,1"), "is text (a CSV?)"),
        (b"PK\x03\x04" + b"\x00" * 100, "not a readable xlsx workbook"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "not an xlsx workbook"),
    ],
)
def test_not_a_workbook_gets_one_line(content: bytes, expected: str) -> None:
    assert expected in one_line_error(content)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: small_workbook(), "no sheet 'EnduseImp' (it has 'country')"),  # census-trade's country.xlsx
        (lambda: workbook(sheet="Sheet1"), "no sheet 'EnduseImp' (it has 'Sheet1')"),
        (lambda: workbook([], header=["CHINA"]), "has no column CTY_CODE"),
        (lambda: workbook(header=[h for h in HEADER if h != "END_USE"]), "has no column END_USE"),
        (lambda: workbook(header=[*HEADER, "comm_desc"]), "more than one column COMM_DESC"),
        (lambda: workbook(header=HEADER[:4]), "no year column"),
        (lambda: workbook(header=[*HEADER, "VALUE_25"]), "two columns value_25"),
        (lambda: workbook(header=[*HEADER[:4], "value_26"]), "a column for 2026, which was not over on"),
        (lambda: workbook([["1220", "Canada", "00000", "Green coffee", 1, 2, 3]]), "no Colombia rows"),
        (lambda: workbook([["3010", "Colombia", "00000", "Green coffee", 1, 2, 3]] * 2), "repeats Colombia's category"),
        (lambda: workbook([["3010", "Colombia", "0000", "Green coffee", 1, 2, 3]]), "END_USE '0000' is not a 5-digit"),
        (lambda: workbook([["3010", "Colombia", "00000", None, 1, 2, 3]]), "COMM_DESC 'None' is empty"),
        (lambda: workbook([["3010", "Colombia", "00000", "=C2", 1, 2, 3]]), "is a formula, not a name"),
        (lambda: workbook([["3010", "Colombia", "00000", "Green coffee", 1, "=E2*2", 3]]), "value_24 is a formula"),
        (lambda: workbook([["3010", "Colombia", "00000", "Green coffee", 1, None, 3]]), "value_24 is 'None', not a"),
        (lambda: workbook([["3010", "Colombia", "00000", "Green coffee", 1, "n/a", 3]]), "value_24 is 'n/a', not a"),
        (lambda: workbook([["3010", "Colombia", "00000", "Green coffee", 1, 2.5, 3]]), "value_24 is '2.5', not a"),
        (lambda: workbook([["3010", "Colombia", "00000", "Green coffee", 1, -2, 3]]), "value_24 is -2, not an amount"),
        (lambda: workbook([["3010", "Colombia", "00000", "Green coffee", 1, True, 3]]), "value_24 is 'True', not a"),
    ],
)  # fmt: skip
def test_a_wrong_workbook_gets_one_line(make: Callable[[], bytes], expected: str) -> None:
    assert expected in one_line_error(make())


def test_an_empty_sheet_gets_one_line() -> None:
    from openpyxl import Workbook

    book = Workbook()
    book.active.title = "EnduseImp"
    out = io.BytesIO()
    book.save(out)
    assert "sheet 'EnduseImp' is empty" in one_line_error(out.getvalue())


def test_a_figure_as_a_whole_float_is_whole_dollars() -> None:
    rows = [["3010", "Colombia", "00000", "Green coffee", 1.0, 2e9, 3]]
    values = [fact["value"] for fact in tomli.loads(import_census_enduse_imports(workbook(rows), RELEASE))["facts"]]
    assert values == [1, 2_000_000_000, 3]


def zip_of(entries: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, data in entries.items():
            archive.writestr(name, data)
    return out.getvalue()


def test_a_zip_bomb_is_refused_before_anything_is_unpacked() -> None:
    bomb = zip_of({"xl/workbook.xml": b"<workbook/>", "xl/worksheets/sheet1.xml": b" " * (64 * 1024 * 1024)})
    assert len(bomb) < 200_000
    assert "(a zip bomb?)" in one_line_error(bomb)


def test_a_workbook_that_would_unpack_past_the_bound_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from usco.importers import xlsx

    monkeypatch.setattr(xlsx, "MAX_UNPACKED", 1000)
    message = one_line_error(workbook())
    assert "the workbook would unpack to " in message and "(more than 1,000)" in message


def test_too_many_parts_are_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    from usco.importers import xlsx

    monkeypatch.setattr(xlsx, "MAX_ENTRIES", 3)
    assert "parts (more than 3)" in one_line_error(workbook())


def test_a_bad_release_date_is_a_usage_error() -> None:
    with pytest.raises(ValueError, match="expected YYYY-MM-DD"):
        import_census_enduse_imports(workbook(), Release("2026-2-17", None, None, None))


# ------------------------------------------------------------------ detect() and date()


def test_detect_takes_an_end_use_workbook_and_nothing_else() -> None:
    importer = find("census-enduse-imports")
    assert importer.detect(workbook())
    for content in (small_workbook(), workbook(sheet="Sheet1"), HTML, b"", fa_csv(), b"PK\x03\x04" + b"\x00" * 100):
        assert not importer.detect(content)


def test_date_is_the_workbooks_own_day_or_none() -> None:
    importer = find("census-enduse-imports")
    made = workbook()
    found = workbook_date(made)
    own = importer.date(made)
    assert found is not None and own is not None
    assert (own.day, own.note) == (found.day, found.note)
    assert importer.date(b"") is None
    assert importer.date(HTML) is None


# ------------------------------------------------------------------ the release files


@pytest.mark.parametrize("release", ENDUSE, ids=[i.release.date for i in ENDUSE])
def test_each_release_is_dated_by_the_workbook_itself(release: ReleaseFile) -> None:
    found = workbook_date(raw(release))
    assert found is not None
    # The file's own evidence: the source's date_note, and no --date in the command that makes it again.
    assert (release.release.date, release.release.evidence, release.release.date_note) == (found.day, found.note, None)
    own = find(release.importer).date(raw(release))
    assert own is not None and own.day == release.release.date
    assert "--date" not in release.command()


def test_the_two_releases_are_dated_as_the_raw_readme_says() -> None:
    assert [(i.raw, i.release.date) for i in ENDUSE] == [
        ("enduse/enduse_imports.2024-11-10.xlsx", "2024-11-10"),  # re-saved by its committer in Excel for Mac
        ("enduse/enduse_imports.2026-04-14.xlsx", "2026-02-17"),  # saved by Census staff
    ]
    assert "re-saved on 2024-11-10 by someone outside the Census Bureau" in (ENDUSE[0].release.evidence or "")
    assert "last saved by Census Bureau staff, 2026-02-17" in (ENDUSE[1].release.evidence or "")


def colombia_cells(content: bytes) -> dict[str, tuple[str, dict[int, Any]]]:
    """Colombia's rows read with openpyxl, without the importer: code -> (name, {year: cell})."""
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=False)
    rows = book["EnduseImp"].iter_rows(values_only=True)
    header = next(rows)
    years = {2000 + int(name[-2:]): index for index, name in enumerate(header) if str(name).startswith("value_")}
    found = {row[2]: (row[3], {year: row[index] for year, index in years.items()}) for row in rows if row[0] == "3010"}
    book.close()
    return found


@pytest.mark.slow
@pytest.mark.parametrize("release", ENDUSE, ids=[i.release.date for i in ENDUSE])
def test_every_colombia_cell_is_a_fact_exactly(release: ReleaseFile) -> None:
    by_id = facts(release)
    cells = colombia_cells(raw(release))
    assert len(by_id) == sum(len(years) for _, years in cells.values())
    for code, (name, years) in cells.items():
        label = imported(release)["measures"][f"us-imports-enduse-{code}"]["label"]
        assert f": {name} (end-use category {code}," in label
        for year, cell in years.items():
            assert isinstance(cell, int)  # a figure, never a formula
            assert by_id[f"enduse-{release.release.date}-{code}-{year}"]["value"] == cell


@pytest.mark.slow
def test_the_numbers_the_issue_names() -> None:
    newest = facts(item("2026-02-17"))
    for code, value in (("10000", 4_761_135_903), ("00000", 2_649_330_340), ("14270", 1_809_436_966),
                        ("42000", 1_384_586_167)):  # fmt: skip
        assert newest[f"enduse-2026-02-17-{code}-2025"]["value"] == value
    year_2025 = [fact for fact in newest.values() if fact["date"] == "2025"]
    assert len(year_2025) == 137
    assert sum(fact["value"] for fact in year_2025) == 17_814_233_177
    assert {fact["date"] for fact in newest.values()} == {str(year) for year in range(2016, 2026)}
    older = facts(item("2024-11-10"))
    assert len(imported(item("2024-11-10"))["measures"]) == 138
    assert {fact["date"] for fact in older.values()} == {str(year) for year in range(2014, 2024)}
    # Gas-natural: no trade in any year of the older release, kept as figures; gone from the newer one.
    assert {older[f"enduse-2024-11-10-10110-{year}"]["value"] for year in range(2014, 2024)} == {0}
    assert "us-imports-enduse-10110" not in imported(item("2026-02-17"))["measures"]
    # raw README: 2023 cane and beet sugar revised $138,738,816 -> $138,736,780.
    assert older["enduse-2024-11-10-00020-2023"]["value"] == 138_738_816
    assert newest["enduse-2026-02-17-00020-2023"]["value"] == 138_736_780


def iyr(content: bytes) -> dict[int, int]:
    """Colombia's IYR in a country.xlsx, in whole dollars, read without the importer."""
    from decimal import Decimal

    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    rows = book["country"].iter_rows(values_only=True)
    header = next(rows)
    year, code, total = (header.index(name) for name in ("year", "CTY_CODE", "IYR"))
    found = {int(row[year]): int(Decimal(repr(row[total])).quantize(Decimal("0.000001")) * 1_000_000)
             for row in rows if str(row[code]) == "3010" and row[year]}  # fmt: skip
    book.close()
    return found


@pytest.mark.slow
@pytest.mark.parametrize(("enduse", "country"), [("2026-02-17", "country.2026-04-14.xlsx"),
                                                 ("2024-11-10", "country.2024-11-03.xlsx")])  # fmt: skip
def test_a_years_categories_add_up_to_that_years_imports_in_country_xlsx(enduse: str, country: str) -> None:
    """raw README: the sum of a year's categories is IYR in the country.xlsx of the same release."""
    path = needed(RAW) / "census" / country
    totals = iyr(path.read_bytes())
    sums: dict[int, int] = {}
    for fact in facts(item(enduse)).values():
        sums[int(fact["date"])] = sums.get(int(fact["date"]), 0) + fact["value"]
    assert sums == {year: totals[year] for year in sums}
    if enduse == "2026-02-17":
        assert (sums[2024], sums[2025]) == (17_864_616_422, 17_814_233_177)


@pytest.mark.slow
def test_a_truncated_release_is_refused() -> None:
    content = raw(ENDUSE[-1])
    assert "not a readable xlsx workbook" in one_line_error(content[: len(content) // 2])


@pytest.mark.slow
def test_the_other_importers_files_are_refused() -> None:
    csv = next(other for other in RELEASES if other.importer == "foreignassistance")
    country = next(other for other in RELEASES if other.importer == "census-trade")
    assert "is text (a CSV?)" in one_line_error(raw(csv))
    assert "no sheet 'EnduseImp' (it has 'country')" in one_line_error(raw(country))


# ------------------------------------------------------------------ at the command line


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["html", "empty", "csv", "country", "truncated", "bomb"])
def test_import_of_a_malformed_file_is_one_line_and_exit_1(usco: Run, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "enduse_imports.xlsx"
    content = {
        "html": lambda: HTML,
        "empty": lambda: b"",
        "csv": lambda: raw(RELEASES[0]),
        "country": lambda: small_workbook(),
        "truncated": lambda: raw(ENDUSE[0])[:500_000],
        "bomb": lambda: zip_of({"xl/worksheets/sheet1.xml": b"<" * (32 * 1024 * 1024)}),
    }[kind]()
    path.write_bytes(content)
    result = usco("import", "census-enduse-imports", str(path), "--date", "2026-02-17")
    assert result.exit_code == 1, result.stdout[:200]
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith(f"usco: {path}: ")


@pytest.mark.slow
def test_import_writes_what_is_shipped(usco: Run, tmp_path: Path) -> None:
    release = ENDUSE[-1]
    out = tmp_path / "enduse.toml"
    # The command data/series/RELEASES.md gives: the workbook dates itself, so no --date.
    args = ["import", release.importer, str(needed(RAW) / release.raw), "--copy-url", release.release.copy_url or ""]
    assert usco(*args, "-o", str(out)).exit_code == 0
    shipped = (Path(__file__).resolve().parents[1] / release.output).read_bytes()
    assert out.read_bytes() == shipped


@pytest.mark.slow  # a fresh interpreter in a subprocess, where openpyxl can be made missing
def test_without_openpyxl_is_one_line_naming_the_install_command(tmp_path: Path) -> None:
    from tests.test_importer_registry import BLOCK_OPENPYXL

    path = tmp_path / "enduse_imports.xlsx"
    path.write_bytes(workbook())
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_OPENPYXL, "import", "census-enduse-imports", str(path), "--date", "2026-02-17"],
        capture_output=True,
        text=True,
    )
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.rstrip("\n").endswith("pip install 'usco[import]'")
