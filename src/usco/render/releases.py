"""`usco releases` in every format: one row a release (usco.user.listing)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from usco.render.listings import Listing
from usco.user.listing import COLUMNS, ReleaseRow

if TYPE_CHECKING:
    from rich.console import Console  # noqa: TID251 - a type only; the view draws


def releases_listing(rows: list[ReleaseRow]) -> Listing:
    records = [row.record() for row in rows]
    objects = [dict(zip(COLUMNS, record, strict=True)) for record in records]
    yours = sum(row.origin == "yours" for row in rows)
    caption = f"{len(rows)} releases, {yours} of your own · usco releases -f json for how each was dated"

    def draw(console: Console) -> None:
        from usco.render import summary_view

        summary_view.draw_releases(console, rows, caption)

    return Listing(
        COLUMNS,
        records,
        objects,
        draw=draw,
        markdown=lambda: (COLUMNS[:8], [record[:8] for record in records]),
    )
