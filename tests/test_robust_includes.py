"""Issue #25, includes and paths: chains of thousands of includes, a NUL character in a path, and the hint
that names the file that failed."""

from __future__ import annotations

from pathlib import Path

import pytest

import usco
from tests.helpers import SMALL, SOURCES, run


def _chain(folder: Path, count: int) -> Path:
    """n0.toml includes n1.toml, ..., which includes n{count-1}.toml: the sources and one fact at the end."""
    folder.mkdir(exist_ok=True)
    last = (
        SOURCES
        + '[[facts]]\nid = "deepest"\ntopic = "aid"\ntext = "At the end"\ndate = "2020"\nsource = "sheet-2020"\n'
    )
    for number in range(count):
        text = f'include = ["n{number + 1}.toml"]\n' if number < count - 1 else last
        (folder / f"n{number}.toml").write_text(text, encoding="utf-8")
    return folder / "n0.toml"


@pytest.mark.slow
@pytest.mark.installed
def test_a_chain_of_1000_includes_is_read(tmp_path: Path) -> None:
    """About 980 deep was a RecursionError: the includes were followed by recursion."""
    first = _chain(tmp_path / "chain", 1000)
    listed = run("--data", str(first), "sources", "-f", "csv", cwd=tmp_path)
    assert listed.returncode == 0, listed.stderr[-500:]
    assert sorted(line.split(",")[0] for line in listed.stdout.splitlines()[1:]) == [
        "sheet-2020"
    ]  # the sources of the facts shown
    checked = run("check", "n0.toml", cwd=tmp_path / "chain")
    assert checked.returncode == 0, checked.stderr[-500:]
    assert checked.stdout == "ok: 1 facts, 2 sources, 0 measures, 2020 to 2020 in 1000 files (n0.toml)\n"


@pytest.mark.slow
def test_a_chain_of_3000_includes_is_read_in_order(tmp_path: Path) -> None:
    """Three times the interpreter's recursion limit (10,000 deep: 8 s for `usco check`, linear in the depth)."""
    first = _chain(tmp_path / "chain", 3000)
    data = usco.load(first, use_cache=False)
    assert [fact.id for fact in data.all_facts()] == ["deepest"]
    assert len(data.dataset.files) == 3000 and data.dataset.files[:3] == tuple(
        first.parent / f"n{n}.toml" for n in range(3)
    )


def test_a_cycle_deep_in_a_chain_is_named(tmp_path: Path) -> None:
    first = _chain(tmp_path / "chain", 50)
    (first.parent / "n49.toml").write_text('include = ["n20.toml"]\n' + SOURCES, encoding="utf-8")
    with pytest.raises(usco.DatasetError) as caught:
        usco.load(first, use_cache=False)
    assert [str(problem) for problem in caught.value.problems] == [
        "field 'include': 'n20.toml' includes itself (a cycle)"
    ]
    assert caught.value.problems[0].file == first.parent / "n49.toml"


def test_a_file_included_twice_is_read_once(tmp_path: Path) -> None:
    (tmp_path / "shared.toml").write_text(SOURCES, encoding="utf-8")
    (tmp_path / "a.toml").write_text('include = ["shared.toml"]\n', encoding="utf-8")
    (tmp_path / "main.toml").write_text('include = ["a.toml", "shared.toml"]\n', encoding="utf-8")
    files = usco.load(tmp_path / "main.toml", use_cache=False).dataset.files
    assert [path.name for path in files] == ["main.toml", "a.toml", "shared.toml"]


# ------------------------------------------------------------------ a NUL character in a path


def _one_line(result: object, expected: str) -> None:
    assert result.returncode == 1, result.stderr  # type: ignore[attr-defined]
    assert "Traceback" not in result.stderr and expected in result.stderr, result.stderr  # type: ignore[attr-defined]


@pytest.mark.slow
@pytest.mark.installed
def test_a_nul_in_an_include_is_one_line_in_every_command(tmp_path: Path) -> None:
    nul = tmp_path / "nul.toml"
    nul.write_text('include = ["a\\u0000b.toml"]\n', encoding="utf-8")
    data = tmp_path / "small.toml"
    data.write_text(SMALL, encoding="utf-8")
    said = r"field 'include': 'a\x00b.toml' holds a NUL character, which no file name can"
    facts = run("--data", str(nul), "facts")
    _one_line(facts, said)
    assert facts.stderr.count("\n") == 2  # the problem, then the `usco check` to run
    checked = run("check", str(nul))
    _one_line(checked, "usco: 1 problem in")
    assert said in checked.stdout
    added = run("--data", str(data), "--add", str(nul), "facts")
    _one_line(added, said)
    assert f"run `usco --add {nul} check {data}`" in added.stderr


@pytest.mark.parametrize("where", ["path", "also"])
def test_a_nul_in_a_path_given_to_the_api_is_a_usco_error(small: Path, where: str) -> None:
    with pytest.raises(usco.UscoError, match=r"holds a NUL character, which no file name can"):
        if where == "path":
            usco.load("a\x00b")
        else:
            usco.load(small, also=["a\x00b.toml"])


def test_a_nul_in_a_path_read_is_a_dataset_read_error() -> None:
    from usco.reading import read_dataset_file

    with pytest.raises(usco.DatasetError, match=r"cannot read it \(the path holds a NUL character"):
        read_dataset_file(Path("a\x00b"))


# ------------------------------------------------------------------ the hint names the file that failed


@pytest.mark.slow
@pytest.mark.installed
def test_an_invalid_add_file_is_named_in_the_check_to_run(tmp_path: Path) -> None:
    """It said `usco check <the shipped facts.toml>`, which answers "ok"."""
    bad = tmp_path / "badadd.toml"
    bad.write_text('[[facts]]\nid = "x"\ntopic = "nowhere"\ntext = "x"\ndate = "2020"\nsource = "sheet-2020"\n')
    data = tmp_path / "small.toml"
    data.write_text(SMALL, encoding="utf-8")
    result = run("--data", str(data), "--add", str(bad), "aid")
    assert result.returncode == 1
    lines = result.stderr.splitlines()
    assert lines[0].startswith(f"usco: invalid dataset: {bad}:1: fact 'x', field 'topic': 'nowhere'"), lines
    assert lines[1] == f"usco: run `usco --add {bad} check {data}` to list every problem"
    hinted = run("--add", str(bad), "check", str(data))  # the command it names lists the problem
    assert hinted.returncode == 1 and f"{bad}:1: fact 'x', field 'topic'" in hinted.stdout


def test_the_hint_quotes_a_path_a_shell_would_split(tmp_path: Path) -> None:
    from usco.cli.boundary import _check_command
    from usco.model import DatasetError, Problem

    error = DatasetError(tmp_path / "my data.toml", [Problem("file", None, "x")], also=[Path("my add.toml")])
    assert _check_command(error) == f"usco --add 'my add.toml' check '{tmp_path}/my data.toml'"
