"""`usco update`, your own releases, `usco releases` and `import --keep` (design §7), in-process,
against a real HTTP server on 127.0.0.1 serving the real release files (tests/release_server.py).

Every failure is one line naming the importer and why, exit 1, nothing kept, and the answers
afterwards are exactly those before. The installed usco's cases (Ctrl-C, a full disk, two runs
at once, a terminal's progress bar) are in test_update_installed.py.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import warnings
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import Result

import usco as usco_api
from tests import release_server
from tests.helpers import RAW, needed, with_series
from tests.release_server import base

Usco = Callable[..., Result]
CSV = "foreignassistance/us_foreign_aid_country.2025-11-29.csv"
FY2024 = ("facts", "--measure", "aid-obligations", "--since", "2024", "--until", "2024", "-f", "tsv",
          "--columns", "id,value,source_date")  # fmt: skip


@pytest.fixture(scope="module")
def server() -> Iterator[release_server._Server]:
    with release_server.serving() as running:
        yield running


@pytest.fixture
def aid(tmp_path: Path) -> Path:
    """A dataset of one ForeignAssistance.gov release (2025-04-02): the server's (2025-11-29) is newer."""
    needed(RAW)
    (tmp_path / "aid").mkdir()
    return with_series(tmp_path / "aid", "foreignassistance-2025-04-02.toml")


def _store() -> Path:
    return Path(os.environ["XDG_DATA_HOME"]) / "usco"


def _kept() -> list[str]:
    """Every name in the releases folder, temporary ones too."""
    folder = _store() / "releases"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def _files() -> dict[Path, int]:
    """Every file in the store, with its modification time."""
    return {path: path.stat().st_mtime_ns for path in _store().rglob("*") if path.is_file()}


def _update(usco: Usco, data: Path, fault: str, server: release_server._Server, *names: str) -> Result:
    return usco("update", *(names or ("foreignassistance",)), "--mirror", base(server, fault), data=data)


# ---------------------------------------------------------------- a new release, kept and answering


def test_a_new_release_is_kept_and_every_answer_uses_it(usco: Usco, aid: Path, server: release_server._Server) -> None:
    before = usco(*FY2024, data=aid)
    assert before.stdout.splitlines()[1:] == ["fa-2025-04-02-obligations-fy2024\t447245358\t2025-04-02"]

    result = _update(usco, aid, "ok", server)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "foreignassistance: new release foreignassistance-2025-12-03 kept, newest period FY2025\n"
    assert result.stderr == ""

    # the newer release supersedes the older period by period; the older stays in --history and --as-of
    assert usco(*FY2024, data=aid).stdout.splitlines()[1:] == [
        "fa-2025-12-03-obligations-fy2024\t586471266\t2025-12-03"
    ]
    history = usco(*FY2024, "--history", data=aid).stdout.splitlines()[1:]
    assert [line.split("\t")[:2] for line in history] == [
        ["fa-2025-04-02-obligations-fy2024", "447245358"],
        ["fa-2025-12-03-obligations-fy2024", "586471266"],
    ]
    assert "447245358" in usco(*FY2024, "--as-of", "2025-06-30", data=aid).stdout
    assert usco("--no-user-releases", *FY2024, data=aid).stdout == before.stdout
    assert usco(*FY2024, data=aid, env={"USCO_NO_USER_RELEASES": "1"}).stdout == before.stdout

    # kept: the file byte for byte, its metadata and its dataset file
    folder = _store() / "releases" / "foreignassistance-2025-12-03"
    raw = (RAW / CSV).read_bytes()
    assert (folder / "us_foreign_aid_country.csv").read_bytes() == raw
    meta = json.loads((folder / "release.json").read_text(encoding="utf-8"))
    assert meta["sha256"] == hashlib.sha256(raw).hexdigest()
    assert meta["from"] == base(server, "ok") + "us_foreign_aid_country.csv"
    assert (meta["dated_by"], meta["date"], meta["last_modified"]) == ("Last-Modified", "2025-12-03",
                                                                       release_server.LAST_MODIFIED)  # fmt: skip
    assert "Last-Modified: Wed, 03 Dec 2025 10:00:00 GMT" in meta["date_note"]
    assert (folder / "dataset.toml").read_text(encoding="utf-8").count("[[facts]]") == meta["facts"] == 141

    # usco releases: shipped and yours, in every format
    rows = json.loads(usco("releases", "-f", "json", data=aid).stdout)
    assert [(row["id"], row["origin"], row["dated_by"]) for row in rows] == [
        ("foreignassistance-2025-04-02", "shipped", "copy's commit day"),
        ("foreignassistance-2025-12-03", "yours", "Last-Modified"),
    ]
    assert rows[1]["sha256"] == meta["sha256"] and rows[1]["newest"] == "FY2025" and rows[1]["facts"] == 141
    tsv = usco("releases", "-f", "tsv", "--columns", "id,origin,sha256", data=aid).stdout
    assert tsv.splitlines()[2] == f"foreignassistance-2025-12-03\tyours\t{meta['sha256']}"

    # the Python API reads it too, unless told not to
    assert len(usco_api.load(aid).facts(measure="aid-obligations", since="2024", until="2024", history=True)) == 2
    assert len(usco_api.load(aid, user_releases=False).facts(measure="aid-obligations", since="2024",
                                                         until="2024", history=True)) == 1  # fmt: skip

    # forgotten whole: the answers are those before
    removed = usco("releases", "--remove", "foreignassistance-2025-12-03", data=aid)
    assert (removed.exit_code, removed.stderr) == (0, "usco: removed your release foreignassistance-2025-12-03\n")
    assert _kept() == [] and usco(*FY2024, data=aid).stdout == before.stdout


def test_the_same_file_again_keeps_nothing(usco: Usco, aid: Path, server: release_server._Server) -> None:
    assert _update(usco, aid, "ok", server).exit_code == 0
    kept = _files()

    again = _update(usco, aid, "ok", server)  # the server's 304: one round trip
    assert (again.exit_code, again.stderr) == (0, "")
    assert again.stdout == "foreignassistance: not modified since the last update (the server said 304)\n"
    assert server.requests[-1][1].get("If-None-Match") == release_server.ETAG
    assert server.requests[-1][1].get("If-Modified-Since") == release_server.LAST_MODIFIED
    assert server.requests[-1][1].get("User-Agent") == f"usco/{usco_api.__version__}"

    plain = _update(usco, aid, "plain", server)  # no validators: the sha256 tells
    assert (plain.exit_code, plain.stderr) == (0, "")
    assert plain.stdout == "foreignassistance: already known: release foreignassistance-2025-12-03\n"
    assert _files() == kept


def test_a_shipped_release_is_already_known(usco: Usco, tmp_path: Path, server: release_server._Server) -> None:
    data = with_series(tmp_path, "foreignassistance-2025-*.toml")
    result = _update(usco, data, "plain", server)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "foreignassistance: already known: release foreignassistance-2025-11-29\n"
    assert _kept() == [] and not (_store() / "validators.json").exists()


def test_a_mirror_folder_dates_a_csv_by_the_day_it_was_read(usco: Usco, aid: Path, tmp_path: Path) -> None:
    import datetime as dt

    mirror = tmp_path / "usb"
    mirror.mkdir()
    (mirror / "us_foreign_aid_country.csv").write_bytes((RAW / CSV).read_bytes())
    result = usco("update", "foreignassistance", "--mirror", str(mirror), data=aid)
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    assert result.exit_code == 0, result.stderr
    assert result.stdout == f"foreignassistance: new release foreignassistance-{today} kept, newest period FY2025\n"
    row = json.loads(usco("releases", "-f", "json", data=aid).stdout)[-1]
    assert (row["dated_by"], row["from"]) == ("download day", str(mirror / "us_foreign_aid_country.csv"))
    assert "downloaded it from" in row["date_note"]


@pytest.mark.slow  # openpyxl reads the whole workbook: a second or two
def test_a_new_census_workbook_is_kept_and_trade_answers_from_it(usco: Usco, tmp_path: Path,
                                                                  server: release_server._Server) -> None:  # fmt: skip
    needed(RAW)
    data = with_series(tmp_path, "census-trade-2024-10-01.toml")
    query = ("facts", "--measure", "us-goods-imports-monthly", "--since", "2026-01", "-f", "tsv", "--columns",
             "id,value,source_date")  # fmt: skip
    assert usco(*query, data=data).stdout == "id\tvalue\tsource_date\n"
    result = usco("update", "census-trade", "--mirror", base(server, "ok"), data=data)
    assert (result.exit_code, result.stderr) == (0, "")
    assert result.stdout == "census-trade: new release census-trade-2026-03-04 kept, newest period 2026-01\n"
    assert usco(*query, data=data).stdout.splitlines()[1:] == [
        "census-2026-03-04-imports-2026-01\t1562614677\t2026-03-04"
    ]
    listed = usco("releases", "-f", "tsv", "--columns", "id,dated_by,newest,origin", data=data).stdout
    assert listed.splitlines()[1:] == [
        "census-trade-2024-10-01\tthe file itself\t2024-08\tshipped",
        "census-trade-2026-03-04\tthe file itself\t2026-01\tyours",
    ]
    assert usco("--no-user-releases", *query, data=data).stdout == "id\tvalue\tsource_date\n"


# ---------------------------------------------------------------- faults: one line, exit 1, nothing kept

FAULTS = [
    ("404", {}, "the server answered 404 Not Found"),
    ("500", {}, "the server answered 500 Internal Server Error"),
    ("html", {}, "not ForeignAssistance.gov's us_foreign_aid_country.csv (an html file)"),
    ("cut", {}, "the download was cut off"),
    ("big", {"USCO_DOWNLOAD_MAX_BYTES": "1000000"}, "the file is larger than 1,000,000 bytes, the most a release"),
    ("large", {"USCO_DOWNLOAD_MAX_BYTES": "1000000"}, "the file is 314,572,800 bytes; a release may be at most"),
    ("hang", {"USCO_DOWNLOAD_TIMEOUT": "0.5"}, "no answer from the server in 0.5 s"),
    ("loop", {}, "more than 5 redirects"),
    ("elsewhere", {}, "refused http://192.0.2.1/us_foreign_aid_country.csv: plain HTTP only to this machine"),
]  # fmt: skip


@pytest.mark.parametrize(("fault", "env", "reason"), FAULTS, ids=[fault for fault, _, _ in FAULTS])
def test_a_fault_is_one_line_and_keeps_nothing(usco: Usco, aid: Path, server: release_server._Server,
                                               monkeypatch: pytest.MonkeyPatch, fault: str, env: dict[str, str],
                                               reason: str) -> None:  # fmt: skip
    before = usco(*FY2024, data=aid).stdout
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    result = _update(usco, aid, fault, server)
    assert result.exit_code == 1
    assert result.stdout == ""
    line = f"usco: foreignassistance: {base(server, fault)}us_foreign_aid_country.csv: "
    assert result.stderr.startswith(line) and result.stderr.count("\n") == 1, result.stderr
    assert reason in result.stderr
    assert _kept() == []
    assert usco(*FY2024, data=aid).stdout == before


def test_an_html_page_where_a_workbook_belongs(usco: Usco, aid: Path, server: release_server._Server) -> None:
    result = _update(usco, aid, "html", server, "census-trade")
    assert result.exit_code == 1 and result.stdout == ""
    assert result.stderr.endswith("country.xlsx: not the Census Bureau's country.xlsx (an html file)\n")
    assert _kept() == []


def test_plain_http_elsewhere_and_other_schemes_are_refused(usco: Usco, aid: Path) -> None:
    result = usco("update", "foreignassistance", "--mirror", "http://example.org/files", data=aid)
    assert result.exit_code == 1
    assert "refused http://example.org/files/us_foreign_aid_country.csv: plain HTTP only to this machine" in (
        result.stderr
    )
    result = usco("update", "foreignassistance", "--mirror", "ftp://example.org/", data=aid)
    assert result.exit_code == 1 and "only https://" in result.stderr


def test_one_failure_among_several_is_exit_1(usco: Usco, aid: Path, tmp_path: Path) -> None:
    mirror = tmp_path / "usb"
    mirror.mkdir()
    (mirror / "us_foreign_aid_country.csv").write_bytes((RAW / CSV).read_bytes())
    result = usco("update", "foreignassistance", "census-trade", "--mirror", str(mirror), data=aid)
    assert result.exit_code == 1
    assert result.stdout.startswith("foreignassistance: new release ")
    assert result.stderr == f"usco: census-trade: {mirror / 'country.xlsx'}: no such file\n"


def test_an_unknown_importer_is_named(usco: Usco, aid: Path) -> None:
    result = usco("update", "census", data=aid)
    assert result.exit_code == 1
    assert result.stderr.startswith("usco: no importer is called 'census'; the importers are foreignassistance")


def test_a_workbook_without_openpyxl_names_the_install(usco: Usco, aid: Path, server: release_server._Server,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:  # fmt: skip
    monkeypatch.setitem(sys.modules, "openpyxl", None)  # import openpyxl now fails as if it were not installed
    result = _update(usco, aid, "ok", server, "census-trade")
    assert result.exit_code == 1
    assert result.stderr.endswith("pip install 'usco[import]'\n") and result.stderr.count("\n") == 1
    assert _kept() == []


# ---------------------------------------------------------------- import --keep


def test_import_keep_keeps_a_file_downloaded_by_hand(usco: Usco, aid: Path) -> None:
    file = RAW / CSV
    result = usco("import", "foreignassistance", str(file), "--date", "2025-11-29", "--keep", data=aid)
    assert (result.exit_code, result.stdout) == (0, "")
    assert result.stderr == (
        "usco: kept your release foreignassistance-2025-11-29 (newest period FY2025); `usco releases` lists it\n"
    )
    assert "fa-2025-11-29-obligations-fy2024\t586471266" in usco(*FY2024, data=aid).stdout
    row = json.loads(usco("releases", "-f", "json", data=aid).stdout)[-1]
    assert (row["id"], row["dated_by"], row["origin"], row["from"]) == (
        "foreignassistance-2025-11-29", "--date", "yours", str(file.resolve()))  # fmt: skip

    again = usco("import", "foreignassistance", str(file), "--date", "2025-11-29", "--keep", data=aid)
    assert (again.exit_code, again.stderr) == (0, f"usco: {file} is already known: release "
                                                  "foreignassistance-2025-11-29; nothing kept\n")  # fmt: skip


def test_import_keep_refuses_a_release_that_does_not_fit(usco: Usco, aid: Path) -> None:
    # the shipped 2025-04-02 file given another day: its source and facts would be defined twice... no:
    # the same day as a release already there is the clash
    file = RAW / CSV
    result = usco("import", "foreignassistance", str(file), "--date", "2025-04-02", "--keep", data=aid)
    assert result.exit_code == 1
    assert result.stderr.startswith("usco: it does not load with the dataset: ") and "2025-04-02" in result.stderr
    assert _kept() == []


# ---------------------------------------------------------------- a kept release that no longer loads


def test_a_kept_release_that_no_longer_loads_is_left_out(usco: Usco, aid: Path, server: release_server._Server) -> None:
    before = usco(*FY2024, data=aid).stdout
    assert _update(usco, aid, "ok", server).exit_code == 0
    dataset = _store() / "releases" / "foreignassistance-2025-12-03" / "dataset.toml"
    good = dataset.read_text(encoding="utf-8")
    dataset.write_text(good.replace('"government"', '"governmental"', 1), encoding="utf-8")  # a stricter rule's view

    result = usco(*FY2024, data=aid)
    assert result.exit_code == 0 and result.stdout == before
    assert result.stderr.startswith("usco: warning: left out your release foreignassistance-2025-12-03: ")
    assert "kind" in result.stderr and result.stderr.count("\n") == 1
    assert usco(*FY2024, data=aid).stderr == result.stderr  # remembered: the next call does not validate again

    dataset.write_text(good, encoding="utf-8")  # mended: read again
    mended = usco(*FY2024, data=aid)
    assert (mended.stderr, mended.stdout.splitlines()[1:]) == (
        "",
        ["fa-2025-12-03-obligations-fy2024\t586471266\t2025-12-03"],
    )
    dataset.write_text(good.replace('"government"', '"governmental"', 1), encoding="utf-8")
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        data = usco_api.load(aid)
    assert [type(w.message).__name__ for w in caught] == ["UserReleaseWarning"]
    assert [left.path for left in data.left_out] == [dataset]
    assert usco("releases", "--remove", "foreignassistance-2025-12-03", data=aid).exit_code == 0
    assert usco(*FY2024, data=aid).stderr == ""


def test_releases_remove_never_a_shipped_one(usco: Usco, aid: Path) -> None:
    result = usco("releases", "--remove", "foreignassistance-2025-04-02", data=aid)
    assert result.exit_code == 1
    assert result.stderr.startswith("usco: foreignassistance-2025-04-02 is a shipped release; only your own")
    unknown = usco("releases", "--remove", "foreignassistance-2030-01-01", data=aid)
    assert unknown.exit_code == 1
    assert unknown.stderr == "usco: no release of your own is called 'foreignassistance-2030-01-01'\n"
