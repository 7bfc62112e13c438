"""Issue #10: includes (design §1) and `--add` (design §6): one dataset made of several files."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.helpers import run, write
from usco.dataset import load as dataset
from usco.model import DatasetError, Problem

Run = Callable[..., Result]

SOURCE = """\
[sources.{key}]
title     = "Document {key}"
publisher = "U.S. Department of State"
kind      = "government"
url       = "https://example.gov/{key}"
date      = 2024-12-22
"""


def facts_file(key: str, *ids: str, include: list[str] | None = None, value: int = 100) -> str:
    """A file with its own source *key* and one fact per id; line 1 is the include list when given."""
    lines = [f"include = [{', '.join(repr(item) for item in include)}]".replace("'", '"')] if include else []
    text = "\n".join(lines) + ("\n" if lines else "") + SOURCE.format(key=key)
    for fact_id in ids:
        text += (
            f'\n[[facts]]\nid = "{fact_id}"\ntopic = "aid"\ntext = "Figure {fact_id}"\n'
            f'value = {value}\nunit = "USD"\ndate = "2020"\nsource = "{key}"\n'
        )
    return text


def problems(path: Path) -> list[Problem]:
    with pytest.raises(DatasetError) as raised:
        dataset.load(path, use_cache=False)
    return list(raised.value.problems)


def test_facts_of_included_files_are_listed(usco: Run, tmp_path: Path) -> None:
    write(tmp_path, "sub/child.toml", facts_file("child", "from-child"))
    main = write(tmp_path, "main.toml", facts_file("main", "from-main", include=["sub/child.toml"]))
    result = usco("facts", "-f", "csv", "--columns", "id,source_id", data=main)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == "id,source_id\nfrom-child,child\nfrom-main,main\n"


@pytest.mark.parametrize("target", ["/etc/usco.toml", "../outside.toml", "sub/../../outside.toml"])
def test_an_include_outside_the_folder_is_a_problem(tmp_path: Path, target: str) -> None:
    folder = tmp_path / "data"
    write(tmp_path, "outside.toml", facts_file("outside", "x"))
    main = write(folder, "main.toml", facts_file("main", "m", include=[target]))
    [problem] = problems(main)
    assert (problem.field, problem.file) == ("include", main)
    assert target in problem.message


def test_a_symlink_leading_outside_is_a_problem(tmp_path: Path) -> None:
    folder = tmp_path / "data"
    write(tmp_path, "outside.toml", facts_file("outside", "x"))
    main = write(folder, "main.toml", facts_file("main", "m", include=["link.toml"]))
    (folder / "link.toml").symlink_to(tmp_path / "outside.toml")
    [problem] = problems(main)
    assert (problem.field, problem.file) == ("include", main)
    assert "link.toml" in problem.message


def test_include_problems_carry_the_line_of_the_include(tmp_path: Path) -> None:
    main = write(tmp_path, "main.toml", "\n\n" + facts_file("main", "m", include=["../x.toml"]))
    [problem] = problems(main)
    assert problem.line == 3


def test_an_include_cycle_is_refused(usco: Run, tmp_path: Path) -> None:
    write(tmp_path, "b.toml", facts_file("b", "in-b", include=["a.toml"]))
    a = write(tmp_path, "a.toml", facts_file("a", "in-a", include=["b.toml"]))
    found = problems(a)
    assert [p.field for p in found] == ["include"]
    assert "cycle" in found[0].message
    assert found[0].file == tmp_path / "b.toml"
    result = usco("check", str(a))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{tmp_path / 'b.toml'}:")


def test_a_file_including_itself_is_a_cycle(tmp_path: Path) -> None:
    a = write(tmp_path, "a.toml", facts_file("a", "in-a", include=["a.toml"]))
    [problem] = problems(a)
    assert "cycle" in problem.message


def test_a_diamond_is_loaded_once(tmp_path: Path) -> None:
    write(tmp_path, "d.toml", facts_file("d", "in-d"))
    write(tmp_path, "b.toml", facts_file("b", "in-b", include=["d.toml"]))
    write(tmp_path, "c.toml", facts_file("c", "in-c", include=["d.toml"]))
    a = write(tmp_path, "a.toml", facts_file("a", "in-a", include=["b.toml", "c.toml"]))
    data = dataset.load(a, use_cache=False)
    assert sorted(fact.id for fact in data.facts) == ["in-a", "in-b", "in-c", "in-d"]
    assert sorted(path.name for path in data.files) == ["a.toml", "b.toml", "c.toml", "d.toml"]


def test_ids_are_unique_across_files(tmp_path: Path) -> None:
    write(tmp_path, "b.toml", facts_file("b", "same"))
    a = write(tmp_path, "a.toml", facts_file("a", "same", include=["b.toml"]))
    [problem] = problems(a)
    assert (problem.field, problem.file, problem.line) == ("id", tmp_path / "b.toml", 8)
    assert f"{a}, line 9" in problem.message


def test_a_problem_in_an_included_file_names_that_file_and_line(usco: Run, tmp_path: Path) -> None:
    child = write(tmp_path, "child.toml", facts_file("child", "c").replace('topic = "aid"', 'topic = "aids"'))
    main = write(tmp_path, "main.toml", facts_file("main", "m", include=["child.toml"]))
    [problem] = problems(main)
    assert (problem.file, problem.line, problem.field) == (child, 8, "topic")
    result = usco("check", str(main))
    assert result.stdout.startswith(f"{child}:8: fact 'c', field 'topic':")


def test_an_unknown_top_level_key_names_its_own_file(tmp_path: Path) -> None:
    child = write(tmp_path, "child.toml", "factz = []\n" + facts_file("child", "c"))
    main = write(tmp_path, "main.toml", facts_file("main", "m", include=["child.toml"]))
    [problem] = problems(main)
    assert (problem.field, problem.file) == ("factz", child)


def test_the_cache_notices_a_change_in_an_included_file(usco: Run, tmp_path: Path) -> None:
    child = write(tmp_path, "child.toml", facts_file("child", "c", value=100))
    main = write(tmp_path, "main.toml", facts_file("main", "m", include=["child.toml"]))
    first = usco("facts", "-f", "csv", "--columns", "id,value", data=main)
    assert first.stdout == "id,value\nc,100\nm,100\n"
    assert usco("facts", "-f", "csv", "--columns", "id,value", data=main).stdout == first.stdout  # from the cache
    stat = child.stat()
    child.write_text(child.read_text().replace("value = 100", "value = 250"))
    os.utime(child, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size and time: only the bytes differ
    assert usco("facts", "-f", "csv", "--columns", "id,value", data=main).stdout == "id,value\nc,250\nm,100\n"


def test_the_cache_notices_a_new_included_file(usco: Run, tmp_path: Path) -> None:
    main = write(tmp_path, "main.toml", facts_file("main", "m", include=["child.toml"]))
    write(tmp_path, "child.toml", facts_file("child", "c"))
    assert usco("facts", "-f", "csv", "--columns", "id", data=main).stdout == "id\nc\nm\n"
    write(tmp_path, "other.toml", facts_file("other", "o"))
    write(tmp_path, "child.toml", facts_file("child", "c", include=["other.toml"]))
    assert usco("facts", "-f", "csv", "--columns", "id", data=main).stdout == "id\nc\nm\no\n"


# ---------------------------------------------------------------- --add: a newer release beside the shipped one

RELEASE = """\
[sources.fa-{day}]
title     = "ForeignAssistance.gov release {day}"
publisher = "ForeignAssistance.gov"
kind      = "government"
url       = "https://foreignassistance.gov/data"
date      = {day}

[measures.aid-obligations]
label  = "Obligations"
unit   = "USD"
period = "fiscal_year"

[[facts]]
id      = "fa-{day}-fy2023"
topic   = "aid"
text    = "Obligations FY2023"
value   = {fy2023}
unit    = "USD"
date    = "2023"
source  = "fa-{day}"
measure = "aid-obligations"

[[facts]]
id      = "fa-{day}-fy2024"
topic   = "aid"
text    = "Obligations FY2024"
value   = {fy2024}
unit    = "USD"
date    = "2024"
status  = "{status}"
source  = "fa-{day}"
measure = "aid-obligations"
"""


@pytest.fixture
def releases(tmp_path: Path) -> tuple[Path, Path]:
    base = write(
        tmp_path, "base/base.toml", RELEASE.format(day="2024-12-22", fy2023=400, fy2024=34, status="provisional")
    )
    newer = write(
        tmp_path, "downloads/newer.toml", RELEASE.format(day="2025-04-02", fy2023=400, fy2024=447, status="final")
    )
    return base, newer


def test_add_supersedes_the_shipped_figures_period_by_period(usco: Run, releases: tuple[Path, Path]) -> None:
    base, newer = releases
    argv = ("facts", "--measure", "aid-obligations", "--since", "2024", "--until", "2024", "--history", "-f", "csv",
            "--columns", "id,value,status,superseded_by")  # fmt: skip
    result = usco("--add", str(newer), *argv, data=base)
    assert result.exit_code == 0, result.stderr
    assert result.stdout == (
        "id,value,status,superseded_by\n"
        "fa-2024-12-22-fy2024,34,provisional,fa-2025-04-02-fy2024\n"
        "fa-2025-04-02-fy2024,447,final,\n"
    )
    current = usco("--add", str(newer), "facts", "--measure", "aid-obligations", "-f", "csv", "--columns", "id",
                   data=base)  # fmt: skip
    assert current.stdout == "id\nfa-2025-04-02-fy2023\nfa-2025-04-02-fy2024\n"


@pytest.mark.slow
@pytest.mark.installed
def test_add_works_after_the_command_too(releases: tuple[Path, Path]) -> None:
    base, newer = releases  # the installed usco: main() moves global options to the front
    result = run("facts", "--add", str(newer), "-f", "csv", "--columns", "id", "--since", "2024", "--data", str(base))
    assert result.returncode == 0, result.stderr
    assert result.stdout == "id\nfa-2025-04-02-fy2024\n"


def test_add_without_it_shows_the_shipped_figure(usco: Run, releases: tuple[Path, Path]) -> None:
    base, _ = releases
    result = usco("facts", "-f", "csv", "--columns", "id,value", "--since", "2024", data=base)
    assert result.stdout == "id,value\nfa-2024-12-22-fy2024,34\n"


def test_check_counts_an_added_file(usco: Run, releases: tuple[Path, Path]) -> None:
    base, newer = releases
    result = usco("--add", str(newer), "check", str(base))
    assert result.exit_code == 0, result.stderr
    assert result.stdout.startswith("ok: 4 facts (2 of them superseded by later versions), 2 sources, 1 measures")


def test_the_cache_notices_a_change_in_an_added_file(usco: Run, releases: tuple[Path, Path]) -> None:
    base, newer = releases
    argv = ("--add", str(newer), "facts", "--since", "2024", "-f", "csv", "--columns", "id,value")
    assert usco(*argv, data=base).stdout == "id,value\nfa-2025-04-02-fy2024,447\n"
    assert usco(*argv, data=base).stdout == "id,value\nfa-2025-04-02-fy2024,447\n"  # from the cache
    newer.write_text(newer.read_text().replace("value   = 447", "value   = 448"))
    assert usco(*argv, data=base).stdout == "id,value\nfa-2025-04-02-fy2024,448\n"
    assert usco("facts", "--since", "2024", "-f", "csv", "--columns", "id,value", data=base).stdout == (
        "id,value\nfa-2024-12-22-fy2024,34\n"
    )  # without --add, a cache of its own
