"""Issues #10 and #13 at the command line: the v2 options, search, errors and imports (design §3, §5, §6)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.helpers import FULL, RAW, REPO, environment, needed, run, write
from usco.importers.releases import RELEASES

Run = Callable[..., Result]

REGIONAL = """
[[facts]]
id       = "andean-aid-2020"
topic    = "aid"
text     = "Assistance to the Andean region"
value    = 500_000_000
unit     = "USD"
date     = "2020"
regional = true
source   = "wire-2023"

[[facts]]
id       = "colombia-aid-2020"
topic    = "aid"
text     = "Assistance to Colombia"
value    = 400_000_000
unit     = "USD"
date     = "2020"
source   = "wire-2023"
"""


@pytest.fixture
def full(tmp_path: Path) -> Path:
    return write(tmp_path, "full.toml", FULL + REGIONAL)


def ok(result: Result) -> str:
    assert result.exit_code == 0, result.stderr
    return result.stdout


def ids(out: str) -> list[str]:
    return [row["id"] for row in csv.DictReader(io.StringIO(out))]


# ---------------------------------------------------------------- filters


def test_source_kind_restricts_a_listing(usco: Run, full: Path) -> None:
    assert ids(ok(usco("facts", "--source-kind", "press", "-f", "csv", data=full))) == [
        "andean-aid-2020", "colombia-aid-2020", "exports-2022",
    ]  # fmt: skip
    government = ids(ok(usco("facts", "--source-kind", "government", "-f", "csv", data=full)))
    assert government == ["obl-fy2024", "obl-fy2024-health", "obl-fy2025", "visit-2025"]
    assert ids(ok(usco("sources", "--source-kind", "press", "-f", "csv", data=full))) == ["wire-2023"]


def test_aid_leaves_regional_figures_out_unless_asked(usco: Run, full: Path) -> None:
    without = ids(ok(usco("aid", "-f", "csv", data=full)))
    assert "andean-aid-2020" not in without
    assert "obl-fy2025" not in without  # regional too
    assert "colombia-aid-2020" in without
    with_regional = ids(ok(usco("aid", "--regional", "-f", "csv", data=full)))
    assert {"andean-aid-2020", "obl-fy2025", "colombia-aid-2020"} <= set(with_regional)


def test_facts_includes_regional_figures(usco: Run, full: Path) -> None:
    assert "andean-aid-2020" in ids(ok(usco("facts", "-f", "csv", data=full)))


def test_every_format_marks_regional_figures(usco: Run, full: Path) -> None:
    objects = json.loads(ok(usco("facts", "-f", "json", data=full)))
    assert {obj["id"]: obj["regional"] for obj in objects}["andean-aid-2020"] is True
    assert {obj["id"]: obj["regional"] for obj in objects}["colombia-aid-2020"] is False
    rows = {row["id"]: row for row in csv.DictReader(io.StringIO(ok(usco("facts", "-f", "csv", data=full))))}
    assert (rows["andean-aid-2020"]["regional"], rows["colombia-aid-2020"]["regional"]) == ("true", "false")
    tsv = ok(usco("facts", "-f", "tsv", data=full)).splitlines()
    column = tsv[0].split("\t").index("regional")
    assert {line.split("\t")[0]: line.split("\t")[column] for line in tsv[1:]}["andean-aid-2020"] == "true"
    table = ok(usco("aid", "--regional", "-f", "table", data=full))
    assert "regional" in table.split("andean-aid-2020", 1)[1].split("colombia-aid-2020", 1)[0] or (
        "andean-aid-2020 (regional" in table
    )
    shown = ok(usco("show", "andean-aid-2020", "-f", "tsv", data=full))
    assert "regional\tyes" in shown


def test_limit_keeps_the_first_rows(usco: Run, full: Path) -> None:
    assert ids(ok(usco("facts", "--limit", "2", "-f", "csv", data=full))) == ["andean-aid-2020", "colombia-aid-2020"]
    assert ok(usco("facts", "--limit", "0", "-f", "json", data=full)) == "[]\n"


@pytest.mark.parametrize(
    ("fmt", "expected"),
    [
        ("csv", "id,value\nandean-aid-2020,500000000\n"),
        ("tsv", "id\tvalue\nandean-aid-2020\t500000000\n"),
        ("markdown", "| id | value |\n|---|---|\n| andean-aid-2020 | 500000000 |\n"),
        ("json", '[\n  {"id": "andean-aid-2020", "value": 500000000}\n]\n'),
        ("jsonl", '{"id": "andean-aid-2020", "value": 500000000}\n'),
    ],
)
def test_columns_choose_columns_and_fields(usco: Run, full: Path, fmt: str, expected: str) -> None:
    assert ok(usco("facts", "--limit", "1", "--columns", "id,value", "-f", fmt, data=full)) == expected


def test_columns_follow_the_order_asked(usco: Run, full: Path) -> None:
    out = ok(usco("facts", "--limit", "1", "--columns", "status,id", "-f", "csv", data=full))
    assert out == "status,id\nfinal,andean-aid-2020\n"


def test_an_unknown_column_names_the_columns(usco: Run, full: Path) -> None:
    result = usco("facts", "--columns", "id,valeu", "-f", "csv", data=full)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "'valeu'" in result.stderr
    assert "id, topic, date" in result.stderr


def test_tags_lists_tags_with_counts(usco: Run, full: Path) -> None:
    assert ok(usco("tags", "-f", "csv", data=full)) == "tag,facts\nobligations,2\nregional-programs,1\n"
    assert ok(usco("tags", "--topic", "trade", "-f", "csv", data=full)) == "tag,facts\n"


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["facts", "--measure", "aid-obligation"],
            "usco: no measure 'aid-obligation'; did you mean aid-obligations?\n",
        ),
        (["facts", "--source", "wire-2024"], "usco: no source 'wire-2024'; did you mean wire-2023?\n"),
        (["facts", "--tag", "obligation"], "usco: no tag 'obligation'; did you mean obligations?\n"),
        (["facts", "--topic", "trad"], "usco: no topic 'trad'; did you mean trade?\n"),
        (
            ["aid", "--source-kind", "goverment"],
            "usco: no source kind 'goverment'; did you mean government, intergovernmental?\n",
        ),
        (["sources", "--topic", "helth"], "usco: no topic 'helth'; did you mean health?\n"),
        (["series", "export"], "usco: no measure 'export'; did you mean exports?\n"),
    ],
)
def test_unknown_names_exit_1_with_suggestions(usco: Run, full: Path, argv: list[str], expected: str) -> None:
    result = usco(*argv, "-f", "csv", data=full)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == expected


# ---------------------------------------------------------------- search


def test_search_finds_a_figure_as_shown_not_a_report_number(usco: Run, full: Path) -> None:
    # "$344 million" is obl-fy2024's figure; every gov-2024 fact's source title holds "RL34470".
    assert ids(ok(usco("search", "344", "-f", "csv", data=full))) == ["obl-fy2024"]


def test_search_finds_a_decimal_figure(usco: Run, full: Path) -> None:
    assert ids(ok(usco("search", "391.3", "-f", "csv", data=full))) == ["obl-fy2024-health"]
    assert ids(ok(usco("search", "391", "-f", "csv", data=full))) == ["obl-fy2024-health"]


def test_search_words_match_the_start_of_a_word(usco: Run, full: Path) -> None:
    assert ids(ok(usco("search", "oblig", "fy2024", "-f", "csv", data=full))) == ["obl-fy2024", "obl-fy2024-health"]
    assert ids(ok(usco("search", "bligations", "-f", "csv", data=full))) == []
    assert ids(ok(usco("search", "andean", "-f", "csv", data=full))) == ["andean-aid-2020"]


def test_search_matches_tags_and_source_titles(usco: Run, full: Path) -> None:
    assert ids(ok(usco("search", "regional-programs", "-f", "csv", data=full))) == ["obl-fy2025"]
    assert ids(ok(usco("search", "wire", "story", "-f", "csv", data=full))) == [
        "andean-aid-2020", "colombia-aid-2020", "exports-2022",
    ]  # fmt: skip


# ---------------------------------------------------------------- global options and usage errors (installed usco)


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv",
    [
        ["aid", "--data", "{path}", "-f", "csv", "--regional"],
        ["facts", "--no-cache", "--data", "{path}", "-f", "csv", "--topic", "aid"],
        ["--data", "{path}", "facts", "-f", "csv", "--topic", "aid", "--no-cache"],
        ["facts", "--data={path}", "-f", "csv", "--topic", "aid"],
    ],
)
def test_global_options_work_before_or_after_the_command(full: Path, argv: list[str]) -> None:
    result = run(*(item.format(path=full) for item in argv))
    assert result.returncode == 0, result.stderr
    assert "andean-aid-2020" in ids(result.stdout)
    assert "exports-2022" not in ids(result.stdout)


@pytest.mark.slow
def test_usco_data_environment_variable(full: Path) -> None:
    result = run("facts", "-f", "csv", "--topic", "trade", env=environment(USCO_DATA=str(full)))
    assert result.returncode == 0, result.stderr
    assert ids(result.stdout) == ["exports-2022"]


@pytest.mark.slow
@pytest.mark.parametrize(
    ("option", "suggested", "not_suggested"),
    [
        ("--hist", ["--history"], ["--limit"]),
        ("--sinc", ["--since"], ["--topic"]),
        ("--limt", ["--limit"], []),
        ("--frmat", ["--format"], []),
        ("--zzz", [], ["--"]),
    ],
)
def test_an_unknown_option_suggests_only_close_options(
    full: Path, option: str, suggested: list[str], not_suggested: list[str]
) -> None:
    result = run("--data", str(full), "facts", option)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    error = next(line for line in result.stderr.splitlines() if option in line)
    hint = error.split(option, 1)[1]
    for name in suggested:
        assert name in hint
    for name in not_suggested:
        assert name not in hint


@pytest.mark.slow
@pytest.mark.parametrize(
    "argv", [["facts", "--since", "abc"], ["facts", "--since", "2020", "--until", "2010"], ["facts", "--limit", "-1"]]
)
def test_bad_values_are_usage_errors_without_traceback(full: Path, argv: list[str]) -> None:
    result = run("--data", str(full), *argv)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "Error:" in result.stderr


# ---------------------------------------------------------------- check


def test_check_prints_file_line_problems(usco: Run, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.toml", FULL.replace('status    = "provisional"', 'status    = "prelim"'))
    result = usco("check", str(path))
    assert result.exit_code == 1
    line = FULL.splitlines().index('status    = "provisional"')  # 0-based: the [[facts]] header is above
    header = max(n for n, text in enumerate(FULL.splitlines()[:line], start=1) if text == "[[facts]]")
    assert result.stdout == (
        f"{path}:{header}: fact 'obl-fy2024', field 'status': 'prelim' is not one of: "
        "final, partial, provisional, planned\n"
    )


def test_check_ok_line(usco: Run, full: Path) -> None:
    assert ok(usco("check", str(full))) == f"ok: 7 facts, 2 sources, 2 measures, 2020 to 2025-03 ({full})\n"


def test_other_commands_name_the_first_problem_and_point_to_check(usco: Run, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.toml", FULL.replace('status    = "provisional"', 'status    = "prelim"'))
    result = usco("facts", data=path)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"usco: invalid dataset: {path}:")
    assert lines[1] == f"usco: run `usco check {path}` to list every problem"


# ---------------------------------------------------------------- usco import foreignassistance

FA = RELEASES[4]  # the 2024-12-22 release
FA_RAW = RAW / FA.raw


def need_raw() -> None:
    needed(FA_RAW)


def import_args(raw: Path, output: Path | None = None) -> list[str]:
    args = ["import", FA.importer, str(raw), "--date", FA.release.date]
    if FA.release.date_note is not None:
        args += ["--date-note", FA.release.date_note]
    if FA.release.url is not None:
        args += ["--url", FA.release.url]
    if FA.release.copy_url is not None:
        args += ["--copy-url", FA.release.copy_url]
    return args + (["--output", str(output)] if output else [])


@pytest.mark.slow
def test_import_writes_what_is_shipped_twice_the_same(usco: Run, tmp_path: Path) -> None:
    need_raw()
    first, second = tmp_path / "first.toml", tmp_path / "second.toml"
    assert usco(*import_args(FA_RAW, first)).exit_code == 0
    assert usco(*import_args(FA_RAW, second)).exit_code == 0
    shipped = (REPO / FA.output).read_bytes()
    assert first.read_bytes() == shipped
    assert second.read_bytes() == shipped
    assert ok(usco(*import_args(FA_RAW))).encode("utf-8") == shipped


@pytest.mark.slow
def test_import_refuses_to_overwrite_without_force(usco: Run, tmp_path: Path) -> None:
    need_raw()
    target = tmp_path / "out.toml"
    target.write_text("mine\n", encoding="utf-8")
    result = usco(*import_args(FA_RAW, target))
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1
    assert target.read_text(encoding="utf-8") == "mine\n"
    assert usco(*import_args(FA_RAW, target), "--force").exit_code == 0
    assert target.read_bytes() == (REPO / FA.output).read_bytes()


def malformed(tmp_path: Path, kind: str) -> Path:
    path = tmp_path / f"{kind}.csv"
    if kind == "html":
        path.write_text("<!doctype html><html><body>Not found</body></html>\n", encoding="utf-8")
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "census":
        census = RAW / "census" / "country.2024-11-01.xlsx"
        if not census.is_file():
            pytest.skip("no census release here")
        path.write_bytes(census.read_bytes())
    elif kind == "truncated":
        data = FA_RAW.read_bytes()
        path.write_bytes(data[: len(data) // 3])
    elif kind == "header-only":
        path.write_bytes(FA_RAW.read_bytes().split(b"\n", 1)[0] + b"\n")
    return path


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["html", "empty", "census", "truncated", "header-only"])
def test_import_of_a_malformed_file_is_one_line_and_exit_1(usco: Run, tmp_path: Path, kind: str) -> None:
    need_raw()
    path = malformed(tmp_path, kind)
    result = usco(*import_args(path))
    assert result.exit_code == 1, result.stdout[:200]
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1, result.stderr
    assert result.stderr.startswith("usco: ")


@pytest.mark.slow
def test_census_import_of_a_foreignassistance_file_is_refused(usco: Run) -> None:
    need_raw()
    result = usco("import", "census-trade", str(FA_RAW), "--date", "2024-11-01")
    assert result.exit_code == 1
    assert result.stdout == ""
    assert len(result.stderr.splitlines()) == 1


@pytest.mark.parametrize("date", ["2024-12", "yesterday", "2024-13-01", "24-12-22"])
def test_import_with_a_malformed_date_is_exit_2(usco: Run, tmp_path: Path, date: str) -> None:
    raw = tmp_path / "x.csv"
    raw.write_text("x\n", encoding="utf-8")
    result = usco("import", "foreignassistance", str(raw), "--date", date)
    assert result.exit_code == 2
    assert result.stdout == ""


@pytest.mark.parametrize("command", [["facts"], ["search", "oblig"]])
def test_regional_is_accepted_where_regional_figures_are_listed_anyway(
    usco: Run, full: Path, command: list[str]
) -> None:
    with_flag = ok(usco(*command, "--regional", "-f", "csv", data=full))
    assert with_flag == ok(usco(*command, "-f", "csv", data=full))
    assert "obl-fy2025" in ids(with_flag)
