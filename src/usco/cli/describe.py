"""The commands that describe one thing in depth or the dataset as a whole.

show, series, sources, topics, tags, measures and chart. usco.cli.app imports this module
only when one of them is named, or for help and completion (see usco.cli.app.COMMAND_HOMES).
"""

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from usco.cli.boundary import boundary, is_utf8, output_format, say, write
from usco.cli.options import LISTING, Options, completer, listing_options, load_data
from usco.query import select as query
from usco.render.formats import OutputFormat

# Typer evaluates these annotations at run time, so Optional stays (not `X | None`) for 3.10.
# ruff: noqa: UP045

#: The commands of this module; usco.cli.app adds them to the root app (see COMMAND_HOMES there).
commands = typer.Typer()


@commands.command(short_help="One fact in full: figure, period, source, versions.")
@listing_options("as_of", "fmt")
def show(
    ctx: typer.Context,
    fact_id: Annotated[
        str,
        typer.Argument(metavar="ID", help="A fact id, as listed in the ID column.", autocompletion=completer("fact")),
    ],
    options: Options,
) -> None:
    """One fact in full: figure, period, status, source (kind, date, URL, copy), versions, components.

    On a terminal, a fact of a long series (an official release's figure) shows every
    version of its own period and the current figures of a dozen periods around it, with
    the command that lists the rest; -f json and piped output give the whole series.

    \b
    Examples:
      usco show covid-assistance-2020
      usco show fa-2025-04-02-obligations-fy2020
      usco show covid-assistance-2020 -f json | jq .source.url
    """
    from usco.render.formats import render_detail

    with boundary():
        detail = load_data(ctx).fact(fact_id, as_of=options.view.as_of)
        write(render_detail(detail, output_format(options.fmt), ascii_only=not is_utf8(sys.stdout)))


@commands.command("series", short_help="One row per period, one column per measure.")
@listing_options("since", "until", "as_of", "history", "columns", "fmt", "no_header")
def series_command(
    ctx: typer.Context,
    measures: Annotated[
        list[str],
        typer.Argument(
            metavar="MEASURE...", help="Measure ids (`usco measures`).", autocompletion=completer("measure")
        ),
    ],
    wide: Annotated[
        bool,
        typer.Option(
            "--wide",
            help="csv, tsv, json, jsonl: one row per period, a value and a status column per measure "
            "(the table and markdown are always wide).",
        ),
    ] = False,
    *,
    options: Options,
) -> None:
    """One row per period, one column per measure: "how much, each year".

    On a terminal every figure of a column is written the same way (whole dollars for
    dollars: "$251,400,000", never "$251.4 million"), non-final figures carry a mark
    explained under the table ("$447,245,358*" and "* provisional: ..."), and the releases
    are named. Machine formats give one figure a line with its status and source; with
    --wide, one row per period, a value and a status column per measure, raw numbers: the
    grid a spreadsheet wants.

    \b
    Examples:
      usco series aid-obligations aid-disbursements --since 2016
      usco series aid-obligations aid-disbursements --wide -f csv > aid.csv
      usco series us-goods-exports us-goods-imports --history
      usco series aid-obligations --as-of 2023-01-01 -f csv
    """
    from usco.render.listings import series_listing

    since, until, view = options.filters.since, options.filters.until, options.view
    with boundary():
        table = load_data(ctx).series(*measures, since=since, until=until, as_of=view.as_of, history=view.history)
        options.emit(series_listing(table, wide=wide, history=view.history), empty="no figures match")


@commands.command(short_help="The documents, newest first, with their kind.")
@listing_options(  # --regional is accepted everywhere (design §3); regional figures are counted anyway
    *LISTING, help_for={"history": "Count every version of revised figures (always: a source gives them)."}
)
def sources(ctx: typer.Context, options: Options) -> None:
    """The documents, newest first, with their kind and how many facts each gives.

    \b
    Examples:
      usco sources --source-kind government
      usco sources --topic aid -f json | jq '.[].url'
    """
    from usco.query import summaries
    from usco.render.listings import sources_listing

    # A source gives its facts whether or not a later document revised them: count all versions.
    view = options.view._replace(history=True, limit=None)  # --limit cuts the list of sources
    with boundary():
        counts = summaries.source_counts(load_data(ctx).select(filters=options.filters, view=view))
        options.emit(sources_listing(counts[: options.view.limit]), empty="no sources match")


@commands.command(short_help="Topics and how many facts each has.")
@listing_options(*LISTING)  # --regional is accepted everywhere (design §3); regional figures are counted anyway
def topics(ctx: typer.Context, options: Options) -> None:
    """Topics and how many current facts each has.

    \b
    Example:
      usco topics --since 2016
    """
    from usco.query import summaries
    from usco.render.listings import topics_listing

    view = options.view._replace(limit=None)  # --limit cuts the list of counts
    with boundary():
        counts = summaries.topic_counts(load_data(ctx).select(filters=options.filters, view=view))
        options.emit(topics_listing(counts[: options.view.limit]), empty="no facts match")


@commands.command(short_help="Tags and how many facts carry each.")
@listing_options(*LISTING)  # --regional is accepted everywhere (design §3); regional figures are counted anyway
def tags(ctx: typer.Context, options: Options) -> None:
    """Tags and how many current facts carry each, most used first.

    \b
    Examples:
      usco tags --topic security
      usco facts --tag covid
    """
    from usco.query import summaries
    from usco.render.listings import tags_listing

    view = options.view._replace(limit=None)  # --limit cuts the list of counts
    with boundary():
        counts = summaries.tag_counts(load_data(ctx).select(filters=options.filters, view=view))
        options.emit(tags_listing(counts[: options.view.limit]), empty="no tags match")


@commands.command(short_help="The measures: unit, period kind, first and last.")
@listing_options(*LISTING)  # --regional is accepted everywhere (design §3); regional figures are counted anyway
def measures(ctx: typer.Context, options: Options) -> None:
    """The measures (figures tracked over time): label, unit, period kind, periods, first and last.

    \b
    Examples:
      usco measures --topic aid
      usco series aid-obligations
    """
    from usco.query import summaries
    from usco.render.listings import measures_listing

    view = options.view._replace(limit=None)  # --limit cuts the list of counts
    with boundary():
        counts = summaries.measure_summaries(load_data(ctx).select(filters=options.filters, view=view))
        options.emit(measures_listing(counts[: options.view.limit]), empty="no measures match")


@commands.command(short_help="A measure's series as a bar chart (or an SVG file).")
@listing_options("force", "since", "until", "as_of", "history", "fmt", "no_header")
def chart(
    ctx: typer.Context,
    measure: Annotated[
        str,
        typer.Argument(metavar="MEASURE", help="A measure id (`usco measures`).", autocompletion=completer("measure")),
    ],
    svg: Annotated[Optional[Path], typer.Option("--svg", metavar="FILE", help="Save the chart as SVG.")] = None,
    *,
    options: Options,
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

    filters = options.filters._replace(measures=(measure,))
    with boundary():
        data = load_data(ctx)
        found = query.find_measure(data.dataset, measure)
        series = charts.chart_series(data.select(filters=filters, view=options.view), found)
        if svg is not None:
            chart_view.save_svg(series, found.label, svg, force=options.force)
            say(f"chart saved to {svg}")
            return
        if output_format(options.fmt) is OutputFormat.TABLE:
            write(chart_view.chart_text(series, found.label))
        else:
            options.emit(chart_view.chart_listing(series, history=options.view.history))
