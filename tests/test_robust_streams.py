"""Issue #14, streams and signals: the installed `usco` with full, closed and vanishing outputs, and signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.helpers import REPO, SMALL, SOURCES, USCO, environment

# every test runs the installed script in a subprocess or on a pseudo-terminal
pytestmark = [pytest.mark.slow, pytest.mark.installed]


def _names(folder: Path) -> list[str]:
    return sorted(path.name for path in folder.iterdir())


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def _bad_dataset(path: Path, count: int) -> Path:
    """A dataset with *count* problems (facts with an unknown topic)."""
    facts = "".join(
        f'[[facts]]\nid = "bad-{i}"\ntopic = "nowhere"\ntext = "x"\ndate = "2000"\nsource = "sheet-2020"\n\n'
        for i in range(count)
    )
    path.write_text(SOURCES + facts, encoding="utf-8")
    return path


COMMANDS = [
    ["facts"],
    ["facts", "-f", "json"],
    ["topics"],
    ["show", "covid-total"],
    ["check"],
    ["chart", "peace-support", "-f", "table"],
    ["--help"],
    ["--version"],
    ["facts", "--help"],
]


@pytest.mark.parametrize("args", COMMANDS, ids=" ".join)
def test_a_full_disk_is_one_line_and_exit_1(data: Path, args: list[str]) -> None:
    with Path("/dev/full").open("w") as full:
        result = subprocess.run(
            [USCO, "--data", str(data), *args],
            stdout=full,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(),
            timeout=60,
        )
    assert result.returncode == 1
    assert result.stderr == "usco: cannot write output: No space left on device\n"


@pytest.mark.parametrize("args", [["facts"], ["facts", "-f", "json"], ["--help"], ["--version"], ["facts", "--help"]])
def test_a_closed_stdout_is_one_line_and_exit_1(data: Path, args: list[str]) -> None:
    result = subprocess.run(
        [USCO, "--data", str(data), *args],
        stderr=subprocess.PIPE,
        text=True,
        env=environment(),
        timeout=60,
        preexec_fn=lambda: os.close(1),
    )
    assert result.returncode == 1
    assert result.stderr == "usco: cannot write output: standard output is closed\n"


def test_a_closed_stderr_never_sends_a_message_to_stdout(data: Path) -> None:
    result = subprocess.run(
        [USCO, "--data", str(data), "show", "no-such-fact"],
        stdout=subprocess.PIPE,
        text=True,
        env=environment(),
        timeout=60,
        preexec_fn=lambda: os.close(2),
    )
    assert result.returncode == 1
    assert result.stdout == ""


def _into_closed_pipe(args: list[str]) -> subprocess.CompletedProcess[str]:
    """`usco ARGS | true`: the reader is gone before usco writes."""
    read, write = os.pipe()
    os.close(read)
    try:
        return subprocess.run(
            [USCO, *args], stdout=write, stderr=subprocess.PIPE, text=True, env=environment(), timeout=60
        )
    finally:
        os.close(write)


@pytest.mark.parametrize(
    "args", [["--help"], ["--version"], ["facts", "--help"], ["export", "--help"], ["facts"], ["facts", "-f", "json"]]
)
def test_a_closed_pipe_is_a_quiet_exit_0(data: Path, args: list[str]) -> None:
    result = _into_closed_pipe(["--data", str(data), *args])
    assert (result.returncode, result.stderr) == (0, "")


def test_a_bad_dataset_is_exit_1_whatever_the_reader_does(tmp_path: Path) -> None:
    bad = _bad_dataset(tmp_path / "bad.toml", 3000)
    result = _into_closed_pipe(["check", str(bad)])
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    # and when the reader reads a little and goes (`| head -1`)
    process = subprocess.Popen(
        [USCO, "check", str(bad)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment()
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.readline()
    process.stdout.close()
    assert process.wait(timeout=60) == 1
    assert b"Traceback" not in process.stderr.read()


def test_buffered_output_that_fails_at_exit_says_so_once(data: Path, tmp_path: Path) -> None:
    """A failure in the last flush (here: a file-size limit) is the same one line, not 'Exception ignored'."""
    import resource

    out = tmp_path / "out"

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (100, 100))

    with out.open("w") as handle:
        result = subprocess.run(
            [USCO, "--data", str(data), "facts", "-f", "json"],
            stdout=handle,
            stderr=subprocess.PIPE,
            text=True,
            env=environment(),
            timeout=60,
            preexec_fn=limit,
        )
    assert result.returncode == 1
    assert result.stderr == "usco: cannot write output: File too large\n"


def _slow_dataset(path: Path, count: int = 20000) -> Path:
    facts = "".join(
        f'[[facts]]\nid = "fact-{i}"\ntopic = "aid"\ntext = "Generated fact {i}"\nvalue = {i + 1}\n'
        f'unit = "USD"\ndate = "{2000 + i % 20}"\nsource = "sheet-2020"\n\n'
        for i in range(count)
    )
    path.write_text(SOURCES + facts, encoding="utf-8")
    return path


@pytest.mark.timing
@pytest.mark.parametrize("delay", [0.3, 0.6])
def test_ctrl_c_while_usco_works_is_130_and_quiet(tmp_path: Path, delay: float) -> None:
    data = _slow_dataset(tmp_path / "slow.toml", 60000)
    process = subprocess.Popen(
        [USCO, "--data", str(data), "--no-cache", "facts"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=environment(),
    )
    time.sleep(delay)
    assert process.poll() is None
    process.send_signal(signal.SIGINT)
    assert process.stderr is not None
    stderr = process.stderr.read().decode()
    assert (process.wait(timeout=60), stderr) == (130, "")


def test_ctrl_c_from_the_first_line_of_usco_is_130_and_quiet() -> None:
    """From the moment the launcher imports the usco package, before usco.__main__ or the CLI load."""
    script = (
        "import os, signal, sys, time; sys.argv[0] = 'usco'; import usco; "
        "os.kill(os.getpid(), signal.SIGINT); time.sleep(10); print('not interrupted')"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment(), timeout=30
    )
    assert (result.returncode, result.stdout, result.stderr) == (130, "", "")


def test_a_signal_while_the_modules_load_exits_at_once() -> None:
    """Not SystemExit while importing: one raised in a finalizer (a generator freed mid-way) is printed
    by Python as an ignored exception, with a traceback, and the command carries on to exit 0."""
    script = (
        "import signal, sys; sys.argv = ['usco', '--version']; import usco.__main__ as entry\n"
        "class Spy:\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'usco.cli.app':\n"
        "            print(*(signal.getsignal(number).__name__ for number in (signal.SIGINT, signal.SIGTERM)))\n"
        "sys.meta_path.insert(0, Spy())\n"
        "sys.exit(entry.main())\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment(), timeout=30
    )
    assert (result.returncode, result.stdout.splitlines()[0]) == (0, "_leave_now _leave_now"), result


def test_importing_usco_as_a_library_leaves_sigint_alone() -> None:
    script = "import signal, usco; print(signal.getsignal(signal.SIGINT) is signal.default_int_handler)"
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=environment(), timeout=30
    )
    assert result.stdout == "True\n"


@pytest.mark.timing
def test_sigint_sweep_over_start_up_finds_no_traceback_from_usco() -> None:
    """bench/sigint_sweep.py over the first 100 ms. What may remain is the interpreter's start-up and the
    launcher's own `import re` before it imports usco (no usco code has run): that is reported, not hidden."""
    sys.path.insert(0, str(REPO / "bench"))
    try:
        import sigint_sweep
    finally:
        sys.path.pop(0)
    found = sigint_sweep.sweep(USCO, step=4, until=100, repeat=1)
    assert "usco" not in found["tracebacks"], (found, sigint_sweep.EXAMPLES["usco"])  # the traceback, to be read


# SIGTERM at the worst moment, made deterministic: the installed package's real entry point
# (usco.__main__.main, which bin/usco runs) runs with one function wrapped to send SIGTERM to
# its own process right when a temporary file (or the SQLite -journal) exists.
_TERM_MIDWAY = """
import os, signal, sys
from usco import export, files
where = sys.argv.pop(1)
if where == "sqlite":
    original = export._insert
    def hook(db, table, *args):
        original(db, table, *args)
        if table == "facts":
            os.kill(os.getpid(), signal.SIGTERM)
    export._insert = hook
else:
    original = files.move_into_place if where == "cache" else export._fill
    def hook(*args, **kwargs):
        if where != "cache":
            original(*args, **kwargs)
        os.kill(os.getpid(), signal.SIGTERM)
        if where == "cache":
            original(*args, **kwargs)
    if where == "cache":
        files.move_into_place = hook
    else:
        export._fill = hook
sys.argv[0] = "usco"
from usco.__main__ import main
sys.exit(main())
"""


@pytest.mark.parametrize("where", ["sqlite", "datapackage", "cache"])
def test_sigterm_midway_is_143_and_leaves_no_temporary_files(data: Path, tmp_path: Path, where: str) -> None:
    out = tmp_path / "out"
    out.mkdir()
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "usco"
    args = {
        "sqlite": ["export", "sqlite", str(out / "x.db")],
        "datapackage": ["export", "datapackage", str(out / "pkg")],
        "cache": ["facts"],
    }[where]
    result = subprocess.run(
        [sys.executable, "-c", _TERM_MIDWAY, where, "--data", str(data), *args],
        capture_output=True,
        text=True,
        env=environment(),
        timeout=60,
    )
    assert result.returncode == 143, result.stderr
    assert "Traceback" not in result.stderr
    assert _names(out) == []
    if where == "cache":  # killed as it wrote its first file (a file's part): no file left, in any folder
        assert [path for path in cache.rglob("*") if not path.is_dir()] == []


def test_a_stale_temporary_is_swept_on_the_next_write(data: Path, tmp_path: Path) -> None:
    """What SIGKILL leaves (no handler runs) goes at the next write into that folder."""
    cache = Path(os.environ["XDG_CACHE_HOME"]) / "usco"
    cache.mkdir(parents=True)
    out = tmp_path / "out"
    out.mkdir()
    old = time.time() - 3600
    stale = [
        cache / ".usco-0123456789abcdef.usco-tmp",
        out / ".usco-00000000000000aa.usco-tmp",
        out / ".usco-00000000000000bb.usco-tmp-journal",
    ]
    build = out / ".usco-00000000000000cc.usco-build"  # a folder is never swept (issue #25): kept
    build.mkdir()
    (build / "facts.csv").write_text("half\n", encoding="utf-8")
    fresh = out / ".usco-00000000000000dd.usco-tmp"  # maybe another usco writing right now: kept
    for path in [*stale, fresh]:
        path.write_bytes(b"half")
    for path in [*stale, build]:
        os.utime(path, (old, old))
    env = environment()
    subprocess.run([USCO, "--data", str(data), "facts"], capture_output=True, env=env, timeout=60, check=True)
    subprocess.run(
        [USCO, "--data", str(data), "export", "sqlite", str(out / "x.db")], capture_output=True, env=env, check=True
    )
    assert not any(path.exists() for path in stale)
    assert fresh.exists() and (build / "facts.csv").exists()
