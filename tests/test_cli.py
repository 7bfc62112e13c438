"""The CLI as users run it, in-process: every command, every format, every error path."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests import helpers
from tests.helpers import FORMATS, FULL, REGIONAL, SMALL, commands, csv_ids, ok, options, with_arguments, write

Usco = Callable[..., Result]
Write = Callable[[str], Path]

#: Every listing (a command with --no-header: it prints rows), read from the registry, with the
#: arguments it needs; and timeline's other view.
LISTINGS = [
    with_arguments(words, command) for words, command in commands().items() if "--no-header" in options(command)
]
LISTINGS.append(("timeline", "--all"))


@pytest.fixture
def full(tmp_path: Path) -> Path:
    """Every field with a value other than its default, and a regional figure beside a national one."""
    return write(tmp_path, "full.toml", FULL + REGIONAL)


def _ids(result: Result) -> list[str]:
    return [obj["id"] for obj in json.loads(result.stdout)]


# ---------------------------------------------------------------- every command, every format


@pytest.mark.parametrize("command", LISTINGS, ids=" ".join)
@pytest.mark.parametrize("fmt", FORMATS)
def test_every_listing_in_every_format(usco: Usco, small: Path, command: tuple[str, ...], fmt: str) -> None:
    if command[0] == "products":  # the end-use categories' figures: SMALL has none
        small = write(small.parent, "products.toml", SMALL + helpers.PRODUCTS)
    if command[0] == "releases":  # the official releases a dataset holds: SMALL has none; one shipped does
        small = helpers.SERIES / "foreignassistance-2021-04-18.toml"
    result = usco(*command, "--format", fmt, data=small)
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout.strip(), "a non-empty listing printed nothing"
    if fmt == "json":
        assert isinstance(json.loads(result.stdout), list)
    elif fmt == "jsonl":
        assert all(isinstance(json.loads(line), dict) for line in result.stdout.splitlines())
    elif fmt in ("csv", "tsv"):
        delimiter = "," if fmt == "csv" else "\t"
        rows = list(csv.reader(io.StringIO(result.stdout), delimiter=delimiter))
        assert len({len(row) for row in rows}) == 1, "rows of different widths"
    elif fmt == "markdown":
        assert result.stdout.splitlines()[1].startswith("|---")
    else:
        assert "\x1b" not in result.stdout  # CliRunner is not a terminal: no colour


def test_aid_lists_only_aid_facts_oldest_first(usco: Usco, small: Path) -> None:
    result = usco("aid", "-f", "json", data=small)
    # peace-2020 (2016) and peace-2023 (2017) measure different periods: both current.
    assert _ids(result) == ["peace-2020", "peace-2023", "covid-part", "covid-total"]


def test_aid_since_excludes_periods_starting_earlier(usco: Usco, small: Path) -> None:
    result = usco("aid", "--since", "2017", "-f", "json", data=small)
    assert _ids(result) == ["peace-2023", "covid-part", "covid-total"]


def test_trade_shows_figure_with_its_qualifier(usco: Usco, small: Path) -> None:
    result = usco("trade", "-f", "markdown", data=small)
    assert "nearly $29 billion" in result.stdout


def test_timeline_milestones_and_all(usco: Usco, small: Path) -> None:
    assert _ids(usco("timeline", "-f", "json", data=small)) == ["recognition"]
    every = _ids(usco("timeline", "--all", "-f", "json", data=small))
    assert every[0] == "recognition" and len(every) == 6


def test_facts_filters(usco: Usco, small: Path) -> None:
    assert _ids(usco("facts", "--topic", "trade", "-f", "json", data=small)) == ["trade-2019"]
    assert _ids(usco("facts", "--tag", "covid", "-f", "json", data=small)) == ["covid-total"]
    assert _ids(usco("facts", "--source", "report-2023", "-f", "json", data=small)) == ["peace-2023"]
    assert _ids(usco("facts", "--measure", "peace-support", "--latest", "-f", "json", data=small)) == ["peace-2023"]
    assert _ids(usco("facts", "--until", "1900", "-f", "json", data=small)) == ["recognition"]


def test_facts_as_of_drops_later_sources(usco: Usco, small: Path) -> None:
    ids = _ids(usco("facts", "--as-of", "2020-09-30", "-f", "json", data=small))
    assert "peace-2023" not in ids and "peace-2020" in ids


def test_search_every_word_any_case(usco: Usco, small: Path) -> None:
    assert _ids(usco("search", "COVID", "disaster", "-f", "json", data=small)) == ["covid-part"]
    # the source title counts too
    assert _ids(usco("search", "report", "-f", "json", data=small)) == ["peace-2023"]


def test_json_fact_object_fields(usco: Usco, small: Path) -> None:
    (obj,) = json.loads(usco("facts", "--tag", "covid", "-f", "json", data=small).stdout)
    assert obj == {
        "id": "covid-total",
        "topic": "aid",
        "text": "COVID-19 assistance",
        "value": 23600000,
        "unit": "USD",
        "qualifier": "more_than",
        "figure": "more than $23.6 million",
        "date": "2020",
        "end": "2020-09-18",
        "status": "final",
        "regional": False,
        "measure": None,
        "part_of": None,
        "superseded_by": None,
        "tags": ["covid"],
        "event": None,
        "source": {
            "id": "sheet-2020",
            "title": "Fact sheet 2020",
            "publisher": "U.S. Department of State",
            "kind": None,
            "url": "https://example.gov/2020",
            "copy_url": None,
            "date": "2020-09-18",
        },
    }
    assert list(obj) == [
        "id", "topic", "text", "value", "unit", "qualifier", "figure", "date", "end", "status", "regional",
        "measure", "part_of", "superseded_by", "tags", "event", "source",
    ]  # fmt: skip


def test_tsv_is_the_default_when_piped(usco: Usco, small: Path) -> None:
    result = usco("trade", data=small)
    header, row = result.stdout.splitlines()
    assert header.split("\t")[:6] == ["id", "topic", "date", "end", "status", "value"]
    assert row.split("\t")[:8] == ["trade-2019", "trade", "2019", "", "final", "29000000000", "USD", "nearly"]


def test_no_header(usco: Usco, small: Path) -> None:
    result = usco("trade", "-f", "csv", "--no-header", data=small)
    assert result.stdout.startswith("trade-2019,trade,2019,")


def test_history_adds_superseded_by_column(usco: Usco, small: Path) -> None:
    header = usco("facts", "--history", "-f", "csv", data=small).stdout.splitlines()[0]
    assert header.endswith(",source_url,superseded_by")


@pytest.mark.parametrize("width", ["40", "300"])
@pytest.mark.parametrize("fmt", ["json", "jsonl", "csv", "tsv", "markdown"])
def test_machine_formats_ignore_terminal_width(usco: Usco, small: Path, fmt: str, width: str) -> None:
    narrow = usco("facts", "-f", fmt, data=small, env={"COLUMNS": width}).stdout
    assert narrow == usco("facts", "-f", fmt, data=small, env={"COLUMNS": "100"}).stdout


def test_sources_newest_first_with_counts(usco: Usco, small: Path) -> None:
    result = json.loads(usco("sources", "-f", "json", data=small).stdout)
    assert [(s["id"], s["facts"], s["date"]) for s in result] == [
        ("report-2023", 1, "2023-06"),
        ("sheet-2020", 5, "2020-09-18"),
    ]
    assert list(result[0]) == ["id", "title", "publisher", "kind", "url", "copy_url", "date", "date_note", "facts"]


def test_topics_counts(usco: Usco, small: Path) -> None:
    result = json.loads(usco("topics", "-f", "json", data=small).stdout)
    assert result == [{"topic": "aid", "facts": 4}, {"topic": "trade", "facts": 1}, {"topic": "milestone", "facts": 1}]


def test_measures_summary(usco: Usco, small: Path) -> None:
    (measure,) = json.loads(usco("measures", "-f", "json", data=small).stdout)
    assert measure == {
        "id": "peace-support",
        "label": "Support to peace implementation",
        "unit": "USD",
        "period": "running_total",  # inferred: every fact runs from a start to the day it was said
        "periods": 2,
        "facts": 2,
        "first": "2016/2020-09-18",
        "last": "2017/2023-06-14",
    }


def test_tags_lists_tags_with_counts(usco: Usco, full: Path) -> None:
    assert ok(usco("tags", "-f", "csv", data=full)) == "tag,facts\nobligations,2\nregional-programs,1\n"
    assert ok(usco("tags", "--topic", "trade", "-f", "csv", data=full)) == "tag,facts\n"


# ---------------------------------------------------------------- search


def test_search_finds_a_figure_as_shown_not_a_report_number(usco: Usco, full: Path) -> None:
    # "$344 million" is obl-fy2024's figure; every gov-2024 fact's source title holds "RL34470".
    assert csv_ids(ok(usco("search", "344", "-f", "csv", data=full))) == ["obl-fy2024"]


def test_search_finds_a_decimal_figure(usco: Usco, full: Path) -> None:
    assert csv_ids(ok(usco("search", "391.3", "-f", "csv", data=full))) == ["obl-fy2024-health"]
    assert csv_ids(ok(usco("search", "391", "-f", "csv", data=full))) == ["obl-fy2024-health"]


def test_search_words_match_the_start_of_a_word(usco: Usco, full: Path) -> None:
    assert csv_ids(ok(usco("search", "oblig", "fy2024", "-f", "csv", data=full))) == ["obl-fy2024", "obl-fy2024-health"]
    assert csv_ids(ok(usco("search", "bligations", "-f", "csv", data=full))) == []
    assert csv_ids(ok(usco("search", "andean", "-f", "csv", data=full))) == ["andean-aid-2020"]


def test_search_matches_tags_and_source_titles(usco: Usco, full: Path) -> None:
    assert csv_ids(ok(usco("search", "regional-programs", "-f", "csv", data=full))) == ["obl-fy2025"]
    assert csv_ids(ok(usco("search", "wire", "story", "-f", "csv", data=full))) == [
        "andean-aid-2020", "colombia-aid-2020", "exports-2022",
    ]  # fmt: skip


# ---------------------------------------------------------------- show


def test_show_piped_prints_key_value_lines(usco: Usco, small: Path) -> None:
    result = usco("show", "covid-total", data=small)
    pairs = dict(line.split("\t", 1) for line in result.stdout.splitlines() if not line.startswith("component"))
    assert pairs["figure"] == "more than $23.6 million"
    assert pairs["source_title"] == "Fact sheet 2020"
    assert pairs["source_publisher"] == "U.S. Department of State"
    assert pairs["source_date"] == "2020-09-18"
    assert pairs["source_url"] == "https://example.gov/2020"
    assert pairs["period"] == "2020 – 2020-09-18"
    assert "component\tcovid-part: 2020 – 2020-09-18: $15.5 million" in result.stdout


def test_show_json_has_series_and_components(usco: Usco, small: Path) -> None:
    obj = json.loads(usco("show", "peace-2020", "-f", "json", data=small).stdout)
    assert obj["id"] == "peace-2020"
    assert [fact["id"] for fact in obj["series"]] == ["peace-2023"]
    assert obj["components"] == []


def test_show_part_names_its_whole(usco: Usco, small: Path) -> None:
    result = usco("show", "covid-part", data=small)
    assert "part_of\tcovid-total (more than $23.6 million)" in result.stdout


def test_show_table(usco: Usco, small: Path) -> None:
    result = usco("show", "covid-total", "-f", "table", data=small)
    assert result.exit_code == 0
    assert "more than $23.6 million" in result.stdout and "https://example.gov/2020" in result.stdout


def test_show_unknown_id_suggests_close_ones(usco: Usco, small: Path) -> None:
    result = usco("show", "covid-totl", data=small)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert "no fact id 'covid-totl'" in result.stderr and "covid-total" in result.stderr


# ---------------------------------------------------------------- empty results, errors


def test_empty_json_is_an_empty_array(usco: Usco, small: Path) -> None:
    result = usco("aid", "--since", "2030", "-f", "json", data=small)
    assert (result.exit_code, result.stdout.strip()) == (0, "[]")
    assert result.stderr == ""  # the note is for people at a table, never beside machine output


def test_empty_table_notes_on_stderr(usco: Usco, small: Path) -> None:
    result = usco("aid", "--since", "2030", "-f", "table", data=small)
    assert (result.exit_code, result.stdout) == (0, "")
    assert "no facts match" in result.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("aid", "--since", "abc"), "'abc' is not a date"),
        (("aid", "--since", "2020-13"), "2020-13"),
        (("aid", "--since", "2020", "--until", "2010"), "--until 2010 is before --since 2020"),
        (("facts", "--format", "yaml"), "yaml"),
        (("facts", "--bogus"), "--bogus"),
        (("nonsense",), "nonsense"),
    ],
)
def test_usage_errors_exit_2(usco: Usco, small: Path, args: tuple[str, ...], expected: str) -> None:
    result = usco(*args, data=small)
    assert result.exit_code == 2
    assert result.stdout == ""
    assert expected in result.stderr
    assert "Traceback" not in result.stderr and "╭" not in result.stderr  # plain text, no box


@pytest.mark.parametrize(
    ("args", "named", "suggested"),
    [
        (("facts", "--tag", "covd"), "no tag 'covd'", "covid"),
        (("facts", "--source", "sheet-2021"), "no source 'sheet-2021'", "sheet-2020"),
        (("aid", "--measure", "peace"), "no measure 'peace'", "peace-support"),
        (("sources", "--tag", "nothing"), "no tag 'nothing'", None),
        (("facts", "--topic", "ai"), "no topic 'ai'", "aid"),
        (("measures", "--topic", "weather"), "no topic 'weather'", None),
    ],
)
def test_unknown_names_are_errors_with_suggestions_not_empty_results(
    usco: Usco, small: Path, args: tuple[str, ...], named: str, suggested: str | None
) -> None:
    result = usco(*args, "-f", "json", data=small)
    assert result.exit_code == 1 and result.stdout == ""
    assert named in result.stderr
    assert (f"did you mean {suggested}" in result.stderr) if suggested else ("did you mean" not in result.stderr)


def test_invalid_dataset_names_first_problem_and_points_to_check(usco: Usco, write_dataset: Write) -> None:
    broken = write_dataset(SMALL.replace('topic     = "trade"', 'topic     = "weather"'))
    result = usco("facts", data=broken)
    assert result.exit_code == 1 and result.stdout == ""
    assert "fact 'trade-2019', field 'topic'" in result.stderr
    assert "usco check" in result.stderr


def test_unreadable_data_path(usco: Usco, tmp_path: Path) -> None:
    result = usco("facts", data=tmp_path / "missing.toml")
    assert result.exit_code == 1 and result.stdout == ""
    assert "missing.toml" in result.stderr and "no such file" in result.stderr


def test_usco_data_environment_variable(usco: Usco, small: Path) -> None:
    result = usco("trade", "-f", "json", env={"USCO_DATA": str(small)})
    assert _ids(result) == ["trade-2019"]


# ---------------------------------------------------------------- check


def test_check_clean_prints_summary(usco: Usco, small: Path) -> None:
    result = usco("check", str(small))
    assert result.exit_code == 0
    assert result.stdout == f"ok: 6 facts, 2 sources, 1 measures, 1822 to 2023-06-14 ({small})\n"


def test_check_lists_every_problem(usco: Usco, write_dataset: Write) -> None:
    text = (
        SMALL.replace('unit      = "USD"\nqualifier = "nearly"', 'qualifier = "nearly"')  # value without unit
        .replace('source    = "report-2023"', 'source    = "nowhere"')  # unknown source
        .replace('date      = "1822"', 'date      = "1822-13"')  # bad date
    )
    result_path = write_dataset(text)
    result = usco("check", str(result_path))
    assert result.exit_code == 1
    lines = result.stdout.splitlines()
    assert len(lines) == 3
    assert all(line.startswith(f"{result_path}:") for line in lines)  # each problem located: file and line
    assert any("fact 'trade-2019', field 'unit': required" in line for line in lines)
    assert any("fact 'peace-2023', field 'source'" in line for line in lines)
    assert any("fact 'recognition', field 'date'" in line for line in lines)
    assert "3 problems" in result.stderr


def test_check_uses_data_option(usco: Usco, small: Path) -> None:
    assert usco("check", data=small).stdout.startswith("ok: 6 facts")


def test_check_syntax_error_with_line_and_column(usco: Usco, write_dataset: Write) -> None:
    path = write_dataset('[sources.x]\ntitle = "unclosed\n')
    result = usco("check", str(path))
    assert result.exit_code == 1
    assert result.stdout.startswith(f"{path}:2: TOML syntax error: ")
    assert result.stdout.rstrip().endswith(")") and "(column " in result.stdout


def test_check_without_a_path_checks_the_shipped_dataset(usco: Usco) -> None:
    # Whether the shipped dataset is clean is tests/test_shipped_data.py's to say; here: that it is the one read.
    from usco.dataset.load import default_path

    result = usco("check")
    assert result.exit_code in (0, 1)
    if result.exit_code == 0:
        assert result.stdout.startswith("ok: ") and result.stdout.endswith(f"({default_path()})\n")
    else:
        assert f"problems in {default_path()}" in result.stderr or f"problem in {default_path()}" in result.stderr


def test_check_prints_file_line_problems(usco: Usco, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.toml", FULL.replace('status    = "provisional"', 'status    = "prelim"'))
    result = usco("check", str(path))
    assert result.exit_code == 1
    line = FULL.splitlines().index('status    = "provisional"')  # 0-based: the [[facts]] header is above
    header = max(n for n, text in enumerate(FULL.splitlines()[:line], start=1) if text == "[[facts]]")
    assert result.stdout == (
        f"{path}:{header}: fact 'obl-fy2024', field 'status': 'prelim' is not one of: "
        "final, partial, provisional, planned\n"
    )


def test_check_ok_line(usco: Usco, full: Path) -> None:
    assert ok(usco("check", str(full))) == f"ok: 7 facts, 2 sources, 2 measures, 2020 to 2025-03 ({full})\n"


def test_other_commands_name_the_first_problem_and_point_to_check(usco: Usco, tmp_path: Path) -> None:
    path = write(tmp_path, "bad.toml", FULL.replace('status    = "provisional"', 'status    = "prelim"'))
    result = usco("facts", data=path)
    assert result.exit_code == 1
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith(f"usco: invalid dataset: {path}:")
    assert lines[1] == f"usco: run `usco check {path}` to list every problem"


# ---------------------------------------------------------------- help and version


@pytest.mark.parametrize("command", [words[0] for words in commands() if len(words) == 1])
def test_every_command_has_help_with_an_example(usco: Usco, command: str) -> None:
    result = usco(command, "--help")
    assert result.exit_code == 0
    assert f"usco {command}" in result.stdout.split("Example", 1)[1]


def test_version(usco: Usco) -> None:
    from usco import __version__

    assert usco("--version").stdout.strip() == f"usco {__version__}"


def test_completion_is_offered(usco: Usco) -> None:
    assert "--install-completion" in usco("--help").stdout


# ---------------------------------------------------------------- time views through the CLI

SERIES = """
[sources.report-2020]
title = "Coca report 2020"
publisher = "ONDCP"
url = "https://example.gov/coca-2020"
date = 2020-06-01

[sources.report-2021]
title = "Coca report 2021"
publisher = "ONDCP"
url = "https://example.gov/coca-2021"
date = "2021"

[sources.undated-page]
title = "Undated page"
publisher = "Someone"
url = "https://example.gov/undated"
date_note = "No date anywhere on the page."

[measures.coca]
label = "Coca cultivation"
unit = "hectares"

[[facts]]
id = "coca-2018"
topic = "security"
text = "Coca cultivation in 2018"
value = 208_000
unit = "hectares"
date = "2018"
source = "report-2020"
measure = "coca"

[[facts]]
id = "coca-2019-first"
topic = "security"
text = "Coca cultivation in 2019, first estimate"
value = 212_000
unit = "hectares"
date = "2019"
source = "report-2020"
measure = "coca"

[[facts]]
id = "coca-2019-revised"
topic = "security"
text = "Coca cultivation in 2019, revised"
value = 154_000
unit = "hectares"
date = "2019"
source = "report-2021"
measure = "coca"

[[facts]]
id = "coca-2019-undated"
topic = "security"
text = "Coca cultivation in 2019, per an undated page"
value = 150_000
unit = "hectares"
qualifier = "approximately"
date = "2019"
source = "undated-page"
measure = "coca"
"""


def _series(usco: Usco, write_dataset: Write, *args: str) -> list[tuple[str, str | None]]:
    result = usco("facts", *args, "-f", "json", data=write_dataset(SERIES))
    assert result.exit_code == 0, result.stderr
    return [(obj["id"], obj["superseded_by"]) for obj in json.loads(result.stdout)]


def test_default_view_hides_superseded_versions(usco: Usco, write_dataset: Write) -> None:
    assert _series(usco, write_dataset) == [("coca-2018", None), ("coca-2019-revised", None)]


def test_history_shows_every_version_oldest_source_first(usco: Usco, write_dataset: Write) -> None:
    assert _series(usco, write_dataset, "--history") == [
        ("coca-2018", None),
        ("coca-2019-undated", "coca-2019-first"),  # an undated source never supersedes a dated one
        ("coca-2019-first", "coca-2019-revised"),
        ("coca-2019-revised", None),
    ]


def test_latest_keeps_the_most_recent_period(usco: Usco, write_dataset: Write) -> None:
    assert _series(usco, write_dataset, "--latest") == [("coca-2019-revised", None)]


@pytest.mark.parametrize(
    ("as_of", "expected"),
    [
        ("2020-05-31", []),
        ("2020-06", [("coca-2018", None), ("coca-2019-first", None)]),
        ("2021-06-30", [("coca-2018", None), ("coca-2019-first", None)]),  # "2021" counts as 2021-12-31
        ("2021", [("coca-2018", None), ("coca-2019-revised", None)]),
    ],
)
def test_as_of_sees_the_record_as_it_stood(
    usco: Usco, write_dataset: Write, as_of: str, expected: list[tuple[str, None]]
) -> None:
    assert _series(usco, write_dataset, "--as-of", as_of) == expected


def test_check_counts_the_superseded_versions(usco: Usco, write_dataset: Write) -> None:
    path = write_dataset(SERIES)
    result = usco("check", str(path))
    assert result.stdout == (
        f"ok: 4 facts (2 of them superseded by later versions), 3 sources, 1 measures, 2018 to 2019 ({path})\n"
    )


def test_history_table_marks_superseded_rows(usco: Usco, write_dataset: Write) -> None:
    result = usco("facts", "--history", "-f", "table", data=write_dataset(SERIES), env={"COLUMNS": "200"})
    assert "superseded by coca-2019-revised" in result.stdout
    assert "4 facts, 2 superseded" in result.stdout


def test_show_tells_how_a_figure_moved(usco: Usco, write_dataset: Write) -> None:
    result = usco("show", "coca-2019-revised", data=write_dataset(SERIES))
    series = [line for line in result.stdout.splitlines() if line.startswith("series\t")]
    assert series == [
        "series\tcoca-2018: 2018: 208,000 hectares (report-2020 (2020-06-01))",
        "series\tcoca-2019-undated: 2019: approximately 150,000 hectares (undated-page (undated))"
        " [superseded by coca-2019-first]",
        "series\tcoca-2019-first: 2019: 212,000 hectares (report-2020 (2020-06-01)) [superseded by coca-2019-revised]",
    ]


def test_measures_lists_periods(usco: Usco, write_dataset: Write) -> None:
    (measure,) = json.loads(usco("measures", "-f", "json", data=write_dataset(SERIES)).stdout)
    assert (measure["periods"], measure["facts"], measure["first"], measure["last"]) == (2, 2, "2018", "2019")


def test_sources_count_every_fact_they_give_and_show_date_notes(usco: Usco, write_dataset: Write) -> None:
    sources = json.loads(usco("sources", "-f", "json", data=write_dataset(SERIES)).stdout)
    # newest first, undated last; a source whose only fact was revised still gives that fact
    assert [(source["id"], source["facts"]) for source in sources] == [
        ("report-2021", 1),
        ("report-2020", 2),
        ("undated-page", 1),
    ]
    assert sources[2]["date"] is None and sources[2]["date_note"] == "No date anywhere on the page."


# ---------------------------------------------------------------- chart, export, timeline view


def test_chart_piped_prints_the_series_as_tsv(usco: Usco, write_dataset: Write) -> None:
    result = usco("chart", "coca", data=write_dataset(SERIES))
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split("\t")[:4] == ["period", "start", "end", "value"]
    # the current versions only: the revised 2019 figure, not the first estimate
    assert [line.split("\t")[0:4:3] for line in lines[1:]] == [["2018", "208000"], ["2019", "154000"]]


def test_chart_svg_is_written(usco: Usco, write_dataset: Write, tmp_path: Path) -> None:
    target = tmp_path / "coca.svg"
    result = usco("chart", "coca", "--svg", str(target), data=write_dataset(SERIES))
    assert result.exit_code == 0, result.stderr
    svg = target.read_text(encoding="utf-8")
    assert "<svg" in svg and "208,000 hectares" in svg and "<script" not in svg
    assert result.stdout == ""


def test_chart_unknown_measure_suggests(usco: Usco, small: Path) -> None:
    result = usco("chart", "peace", data=small)
    assert result.exit_code == 1 and result.stdout == ""
    assert "no measure 'peace'" in result.stderr and "peace-support" in result.stderr


def test_export_sqlite_refuses_to_overwrite(usco: Usco, small: Path, tmp_path: Path) -> None:
    import sqlite3

    target = tmp_path / "usco.db"
    first = usco("export", "sqlite", str(target), data=small)
    assert first.exit_code == 0, first.stderr
    with sqlite3.connect(target) as db:
        assert db.execute("select count(*) from facts").fetchone() == (6,)
    again = usco("export", "sqlite", str(target), data=small)
    assert again.exit_code == 1 and "--force" in again.stderr
    forced = usco("export", "sqlite", str(target), "--force", "--topic", "trade", data=small)
    assert forced.exit_code == 0
    with sqlite3.connect(target) as db:
        assert db.execute("select id from facts").fetchall() == [("trade-2019",)]


def test_export_datapackage_writes_its_files(usco: Usco, small: Path, tmp_path: Path) -> None:
    result = usco("export", "datapackage", str(tmp_path / "pkg"), data=small)
    assert result.exit_code == 0, result.stderr
    names = sorted(Path(line).name for line in result.stdout.splitlines())
    assert names == ["datapackage.json", "facts.csv", "measures.csv", "sources.csv"]


def test_timeline_table_is_a_spine_of_years(usco: Usco, small: Path) -> None:
    result = usco("timeline", "--all", "-f", "table", data=small, env={"COLUMNS": "120"})
    lines = result.stdout.splitlines()
    headings = [line for line in lines if line[:4].isdigit()]
    assert headings == ["1822", "2016", "2017", "2019", "2020"]  # each year once, oldest first
    assert lines.index("1822") < next(i for i, line in enumerate(lines) if "recognition" in line) < lines.index("2016")
    assert sum("2020" in line[:5] for line in lines) == 1


@pytest.mark.parametrize("words", [words for words in commands() if len(words) > 1], ids=" ".join)
def test_every_subcommand_has_help_with_an_example(usco: Usco, words: tuple[str, ...]) -> None:
    """`usco export sqlite`, `usco import census-trade`...: every command of a group such as export or import."""
    result = usco(*words, "--help")
    assert result.exit_code == 0
    assert f"usco {' '.join(words)}" in result.stdout.split("Example", 1)[1]


def test_every_command_is_found_where_the_cli_looks_for_it() -> None:
    """usco.cli.app imports a command's module by COMMAND_HOMES alone: a command missing there is not found."""
    from usco.cli import app as cli

    app = cli.register_every_command()
    homes = {(info.name or info.callback.__name__): info.callback.__module__ for info in app.registered_commands}
    for group in app.registered_groups:
        (module,) = {info.callback.__module__ for info in group.typer_instance.registered_commands}
        homes[group.name] = module
    assert homes == cli.COMMAND_HOMES
