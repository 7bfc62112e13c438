"""Issue #14, sizes and depths: deep chains, long cycles, huge files and a memory limit, by the installed `usco`."""

from __future__ import annotations

import resource
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.helpers import FORMATS, SOURCES, environment, run
from tests.terminal import run_in_pty
from usco import reading

# every test runs the installed script in a subprocess or on a pseudo-terminal
pytestmark = [pytest.mark.slow, pytest.mark.installed]
GENEROUS = 600  # seconds: a guard against a hang or a quadratic blow-up, not a timer


def _run(*args: str, **options: Any) -> subprocess.CompletedProcess[str]:
    return run(*args, timeout=GENEROUS, **options)


def _chain(path: Path, count: int, *, cycle: bool = False) -> Path:
    """f-0 <- f-1 <- ... <- f-(count-1), each part_of the one before; closed into a loop with *cycle*."""
    facts = []
    for i in range(count):
        parent = f"f-{i - 1}" if i else (f"f-{count - 1}" if cycle else None)
        facts.append(
            f'[[facts]]\nid = "f-{i}"\ntopic = "aid"\ntext = "Part {i}"\nvalue = {count - i}\nunit = "USD"\n'
            f'date = "2020"\nsource = "sheet-2020"\n' + (f'part_of = "{parent}"\n' if parent else "") + "\n"
        )
    path.write_text(SOURCES + "".join(facts), encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def deep_chain(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """One 10,000-deep chain for the tests below, which read it through the run's shared cache: parsed once."""
    return _chain(tmp_path_factory.mktemp("deep-chain") / "chain.toml", 10_000)


def test_a_10000_deep_chain_passes_check(deep_chain: Path) -> None:
    result = _run("check", str(deep_chain))
    assert result.returncode == 0 and result.stdout.startswith("ok: 10000 facts"), result.stderr


# One case each, so that parallel runs share them out: the two tables take most of the time (about
# 20 s each here: Rich draws 10,000 cards, each indented by its depth, 100 MB in all).
@pytest.mark.heavy
@pytest.mark.usefixtures("shared_cache")
@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", [["facts"], ["aid"], ["show", "f-9999"], ["show", "f-0"]], ids=" ".join)
def test_a_10000_deep_chain_works_in_every_format(deep_chain: Path, command: list[str], fmt: str) -> None:
    result = _run("--data", str(deep_chain), *command, "-f", fmt, stdout=subprocess.DEVNULL)
    assert result.returncode == 0, (command, fmt, result.stderr[-500:])
    assert "Traceback" not in result.stderr


@pytest.mark.heavy
@pytest.mark.usefixtures("shared_cache")
@pytest.mark.parametrize("command", [["facts"], ["aid"], ["show", "f-9999"]], ids=" ".join)
def test_a_10000_deep_chain_on_a_terminal(deep_chain: Path, command: list[str]) -> None:
    code, screen = run_in_pty(["--data", str(deep_chain), *command], environment(), hang_guard=GENEROUS)
    assert code == 0 and "Traceback" not in screen and "RecursionError" not in screen, command


def test_a_1000_deep_chain_renders_markdown_and_the_table(tmp_path: Path) -> None:
    """The depth that crashed with RecursionError; quick enough to run every time."""
    data = _chain(tmp_path / "chain.toml", 1000)
    for args in (["facts", "-f", "markdown"], ["aid", "-f", "markdown"], ["facts", "-f", "table"]):
        result = _run("--data", str(data), *args)
        assert result.returncode == 0 and "Traceback" not in result.stderr, (args, result.stderr[-300:])
    code, screen = run_in_pty(["--data", str(data), "facts"], environment())
    assert code == 0 and "Traceback" not in screen


def test_a_10000_fact_cycle_is_found_and_named(tmp_path: Path) -> None:
    data = _chain(tmp_path / "cycle.toml", 10_000, cycle=True)
    result = _run("check", str(data))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "a cycle in part_of" in result.stdout
    for fmt in FORMATS:
        result = _run("--data", str(data), "facts", "-f", fmt)
        assert result.returncode == 1 and "Traceback" not in result.stderr
        assert result.stderr.startswith("usco: invalid dataset:") and result.stderr.count("\n") == 2


def test_a_huge_sparse_file_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.toml"
    with huge.open("wb") as handle:
        handle.truncate(3 * 1024**3)  # 3 GB of NULs that take no disk
    limit = 512 * 1024**2

    def small_memory() -> None:  # reading it whole would need 3 GB
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    said = f"is {3 * 1024**3:,} bytes; a dataset may be at most {reading.MAX_BYTES:,} bytes"
    result = _run("--data", str(huge), "facts", preexec_fn=small_memory)
    assert (result.returncode, result.stderr) == (1, f"usco: cannot use dataset {huge}: {said}\n")
    result = _run("check", str(huge), preexec_fn=small_memory)
    assert (result.returncode, result.stdout, result.stderr) == (1, f"{huge}: {said}\n", f"usco: 1 problem in {huge}\n")


def _many_facts(path: Path, count: int) -> Path:
    facts = "".join(
        f'[[facts]]\nid = "fact-{i}"\ntopic = "aid"\ntext = "Generated fact {i}"\nvalue = {i + 1}\n'
        f'unit = "USD"\ndate = "{2000 + i % 20}"\nsource = "sheet-2020"\n\n'
        for i in range(count)
    )
    path.write_text(SOURCES + facts, encoding="utf-8")
    return path


@pytest.mark.parametrize("megabytes", [18, 40, 120])
def test_running_out_of_memory_is_a_message(tmp_path: Path, megabytes: int) -> None:
    """18 MB: not even usco's modules fit; 40 and 120 MB: the dataset does not."""
    data = _many_facts(tmp_path / "big.toml", 50_000)

    def limit() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (megabytes << 20, megabytes << 20))

    result = _run("--data", str(data), "--no-cache", "topics", preexec_fn=limit)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr and "MemoryError" not in result.stderr
    assert result.stderr.startswith("usco: out of memory") and result.stderr.count("\n") == 1, result.stderr
