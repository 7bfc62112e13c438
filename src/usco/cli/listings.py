"""The listing commands: aid, trade, timeline, facts and search.

Each takes the shared options as one Options (usco.cli.options.listing_options) and reads
straight down inside `with boundary():`: load, select, render, write.
"""

from collections.abc import Sequence
from typing import Annotated

import typer

from usco.cli.boundary import boundary, emit, output_format
from usco.cli.options import FACT_LISTING, LIMIT_OLDEST, OUTPUT, VIEW, Options, listing_options, load_data
from usco.model import Topic
from usco.render.formats import OutputFormat

#: The commands of this module; usco.cli.app adds them to the root app (see COMMAND_HOMES there).
commands = typer.Typer()


AID_SERIES = ("aid-obligations", "aid-disbursements", "aid-appropriated-planned", "aid-budget-requests")


TRADE_SERIES = ("us-goods-exports", "us-goods-imports")


#: Trade's monthly series: on a terminal `usco trade` names them instead of listing every month
#: (a thousand figures); with --measure, or in a machine format, they are listed like any fact.
TRADE_MONTHLY = ("us-goods-exports-monthly", "us-goods-imports-monthly")


#: aid and trade: a topic of their own, so every shared option but --topic.
ANNUAL = ("since", "until", "tag", "source", "source_kind", "measure", "regional", *VIEW, *OUTPUT, "reverse")

#: --limit's help on every command here: which end it keeps.
HELP = {"limit": LIMIT_OLDEST}


#: How many of the newest year's largest products `usco trade` shows on a terminal (design §4).
TOP_PRODUCTS = 5


def _annual(ctx: typer.Context, topic: Topic, measures: Sequence[str], options: Options,
            named: Sequence[str] = ()) -> None:  # fmt: skip
    """aid and trade: on a terminal the annual series table first, then (trade) the newest year's largest
    products, then every other figure.

    The series *named* (monthly ones) are named on a terminal rather than listed, unless --measure asks for them.
    """
    filters = options.filters._replace(topics=(topic,), regional=options.regional)
    history = options.view.history
    with boundary():
        data = load_data(ctx)
        selection = data.select(filters=filters, view=options.view)
        if output_format(options.fmt) is not OutputFormat.TABLE:
            from usco.render.listings import facts_listing

            options.emit(facts_listing(selection, history=history))
            return
        from usco.query import summaries
        from usco.query.products import is_product
        from usco.render.listings import facts_listing, hint_listing, series_listing

        known = [data.dataset.measures[key] for key in measures if key in data.dataset.measures]
        chosen = {measure.id for measure in known}
        table = summaries.series(selection, known, history=history)
        if options.view.reverse:  # the annual table reads newest first too
            table = table._replace(lines=table.lines[::-1])
        # The end-use categories get a table of their own, unless a --tag, --source or --measure picks some.
        picked = filters.tags or filters.sources or filters.measures
        products = not picked and any(is_product(row.fact.measure) for row in selection.rows)
        left = set() if options.filters.measures else set(named)
        rest = [row for row in selection.rows
                if row.fact.measure not in chosen and row.fact.measure not in left
                and not (products and is_product(row.fact.measure))]  # fmt: skip
        others = selection._replace(rows=tuple(rest))
        if table.lines:  # a table: --columns and --no-header are for the machine formats
            emit(series_listing(table), options.fmt)
        if any(row.fact.measure in left for row in selection.rows):
            emit(hint_listing(f"Each month: usco series {' '.join(named)}"), options.fmt)
        if products:
            from usco.render.products import products_listing

            since, until = options.filters.since, options.filters.until
            top = data.products(since=since, until=until, as_of=options.view.as_of, limit=TOP_PRODUCTS)
            emit(products_listing(top, top=True), options.fmt)
        emit(
            facts_listing(others, history=history),
            options.fmt,
            empty="no other facts match" if table.lines or products else "no facts match",
        )


@commands.command(short_help="Aid to Colombia: the annual series, then other figures.")
@listing_options(*ANNUAL, help_for=HELP)
def aid(ctx: typer.Context, options: Options) -> None:
    """Assistance to Colombia: the annual series (obligations, disbursements, appropriations,
    requests), then every other figure.

    \b
    Examples:
      usco aid --since 2016
      usco aid --since FY2016 --reverse   (fiscal years as tables print them; newest first)
      usco aid --latest -f json | jq '.[] | {id, value, status}'
      usco aid --regional --source-kind government
    """
    _annual(ctx, Topic.AID, AID_SERIES, options)


@commands.command(short_help="Trade: goods exports and imports, then other figures.")
@listing_options(*ANNUAL, help_for=HELP)
def trade(ctx: typer.Context, options: Options) -> None:
    """Trade and investment: U.S. goods exports and imports each year, then every other figure.

    \b
    Examples:
      usco trade --since 2010
      usco trade --measure us-goods-exports --history -f csv
      usco series us-goods-exports-monthly us-goods-imports-monthly --since 2025
    """
    _annual(ctx, Topic.TRADE, TRADE_SERIES, options, named=TRADE_MONTHLY)


@commands.command(short_help="Milestones, oldest first, each with its source.")
# --regional is accepted everywhere (design §3); this lists regional figures anyway
@listing_options(*FACT_LISTING, help_for=HELP)
def timeline(
    ctx: typer.Context,
    all_facts: Annotated[bool, typer.Option("--all", help="Every dated fact, not only milestones.")] = False,
    *,
    options: Options,
) -> None:
    """What happened when: milestones, oldest first, each with its source (--topic or --all for others).

    \b
    Examples:
      usco timeline --since 2025
      usco timeline --reverse --limit 10     (the ten latest, newest first)
      usco timeline --all --since 2016
      usco timeline --topic security --since 2019
    """
    from usco.render.listings import facts_listing

    filters = options.filters
    if not filters.topics and not all_facts:
        filters = filters._replace(topics=(Topic.MILESTONE,))
    with boundary():
        selection = load_data(ctx).select(filters=filters, view=options.view._replace(events_once=True))
        options.emit(facts_listing(selection, timeline=True), empty="no events match")


@commands.command(short_help="Every fact, with any filter.")
# --regional is accepted everywhere (design §3); this lists regional figures anyway
@listing_options(*FACT_LISTING, help_for=HELP)
def facts(ctx: typer.Context, options: Options) -> None:
    """Every fact, with any filter (regional figures included).

    \b
    Examples:
      usco facts --topic security --since 2019
      usco facts --source-kind government --since 2025
      usco facts --measure aid-obligations --since 2020 --until 2020 --history
      usco facts --reverse --limit 5          (the five newest)
      usco facts --columns id,figure,source_url -f csv
    """
    from usco.render.listings import facts_listing

    with boundary():
        selection = load_data(ctx).select(filters=options.filters, view=options.view)
        options.emit(facts_listing(selection, history=options.view.history), empty="no facts match")


@commands.command(short_help="Facts that match every word of a query.")
# --regional is accepted everywhere (design §3); this lists regional figures anyway
@listing_options(*FACT_LISTING, help_for=HELP)
def search(
    ctx: typer.Context,
    words: Annotated[list[str], typer.Argument(metavar="QUERY...", help="Words that must all match.")],
    options: Options,
) -> None:
    """Facts where every word starts a word of the text, id, tags, source title or figure.

    Other forms of a word match too: "removals" finds "removed", "cultivation" finds
    "cultivated". A number matches a figure as shown. On a terminal each fact says which
    fields matched ("matched: text, tags").

    \b
    Examples:
      usco search venezuela humanitarian
      usco search removals     (finds "removed", "removal")
      usco search 344          (finds "more than $344 million")
      usco search coca --topic security -f json
    """
    from usco.render.listings import facts_listing

    filters = options.filters._replace(words=tuple(words))
    with boundary():
        selection = load_data(ctx).select(filters=filters, view=options.view._replace(events_once=True))
        listing = facts_listing(selection, history=options.view.history, search=filters.words)
        options.emit(listing, empty="no facts match")
