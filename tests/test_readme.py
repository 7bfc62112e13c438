"""The README's "Python API" examples run, against a dataset of the official series and two hand-made facts."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.helpers import REPO, with_series

HEADING = "## Python API"

HAND_MADE = """
[sources.state-2020-09-18-partnership]
title     = "Colombia and the United States: Strengthening Our Partnership"
publisher = "U.S. Department of State"
kind      = "government"
url       = "https://www.state.gov/colombia-and-the-united-states-strengthening-our-partnership/"
short     = "State fact sheet, Sept 2020"
date      = 2020-09-18

[sources.state-2021-10-20-vaccines]
title     = "The United States donates COVID-19 vaccines to Colombia"
publisher = "U.S. Embassy in Colombia"
kind      = "government"
url       = "https://co.usembassy.gov/"
date      = 2021-10-20

[[facts]]
id        = "covid-assistance-2020"
topic     = "aid"
text      = "U.S. assistance for Colombia's COVID-19 response"
value     = 23_600_000
unit      = "USD"
qualifier = "more_than"
date      = "2020"
end       = 2020-09-18
source    = "state-2020-09-18-partnership"
tags      = ["covid", "health"]

[[facts]]
id        = "covid-vaccines-2021"
topic     = "health"
text      = "COVID-19 vaccine doses donated to Colombia"
value     = 6_000_000
unit      = "count"
qualifier = "more_than"
date      = "2021"
end       = 2021-09-30
source    = "state-2021-10-20-vaccines"
tags      = ["covid", "vaccines"]
"""


def python_blocks(readme: str) -> list[str]:
    """Every ```python block between the "## Python API" heading and the next second-level heading."""
    lines = readme.splitlines()
    start = next((number for number, line in enumerate(lines) if line.strip() == HEADING), None)
    if start is None:
        pytest.fail(f'README.md has no "{HEADING}" section: its examples are what this test runs')
    end = next((number for number in range(start + 1, len(lines)) if re.match(r"##\s", lines[number])), len(lines))
    section = "\n".join(lines[start + 1 : end])
    return re.findall(r"^```python[ \t]*\n(.*?)^```", section, flags=re.MULTILINE | re.DOTALL)


def test_python_blocks_are_found() -> None:
    sample = (
        f"# usco\n\n{HEADING}\n\ntext\n\n```python\nx = 1\n```\n\n```sh\nusco aid\n```\n\n"
        "### More\n\n```python\nz = 2\n```\n\n## Next\n\n```python\ny\n```\n"
    )
    assert python_blocks(sample) == ["x = 1\n", "z = 2\n"]


def test_readme_python_api_examples_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    blocks = python_blocks((REPO / "README.md").read_text(encoding="utf-8"))
    assert blocks, f'the "{HEADING}" section of README.md has no ```python block'
    data = with_series(tmp_path, "foreignassistance-*.toml", "census-trade-*.toml", extra=HAND_MADE)
    monkeypatch.setenv("USCO_DATA", str(data))
    monkeypatch.chdir(tmp_path)
    namespace: dict[str, object] = {"__name__": "readme"}
    for number, block in enumerate(blocks, start=1):
        try:
            exec(compile(block, f"README.md, Python API block {number}", "exec"), namespace)
        except Exception as error:
            pytest.fail(f"README.md Python API block {number} failed: {type(error).__name__}: {error}\n{block}")
