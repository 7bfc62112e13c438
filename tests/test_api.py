"""Issue #13: the Python API is what the CLI calls, and says what the CLI says."""

from __future__ import annotations

import importlib.resources
import json
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

import usco
from tests.helpers import FULL, run, with_series
from usco.query.summaries import Detail, SeriesTable

Run = Callable[..., Result]


@pytest.fixture
def cli(usco: Run) -> Run:
    """The CLI runner, under a name that leaves `usco` to the library."""
    return usco


@pytest.fixture
def full(tmp_path: Path) -> Path:
    path = tmp_path / "full.toml"
    path.write_text(FULL, encoding="utf-8")
    return path


@pytest.fixture(scope="module")
def fa(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Two ForeignAssistance.gov releases and a hand-made fact, through an including file."""
    folder = tmp_path_factory.mktemp("fa")
    return with_series(folder, "foreignassistance-2022-10-08.toml", "foreignassistance-2024-12-22.toml")


def test_load_returns_data(full: Path) -> None:
    data = usco.load(full)
    assert isinstance(data, usco.Data)
    assert len(data.all_facts()) == 5


def test_load_takes_a_string_path(full: Path) -> None:
    assert [row.fact.id for row in usco.load(str(full)).facts(topic="trade")] == ["exports-2022"]


def test_filters_take_strings_or_lists(full: Path) -> None:
    data = usco.load(full)
    assert [row.fact.id for row in data.facts(topic=["trade", "diplomacy"])] == ["exports-2022", "visit-2025"]
    assert [row.fact.id for row in data.facts(source_kind="press")] == ["exports-2022"]
    assert [row.fact.id for row in data.facts(tag="regional-programs")] == ["obl-fy2025"]
    assert [row.fact.id for row in data.facts(source="wire-2023", since="2020", until="2023")] == ["exports-2022"]
    assert [row.fact.id for row in data.facts(measure="aid-obligations", latest=True)] == ["obl-fy2025"]
    assert [row.fact.id for row in data.facts(regional=False, topic="aid")] == ["obl-fy2024"]
    assert [row.fact.id for row in data.facts(search="344")] == ["obl-fy2024"]
    assert len(data.facts(limit=2)) == 2


def test_to_dict_is_the_json_object(full: Path) -> None:
    row = usco.load(full).facts(topic="trade")[0]
    obj = row.to_dict()
    assert obj["id"] == "exports-2022"
    assert obj["value"] == 20000000000
    assert obj["figure"] == "nearly $20 billion"
    assert obj["source"]["kind"] == "press"


CASES = [
    ({"topic": "aid", "since": "2016"}, ["facts", "--topic", "aid", "--since", "2016"]),
    ({"measure": "aid-obligations", "since": "2020", "until": "2020", "history": True},
     ["facts", "--measure", "aid-obligations", "--since", "2020", "--until", "2020", "--history"]),
    ({"measure": ["aid-obligations", "aid-disbursements"], "latest": True},
     ["facts", "--measure", "aid-obligations", "--measure", "aid-disbursements", "--latest"]),
    ({"as_of": "2023-01-01", "measure": "aid-obligations", "since": "2018"},
     ["facts", "--as-of", "2023-01-01", "--measure", "aid-obligations", "--since", "2018"]),
    ({"source_kind": "government", "limit": 7}, ["facts", "--source-kind", "government", "--limit", "7"]),
    ({"search": ["obligated", "2021"]}, ["search", "obligated", "2021"]),
    ({"tag": "foreignassistance", "until": "1990", "history": True},
     ["facts", "--tag", "foreignassistance", "--until", "1990", "--history"]),
]  # fmt: skip


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize(("filters", "argv"), CASES, ids=[" ".join(argv) for _, argv in CASES])
def test_api_facts_equal_the_installed_cli_json(fa: Path, filters: dict[str, object], argv: list[str]) -> None:
    result = run("--data", str(fa), *argv, "-f", "json")
    assert result.returncode == 0, result.stderr
    expected = json.loads(result.stdout)
    assert expected, "a case that lists nothing proves little"
    assert [row.to_dict() for row in usco.load(fa).facts(**filters)] == expected  # type: ignore[arg-type]


def test_series_fact_sources_measures(fa: Path) -> None:
    data = usco.load(fa)
    table = data.series("aid-obligations", "aid-disbursements", since="2020", until="2020")
    assert isinstance(table, SeriesTable)
    [line] = table.lines
    assert line.label == "FY2020"
    assert [row.fact.id for row in line.cells if row] == [
        "fa-2024-12-22-obligations-fy2020", "fa-2024-12-22-disbursements-fy2020",
    ]  # fmt: skip
    detail = data.fact("fa-2022-10-08-obligations-fy2020")
    assert isinstance(detail, Detail)
    assert detail.row.superseded_by == "fa-2024-12-22-obligations-fy2020"
    assert [source.id for source in data.sources()] == ["foreignassistance-2024-12-22", "foreignassistance-2022-10-08"]
    assert [measure.id for measure in data.measures()] == [
        "aid-appropriated-planned", "aid-budget-requests", "aid-disbursements", "aid-initial-allocations",
        "aid-obligations",
    ]  # fmt: skip


@pytest.mark.parametrize(
    ("call", "argv"),
    [
        (lambda data: data.facts(measure="aid-obligation"), ["facts", "--measure", "aid-obligation"]),
        (lambda data: data.facts(source="gov-2023"), ["facts", "--source", "gov-2023"]),
        (lambda data: data.facts(tag="obligation"), ["facts", "--tag", "obligation"]),
        (lambda data: data.facts(topic="ade"), ["facts", "--topic", "ade"]),
        (lambda data: data.facts(source_kind="gov"), ["facts", "--source-kind", "gov"]),
        (lambda data: data.fact("obl-fy2023"), ["show", "obl-fy2023"]),
        (lambda data: data.series("exprots"), ["series", "exprots"]),
    ],
)
def test_query_errors_say_what_the_cli_says(
    cli: Run, full: Path, call: Callable[[usco.Data], object], argv: list[str]
) -> None:
    with pytest.raises(usco.QueryError) as raised:
        call(usco.load(full))
    result = cli(*argv, data=full)
    assert result.exit_code == 1
    assert result.stdout == ""
    assert result.stderr == f"usco: {raised.value}\n"
    assert "did you mean" in str(raised.value)


@pytest.mark.parametrize("filters", [{"since": "abc"}, {"until": "2020-13"}, {"as_of": "yesterday"}, {"limit": -1}])
def test_bad_arguments_raise_argument_error(full: Path, filters: dict[str, object]) -> None:
    with pytest.raises(usco.ArgumentError):
        usco.load(full).facts(**filters)  # type: ignore[arg-type]


def test_until_before_since_is_an_argument_error(full: Path) -> None:
    with pytest.raises(usco.ArgumentError, match="before"):
        usco.load(full).facts(since="2020", until="2010")


def test_errors_are_usco_errors() -> None:
    for name in ("DatasetError", "DatasetReadError", "QueryError", "ArgumentError", "OutputError"):
        assert issubclass(getattr(usco, name), usco.UscoError)


def test_a_missing_dataset_is_a_dataset_error(tmp_path: Path) -> None:
    with pytest.raises(usco.DatasetReadError):
        usco.load(tmp_path / "missing.toml")


def test_usco_data_is_the_default_path(full: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("USCO_DATA", str(full))
    assert len(usco.load().all_facts()) == 5


def test_every_name_in_all_resolves() -> None:
    for name in usco.__all__:
        assert getattr(usco, name) is not None, name


def test_py_typed_ships() -> None:
    assert (importlib.resources.files("usco") / "py.typed").is_file()


@pytest.mark.slow  # a fresh interpreter in a subprocess: only there is sys.modules clean
def test_import_usco_does_not_import_the_cli_libraries() -> None:
    code = (
        "import usco, sys; usco.load; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich','typer','openpyxl','click')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


@pytest.mark.slow  # a fresh interpreter in a subprocess: only there is sys.modules clean
def test_loading_and_listing_does_not_import_the_cli_libraries(full: Path) -> None:
    code = (
        f"import usco, sys; rows = usco.load({str(full)!r}).facts(); [r.to_dict() for r in rows]; "
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('rich','typer','openpyxl','click')))"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "[]\n"


@pytest.mark.slow  # fresh interpreters in subprocesses
def test_importing_usco_as_a_library_leaves_the_garbage_collector_on() -> None:
    """Only the `usco` command turns the cyclic collector off (it finds nothing to free there)."""
    code = "import gc, usco; usco.load; print(gc.isenabled())"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert result.stdout == "True\n"
    as_the_command = "import gc, sys; sys.argv[0] = '/some/bin/usco'; import usco; print(gc.isenabled())"
    result = subprocess.run([sys.executable, "-c", as_the_command], capture_output=True, text=True, check=True)
    assert result.stdout == "False\n"
