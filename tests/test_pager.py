"""The pager (design §4): on a terminal, output taller than the screen goes through $USCO_PAGER,
else $PAGER, else `less -FRX`; --no-pager, `cat` or an empty value turn it off; never when piped;
a pager that cannot be started falls back to plain output.

Every test runs the installed usco on a pseudo-terminal 50 rows high (tests/terminal.py) with a
recording pager: a script that keeps its arguments, its environment's LESS and what it was given,
then shows it.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import pytest

from tests.helpers import environment, run, write
from tests.terminal import run_in_pty

pytestmark = [pytest.mark.slow, pytest.mark.installed]

RECORDER = """\
#!{python}
import json, os, sys
data = sys.stdin.buffer.read()
record = os.environ["RECORD"]
with open(record + ".json", "w") as out:
    json.dump({{"argv": sys.argv[1:], "LESS": os.environ.get("LESS"), "tty": os.isatty(1)}}, out)
with open(record + ".out", "wb") as out:
    out.write(data)
sys.stdout.buffer.write(data)
"""

SOURCE = """
[sources.release]
title     = "A release"
publisher = "ForeignAssistance.gov"
url       = "https://example.gov/release"
date      = 2025-11-29

[measures.aid-obligations]
label  = "Obligations"
unit   = "USD"
period = "fiscal_year"
"""


def facts(count: int) -> str:
    """*count* fiscal years of obligations: a table of `count` lines and a few more."""
    return SOURCE + "".join(
        f'\n[[facts]]\nid = "obligations-fy{year}"\ntopic = "aid"\ntext = "Obligations"\nvalue = {year}\n'
        f'unit = "USD"\ndate = "{year}"\nsource = "release"\nmeasure = "aid-obligations"\n'
        for year in range(1940, 1940 + count)
    )


@pytest.fixture
def long(tmp_path: Path) -> Path:
    return write(tmp_path, "long.toml", facts(80))


@pytest.fixture
def short(tmp_path: Path) -> Path:
    return write(tmp_path, "short.toml", facts(3))


@pytest.fixture
def recorder(tmp_path: Path) -> Path:
    script = tmp_path / "bin" / "record-pager"
    script.parent.mkdir()
    script.write_text(RECORDER.format(python=sys.executable))
    script.chmod(0o755)
    return script


def on_terminal(args: list[str], tmp_path: Path, columns: int = 80, **env: str) -> tuple[int, str, dict | None]:
    """Exit status, screen and what the recording pager kept (None if it never ran)."""
    record = tmp_path / "record"
    settings = environment(**{"RECORD": str(record), "TERM": "xterm-256color", **env})
    for name in ("USCO_PAGER", "PAGER"):
        if env.get(name) == "<unset>":
            del settings[name]
    code, screen = run_in_pty(args, settings, columns=columns)
    kept = None
    if (record.parent / "record.json").exists():
        kept = json.loads((record.parent / "record.json").read_text())
        kept["input"] = (record.parent / "record.out").read_bytes().decode()
        for made in ("record.json", "record.out"):
            (record.parent / made).unlink()
    return code, screen.replace("\r\n", "\n"), kept


@pytest.mark.parametrize("columns", [80, 120])
def test_long_output_goes_through_the_pager_with_its_colours(
    long: Path, recorder: Path, tmp_path: Path, columns: int
) -> None:
    code, screen, kept = on_terminal(["--data", str(long), "aid"], tmp_path, columns, USCO_PAGER=f"{recorder} --keep")
    assert code == 0
    assert kept is not None, "the pager did not run"
    assert kept["argv"] == ["--keep"]
    assert kept["LESS"] == "FRX"  # as git sets it: a bare `less` keeps the colours and quits when it fits
    assert kept["tty"] is True  # the pager writes to the terminal itself
    plain_code, plain, nothing = on_terminal(["--data", str(long), "aid", "--no-pager"], tmp_path, columns)
    assert (plain_code, nothing) == (0, None)
    # The same bytes, colour codes and all; the note on stderr comes after the pager, as it came after the output.
    assert plain == kept["input"] + "usco: no other facts match\n"
    assert "\x1b[" in kept["input"]
    assert screen == plain  # what the recorder showed, then the note
    assert plain.count("\n") > 50  # taller than the screen


def test_output_that_fits_is_written_without_a_pager(short: Path, recorder: Path, tmp_path: Path) -> None:
    code, screen, kept = on_terminal(["--data", str(short), "aid"], tmp_path, USCO_PAGER=str(recorder))
    assert (code, kept) == (0, None)
    assert "FY1942" in screen


@pytest.mark.parametrize(
    ("where", "env"),
    [(["--no-pager", "aid"], {}), (["aid", "--no-pager"], {}), (["aid"], {"USCO_PAGER": "cat"}),
     (["aid"], {"USCO_PAGER": ""}), (["aid"], {"USCO_PAGER": "<unset>", "PAGER": "<unset>", "TERM": "dumb"})],
)  # fmt: skip
def test_no_pager_cat_and_a_dumb_terminal_write_straight_out(
    long: Path, recorder: Path, tmp_path: Path, where: list[str], env: dict[str, str]
) -> None:
    # The recorder stands in for `less` too, so a default pager would be seen.
    (recorder.parent / "less").symlink_to(recorder)
    path = f"{recorder.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    settings = {"USCO_PAGER": str(recorder), **env, "PATH": path}
    code, screen, kept = on_terminal(["--data", str(long), *where], tmp_path, **settings)
    assert (code, kept) == (0, None)
    assert "FY2019" in screen


def test_pager_then_usco_pager_then_less_frx(long: Path, recorder: Path, tmp_path: Path) -> None:
    args = ["--data", str(long), "facts"]
    _, _, kept = on_terminal(args, tmp_path, USCO_PAGER="<unset>", PAGER=f"{recorder} from-pager")
    assert kept is not None and kept["argv"] == ["from-pager"]
    _, _, kept = on_terminal(args, tmp_path, USCO_PAGER=f"{recorder} from-usco-pager", PAGER=f"{recorder} no")
    assert kept is not None and kept["argv"] == ["from-usco-pager"]
    (recorder.parent / "less").symlink_to(recorder)
    path = f"{recorder.parent}{os.pathsep}{os.environ.get('PATH', '')}"
    _, _, kept = on_terminal(args, tmp_path, USCO_PAGER="<unset>", PAGER="<unset>", PATH=path)
    assert kept is not None and kept["argv"] == ["-FRX"]


def test_a_missing_pager_falls_back_to_plain_output(long: Path, tmp_path: Path) -> None:
    args = ["--data", str(long), "aid"]
    code, screen, _ = on_terminal(args, tmp_path, USCO_PAGER=str(tmp_path / "no-such-pager") + " -R")
    _, plain, _ = on_terminal([*args, "--no-pager"], tmp_path)
    assert code == 0
    assert screen == plain


def test_a_pager_that_quits_at_once_ends_quietly(long: Path, tmp_path: Path) -> None:
    code, screen, _ = on_terminal(["--data", str(long), "aid"], tmp_path, USCO_PAGER="true")
    assert (code, screen) == (0, "usco: no other facts match\n")


def test_a_note_after_the_output_stays_after_it(long: Path, short: Path, recorder: Path, tmp_path: Path) -> None:
    """`aid --measure` has no other figures: its note follows the table, through a pager or not."""
    args = ["aid", "--measure", "aid-obligations"]
    code, screen, kept = on_terminal(["--data", str(long), *args], tmp_path, USCO_PAGER=str(recorder))
    assert code == 0 and kept is not None
    assert "no other facts match" not in kept["input"]
    assert screen == kept["input"] + "usco: no other facts match\n"
    code, screen, kept = on_terminal(["--data", str(short), *args], tmp_path, USCO_PAGER=str(recorder))
    assert (code, kept) == (0, None)
    assert screen.index("FY1942") < screen.index("usco: no other facts match")


def test_piped_output_never_goes_to_the_pager(long: Path, recorder: Path, tmp_path: Path) -> None:
    result = run("--data", str(long), "aid", env=environment(USCO_PAGER=str(recorder), RECORD=str(tmp_path / "r")))
    assert result.returncode == 0
    assert result.stdout.startswith("id\ttopic\t")
    assert not (tmp_path / "r.json").exists()


def test_a_command_that_writes_files_is_never_paged(long: Path, recorder: Path, tmp_path: Path) -> None:
    code, screen, kept = on_terminal(["--data", str(long), "check"], tmp_path, USCO_PAGER=str(recorder))
    assert (code, kept) == (0, None)
    assert screen.startswith("ok: 80 facts")


def test_help_names_no_pager(tmp_path: Path) -> None:
    result = run("--help")
    assert "--no-pager" in result.stdout and "without a pager" in " ".join(result.stdout.split())


def test_ctrl_c_in_the_pager_is_the_pagers(long: Path, recorder: Path, tmp_path: Path) -> None:
    """A Ctrl-C while the pager runs reaches usco too (one process group); usco waits for the pager
    and leaves with the command's status, as git does, rather than leaving the pager on the terminal."""
    interrupting = recorder.parent / "interrupting-pager"
    interrupting.write_text(
        RECORDER.format(python=sys.executable).replace(
            "data = sys.stdin.buffer.read()",
            "import signal, time\nos.kill(os.getppid(), signal.SIGINT)\ntime.sleep(0.2)\n"
            "data = sys.stdin.buffer.read()",
        )
    )
    interrupting.chmod(0o755)
    code, screen, kept = on_terminal(["--data", str(long), "facts"], tmp_path, USCO_PAGER=str(interrupting))
    assert kept is not None
    assert (code, screen) == (0, kept["input"])
