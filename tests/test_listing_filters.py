"""Design §3: the filters and time views work on every listing command, and on the counting
ones (sources, topics, tags, measures) they choose which facts are counted.

Each expected answer is worked out by hand from the small dataset below.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from typer.testing import Result

from tests.helpers import commands, options

Run = Callable[..., Result]

DATA = """\
[sources.old-2020]
title     = "Older report"
publisher = "U.S. Department of State"
kind      = "government"
url       = "https://example.gov/old"
date      = 2020-01-01

[sources.new-2022]
title     = "Newer story"
publisher = "A Wire"
kind      = "press"
url       = "https://news.example.com/new"
date      = 2022-01-01

[measures.m-obl]
label  = "Obligations"
unit   = "USD"
period = "fiscal_year"

[measures.m-exp]
label  = "Exports"
unit   = "USD"
period = "year"

[[facts]]
id = "a1"
topic = "aid"
text = "Obligations in FY2019, first said"
value = 10
unit = "USD"
date = "2019"
measure = "m-obl"
tags = ["alpha"]
source = "old-2020"

[[facts]]
id = "a2"
topic = "aid"
text = "Obligations in FY2019, revised"
value = 11
unit = "USD"
date = "2019"
measure = "m-obl"
tags = ["alpha"]
source = "new-2022"

[[facts]]
id = "a3"
topic = "aid"
text = "Obligations in FY2020"
value = 12
unit = "USD"
date = "2020"
measure = "m-obl"
tags = ["alpha"]
source = "new-2022"

[[facts]]
id = "r1"
topic = "aid"
text = "Aid to the region"
value = 99
unit = "USD"
date = "2018"
regional = true
tags = ["alpha"]
source = "old-2020"

[[facts]]
id = "s1"
topic = "security"
text = "A security figure"
date = "2019-05"
tags = ["beta"]
source = "old-2020"

[[facts]]
id = "m1"
topic = "milestone"
text = "A milestone"
date = 2021-03-01
tags = ["beta"]
source = "new-2022"

[[facts]]
id = "t1"
topic = "trade"
text = "Exports in 2019"
value = 5
unit = "USD"
date = "2019"
measure = "m-exp"
source = "old-2020"
"""


@pytest.fixture
def data(tmp_path: Path) -> Path:
    path = tmp_path / "facts.toml"
    path.write_text(DATA, encoding="utf-8")
    return path


def _json(usco: Run, data: Path, *args: str) -> Any:
    result = usco(*args, "-f", "json", data=data)
    assert (result.exit_code, result.stderr) == (0, ""), result.stderr
    return json.loads(result.stdout)


def _ids(usco: Run, data: Path, *args: str) -> list[str]:
    return [fact["id"] for fact in _json(usco, data, *args)]


def _counts(usco: Run, data: Path, key: str, *args: str) -> dict[str, int]:
    return {row[key]: row["facts"] for row in _json(usco, data, *args)}


def test_timeline_takes_topic_measure_and_the_time_views(usco: Run, data: Path) -> None:
    assert _ids(usco, data, "timeline") == ["m1"]
    assert _ids(usco, data, "timeline", "--topic", "security") == ["s1"]
    assert _ids(usco, data, "timeline", "--topic", "aid", "--measure", "m-obl") == ["a2", "a3"]
    assert _ids(usco, data, "timeline", "--topic", "aid", "--measure", "m-obl", "--history") == ["a1", "a2", "a3"]
    assert _ids(usco, data, "timeline", "--topic", "aid", "--measure", "m-obl", "--latest") == ["a3"]


def test_topics_counts_what_the_filters_choose(usco: Run, data: Path) -> None:
    assert _counts(usco, data, "topic", "topics") == {"aid": 3, "trade": 1, "security": 1, "milestone": 1}
    assert _counts(usco, data, "topic", "topics", "--topic", "aid") == {"aid": 3}
    assert _counts(usco, data, "topic", "topics", "--measure", "m-obl") == {"aid": 2}
    assert _counts(usco, data, "topic", "topics", "--history")["aid"] == 4  # a1 counted too
    assert _counts(usco, data, "topic", "topics", "--latest")["aid"] == 1  # a3 (r1 has no measure: design §2)
    assert _counts(usco, data, "topic", "topics", "--limit", "1") == {"aid": 3}


def test_tags_counts_what_the_filters_choose(usco: Run, data: Path) -> None:
    assert _counts(usco, data, "tag", "tags") == {"alpha": 3, "beta": 2}
    assert _counts(usco, data, "tag", "tags", "--tag", "beta") == {"beta": 2}
    assert _counts(usco, data, "tag", "tags", "--measure", "m-obl") == {"alpha": 2}
    assert _counts(usco, data, "tag", "tags", "--history") == {"alpha": 4, "beta": 2}
    assert _counts(usco, data, "tag", "tags", "--latest") == {"alpha": 1}  # a3; facts with no measure left out


def test_measures_takes_measure_latest_and_limit(usco: Run, data: Path) -> None:
    rows = {row["id"]: (row["periods"], row["facts"]) for row in _json(usco, data, "measures")}
    assert rows == {"m-obl": (2, 2), "m-exp": (1, 1)}
    assert [row["id"] for row in _json(usco, data, "measures", "--measure", "m-exp")] == ["m-exp"]
    latest = {row["id"]: (row["periods"], row["facts"]) for row in _json(usco, data, "measures", "--latest")}
    assert latest == {"m-obl": (1, 1), "m-exp": (1, 1)}
    assert len(_json(usco, data, "measures", "--limit", "1")) == 1


def test_sources_count_every_version_and_take_latest(usco: Run, data: Path) -> None:
    everything = {"old-2020": 4, "new-2022": 3}  # a source gives its facts, revised or not
    assert _counts(usco, data, "id", "sources") == everything
    assert _counts(usco, data, "id", "sources", "--history") == everything
    assert _counts(usco, data, "id", "sources", "--latest") == {"old-2020": 1, "new-2022": 1}  # t1, a3: series only


#: aid and trade leave regional figures out unless --regional asks for them (the test after this one).
LEAVES_REGIONAL_OUT = {"aid", "trade"}


@pytest.mark.parametrize(
    "command",
    [words[0] for words, command in commands().items() if "--regional" in options(command)
     and words[0] not in LEAVES_REGIONAL_OUT],
)  # fmt: skip
def test_regional_is_accepted_where_regional_figures_are_listed_anyway(usco: Run, data: Path, command: str) -> None:
    args = [command, "--all"] if command == "timeline" else [command, "aid"] if command == "search" else [command]
    assert _json(usco, data, *args, "--regional") == _json(usco, data, *args)


def test_aid_leaves_regional_figures_out_unless_asked(usco: Run, data: Path) -> None:
    assert "r1" not in _ids(usco, data, "aid")
    assert "r1" in _ids(usco, data, "aid", "--regional")
