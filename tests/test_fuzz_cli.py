"""Hostile command lines and datasets: usco answers with exit 0, 1 or 2 and never a traceback.

Arbitrary strings go into every option that takes one (--since, --until, --as-of,
--format, --topic, --tag, --source, --measure), into search words and fact ids:
unicode, empty, very long, leading dashes. Whatever they are, a user sees an
answer (0), a missing thing or bad data (1) or a usage error (2), and never output
on stdout next to an error. Then valid datasets with arbitrary figures and words
are printed in every format: exit 0, and the machine formats keep raw numbers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from pathlib import Path
from typing import Any

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner, Result

from tests.conftest import app
from tests.helpers import FORMATS, SMALL, arguments, commands, options
from tests.hypothesis_profiles import case_summary, examples, tally
from tests.test_fuzz_loader import toml_document
from usco.dataset import load as dataset
from usco.model import DatasetError, Qualifier, SourceKind, Topic

pytestmark = pytest.mark.slow  # property-based: hundreds of generated command lines

_case_summary = case_summary()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("fuzz-cli")


@pytest.fixture(scope="module")
def small(workdir: Path) -> Path:
    path = workdir / "small.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def invoke(argv: list[str]) -> Result:
    """`usco ARGV` in-process, as tests/conftest.py's `usco` fixture runs it, USCO_DATA unset."""
    return CliRunner().invoke(app, argv, env={"USCO_DATA": None, "COLUMNS": "100"})


def assert_clean_exit(result: Result, argv: list[str], *, report: bool = False) -> None:
    """What a user must never see, whatever they typed. A *report* (`usco check`) prints what it
    found on stdout, problems too, so its exit 1 may come with output there."""
    shown = f"usco {' '.join(map(repr, argv))[:300]} -> exit {result.exit_code}\n{result.stderr[-800:]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), (
        f"{shown}\n{type(result.exception).__name__}: {result.exception}"
    )
    assert result.exit_code in (0, 1, 2), shown
    assert "Traceback" not in result.stdout + result.stderr, shown
    if result.exit_code != 0 and not (report and result.exit_code == 1):
        assert result.stdout == "", f"{shown}\nstdout next to an error: {result.stdout[:300]!r}"
        assert result.stderr.strip(), f"{shown}\nan error with no message"


def assert_parses_as(fmt: str | None, stdout: str) -> None:
    """Machine formats stay machine-readable whatever the input."""
    if fmt == "json":
        json.loads(stdout)
    elif fmt == "jsonl":
        for line in stdout.splitlines():
            json.loads(line)
    elif fmt == "csv":
        assert len({len(row) for row in csv.reader(io.StringIO(stdout))}) <= 1, "CSV rows of different widths"
    elif fmt == "tsv":
        assert len({line.count("\t") for line in stdout.splitlines()}) <= 1, "TSV rows of different widths"


# ---------------------------------------------------------------- arbitrary option values

LONG = st.sampled_from([1_000, 100_000]).flatmap(lambda n: st.sampled_from(["2" * n, "a" * n, "-" * n, "é" * n]))
hostile = st.one_of(
    st.text(max_size=30),
    st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=10),
    st.just(""),
    st.text(max_size=8).map(lambda s: "-" + s),
    st.text(max_size=8).map(lambda s: "--" + s),
    st.sampled_from(["-", "--", "--help", "-h", "--version", "--data", "-f", "--since", "\x00", "\u202e", "\x1b[31m"]),
    st.sampled_from(["2020-02-30", "0000", "2020-13", "20200", "٢٠٢٠", " 2020", "2020-1", "9999-12-31", "0001"]),
    LONG,
)
plausible = {
    "--since": st.sampled_from(["1822", "2016", "2019-10", "2020-09-18", "2023-06"]),
    "--until": st.sampled_from(["1800", "2017", "2020-09", "2020-09-18", "2030"]),
    "--as-of": st.sampled_from(["2019", "2020-09-18", "2023-06", "9999"]),
    "--format": st.sampled_from(FORMATS),
    "-f": st.sampled_from(FORMATS),
    "--topic": st.sampled_from([topic.value for topic in Topic]),
    "--tag": st.sampled_from(["covid", "diplomacy", "health"]),
    "--source": st.sampled_from(["sheet-2020", "report-2023", "foreignassistance-2025-04-02"]),
    "--measure": st.sampled_from(["peace-support", "aid-obligations", "us-goods-exports"]),
    "--source-kind": st.sampled_from([kind.value for kind in SourceKind]),
    "--limit": st.sampled_from(["0", "1", "3", "1000"]),
    "--columns": st.sampled_from(["id", "id,value", "status,id,figure"]),
}
KNOWN_IDS = ["covid-total", "peace-2020", "recognition", "fa-2025-04-02-obligations-fy2024", "covid-part"]
#: Plausible values of positional arguments, by the argument's name ("SMALL" and "SERIES" stand for
#: the datasets, as for --data). An argument not named here gets hostile values only.
PLAUSIBLE_ARGUMENTS = {
    "words": st.sampled_from(["covid", "peace", "AID", "colombia"]),
    "fact_id": st.sampled_from(KNOWN_IDS),
    "measure": plausible["--measure"],
    "measures": plausible["--measure"],
    "path": st.sampled_from(["SMALL", "SERIES"]),
}
#: Left out: what names a file or folder to write (tests/test_robust_files.py writes with them),
#: so that no hostile value becomes a file in the working folder: these commands, and every option
#: that takes a path (chart --svg, import -o/--output).
WRITES = {("export", "sqlite"), ("export", "datapackage")}
#: NO_NUL: a file name with a NUL byte makes typer's path check raise ValueError ("embedded null byte")
#: in-process; a real command line cannot hold one (execve's arguments end at a NUL), so the path
#: arguments are fuzzed without it.
#: Commands whose stdout is a report of the problems they found (exit 1 with output is their answer).
REPORTS = {("check",)}
#: Every other command usco has (read from its registry, so a new one is fuzzed too): its options,
#: each spelling with whether it is a flag, and its positional arguments.
#: `usco update` fetches from the publishers' sites unless --mirror says otherwise: no test reaches
#: the internet, so it is left out here; test_update.py runs its every failure against a local server.
NETWORK = {("update",)}
COMMANDS = {
    words: (options(command, leave_out="path"), arguments(command))
    for words, command in commands().items()
    if words not in WRITES | NETWORK
}


@st.composite
def command_lines(draw: st.DrawFn) -> tuple[list[str], str | None]:
    """An argv for one command with hostile or plausible values; and the format it asks for, if any.

    "SMALL" stands for the path of the small test dataset, "SERIES" for the official series (data/series).
    """
    words = draw(st.sampled_from(sorted(COMMANDS)))
    flags, params = COMMANDS[words]
    argv = ["--data", draw(st.sampled_from(["SMALL", "SERIES"])), *words]
    fmt = None
    for option in draw(st.lists(st.sampled_from(sorted(flags)), max_size=5)) if flags else []:
        if flags[option]:
            argv.append(option)
            continue
        value = draw(hostile | plausible[option] | plausible[option] if option in plausible else hostile)
        fmt = value if option in ("--format", "-f") else fmt
        argv += [option, value] if draw(st.integers(0, 4)) else [f"{option}={value}"]
    positional: list[str] = []
    for param in params:
        value = hostile | PLAUSIBLE_ARGUMENTS[param.name] if param.name in PLAUSIBLE_ARGUMENTS else hostile
        if getattr(param.type, "name", None) == "path":  # a command line cannot carry a NUL (see NO_NUL)
            value = value.filter(lambda text: "\x00" not in text)
        if param.nargs == -1:  # any number of words (search's): none at all is a usage error to survive
            positional += draw(st.lists(value, max_size=3))
        elif param.required or draw(st.booleans()):
            positional.append(draw(value))
    if positional and draw(st.booleans()):
        positional = ["--", *positional]  # everything after -- is a word, even "--help"
    return argv + positional, fmt


def _runs(argv: list[str], words: tuple[str, ...]) -> bool:
    """Whether *argv* (global options first, as command_lines() writes them) runs the command *words*."""
    start = 2 if argv[:1] == ["--data"] else 0
    return tuple(argv[start : start + len(words)]) == words


def run_command_line(argv: list[str], fmt: str | None, small: Path, series: Path) -> None:
    paths = {"SMALL": str(small), "SERIES": str(series)}
    argv = [paths.get(part, part) for part in argv]
    result = invoke(argv)
    assert_clean_exit(result, argv, report=any(_runs(argv, words) for words in REPORTS))
    if result.exit_code == 0 and not {"--help", "-h"} & set(argv):
        assert_parses_as(fmt, result.stdout)


@pytest.mark.slow
@settings(max_examples=examples(4))
@given(case=command_lines())
def test_arbitrary_option_values_exit_0_1_or_2_without_traceback(
    small: Path, official_series: Path, case: tuple[list[str], str | None]
) -> None:
    tally("test_fuzz_cli::arbitrary option values")
    run_command_line(*case, small, official_series)


EXPLICIT = [
    ["facts", "--since", ""],
    ["facts", "--since", "2020-02-30"],
    ["facts", "--since", "0000"],
    ["facts", "--until", "2020-13"],
    ["facts", "--since", "2020", "--until", "2010"],
    ["facts", "--as-of", "9999-12-31"],
    ["facts", "--as-of", "0001"],
    ["facts", "--format", ""],
    ["facts", "--format", "JSON"],
    ["facts", "--topic", "Aid"],
    ["facts", "--tag", "\x00"],
    ["facts", "--source", "x" * 100_000],
    ["search", ""],
    ["search", "--", "--help"],
    ["search", "-x"],
    ["search", "é" * 100_000],
    ["show", ""],
    ["show", "\u202e\x1b[31m"],
    ["show", "-", "-f", "json"],
    ["show", "covid-tota"],
    ["show", "a" * 100_000],
    ["--data", "SMALL", "show", "--", "-covid-total"],
    ["--data", "SMALL", "show", "peace-2020", "--as-of", "2019"],
    ["--data", "SMALL", "aid", "--latest", "--as-of", "2020-09-18", "-f", "json"],
]


@pytest.mark.parametrize("argv", EXPLICIT, ids=lambda argv: " ".join(argv)[:40])
def test_named_command_lines_exit_0_1_or_2_without_traceback(
    small: Path, official_series: Path, argv: list[str]
) -> None:
    tally("test_fuzz_cli::named command lines")
    fmt = argv[argv.index("-f") + 1] if "-f" in argv else None
    argv = argv if argv[0] == "--data" else ["--data", "SMALL", *argv]
    run_command_line(argv, fmt, small, official_series)


# ---------------------------------------------------------------- arbitrary figures and words in a valid dataset

UNITS = ["USD", "percent", "people", "multiple", "rank", "count", "hectares", "jobs"]
figures = st.one_of(
    st.none(),
    st.integers(-(10**12), 10**12),
    st.integers(-(10**300), 10**300),
    st.floats(allow_nan=False, allow_infinity=False),
    st.sampled_from([0, -0.0, 1e40, 10**40, 1e308, -1e308, 5e-324, 0.1, 23_600_000, 28_999_999_999.99]),
)
words = st.text(min_size=1, max_size=40).filter(lambda s: s.strip() and not set(s) & {"\n", "\r"})


@st.composite
def valid_datasets(draw: st.DrawFn) -> dict[str, Any]:
    """A dataset that keeps design §1 but whose numbers and words are anything."""
    source = {"title": draw(words), "publisher": draw(words), "url": "https://example.gov/" + draw(words)}
    source["date"] = draw(st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2100, 12, 31)))
    if draw(st.booleans()):
        source["short"] = draw(words)
    facts = []
    for number in range(1, draw(st.integers(1, 4)) + 1):
        fact: dict[str, Any] = {
            "id": f"fact-{number}",
            "topic": draw(st.sampled_from([topic.value for topic in Topic])),
            "text": draw(words),
            "date": draw(st.integers(1800, 2030).map(str)),
            "source": "sheet",
            "qualifier": draw(st.sampled_from([qualifier.value for qualifier in Qualifier])),
            "tags": draw(st.lists(words, max_size=2)),
        }
        if int(fact["date"]) > source["date"].year:  # design §1: a figure said before its year is planned
            fact["status"] = "planned"
        value = draw(figures)
        if value is not None:
            fact["value"] = value
            fact["unit"] = draw(st.sampled_from(UNITS) | words)
        facts.append(fact)
    return {"sources": {"sheet": source}, "facts": facts}


def _number(field: str) -> float | int:
    return float(field) if any(char in field for char in ".einf") else int(field)


@pytest.mark.slow
@settings(max_examples=examples(0.5))
@given(doc=valid_datasets())
def test_any_figure_in_a_valid_dataset_prints_in_every_format(workdir: Path, doc: dict[str, Any]) -> None:
    tally("test_fuzz_cli::valid datasets with arbitrary figures and words (generated)")
    path = workdir / "figures.toml"
    path.write_text(toml_document(doc), encoding="utf-8")
    try:
        dataset.load(path)
    except DatasetError:  # a figure usco refuses (the loader fuzz covers those), or §1 broken by chance
        assume(False)
    tally("test_fuzz_cli::valid datasets with arbitrary figures and words (loaded, printed)")
    facts = doc["facts"]
    for fmt in FORMATS:
        argv = ["--data", str(path), "facts", "-f", fmt]
        result = invoke(argv)
        assert_clean_exit(result, argv)
        assert result.exit_code == 0, f"a valid dataset fails in {fmt}: {result.stderr}"
        assert_parses_as(fmt, result.stdout)
        for fact in facts:
            assert fact["id"] in result.stdout, f"{fact['id']} missing or cut in {fmt}"
        if fmt == "table" and "…" not in repr(doc):  # design §4: no figure, id or column cut short
            assert "…" not in result.stdout, f"the table cut something short:\n{result.stdout}"
        if fmt == "json":
            shown = {obj["id"]: obj for obj in json.loads(result.stdout)}
            for fact in facts:
                assert shown[fact["id"]]["text"] == fact["text"]
                assert _same_number(shown[fact["id"]]["value"], fact.get("value")), "JSON value is not the raw number"
        if fmt == "csv":
            rows = list(csv.DictReader(io.StringIO(result.stdout)))
            values = {row["id"]: row["value"] for row in rows}
            for fact in facts:
                value, shown = fact.get("value"), values[fact["id"]]
                assert shown == "" if value is None else _same_number(_number(shown), value), "CSV value is not raw"
    for fmt in ("table", "json", None):
        argv = ["--data", str(path), "show", facts[0]["id"], *(["-f", fmt] if fmt else [])]
        result = invoke(argv)
        assert_clean_exit(result, argv)
        assert result.exit_code == 0, f"show fails in {fmt}: {result.stderr}"


def _same_number(shown: Any, raw: Any) -> bool:
    if raw is None:
        return shown is None
    return shown == raw and (isinstance(raw, int) or math.copysign(1, shown) == math.copysign(1, raw))


HUGE_VALUES = {
    "1e40 dollars": "1e40",
    "10**40 dollars": "1" + "0" * 40,
    "largest float": "1.7976931348623157e308",
    "most negative float": "-1.7976931348623157e308",
    "smallest float": "5e-324",
    "4000 hex digits": "0x" + "f" * 4000,
}


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("literal", HUGE_VALUES.values(), ids=HUGE_VALUES.keys())
def test_huge_figures_print_or_are_refused_with_a_message(workdir: Path, literal: str, fmt: str) -> None:
    tally("test_fuzz_cli::huge figures")
    path = workdir / "huge.toml"
    head = '[sources.sheet]\ntitle = "T"\npublisher = "P"\nurl = "https://x"\ndate = 2020-01-01\n'
    path.write_text(
        head + f'[[facts]]\nid = "huge"\ntopic = "aid"\ntext = "A huge figure"\ndate = "2020"\nsource = "sheet"\n'
        f'value = {literal}\nunit = "USD"\n',
        encoding="utf-8",
    )
    argv = ["--data", str(path), "facts", "-f", fmt]
    result = invoke(argv)
    assert_clean_exit(result, argv, report=any(_runs(argv, words) for words in REPORTS))
    if result.exit_code == 0:
        assert "huge" in result.stdout
        assert_parses_as(fmt, result.stdout)
    else:
        assert result.exit_code == 1 and "value" in result.stderr, result.stderr
