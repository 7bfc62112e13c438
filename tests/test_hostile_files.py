"""Hostile files and environments, through the installed `usco` script in a subprocess.

--data naming a directory, a missing file, a symlink loop, a FIFO, a binary file, an
empty file, a file with a byte-order mark, a 50 MB file: one clear line on stderr and
exit 1, or exit 0 when the file really is a dataset; never a traceback, never a hang.
And a terminal that cannot show "Iván" or "–" (PYTHONIOENCODING=ascii, LC_ALL=C)
still gets its answer instead of a UnicodeEncodeError.
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import helpers
from tests.helpers import SMALL, environment
from tests.hypothesis_profiles import case_summary, tally

SMALL_IDS = ["recognition", "trade-2019", "peace-2020", "peace-2023", "covid-part", "covid-total"]
FIFTY_MB = 50 * 1024 * 1024

# every test runs the installed script, most of them several times
pytestmark = [pytest.mark.slow, pytest.mark.installed]

_case_summary = case_summary()


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
    """The installed usco, stdin closed, USCO_DATA and terminal settings cleared, with a hang guard; bytes."""
    tally("test_hostile_files::subprocess runs")
    result: subprocess.CompletedProcess[bytes] = helpers.run(
        *args, env=environment(**(env or {})), stdin=subprocess.DEVNULL, text=False
    )
    return result


def assert_no_traceback(result: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in result.stderr + result.stdout, result.stderr.decode(errors="replace")[-2000:]
    assert result.returncode in (0, 1, 2), f"exit {result.returncode}: {result.stderr[-500:]!r}"


def stderr_lines(result: subprocess.CompletedProcess[bytes]) -> list[str]:
    return result.stderr.decode("utf-8", errors="replace").strip().splitlines()


# ---------------------------------------------------------------- paths that cannot be read


def _directory(tmp_path: Path) -> Path:
    (tmp_path / "a-directory").mkdir()
    return tmp_path / "a-directory"


def _missing(tmp_path: Path) -> Path:
    return tmp_path / "missing.toml"


def _dangling_symlink(tmp_path: Path) -> Path:
    (tmp_path / "dangling.toml").symlink_to(tmp_path / "gone.toml")
    return tmp_path / "dangling.toml"


def _symlink_loop(tmp_path: Path) -> Path:
    (tmp_path / "loop-a.toml").symlink_to(tmp_path / "loop-b.toml")
    (tmp_path / "loop-b.toml").symlink_to(tmp_path / "loop-a.toml")
    return tmp_path / "loop-a.toml"


def _fifo(tmp_path: Path) -> Path:
    os.mkfifo(tmp_path / "a-fifo.toml")  # nobody writes to it: opening it for reading would block forever
    return tmp_path / "a-fifo.toml"


def _unreadable(tmp_path: Path) -> Path:
    path = tmp_path / "secret.toml"
    path.write_text(SMALL, encoding="utf-8")
    path.chmod(0)
    return path


UNREADABLE: dict[str, tuple[Callable[[Path], Path], str]] = {
    "directory": (_directory, r"directory"),
    "missing file": (_missing, r"no such file|not found|does not exist"),
    "dangling symlink": (_dangling_symlink, r"no such file|not found|does not exist|broken"),
    "symlink loop": (_symlink_loop, r"symbolic link|loop"),
    "FIFO": (_fifo, r"not a regular file|fifo|pipe"),
    "no read permission": (_unreadable, r"permission"),
}


@pytest.mark.parametrize("via", ["--data", "USCO_DATA"])
@pytest.mark.parametrize("make, reason", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_unreadable_data_path_is_one_clear_line_and_exit_1(
    tmp_path: Path, make: Callable[[Path], Path], reason: str, via: str
) -> None:
    path = make(tmp_path)
    if make is _unreadable and os.access(path, os.R_OK):
        pytest.skip("running as a user who can read any file (root)")
    if via == "--data":
        result = run("--data", str(path), "facts", "-f", "json")
    else:
        result = run("facts", "-f", "json", env={"USCO_DATA": str(path)})
    assert_no_traceback(result)
    assert result.returncode == 1
    assert result.stdout == b""
    lines = stderr_lines(result)
    assert lines and str(path) in lines[0] and re.search(reason, lines[0], re.IGNORECASE), lines
    # A path that cannot be read is not an invalid dataset (design §5): no "run `usco check`" line.
    assert len(lines) == 1, f"expected one line on stderr, got {len(lines)}:\n" + "\n".join(lines)


@pytest.mark.parametrize("make, reason", UNREADABLE.values(), ids=UNREADABLE.keys())
def test_check_of_an_unreadable_path_exits_1_without_traceback(
    tmp_path: Path, make: Callable[[Path], Path], reason: str
) -> None:
    path = make(tmp_path)
    if make is _unreadable and os.access(path, os.R_OK):
        pytest.skip("running as a user who can read any file (root)")
    result = run("check", str(path))
    assert_no_traceback(result)
    assert result.returncode == 1
    assert re.search(reason, (result.stdout + result.stderr).decode(errors="replace"), re.IGNORECASE)


# ---------------------------------------------------------------- files that are, or are not, datasets


def _facts_json(result: subprocess.CompletedProcess[bytes]) -> list[str]:
    return [fact["id"] for fact in json.loads(result.stdout)]


@pytest.mark.parametrize(
    "content, ids",
    [
        (b"", []),
        (b"\xef\xbb\xbf", []),
        (b"\xef\xbb\xbf" + SMALL.encode(), SMALL_IDS),
        (b"# nothing but a comment\n", []),
    ],
    ids=["empty file", "only a byte-order mark", "byte-order mark then a dataset", "only a comment"],
)
def test_files_that_are_datasets_exit_0(tmp_path: Path, content: bytes, ids: list[str]) -> None:
    path = tmp_path / "data.toml"
    path.write_bytes(content)
    result = run("--data", str(path), "facts", "-f", "json")
    assert_no_traceback(result)
    assert result.returncode == 0, result.stderr.decode(errors="replace")
    assert sorted(_facts_json(result)) == sorted(ids)
    assert result.stderr == b""
    check = run("check", str(path))
    assert check.returncode == 0 and check.stdout.startswith(b"ok: "), check.stdout + check.stderr


def _binary() -> bytes:
    noise = random.Random(20200918)
    return b"\x89PNG\r\n\x1a\n\x00\x00" + bytes(noise.randrange(256) for _ in range(4096))


@pytest.mark.parametrize(
    "content, reason",
    [
        (_binary(), r"UTF-8|binary|text"),
        ("[[facts]]\nid = 'x'\n".encode("utf-16"), r"UTF-8|binary|text"),
        (b"\x00" * 1000, r"UTF-8|binary|text|NUL|null|control|syntax"),
    ],
    ids=["binary", "UTF-16 text", "NUL bytes"],
)
def test_files_that_are_not_text_exit_1_with_a_clear_line(tmp_path: Path, content: bytes, reason: str) -> None:
    path = tmp_path / "data.toml"
    path.write_bytes(content)
    result = run("--data", str(path), "facts", "-f", "json")
    assert_no_traceback(result)
    assert result.returncode == 1
    assert result.stdout == b""
    assert_names_the_file(stderr_lines(result), path, reason)


def assert_names_the_file(lines: list[str], path: Path, reason: str) -> None:
    """One line naming the file and what is wrong; design §5 allows a second pointing to `usco check`."""
    assert lines, "no message"
    assert str(path) in lines[0] and re.search(reason, lines[0], re.IGNORECASE), lines[0]
    assert len(lines) == 1 or (len(lines) == 2 and "usco check" in lines[1]), "\n".join(lines)


def test_fifty_megabytes_of_dataset_is_read(tmp_path: Path) -> None:
    path = tmp_path / "big.toml"
    comment = b"# " + b"padding " * 12 + b"\n"
    try:
        with path.open("wb") as out:
            out.write(SMALL.encode())
            out.write(comment * (FIFTY_MB // len(comment) + 1))
        assert path.stat().st_size >= FIFTY_MB
        result = run("--data", str(path), "facts", "-f", "json")
        assert_no_traceback(result)
        assert result.returncode == 0, result.stderr.decode(errors="replace")
        assert sorted(_facts_json(result)) == sorted(SMALL_IDS)
    finally:
        path.unlink(missing_ok=True)


def test_fifty_megabytes_of_noise_is_refused_with_a_clear_line(tmp_path: Path) -> None:
    path = tmp_path / "noise.toml"
    try:
        with path.open("wb") as out:
            block = _binary()
            for _ in range(FIFTY_MB // len(block) + 1):
                out.write(block)
        result = run("--data", str(path), "facts", "-f", "json")
        assert_no_traceback(result)
        assert result.returncode == 1
        assert result.stdout == b""
        assert_names_the_file(stderr_lines(result), path, r"UTF-8|binary|text")
    finally:
        path.unlink(missing_ok=True)


# ---------------------------------------------------------------- a terminal that is not UTF-8

NOT_UTF8 = {
    "PYTHONIOENCODING=ascii LC_ALL=C": {"PYTHONIOENCODING": "ascii", "LC_ALL": "C"},
    "PYTHONIOENCODING=latin-1": {"PYTHONIOENCODING": "latin-1", "LC_ALL": "C"},
    "LC_ALL=C without UTF-8 mode": {"LC_ALL": "C", "PYTHONUTF8": "0", "PYTHONCOERCECLOCALE": "0"},
}
#: SMALL and a fact and a source whose words are not ASCII ("Iván", "–"), as the shipped dataset's are.
NON_ASCII = (
    SMALL
    + """
[sources.state-2020-09-18-partnership]
title     = "Colombia and the United States: Strengthening Our Partnership, 2020–2021"
publisher = "U.S. Department of State"
kind      = "government"
url       = "https://example.gov/partnership"
short     = "State fact sheet, Sep 2020"
date      = 2020-09-18

[[facts]]
id        = "pompeo-visit-2020"
topic     = "milestone"
text      = "Secretary Pompeo travels to Colombia to meet President Iván Duque"
date      = 2020-09-18
end       = 2020-09-19
status    = "planned"
source    = "state-2020-09-18-partnership"
tags      = ["diplomacy", "pompeo"]
"""
)


@pytest.fixture(scope="module")
def non_ascii(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("non-ascii") / "facts.toml"
    path.write_text(NON_ASCII, encoding="utf-8")
    return str(path)


COMMANDS = {
    "facts -f table": ["facts", "-f", "table"],
    "facts -f json": ["facts", "-f", "json"],
    "facts -f tsv": ["facts", "-f", "tsv"],
    "show pompeo-visit-2020": ["show", "pompeo-visit-2020"],
    "show pompeo-visit-2020 -f table": ["show", "pompeo-visit-2020", "-f", "table"],
}


def test_the_dataset_has_non_ascii_text(non_ascii: str) -> None:
    """The tests below rely on it: if this fails, they no longer test anything."""
    text = Path(non_ascii).read_text(encoding="utf-8")
    assert "Iván" in text and "–" in text


@pytest.mark.parametrize("command", COMMANDS.values(), ids=COMMANDS.keys())
@pytest.mark.parametrize("env", NOT_UTF8.values(), ids=NOT_UTF8.keys())
def test_output_to_a_terminal_that_is_not_utf8_never_raises(
    non_ascii: str, env: dict[str, str], command: list[str]
) -> None:
    result = run("--data", non_ascii, *command, env=env)
    assert b"UnicodeEncodeError" not in result.stderr, result.stderr.decode(errors="replace")[-600:]
    assert_no_traceback(result)
    assert result.returncode == 0
    assert b"pompeo-visit-2020" in result.stdout
    if "json" in command:
        text = {fact["id"]: fact["text"] for fact in json.loads(result.stdout.decode(errors="replace"))}
        # "Iván", or a stand-in for the á; but still JSON that parses
        assert re.fullmatch(r"Secretary Pompeo .* President Iv.{1,8}n Duque", text["pompeo-visit-2020"])
