"""The listing commands: aid, trade, timeline, facts and search.

Each reads straight down inside `with boundary():`: load, select, render, write.
"""

from collections.abc import Sequence
from typing import Annotated, Any, Optional

import typer

from usco.cli.boundary import boundary, emit, output_format
from usco.cli.options import (
    AsOf,
    Columns,
    Format,
    History,
    Latest,
    Limit,
    MeasureOpt,
    NoHeader,
    RegionalOpt,
    Since,
    SourceKindOpt,
    SourceOpt,
    TagOpt,
    TopicOpt,
    Until,
    filters_from,
    load_data,
)
from usco.model import Topic
from usco.query.select import Filters, View
from usco.render.formats import OutputFormat

# Typer evaluates these annotations at run time, so Optional stays (not `X | None`) for 3.10.
# ruff: noqa: UP045

#: The commands of this module; usco.cli.app adds them to the root app (see COMMAND_HOMES there).
commands = typer.Typer()


AID_SERIES = ("aid-obligations", "aid-disbursements", "aid-appropriated-planned", "aid-budget-requests")


TRADE_SERIES = ("us-goods-exports", "us-goods-imports")


def _annual(
    ctx: typer.Context, measures: Sequence[str], filters: Filters, view: View, fmt: Optional[OutputFormat], **out: Any
) -> None:
    """aid and trade: on a terminal the annual series table first, then every other figure."""
    with boundary():
        data = load_data(ctx)
        selection = data.select(filters=filters, view=view)
        if output_format(fmt) is not OutputFormat.TABLE:
            from usco.render.listings import facts_listing

            emit(facts_listing(selection, history=view.history), fmt, **out)
            return
        from usco.query import summaries
        from usco.render.listings import facts_listing, series_listing

        known = [data.dataset.measures[key] for key in measures if key in data.dataset.measures]
        chosen = {measure.id for measure in known}
        table = summaries.series(selection, known, history=view.history)
        others = selection._replace(rows=tuple(row for row in selection.rows if row.fact.measure not in chosen))
        if table.lines:
            emit(series_listing(table), fmt)
        emit(
            facts_listing(others, history=view.history),
            fmt,
            empty="no other facts match" if table.lines else "no facts match",
        )


@commands.command(short_help="Aid to Colombia: the annual series, then other figures.")
def aid(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    source_kind: SourceKindOpt = None,
    measure: MeasureOpt = None,
    regional: RegionalOpt = False,
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
    limit: Limit = None,
    columns: Columns = None,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """Assistance to Colombia: the annual series (obligations, disbursements, appropriations,
    requests), then every other figure.

    \b
    Examples:
      usco aid --since 2016
      usco aid --latest -f json | jq '.[] | {id, value, status}'
      usco aid --regional --source-kind government
    """
    filters = filters_from(
        since=since, until=until, topics=[Topic.AID], tags=tag, sources=source, source_kinds=source_kind,
        measures=measure,
    )._replace(regional=regional)  # fmt: skip
    view = View(as_of=as_of, history=history, latest=latest, limit=limit)
    _annual(ctx, AID_SERIES, filters, view, fmt, no_header=no_header, columns=columns)


@commands.command(short_help="Trade: goods exports and imports, then other figures.")
def trade(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    source_kind: SourceKindOpt = None,
    measure: MeasureOpt = None,
    regional: RegionalOpt = False,
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
    limit: Limit = None,
    columns: Columns = None,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """Trade and investment: U.S. goods exports and imports each year, then every other figure.

    \b
    Examples:
      usco trade --since 2010
      usco trade --measure us-goods-exports --history -f csv
    """
    filters = filters_from(
        since=since, until=until, topics=[Topic.TRADE], tags=tag, sources=source, source_kinds=source_kind,
        measures=measure,
    )._replace(regional=regional)  # fmt: skip
    view = View(as_of=as_of, history=history, latest=latest, limit=limit)
    _annual(ctx, TRADE_SERIES, filters, view, fmt, no_header=no_header, columns=columns)


@commands.command(short_help="Milestones, oldest first, each with its source.")
def timeline(
    ctx: typer.Context,
    all_facts: Annotated[bool, typer.Option("--all", help="Every dated fact, not only milestones.")] = False,
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    source_kind: SourceKindOpt = None,
    measure: MeasureOpt = None,
    regional: RegionalOpt = False,  # accepted everywhere (design §3); this lists regional figures anyway
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
    limit: Limit = None,
    columns: Columns = None,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """What happened when: milestones, oldest first, each with its source (--topic or --all for others).

    \b
    Examples:
      usco timeline --since 2025
      usco timeline --all --since 2016
      usco timeline --topic security --since 2019
    """
    from usco.render.listings import facts_listing

    topics = topic or (None if all_facts else [Topic.MILESTONE])
    filters = filters_from(
        since=since, until=until, topics=topics, tags=tag, sources=source, source_kinds=source_kind, measures=measure
    )
    view = View(as_of=as_of, history=history, latest=latest, limit=limit)
    with boundary():
        selection = load_data(ctx).select(filters=filters, view=view)
        listing = facts_listing(selection, timeline=True)
        emit(listing, fmt, no_header=no_header, columns=columns, empty="no events match")


@commands.command(short_help="Every fact, with any filter.")
def facts(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    source_kind: SourceKindOpt = None,
    measure: MeasureOpt = None,
    regional: RegionalOpt = False,  # accepted everywhere (design §3); this lists regional figures anyway
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
    limit: Limit = None,
    columns: Columns = None,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """Every fact, with any filter (regional figures included).

    \b
    Examples:
      usco facts --topic security --since 2019
      usco facts --source-kind government --since 2025
      usco facts --measure aid-obligations --since 2020 --until 2020 --history
    """
    from usco.render.listings import facts_listing

    filters = filters_from(
        since=since, until=until, topics=topic, tags=tag, sources=source, source_kinds=source_kind, measures=measure
    )
    view = View(as_of=as_of, history=history, latest=latest, limit=limit)
    with boundary():
        selection = load_data(ctx).select(filters=filters, view=view)
        emit(facts_listing(selection, history=history), fmt, no_header=no_header, columns=columns,
              empty="no facts match")  # fmt: skip


@commands.command(short_help="Facts that match every word of a query.")
def search(
    ctx: typer.Context,
    words: Annotated[list[str], typer.Argument(metavar="QUERY...", help="Words that must all match.")],
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    source_kind: SourceKindOpt = None,
    measure: MeasureOpt = None,
    regional: RegionalOpt = False,  # accepted everywhere (design §3); this lists regional figures anyway
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
    limit: Limit = None,
    columns: Columns = None,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """Facts where every word starts a word of the text, id, tags, source title or figure.

    \b
    Examples:
      usco search venezuela humanitarian
      usco search 344          (finds "more than $344 million")
      usco search coca --topic security -f json
    """
    from usco.render.listings import facts_listing

    filters = filters_from(
        since=since, until=until, topics=topic, tags=tag, sources=source, source_kinds=source_kind,
        measures=measure, words=words,
    )  # fmt: skip
    view = View(as_of=as_of, history=history, latest=latest, limit=limit)
    with boundary():
        selection = load_data(ctx).select(filters=filters, view=view)
        emit(facts_listing(selection, history=history), fmt, no_header=no_header, columns=columns,
              empty="no facts match")  # fmt: skip
