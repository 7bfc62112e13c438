"""Output formats (design §4): figures in words, exact machine formats, Rich tables, terminal safety."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Callable
from pathlib import Path
from types import MappingProxyType

import pytest
from rich.console import Console

from usco.dataset import load as dataset
from usco.model import Dataset, Fact, PartialDate, Qualifier, Source, SourceKind, Topic
from usco.query import select as query
from usco.query.select import View
from usco.render import formats, listings
from usco.render.formats import OutputFormat
from usco.text import figure

WriteDataset = Callable[[str], Path]


def a_fact(value: int | float | None, unit: str | None, qualifier: Qualifier = Qualifier.EXACT) -> Fact:
    return Fact(
        id="f",
        topic=Topic.AID,
        text="t",
        date=PartialDate.parse("2020"),
        source="s",
        value=value,
        unit=unit,
        qualifier=qualifier,
    )


# ---------------------------------------------------------------- figures in words


@pytest.mark.parametrize(
    ("value", "unit", "qualifier", "words"),
    [
        (23_600_000, "USD", Qualifier.MORE_THAN, "more than $23.6 million"),
        (29_000_000_000, "USD", Qualifier.NEARLY, "nearly $29 billion"),
        (250, "businesses", Qualifier.APPROXIMATELY, "approximately 250 businesses"),
        (1_700_000, "people", Qualifier.ESTIMATED, "an estimated 1.7 million people"),
        (832_000_000, "USD", Qualifier.EXACT, "$832 million"),
        (1_742_927, "people", Qualifier.EXACT, "1,742,927 people"),
        (50, "percent", Qualifier.EXACT, "50%"),
        (1_000_000_000, "USD", Qualifier.MORE_THAN, "more than $1 billion"),
        (200, "ventilators", Qualifier.AT_LEAST, "at least 200 ventilators"),
        (10_000, "jobs", Qualifier.UP_TO, "up to 10,000 jobs"),
        (5, "percent", Qualifier.LESS_THAN, "less than 5%"),
        (12.5, "percent", Qualifier.EXACT, "12.5%"),
        (169_019.5, "hectares", Qualifier.EXACT, "169,019.5 hectares"),
    ],
)
def test_figure_in_words(value: int | float, unit: str, qualifier: Qualifier, words: str) -> None:
    assert figure(a_fact(value, unit, qualifier)) == words


@pytest.mark.parametrize(
    ("value", "exact_forms"),
    [
        (7_747_700_000, {"$7,747,700,000", "$7,747.7 million", "$7.7477 billion"}),
        (1_742_927_000, {"$1,742,927,000", "$1,742.927 million", "$1.742927 billion"}),
        (23_612_345, {"$23,612,345", "$23.612345 million"}),
    ],
)
def test_figure_is_never_rounded(value: int, exact_forms: set[str]) -> None:
    words = figure(a_fact(value, "USD"))
    assert words in exact_forms
    assert "7.7 billion" not in words
    assert "7.75 billion" not in words


def test_fact_without_value_has_no_figure() -> None:
    assert figure(a_fact(None, None)) == ""


# ---------------------------------------------------------------- machine formats

TWO_FACTS = """
[sources.sheet]
title     = "Fact sheet"
publisher = "U.S. Department of State"
kind      = "government"
url       = "https://example.gov/sheet"
copy_url  = "https://archive.example.org/sheet"
short     = "Sheet"
date      = 2020-09-18

[sources.report]
title     = "Annual report"
publisher = "Congressional Research Service"
url       = "https://example.gov/report"
date      = "2023-06"

[[facts]]
id        = "covid-total"
topic     = "aid"
text      = 'COVID-19 assistance, "fast"'
value     = 23_600_000
unit      = "USD"
qualifier = "more_than"
date      = "2020"
end       = 2020-09-18
regional  = true
source    = "sheet"
tags      = ["covid", "health"]

[[facts]]
id        = "recognition"
topic     = "milestone"
text      = "The United States recognizes Colombia"
date      = "1822"
source    = "report"
"""

TWO_VERSIONS = """
[sources.unodc-2019]
title     = "Coca survey 2019"
publisher = "UNODC"
kind      = "intergovernmental"
url       = "https://example.org/2019"
date      = 2019-06-20

[sources.unodc-2020]
title     = "Coca survey 2020"
publisher = "UNODC"
url       = "https://example.org/2020"
date      = "2020-07"

[measures.coca]
label = "Coca cultivation"
unit  = "hectares"

[[facts]]
id      = "coca-2018-revised"
topic   = "security"
text    = "Coca cultivation, revised"
value   = 169_019
unit    = "hectares"
date    = "2018"
source  = "unodc-2020"
measure = "coca"

[[facts]]
id      = "coca-2018"
topic   = "security"
text    = "Coca cultivation"
value   = 169_000
unit    = "hectares"
date    = "2018"
source  = "unodc-2019"
measure = "coca"
"""


@pytest.fixture
def two_facts(write_dataset: WriteDataset) -> listings.Listing:
    return listings.facts_listing(query.select(dataset.load(write_dataset(TWO_FACTS))))


@pytest.fixture
def two_versions(write_dataset: WriteDataset) -> listings.Listing:
    selection = query.select(dataset.load(write_dataset(TWO_VERSIONS)), view=View(history=True))
    return listings.facts_listing(selection, history=True)


# One fact a line, each as json writes an object on one line (", " and ": " between items).
JSON_TWO_FACTS = (
    "[\n"
    '  {"id": "recognition", "topic": "milestone", "text": "The United States recognizes Colombia", '
    '"value": null, "unit": null, "qualifier": "exact", "figure": null, "date": "1822", "end": null, '
    '"status": "final", "regional": false, "measure": null, "part_of": null, "superseded_by": null, '
    '"tags": [], "event": null, "source": {"id": "report", "title": "Annual report", '
    '"publisher": "Congressional Research Service", "kind": null, "url": "https://example.gov/report", '
    '"copy_url": null, "date": "2023-06"}},\n'
    '  {"id": "covid-total", "topic": "aid", "text": "COVID-19 assistance, \\"fast\\"", "value": 23600000, '
    '"unit": "USD", "qualifier": "more_than", "figure": "more than $23.6 million", "date": "2020", '
    '"end": "2020-09-18", "status": "final", "regional": true, "measure": null, "part_of": null, '
    '"superseded_by": null, "tags": ["covid", "health"], "event": null, '
    '"source": {"id": "sheet", "title": "Fact sheet", '
    '"publisher": "U.S. Department of State", "kind": "government", "url": "https://example.gov/sheet", '
    '"copy_url": "https://archive.example.org/sheet", "date": "2020-09-18"}}\n'
    "]\n"
)


def test_json(two_facts: listings.Listing) -> None:
    assert formats.render(two_facts, OutputFormat.JSON) == JSON_TWO_FACTS


def test_json_array_has_one_element_a_line(two_facts: listings.Listing) -> None:
    """Scripts that read lines (grep, head, wc -l) see one fact a line; the whole is still one array."""
    text = formats.render(two_facts, OutputFormat.JSON)
    lines = text.splitlines()
    assert (lines[0], lines[-1], len(lines)) == ("[", "]", 4)
    assert [json.loads(line.strip().removesuffix(","))["id"] for line in lines[1:-1]] == ["recognition", "covid-total"]
    assert json.loads(text) == two_facts.objects


def test_json_fields_are_exactly_those_of_the_design(two_facts: listings.Listing) -> None:
    (first, _) = json.loads(formats.render(two_facts, OutputFormat.JSON))
    assert list(first) == [
        "id", "topic", "text", "value", "unit", "qualifier", "figure", "date", "end", "status", "regional",
        "measure", "part_of", "superseded_by", "tags", "event", "source",
    ]  # fmt: skip
    assert list(first["source"]) == ["id", "title", "publisher", "kind", "url", "copy_url", "date"]


# Every character JSON leaves raw that a terminal could act on: DEL, C1, bidi, zero-width.
JSON_ESCAPED = [chr(code) for code in range(0x7F, 0xA0)] + list(
    "\u00ad\u061c\u180e\u200b\u200c\u200d\u200e\u200f\u202a\u202b\u202c\u202d\u202e"
    "\u2060\u2061\u2062\u2063\u2064\u2066\u2067\u2068\u2069\ufeff"
)


@pytest.mark.parametrize("fmt", [OutputFormat.JSON, OutputFormat.JSONL])
@pytest.mark.parametrize(
    ("readable", "hostile"),
    [("", "\x7f"), ("", "".join(JSON_ESCAPED)), (" Bogotá —", "".join(JSON_ESCAPED))],
    ids=["ascii-output", "non-ascii", "readable-utf8"],
)
def test_json_escapes_every_character_a_terminal_could_act_on(
    two_facts: listings.Listing, fmt: OutputFormat, readable: str, hostile: str
) -> None:
    objects = [{**two_facts.objects[0], "text": f"a{readable}{hostile}z"}]
    out = formats.render(two_facts._replace(objects=objects), fmt)
    assert not set(out) & set(JSON_ESCAPED)
    assert "".join(f"\\u{ord(char):04x}" for char in hostile) in out
    assert (json.loads(out)[0] if fmt is OutputFormat.JSON else json.loads(out))["text"] == f"a{readable}{hostile}z"
    assert readable in out  # readable non-ASCII stays as it is


JSONL_TWO_FACTS = (
    '{"id": "recognition", "topic": "milestone", "text": "The United States recognizes Colombia", "value": null,'
    ' "unit": null, "qualifier": "exact", "figure": null, "date": "1822", "end": null, "status": "final",'
    ' "regional": false, "measure": null, "part_of": null, "superseded_by": null, "tags": [],'
    ' "event": null, "source": {"id": "report", "title": "Annual report",'
    ' "publisher": "Congressional Research Service",'
    ' "kind": null, "url": "https://example.gov/report", "copy_url": null, "date": "2023-06"}}\n'
    '{"id": "covid-total", "topic": "aid", "text": "COVID-19 assistance, \\"fast\\"", "value": 23600000,'
    ' "unit": "USD", "qualifier": "more_than", "figure": "more than $23.6 million", "date": "2020",'
    ' "end": "2020-09-18", "status": "final", "regional": true, "measure": null, "part_of": null,'
    ' "superseded_by": null, "tags": ["covid", "health"], "event": null,'
    ' "source": {"id": "sheet", "title": "Fact sheet",'
    ' "publisher": "U.S. Department of State", "kind": "government", "url": "https://example.gov/sheet",'
    ' "copy_url": "https://archive.example.org/sheet", "date": "2020-09-18"}}\n'
)


def test_jsonl(two_facts: listings.Listing) -> None:
    assert formats.render(two_facts, OutputFormat.JSONL) == JSONL_TWO_FACTS


CSV_HEADER = (
    "id,topic,date,end,status,value,unit,qualifier,text,measure,part_of,regional,"
    "source_id,source_kind,source_date,source_url\n"
)
CSV_ROWS = (
    "recognition,milestone,1822,,final,,,exact,The United States recognizes Colombia,,,false,"
    "report,,2023-06,https://example.gov/report\n"
    'covid-total,aid,2020,2020-09-18,final,23600000,USD,more_than,"COVID-19 assistance, ""fast""",,,true,'
    "sheet,government,2020-09-18,https://example.gov/sheet\n"
)


def test_csv(two_facts: listings.Listing) -> None:
    assert formats.render(two_facts, OutputFormat.CSV) == CSV_HEADER + CSV_ROWS


def test_csv_without_header(two_facts: listings.Listing) -> None:
    assert formats.render(two_facts, OutputFormat.CSV, header=False) == CSV_ROWS


TSV_HEADER = (
    "id\ttopic\tdate\tend\tstatus\tvalue\tunit\tqualifier\ttext\tmeasure\tpart_of\tregional\t"
    "source_id\tsource_kind\tsource_date\tsource_url\n"
)
TSV_ROWS = (
    "recognition\tmilestone\t1822\t\tfinal\t\t\texact\tThe United States recognizes Colombia\t\t\tfalse\t"
    "report\t\t2023-06\thttps://example.gov/report\n"
    'covid-total\taid\t2020\t2020-09-18\tfinal\t23600000\tUSD\tmore_than\tCOVID-19 assistance, "fast"\t\t\ttrue\t'
    "sheet\tgovernment\t2020-09-18\thttps://example.gov/sheet\n"
)


def test_tsv(two_facts: listings.Listing) -> None:
    assert formats.render(two_facts, OutputFormat.TSV) == TSV_HEADER + TSV_ROWS


def test_tsv_without_header(two_facts: listings.Listing) -> None:
    assert formats.render(two_facts, OutputFormat.TSV, header=False) == TSV_ROWS


def test_csv_with_history_ends_with_superseded_by(two_versions: listings.Listing) -> None:
    assert formats.render(two_versions, OutputFormat.CSV) == (
        "id,topic,date,end,status,value,unit,qualifier,text,measure,part_of,regional,"
        "source_id,source_kind,source_date,source_url,superseded_by\n"
        "coca-2018,security,2018,,final,169000,hectares,exact,Coca cultivation,coca,,false,"
        "unodc-2019,intergovernmental,2019-06-20,https://example.org/2019,coca-2018-revised\n"
        'coca-2018-revised,security,2018,,final,169019,hectares,exact,"Coca cultivation, revised",coca,,false,'
        "unodc-2020,,2020-07,https://example.org/2020,\n"
    )


def test_tsv_with_history_ends_with_superseded_by(two_versions: listings.Listing) -> None:
    assert formats.render(two_versions, OutputFormat.TSV, header=False) == (
        "coca-2018\tsecurity\t2018\t\tfinal\t169000\thectares\texact\tCoca cultivation\tcoca\t\tfalse\t"
        "unodc-2019\tintergovernmental\t2019-06-20\thttps://example.org/2019\tcoca-2018-revised\n"
        "coca-2018-revised\tsecurity\t2018\t\tfinal\t169019\thectares\texact\tCoca cultivation, revised\tcoca\t\t"
        "false\tunodc-2020\t\t2020-07\thttps://example.org/2020\t\n"
    )


def test_json_with_history_marks_the_superseded_version(two_versions: listings.Listing) -> None:
    objects = json.loads(formats.render(two_versions, OutputFormat.JSON))
    assert [(obj["id"], obj["superseded_by"]) for obj in objects] == [
        ("coca-2018", "coca-2018-revised"),
        ("coca-2018-revised", None),
    ]


@pytest.mark.parametrize("fmt", [OutputFormat.JSON, OutputFormat.CSV, OutputFormat.TSV, OutputFormat.MARKDOWN])
def test_dates_are_shown_as_stored(two_facts: listings.Listing, fmt: OutputFormat) -> None:
    out = formats.render(two_facts, fmt)
    assert "1822" in out
    assert "2023-06" in out
    assert "1822-01-01" not in out
    assert "2020-01-01" not in out
    assert "2023-06-01" not in out


def selection_of(*facts: Fact, source: Source | None = None) -> query.Selection:
    """A Selection built by hand, for text the dataset loader would not accept."""
    src = source or Source(
        id="s",
        title="Source title",
        publisher="Publisher",
        url="https://example.org/s",
        date=PartialDate.parse("2021"),
        kind=SourceKind.PRESS,
    )
    data = Dataset(
        path=Path("x.toml"), sources=MappingProxyType({src.id: src}), measures=MappingProxyType({}), facts=facts
    )
    return query.Selection(rows=tuple(query.Row(fact=fact, source=src) for fact in facts), dataset=data)


def text_fact(fact_id: str, text: str) -> Fact:
    return Fact(id=fact_id, topic=Topic.AID, text=text, date=PartialDate.parse("2020"), source="s")


def test_tsv_replaces_tabs_and_newlines_in_fields_by_spaces() -> None:
    listing = listings.facts_listing(selection_of(text_fact("a", "one\ttwo\nthree\r\nfour")))
    out = formats.render(listing, OutputFormat.TSV, header=False)
    assert out == (
        "a\taid\t2020\t\tfinal\t\t\texact\tone two three  four\t\t\tfalse\ts\tpress\t2021\thttps://example.org/s\n"
    )


def test_csv_keeps_a_newline_inside_quotes() -> None:
    listing = listings.facts_listing(selection_of(text_fact("a", "one\ntwo")))
    out = formats.render(listing, OutputFormat.CSV, header=False)
    assert out == 'a,aid,2020,,final,,,exact,"one\ntwo",,,false,s,press,2021,https://example.org/s\n'


def test_markdown_escapes_pipes() -> None:
    listing = listings.facts_listing(selection_of(text_fact("a", "Aid | trade")))
    lines = formats.render(listing, OutputFormat.MARKDOWN).splitlines()
    assert len(lines) == 3  # header, rule, one row
    assert "Aid \\| trade" in lines[2]
    cells = [len(re.findall(r"(?<!\\)\|", line)) for line in lines]
    assert cells[0] == cells[1] == cells[2]  # the pipe in the text does not add a column


def test_markdown_keeps_the_figure_with_its_qualifier(two_facts: listings.Listing) -> None:
    out = formats.render(two_facts, OutputFormat.MARKDOWN)
    assert "more than $23.6 million" in out
    assert "covid-total" in out
    assert "recognition" in out


# ---------------------------------------------------------------- Rich tables

WIDE = """
[sources.sheet]
title     = "Fact sheet"
publisher = "U.S. Department of State"
url       = "https://example.gov/sheet"
short     = "State fact sheet, Sep 2020"
date      = 2020-09-18

[[facts]]
id        = "venezuelan-migrants-in-colombia-2020"
topic     = "migration"
text      = "Venezuelans living in Colombia, as counted by Migración Colombia in its February report"
value     = 2_875_743
unit      = "people"
qualifier = "estimated"
date      = "2020-02"
source    = "sheet"

[[facts]]
id        = "covid-total"
topic     = "aid"
text      = "COVID-19 assistance"
value     = 23_600_000
unit      = "USD"
qualifier = "more_than"
date      = "2020"
end       = 2020-09-18
source    = "sheet"

[[facts]]
id        = "covid-disaster"
topic     = "aid"
text      = "Disaster assistance within the COVID-19 total"
value     = 15_500_000
unit      = "USD"
date      = "2020"
end       = 2020-09-18
source    = "sheet"
part_of   = "covid-total"

[[facts]]
id        = "covid-other"
topic     = "aid"
text      = "Another fact of 2020 whose id sorts between the component and its whole"
date      = "2020"
source    = "sheet"
"""

WIDE_FIGURES = {
    "venezuelan-migrants-in-colombia-2020": "an estimated 2,875,743 people",
    "covid-total": "more than $23.6 million",
    "covid-disaster": "$15.5 million",
}


def table(listing: listings.Listing, width: int) -> str:
    console = Console(file=io.StringIO(), width=width, color_system=None)
    return formats.render(listing, OutputFormat.TABLE, console=console)


@pytest.fixture
def wide(write_dataset: WriteDataset) -> listings.Listing:
    return listings.facts_listing(query.select(dataset.load(write_dataset(WIDE))))


def first_line_with(lines: list[str], word: str) -> int:
    return next(index for index, line in enumerate(lines) if re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", line))


def test_wide_table_shows_every_id_and_figure_whole(wide: listings.Listing) -> None:
    lines = table(wide, 160).splitlines()
    assert any("Figure" in line and "ID" in line for line in lines)  # a table, with its header
    for fact_id in ["venezuelan-migrants-in-colombia-2020", "covid-total", "covid-disaster", "covid-other"]:
        assert any(fact_id in line for line in lines), fact_id
    for words in WIDE_FIGURES.values():
        assert any(words in line for line in lines), words
    assert all(len(line) <= 160 for line in lines)


def test_narrow_table_gives_way_to_one_block_per_fact(wide: listings.Listing) -> None:
    lines = table(wide, 60).splitlines()
    assert all(len(line) <= 60 for line in lines)
    stripped = [line.strip().removeprefix("└ ") for line in lines]  # a component's block is marked as one
    for fact_id in ["venezuelan-migrants-in-colombia-2020", "covid-total", "covid-disaster", "covid-other"]:
        assert fact_id in stripped, fact_id  # each block opens with its id, whole, on its own line
    assert "└ covid-disaster" in [line.strip() for line in lines]  # the component, under its whole
    for words in WIDE_FIGURES.values():
        assert any(words in line for line in lines), words
    assert "Migración" in "".join(lines)  # the text is there, wrapped


@pytest.mark.parametrize("width", [160, 60])
def test_component_is_printed_right_after_its_whole(wide: listings.Listing, width: int) -> None:
    lines = table(wide, width).splitlines()
    rows = sorted(
        (first_line_with(lines, fact_id), fact_id)
        for fact_id in ["venezuelan-migrants-in-colombia-2020", "covid-total", "covid-disaster", "covid-other"]
    )
    order = [fact_id for _, fact_id in rows]
    assert order.index("covid-disaster") == order.index("covid-total") + 1, order


def test_markdown_puts_a_component_right_after_its_whole(wide: listings.Listing) -> None:
    lines = formats.render(wide, OutputFormat.MARKDOWN).splitlines()
    order = [line.rsplit("|", 2)[-2].strip() for line in lines[2:]]
    assert order.index("covid-disaster") == order.index("covid-total") + 1, order


# ---------------------------------------------------------------- terminal safety

HOSTILE = "[bold]x[/] :smile: \x1b[31mred\x1b[0m \x1b]0;title\x07 \u202eevil \x9bcsi"
NEVER_RAW = ["\x1b", "\x9b", "\u202e", "\x07"]


@pytest.fixture
def hostile(write_dataset: WriteDataset) -> listings.Listing:
    text = """
    [sources.s]
    title     = "Title [link=x]"
    publisher = "Publisher"
    url       = "https://example.org/s"
    short     = "Short \\u001b[2J"
    date      = 2021-01-01

    [[facts]]
    id        = "hostile"
    topic     = "aid"
    text      = "[bold]x[/] :smile: \\u001b[31mred\\u001b[0m \\u001b]0;title\\u0007 \\u202eevil \\u009bcsi"
    value     = 5
    unit      = "USD"
    date      = "2021"
    source    = "s"
    """
    data = dataset.load(write_dataset(text))
    assert data.facts[0].text == HOSTILE  # the dataset really holds the raw characters
    return listings.facts_listing(query.select(data))


@pytest.mark.parametrize("width", [160, 60])
def test_table_shows_hostile_text_literally(hostile: listings.Listing, width: int) -> None:
    out = table(hostile, width)
    for char in NEVER_RAW:
        assert char not in out, repr(char)
    assert "[bold]x[/]" in out
    assert ":smile:" in out
    assert "😄" not in out
    assert "hostile" in out


def test_markdown_shows_hostile_text_literally(hostile: listings.Listing) -> None:
    out = formats.render(hostile, OutputFormat.MARKDOWN)
    for char in NEVER_RAW:
        assert char not in out, repr(char)
    shown = re.sub(r"\\(.)", r"\1", out)  # what a Markdown viewer displays
    assert "[bold]x[/]" in shown
    assert ":smile:" in shown


@pytest.mark.parametrize("fmt", [OutputFormat.JSON, OutputFormat.JSONL])
def test_json_round_trips_hostile_text_without_raw_controls(hostile: listings.Listing, fmt: OutputFormat) -> None:
    out = formats.render(hostile, fmt)
    for char in NEVER_RAW:
        assert char not in out, repr(char)
    (obj,) = json.loads(out) if fmt is OutputFormat.JSON else [json.loads(line) for line in out.splitlines()]
    assert obj["text"] == HOSTILE


@pytest.mark.parametrize("fmt", [OutputFormat.CSV, OutputFormat.TSV])
def test_delimited_formats_carry_no_raw_controls(hostile: listings.Listing, fmt: OutputFormat) -> None:
    out = formats.render(hostile, fmt)
    for char in NEVER_RAW:
        assert char not in out, repr(char)
    assert "[bold]x[/] :smile:" in out
    assert len(out.splitlines()) == 2  # header and one row: nothing split the row
