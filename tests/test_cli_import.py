"""`usco import` at the command line (design §6): what it writes is what is shipped, it never
overwrites without --force, and a file that is not the release it names is one line and exit 1."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.helpers import RAW, REPO, needed, ok
from usco.importers.releases import RELEASES

Run = Callable[..., Result]

FA = RELEASES[4]  # the 2024-12-22 release
FA_RAW = RAW / FA.raw


def need_raw() -> None:
    needed(FA_RAW)


def import_args(raw: Path, output: Path | None = None) -> list[str]:
    args = ["import", FA.importer, str(raw), "--date", FA.release.date]
    if FA.release.date_note is not None:
        args += ["--date-note", FA.release.date_note]
    if FA.release.url is not None:
        args += ["--url", FA.release.url]
    if FA.release.copy_url is not None:
        args += ["--copy-url", FA.release.copy_url]
    return args + (["--output", str(output)] if output else [])


@pytest.mark.slow
def test_import_writes_what_is_shipped_twice_the_same(usco: Run, tmp_path: Path) -> None:
    need_raw()
    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    assert usco(*import_args(FA_RAW, first)).exit_code == 0
    assert usco(*import_args(FA_RAW, second)).exit_code == 0
    shipped = (REPO / FA.output).read_bytes()
    assert first.read_bytes() == shipped
    assert second.read_bytes() == shipped
    assert ok(usco(*import_args(FA_RAW))).encode("utf-8") == shipped


@pytest.mark.slow
def test_import_refuses_to_overwrite_without_force(usco: Run, tmp_path: Path) -> None:
    need_raw()
    target = tmp_path / "out.toml"
    target.write_text("mine\n", encoding="utf-8")
    result = usco(*import_args(FA_RAW, target))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert usco(*import_args(FA_RAW, target), "--force").exit_code == 0
    assert target.read_bytes() == (REPO / FA.output).read_bytes()


def malformed(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.csv"
    if kind == "html":
        path.write_text("<!doctype html><html><body>Not found</body></html>\n", encoding="utf-8")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "census":
        census = RAW / "census" / "country.2024-11-01.xlsx"
        if not census.is_file():
            pytest.skip("no census release here")
        path.write_bytes(census.read_bytes())
    elif kind == "truncated":
        data = FA_RAW.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif kind == "header-only":
        path.write_bytes(FA_RAW.read_bytes().split(b"\n", 1)[0] + b"\n")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["html", "empty", "census", "truncated", "header-only"])
def test_import_of_a_malformed_file_is_one_line_and_exit_1(usco: Run, tmp_path: Path, kind: str) -> None:
    need_raw()
    path = malformed(tmp_path, kind)
    result = usco(*import_args(path))
    assert result.exit_code == 1, result.stdout[:200]
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("usco: ")


@pytest.mark.slow
def test_census_import_of_a_foreignassistance_file_is_refused(usco: Run) -> None:
    need_raw()
    result = usco("import", "census-trade", str(FA_RAW), "--date", "2024-11-01")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("date", ["2024-12", "yesterday", "2024-13-01", "24-12-22"])
def test_import_with_a_malformed_date_is_exit_2(usco: Run, tmp_path: Path, date: str) -> None:
    raw = tmp_path / "x.csv"
    raw.write_text("x\n", encoding="utf-8")
    result = usco("import", "foreignassistance", str(raw), "--date", date)
    assert result.exit_code == 2
    assert result.stdout == ""
