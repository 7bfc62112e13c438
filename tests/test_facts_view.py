"""The facts table and its cards, byte for byte: drawing them cheaply (issue #26) must not change them.

tests/screens/facts.toml is a small dataset with components two deep, a superseded figure, and
text a terminal must show literally: markup, an escape sequence, CJK and emoji (two columns
each), a word longer than its column. tests/screens/facts-*.txt are what Rich's Table drew from
it, colour codes included, before the table was composed from Rich's pieces (render/compose.py):
at 120 columns the table with an ID column, at 70 each id under its text, at 44 one card a fact.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from rich.console import Console

import usco
from usco.query.select import View
from usco.render import listings, table

SCREENS = Path(__file__).parent / "screens"


def draw(path: Path, width: int) -> str:
    """`usco facts --history` as a 256-colour terminal *width* columns wide shows it."""
    data = usco.load(path, use_cache=False)
    listing = listings.facts_listing(data.select(view=View(history=True)), history=True)
    console = Console(file=io.StringIO(), width=width, color_system="256", force_terminal=True,
                      highlight=False, markup=False, emoji=False)  # fmt: skip
    return table.draw(listing.draw, console)


@pytest.mark.parametrize(("width", "screen"), [(120, "facts-wide"), (70, "facts-ids-under"), (44, "facts-cards")])
def test_the_facts_view_draws_the_same_bytes(width: int, screen: str) -> None:
    expected = (SCREENS / f"{screen}.txt").read_text(encoding="utf-8")
    assert draw(SCREENS / "facts.toml", width) == expected


def test_a_component_too_deep_for_the_table_gets_a_card_with_its_text(tmp_path: Path) -> None:
    """30 facts, each a component of the one before: at 140 columns the Fact column is narrower than
    the deepest "└" is indented, which left the deepest texts out of the table; now no table fits."""
    facts = [
        f'[[facts]]\nid = "c-{i}"\ntopic = "aid"\ntext = "Part {i}"\nvalue = {9_999 - i}\nunit = "USD"\n'
        f'date = "2020"\nsource = "sheet"\n' + (f'part_of = "c-{i - 1}"\n' if i else "")
        for i in range(30)
    ]
    sheet = '[sources.sheet]\ntitle = "Sheet"\npublisher = "State"\nurl = "https://x.example"\ndate = 2020-09-18\n'
    path = tmp_path / "chain.toml"
    path.write_text(sheet + "\n".join(facts), encoding="utf-8")
    screen = draw(path, 140)
    shown = {line.strip() for line in screen.split("\n")}
    assert {f"Part {i}" for i in range(30)} <= shown
