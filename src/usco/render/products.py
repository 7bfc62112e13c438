"""`usco products` as a Listing: one record per category and year, for every format (design §3, §4).

Machine formats carry raw numbers: the figure and the year before in whole dollars, the
change in dollars, the share as a fraction of `release_total` (the sum of the release's
`release_categories` categories for that year). The table and markdown write them for
people; the Rich view is usco.render.products_view, imported only when a table is drawn.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from usco.render.listings import Listing
from usco.text import change_percent, date_text, percent, whole_dollars

if TYPE_CHECKING:
    from usco.query.products import ProductLine, Products

PRODUCT_COLUMNS = ("year", "rank", "code", "category", "value", "unit", "previous", "change", "share",
                   "release_total", "release_categories", "measure", "fact_id", "source_id", "source_date")  # fmt: skip


def _record(line: ProductLine) -> tuple[Any, ...]:
    row = line.row
    return (line.year, line.rank, line.category.code, line.category.name, row.fact.value, row.fact.unit,
            line.previous.fact.value if line.previous else None, line.change, line.share, line.of.total,
            line.of.categories, line.category.measure.id, row.fact.id, row.source.id,
            date_text(row.source.date))  # fmt: skip


def products_listing(products: Products, *, top: bool = False) -> Listing:
    """*products* in every shape; *top*: the short list `usco trade` shows after its annual table."""
    records = [_record(line) for line in products.lines]
    objects = [dict(zip(PRODUCT_COLUMNS, record, strict=True)) for record in records]

    def markdown() -> tuple[tuple[str, ...], list[tuple[Any, ...]]]:
        header = ("year", "rank", "category", "code", "imports", "year before", "change", "share of the release")
        rows = []
        for line in products.lines:
            before = line.previous.fact.value if line.previous else None
            rows.append((line.year, line.rank, line.category.name, line.category.code, whole_dollars(line.value),
                         whole_dollars(before), change_percent(line.value, before), percent(line.share)))  # fmt: skip
        return header, rows

    def draw(console: Any) -> None:
        from usco.render import products_view

        products_view.draw_products(console, products, top=top)

    return Listing(PRODUCT_COLUMNS, records, objects, draw=draw, markdown=markdown)
