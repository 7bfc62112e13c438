"""Issue #14, every file usco writes: exports, import --output, chart --svg, by the installed `usco`."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import SMALL, environment, run

# every test runs the installed script in a subprocess or on a pseudo-terminal
pytestmark = [pytest.mark.slow, pytest.mark.installed]
PACKAGE = ["datapackage.json", "facts.csv", "measures.csv", "sources.csv"]
RELEASE = (
    b"Country Code,Country Name,Transaction Type Name,Fiscal Year,current_amount,constant_amount\n"
    b"COL,Colombia,Obligations,2016,1000,1000\n"
)


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


@pytest.fixture
def release(tmp_path: Path) -> Path:
    path = tmp_path / "us_foreign_aid_country.csv"
    path.write_bytes(RELEASE)
    return path


@pytest.fixture
def out(tmp_path: Path) -> Path:
    folder = tmp_path / "out"
    folder.mkdir()
    return folder


def _writers(data: Path, release: Path) -> dict[str, list[str]]:
    """Each way usco writes one file, with the target left as {target}."""
    return {
        "sqlite": ["--data", str(data), "export", "sqlite", "{target}"],
        "import": ["import", "foreignassistance", str(release), "--date", "2025-04-02", "-o", "{target}"],
        "svg": ["--data", str(data), "chart", "peace-support", "--svg", "{target}"],
    }


def _write(how: list[str], target: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run(*[str(target) if part == "{target}" else part for part in how], *extra)


def _assert_one_line(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 1, result
    assert "Traceback" not in result.stderr
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("usco: "), result.stderr


def _leftovers(folder: Path) -> list[str]:
    return sorted(name for name in _names(folder) if name.startswith(".usco-") or "journal" in name)


KINDS = ["sqlite", "import", "svg"]


@pytest.mark.parametrize("kind", KINDS)
def test_writes_a_file_and_refuses_to_replace_it_without_force(data: Path, release: Path, out: Path, kind: str) -> None:
    how = _writers(data, release)[kind]
    target = out / "result"
    assert _write(how, target).returncode == 0
    first = target.read_bytes()
    target.write_bytes(b"precious")
    _assert_one_line(_write(how, target))
    assert target.read_bytes() == b"precious"
    assert _write(how, target, "--force").returncode == 0
    assert target.read_bytes() == first or kind == "sqlite"
    assert _leftovers(out) == []


@pytest.mark.parametrize("kind", KINDS)
def test_force_never_replaces_a_fifo(data: Path, release: Path, out: Path, kind: str) -> None:
    target = out / "fifo"
    os.mkfifo(target)
    _assert_one_line(_write(_writers(data, release)[kind], target, "--force"))
    assert stat.S_ISFIFO(target.lstat().st_mode)
    assert _leftovers(out) == []


@pytest.mark.parametrize("kind", KINDS)
def test_force_never_replaces_a_device_node(data: Path, release: Path, out: Path, kind: str) -> None:
    target = out / "null"
    try:
        os.mknod(target, stat.S_IFCHR | 0o666, os.makedev(1, 3))  # like /dev/null
    except PermissionError:
        pytest.skip("making a device node needs privileges")
    _assert_one_line(_write(_writers(data, release)[kind], target, "--force"))
    assert stat.S_ISCHR(target.lstat().st_mode)


@pytest.mark.parametrize("kind", KINDS)
@pytest.mark.parametrize("force", [False, True])
def test_a_symlink_is_never_replaced(data: Path, release: Path, out: Path, kind: str, force: bool) -> None:
    target = out / "link"
    target.symlink_to(out / "nowhere")  # dangling
    _assert_one_line(_write(_writers(data, release)[kind], target, *(["--force"] if force else [])))
    assert target.is_symlink() and not (out / "nowhere").exists()


@pytest.mark.parametrize("kind", [*KINDS, "datapackage"])
def test_a_name_over_255_bytes_is_one_line(data: Path, release: Path, out: Path, kind: str) -> None:
    how = _writers(data, release).get(kind, ["--data", str(data), "export", "datapackage", "{target}"])
    result = _write(how, out / ("é" * 128))  # 256 bytes in UTF-8
    _assert_one_line(result)
    assert "too long" in result.stderr
    assert _names(out) == []


# A file that appears at the target while usco writes: made deterministic by running the
# installed package's entry point with one step wrapped to create the target mid-way.
_APPEAR_MIDWAY = """
import sys
from pathlib import Path
from usco import files
target = Path(sys.argv.pop(1))
check, move = files.check_target, files.move_into_place
moving = []
def checked_then_appears(where, *, replace):
    check(where, replace=replace)
    if moving and where == target:  # the last check passed; now something appears before the final step
        where.write_bytes(b"appeared")
def move_into_place(temporary, where, *, replace):
    if where == target:
        moving.append(where)
    move(temporary, where, replace=replace)
files.check_target, files.move_into_place = checked_then_appears, move_into_place
sys.argv[0] = "usco"
from usco.__main__ import main
sys.exit(main())
"""


@pytest.mark.parametrize("kind", KINDS)
def test_a_file_that_appears_meanwhile_is_not_replaced(data: Path, release: Path, out: Path, kind: str) -> None:
    target = out / "result"
    args = [str(target) if part == "{target}" else part for part in _writers(data, release)[kind]]
    result = subprocess.run(
        [sys.executable, "-c", _APPEAR_MIDWAY, str(target), *args], capture_output=True, text=True, env=environment()
    )
    _assert_one_line(result)
    assert "appeared" in result.stderr
    assert target.read_bytes() == b"appeared"
    assert _leftovers(out) == []


# ---------------------------------------------------------------- a Data Package, whole or not at all


def _old_package(directory: Path) -> dict[str, bytes]:
    directory.mkdir()
    old = {name: f"old {name}\n".encode() for name in PACKAGE}
    for name, content in old.items():
        (directory / name).write_bytes(content)
    return old


def _contents(directory: Path) -> dict[str, bytes]:
    return {path.name: path.read_bytes() for path in directory.iterdir()}


def _file_size_limit(limit: int):  # type: ignore[no-untyped-def]
    def set_limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return set_limit


def test_a_package_is_replaced_whole(data: Path, out: Path) -> None:
    package = out / "pkg"
    _old_package(package)
    result = run("--data", str(data), "export", "datapackage", str(package), "--force")
    assert result.returncode == 0, result.stderr
    assert _names(package) == PACKAGE
    assert (package / "facts.csv").read_text(encoding="utf-8").startswith("id,topic,text")
    assert _names(out) == ["pkg"]


def test_a_package_failing_part_way_leaves_the_old_one_whole(data: Path, out: Path) -> None:
    package = out / "pkg"
    old = _old_package(package)
    # 500 bytes: sources.csv and measures.csv fit, facts.csv does not
    result = run(
        "--data", str(data), "export", "datapackage", str(package), "--force", preexec_fn=_file_size_limit(500)
    )
    _assert_one_line(result)
    assert "File too large" in result.stderr
    assert _contents(package) == old
    assert _names(out) == ["pkg"]


def test_a_package_beside_other_files_fails_part_way_without_a_trace(data: Path, out: Path) -> None:
    package = out / "pkg"
    old = _old_package(package)
    (package / "notes.txt").write_bytes(b"mine")
    result = run(
        "--data", str(data), "export", "datapackage", str(package), "--force", preexec_fn=_file_size_limit(500)
    )
    _assert_one_line(result)
    assert _contents(package) == {**old, "notes.txt": b"mine"}
    result = run("--data", str(data), "export", "datapackage", str(package), "--force")
    assert result.returncode == 0, result.stderr
    after = _contents(package)
    assert after["notes.txt"] == b"mine" and after["facts.csv"].startswith(b"id,topic,text")
    assert sorted(after) == sorted([*PACKAGE, "notes.txt"])


def test_a_package_is_not_replaced_without_force(data: Path, out: Path) -> None:
    package = out / "pkg"
    old = _old_package(package)
    _assert_one_line(run("--data", str(data), "export", "datapackage", str(package)))
    assert _contents(package) == old


@pytest.mark.parametrize("what", ["fifo", "symlink", "directory"])
def test_a_package_file_that_is_not_regular_is_never_replaced(data: Path, out: Path, what: str) -> None:
    package = out / "pkg"
    package.mkdir()
    target = package / "facts.csv"
    {"fifo": lambda: os.mkfifo(target), "symlink": lambda: target.symlink_to("/dev/null"), "directory": target.mkdir}[
        what
    ]()
    _assert_one_line(run("--data", str(data), "export", "datapackage", str(package), "--force"))
    assert _names(package) == ["facts.csv"]


def test_a_package_directory_that_is_a_symlink_is_refused(data: Path, out: Path) -> None:
    (out / "real").mkdir()
    (out / "pkg").symlink_to(out / "real")
    _assert_one_line(run("--data", str(data), "export", "datapackage", str(out / "pkg"), "--force"))
    assert _names(out / "real") == []
