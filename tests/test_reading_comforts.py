"""Issue #24's reading comforts: strict --columns, fiscal years as dates, --reverse, bare `usco`,
export of every version, and the import's one line without openpyxl (design §3, §4, §6).

The machine formats are checked in-process byte for byte; what only the installed script
shows (the help on stdout, openpyxl missing) runs the installed `usco`.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import Result

from tests.helpers import RAW, USCO, environment, needed, ok, run

Run = Callable[..., Result]

# Fiscal-year figures FY2015-FY2017 (the later release revising FY2016), and dated facts either
# side of October 1, where a fiscal year starts.
DATA = """
[sources.release-2017]
title     = "Release 2017"
publisher = "ForeignAssistance.gov"
url       = "https://example.gov/fa-2017"
date      = 2017-12-01

[sources.release-2018]
title     = "Release 2018"
publisher = "ForeignAssistance.gov"
url       = "https://example.gov/fa-2018"
date      = 2018-12-01

[sources.wire]
title     = "Wire story"
publisher = "A wire"
kind      = "press"
url       = "https://example.org/wire"
date      = 2017-12-05

[measures.obligations]
label  = "Obligations"
unit   = "USD"
period = "fiscal_year"

[[facts]]
id = "obligations-fy2015"
topic = "aid"
text = "Obligations FY2015"
value = 100
unit = "USD"
date = "2015"
source = "release-2017"
measure = "obligations"

[[facts]]
id = "obligations-fy2016"
topic = "aid"
text = "Obligations FY2016"
value = 200
unit = "USD"
date = "2016"
source = "release-2017"
measure = "obligations"

[[facts]]
id = "obligations-fy2016-revised"
topic = "aid"
text = "Obligations FY2016, revised"
value = 210
unit = "USD"
date = "2016"
source = "release-2018"
measure = "obligations"

[[facts]]
id = "obligations-fy2017"
topic = "aid"
text = "Obligations FY2017"
value = 300
unit = "USD"
date = "2017"
source = "release-2017"
measure = "obligations"

[[facts]]
id = "pledge-2015-09"
topic = "aid"
text = "A pledge in September 2015 (FY2015)"
value = 5_000_000
unit = "USD"
qualifier = "more_than"
date = 2015-09-30
source = "wire"

[[facts]]
id = "pledge-2015-10"
topic = "aid"
text = "A pledge in October 2015 (FY2016)"
value = 7_000_000
unit = "USD"
date = 2015-10-01
source = "wire"
"""


@pytest.fixture
def data(write_dataset: Callable[[str], Path]) -> Path:
    return write_dataset(DATA)


def ids(out: str) -> list[str]:
    return out.splitlines()[1:]


# ---------------------------------------------------------------- 2. --columns is strict


def test_figure_is_a_column_of_csv_and_tsv(usco: Run, data: Path) -> None:
    """`--columns id,figure -f csv` printed only id, and `--columns figure` blank lines, exit 0."""
    out = ok(usco("aid", "--columns", "id,figure", "-f", "csv", "--since", "2015-09", "--until", "2015-10", data=data))
    assert out == "id,figure\npledge-2015-09,more than $5 million\npledge-2015-10,$7 million\n"
    out = ok(usco("aid", "--columns", "figure", "-f", "tsv", "--since", "2015-09", "--until", "2015-10", data=data))
    assert out == "figure\nmore than $5 million\n$7 million\n"


def test_json_keeps_a_source_column_asked_for(usco: Run, data: Path) -> None:
    """`-f json --columns id,source_url` dropped source_url."""
    out = ok(usco("aid", "-f", "json", "--columns", "id,source_url,figure", "--limit", "1", data=data))
    assert json.loads(out) == [{"id": "obligations-fy2015", "source_url": "https://example.gov/fa-2017",
                                "figure": "$100"}]  # fmt: skip
    out = ok(usco("aid", "-f", "jsonl", "--columns", "source_kind,tags", "--limit", "1", data=data))
    assert out == '{"source_kind": null, "tags": []}\n'


@pytest.mark.parametrize(
    ("fmt", "name", "kind"),
    [("csv", "tags", "column"), ("tsv", "source", "column"), ("markdown", "sauce_url", "column"),
     ("json", "sauce_url", "field"), ("jsonl", "nope", "field")],
)  # fmt: skip
def test_a_name_that_is_not_of_the_format_is_a_usage_error_listing_the_valid_ones(
    usco: Run, data: Path, fmt: str, name: str, kind: str
) -> None:
    result = usco("facts", "--columns", f"id,{name}", "-f", fmt, data=data)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert f"'{name}' is not a {kind} of {fmt}" in result.stderr
    assert f"the {kind}s of {fmt} are id, topic, " in result.stderr
    assert "figure" in result.stderr.rsplit(" are ", 1)[1]
    assert "Traceback" not in result.stderr


def test_a_column_error_suggests_the_closest_name(usco: Run, data: Path) -> None:
    result = usco("facts", "--columns", "sauce_url", "-f", "csv", data=data)
    assert "did you mean source_url?" in result.stderr


def test_every_listing_checks_its_columns(usco: Run, data: Path) -> None:
    for args in (["sources"], ["topics"], ["tags"], ["measures"], ["series", "obligations"],
                 ["chart", "obligations"]):  # fmt: skip
        assert usco(*args, "-f", "csv", "--columns", "nope", data=data).exit_code == 2, args
    assert ok(usco("series", "obligations", "-f", "csv", "--columns", "period,value", data=data)).splitlines()[1] == (
        "FY2015,100"
    )


# ---------------------------------------------------------------- 7. FY2016 wherever a date is taken


def test_since_a_fiscal_year_starts_on_october_first(usco: Run, data: Path) -> None:
    """`--since FY2016` was rejected; it keeps FY2016 on, and what is dated from 2015-10-01."""
    out = ok(usco("aid", "--since", "FY2016", "-f", "tsv", "--columns", "id", data=data))
    assert ids(out) == ["pledge-2015-10", "obligations-fy2016-revised", "obligations-fy2017"]
    assert ok(usco("aid", "--since", "fy2016", "-f", "tsv", "--columns", "id", data=data)) == out


def test_until_a_fiscal_year_ends_on_september_thirtieth(usco: Run, data: Path) -> None:
    out = ok(usco("aid", "--until", "FY2015", "-f", "tsv", "--columns", "id", data=data))
    assert ids(out) == ["obligations-fy2015", "pledge-2015-09"]
    out = ok(usco("series", "obligations", "--since", "FY2016", "--until", "FY2016", "-f", "tsv", data=data))
    assert [line.split("\t")[:3] for line in out.splitlines()[1:]] == [["FY2016", "obligations", "210"]]


def test_as_of_a_fiscal_year_is_its_last_day(usco: Run, data: Path, write_dataset: Callable[[str], Path]) -> None:
    moved = write_dataset(DATA.replace("date      = 2018-12-01", "date      = 2018-09-30"))
    args = ["facts", "--measure", "obligations", "--since", "2016", "--until", "2016", "-f", "tsv", "--columns", "id"]
    assert ids(ok(usco(*args, "--as-of", "FY2018", data=moved))) == ["obligations-fy2016-revised"]
    assert ids(ok(usco(*args, "--as-of", "FY2018", data=data))) == ["obligations-fy2016"]  # 2018-12-01 is FY2019


@pytest.mark.parametrize(
    ("value", "message"),
    [("FY", "'FY' is not a date; expected YYYY, YYYY-MM, YYYY-MM-DD or a fiscal year such as FY2016"),
     ("FY16", "'FY16' is not a date"), ("FY0000", "'FY0000' is not a fiscal year; expected FY0001 to FY9999"),
     ("2016-13", "'2016-13' is not a real date")],
)  # fmt: skip
def test_a_fiscal_year_that_is_not_one_is_a_usage_error(usco: Run, data: Path, value: str, message: str) -> None:
    result = usco("aid", "--since", value, data=data)
    assert result.exit_code == 2
    assert message in result.stderr


def test_fiscal_years_in_the_python_api(data: Path) -> None:
    import usco

    loaded = usco.load(data)
    assert [row.fact.id for row in loaded.facts(since="FY2016", until="FY2016")] == [
        "pledge-2015-10",
        "obligations-fy2016-revised",
    ]
    with pytest.raises(usco.QueryError, match="since: 'FY20' is not a date"):
        loaded.facts(since="FY20")


def test_the_help_says_a_fiscal_year_is_a_date(usco: Run) -> None:
    assert "fiscal year, FY2016" in " ".join(ok(usco("aid", "--help")).split())


# ---------------------------------------------------------------- 8. --reverse


def test_reverse_lists_newest_first_and_limit_keeps_the_newest(usco: Run, data: Path) -> None:
    oldest = ids(ok(usco("facts", "-f", "tsv", "--columns", "id", data=data)))
    newest = ids(ok(usco("facts", "--reverse", "-f", "tsv", "--columns", "id", data=data)))
    assert newest == oldest[::-1]
    assert ids(ok(usco("facts", "--reverse", "--limit", "2", "-f", "tsv", "--columns", "id", data=data))) == [
        "obligations-fy2017",
        "obligations-fy2016-revised",
    ]
    assert ids(ok(usco("facts", "--limit", "2", "-f", "tsv", "--columns", "id", data=data))) == oldest[:2]


@pytest.mark.parametrize("command", ["aid", "timeline", "facts", "search"])
def test_every_fact_listing_takes_reverse_and_says_which_end_limit_keeps(usco: Run, command: str) -> None:
    shown = " ".join(ok(usco(command, "--help")).split())
    assert "--reverse Newest first" in shown
    assert "Keep the first N rows: the N oldest, or with --reverse the N newest" in shown


def test_reverse_on_a_terminal_table_reads_newest_first(usco: Run, data: Path) -> None:
    table = ok(usco("aid", "--reverse", "-f", "table", data=data))
    assert table.index("FY2017") < table.index("FY2016") < table.index("FY2015")
    assert table.index("pledge-2015-10") < table.index("pledge-2015-09")


def test_reverse_in_the_python_api(data: Path) -> None:
    import usco

    rows = usco.load(data).select(view=usco.api.View(reverse=True, limit=1)).rows
    assert [row.fact.id for row in rows] == ["obligations-fy2017"]
    assert [row.fact.id for row in usco.load(data).facts(reverse=True, limit=2)] == [
        "obligations-fy2017",
        "obligations-fy2016-revised",
    ]


# ---------------------------------------------------------------- 11. bare usco


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize("args", [[], ["--no-cache"]])
def test_bare_usco_prints_the_help_on_stdout_and_exits_0(args: list[str]) -> None:
    """It printed "Error: Usage: ..." on stderr and exited 2."""
    result = run(*args)
    assert (result.returncode, result.stderr) == (0, "")
    assert result.stdout.startswith("Usage: usco [OPTIONS] COMMAND [ARGS]...\n")
    assert "Commands:" in result.stdout and "Error" not in result.stdout
    assert run("--bogus").returncode == 2


# ---------------------------------------------------------------- 12. export sqlite: every version


def test_export_sqlite_holds_every_version_with_superseded_by(usco: Run, data: Path, tmp_path: Path) -> None:
    target = tmp_path / "all.db"
    assert usco("export", "sqlite", str(target), data=data).exit_code == 0
    with sqlite3.connect(target) as db:
        rows = db.execute("select id, superseded_by from facts where measure_id = 'obligations' order by id").fetchall()
    assert rows == [("obligations-fy2015", None), ("obligations-fy2016", "obligations-fy2016-revised"),
                    ("obligations-fy2016-revised", None), ("obligations-fy2017", None)]  # fmt: skip


def test_export_sqlite_current_leaves_out_the_superseded(usco: Run, data: Path, tmp_path: Path) -> None:
    target = tmp_path / "current.db"
    assert usco("export", "sqlite", str(target), "--current", data=data).exit_code == 0
    with sqlite3.connect(target) as db:
        rows = db.execute("select id from facts where measure_id = 'obligations' order by id").fetchall()
        assert db.execute("select count(*) from facts where superseded_by is not null").fetchone() == (0,)
    assert [row[0] for row in rows] == ["obligations-fy2015", "obligations-fy2016-revised", "obligations-fy2017"]
    both = usco("export", "sqlite", str(tmp_path / "x.db"), "--current", "--history", data=data)
    assert both.exit_code == 2 and not (tmp_path / "x.db").exists()


def test_export_sqlite_help_says_every_version(usco: Run) -> None:
    shown = " ".join(ok(usco("export", "sqlite", "--help")).split())
    assert "Every version of every figure, each with its `superseded_by`" in shown
    assert "--current Only the current version of each figure" in shown


# ---------------------------------------------------------------- 3. import without openpyxl


@pytest.mark.slow
@pytest.mark.installed
def test_installed_import_without_openpyxl_is_one_line(tmp_path: Path) -> None:
    """The installed script, with a module named openpyxl that cannot be imported ahead on the path,
    on a real Census release (which dates itself: no --date)."""
    workbook = sorted(needed(RAW / "census").glob("country.*.xlsx"))[-1]
    shim = tmp_path / "shim" / "openpyxl"
    shim.mkdir(parents=True)
    (shim / "__init__.py").write_text("raise ModuleNotFoundError(\"No module named 'openpyxl'\", name='openpyxl')\n")
    env = environment(PYTHONPATH=str(shim.parent))
    probe = subprocess.run([sys.executable, "-c", "import openpyxl"], env=env, capture_output=True, check=False)
    assert probe.returncode == 1  # the shim works: openpyxl cannot be imported
    result = subprocess.run(
        [USCO, "import", "census-trade", str(workbook), "-o", str(tmp_path / "out.toml")],
        env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (
        "usco: reading this file needs openpyxl, which is not installed (no module 'openpyxl'): "
        "pip install 'usco[import]'\n"
    )
    assert not (tmp_path / "out.toml").exists()


# ---------------------------------------------------------------- 14. a contributor's edit


def test_readme_tells_a_contributor_to_install_the_checkout_editable() -> None:
    """After `pip install .` the package reads its own copy: the README says so where it tells how to add a fact."""
    from tests.helpers import REPO
    from usco.dataset.load import default_path

    readme = (REPO / "README.md").read_text(encoding="utf-8")
    section = readme.split("### Adding a fact", 1)[1].split("\n## ", 1)[0]
    assert "reads its own copy" in section
    assert "--data data/facts.toml" in section
    assert "pip install -q -e . && .venv/bin/usco" in section
    # What the README promises of an editable install (the tests' own): the repository's file is the one read.
    assert default_path() == REPO / "data" / "facts.toml"
