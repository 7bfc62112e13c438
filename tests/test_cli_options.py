"""Options at the command line (design §3): --source-kind, --regional, --limit, --columns, unknown names,
global options anywhere on the line, and bad values as usage errors."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.helpers import FULL, REGIONAL, csv_ids, environment, ok, run, write

Run = Callable[..., Result]


@pytest.fixture
def full(tmp_path: Path) -> Path:
    """Every field with a value other than its default, and a regional figure beside a national one."""
    return write(tmp_path, "full.toml", FULL + REGIONAL)


# ---------------------------------------------------------------- filters


def test_source_kind_restricts_a_listing(usco: Run, full: Path) -> None:
    assert csv_ids(ok(usco("facts", "--source-kind", "press", "-f", "csv", data=full))) == [
        "andean-aid-2020", "colombia-aid-2020", "exports-2022",
    ]  # fmt: skip
    government = csv_ids(ok(usco("facts", "--source-kind", "government", "-f", "csv", data=full)))
    assert government == ["obl-fy2024", "obl-fy2024-health", "obl-fy2025", "visit-2025"]
    assert csv_ids(ok(usco("sources", "--source-kind", "press", "-f", "csv", data=full))) == ["wire-2023"]


def test_aid_leaves_regional_figures_out_unless_asked(usco: Run, full: Path) -> None:
    without = csv_ids(ok(usco("aid", "-f", "csv", data=full)))
    assert "andean-aid-2020" not in without
    assert "obl-fy2025" not in without  # regional too
    assert "colombia-aid-2020" in without
    with_regional = csv_ids(ok(usco("aid", "--regional", "-f", "csv", data=full)))
    assert {"andean-aid-2020", "obl-fy2025", "colombia-aid-2020"} <= set(with_regional)


def test_facts_includes_regional_figures(usco: Run, full: Path) -> None:
    assert "andean-aid-2020" in csv_ids(ok(usco("facts", "-f", "csv", data=full)))


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
    assert csv_ids(ok(usco("facts", "--limit", "2", "-f", "csv", data=full))) == [
        "andean-aid-2020",
        "colombia-aid-2020",
    ]
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
    assert result.exit_code == 2  # a usage error (design §4): it was 1 before issue #24
    assert result.stdout == ""
    assert "'valeu'" in result.stderr
    assert "id, topic, date" in result.stderr


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


# ---------------------------------------------------------------- global options and usage errors (installed usco)


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize(
    "argv",
    [
        ["aid", "--data", "{path}", "-f", "csv", "--regional"],
        ["facts", "--no-cache", "--data", "{path}", "-f", "csv", "--topic", "aid", "--no-user-releases"],
        ["--data", "{path}", "facts", "-f", "csv", "--topic", "aid", "--no-cache"],
        ["facts", "--data={path}", "-f", "csv", "--topic", "aid"],
    ],
)
def test_global_options_work_before_or_after_the_command(full: Path, argv: list[str]) -> None:
    result = run(*(item.format(path=full) for item in argv))
    assert result.returncode == 0, result.stderr
    assert "andean-aid-2020" in csv_ids(result.stdout)
    assert "exports-2022" not in csv_ids(result.stdout)


@pytest.mark.slow
@pytest.mark.installed
def test_usco_data_environment_variable(full: Path) -> None:
    result = run("facts", "-f", "csv", "--topic", "trade", env=environment(USCO_DATA=str(full)))
    assert result.returncode == 0, result.stderr
    assert csv_ids(result.stdout) == ["exports-2022"]


@pytest.mark.slow
@pytest.mark.installed
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
@pytest.mark.installed
@pytest.mark.parametrize(
    "argv", [["facts", "--since", "abc"], ["facts", "--since", "2020", "--until", "2010"], ["facts", "--limit", "-1"]]
)
def test_bad_values_are_usage_errors_without_traceback(full: Path, argv: list[str]) -> None:
    result = run("--data", str(full), *argv)
    assert result.returncode == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert "Error:" in result.stderr


@pytest.mark.parametrize("command", [["facts"], ["search", "oblig"]])
def test_regional_is_accepted_where_regional_figures_are_listed_anyway(
    usco: Run, full: Path, command: list[str]
) -> None:
    with_flag = ok(usco(*command, "--regional", "-f", "csv", data=full))
    assert with_flag == ok(usco(*command, "-f", "csv", data=full))
    assert "obl-fy2025" in csv_ids(with_flag)
