"""The usco command line: options, one error boundary, load -> query -> render."""

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from usco import __version__, dataset, query, render
from usco.model import Dataset, DatasetError, PartialDate, Topic, UscoError
from usco.query import Filters, View
from usco.render import OutputFormat

# Typer evaluates these annotations at run time, so Optional stays (not `X | None`) for 3.10.
# ruff: noqa: UP045

_APP_SETTINGS: dict[str, Any] = dict(
    name="usco",
    help=(
        "Sourced facts about United States–Colombia relations: aid, trade, milestones, "
        "security and migration, each figure with its source and date.\n\n"
        "\b\nExamples:\n  usco aid --since 2016\n  usco trade -f json | jq '.[].text'\n"
        "  usco show covid-assistance-2020\n  usco check"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help and errors: no boxes, nothing in a docstring read as markup
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)
app = typer.Typer(**_APP_SETTINGS)


def _date(text: str) -> PartialDate:
    try:
        return PartialDate.parse(text)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


# ---------------------------------------------------------------- shared options

Since = Annotated[
    Optional[PartialDate],
    typer.Option(parser=_date, metavar="DATE", help="Facts dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD)."),
]
Until = Annotated[
    Optional[PartialDate],
    typer.Option(parser=_date, metavar="DATE", help="Facts dated on or before the end of DATE."),
]
TopicOpt = Annotated[Optional[list[Topic]], typer.Option("--topic", help="Only this topic (repeatable).")]
TagOpt = Annotated[Optional[list[str]], typer.Option("--tag", help="Only facts with this tag (repeatable).")]
SourceOpt = Annotated[
    Optional[list[str]], typer.Option("--source", help="Only facts from this source id (repeatable).")
]
MeasureOpt = Annotated[Optional[list[str]], typer.Option("--measure", help="Only facts of this measure (repeatable).")]
AsOf = Annotated[
    Optional[PartialDate],
    typer.Option(parser=_date, metavar="DATE", help="The record as it stood on DATE: later sources are ignored."),
]
History = Annotated[bool, typer.Option("--history", help="Show every version of revised figures, oldest first.")]
Latest = Annotated[bool, typer.Option("--latest", help="For each measure, only its most recent period.")]
Format = Annotated[
    Optional[OutputFormat],
    typer.Option("--format", "-f", help="Output format [default: table on a terminal, tsv when piped]."),
]
NoHeader = Annotated[bool, typer.Option("--no-header", help="Leave out the header row of csv and tsv.")]


# ---------------------------------------------------------------- the one error boundary


def _fail(message: str, code: int = 1) -> typer.Exit:
    print(f"usco: {message}", file=sys.stderr)
    return typer.Exit(code)


def _run(ctx: typer.Context, produce: Callable[[Dataset], str], *, empty_note: str | None = None) -> None:
    """Load the dataset, produce output, write it; turn usco's errors into a message and exit code."""
    root = ctx.find_root().params
    path = dataset.resolve_path(root.get("data"))
    try:
        output = produce(dataset.load(path, use_cache=not root.get("no_cache")))
    except DatasetError as error:
        if error.problems[0].where == "file":  # unreadable, or not TOML at all: one line says it
            raise _fail(f"cannot use dataset {error}") from None
        more = len(error.problems) - 1
        also = f" (and {more} more)" if more else ""
        raise _fail(f"invalid dataset: {error}{also}\n  run `usco check {path}` to list every problem") from None
    except UscoError as error:
        raise _fail(str(error)) from None
    if not output and empty_note:
        print(f"usco: {empty_note}", file=sys.stderr)
    _write(output)


def _run_selection(
    ctx: typer.Context,
    filters: Filters,
    view: View,
    then: Callable[[query.Selection], str],
    *,
    empty_note: str | None = None,
) -> None:
    """_run for the commands that start from the facts a view and filters select."""
    _run(ctx, lambda data: then(query.select(data, filters=filters, view=view)), empty_note=empty_note)


def _write(text: str) -> None:
    try:
        sys.stdout.write(text)
        sys.stdout.flush()
    except BrokenPipeError:
        # The reader stopped (`usco facts | head -1`): nothing went wrong. Point stdout at
        # /dev/null so the interpreter's final flush does not complain.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        raise typer.Exit(0) from None


def _is_utf8(stream: Any) -> bool:
    return (getattr(stream, "encoding", None) or "").lower().replace("-", "") == "utf8"


def _format(fmt: OutputFormat | None) -> OutputFormat:
    if fmt is not None:
        return fmt
    return OutputFormat.TABLE if sys.stdout.isatty() else OutputFormat.TSV


def _render(listing: render.Listing, fmt: OutputFormat | None, no_header: bool) -> str:
    """The one place listings become text: format default, header, and JSON safe for the stream."""
    return render.render(listing, _format(fmt), header=not no_header, ascii_only=not _is_utf8(sys.stdout))


def _filters(
    since: PartialDate | None = None,
    until: PartialDate | None = None,
    topics: list[Topic] | None = None,
    tags: list[str] | None = None,
    sources: list[str] | None = None,
    measures: list[str] | None = None,
    words: list[str] | None = None,
) -> Filters:
    try:
        return Filters(
            since=since,
            until=until,
            topics=tuple(topics or ()),
            tags=tuple(tags or ()),
            sources=tuple(sources or ()),
            measures=tuple(measures or ()),
            words=tuple(words or ()),
        )
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


def _list_facts(
    ctx: typer.Context,
    filters: Filters,
    view: View,
    fmt: OutputFormat | None,
    no_header: bool,
    *,
    timeline: bool = False,
) -> None:
    def produce(selection: query.Selection) -> str:
        listing = render.facts_listing(selection, history=view.history, timeline=timeline)
        return _render(listing, fmt, no_header)

    _run_selection(ctx, filters, view, produce, empty_note="no facts match")


# ---------------------------------------------------------------- global options


def _version(value: bool) -> None:
    if value:
        print(f"usco {__version__}")
        raise typer.Exit()


@app.callback()
def _main(
    data: Annotated[
        Optional[Path],
        typer.Option(
            "--data", envvar=dataset.ENV_VAR, metavar="PATH", help="Use this dataset instead of the shipped one."
        ),
    ] = None,
    no_cache: Annotated[
        bool,
        typer.Option(
            "--no-cache", help="Parse the dataset afresh, without reading or writing the cache (USCO_NO_CACHE=1)."
        ),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Sourced facts about United States–Colombia relations."""


# ---------------------------------------------------------------- listing commands


@app.command()
def aid(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    measure: MeasureOpt = None,
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """Assistance amounts: what the United States gave Colombia, and for what.

    \b
    Examples:
      usco aid --since 2016
      usco aid --latest -f json | jq '.[] | {id, value, qualifier}'
    """
    filters = _filters(since, until, [Topic.AID], tag, source, measure)
    _list_facts(ctx, filters, View(as_of, history, latest), fmt, no_header)


@app.command()
def trade(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    measure: MeasureOpt = None,
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """Trade and investment figures.

    \b
    Examples:
      usco trade
      usco trade --measure two-way-goods-trade -f csv
    """
    filters = _filters(since, until, [Topic.TRADE], tag, source, measure)
    _list_facts(ctx, filters, View(as_of, history, latest), fmt, no_header)


@app.command()
def timeline(
    ctx: typer.Context,
    all_facts: Annotated[bool, typer.Option("--all", help="Every dated fact, not only milestones.")] = False,
    since: Since = None,
    until: Until = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    as_of: AsOf = None,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """What happened when: milestones, oldest first.

    \b
    Examples:
      usco timeline
      usco timeline --all --since 2016
    """
    filters = _filters(since, until, None if all_facts else [Topic.MILESTONE], tag, source)
    _list_facts(ctx, filters, View(as_of), fmt, no_header, timeline=True)


@app.command()
def facts(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    measure: MeasureOpt = None,
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """Every fact, with any filter.

    \b
    Examples:
      usco facts --topic security --since 2019
      usco facts --as-of 2020-09-30 -f jsonl
    """
    filters = _filters(since, until, topic, tag, source, measure)
    _list_facts(ctx, filters, View(as_of, history, latest), fmt, no_header)


@app.command()
def search(
    ctx: typer.Context,
    words: Annotated[list[str], typer.Argument(metavar="QUERY...", help="Words that must all occur.")],
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    measure: MeasureOpt = None,
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """Facts where every word occurs (ignoring case) in the text, id, tags or source title.

    \b
    Examples:
      usco search venezuela humanitarian
      usco search coca --topic security -f json
    """
    filters = _filters(since, until, topic, tag, source, measure, words)
    _list_facts(ctx, filters, View(as_of, history, latest), fmt, no_header)


@app.command()
def show(
    ctx: typer.Context,
    fact_id: Annotated[str, typer.Argument(metavar="ID", help="A fact id, as listed in the ID column.")],
    as_of: AsOf = None,
    fmt: Format = None,
) -> None:
    """One fact in full: figure, period, source, the series it belongs to, its components.

    \b
    Examples:
      usco show covid-assistance-2020
      usco show covid-assistance-2020 -f json | jq .source.url
    """
    chosen = fmt if fmt is not None else OutputFormat.TABLE if sys.stdout.isatty() else None

    def produce(data: Dataset) -> str:
        detail = query.detail(data, fact_id, view=View(as_of))
        return render.render_detail(detail, chosen, ascii_only=not _is_utf8(sys.stdout))

    _run(ctx, produce)


@app.command()
def sources(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    measure: MeasureOpt = None,
    as_of: AsOf = None,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """The documents, newest first, with how many facts each gives.

    \b
    Examples:
      usco sources
      usco sources --topic aid -f json | jq '.[].url'
    """
    filters = _filters(since, until, topic, tag, source, measure)

    def produce(selection: query.Selection) -> str:
        return _render(render.sources_listing(query.source_counts(selection)), fmt, no_header)

    # A source gives its facts whether or not a later document revised them: count all versions.
    _run_selection(ctx, filters, View(as_of, history=True), produce, empty_note="no sources match")


@app.command()
def topics(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    as_of: AsOf = None,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """Topics and how many facts each has.

    \b
    Example:
      usco topics --since 2016
    """
    filters = _filters(since, until, None, tag, source)

    def produce(selection: query.Selection) -> str:
        return _render(render.topics_listing(query.topic_counts(selection)), fmt, no_header)

    _run_selection(ctx, filters, View(as_of), produce, empty_note="no facts match")


@app.command()
def measures(
    ctx: typer.Context,
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    as_of: AsOf = None,
    history: History = False,
    fmt: Format = None,
    no_header: NoHeader = False,
) -> None:
    """The measures (figures tracked over time), with unit, number of periods, first and last.

    \b
    Examples:
      usco measures
      usco facts --measure coca-cultivation --history
    """
    filters = _filters(since, until, topic, tag, source)

    def produce(selection: query.Selection) -> str:
        return _render(render.measures_listing(query.measure_summaries(selection)), fmt, no_header)

    _run_selection(ctx, filters, View(as_of, history), produce, empty_note="no measures match")


@app.command()
def chart(
    ctx: typer.Context,
    measure: Annotated[str, typer.Argument(metavar="MEASURE", help="A measure id, as `usco measures` lists them.")],
    svg: Annotated[Optional[Path], typer.Option("--svg", metavar="FILE", help="Save the chart as SVG.")] = None,
    since: Since = None,
    until: Until = None,
    as_of: AsOf = None,
    history: History = False,
    no_header: NoHeader = False,
) -> None:
    """A measure's series as horizontal bars; piped, its series as TSV.

    \b
    Examples:
      usco chart coca-cultivation
      usco chart venezuelans-in-colombia --svg venezuelans.svg
    """
    from usco import chart as charts
    from usco import chart_view

    filters = _filters(since, until, measures=[measure])

    def produce(selection: query.Selection) -> str:
        found = query.find_measure(selection.dataset, measure)
        series, label = charts.chart_series(selection, found), found.label
        if svg is not None:
            chart_view.save_svg(series, label, svg)
            return ""
        if not sys.stdout.isatty():
            return chart_view.chart_tsv(series, header=not no_header, history=history)
        return chart_view.chart_text(series, label)

    _run_selection(ctx, filters, View(as_of, history), produce)
    if svg is not None:
        print(f"usco: chart saved to {svg}", file=sys.stderr)


export_app = typer.Typer(
    help="Write the facts to files for other tools: SQLite (sqlite3, Datasette) or a Frictionless Data Package.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(export_app, name="export")


@export_app.command("sqlite")
def export_sqlite(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The SQLite database to write.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite FILE if it exists.")] = False,
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    measure: MeasureOpt = None,
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
) -> None:
    """Tables sources, measures and facts in one SQLite file, written atomically.

    \b
    Examples:
      usco export sqlite usco.db && sqlite3 usco.db 'select id, value from facts limit 5'
      usco export sqlite usco.db --force && datasette usco.db
    """
    from usco import export

    filters = _filters(since, until, topic, tag, source, measure)

    def produce(selection: query.Selection) -> str:
        export.export_sqlite(selection, file, force=force)
        return ""

    _run_selection(ctx, filters, View(as_of, history, latest), produce)
    print(f"usco: wrote {file}", file=sys.stderr)


@export_app.command("datapackage")
def export_datapackage(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Directory for the CSV files and datapackage.json.")],
    force: Annotated[bool, typer.Option("--force", help="Overwrite files that exist.")] = False,
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    measure: MeasureOpt = None,
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
) -> None:
    """CSV files plus datapackage.json (a Frictionless Data Package).

    \b
    Examples:
      usco export datapackage usco-data
      frictionless validate usco-data/datapackage.json
    """
    from usco import export

    filters = _filters(since, until, topic, tag, source, measure)

    def produce(selection: query.Selection) -> str:
        paths = export.export_datapackage(selection, directory, force=force)
        return "".join(f"{path}\n" for path in paths)

    _run_selection(ctx, filters, View(as_of, history, latest), produce)


@app.command()
def check(
    ctx: typer.Context,
    path: Annotated[
        Optional[Path], typer.Argument(help="Dataset to check [default: --data, USCO_DATA or the shipped one].")
    ] = None,
) -> None:
    """Validate a dataset: list every problem (exit 1), or print a summary (exit 0).

    \b
    Examples:
      usco check
      usco check my-facts.toml
    """
    target = path or dataset.resolve_path(ctx.find_root().params.get("data"))
    try:
        data = dataset.load(target, use_cache=False)  # check always reads the file itself
    except DatasetError as error:
        _write("".join(f"{error.path}: {problem}\n" for problem in error.problems))
        count = len(error.problems)
        raise _fail(f"{count} problem{'s' if count != 1 else ''} in {error.path}") from None
    first = min(fact.date for fact in data.facts) if data.facts else None
    last = max((fact.end or fact.date for fact in data.facts), key=lambda day: day.last) if data.facts else None
    span = f", {first} to {last}" if first else ""
    _write(
        f"ok: {len(data.facts)} facts, {len(data.sources)} sources, {len(data.measures)} measures{span} ({target})\n"
    )


def _invoked_command(args: list[str]) -> str | None:
    """The subcommand named on the command line, skipping the global options before it."""
    takes_value = {"--data"}
    arguments = iter(args)
    for argument in arguments:
        if argument in takes_value:
            next(arguments, None)
        elif not argument.startswith("-"):
            return argument
    return None


def _tolerate_narrow_encodings() -> None:
    """On an ASCII or Latin-1 stream, write what cannot be encoded as \\uXXXX instead of failing.

    In JSON that escape means the same character, so the output stays valid.
    """
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None and not _is_utf8(stream):
            reconfigure(errors="backslashreplace")


def main() -> None:
    """Run the app; typer itself turns a Ctrl-C inside a command into exit status 130.

    Typer builds every command's parameters before running one (about 0.7 ms each), so
    a call that names a known command gets an app with that command alone. Help, shell
    completion and unknown names see the full app.
    """
    _tolerate_narrow_encodings()
    named = _invoked_command(sys.argv[1:])
    commands = [info for info in app.registered_commands if info.callback and info.callback.__name__ == named]
    if commands and "_USCO_COMPLETE" not in os.environ:
        single = typer.Typer(**_APP_SETTINGS)
        single.registered_callback = app.registered_callback
        single.registered_commands = commands
        single(prog_name="usco")
    else:
        app(prog_name="usco")
