"""Issue #10: the rules `usco check` enforces for periods, statuses, kinds and references (design §1, §2)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from usco.dataset import load as dataset
from usco.model import DatasetError, Problem

Run = Callable[..., Result]

HEAD = """\
[sources.release]
title     = "A release"
publisher = "U.S. Department of State"
kind      = "government"
url       = "https://example.gov/release"
date      = 2024-12-22

[measures.yearly]
label  = "A yearly figure"
unit   = "USD"
period = "year"

[measures.fiscal]
label  = "A fiscal-year figure"
unit   = "USD"
period = "fiscal_year"

[measures.monthly]
label  = "A monthly figure"
unit   = "USD"
period = "month"

[measures.stock]
label  = "People counted on a day"
unit   = "count"
period = "point"

[measures.since-2016]
label  = "A total since 2016"
unit   = "USD"
period = "running_total"
"""
#: The line of the first [[facts]] header in HEAD + fact(...): HEAD has 31 lines, then a blank one.
FACT_LINE = 33


def fact(**fields: object) -> str:
    """One [[facts]] table: a valid aid figure unless *fields* say otherwise (None drops a field)."""
    values: dict[str, object] = {
        "id": "f", "topic": "aid", "text": "A figure", "value": 100, "unit": "USD", "date": "2020",
        "source": "release",
    }  # fmt: skip
    values.update(fields)
    lines = ["[[facts]]"]
    for key, value in values.items():
        if value is None:
            continue
        if isinstance(value, bool):
            lines.append(f"{key} = {'true' if value else 'false'}")
        elif isinstance(value, str) and not value.startswith("@"):
            lines.append(f'{key} = "{value}"')
        else:
            lines.append(f"{key} = {str(value).lstrip('@')}")  # "@2024-12-22": a TOML date
    return "\n".join(lines) + "\n"


@pytest.fixture
def write(tmp_path: Path) -> Callable[..., Path]:
    def write_file(*facts: str, head: str = HEAD, name: str = "facts.toml") -> Path:
        path = tmp_path / name
        path.write_text(head + "\n" + "\n".join(facts), encoding="utf-8")
        return path

    return write_file


def problems(path: Path) -> list[Problem]:
    with pytest.raises(DatasetError) as raised:
        dataset.load(path, use_cache=False)
    return list(raised.value.problems)


def only(path: Path) -> Problem:
    [problem] = problems(path)
    return problem


def valid(path: Path) -> None:
    dataset.load(path, use_cache=False)


# ---------------------------------------------------------------- period kinds


@pytest.mark.parametrize(
    ("fields", "fragment"),
    [
        ({"measure": "yearly", "date": "2020-05"}, "bare year"),
        ({"measure": "yearly", "date": "2020", "end": "2020-06"}, "no end unless the figure is partial"),
        ({"measure": "fiscal", "date": "2020-05"}, "bare year"),
        ({"measure": "monthly", "date": "2020"}, "YYYY-MM"),
        ({"measure": "stock", "unit": "count", "date": "2020", "end": "2021"}, "a point"),
        ({"measure": "since-2016", "date": "2016"}, "needs `end`"),
        ({"measure": "yearly", "date": "2020", "end": "2021-03", "status": "partial"}, "inside its year"),
        ({"measure": "fiscal", "date": "2020", "end": "2020-11", "status": "partial"}, "inside its fiscal_year"),
    ],
)
def test_a_fact_must_fit_its_measures_period_kind(
    write: Callable[..., Path], fields: dict[str, object], fragment: str
) -> None:
    problem = only(write(fact(**fields)))
    assert (problem.where, problem.field) == ("fact 'f'", "measure")
    assert fragment in problem.message
    assert problem.line == FACT_LINE


@pytest.mark.parametrize(
    "fields",
    [
        {"measure": "yearly", "date": "2020"},
        {"measure": "fiscal", "date": "2016"},
        {"measure": "fiscal", "date": "1976-07", "end": "1976-09"},  # the transition quarter
        {"measure": "fiscal", "date": "2025", "end": "@2024-12-22", "status": "partial"},  # FY2025 began 2024-10-01
        {"measure": "yearly", "date": "2024", "end": "2024-06", "status": "partial"},
        {"measure": "monthly", "date": "2024-03"},
        {"measure": "stock", "unit": "count", "date": "2024-03-05"},
        {"measure": "stock", "unit": "count", "date": "2024"},
        {"measure": "since-2016", "date": "2016", "end": "@2024-12-22"},
    ],
)
def test_facts_that_fit_their_period_kind_are_valid(write: Callable[..., Path], fields: dict[str, object]) -> None:
    valid(write(fact(**fields)))


def test_the_transition_quarter_is_shown_as_such(write: Callable[..., Path]) -> None:
    from usco import text

    data = dataset.load(write(fact(measure="fiscal", date="1976-07", end="1976-09")), use_cache=False)
    shown = text.period(data.facts[0], data.measures["fiscal"])
    assert "transition quarter" in shown
    assert "FY1976-07" not in shown


# ---------------------------------------------------------------- when it was said


def test_a_fact_dated_after_its_source_must_be_planned(write: Callable[..., Path]) -> None:
    problem = only(write(fact(date="2025-03")))
    assert (problem.field, problem.line) == ("date", FACT_LINE)
    assert "planned" in problem.message
    valid(write(fact(date="2025-03", status="planned")))


def test_a_fiscal_year_that_began_before_its_source_is_not_after_it(write: Callable[..., Path]) -> None:
    # FY2025 began on 2024-10-01, before the release of 2024-12-22; FY2026 had not begun.
    valid(write(fact(measure="fiscal", date="2025", end="@2024-12-22", status="partial")))
    found = problems(write(fact(measure="fiscal", date="2026", end="@2024-12-22", status="partial")))
    assert any(p.field == "date" and "planned" in p.message for p in found)


def test_a_partial_fact_needs_an_end(write: Callable[..., Path]) -> None:
    problem = only(write(fact(date="2024", status="partial")))
    assert (problem.where, problem.field, problem.line) == ("fact 'f'", "end", FACT_LINE)


def test_a_partial_facts_end_is_not_after_its_source(write: Callable[..., Path]) -> None:
    problem = only(write(fact(date="2024", end="@2024-12-30", status="partial")))
    assert (problem.field, problem.line) == ("end", FACT_LINE)
    assert "2024-12-22" in problem.message


# ---------------------------------------------------------------- values from the lists


@pytest.mark.parametrize(
    ("fields", "field", "fragment"),
    [
        ({"status": "draft"}, "status", "final, partial, provisional, planned"),
        ({"status": "Final"}, "status", "not one of"),
        ({"regional": "yes"}, "regional", "true or false"),
        ({"qualifier": "about"}, "qualifier", "not one of"),
        ({"topic": "economy"}, "topic", "not one of"),
    ],
)
def test_fact_values_come_from_the_lists(
    write: Callable[..., Path], fields: dict[str, object], field: str, fragment: str
) -> None:
    problem = only(write(fact(**fields)))
    assert (problem.where, problem.field, problem.line) == ("fact 'f'", field, FACT_LINE)
    assert fragment in problem.message


def test_source_kind_comes_from_the_list(write: Callable[..., Path]) -> None:
    problem = only(write(fact(), head=HEAD.replace('kind      = "government"', 'kind      = "blog"')))
    assert (problem.where, problem.field, problem.line) == ("source 'release'", "kind", 1)
    assert "government, intergovernmental, press, other" in problem.message


def test_measure_period_comes_from_the_list(write: Callable[..., Path]) -> None:
    problem = only(write(fact(), head=HEAD.replace('period = "point"', 'period = "week"')))
    assert (problem.where, problem.field, problem.line) == ("measure 'stock'", "period", 23)
    assert "fiscal_year" in problem.message


@pytest.mark.parametrize("url", ["ftp://example.org/copy", "example.org/copy", "javascript:alert(1)"])
def test_copy_url_must_be_http(write: Callable[..., Path], url: str) -> None:
    head = HEAD.replace("date      = 2024-12-22", f'copy_url  = "{url}"\ndate      = 2024-12-22')
    problem = only(write(fact(), head=head))
    assert (problem.where, problem.field) == ("source 'release'", "copy_url")
    assert "http" in problem.message


# ---------------------------------------------------------------- references


@pytest.mark.parametrize(
    ("fields", "field", "suggestion"),
    [
        ({"source": "releases"}, "source", "release"),
        ({"measure": "fiscals"}, "measure", "fiscal"),
        ({"part_of": "g-total"}, "part_of", "g-totals"),
    ],
)
def test_unknown_keys_get_suggestions(
    write: Callable[..., Path], fields: dict[str, object], field: str, suggestion: str
) -> None:
    whole = fact(id="g-totals", value=1000)
    found = [p for p in problems(write(fact(**fields), whole)) if p.field == field]
    [problem] = found
    assert problem.line == FACT_LINE
    assert f"did you mean {suggestion}" in problem.message


def test_duplicate_ids_across_files_name_both_locations(write: Callable[..., Path], tmp_path: Path) -> None:
    write(fact(id="twice"), name="other.toml", head=HEAD)
    main = write(fact(id="twice"), head='include = ["other.toml"]\n' + HEAD.replace("release]", "second]", 1)
                 .replace("https://example.gov/release", "https://example.gov/second"))  # fmt: skip
    main.write_text(main.read_text().replace('source = "release"', 'source = "second"'))
    found = [p for p in problems(main) if p.field == "id"]
    [problem] = found
    assert problem.file is not None
    located = problem.located(main)
    assert str(tmp_path / "other.toml") in located or str(main) in located
    files = {str(tmp_path / "other.toml"), str(main)}
    assert sum(name in located for name in files) == 2, located


def test_line_numbers_count_the_toml_written(write: Callable[..., Path]) -> None:
    path = write(fact(id="a"), fact(id="b", status="draft"), fact(id="c", regional=1))
    found = sorted((p.where, p.line) for p in problems(path))
    text = path.read_text().splitlines()
    headers = [number for number, line in enumerate(text, start=1) if line == "[[facts]]"]
    assert headers == [33, 42, 52]
    assert found == [("fact 'b'", 42), ("fact 'c'", 52)]


def test_a_measure_declared_twice_identically_is_fine(write: Callable[..., Path]) -> None:
    measure = '\n[measures.shared]\nlabel  = "Shared"\nunit   = "USD"\nperiod = "year"\n'
    write(fact(id="x", measure="shared"), head=measure, name="other.toml")
    main = write(fact(id="y", measure="shared", date="2021"), head='include = ["other.toml"]\n' + HEAD + measure)
    assert {f.id for f in dataset.load(main, use_cache=False).facts} == {"x", "y"}


def test_a_measure_declared_twice_differently_is_a_problem(write: Callable[..., Path], tmp_path: Path) -> None:
    measure = '\n[measures.shared]\nlabel  = "Shared"\nunit   = "USD"\nperiod = "year"\n'
    write(fact(id="x", measure="shared"), head=measure, name="other.toml")
    revised = measure.replace('"Shared"', '"Shared, revised"')
    main = write(fact(id="y", measure="shared", date="2021"), head='include = ["other.toml"]\n' + HEAD + revised)
    found = [p for p in problems(main) if p.where == "measure 'shared'"]
    assert found, "a measure redefined differently must be reported"
    assert any("also defined" in p.message for p in found)


# ---------------------------------------------------------------- usco check


def test_check_lists_every_problem_with_file_and_line(usco: Run, write: Callable[..., Path]) -> None:
    path = write(fact(id="a", status="draft"), fact(id="b", date="2025-03"), fact(id="c", source="releas"))
    result = usco("check", str(path))
    assert result.exit_code == 1
    lines = sorted(result.stdout.splitlines(), key=lambda line: int(line.split(":")[1]))
    assert lines == [
        f"{path}:33: fact 'a', field 'status': 'draft' is not one of: final, partial, provisional, planned",
        f"{path}:43: fact 'b', field 'date': 2025-03 is after its source's date 2024-12-22; "
        "a figure said before it happened is planned",
        f"{path}:52: fact 'c', field 'source': 'releas' is not a key in [sources]; did you mean release?",
    ]
    assert result.stderr == f"usco: 3 problems in {path}\n"


def test_check_ok_counts_facts_and_superseded_ones(usco: Run, write: Callable[..., Path]) -> None:
    newer = (
        '\n[sources.newer]\ntitle = "A newer release"\npublisher = "U.S. Department of State"\n'
        'kind = "government"\nurl = "https://example.gov/newer"\ndate = 2025-04-02\n'
    )
    path = write(
        fact(id="old", measure="yearly", date="2020"),
        fact(id="new", measure="yearly", date="2020", value=120, source="newer"),
        fact(id="other", measure="yearly", date="2021"),
        head=HEAD + newer,
    )
    result = usco("check", str(path))
    assert result.exit_code == 0, result.stdout
    assert result.stdout.startswith("ok: 3 facts (1 of them superseded by later versions), 2 sources, 5 measures")


def test_one_source_gives_one_fact_per_measure_and_period(write: Callable[..., Path]) -> None:
    found = problems(write(fact(id="a", measure="fiscal"), fact(id="b", measure="fiscal", value=200)))
    assert [(p.where, p.field) for p in found] == [("fact 'b'", "measure")]
    assert "'a'" in found[0].message


def test_a_component_is_not_larger_than_its_whole(write: Callable[..., Path]) -> None:
    problem = only(write(fact(id="whole", value=100), fact(id="part", value=150, part_of="whole")))
    assert (problem.where, problem.field) == ("fact 'part'", "value")


def test_a_partial_figure_and_the_full_year_from_one_source_are_one_period(write: Callable[..., Path]) -> None:
    # A partial figure's period is its date's: FY2024 to 2024-03 and FY2024 are the same period.
    partial = fact(id="a", measure="fiscal", date="2024", end="2024-03", status="partial")
    found = problems(write(partial, fact(id="b", measure="fiscal", date="2024", value=200)))
    assert [(p.where, p.field) for p in found] == [("fact 'b'", "measure")]
