"""Issue #14, terminal safety: what reaches a real terminal (a pseudo-terminal) from the installed `usco`."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from tests.helpers import FORMATS, SMALL, commands, environment, options, with_arguments
from tests.terminal import run_in_pty

# every test runs the installed script in a subprocess or on a pseudo-terminal
pytestmark = [pytest.mark.slow, pytest.mark.installed]
RAW = ["\x1b[2J", "\x1b]52", "\x07", "\u202e", "\u200b", "\u200d", "\ufeff"]
HOSTILE = "x\x1b[2J\x1b]52;c;aGVsbG8=\x07\u202eevil"  # clear screen, OSC 52 clipboard write, right-to-left override


def _safe(screen: str) -> None:
    for raw in RAW:
        assert raw not in screen, (raw, screen[-400:])
    assert not re.search(r"\r(?!\n)", screen), screen[-400:]  # the terminal turns \n into \r\n; no other CR


HOSTILE_DATA = """
[sources.sheet-2020]
title     = "Fact\\rsheet\\u200b2020\\u202e"
publisher = "U.S.\\u200dDepartment of State"
url       = "https://example.gov/2020\\r\\ufeffx"
short     = "Sheet\\r2020"
date      = 2020-09-18
date_note = "dated\\rby\\u200bhand\\u001b]52;c;aGk=\\u0007"

[measures.peace-support]
label = "Support\\u200b to\\r peace"
unit  = "USD"

[[facts]]
id        = "covid-total"
topic     = "aid"
text      = "COVID-19 assistance\\u200b\\u200d\\ufeff\\u202e\\u001b[2J"
value     = 23_600_000
unit      = "USD"
date      = "2020"
source    = "sheet-2020"
measure   = "peace-support"
tags      = ["co\\rvid", "a\\u200bb"]
"""


@pytest.fixture
def hostile(tmp_path: Path) -> Path:
    path = tmp_path / "hostile.toml"
    path.write_text(HOSTILE_DATA, encoding="utf-8")
    return path


#: Every command that takes -f (read from the registry), with the arguments it needs.
COMMANDS = [list(with_arguments(words, command)) for words, command in commands().items() if "-f" in options(command)]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("command", COMMANDS, ids=" ".join)
def test_carriage_returns_and_zero_width_characters_are_shown_not_sent(
    hostile: Path, command: list[str], fmt: str
) -> None:
    code, screen = run_in_pty(["--data", str(hostile), *command, "-f", fmt], environment(NO_COLOR="1"))
    assert "Traceback" not in screen
    _safe(screen)
    if code == 0 and command[0] in ("facts", "sources", "show"):
        assert "\\u200b" in screen  # shown, as an escape


@pytest.fixture
def named(tmp_path: Path) -> Path:
    """A valid dataset whose file name holds a clear-screen, an OSC 52 clipboard write and U+202E."""
    folder = tmp_path / "in"
    folder.mkdir()
    path = folder / f"{HOSTILE}.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def _screen(args: list[str], cwd: Path | None = None) -> tuple[int, str]:
    if cwd is not None:
        old = Path.cwd()
        os.chdir(cwd)
        try:
            return run_in_pty(args, environment(NO_COLOR="1"))
        finally:
            os.chdir(old)
    return run_in_pty(args, environment(NO_COLOR="1"))


def test_check_ok_line_escapes_the_name(named: Path) -> None:
    code, screen = _screen(["check", str(named)])
    assert code == 0 and screen.startswith("ok: ")
    _safe(screen)
    assert "\\x1b[2J" in screen and "\\u202e" in screen


def test_check_problem_lines_escape_the_name(named: Path) -> None:
    named.write_text(SMALL + '\n[[facts]]\nid = "bad"\ntopic = "nowhere"\n', encoding="utf-8")
    code, screen = _screen(["check", str(named)])
    assert code == 1 and screen.count("\\u202e") >= 2  # every problem line and the count line
    _safe(screen)


def test_data_errors_escape_the_name(tmp_path: Path) -> None:
    for target in (tmp_path / f"{HOSTILE}.toml", tmp_path):  # missing; a directory
        code, screen = _screen(["--data", str(target / "x") if target == tmp_path else str(target), "facts"])
        assert code == 1 and screen.startswith("usco: cannot use dataset")
        _safe(screen)


def test_written_names_are_escaped(named: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    release = tmp_path / "release.csv"
    release.write_bytes(
        b"Country Code,Country Name,Transaction Type Name,Fiscal Year,current_amount,constant_amount\n"
        b"COL,Colombia,Obligations,2016,1000,1000\n"
    )
    runs = [
        ["--data", str(named), "export", "sqlite", str(out / f"{HOSTILE}.db")],
        ["--data", str(named), "export", "datapackage", str(out / f"{HOSTILE}-pkg")],
        ["--data", str(named), "chart", "peace-support", "--svg", str(out / f"{HOSTILE}.svg")],
        ["import", "foreignassistance", str(release), "--date", "2025-04-02", "-o", str(out / f"{HOSTILE}.toml")],
    ]
    for args in runs:
        code, screen = _screen(args)
        assert code == 0, (args, screen)
        assert "\\u202e" in screen, screen
        _safe(screen)
        code, screen = _screen(args)  # and the refusal to overwrite it
        assert code == 1 and "\\u202e" in screen
        _safe(screen)


@pytest.mark.parametrize(
    "args",
    [["topics", "x\u202e\x1b[2J"], ["facts", "--since", "20\u202e\x1b]52;c;aGk=\x07"], ["facts", "--nope\u200b"]],
    ids=["extra argument", "bad --since", "unknown option"],
)
def test_usage_errors_escape_what_was_typed(args: list[str]) -> None:
    code, screen = _screen(args)
    assert code == 2 and "Error:" in screen and "Traceback" not in screen
    _safe(screen)


def test_an_empty_data_path_is_an_error_but_an_empty_usco_data_is_unset(tmp_path: Path) -> None:
    code, screen = _screen(["--data", "", "facts"])
    assert code == 2 and "--data" in screen and "empty path" in screen
    data = tmp_path / "small.toml"
    data.write_text(SMALL, encoding="utf-8")
    env = {**environment(NO_COLOR="1"), "USCO_DATA": ""}
    code, screen = run_in_pty(["--data", str(data), "facts", "-f", "tsv"], env)
    assert code == 0 and "covid-total" in screen
    code, screen = run_in_pty(["check", "--help"], env)
    assert code == 0


def test_a_newline_in_a_name_cannot_forge_a_line(tmp_path: Path) -> None:
    forged = tmp_path / "a\nusco: all is well"
    forged.write_text(SMALL, encoding="utf-8")
    code, screen = _screen(["--data", str(forged / "x"), "facts"])
    assert code == 1 and screen.count("\n") == 1 and "a\\nusco: all is well" in screen
    code, screen = _screen(["check", str(forged)])
    assert code == 0 and screen.count("\n") == 1
