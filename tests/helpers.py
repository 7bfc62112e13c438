"""What the tests share: the repository's paths, the installed `usco` and how to run it, datasets, commands.

One module, so that a test file holds only its subject: where the official release files
are (RAW) and the research reference rows (REFERENCE), the environment a subprocess of
the installed `usco` gets, the small datasets most tests read, and every command usco has,
read from its registry so that the sweeps over commands (help, formats, fuzzing) take a
new command without anyone listing it. (tests/terminal.py runs usco on a pseudo-terminal.)
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import subprocess
import sys
import textwrap
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from usco.render.formats import OutputFormat

if TYPE_CHECKING:
    from typer._click import Command

# ---------------------------------------------------------------- where things are

REPO = Path(__file__).resolve().parents[1]
SERIES = REPO / "data" / "series"
#: The official release files and the research reference rows live beside the repository
#: (../shared/raw, ../shared/reference); USCO_RAW_DIR and USCO_REFERENCE_DIR point elsewhere.
RAW = Path(os.environ.get("USCO_RAW_DIR") or REPO.parent / "shared" / "raw")
REFERENCE = Path(os.environ.get("USCO_REFERENCE_DIR") or REPO.parent / "shared" / "reference")


def needed(path: Path) -> Path:
    """*path*, which a test needs: skipped when it is absent, failed when CI=true (CI always has ../shared)."""
    if not path.exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{path} is missing (set USCO_RAW_DIR or USCO_REFERENCE_DIR)")
        pytest.skip(f"{path} is not here (set USCO_RAW_DIR or USCO_REFERENCE_DIR)")
    return path


# ---------------------------------------------------------------- the installed usco

#: The `usco` script installed beside this interpreter (the README's editable install, or CI's).
USCO = str(Path(sys.executable).parent / "usco")
#: What the test run's own environment may hold that changes usco's answers: the dataset it reads,
#: the cache switch, colour, the terminal's size and the pager. A test that wants one passes it to environment().
#: (XDG_DATA_HOME, where the user's own releases live, is inherited: conftest.py gives each test an empty one.)
_NOT_INHERITED = ("USCO_DATA", "USCO_NO_CACHE", "USCO_NO_USER_RELEASES", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES",
                  "USCO_PAGER", "PAGER", "LESS")  # fmt: skip
HANG_GUARD = 60  # seconds: fails a test whose usco hangs, instead of the whole run; not a timer


def environment(**extra: str) -> dict[str, str]:
    """The environment for a subprocess of usco: this test's (its own cache directory included, see
    conftest.py), without the settings above, plus *extra*."""
    env = {key: value for key, value in os.environ.items() if key not in _NOT_INHERITED}
    # No pager: a test on a pseudo-terminal reads the screen, and less would wait for keys (tests/test_pager.py
    # runs the pagers).
    env["USCO_PAGER"] = "cat"
    env.update(extra)
    return env


def run(*args: str, env: dict[str, str] | None = None, timeout: float = HANG_GUARD, **options: Any) -> Any:
    """The installed `usco ARGS` through real pipes: a CompletedProcess, its output as text unless
    text=False. *env* defaults to environment(); *options* go to subprocess.run (cwd, preexec_fn, stdin,
    stdout=subprocess.DEVNULL for output no one reads...).
    """
    pipes = {"stderr": subprocess.PIPE} if "stdout" in options else {"capture_output": True}  # stdout=DEVNULL
    settings: dict[str, Any] = {**pipes, "text": True, "check": False, **options}
    try:
        return subprocess.run([USCO, *args], env=environment() if env is None else env, timeout=timeout, **settings)
    except subprocess.TimeoutExpired:
        pytest.fail(f"usco {' '.join(args)[:300]} hung (no answer in {timeout} s)")


# ---------------------------------------------------------------- datasets

SOURCES = """
[sources.sheet-2020]
title     = "Fact sheet 2020"
publisher = "U.S. Department of State"
url       = "https://example.gov/2020"
short     = "Sheet 2020"
date      = 2020-09-18

[sources.report-2023]
title     = "Report 2023"
publisher = "Congressional Research Service"
url       = "https://example.gov/2023"
date      = "2023-06"
"""

MEASURES = """
[measures.peace-support]
label = "Support to peace implementation"
unit  = "USD"
"""

FACTS = """
[[facts]]
id        = "covid-total"
topic     = "aid"
text      = "COVID-19 assistance"
value     = 23_600_000
unit      = "USD"
qualifier = "more_than"
date      = "2020"
end       = 2020-09-18
source    = "sheet-2020"
tags      = ["covid"]

[[facts]]
id        = "covid-part"
topic     = "aid"
text      = "Disaster assistance within the COVID-19 total"
value     = 15_500_000
unit      = "USD"
date      = "2020"
end       = 2020-09-18
source    = "sheet-2020"
part_of   = "covid-total"

[[facts]]
id        = "recognition"
topic     = "milestone"
text      = "The United States recognizes Colombia"
date      = "1822"
source    = "sheet-2020"
tags      = ["diplomacy"]

[[facts]]
id        = "trade-2019"
topic     = "trade"
text      = "Two-way goods trade"
value     = 29_000_000_000
unit      = "USD"
qualifier = "nearly"
date      = "2019"
source    = "sheet-2020"

[[facts]]
id        = "peace-2020"
topic     = "aid"
text      = "Peace support since 2016"
value     = 1_000_000_000
unit      = "USD"
qualifier = "more_than"
date      = "2016"
end       = 2020-09-18
source    = "sheet-2020"
measure   = "peace-support"

[[facts]]
id        = "peace-2023"
topic     = "aid"
text      = "Peace support since 2017"
value     = 1_500_000_000
unit      = "USD"
qualifier = "more_than"
date      = "2017"
end       = 2023-06-14
source    = "report-2023"
measure   = "peace-support"
"""

#: A valid dataset used by most tests: 6 facts, 2 sources, 1 measure.
SMALL = SOURCES + MEASURES + FACTS

#: Every field of a source, a measure and a fact with a value other than its default.
#: Line numbers are stated where tests use them; count them here if you edit this.
FULL = """\
[sources.gov-2024]
title     = "Colombia assistance report (RL34470)"
publisher = "U.S. Department of State"
kind      = "government"
url       = "https://example.gov/report"
copy_url  = "https://archive.example.org/report"
short     = "Gov report"
date      = 2024-12-22
date_note = "printed on the cover"

[sources.wire-2023]
title     = "Wire story on trade"
publisher = "A Wire"
kind      = "press"
url       = "https://news.example.com/story"
date      = "2023-06"

[measures.aid-obligations]
label     = "Obligations for Colombia"
unit      = "USD"
period    = "fiscal_year"
publisher = "U.S. Department of State"

[measures.exports]
label  = "Goods exports"
unit   = "USD"
period = "year"

[[facts]]
id        = "obl-fy2025"
topic     = "aid"
text      = "Obligations in FY2025 so far"
value     = 12_500_000.5
unit      = "USD"
qualifier = "approximately"
date      = "2025"
end       = 2024-12-22
status    = "partial"
regional  = true
measure   = "aid-obligations"
source    = "gov-2024"
tags      = ["obligations", "regional-programs"]

[[facts]]
id        = "obl-fy2024"
topic     = "aid"
text      = "Obligations in FY2024"
value     = 344_000_000
unit      = "USD"
qualifier = "more_than"
date      = "2024"
status    = "provisional"
measure   = "aid-obligations"
source    = "gov-2024"
tags      = ["obligations"]

[[facts]]
id        = "obl-fy2024-health"
topic     = "health"
text      = "Health obligations within FY2024"
value     = 391.3
unit      = "USD"
date      = "2024"
source    = "gov-2024"
part_of   = "obl-fy2024"

[[facts]]
id        = "exports-2022"
topic     = "trade"
text      = "Goods exports to Colombia"
value     = 20_000_000_000
unit      = "USD"
qualifier = "nearly"
date      = "2022"
measure   = "exports"
source    = "wire-2023"

[[facts]]
id        = "visit-2025"
topic     = "diplomacy"
text      = "A visit is scheduled"
date      = "2025-03"
status    = "planned"
source    = "gov-2024"
event     = "visit-2025-03"
"""


#: Two end-use categories in two years, as `usco import census-enduse-imports` writes them, to follow SMALL
#: (whose sources they cite): `usco products` finds nothing in SMALL alone.
PRODUCTS = """
[measures.us-imports-enduse-00000]
label  = "U.S. imports from Colombia: Green coffee (end-use category 00000, Census Bureau)"
unit   = "USD"
period = "year"

[measures.us-imports-enduse-42000]
label  = "U.S. imports from Colombia: Nursery stock, etc. (end-use category 42000, Census Bureau)"
unit   = "USD"
period = "year"

[[facts]]
id      = "enduse-00000-2021"
topic   = "trade"
text    = "U.S. imports from Colombia in 2021: Green coffee (end-use category 00000)"
value   = 1_309_782_947
unit    = "USD"
date    = "2021"
source  = "report-2023"
measure = "us-imports-enduse-00000"
tags    = ["census", "end-use", "coffee"]

[[facts]]
id      = "enduse-00000-2022"
topic   = "trade"
text    = "U.S. imports from Colombia in 2022: Green coffee (end-use category 00000)"
value   = 1_849_756_681
unit    = "USD"
date    = "2022"
source  = "report-2023"
measure = "us-imports-enduse-00000"
tags    = ["census", "end-use", "coffee"]

[[facts]]
id      = "enduse-42000-2021"
topic   = "trade"
text    = "U.S. imports from Colombia in 2021: Nursery stock, etc. (end-use category 42000)"
value   = 1_100_730_609
unit    = "USD"
date    = "2021"
source  = "report-2023"
measure = "us-imports-enduse-42000"
tags    = ["census", "end-use", "flowers", "cut-flowers"]

[[facts]]
id      = "enduse-42000-2022"
topic   = "trade"
text    = "U.S. imports from Colombia in 2022: Nursery stock, etc. (end-use category 42000)"
value   = 1_185_527_127
unit    = "USD"
date    = "2022"
source  = "report-2023"
measure = "us-imports-enduse-42000"
tags    = ["census", "end-use", "flowers", "cut-flowers"]
"""


#: Two aid figures from one source, one of them regional (it covers more countries than Colombia).
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


def write(folder: Path, name: str, text: str) -> Path:
    """*text*, dedented, in *folder*/*name* (folders made as needed); its path."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def with_series(folder: Path, *names: str, extra: str = "", name: str = "facts.toml") -> Path:
    """A dataset in *folder* that includes copies of data/series/*names* (globs), plus *extra* TOML.

    Copies, because includes must stay inside the including file's folder.
    """
    chosen = sorted({path for pattern in names for path in SERIES.glob(pattern)})
    assert chosen, f"no series file matches {names}"
    for path in chosen:
        shutil.copyfile(path, folder / path.name)
    include = ", ".join(f'"{path.name}"' for path in chosen)
    return write(folder, name, f"include = [{include}]\n" + textwrap.dedent(extra))


def ok(result: Any) -> str:
    """The stdout of an in-process `usco` call (a typer Result) that must have succeeded."""
    assert result.exit_code == 0, result.stderr
    out: str = result.stdout
    return out


def csv_ids(out: str) -> list[str]:
    """The id column of CSV output."""
    return [row["id"] for row in csv.DictReader(io.StringIO(out))]


# ---------------------------------------------------------------- every command and format, from the code

#: Every output format, as -f spells them.
FORMATS = tuple(fmt.value for fmt in OutputFormat)


@cache
def commands() -> dict[tuple[str, ...], Command]:
    """Every command a user can run, by its words (("aid",), ("import", "census-trade"), ...), and its
    click command (its options and arguments).

    Read from usco's registry: usco.cli.app.COMMAND_HOMES names the top-level commands, the typer
    app built from it (register_every_command) gives their options and the subcommands of groups
    such as `import` and `export`.
    """
    import typer.main

    from usco.cli.app import COMMAND_HOMES, register_every_command

    root = typer.main.get_command(register_every_command())
    found: dict[tuple[str, ...], Command] = {}

    def walk(command: Any, words: tuple[str, ...]) -> None:
        subcommands = getattr(command, "commands", None)
        if subcommands is None:
            found[words] = command
            return
        for name, subcommand in subcommands.items():
            walk(subcommand, (*words, name))

    walk(root, ())
    assert {words[0] for words in found} == set(COMMAND_HOMES), "the app and COMMAND_HOMES disagree"
    return found


def options(command: Command, *, leave_out: str | None = None) -> dict[str, bool]:
    """Each spelling of *command*'s options ("--format", "-f", ...) and whether it is a flag; without
    the options whose values are of the type *leave_out* ("path", say)."""
    return {name: bool(getattr(param, "is_flag", False))
            for param in command.params
            if param.param_type_name == "option" and getattr(param.type, "name", None) != leave_out
            for name in (*param.opts, *param.secondary_opts)}  # fmt: skip


def arguments(command: Command) -> list[Any]:
    """*command*'s positional arguments (click parameters: .name, .nargs, .required)."""
    return [param for param in command.params if param.param_type_name == "argument"]


#: A value for each argument a command needs, by the argument's name, that SMALL answers (and the
#: other small datasets that share its ids). A new command whose argument is not here fails the
#: sweeps over commands until it has one.
ARGUMENTS = {"words": "covid", "fact_id": "covid-total", "measure": "peace-support", "measures": "peace-support"}


def with_arguments(words: tuple[str, ...], command: Command) -> tuple[str, ...]:
    """*words* and a value (from ARGUMENTS) for each argument the command needs."""
    return (*words, *(ARGUMENTS[argument.name] for argument in arguments(command) if argument.required))
