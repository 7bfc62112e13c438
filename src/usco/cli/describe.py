"""The commands that describe one thing in depth or the dataset as a whole.

show, series, sources, topics, tags, measures and chart. usco.cli.app imports this module
only when one of them is named, or for help and completion (see usco.cli.app.COMMAND_HOMES).
"""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from usco.cli.boundary import boundary, emit, is_utf8, output_format, say, write
from usco.cli.options import (
    AsOf,
    Columns,
    Force,
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
    completer,
    filters_from,
    load_data,
)
from usco.query import select as query
from usco.query.select import View
from usco.render.formats import OutputFormat

# Typer evaluates these annotations at run time, so Optional stays (not `X | None`) for 3.10.
# ruff: noqa: UP045

#: The commands of this module; usco.cli.app adds them to the root app (see COMMAND_HOMES there).
commands = typer.Typer()


@commands.command(short_help="One fact in full: figure, period, source, versions.")
def show(
    ctx: typer.Context,
    fact_id: Annotated[
        str,
        typer.Argument(metavar="ID", help="A fact id, as listed in the ID column.", autocompletion=completer("fact")),
    ],
    as_of: AsOf = None,
    fmt: Format = None,
) -> None:
    """One fact in full: figure, period, status, source (kind, date, URL, copy), versions, components.

    \b
    Examples:
      usco show covid-assistance-2020
      usco show covid-assistance-2020 -f json | jq .source.url
    """
    from usco.render.formats import render_detail

    with boundary():
        detail = load_data(ctx).fact(fact_id, as_of=as_of)
        write(render_detail(detail, output_format(fmt), ascii_only=not is_utf8(sys.stdout)))


@commands.command("series", short_help="One row per period, one column per measure.")
def series_command(
    ctx: typer.Context,
    measures: Annotated[
        list[str],
        typer.Argument(
            metavar="MEASURE...", help="Measure ids (`usco measures`).", autocompletion=completer("measure")
        ),
    ],
    since: Since = None,
    until: Until = None,
    as_of: AsOf = None,
    history: History = False,
    columns: Columns = None,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """One row per period, one column per measure: "how much, each year".

    Non-final figures are marked (partial, provisional, planned); the releases are named.
    Machine formats give one figure a line with its status and source.

    \b
    Examples:
      usco series aid-obligations aid-disbursements --since 2016
      usco series us-goods-exports us-goods-imports --history
      usco series aid-obligations --as-of 2023-01-01 -f csv
    """
    from usco.render.listings import series_listing

    with boundary():
        table = load_data(ctx).series(*measures, since=since, until=until, as_of=as_of, history=history)
        emit(series_listing(table), fmt, no_header=no_header, columns=columns, empty="no figures match")


@commands.command(short_help="The documents, newest first, with their kind.")
def sources(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    source_kind: SourceKindOpt = None,
    measure: MeasureOpt = None,
    regional: RegionalOpt = False,  # accepted everywhere (design §3); regional figures are counted anyway
    as_of: AsOf = None,
    history: Annotated[
        bool, typer.Option("--history", help="Count every version of revised figures (always: a source gives them).")
    ] = False,
    latest: Latest = False,
    limit: Limit = None,
    columns: Columns = None,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """The documents, newest first, with their kind and how many facts each gives.

    \b
    Examples:
      usco sources --source-kind government
      usco sources --topic aid -f json | jq '.[].url'
    """
    from usco.query import summaries
    from usco.render.listings import sources_listing

    filters = filters_from(
        since=since, until=until, topics=topic, tags=tag, sources=source, source_kinds=source_kind, measures=measure
    )
    with boundary():
        # A source gives its facts whether or not a later document revised them: count all versions.
        selection = load_data(ctx).select(filters=filters, view=View(as_of=as_of, history=True, latest=latest))
        counts = summaries.source_counts(selection)
        counts = counts[:limit] if limit is not None else counts
        emit(sources_listing(counts), fmt, no_header=no_header, columns=columns, empty="no sources match")


@commands.command(short_help="Topics and how many facts each has.")
def topics(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    source_kind: SourceKindOpt = None,
    measure: MeasureOpt = None,
    regional: RegionalOpt = False,  # accepted everywhere (design §3); regional figures are counted anyway
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
    limit: Limit = None,
    columns: Columns = None,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """Topics and how many current facts each has.

    \b
    Example:
      usco topics --since 2016
    """
    from usco.query import summaries
    from usco.render.listings import topics_listing

    filters = filters_from(
        since=since, until=until, topics=topic, tags=tag, sources=source, source_kinds=source_kind, measures=measure
    )
    with boundary():
        selection = load_data(ctx).select(filters=filters, view=View(as_of=as_of, history=history, latest=latest))
        counts = summaries.topic_counts(selection)
        emit(topics_listing(counts[:limit] if limit is not None else counts), fmt, no_header=no_header,
              columns=columns, empty="no facts match")  # fmt: skip


@commands.command(short_help="Tags and how many facts carry each.")
def tags(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    source_kind: SourceKindOpt = None,
    measure: MeasureOpt = None,
    regional: RegionalOpt = False,  # accepted everywhere (design §3); regional figures are counted anyway
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
    limit: Limit = None,
    columns: Columns = None,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """Tags and how many current facts carry each, most used first.

    \b
    Examples:
      usco tags --topic security
      usco facts --tag covid
    """
    from usco.query import summaries
    from usco.render.listings import tags_listing

    filters = filters_from(
        since=since, until=until, topics=topic, tags=tag, sources=source, source_kinds=source_kind, measures=measure
    )
    with boundary():
        selection = load_data(ctx).select(filters=filters, view=View(as_of=as_of, history=history, latest=latest))
        counts = summaries.tag_counts(selection)
        emit(tags_listing(counts[:limit] if limit is not None else counts), fmt, no_header=no_header,
              columns=columns, empty="no tags match")  # fmt: skip


@commands.command(short_help="The measures: unit, period kind, first and last.")
def measures(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    source_kind: SourceKindOpt = None,
    measure: MeasureOpt = None,
    regional: RegionalOpt = False,  # accepted everywhere (design §3); regional figures are counted anyway
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
    limit: Limit = None,
    columns: Columns = None,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """The measures (figures tracked over time): label, unit, period kind, periods, first and last.

    \b
    Examples:
      usco measures --topic aid
      usco series aid-obligations
    """
    from usco.query import summaries
    from usco.render.listings import measures_listing

    filters = filters_from(
        since=since, until=until, topics=topic, tags=tag, sources=source, source_kinds=source_kind, measures=measure
    )
    with boundary():
        selection = load_data(ctx).select(filters=filters, view=View(as_of=as_of, history=history, latest=latest))
        found = summaries.measure_summaries(selection)
        emit(measures_listing(found[:limit] if limit is not None else found), fmt, no_header=no_header,
              columns=columns, empty="no measures match")  # fmt: skip


@commands.command(short_help="A measure's series as a bar chart (or an SVG file).")
def chart(
    ctx: typer.Context,
    measure: Annotated[
        str,
        typer.Argument(metavar="MEASURE", help="A measure id (`usco measures`).", autocompletion=completer("measure")),
    ],
    svg: Annotated[Optional[Path], typer.Option("--svg", metavar="FILE", help="Save the chart as SVG.")] = None,
    force: Force = False,
    since: Since = None,
    until: Until = None,
    as_of: AsOf = None,
    history: History = False,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """A measure's series as bars on one scale, in time order, gaps shown; -f json|csv|tsv for the data.

    \b
    Examples:
      usco chart coca-cultivation
      usco chart aid-obligations --since 2000
      usco chart venezuelans-in-colombia --svg venezuelans.svg
    """
    from usco.render import chart as charts
    from usco.render import chart_view

    filters = filters_from(since=since, until=until, measures=[measure])
    with boundary():
        data = load_data(ctx)
        found = query.find_measure(data.dataset, measure)
        series = charts.chart_series(data.select(filters=filters, view=View(as_of=as_of, history=history)), found)
        if svg is not None:
            chart_view.save_svg(series, found.label, svg, force=force)
            say(f"chart saved to {svg}")
            return
        chosen = output_format(fmt)
        if chosen is OutputFormat.TABLE:
            write(chart_view.chart_text(series, found.label))
        else:
            emit(chart_view.chart_listing(series, history=history), chosen, no_header=no_header)
