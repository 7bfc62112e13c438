"""`usco search` matches other forms of a word and, on a terminal, says where it matched
(issue #24 item 9; design §3: a query word matches the start of a word, figures as shown)."""

from __future__ import annotations

import re
from collections.abc import Callable
from pathlib import Path

import pytest

import usco
from tests import helpers
from tests.terminal import run_in_pty

DATA = """
[sources.ice-2020]
title     = "ICE annual report by country"
publisher = "U.S. Immigration and Customs Enforcement"
url       = "https://example.gov/ice"
date      = 2020-12-01

[sources.ondcp-2021]
title     = "ONDCP release on coca in Colombia"
publisher = "Office of National Drug Control Policy"
url       = "https://example.gov/ondcp"
date      = 2021-07-16

[[facts]]
id     = "colombians-removed-2020"
topic  = "migration"
text   = "Colombians removed by ICE in fiscal year 2020"
value  = 1_742
unit   = "people"
date   = "2020"
source = "ice-2020"

[[facts]]
id     = "coca-cultivated-2020"
topic  = "security"
text   = "Hectares of coca cultivated in 2020"
value  = 245_000
unit   = "hectares"
date   = "2020"
source = "ondcp-2021"
tags   = ["coca"]

[[facts]]
id        = "venezuela-aid"
topic     = "aid"
text      = "Assistance for the Venezuelan crisis since 2017"
value     = 344_000_000
unit      = "USD"
qualifier = "more_than"
date      = "2017"
end       = 2020-09-18
source    = "ondcp-2021"

[[facts]]
id     = "ambassador-goldberg"
topic  = "diplomacy"
text   = "Philip Goldberg presents his credentials as ambassador"
date   = "2019-10"
source = "ondcp-2021"
"""


@pytest.fixture
def data(write_dataset: Callable[[str], Path]) -> Path:
    return write_dataset(DATA)


def found(data: Path, *words: str) -> list[str]:
    return [row.fact.id for row in usco.load(data, use_cache=False).facts(search=list(words))]


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["removals"], ["colombians-removed-2020"]),  # "removed" in the text and the id
        (["removal"], ["colombians-removed-2020"]),
        (["cultivation"], ["coca-cultivated-2020"]),
        (["cultivating", "coca"], ["coca-cultivated-2020"]),
        (["countries"], ["colombians-removed-2020"]),  # "country" in the source title
        (["344"], ["venezuela-aid"]),  # the figure as shown: "more than $344 million"
        (["344,000,000"], ["venezuela-aid"]),  # and as a series column writes it
        (["44"], []),  # a figure is found by its start, not by digits inside it
        (["venezuela"], ["venezuela-aid"]),  # the start of a word (design §3)
    ],
)
def test_search_matches_other_forms_of_a_word(data: Path, words: list[str], expected: list[str]) -> None:
    assert found(data, *words) == expected


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize("columns", [80, 120, 40])
def test_on_a_terminal_each_fact_says_which_fields_matched(data: Path, columns: int) -> None:
    env = helpers.environment(USCO_DATA=str(data), TERM="xterm-256color", USCO_PAGER="cat")
    status, output = run_in_pty(["search", "removals"], env, columns=columns)
    assert status == 0, output
    text = " ".join(_ANSI.sub("", output).split())
    assert "matched: text, id" in text, text
    piped = helpers.run("search", "removals", env=helpers.environment(USCO_DATA=str(data)))
    assert piped.returncode == 0 and "matched" not in piped.stdout  # machine output keeps its columns
