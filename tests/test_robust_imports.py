"""Issue #25, importers: a hostile or absurd release file is one line and exit 1, never a traceback, and an
importer never writes a file the loader will not read. A zip bomb is refused from its directory alone."""

from __future__ import annotations

import functools
import io
import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import run
from tests.test_imports import RELEASE, census_row, fa_csv, small_workbook
from usco.importers import ImportFormatError, import_census_trade
from usco.importers.census_enduse import import_census_enduse_imports

HUGE = "9" * 5000  # past the 4,300 digits int() reads


def _rewritten(content: bytes, part: str, change: Callable[[bytes], bytes]) -> bytes:
    """*content*, a workbook, with its zip entry *part* changed."""
    source = zipfile.ZipFile(io.BytesIO(content))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for entry in source.infolist():
            data = source.read(entry)
            archive.writestr(entry.filename, change(data) if entry.filename == part else data)
    return out.getvalue()


def _with_chart_sheet(*, with_chart: bool) -> bytes:
    """A workbook whose sheet `country` is a chart sheet (openpyxl writes no relationships for an empty one)."""
    from openpyxl import Workbook
    from openpyxl.chart import BarChart, Reference

    book = Workbook()
    data = book.active
    data.title = "data"
    data.append([1])
    chart_sheet = book.create_chartsheet("country")
    if with_chart:
        chart = BarChart()
        chart.add_data(Reference(data, min_col=1, min_row=1, max_row=1))
        chart_sheet.add_chart(chart)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _workbook(kind: str) -> bytes:
    match kind:
        case "sheetId":
            return _rewritten(small_workbook(), "xl/workbook.xml", lambda xml: xml.replace(b'Id="1"', b'Id="abc"'))
        case "numFmtId":
            return _rewritten(small_workbook(), "xl/styles.xml", lambda xml: xml.replace(b'FmtId="0"', b'FmtId="x"', 1))
        case "chart sheet":
            return _with_chart_sheet(with_chart=False)
        case "chart sheet with a chart":
            return _with_chart_sheet(with_chart=True)
        case "10**18 dollars":  # 10**12 millions
            return small_workbook([census_row("2011", "3010", [1.0] * 12, [1e12] + [0.0] * 11)])
    raise AssertionError(kind)


FA_ROW = "COL,Colombia,Obligations,2016,{},1"
FOREIGNASSISTANCE = {
    "a 5,000-digit amount in another country's row": fa_csv(f"MEX,Mexico,Obligations,2016,{HUGE},1", FA_ROW.format(1)),
    "a 5,000-digit amount in Colombia's row": fa_csv(FA_ROW.format(HUGE)),
    "a 5,000-digit negative amount": fa_csv(FA_ROW.format("-" + HUGE)),
    "a 5,000-digit decimal amount": fa_csv(FA_ROW.format(HUGE + ".5")),
    "10**18": fa_csv(FA_ROW.format(10**18)),
    "-10**18": fa_csv(FA_ROW.format(-(10**18))),
    "10**18 as a decimal": fa_csv(FA_ROW.format("1000000000000000000.0")),
}
CENSUS = ["sheetId", "numFmtId", "chart sheet", "chart sheet with a chart", "10**18 dollars"]
EXPECTED = {
    "sheetId": "is not a readable xlsx workbook (TypeError",
    "numFmtId": "is not a readable xlsx workbook (TypeError",
    "chart sheet": "a chart sheet?",
    "chart sheet with a chart": "sheet 'country' is a chart, not a table",
    "10**18 dollars": "out of range",
}


def _one_line_and_nothing_written(result: object, output: Path) -> str:
    assert result.returncode == 1, result.stderr  # type: ignore[attr-defined]
    stderr: str = result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in stderr and stderr.count("\n") == 1 and stderr.startswith("usco: "), stderr
    assert not output.exists()
    return stderr


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize("case", list(FOREIGNASSISTANCE))
def test_an_absurd_foreignassistance_amount_is_one_line(tmp_path: Path, case: str) -> None:
    release = tmp_path / "us_foreign_aid_country.csv"
    release.write_bytes(FOREIGNASSISTANCE[case])
    output = tmp_path / "fa.toml"
    result = run("import", "foreignassistance", str(release), "--date", "2025-04-02", "-o", str(output))
    assert "current_amount" in _one_line_and_nothing_written(result, output)
    assert "is out of range" in result.stderr


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize("case", CENSUS)
def test_a_hostile_census_workbook_is_one_line(tmp_path: Path, case: str) -> None:
    release = tmp_path / "country.xlsx"
    release.write_bytes(_workbook(case))
    output = tmp_path / "census.toml"
    result = run("import", "census-trade", str(release), "--date", "2025-04-02", "-o", str(output))
    assert EXPECTED[case] in _one_line_and_nothing_written(result, output)


@pytest.mark.slow
@pytest.mark.installed
def test_the_largest_amount_an_importer_writes_is_one_the_loader_reads(tmp_path: Path) -> None:
    release = tmp_path / "us_foreign_aid_country.csv"
    release.write_bytes(fa_csv(FA_ROW.format(10**18 - 1)))
    output = tmp_path / "fa.toml"
    imported = run("import", "foreignassistance", str(release), "--date", "2025-04-02", "-o", str(output))
    assert imported.returncode == 0, imported.stderr
    checked = run("check", str(output))
    assert checked.returncode == 0, checked.stdout + checked.stderr


OPTIONS = {
    "--url ftp://": (["--url", "ftp://example.gov/x"], "field 'url': 'ftp://example.gov/x' is not an http(s) URL"),
    "--url ''": (["--url", ""], "field 'url': must be a non-empty string"),
    "--copy-url javascript:": (["--copy-url", "javascript:alert(1)"], "field 'copy_url': 'javascript:alert(1)' is not"),
    "--date-note ''": (["--date-note", ""], "field 'date_note': must be a non-empty string"),
}


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize("case", list(OPTIONS))
def test_an_option_that_would_make_a_file_the_loader_refuses_is_one_line(tmp_path: Path, case: str) -> None:
    release = tmp_path / "us_foreign_aid_country.csv"
    release.write_bytes(fa_csv(FA_ROW.format(1000)))
    output = tmp_path / "fa.toml"
    options, said = OPTIONS[case]
    result = run("import", "foreignassistance", str(release), "--date", "2025-04-02", *options, "-o", str(output))
    assert said in _one_line_and_nothing_written(result, output)
    assert "the dataset file made of it would not load" in result.stderr


def test_an_end_use_name_on_two_lines_is_refused() -> None:
    from tests.test_enduse_import import RELEASE as ENDUSE_RELEASE
    from tests.test_enduse_import import workbook

    rows = [["3010", "Colombia", "00000", "Green\ncoffee", 1.0, 2e9, 3]]
    with pytest.raises(ImportFormatError, match=r"COMM_DESC 'Green\\ncoffee' is on more than one line"):
        import_census_enduse_imports(workbook(rows), ENDUSE_RELEASE)


# ------------------------------------------------------------------ a zip bomb, refused from the directory


@functools.cache
def _bomb() -> bytes:
    """A 0.4 MB workbook whose sheet holds 16 MB of rows after its own: XML that packs 47 times, as no
    release does (they pack 4.3 to 5.4 times), under the old bounds (256 MB, 100 times) that let
    openpyxl read every row (92 s for one of 1.5 MB)."""
    rows = b"".join(b"<row>" + b"<c><v>0</v></c>" * 16 + str(n * 7919 % 10**6).encode() + b"</row>"
                    for n in range(4096))  # fmt: skip
    sheet = rows * (16 * 2**20 // len(rows))
    workbook = zipfile.ZipFile(io.BytesIO(small_workbook()))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        for entry in workbook.infolist():
            data = workbook.read(entry)
            if entry.filename == "xl/worksheets/sheet1.xml":
                # after the header and rows, with no <dimension> to tell openpyxl where the rows end
                data = re.sub(rb"<dimension[^>]*/>", b"", data).replace(b"</sheetData>", sheet + b"</sheetData>")
            archive.writestr(entry.filename, data)
    return out.getvalue()


@pytest.mark.parametrize("importer", [import_census_trade, import_census_enduse_imports])
def test_a_zip_bomb_is_refused_before_any_part_is_unpacked(monkeypatch: pytest.MonkeyPatch, importer: object) -> None:
    bomb = _bomb()
    assert len(bomb) < 1_500_000
    opened: list[str] = []
    real_open = zipfile.ZipFile.open

    def counting_open(self: zipfile.ZipFile, name: object, *args: object, **kwargs: object) -> object:
        opened.append(str(getattr(name, "filename", name)))
        return real_open(self, name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(zipfile.ZipFile, "open", counting_open)
    with pytest.raises(ImportFormatError, match=r"\(a zip bomb\?\)|would unpack to") as caught:
        importer(bomb, RELEASE)  # type: ignore[operator]
    assert "\n" not in str(caught.value)
    assert opened == []  # refused from the archive's directory: nothing decompressed, openpyxl never called
