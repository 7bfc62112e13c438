"""`usco products`: what U.S. imports from Colombia are made of (design §3), from the end-use series.

The ranking and the shares are the library's (usco.api.Data.products, usco.query.products);
the drawing is usco.render.products. usco.cli.app imports this module only when `products`
is named, or for help and completion.
"""

from typing import Annotated, Optional

import typer

from usco.cli.boundary import boundary
from usco.cli.options import Options, listing_options, load_data

# Typer evaluates these annotations at run time, so Optional stays (not `X | None`) for 3.10.
# ruff: noqa: UP045

#: The commands of this module; usco.cli.app adds them to the root app (see COMMAND_HOMES there).
commands = typer.Typer()

_HELP = {
    "since": "Only years from DATE on (without WORDS: rank the newest of them).",
    "until": "Only years to DATE (without WORDS: rank the newest of them, e.g. --until 2020).",
    "limit": "Keep the first N rows (without WORDS: the N largest categories).",
}


@commands.command(short_help="What imports from Colombia are made of, by end-use category.")
@listing_options("since", "until", "as_of", "limit", "columns", "fmt", "no_header", help_for=_HELP)
def products(
    ctx: typer.Context,
    words: Annotated[
        Optional[list[str]],
        typer.Argument(metavar="[WORDS]...", help="Words a category's name, code or common names start with."),
    ] = None,
    *,
    options: Options,
) -> None:
    """What U.S. imports from Colombia are made of: the Census Bureau's end-use categories.

    Without WORDS, the newest year's categories ranked by value, with the year before, the
    change, and each one's share: of the sum of all categories of the same release for that
    year (which is that release's total of imports from Colombia). With WORDS, the categories
    whose name, code or common names start with every word, year by year. Common names are
    tags the importer adds where the official name lacks them: oil and petroleum (crude oil),
    flowers and cut-flowers ("Nursery stock, etc."), coffee, gold. Words that match nothing
    give an empty result (exit 0) and, on a terminal, a note with the closest word.

    \b
    Examples:
      usco products
      usco products --limit 10 --until 2020
      usco products coffee
      usco products "crude oil" -f csv
      usco products flowers --as-of 2025-01-01
    """
    from usco.render.products import products_listing

    filters, view = options.filters, options.view
    with boundary():
        data = load_data(ctx)
        found = data.products(*(words or ()), since=filters.since, until=filters.until, as_of=view.as_of,
                              limit=view.limit)  # fmt: skip
        if not found.known and view.as_of is not None:
            empty = f"no end-use figures were published by {view.as_of}"
        elif not found.known:
            empty = "no end-use figures in this dataset (usco import census-enduse-imports adds them)"
        elif words and not found.categories:
            empty = f"no end-use category matches {' '.join(words)!r}{found.unmatched or ' (usco products lists them)'}"
        else:
            empty = "no end-use figures match"
        options.emit(products_listing(found), empty=empty)
