"""Small purpose-made datasets, written to tmp_path, and a way to run the CLI on them."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from usco.cli import app

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


@pytest.fixture
def write_dataset(tmp_path: Path) -> Callable[[str], Path]:
    """Write TOML text (dedented) to a fresh file and return its path."""
    counter = iter(range(1000))

    def write(text: str) -> Path:
        path = tmp_path / f"dataset-{next(counter)}.toml"
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        return path

    return write


@pytest.fixture
def small(write_dataset: Callable[[str], Path]) -> Path:
    return write_dataset(SMALL)


@pytest.fixture
def usco(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `usco ARGS` in-process, stdout and stderr kept apart."""
    monkeypatch.delenv("USCO_DATA", raising=False)

    def run(*args: str, data: Path | None = None, env: dict[str, str] | None = None) -> Result:
        argv = (["--data", str(data)] if data else []) + list(args)
        return CliRunner().invoke(app, argv, env=env)

    return run


@pytest.fixture(autouse=True)
def _private_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own empty cache directory (subprocesses inherit it)."""
    directory = tmp_path_factory.mktemp("cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(directory))
    monkeypatch.delenv("USCO_NO_CACHE", raising=False)
    return directory


# Hypothesis profiles ("default", "long") for the fuzz tests: registered here, before
# pytest's configure step loads the one named by --hypothesis-profile.
from tests import hypothesis_profiles  # noqa: E402, F401
