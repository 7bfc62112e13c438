"""`usco products` as Rich draws it: a year's categories ranked, or each matching category year by year.

A table when its figures fit whole on the terminal; else one short block per category or
year, so that no figure is ever cut. Under it, what the share is a share of, and the releases.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from usco.render.table import DIM, FIGURE_STYLE, ID_STYLE
from usco.text import change_percent, percent, plural, source_label, visible
from usco.text import whole_dollars as dollars

if TYPE_CHECKING:
    from rich.console import Console
    from rich.table import Table

    from usco.query.products import ProductLine, Products

_NAME_MIN = 16  # a category's name wraps in a column no narrower than this


def _fits(console: Console, cells: Sequence[Sequence[str]], headings: Sequence[str], flexible: int) -> bool:
    """Do the columns fit the terminal whole, the column *flexible* (-1: none) at _NAME_MIN?"""
    from rich.cells import cell_len

    widths = [max(cell_len(heading), *(cell_len(row[i]) for row in cells)) for i, heading in enumerate(headings)]
    if flexible >= 0:
        widths[flexible] = min(widths[flexible], _NAME_MIN)
    return sum(widths) + 3 * len(widths) - 1 <= console.width


def _table(headings: Sequence[str], names_at: int = -1) -> Table:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, show_edge=False)
    for index, heading in enumerate(headings):
        if index == names_at:
            table.add_column(heading, ratio=1, min_width=_NAME_MIN, overflow="fold")
        else:
            table.add_column(heading, justify="right" if index else "left", no_wrap=True)
    return table


def _note(console: Console, text: str) -> None:
    from rich.text import Text

    console.print(Text(visible(text), style=DIM))


def draw_products(console: Console, products: Products, *, top: bool = False) -> None:
    if not products.lines:
        return
    if products.year is None:
        _draw_years(console, products)
    else:
        _draw_ranking(console, products, top=top)
    _draw_notes(console, products, top=top)
    console.print()


def growth_text(line: ProductLine) -> str:
    """The change from the year before in percent ("+87.6%", "new" from $0, "" with no figure before)."""
    return change_percent(line.value, line.previous.fact.value if line.previous else None)


def _ranking_cells(line: ProductLine) -> list[str]:
    """Category (name and code), the year, the year before, the change, the share; in rank order, so no rank."""
    before = dollars(line.previous.fact.value) if line.previous else ""
    name = f"{visible(line.category.name)} {line.category.code}"
    return [name, dollars(line.value), before, growth_text(line), percent(line.share)]


def _draw_ranking(console: Console, products: Products, *, top: bool) -> None:
    from rich.text import Text

    year = products.year or 0
    title = "Largest U.S. imports from Colombia" if top else "U.S. imports from Colombia by end-use category"
    console.print(Text(f"{title}, {year} (Census Bureau)", style="bold"))
    headings = ("Category", str(year), str(year - 1), "Change", "Share")
    cells = [_ranking_cells(line) for line in products.lines]
    if _fits(console, cells, headings, 0):
        table = _table(headings, names_at=0)
        for line, shown in zip(products.lines, cells, strict=True):
            name = Text(visible(line.category.name)) + Text(f" {line.category.code}", style=DIM)
            table.add_row(name, Text(shown[1], style=FIGURE_STYLE), *shown[2:])
        console.print(table)
        return
    for line, shown in zip(products.lines, cells, strict=True):  # narrow: a block per category
        share = f": {shown[4]} of {year}" if shown[4] else ""
        name = Text(visible(line.category.name), style="bold")
        console.print(name + Text(f" {line.category.code}{share}", style=DIM))
        console.print(Text(f"  {year} ") + Text(shown[1], style=FIGURE_STYLE) + Text(f"  {shown[3]}".rstrip()))
        if shown[2]:
            console.print(Text(f"  {year - 1} {shown[2]}", style=DIM))


def _year_cells(line: ProductLine) -> list[str]:
    change = dollars(line.change, sign=True) if line.change is not None else ""
    return [str(line.year), dollars(line.value), change, growth_text(line), percent(line.share), str(line.rank)]


def _draw_years(console: Console, products: Products) -> None:
    from rich.text import Text

    headings = ("Year", "Imports", "Change", "%", "Share", "Rank")
    for position, found in enumerate(products.categories):
        lines = [line for line in products.lines if line.category == found]
        if position:
            console.print()
        head = Text(visible(found.name), style="bold") + Text(f"  end-use {found.code} · ", style=DIM)
        console.print(head + Text(visible(found.measure.id), style=ID_STYLE))
        cells = [_year_cells(line) for line in lines]
        if _fits(console, cells, headings, -1):
            table = _table(headings)
            for shown in cells:
                table.add_row(shown[0], Text(shown[1], style=FIGURE_STYLE), *shown[2:])
            console.print(table)
            continue
        for shown in cells:  # narrow: a block per year
            figure = Text(shown[1], style=FIGURE_STYLE)
            console.print(Text(f"  {shown[0]} ") + figure + Text(f"  {shown[4]} #{shown[5]}"))
            if shown[2]:
                console.print(Text(f"       {shown[2]}" + (f" ({shown[3]})" if shown[3] else ""), style=DIM))


def _draw_notes(console: Console, products: Products, *, top: bool) -> None:
    """What the share is of, the releases, and where to go next."""
    releases = {(line.of.source.id, line.year): line.of for line in products.lines}
    if products.year is not None:
        for of in sorted(releases.values(), key=lambda of: of.source.id):
            counted = plural(of.categories, "category", "categories")
            _note(console, f"Share: of {dollars(of.total)}, the sum of all {counted} of {products.year} in the "
                  f"release {source_label(of.source)}.")  # fmt: skip
        total = max(of.categories for of in releases.values())
        if top:
            _note(console, f"The {len(products.lines)} largest of {total} end-use categories: usco products lists "
                  "them all, usco products coffee shows one year by year.")  # fmt: skip
        else:
            _note(console, f"Change: {products.year} against {products.year - 1} · "
                  "usco products WORD shows a category year by year (usco products coffee).")  # fmt: skip
        return
    years: dict[str, list[int]] = {}
    for line in products.lines:
        years.setdefault(line.row.source.id, []).append(line.year)
    names = "; ".join(f"{source_label(source)} ({_span(years[source.id])})" for source in products.sources)
    _note(console, f"Releases: {names}")
    _note(console, "Share: of the sum of all categories of the figure's release for that year; "
          "Rank (#): the category's place among them.")  # fmt: skip


def _span(years: list[int]) -> str:
    """ "2014–2015", "2016", or "2014, 2016–2017" for the years a release gives."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{run[0]}–{run[-1]}" if len(run) > 1 else str(run[0]) for run in runs)
