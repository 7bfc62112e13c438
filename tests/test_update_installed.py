"""`usco update` as people run it: the installed usco in a subprocess, against a real HTTP server on
127.0.0.1 (tests/release_server.py) — Ctrl-C mid-download, a full disk, two runs at once, the
progress bar on a terminal."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests import release_server
from tests.helpers import RAW, USCO, environment, needed, run, with_series
from tests.release_server import base
from tests.terminal import run_in_pty

pytestmark = [pytest.mark.slow, pytest.mark.installed]

FY2024 = ("facts", "--measure", "aid-obligations", "--since", "2024", "--until", "2024", "-f", "tsv")


@pytest.fixture(scope="module")
def server() -> Iterator[release_server._Server]:
    with release_server.serving() as running:
        yield running


@pytest.fixture
def aid(tmp_path: Path) -> Path:
    needed(RAW)
    (tmp_path / "aid").mkdir()
    return with_series(tmp_path / "aid", "foreignassistance-2025-04-02.toml")


def _releases() -> list[str]:
    folder = Path(os.environ["XDG_DATA_HOME"]) / "usco" / "releases"
    return sorted(path.name for path in folder.iterdir()) if folder.exists() else []


def _update(data: Path, mirror: str) -> list[str]:
    return [USCO, "--data", str(data), "update", "foreignassistance", "--mirror", mirror]


@pytest.mark.parametrize(
    ("signal_number", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)], ids=["ctrl-c", "term"]
)
def test_a_signal_during_a_download_keeps_nothing(aid: Path, server: release_server._Server, signal_number: int,
                                                  status: int) -> None:  # fmt: skip
    before = run("--data", str(aid), *FY2024).stdout
    count = len(server.requests)
    process = subprocess.Popen(_update(aid, base(server, "slow")), env=environment(), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)  # fmt: skip
    deadline = time.monotonic() + 30
    while len(server.requests) == count and time.monotonic() < deadline:  # the download has begun
        time.sleep(0.05)
    time.sleep(0.3)
    process.send_signal(signal_number)
    out, err = process.communicate(timeout=30)
    assert process.returncode == status
    assert (out, err) == ("", "")
    assert _releases() == []  # not even a temporary folder
    assert run("--data", str(aid), *FY2024).stdout == before


def test_a_full_disk_keeps_nothing(aid: Path, server: release_server._Server) -> None:
    before = run("--data", str(aid), *FY2024).stdout  # the cache is written here, under no limit

    def limit() -> None:  # the 2.4 MB release does not fit under 1 MB
        resource.setrlimit(resource.RLIMIT_FSIZE, (1_000_000, 1_000_000))

    result = subprocess.run(_update(aid, base(server, "ok")), env=environment(), capture_output=True, text=True,
                            preexec_fn=limit, timeout=60)  # fmt: skip
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        f"usco: foreignassistance: {base(server, 'ok')}us_foreign_aid_country.csv: "
        "cannot save the download: File too large\n"
    )
    assert _releases() == []
    assert run("--data", str(aid), *FY2024).stdout == before


def test_two_updates_at_once_keep_one_release_whole(aid: Path, server: release_server._Server) -> None:
    run("--data", str(aid), *FY2024)  # the cache first, so that both runs race on the download and the keeping
    command = _update(aid, base(server, "plain"))
    pipes = {"stdout": subprocess.PIPE, "stderr": subprocess.PIPE, "text": True}
    processes = [subprocess.Popen(command, env=environment(), **pipes) for _ in range(2)]  # type: ignore[call-overload]
    results = [(process.wait(timeout=60), *process.communicate()) for process in processes]
    assert [code for code, _, _ in results] == [0, 0], results
    lines = sorted(out for _, out, _ in results)
    assert lines[1].startswith("foreignassistance: new release foreignassistance-"), lines
    assert lines[0].startswith("foreignassistance: already known: release foreignassistance-"), lines
    assert [err for _, _, err in results] == ["", ""]
    kept = _releases()
    assert len(kept) == 1 and not kept[0].startswith(".")
    folder = Path(os.environ["XDG_DATA_HOME"]) / "usco" / "releases" / kept[0]
    assert sorted(path.name for path in folder.iterdir()) == [
        "dataset.toml", "release.json", "us_foreign_aid_country.csv"]  # fmt: skip


def test_a_download_shows_its_progress_on_a_terminal(aid: Path, server: release_server._Server) -> None:
    status, screen = run_in_pty(_update(aid, base(server, "ok"))[1:], environment())
    assert status == 0, screen
    assert "foreignassistance" in screen and "2.5/2.5 MB" in screen, screen
    assert "new release foreignassistance-2025-12-03 kept" in screen
