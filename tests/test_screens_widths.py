"""Screens at the widths people have (issue #12): every listing command and chart kind on a real
pseudo-terminal at 40, 80, 120 and 200 columns.

What a person needs whole is whole: each id, URL and figure on one line, no "…", components
under their whole, no line ending in a space, no line wider than the terminal (only an id or a
URL too long for any line is left to the terminal to wrap: it stays one string to copy or click).
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import unicodedata
from pathlib import Path
from typing import Any

import pytest

from tests import helpers
from tests.helpers import USCO
from tests.terminal import run_in_pty
from usco.model import Qualifier
from usco.text import QUALIFIER_WORDS, column_amount

SERIES = ("foreignassistance-2024-12-22.toml", "foreignassistance-2025-04-02.toml", "census-trade-2024-07-29.toml")
WIDTHS = (40, 80, 120, 200)
AID_SERIES = ("aid-obligations", "aid-disbursements", "aid-appropriated-planned", "aid-budget-requests")
TRADE_SERIES = ("us-goods-exports", "us-goods-imports")
TRADE_MONTHLY = ("us-goods-exports-monthly", "us-goods-imports-monthly")
BLOCK_CHARACTERS = "█▒░"
SLIVER = "▏"

#: Hand-made facts beside the shipped series: every period kind, gaps, a running total,
#: components, a regional planned figure, long ids and URLs, undated and month-dated sources.
OWN = r'''
[sources.state-2020-09-18-partnership]
title     = "Colombia and the United States: Strengthening Our Partnership"
publisher = "U.S. Department of State, Office of the Spokesperson (reposted by U.S. Embassy Bogota)"
kind      = "government"
url       = "https://co.usembassy.gov/colombia-and-the-united-states-strengthening-our-partnership-2/"
short     = "State fact sheet, Sep 2020"
date      = 2020-09-18

[sources.unodc-2023-09-11-coca-survey-colombia-2022]
title     = "Colombia: Monitoreo de territorios con presencia de cultivos de coca 2022"
publisher = "UNODC and Government of Colombia (SIMCI)"
kind      = "intergovernmental"
url       = "https://www.unodc.org/documents/crop-monitoring/Colombia/Colombia_Monitoreo_de_territorios_con_presencia_de_cultivos_de_coca_2022.pdf"
short     = "UNODC coca survey 2022"
date      = 2023-09-11

[sources.r4v-2024]
title     = "R4V: Venezuelan refugees and migrants in the region"
publisher = "Inter-Agency Coordination Platform for Refugees and Migrants from Venezuela (R4V)"
kind      = "intergovernmental"
url       = "https://www.r4v.info/en/refugeeandmigrants"
short     = "R4V platform"
date      = "2024-06"
date_note = "The page prints a month of update only."

[sources.reuters-2019-02-22-cucuta-concert]
title     = "Venezuela aid concert on Colombian border draws crowds"
publisher = "Reuters"
kind      = "press"
url       = "https://www.reuters.com/article/us-venezuela-politics-concert-idUSKCN1QB2GW"
date      = 2019-02-23

[sources.wola-undated]
title     = "A think tank's note [bold]with markup[/bold]"
publisher = "WOLA"
kind      = "other"
date_note = "The page prints no date and no copy is dated."
url       = "https://www.wola.org/analysis/colombia-us-relations-a-very-long-path-name-that-goes-on-and-on-and-on-for-a-while/"

[measures.coca-cultivation]
label = "Coca cultivation in Colombia (UNODC/SIMCI), hectares under coca on December 31"
unit  = "hectares"
period = "year"

[measures.venezuelans-in-colombia]
label = "Venezuelan refugees and migrants living in Colombia"
unit  = "people"
period = "point"

[measures.peace-colombia-total]
label = "U.S. assistance for Colombia since the 2016 peace accord (running total)"
unit  = "USD"
period = "running_total"

[measures.monthly-arrivals]
label = "Arrivals of Venezuelans in Colombia each month"
unit  = "people"
period = "month"

[[facts]]
id = "coca-2012"
topic = "security"
text = "Coca cultivation in Colombia in 2012"
value = 48_000
unit = "hectares"
date = "2012"
source = "unodc-2023-09-11-coca-survey-colombia-2022"
measure = "coca-cultivation"

[[facts]]
id = "coca-2013"
topic = "security"
text = "Coca cultivation in Colombia in 2013"
value = 48_000
unit = "hectares"
qualifier = "approximately"
date = "2013"
source = "unodc-2023-09-11-coca-survey-colombia-2022"
measure = "coca-cultivation"

[[facts]]
id = "coca-2019"
topic = "security"
text = "Coca cultivation in Colombia in 2019"
value = 154_000
unit = "hectares"
date = "2019"
source = "unodc-2023-09-11-coca-survey-colombia-2022"
measure = "coca-cultivation"

[[facts]]
id = "coca-2021"
topic = "security"
text = "Coca cultivation in Colombia in 2021"
value = 204_000
unit = "hectares"
date = "2021"
source = "unodc-2023-09-11-coca-survey-colombia-2022"
measure = "coca-cultivation"

[[facts]]
id = "coca-2022"
topic = "security"
text = "Coca cultivation in Colombia in 2022"
value = 230_000
unit = "hectares"
qualifier = "nearly"
date = "2022"
source = "unodc-2023-09-11-coca-survey-colombia-2022"
measure = "coca-cultivation"

[[facts]]
id = "venezuelans-2019-03"
topic = "migration"
text = "Venezuelans living in Colombia"
value = 1_260_000
unit = "people"
qualifier = "more_than"
date = "2019-03"
source = "r4v-2024"
measure = "venezuelans-in-colombia"

[[facts]]
id = "venezuelans-2021-01-31"
topic = "migration"
text = "Venezuelans living in Colombia"
value = 1_742_927
unit = "people"
date = 2021-01-31
source = "r4v-2024"
measure = "venezuelans-in-colombia"

[[facts]]
id = "venezuelans-2024-05"
topic = "migration"
text = "Venezuelans living in Colombia"
value = 2_860_000
unit = "people"
qualifier = "approximately"
date = "2024-05"
source = "r4v-2024"
measure = "venezuelans-in-colombia"

[[facts]]
id = "arrivals-2024-01"
topic = "migration"
text = "Arrivals in January 2024"
value = 31_000
unit = "people"
date = "2024-01"
source = "r4v-2024"
measure = "monthly-arrivals"

[[facts]]
id = "arrivals-2024-02"
topic = "migration"
text = "Arrivals in February 2024"
value = 28_500
unit = "people"
date = "2024-02"
source = "r4v-2024"
measure = "monthly-arrivals"

[[facts]]
id = "arrivals-2024-05"
topic = "migration"
text = "Arrivals in May 2024"
value = 40_000
unit = "people"
status = "provisional"
date = "2024-05"
source = "r4v-2024"
measure = "monthly-arrivals"

[[facts]]
id = "peace-colombia-assistance-since-2016-to-2020-09"
topic = "aid"
text = "U.S. assistance for Colombia's implementation of the peace accord since 2016"
value = 1_000_000_000
unit = "USD"
qualifier = "more_than"
date = "2016"
end = 2020-09-18
source = "state-2020-09-18-partnership"
measure = "peace-colombia-total"

[[facts]]
id = "peace-colombia-assistance-since-2016-to-2024-06"
topic = "aid"
text = "U.S. assistance for Colombia's implementation of the peace accord since 2016"
value = 1_500_000_000
unit = "USD"
qualifier = "nearly"
date = "2016"
end = "2024-06"
source = "r4v-2024"
measure = "peace-colombia-total"

[[facts]]
id = "covid-assistance-2020"
topic = "aid"
text = "U.S. assistance for Colombia's COVID-19 response"
value = 23_600_000
unit = "USD"
qualifier = "more_than"
date = "2020"
end = 2020-09-18
source = "state-2020-09-18-partnership"
tags = ["covid", "health"]

[[facts]]
id = "covid-assistance-2020-vaccines-and-cold-chain-equipment"
topic = "aid"
text = "Of which, vaccines and cold-chain equipment donated through COVAX and bilaterally to the Ministry of Health"
value = 6_100_000
unit = "USD"
date = "2020"
source = "state-2020-09-18-partnership"
part_of = "covid-assistance-2020"
tags = ["covid", "health", "vaccines"]

[[facts]]
id = "venezuela-response-2020-regional-humanitarian"
topic = "aid"
text = """U.S. humanitarian assistance for the Venezuela regional crisis response, \
  of which Colombia received the largest share"""
value = 344_000_000
unit = "USD"
qualifier = "more_than"
date = "2020"
status = "planned"
regional = true
source = "state-2020-09-18-partnership"
tags = ["venezuela", "humanitarian"]

[[facts]]
id = "cucuta-aid-concert-2019"
topic = "milestone"
text = """Venezuela Aid Live concert in Cúcuta, on the Colombian side of the border, \
  while U.S. aid waited in warehouses nearby"""
date = 2019-02-22
end = 2019-02-23
source = "reuters-2019-02-22-cucuta-concert"
tags = ["venezuela"]

[[facts]]
id = "partnership-fact-sheet-2020"
topic = "milestone"
text = "The State Department publishes a fact sheet on the partnership [bold]200 years[/bold]"
date = 2020-09-18
source = "state-2020-09-18-partnership"

[[facts]]
id = "bicentennial-relations-2022"
topic = "milestone"
text = "Two hundred years of diplomatic relations between the United States and Colombia"
date = "2022"
source = "wola-undated"
tags = ["diplomacy"]

[[facts]]
id = "secretary-visit-planned-2020-09-18"
topic = "milestone"
text = "The Secretary of State will travel to Bogotá on September 18–19"
date = 2020-09-18
end = 2020-09-19
status = "planned"
source = "state-2020-09-18-partnership"

[[facts]]
id = "colombia-major-non-nato-ally-designation-2022"
topic = "diplomacy"
text = "The United States designates Colombia a Major Non-NATO Ally"
date = "2022-05"
source = "wola-undated"

'''


@pytest.fixture(scope="module")
def screens_data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("screens")
    (folder / "series").mkdir()
    for name in SERIES:
        shutil.copy(helpers.SERIES / name, folder / "series" / name)
    path = folder / "facts.toml"
    include = "include = [" + ", ".join(f'"series/{name}"' for name in SERIES) + "]\n"
    path.write_text(include + OWN, encoding="utf-8")
    return path


def environment(data: Path, **extra: str) -> dict[str, str]:
    return helpers.environment(**{"USCO_DATA": str(data), "TERM": "xterm-256color", **extra})


_ANSI = re.compile(r"\x1b\[[0-9;?]*[A-Za-z]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)")


def screen(args: list[str], data: Path, columns: int, **env: str) -> list[str]:
    """The lines a person sees: colour codes and hyperlink markers removed."""
    status, output = run_in_pty(args, environment(data, **env), columns=columns)
    assert status == 0, output
    return _ANSI.sub("", output).replace("\r\n", "\n").split("\n")[:-1] if output else []


def machine(args: list[str], data: Path) -> Any:
    done = subprocess.run([USCO, *args, "-f", "json"], env=environment(data), capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


def column_figure(fact: dict[str, Any]) -> str:
    """A USD figure as a series column writes it, whatever its qualifier: whole dollars."""
    assert fact["unit"] == "USD", fact
    return f"${fact['value']:,}"


def bar_figure(bar: dict[str, Any]) -> str:
    """A bar's figure as the chart writes it: its qualifier in words, the number in full (design §4)."""
    words = QUALIFIER_WORDS[Qualifier(bar["qualifier"])]
    number = column_amount(bar["value"], bar["unit"])
    return f"{words} {number}" if words else number


def cells(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 0 if unicodedata.combining(c) else 1 for c in line)


def whole_on_a_line(token: str, lines: list[str]) -> bool:
    pattern = re.compile(r"(?<![\w./-])" + re.escape(token) + r"(?![\w/-])")
    return any(pattern.search(line) for line in lines)


def check_screen(lines: list[str], columns: int, wholes: list[str], figures: list[str] = ()) -> None:  # type: ignore[assignment]
    assert lines, "nothing on the screen"
    unbreakable = set(wholes)
    for line in lines:
        assert "…" not in line, line
        assert not line.endswith(" "), repr(line)
        if cells(line) > columns:
            alone = re.sub(r"^(copy: |└ )", "", line.strip())
            assert alone in unbreakable, f"{cells(line)} > {columns}: {line!r}"
    for token in wholes:
        assert whole_on_a_line(token, lines), f"{token!r} not whole on one line at {columns} columns"
    for shown in figures:
        assert any(shown in line for line in lines), f"figure {shown!r} not whole at {columns} columns"


# ---------------------------------------------------------------- listing commands

LISTINGS = {
    "facts": ["facts", "--since", "2020", "--until", "2021"],
    "aid": ["aid", "--since", "2020", "--until", "2020", "--regional"],
    "aid-recent": ["aid", "--since", "2023"],
    "trade": ["trade", "--since", "2022"],
    "timeline": ["timeline"],
    "timeline-all": ["timeline", "--all", "--since", "2019", "--until", "2020"],
}


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("name", list(LISTINGS))
def test_fact_listings_keep_ids_and_figures_whole(screens_data: Path, name: str, columns: int) -> None:
    args = LISTINGS[name]
    facts = machine(args, screens_data)
    series = AID_SERIES if args[0] == "aid" else TRADE_SERIES if args[0] == "trade" else ()
    # On a terminal `usco trade` names its monthly series rather than listing every month.
    named = TRADE_MONTHLY if args[0] == "trade" else ()
    ids = [fact["id"] for fact in facts if fact["measure"] not in (*series, *named)]
    # A series' figures are in its table, written as their column writes them (design §4).
    figures = [column_figure(fact) if fact["measure"] in series else fact["figure"]
               for fact in facts if fact["figure"] and fact["measure"] not in named]  # fmt: skip
    check_screen(screen(args, screens_data, columns), columns, ids, figures)


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize("columns", WIDTHS)
def test_sources_keep_ids_and_urls_whole(screens_data: Path, columns: int) -> None:
    sources = machine(["sources"], screens_data)
    wholes = [source["id"] for source in sources] + [source["url"] for source in sources]
    wholes += [source["copy_url"] for source in sources if source["copy_url"]]
    lines = screen(["sources"], screens_data, columns)
    check_screen(lines, columns, wholes)
    text = "\n".join(lines)
    assert "intergovernmental" in text and "press" in text and "government" in text  # the kind is shown


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize("columns", WIDTHS)
def test_measures_keep_ids_whole_and_say_period_kind_and_unit(screens_data: Path, columns: int) -> None:
    measures = machine(["measures"], screens_data)
    lines = screen(["measures"], screens_data, columns)
    check_screen(lines, columns, [measure["id"] for measure in measures])
    text = " ".join(" ".join(lines).split())
    assert "fiscal year" in text and "running total" in text and "hectares" in text
    assert "FY1946" in text and "hecta…" not in text


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("args", [["tags"], ["topics"]], ids=["tags", "topics"])
def test_counts_keep_names_whole(screens_data: Path, args: list[str], columns: int) -> None:
    rows = machine(args, screens_data)
    names = [row["tag" if args == ["tags"] else "topic"] for row in rows]
    check_screen(screen(args, screens_data, columns), columns, names)


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize("columns", WIDTHS)
def test_series_table_keeps_figures_whole_and_marked(screens_data: Path, columns: int) -> None:
    args = ["series", *AID_SERIES, "--since", "2021"]
    figures = [column_figure(row) for row in machine(args, screens_data)]
    lines = screen(args, screens_data, columns)
    check_screen(lines, columns, list(AID_SERIES[:1]), figures)
    text = "\n".join(lines)
    assert "(provisional)" in text or "(prov.)" in text or "* provisional:" in text
    assert "(partial" in text or "† partial: FY2025 to 2025-04-02" in text
    assert "2025-04-02" in text
    assert "Releases: ForeignAssistance.gov 2025-04-02" in " ".join(text.split())


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize("columns", WIDTHS)
def test_components_stay_under_their_whole(screens_data: Path, columns: int) -> None:
    lines = screen(LISTINGS["aid"], screens_data, columns)
    whole = next(i for i, line in enumerate(lines) if whole_on_a_line("covid-assistance-2020", [line]))
    part = next(i for i, line in enumerate(lines) if "covid-assistance-2020-vaccines-and-cold-chain-equipment" in line)
    assert whole < part
    assert any("└" in line for line in lines[whole : part + 1])
    # nothing else comes between a whole and its component
    assert not any(
        whole_on_a_line("venezuela-response-2020-regional-humanitarian", [line]) for line in lines[whole:part]
    )


@pytest.mark.slow
@pytest.mark.installed
def test_aid_is_a_table_at_120_with_long_ids_whole(screens_data: Path) -> None:
    lines = screen(LISTINGS["aid"], screens_data, 120)
    assert any(line.lstrip().startswith("When") and "Figure" in line for line in lines)
    assert any(line.strip() == "covid-assistance-2020-vaccines-and-cold-chain-equipment" for line in lines)


@pytest.mark.slow
@pytest.mark.installed
def test_timeline_text_gets_the_width(screens_data: Path) -> None:
    at_80 = screen(["timeline"], screens_data, 80)
    line = next(line for line in at_80 if "Venezuela Aid Live" in line)
    assert cells(line) > 60  # the text runs most of the line, not 15 columns
    assert any(line.strip().startswith("02-22 – 02-23") for line in at_80)  # under the year 2019
    assert not any("2019-02-22 – 2019-02-23" in line for line in at_80)
    at_40 = screen(["timeline"], screens_data, 40)
    assert any("Venezuela Aid Live" in line for line in at_40)


@pytest.mark.slow
@pytest.mark.installed
def test_timeline_all_keeps_order_within_a_month(screens_data: Path) -> None:
    lines = screen(["timeline", "--all", "--since", "2020-09", "--until", "2020-09"], screens_data, 80)
    order = [i for token in ("partnership-fact-sheet-2020", "secretary-visit-planned-2020-09-18")
             for i, line in enumerate(lines) if token in line]  # fmt: skip
    assert order == sorted(order) and len(order) == 2


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize(
    ("args", "footer"),
    [
        (["facts", "--source", "reuters-2019-02-22-cucuta-concert"], "1 fact "),
        (["timeline", "--source", "reuters-2019-02-22-cucuta-concert"], "1 event "),
        (["sources", "--source", "reuters-2019-02-22-cucuta-concert"], "1 source,"),
        (["measures", "--source", "unodc-2023-09-11-coca-survey-colombia-2022"], "1 measure "),
    ],
    ids=["fact", "event", "source", "measure"],
)
def test_footers_count_in_the_singular(screens_data: Path, args: list[str], footer: str) -> None:
    lines = screen(args, screens_data, 80)
    assert any(line.startswith(footer) for line in lines), lines[-3:]


@pytest.mark.slow
@pytest.mark.installed
def test_dumb_terminal_uses_the_real_width(screens_data: Path) -> None:
    lines = screen(["measures"], screens_data, 200, TERM="dumb")
    assert max(cells(line) for line in lines) > 80
    assert all(cells(line) <= 200 for line in lines)


@pytest.mark.slow
@pytest.mark.installed
def test_help_never_cuts_a_summary(screens_data: Path) -> None:
    lines = screen(["--help"], screens_data, 80)
    commands = lines[lines.index("Commands:") + 1 :]
    assert len(commands) >= 15
    for line in commands:
        assert not line.endswith("..."), line
        assert line.endswith("."), line


# ---------------------------------------------------------------- charts

CHARTS = {
    "fiscal-year": ["chart", "aid-obligations", "--since", "2005"],
    "year-with-gaps": ["chart", "coca-cultivation"],
    "point": ["chart", "venezuelans-in-colombia"],
    "running-total": ["chart", "peace-colombia-total"],
    "month-with-gap": ["chart", "monthly-arrivals"],
    "history": ["chart", "aid-obligations", "--since", "2023", "--history"],
}


def bar_section(lines: list[str]) -> tuple[int, int]:
    """Where the bars are: between the blank line under the title and the next blank line."""
    start = lines.index("") + 1
    return start, lines.index("", start)


def bar_blocks(lines: list[str]) -> list[int]:
    """The blocks of each drawn bar, top to bottom."""
    start, stop = bar_section(lines)
    drawn = [line for line in lines[start:stop] if any(c in line for c in BLOCK_CHARACTERS + SLIVER)]
    return [sum(line.count(c) for c in BLOCK_CHARACTERS) for line in drawn]


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize("columns", WIDTHS)
@pytest.mark.parametrize("kind", list(CHARTS))
def test_charts_one_scale_time_order_whole_figures(screens_data: Path, kind: str, columns: int) -> None:
    args = CHARTS[kind]
    bars = machine(args, screens_data)
    lines = screen(args, screens_data, columns)
    check_screen(lines, columns, [], [bar_figure(bar) for bar in bars])
    # one bar per figure, in the order of the data (time order), on one scale
    blocks = bar_blocks(lines)
    assert len(blocks) == len(bars)
    largest = max(abs(bar["value"]) for bar in bars)
    full = max(blocks)
    assert full >= 5
    for bar, drawn in zip(bars, blocks, strict=True):
        assert abs(drawn - abs(bar["value"]) / largest * full) <= 1, (bar["period"], drawn, full)
    start, _ = bar_section(lines)
    positions = [next(i for i, line in enumerate(lines) if bar_figure(bar) in line and i >= start) for bar in bars]
    if kind != "history":
        assert positions == sorted(positions)
    text = "\n".join(lines)
    assert "calendar" not in text or kind == "year-with-gaps"


@pytest.mark.slow
@pytest.mark.installed
def test_chart_periods_are_in_time_order_with_gaps(screens_data: Path) -> None:
    lines = screen(CHARTS["year-with-gaps"], screens_data, 80)
    labels = [line.split()[0] for line in lines if line[:4].isdigit()]
    assert labels == ["2012", "2013", "2014–2018", "2019", "2020", "2021", "2022"]
    assert [line.split()[0] for line in lines if "(no figure)" in line] == ["2014–2018", "2020"]
    months = screen(CHARTS["month-with-gap"], screens_data, 80)
    assert any(line.startswith("2024-03 – 2024-04") and line.endswith("(no figure)") for line in months)


@pytest.mark.slow
@pytest.mark.installed
def test_fiscal_chart_labels_and_marks(screens_data: Path) -> None:
    lines = screen(["chart", "aid-obligations"], screens_data, 120)
    assert any(line.startswith("TQ 1976 ") for line in lines)
    assert any(line.startswith("FY2016 ") for line in lines)
    partial = next(line for line in lines if line.startswith("FY2025 "))
    assert partial.endswith("(partial to 2025-04-02)") and "▒" in partial and "█" not in partial
    history = screen(CHARTS["history"], screens_data, 120)
    old = [line for line in history if "superseded by" in line]
    assert old and all("░" in line for line in old)


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize("columns", WIDTHS)
def test_show_keeps_the_url_whole(screens_data: Path, columns: int) -> None:
    detail = machine(["show", "covid-assistance-2020"], screens_data)
    lines = screen(["show", "covid-assistance-2020"], screens_data, columns)
    wholes = [detail["id"], detail["source"]["url"]]
    for line in lines:  # "source url   https://…" is one line, for the terminal to wrap
        if detail["source"]["url"] in line:
            wholes.append(line.strip())
    check_screen(lines, columns, wholes, [detail["figure"]])


@pytest.mark.slow
@pytest.mark.installed
def test_full_aid_series_is_a_table_at_80(screens_data: Path) -> None:
    lines = screen(["series", *AID_SERIES], screens_data, 80)
    check_screen(lines, 80, [], [column_figure(row) for row in machine(["series", *AID_SERIES], screens_data)])
    assert any(line.split()[:2] == ["Period", "obligations"] for line in lines)
    assert any(line.split()[:2] == ["TQ", "1976"] for line in lines)
    assert any(line.split()[:2] == ["FY2024", "$447,245,358*"] for line in lines)
    assert "* provisional: the publisher was still collecting reports" in lines
    assert "† partial: FY2025 to 2025-04-02" in lines


@pytest.mark.slow
@pytest.mark.installed
def test_urls_are_links_only_on_a_terminal(screens_data: Path) -> None:
    status, raw = run_in_pty(["sources", "--source", "r4v-2024"], environment(screens_data), columns=80)
    assert status == 0
    assert "\x1b]8;id=" in raw and ";https://www.r4v.info/en/refugeeandmigrants\x07" in raw
    piped = subprocess.run(
        [USCO, "sources", "--source", "r4v-2024", "-f", "table"], env=environment(screens_data), capture_output=True
    )
    assert b"https://www.r4v.info/en/refugeeandmigrants" in piped.stdout
    assert b"\x1b]8" not in piped.stdout
