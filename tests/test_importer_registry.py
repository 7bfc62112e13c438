"""The importers' registry (design §6, issue #20 item 2): one importer object per official file, in one tuple.

`usco import NAME`, the shipped release table, scripts/regenerate-series and the
regeneration test read it; a name runs its own importer's code, and no other's.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
import tomli
import typer
from typer.testing import CliRunner, Result

import usco.importers
from tests.helpers import RAW, needed
from tests.test_imports import HTML, fa_csv, small_workbook
from usco.cli.imports import import_commands
from usco.importers import IMPORTERS, Importer, ImportFormatError, Release, UnknownImporterError, find
from usco.importers.releases import RELEASES

REPO = Path(__file__).resolve().parents[1]
# The folders of the release files (../shared/raw/README.md) and the importer that reads
# each, from the shipped releases: every file there, shipped or not, is swept.
RAW_FOLDERS = {str(Path(item.raw).parent): item.importer for item in RELEASES}
Run = Callable[..., Result]
ATTRIBUTES = ("name", "what", "file_name", "url", "measures", "summary", "help")


# ------------------------------------------------------------------ what each importer declares


@pytest.mark.parametrize("importer", IMPORTERS, ids=[i.name for i in IMPORTERS])
def test_every_importer_declares_everything(importer: Importer) -> None:
    for attribute in ATTRIBUTES:
        assert getattr(importer, attribute), f"{importer.name}: {attribute} is empty"
    assert re.fullmatch(r"[a-z][a-z0-9]*(-[a-z0-9]+)*", importer.name)
    assert importer.what in importer.help or importer.what[:1].upper() + importer.what[1:] in importer.help
    assert "/" not in importer.file_name and "." in importer.file_name
    assert importer.url.startswith("https://")
    assert isinstance(importer.measures, tuple)
    assert len(set(importer.measures)) == len(importer.measures)
    assert all(re.fullmatch(r"[a-z0-9]+(-[a-z0-9]+)*", measure) for measure in importer.measures)
    assert "\n" not in importer.summary and importer.summary.endswith(".")
    assert f"usco import {importer.name} " in importer.help  # its own example
    for method in ("detect", "date", "convert"):
        assert callable(getattr(importer, method))
    assert importer.detect(b"") is False
    assert importer.date(b"") is None


def test_names_and_measures_are_unique_across_importers() -> None:
    names = [importer.name for importer in IMPORTERS]
    assert len(set(names)) == len(names)
    measures = [measure for importer in IMPORTERS for measure in importer.measures]
    assert len(set(measures)) == len(measures)


def test_find_gives_the_importer_of_that_name_and_no_other() -> None:
    for importer in IMPORTERS:
        assert find(importer.name) is importer
    for name in ("nope", "census", "Census-Trade", "foreignassistance ", ""):
        with pytest.raises(UnknownImporterError, match=r"the importers are foreignassistance, census-trade"):
            find(name)


def test_every_shipped_release_names_a_registered_importer_and_writes_its_measures() -> None:
    for item in RELEASES:
        importer = find(item.importer)
        assert item.raw.endswith(Path(importer.file_name).suffix)
        assert Path(item.raw).name.startswith(Path(importer.file_name).stem + ".")
        data = tomli.loads((REPO / item.output).read_text(encoding="utf-8"))
        assert set(data["measures"]) <= set(importer.measures), item.output
    assert {item.importer for item in RELEASES} == {importer.name for importer in IMPORTERS}


# ------------------------------------------------------------------ detect(): is this its kind of file


def release_files() -> list[tuple[str, Path]]:
    raw = needed(RAW)
    found = [(name, path) for folder, name in RAW_FOLDERS.items() for path in sorted((raw / folder).iterdir())]
    assert {name for name, _ in found} == {importer.name for importer in IMPORTERS}
    return found


def test_each_importer_detects_its_own_release_files_and_no_other_importer_does() -> None:
    for name, path in release_files():
        content = path.read_bytes()
        assert [importer.name for importer in IMPORTERS if importer.detect(content)] == [name], path.name
        own = find(name).date(content)
        if name == "foreignassistance":
            assert own is None  # a CSV prints no date
        else:  # a Census workbook says its day (issue #21): the day its shipped release is dated by
            shipped = {item.raw: item.release.date for item in RELEASES if item.importer == name}
            assert own is not None and own.day in own.note
            assert own.day == shipped[f"{path.parent.name}/{path.name}"]


def test_census_trade_does_not_take_an_end_use_workbook() -> None:
    folder = needed(RAW) / "enduse"  # issue #21's importer will read these
    if not folder.is_dir():
        pytest.skip(f"no {folder}")
    for path in sorted(folder.glob("*.xlsx")):
        assert not find("census-trade").detect(path.read_bytes()), path.name


@pytest.mark.parametrize(
    "content",
    [
        b"",
        b"\n\n",
        HTML,
        b"<?xml version='1.0'?><a/>",
        b"PK\x03\x04" + b"\x00" * 100,  # a zip's magic and nothing readable
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
        b"country_code,transaction_type_name\nCOL,Obligations\n",  # two of the four columns
        b"\xff\xfecountry_code,transaction_type_name,fiscal_year,current_amount\n",  # UTF-16
        b'"country_code,transaction_type_name,fiscal_year,current_amount\n',  # an open quote
        fa_csv()[:10],
    ],
)
def test_detect_says_no_to_what_no_importer_reads_and_never_raises(content: bytes) -> None:
    assert [importer.name for importer in IMPORTERS if importer.detect(content)] == []


def test_detect_reads_a_header_variant_and_a_made_workbook() -> None:
    header = "Country Code,Country Name,Transaction Type Name,Fiscal Year,Current Amount,Constant Amount"
    for content in (fa_csv(), fa_csv(header=header), fa_csv(newline="\r\n"), b"\xef\xbb\xbf" + fa_csv()):
        assert [importer.name for importer in IMPORTERS if importer.detect(content)] == ["foreignassistance"]
    assert [importer.name for importer in IMPORTERS if importer.detect(small_workbook())] == ["census-trade"]
    assert not find("census-trade").detect(small_workbook(sheet="Sheet1"))


@pytest.mark.slow  # a fresh interpreter in a subprocess: only there is sys.modules clean
def test_detecting_a_workbook_does_not_import_openpyxl() -> None:
    code = (
        "import sys, usco.importers as i; content = sys.stdin.buffer.read(); "
        "assert [m.name for m in i.IMPORTERS if m.detect(content)] == ['census-trade']; "
        "assert 'openpyxl' not in sys.modules, 'openpyxl loaded'"
    )
    subprocess.run([sys.executable, "-c", code], input=small_workbook(), check=True)


# ------------------------------------------------------------------ `usco import NAME`, from the registry


def command_names(help_text: str) -> list[str]:
    lines = help_text.split("Commands:\n", 1)[1].splitlines()
    return [line.split()[0] for line in lines if line.startswith("  ") and line.strip()]


def test_usco_import_help_lists_exactly_the_registry(usco: Run) -> None:
    result = usco("import", "--help")
    assert result.exit_code == 0
    assert command_names(result.stdout) == [importer.name for importer in IMPORTERS]
    for importer in IMPORTERS:
        assert importer.summary in " ".join(result.stdout.split())


@pytest.mark.parametrize("importer", IMPORTERS, ids=[i.name for i in IMPORTERS])
def test_each_command_help_is_its_importers_help(usco: Run, importer: Importer) -> None:
    result = usco("import", importer.name, "--help")
    assert result.exit_code == 0
    text, _, kept = importer.help.partition("\b\n")  # click rewraps the text, and keeps the lines after \b
    assert " ".join(text.split()) in " ".join(result.stdout.split())
    assert kept and "\n".join(f"  {line}" for line in kept.splitlines()) in result.stdout


class Fake:
    """A third importer, for these tests only: it writes what it was given."""

    name = "fake"
    what = "a fake release"
    file_name = "fake.txt"
    url = "https://example.gov/fake.txt"
    measures = ("fake-measure",)
    summary = "A fake file, for tests."
    help = "A fake release file.\n\n\b\nExamples:\n  usco import fake fake.txt --date 2026-01-02"

    def __init__(self) -> None:
        self.calls: list[tuple[bytes, Release]] = []

    def detect(self, content: bytes) -> bool:
        return content.startswith(b"FAKE")

    def date(self, content: bytes) -> str | None:
        return None

    def convert(self, content: bytes, release: Release) -> str:
        self.calls.append((content, release))
        return f"# fake of {len(content)} bytes dated {release.date}\n"


def refusing(monkeypatch: pytest.MonkeyPatch, importers: tuple[Importer, ...]) -> None:
    """Make every given importer's convert fail the test if it runs."""

    def never(content: bytes, release: Release) -> str:
        raise AssertionError("another importer's code ran")

    for importer in importers:
        monkeypatch.setattr(importer, "convert", never)


def run_import(group: typer.Typer, *args: str) -> Result:
    app = typer.Typer(rich_markup_mode=None)
    app.add_typer(group, name="import")

    @app.callback()
    def root() -> None:
        """The root, so that `import` stays a subcommand."""

    return CliRunner().invoke(app, ["import", *args])


def test_a_third_importer_gets_a_working_command_that_runs_its_own_convert(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = Fake()
    group = import_commands((*IMPORTERS, fake))
    refusing(monkeypatch, IMPORTERS)
    release = tmp_path / "fake.txt"
    release.write_bytes(b"FAKE 12345")
    result = run_import(group, "fake", str(release), "--date", "2026-01-02", "--url", "https://x")
    assert result.exit_code == 0, result.output
    assert result.stdout == "# fake of 10 bytes dated 2026-01-02\n"
    assert fake.calls == [(b"FAKE 12345", Release("2026-01-02", None, "https://x", None))]
    out = tmp_path / "out.toml"
    assert run_import(group, "fake", str(release), "--date", "2026-01-02", "-o", str(out)).exit_code == 0
    assert out.read_text(encoding="utf-8") == "# fake of 10 bytes dated 2026-01-02\n"

    listing = run_import(group, "--help")
    assert command_names(listing.stdout) == [*(importer.name for importer in IMPORTERS), "fake"]
    assert "A fake file, for tests." in listing.stdout
    assert "usco import fake fake.txt --date 2026-01-02" in run_import(group, "fake", "--help").stdout


def test_a_registered_name_runs_that_importer_and_not_a_later_one(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    fake = Fake()
    group = import_commands((*IMPORTERS, fake))
    census = find("census-trade")
    ran: list[str] = []

    def convert(content: bytes, release: Release) -> str:
        ran.append("census-trade")
        return "census\n"

    monkeypatch.setattr(census, "convert", convert)
    release = tmp_path / "country.xlsx"
    release.write_bytes(b"FAKE")
    result = run_import(group, "census-trade", str(release), "--date", "2026-01-02")
    assert (result.exit_code, result.stdout, ran, fake.calls) == (0, "census\n", ["census-trade"], [])


@pytest.mark.parametrize("name", ["nope", "census", "fake", "Census-Trade"])
def test_an_unknown_name_is_no_such_command_and_runs_no_importer(
    usco: Run, monkeypatch: pytest.MonkeyPatch, tmp_path: Path, name: str
) -> None:
    refusing(monkeypatch, IMPORTERS)
    release = tmp_path / "x.csv"
    release.write_bytes(fa_csv("COL,Colombia,Obligations,2016,1,1"))
    result = usco("import", name, str(release), "--date", "2025-04-02")
    assert result.exit_code == 2
    assert result.stdout == ""
    assert f"No such command '{name}'." in result.stderr


def test_the_registry_is_one_tuple_the_cli_and_releases_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """find() reads usco.importers.IMPORTERS at call time: a test (or a plugin) can register one more."""
    fake = Fake()
    monkeypatch.setattr(usco.importers, "IMPORTERS", (*IMPORTERS, fake))
    assert find("fake") is fake
    assert find("census-trade").name == "census-trade"


# ------------------------------------------------------------------ without openpyxl (issue #24 item 3)

BLOCK_OPENPYXL = """
import sys
import zipfile
from importlib.abc import MetaPathFinder

class NoOpenpyxl(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] == "openpyxl":
            raise ModuleNotFoundError(f"No module named {name!r}", name=name)
        return None

sys.meta_path.insert(0, NoOpenpyxl())
sys.argv = ["usco", *sys.argv[1:]]
from usco.__main__ import main
sys.exit(main())
"""


@pytest.mark.slow  # a fresh interpreter in a subprocess, where openpyxl can be made missing
def test_census_trade_without_openpyxl_is_one_line_naming_the_install_command(tmp_path: Path) -> None:
    workbook = tmp_path / "country.xlsx"
    workbook.write_bytes(small_workbook())
    day = dt.date.today().isoformat()
    result = subprocess.run(
        [sys.executable, "-c", BLOCK_OPENPYXL, "import", "census-trade", str(workbook), "--date", day],
        capture_output=True,
        text=True,
    )
    assert result.returncode == 1, result.stderr
    assert result.stdout == ""
    assert result.stderr.count("\n") == 1, result.stderr
    assert result.stderr.startswith("usco: reading this file needs openpyxl, which is not installed")
    assert result.stderr.rstrip("\n").endswith("pip install 'usco[import]'")
    # A file that is not a workbook still gets the format's one line, openpyxl or not.
    text = tmp_path / "x.csv"
    text.write_bytes(fa_csv("COL,Colombia,Obligations,2016,1,1"))
    refused = subprocess.run(
        [sys.executable, "-c", BLOCK_OPENPYXL, "import", "census-trade", str(text), "--date", day],
        capture_output=True,
        text=True,
    )
    assert (refused.returncode, refused.stdout) == (1, "")
    assert refused.stderr == f"usco: {text}: the file is text (a CSV?), not an xlsx workbook; " + (
        "expected the Census Bureau's country.xlsx\n"
    )


@pytest.mark.parametrize("name", [importer.name for importer in IMPORTERS if importer.file_name.endswith(".xlsx")])
def test_every_workbook_importer_refuses_a_zip_bomb_before_unpacking_it(name: str) -> None:
    """One check for every workbook (usco.importers.xlsx): a few kB that would unpack to 64 MB of one part."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", b"<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b" " * (64 * 1024 * 1024))
    with pytest.raises(ImportFormatError, match=r"\(a zip bomb\?\)"):
        find(name).convert(out.getvalue(), Release("2026-01-01"))
