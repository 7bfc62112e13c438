"""The usco command line: options, one error boundary, then load -> select -> render -> write.

Each command reads straight down inside `with boundary():`. The work itself is the
library's (usco.api, usco.query, usco.formats); this module only turns options into
arguments and errors into one line on stderr and an exit code (design §5).

The listing commands are here; the others are in usco.cli_describe and usco.cli_files,
which add themselves to `app` when imported: main() imports the one a call names, and
register_every_command() all of them (what help, completion and tests see).
"""

import errno
import importlib
import io
import os
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, NamedTuple, NoReturn, Optional

import typer

from usco import __version__, dataset
from usco.api import Data
from usco.formats import Listing, OutputFormat
from usco.model import (
    DatasetError,
    DatasetReadError,
    PartialDate,
    SourceKind,
    Topic,
    UscoError,
)
from usco.query import Filters, View
from usco.text import visible

# Typer evaluates these annotations at run time, so Optional stays (not `X | None`) for 3.10.
# ruff: noqa: UP045

_APP_SETTINGS: dict[str, Any] = dict(
    name="usco",
    help=(
        "Sourced facts about United States–Colombia relations: aid, trade, milestones, "
        "security and migration, each figure with its source, the source's kind and its date.\n\n"
        "\b\nExamples:\n  usco aid --since 2016\n  usco series aid-obligations aid-disbursements\n"
        "  usco trade -f json | jq '.[].text'\n  usco show covid-assistance-2020\n  usco check"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help and errors: no boxes, nothing in a docstring read as markup
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
app = typer.Typer(**_APP_SETTINGS)

AID_SERIES = ("aid-obligations", "aid-disbursements", "aid-appropriated-planned", "aid-budget-requests")
TRADE_SERIES = ("us-goods-exports", "us-goods-imports")


class Globals(NamedTuple):
    """The options that work before or after any command."""

    data: Optional[str]  # as given: "" is refused by dataset.resolve_path; an empty USCO_DATA is unset
    also: tuple[Path, ...]
    no_cache: bool


# ---------------------------------------------------------------- completion from the dataset


def _completion_data(ctx: Optional[typer.Context] = None) -> Optional[Data]:
    """The dataset a completion reads: --data on the line being completed, else USCO_DATA, else shipped."""
    given = ctx.find_root().params.get("data") if ctx is not None else None
    try:
        path = dataset.resolve_path(given or os.environ.get(dataset.ENV_VAR) or None)
        return Data(dataset.load(path))
    except (UscoError, OSError, ValueError):
        return None


def completer(kind: str):  # type: ignore[no-untyped-def]  # typer inspects the signature
    def complete(ctx: typer.Context, incomplete: str) -> list[str]:
        data = _completion_data(ctx)
        if data is None:
            return []
        names: Sequence[str]
        if kind == "fact":
            names = [fact.id for fact in data.dataset.facts]
        elif kind == "measure":
            names = sorted(data.dataset.measures)
        elif kind == "source":
            names = sorted(data.dataset.sources)
        else:
            names = sorted({tag for fact in data.dataset.facts for tag in fact.tags})
        return [name for name in names if name.startswith(incomplete)]

    return complete


# ---------------------------------------------------------------- shared options


def _date(text: str) -> PartialDate:
    try:
        return PartialDate.parse(text)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


def _columns(text: str) -> list[str]:
    return [name.strip() for name in text.split(",") if name.strip()]


Since = Annotated[
    Optional[PartialDate],
    typer.Option(
        parser=_date, metavar="DATE", help="Facts dated on or after DATE (YYYY, YYYY-MM or YYYY-MM-DD; FY by number)."
    ),
]
Until = Annotated[
    Optional[PartialDate], typer.Option(parser=_date, metavar="DATE", help="Facts dated on or before the end of DATE.")
]
# A topic is a string checked by the library, not a click choice: an unknown one is exit 1 with the
# closest topics suggested, like an unknown tag or measure (design §3, §5), not a usage error.
TopicOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--topic",
        metavar="TOPIC",
        help=f"Only this topic (repeatable): {', '.join(topic.value for topic in Topic)}.",
        autocompletion=lambda incomplete: [topic.value for topic in Topic if topic.value.startswith(incomplete)],
    ),
]
TagOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--tag", metavar="TAG", help="Only facts with this tag (repeatable).", autocompletion=completer("tag")
    ),
]
SourceOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--source",
        metavar="SOURCE",
        help="Only facts from this source id (repeatable).",
        autocompletion=completer("source"),
    ),
]
SourceKindOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--source-kind",
        metavar="KIND",
        help=f"Only facts whose source is of this kind (repeatable): {', '.join(k.value for k in SourceKind)}.",
    ),
]
MeasureOpt = Annotated[
    Optional[list[str]],
    typer.Option(
        "--measure",
        metavar="MEASURE",
        help="Only facts of this measure (repeatable).",
        autocompletion=completer("measure"),
    ),
]
RegionalOpt = Annotated[
    bool, typer.Option("--regional", help="Include figures that cover more countries than Colombia.")
]
AsOf = Annotated[
    Optional[PartialDate],
    typer.Option(parser=_date, metavar="DATE", help="The record as it stood on DATE: later sources are ignored."),
]
History = Annotated[bool, typer.Option("--history", help="Show every version of revised figures, oldest first.")]
Latest = Annotated[
    bool, typer.Option("--latest", help="Per measure, its latest final period (newer partial figures beside it).")
]
Limit = Annotated[Optional[int], typer.Option("--limit", min=0, metavar="N", help="Keep the first N rows.")]
Columns = Annotated[  # one comma-separated string: a list type would make each value a list of lists
    Optional[str],
    typer.Option("--columns", metavar="A,B,C", help="Columns of csv/tsv/markdown, fields of json."),
]
Format = Annotated[
    Optional[OutputFormat],
    typer.Option("--format", "-f", help="Output format [default: table on a terminal, tsv when piped]."),
]
NoHeader = Annotated[bool, typer.Option("--no-header", help="Leave out the header row of csv and tsv.")]
Force = Annotated[bool, typer.Option("--force", help="Replace the file if it exists (only a regular file).")]


# ---------------------------------------------------------------- the one error boundary


def say(message: str, *more: str) -> None:
    """A message on stderr, made safe; nowhere at all if stderr is closed (never into stdout).

    *message* is the first line ("usco: ..."), each of *more* one line after it. Every
    line is escaped whole (text.visible): a newline or escape inside a file name or a
    value is shown, never acted on, and cannot start a line of its own.
    """
    stream = sys.stderr
    if stream is None:
        return
    text = "".join(f"{line}\n" for line in [f"usco: {visible(message)}", *map(visible, more)])
    try:
        stream.write(text)
        stream.flush()
    except (OSError, ValueError):
        pass


def fail(message: str, code: int = 1, *, more: Sequence[str] = ()) -> NoReturn:
    say(message, *more)
    raise typer.Exit(code)


@contextmanager
def boundary() -> Iterator[None]:
    """Turn usco's errors into one line and an exit code; everything else is a bug and propagates."""
    try:
        yield
    except DatasetReadError as error:
        fail(f"cannot use dataset {error}")
    except DatasetError as error:
        more = len(error.problems) - 1
        also = f" (and {more} more)" if more else ""
        say(f"invalid dataset: {error}{also}")  # the hint is a message line of its own
        fail(f"run `usco check {error.path}` to list every problem")
    except UscoError as error:
        fail(str(error))
    except MemoryError:
        fail("out of memory; the dataset or the file is too large for this machine")


def write(text: str, *, code: int = 0) -> None:
    """Write output; a reader that went away is a quiet exit (0, or *code* if that was not success).

    Any other failure (a full disk, a closed or revoked stdout) is one line on stderr and exit 1.
    """
    stream = sys.stdout
    if stream is None:
        fail("cannot write output: standard output is closed")
    try:
        _write_all(stream, text)
    except BrokenPipeError:
        # The reader stopped (`usco facts | head -1`): nothing went wrong. Point stdout at
        # /dev/null so the interpreter's final flush does not complain.
        _silence(stream)
        raise typer.Exit(code) from None
    except (OSError, ValueError) as error:
        _silence(stream)
        fail(f"cannot write output: {getattr(error, 'strerror', None) or error}", max(code, 1))


def _write_all(stream: Any, text: str) -> None:
    """Write *text* to *stream* in full, or raise: every byte to its descriptor, in a loop.

    A text stream's flush can return after a short write (a file-size limit reached
    mid-way) without an error, and the rest is lost at exit; os.write's count is checked.
    A stream without a descriptor (a test runner's) is written as a stream.
    """
    try:
        descriptor = stream.fileno()
    except (OSError, ValueError, AttributeError):
        stream.write(text)
        stream.flush()
        return
    data = memoryview(text.encode(stream.encoding or "utf-8", stream.errors or "strict"))
    stream.flush()  # anything written to the stream before goes first
    while data:
        try:
            written = os.write(descriptor, data)
        except BlockingIOError:  # a non-blocking stdout (some terminals, some pipes): wait until it takes more
            import select

            select.select([], [descriptor], [])
            continue
        data = data[written:]


def _silence(stream: Any) -> None:
    """Point *stream*'s descriptor at /dev/null: what is still buffered then goes nowhere, quietly."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, stream.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):
        pass


def is_utf8(stream: Any) -> bool:
    return (getattr(stream, "encoding", None) or "").lower().replace("-", "") == "utf8"


def _on_terminal() -> bool:
    try:
        return sys.stdout is not None and sys.stdout.isatty()
    except (ValueError, OSError):
        return False


def output_format(fmt: Optional[OutputFormat]) -> OutputFormat:
    if fmt is not None:
        return fmt
    return OutputFormat.TABLE if _on_terminal() else OutputFormat.TSV


def emit(listing: Listing, fmt: Optional[OutputFormat], *, no_header: bool = False, columns: Any = None,
          empty: str = "") -> None:  # fmt: skip
    """Render *listing* in the chosen format and write it; an empty table gets a note on stderr."""
    from usco.formats import render

    chosen = output_format(fmt)
    chosen_columns = _columns(columns) if columns else None
    text = render(listing, chosen, header=not no_header, columns=chosen_columns, ascii_only=not is_utf8(sys.stdout))
    if not listing.records and empty and chosen is OutputFormat.TABLE:
        say(empty)
    write(text)


def global_options(ctx: typer.Context) -> Globals:
    found = ctx.find_root().obj
    return found if isinstance(found, Globals) else Globals(None, (), False)


def load_data(ctx: typer.Context) -> Data:
    options = global_options(ctx)
    path = dataset.resolve_path(options.data)
    return Data(dataset.load(path, use_cache=not options.no_cache, also=options.also))


def filters_from(**options: Any) -> Filters:
    """Filters from command options (None for an option not given); --until before --since is exit 2."""
    given: dict[str, Any] = {name: tuple(v) if isinstance(v, list) else v for name, v in options.items() if v}
    try:
        return Filters(**given).checked()
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


# ---------------------------------------------------------------- global options


def _version(value: bool) -> None:
    if value:
        write(f"usco {__version__}\n")
        raise typer.Exit()


@app.callback()
def _main(
    ctx: typer.Context,
    data: Annotated[
        Optional[str],  # a str, not a Path: Path("") is ".", and an explicit `--data ""` is an error
        typer.Option(
            "--data", envvar=dataset.ENV_VAR, metavar="PATH", help="Use this dataset instead of the shipped one."
        ),
    ] = None,
    add: Annotated[
        Optional[list[Path]],
        typer.Option(
            "--add",
            metavar="PATH",
            help="Also read this dataset file (e.g. a newer release from `usco import`); repeatable.",
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
    if data == "":  # an empty USCO_DATA never gets here: click reads it as unset
        raise typer.BadParameter("an empty path names no dataset", param_hint="'--data'")
    ctx.obj = Globals(data, tuple(add or ()), no_cache)


# ---------------------------------------------------------------- listing commands


def _annual(
    ctx: typer.Context, measures: Sequence[str], filters: Filters, view: View, fmt: Optional[OutputFormat], **out: Any
) -> None:
    """aid and trade: on a terminal the annual series table first, then every other figure."""
    with boundary():
        data = load_data(ctx)
        selection = data.select(filters=filters, view=view)
        if output_format(fmt) is not OutputFormat.TABLE:
            from usco.formats import facts_listing

            emit(facts_listing(selection, history=view.history), fmt, **out)
            return
        from usco import summaries
        from usco.formats import facts_listing, series_listing

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


@app.command(short_help="Aid to Colombia: the annual series, then other figures.")
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


@app.command(short_help="Trade: goods exports and imports, then other figures.")
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


@app.command(short_help="Milestones, oldest first, each with its source.")
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
    from usco.formats import facts_listing

    topics = topic or (None if all_facts else [Topic.MILESTONE])
    filters = filters_from(
        since=since, until=until, topics=topics, tags=tag, sources=source, source_kinds=source_kind, measures=measure
    )
    view = View(as_of=as_of, history=history, latest=latest, limit=limit)
    with boundary():
        selection = load_data(ctx).select(filters=filters, view=view)
        listing = facts_listing(selection, timeline=True)
        emit(listing, fmt, no_header=no_header, columns=columns, empty="no events match")


@app.command(short_help="Every fact, with any filter.")
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
    from usco.formats import facts_listing

    filters = filters_from(
        since=since, until=until, topics=topic, tags=tag, sources=source, source_kinds=source_kind, measures=measure
    )
    view = View(as_of=as_of, history=history, latest=latest, limit=limit)
    with boundary():
        selection = load_data(ctx).select(filters=filters, view=view)
        emit(facts_listing(selection, history=history), fmt, no_header=no_header, columns=columns,
              empty="no facts match")  # fmt: skip


@app.command(short_help="Facts that match every word of a query.")
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
    from usco.formats import facts_listing

    filters = filters_from(
        since=since, until=until, topics=topic, tags=tag, sources=source, source_kinds=source_kind,
        measures=measure, words=words,
    )  # fmt: skip
    view = View(as_of=as_of, history=history, latest=latest, limit=limit)
    with boundary():
        selection = load_data(ctx).select(filters=filters, view=view)
        emit(facts_listing(selection, history=history), fmt, no_header=no_header, columns=columns,
              empty="no facts match")  # fmt: skip


# ---------------------------------------------------------------- running the app

#: Where the commands not defined in this module are; usco.cli_describe and usco.cli_files
#: define them on `app` when imported (a test checks this table against what they define).
COMMAND_HOMES = {
    **dict.fromkeys(("show", "series", "sources", "topics", "tags", "measures", "chart"), "usco.cli_describe"),
    **dict.fromkeys(("import", "export", "check"), "usco.cli_files"),
}


def register_every_command() -> typer.Typer:
    """`app` with every command on it, as help and completion show them; returns it."""
    for home in dict.fromkeys(COMMAND_HOMES.values()):
        importlib.import_module(home)
    return app


_GLOBAL_WITH_VALUE = ("--data", "--add")
_GLOBAL_FLAGS = ("--no-cache",)


def _globals_first(args: list[str]) -> list[str]:
    """Move global options written after the command to before it, so they work anywhere."""
    front: list[str] = []
    rest: list[str] = []
    arguments = iter(args)
    for argument in arguments:
        if argument == "--":
            rest.append(argument)
            rest.extend(arguments)
            break
        if argument in _GLOBAL_WITH_VALUE:
            front.append(argument)
            value = next(arguments, None)
            if value is not None:
                front.append(value)
        elif argument.startswith(tuple(f"{name}=" for name in _GLOBAL_WITH_VALUE)) or argument in _GLOBAL_FLAGS:
            front.append(argument)
        else:
            rest.append(argument)
    return front + rest


def _invoked_command(args: list[str]) -> Optional[str]:
    """The subcommand named on the command line, skipping the global options before it."""
    arguments = iter(args)
    for argument in arguments:
        if argument in _GLOBAL_WITH_VALUE:
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
        if reconfigure is not None and not is_utf8(stream):
            reconfigure(errors="backslashreplace")


class _ClosedOutput(io.TextIOBase):
    """sys.stdout when descriptor 1 was closed (`usco facts >&-`): every write fails, as a write to it would.

    Python sets sys.stdout to None then; code that asks it isatty() or writes help to it
    would raise AttributeError, or click would drop its help silently. This fails the
    write instead, so it ends as every other output failure does: one line, exit 1.
    """

    encoding = "utf-8"
    errors = "strict"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: Any) -> int:
        raise OSError(errno.EBADF, "standard output is closed")


def _hold_standard_descriptors() -> None:
    """Put /dev/null on a closed descriptor 0, 1 or 2, so no file usco opens can land there.

    A closed stdout still fails every write (_ClosedOutput); messages to a closed stderr
    still go nowhere (sys.stderr stays None, and say() writes nothing then).
    """
    for descriptor in (0, 1, 2):
        try:
            os.fstat(descriptor)
        except OSError:
            try:
                opened = os.open(os.devnull, os.O_RDWR)
                if opened != descriptor:
                    os.dup2(opened, descriptor)
                    os.close(opened)
            except OSError:
                pass
    if sys.stdout is None:
        sys.stdout = _ClosedOutput()


def _show_usage_error(error: Any) -> None:
    """click's own error (a usage error, exit 2), as click words it, but every line made safe."""
    lines = []
    context = getattr(error, "ctx", None)
    if context is not None:
        lines += [context.get_usage(), f"Try '{context.command_path} --help' for help.", ""]
    lines.append(f"Error: {error.format_message()}")
    stream = sys.stderr
    if stream is None:
        return
    try:
        stream.write("".join(visible(line) + "\n" for text in lines for line in text.split("\n")))
        stream.flush()
    except (OSError, ValueError):
        pass


def _close_options_only(error: Exception) -> None:
    """Keep only close "Possible options" for an unknown option: click offers --limit for --hist."""
    import difflib

    wanted, possible = getattr(error, "option_name", None), getattr(error, "possibilities", None)
    if isinstance(wanted, str) and isinstance(possible, list | tuple):
        close = [
            name for name in possible
            if name.startswith(wanted) or difflib.SequenceMatcher(None, wanted, name).ratio() >= 0.8
        ]  # fmt: skip
        error.possibilities = close  # type: ignore[attr-defined]


def main() -> None:
    """Run the app and leave with its exit status.

    Typer builds every command's parameters before running one (about 0.7 ms each), so
    a call that names a known command gets an app with that command alone, and without
    the root's --install-completion and --show-completion (about 2 ms to build); the
    module defining a command is imported only when it is named. Help, shell completion
    and unknown names see the full app.
    """
    _hold_standard_descriptors()
    _tolerate_narrow_encodings()
    args = _globals_first(sys.argv[1:])
    named = _invoked_command(args)
    completing = "_USCO_COMPLETE" in os.environ or any(
        argument.partition("=")[0] in ("--install-completion", "--show-completion") for argument in args
    )
    if named in COMMAND_HOMES and not completing:
        importlib.import_module(COMMAND_HOMES[named])
    commands = [
        info for info in app.registered_commands if (info.name or getattr(info.callback, "__name__", None)) == named
    ]
    target = app
    if not commands or completing:
        register_every_command()
    else:
        target = typer.Typer(**_APP_SETTINGS, add_completion=False)
        target.registered_callback = app.registered_callback
        target.registered_commands = commands
    from typer._click.exceptions import ClickException  # typer 0.28 vendors click (pinned <0.29)
    from typer._click.utils import PacifyFlushWrapper

    stdout = sys.stdout
    try:
        status = target(args=args, prog_name="usco", standalone_mode=False)
    except typer.Exit as leaving:
        sys.exit(leaving.exit_code)
    except typer.Abort:
        sys.exit(130)
    except KeyboardInterrupt:
        sys.exit(130)
    except SystemExit as leaving:
        if isinstance(sys.stdout, PacifyFlushWrapper):
            # click's main met EPIPE writing its own output (help) and exits 1; a reader
            # that went away is a quiet exit 0 here, as for every other output.
            sys.stdout, sys.stderr = stdout, getattr(sys.stderr, "wrapped", sys.stderr)
            _silence(stdout)
            sys.exit(0)
        raise leaving from None
    except ClickException as error:  # click's usage errors: plain text, exit 2
        _close_options_only(error)
        _show_usage_error(error)
        sys.exit(error.exit_code)
    except OSError as error:
        # Only click writes outside write: its help. A full disk or a revoked stdout there.
        if error.errno not in (errno.ENOSPC, errno.EIO, errno.EBADF, errno.EFBIG, errno.EDQUOT, errno.EPIPE):
            raise
        _silence(stdout)
        if error.errno == errno.EPIPE:
            sys.exit(0)
        say(f"cannot write output: {error.strerror or error}")
        sys.exit(1)
    sys.exit(status if isinstance(status, int) else 0)
