"""Issue #23 on purpose-made datasets: whose figures a measure holds, components and their
wholes, possible duplicates (`check --strict`), events told by several documents, `--latest`."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.helpers import run, write
from tests.test_rules import FACT_LINE, HEAD, fact, only, valid
from usco.dataset import load as dataset

Run = Callable[..., Result]

# ---------------------------------------------------------------- rules

YEARLY = '[measures.yearly]\nlabel  = "A yearly figure"\nunit   = "USD"\nperiod = "year"\n'
PUBLISHED = HEAD.replace(YEARLY, YEARLY + 'publisher = "U.S. Department of State"\n')
OTHER_SOURCE = """
[sources.paper]
title     = "A newspaper story"
publisher = "A Newspaper"
kind      = "press"
url       = "https://news.example.com/story"
date      = 2024-12-01
"""


def test_a_measure_with_a_publisher_holds_only_its_publishers_figures(tmp_path: Path) -> None:
    assert PUBLISHED != HEAD
    path = write(tmp_path, "facts.toml", PUBLISHED + "\n" + fact(measure="yearly", source="paper") + OTHER_SOURCE)
    problem = only(path)
    assert (problem.where, problem.field, problem.line) == ("fact 'f'", "source", FACT_LINE + 1)  # publisher line
    assert "'A Newspaper'" in problem.message and "'U.S. Department of State'" in problem.message
    valid(write(tmp_path, "ok.toml", PUBLISHED + "\n" + fact(measure="yearly") + OTHER_SOURCE))  # its own source
    valid(write(tmp_path, "none.toml", PUBLISHED + "\n" + fact(source="paper") + OTHER_SOURCE))  # no measure


def test_a_measure_without_a_publisher_takes_anyones_figures(tmp_path: Path) -> None:
    valid(write(tmp_path, "facts.toml", HEAD + "\n" + fact(measure="yearly", source="paper") + OTHER_SOURCE))


def test_a_components_whole_exists(tmp_path: Path) -> None:
    problem = only(write(tmp_path, "facts.toml", HEAD + "\n" + fact(part_of="g")))
    assert (problem.field, problem.line) == ("part_of", FACT_LINE)
    assert "'g' is not a fact id" in problem.message


def test_an_event_key_is_kebab_case(tmp_path: Path) -> None:
    problem = only(write(tmp_path, "facts.toml", HEAD + "\n" + fact(event="Relations 1822")))
    assert (problem.field, problem.line) == ("event", FACT_LINE)
    assert "kebab-case" in problem.message
    valid(write(tmp_path, "ok.toml", HEAD + "\n" + fact(event="relations-1822")))


# ---------------------------------------------------------------- check --strict

TWICE = (
    OTHER_SOURCE
    + "\n"
    + fact(id="said", value=250, unit="firms", date="2013")
    + "\n"
    + fact(id="said-again", value=250, unit="firms", date="2013", source="paper")
    + "\n"
    + fact(id="other-day", value=250, unit="firms", date="2014", source="paper")
    + "\n"
    + fact(id="in-a-series", measure="yearly", date="2013")
    + "\n"
    + fact(id="also-in-a-series", measure="yearly", date="2013", source="paper")
)


def test_check_strict_lists_facts_outside_measures_with_one_value_unit_and_date_from_two_sources(
    usco: Run, tmp_path: Path
) -> None:
    path = write(tmp_path, "facts.toml", HEAD + TWICE)
    plain = usco("check", str(path))
    assert plain.exit_code == 0 and "possible" not in plain.stdout  # only --strict looks
    strict = usco("check", "--strict", str(path))
    assert strict.exit_code == 0, strict.stderr
    lines = strict.stdout.splitlines()
    assert lines[1].startswith("possible duplicates (1):")
    assert lines[2:] == ["  250 firms, 2013: 'said' (release), 'said-again' (paper)"]


def test_check_strict_counts_one_event_once(usco: Run, tmp_path: Path) -> None:
    told = TWICE.replace('id = "said"', 'id = "said"\nevent = "e"').replace(
        'id = "said-again"', 'id = "said-again"\nevent = "e"'
    )
    strict = usco("check", "--strict", str(write(tmp_path, "facts.toml", HEAD + told)))
    assert strict.exit_code == 0
    assert strict.stdout.splitlines()[1:] == ["no possible duplicates"]


def test_check_strict_of_one_source_saying_it_twice_is_not_a_duplicate(tmp_path: Path) -> None:
    from usco.dataset.rules import possible_duplicates

    text = HEAD + "\n" + fact(id="a", value=5, unit="x") + "\n" + fact(id="b", value=5, unit="x")
    assert possible_duplicates(dataset.load(write(tmp_path, "facts.toml", text), use_cache=False).facts) == []


# ---------------------------------------------------------------- events

EVENTS = """
[sources.early]
title     = "An early fact sheet"
publisher = "U.S. Department of State"
kind      = "government"
url       = "https://example.gov/early"
date      = 2013-11-19

[sources.late]
title     = "A late fact sheet"
publisher = "U.S. Department of State"
kind      = "government"
url       = "https://example.gov/late"
date      = 2020-09-18

[sources.undated]
title     = "An undated page"
publisher = "Ministry"
kind      = "government"
url       = "https://example.gov/undated"
date_note = "The page prints no date and no copy dates it."

[[facts]]
id     = "relations-late"
topic  = "milestone"
text   = "Relations established (late sheet)"
date   = "1822"
source = "late"
event  = "relations-1822"

[[facts]]
id     = "relations-undated"
topic  = "milestone"
text   = "Relations established (undated page)"
date   = "1822"
source = "undated"
event  = "relations-1822"

[[facts]]
id     = "relations-early"
topic  = "milestone"
text   = "Relations established (early sheet)"
date   = "1822-06-19"
source = "early"
event  = "relations-1822"

[[facts]]
id     = "treaty"
topic  = "milestone"
text   = "A treaty"
date   = "1846"
source = "early"
"""


def test_the_timeline_shows_one_event_once_first_told_first(usco: Run, tmp_path: Path) -> None:
    path = write(tmp_path, "facts.toml", EVENTS)
    listed = json.loads(usco("timeline", "-f", "json", data=path).stdout)
    assert [obj["id"] for obj in listed] == ["relations-early", "treaty"]  # the 2013 sheet told it first
    assert listed[0]["event"] == "relations-1822"
    tsv = usco("timeline", "-f", "tsv", data=path).stdout
    assert tsv.count("relations-") == 1
    # every fact is still a fact
    assert len(json.loads(usco("facts", "-f", "json", data=path).stdout)) == 4


def test_the_timeline_table_names_the_further_sources(usco: Run, tmp_path: Path) -> None:
    table = usco("timeline", "-f", "table", data=write(tmp_path, "facts.toml", EVENTS), env={"COLUMNS": "200"})
    assert table.stdout.count("Relations established") == 1
    assert "also told by late (relations-late), undated (relations-undated)" in table.stdout
    markdown = usco("timeline", "-f", "markdown", data=write(tmp_path, "again.toml", EVENTS)).stdout
    assert "Relations established (early sheet) (also told by late (relations-late), undated" in markdown


def test_search_counts_an_event_once(usco: Run, tmp_path: Path) -> None:
    path = write(tmp_path, "facts.toml", EVENTS)
    found = json.loads(usco("search", "relations", "-f", "json", data=path).stdout)
    assert [obj["id"] for obj in found] == ["relations-early"]
    table = usco("search", "relations", "-f", "table", data=path, env={"COLUMNS": "200"}).stdout
    assert "also told by late (relations-late)" in table


def test_show_lists_every_document_that_told_the_event(usco: Run, tmp_path: Path) -> None:
    path = write(tmp_path, "facts.toml", EVENTS)
    shown = json.loads(usco("show", "relations-late", "-f", "json", data=path).stdout)
    assert [obj["id"] for obj in shown["same_event"]] == ["relations-undated", "relations-early"]
    lines = usco("show", "relations-late", data=path).stdout.splitlines()
    told = [line for line in lines if line.startswith("also_told_by\t")]
    assert [line.split("\t")[1].split(":")[0] for line in told] == ["relations-undated", "relations-early"]
    assert json.loads(usco("show", "treaty", "-f", "json", data=path).stdout)["same_event"] == []


# ---------------------------------------------------------------- --latest and components

LATEST = (
    HEAD
    + "\n"
    + fact(id="y2019", measure="yearly", date="2019")
    + "\n"
    + fact(id="y2020", measure="yearly", date="2020")
    + "\n"
    + fact(id="y2020-part", date="2020", value=10, part_of="y2020")
    + "\n"
    + fact(id="y2019-part", date="2019", value=10, part_of="y2019")
    + "\n"
    + fact(id="loose", date="2023", value=7)
)


def test_latest_leaves_out_facts_with_no_measure_but_keeps_a_component_with_its_whole(
    usco: Run, tmp_path: Path
) -> None:
    path = write(tmp_path, "facts.toml", LATEST)
    listed = json.loads(usco("facts", "--latest", "-f", "json", data=path).stdout)
    assert [obj["id"] for obj in listed] == ["y2020", "y2020-part"]
    assert [obj["id"] for obj in json.loads(usco("aid", "--latest", "-f", "json", data=path).stdout)] == [
        "y2020",
        "y2020-part",
    ]


def test_latest_keeps_a_series_figure_that_is_part_of_a_fact_with_no_measure(usco: Run, tmp_path: Path) -> None:
    text = LATEST + "\n" + fact(id="fy-part", measure="fiscal", date="2021", value=5, part_of="loose")
    listed = json.loads(usco("facts", "--latest", "-f", "json", data=write(tmp_path, "facts.toml", text)).stdout)
    assert [obj["id"] for obj in listed] == ["y2020", "y2020-part", "fy-part"]  # fy-part: marked "part of loose"


def test_a_component_whose_whole_is_not_listed_is_marked_with_its_wholes_id(usco: Run, tmp_path: Path) -> None:
    path = write(tmp_path, "facts.toml", LATEST)
    markdown = usco("facts", "--since", "2020", "--topic", "aid", "-f", "markdown", data=path).stdout
    assert "| A figure | " in markdown  # the whole, listed: its component needs no mark
    only_part = usco("search", "y2019-part", "-f", "markdown", data=path).stdout
    assert "A figure (part of y2019)" in only_part
    table = usco("search", "y2019-part", "-f", "table", data=path, env={"COLUMNS": "200"}).stdout
    assert "(part of y2019)" in table
    tsv = usco("search", "y2019-part", data=path).stdout.splitlines()
    assert tsv[1].split("\t")[10] == "y2019"  # the part_of column


@pytest.mark.slow
@pytest.mark.installed
def test_check_strict_as_users_run_it(tmp_path: Path) -> None:
    result = run("check", "--strict", str(write(tmp_path, "facts.toml", HEAD + TWICE)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[2:] == ["  250 firms, 2013: 'said' (release), 'said-again' (paper)"]
    assert result.stderr == ""
