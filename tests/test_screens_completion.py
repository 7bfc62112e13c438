"""Shell completion through the protocol the shells use (design §3): fact ids, measures,
sources and tags from the dataset that --data or USCO_DATA names."""

from __future__ import annotations

import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.helpers import USCO, environment

# every test runs the installed script through the completion protocol
pytestmark = [pytest.mark.slow, pytest.mark.installed]

WriteDataset = Callable[[str], Path]

DATA = """
[sources.state-2020-09-18-partnership]
title = "Partnership"
publisher = "State"
kind = "government"
url = "https://example.org/p"
date = 2020-09-18

[sources.r4v-2024]
title = "R4V"
publisher = "R4V"
kind = "intergovernmental"
url = "https://example.org/r"
date = 2024-06-30

[measures.venezuelans-in-colombia]
label = "Venezuelans in Colombia"
unit = "people"
period = "point"

[measures.coca-cultivation]
label = "Coca"
unit = "hectares"
period = "year"

[[facts]]
id = "covid-assistance-2020"
topic = "aid"
text = "COVID-19 assistance"
date = "2020"
source = "state-2020-09-18-partnership"
tags = ["covid", "health"]

[[facts]]
id = "covid-assistance-2020-vaccines"
topic = "aid"
text = "Vaccines"
date = "2020"
source = "state-2020-09-18-partnership"
part_of = "covid-assistance-2020"
tags = ["covid", "vaccines"]

[[facts]]
id = "venezuelans-2024"
topic = "migration"
text = "Venezuelans living in Colombia"
value = 2_860_000
unit = "people"
date = "2024-05"
source = "r4v-2024"
measure = "venezuelans-in-colombia"
tags = ["venezuela"]
"""


def complete(words: str, *, data: Path | None = None, shell: str = "bash") -> list[str]:
    """What `usco` offers for the last word of *words*, asked the way bash (or zsh) asks."""
    env = environment()
    if data is not None:
        env["USCO_DATA"] = str(data)
    env["_USCO_COMPLETE"] = f"complete_{shell}"
    if shell == "bash":
        parts = words.split(" ")
        env |= {"COMP_WORDS": words, "COMP_CWORD": str(len(parts) - 1)}
    else:
        env["_TYPER_COMPLETE_ARGS"] = words
    done = subprocess.run([USCO], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()


@pytest.fixture
def data(write_dataset: WriteDataset) -> Path:
    return write_dataset(DATA)


def test_show_completes_fact_ids(data: Path) -> None:
    assert complete("usco show cov", data=data) == ["covid-assistance-2020", "covid-assistance-2020-vaccines"]
    assert complete("usco show ven", data=data) == ["venezuelans-2024"]


def test_chart_and_series_complete_measures(data: Path) -> None:
    assert complete("usco chart ven", data=data) == ["venezuelans-in-colombia"]
    assert complete("usco series co", data=data) == ["coca-cultivation"]
    assert complete("usco series coca-cultivation ven", data=data) == ["venezuelans-in-colombia"]


def test_options_complete_their_values(data: Path) -> None:
    assert complete("usco facts --source r4", data=data) == ["r4v-2024"]
    assert complete("usco facts --tag co", data=data) == ["covid"]
    assert complete("usco facts --measure coca", data=data) == ["coca-cultivation"]


def test_data_option_on_the_line_is_honoured(data: Path, tmp_path: Path) -> None:
    other = tmp_path / "other.toml"
    other.write_text(DATA.replace("covid-assistance-2020", "covid-other"), encoding="utf-8")
    assert complete(f"usco --data {other} show cov", data=data) == ["covid-other", "covid-other-vaccines"]


def test_zsh_protocol_too(data: Path) -> None:
    assert "venezuelans-2024" in " ".join(complete("usco show ven", data=data, shell="zsh"))


def test_an_unreadable_dataset_completes_nothing(tmp_path: Path) -> None:
    broken = tmp_path / "broken.toml"
    broken.write_text("this is = = not toml", encoding="utf-8")
    assert complete("usco show cov", data=broken) == []
