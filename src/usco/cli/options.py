"""The options commands share, declared once, and the global options' typed object.

Each shared option is an Annotated alias (Since, TopicOpt, Format...) and a line of SHARED,
which holds them in the one order every help screen lists them. A command takes the ones
it wants with @listing_options(...) and receives them as one Options: the query's Filters
and View, plus how to write the output. The CLI reads the dataset through usco.api.load(),
as a Python user does.
"""

import copy
import functools
import inspect
import os
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Annotated, Any, NamedTuple, Optional, get_args

import typer

from usco.api import Data, _load
from usco.cli.boundary import emit, say
from usco.dataset import load as dataset
from usco.model import PartialDate, SourceKind, Topic, UscoError, parse_when
from usco.query.select import Filters, View
from usco.render.formats import OutputFormat
from usco.render.listings import Listing

# Typer evaluates these annotations at run time, so Optional stays (not `X | None`) for 3.10.
# ruff: noqa: UP045


class Globals(NamedTuple):
    """The options that work before or after any command."""

    data: Optional[str]  # as given: "" is refused by dataset.resolve_path; an empty USCO_DATA is unset
    also: tuple[Path, ...]
    no_cache: bool
    no_user_releases: bool = False  # --no-user-releases: the shipped data (or --data) alone (design §7)


# ---------------------------------------------------------------- completion from the dataset


def _completion_data(ctx: Optional[typer.Context] = None) -> Optional[Data]:
    """The dataset a completion reads: --data on the line being completed, else USCO_DATA, else shipped."""
    given = ctx.find_root().params.get("data") if ctx is not None else None
    try:
        return _load(  # no warnings: a completion prints nothing but names
            given or os.environ.get(dataset.ENV_VAR) or None
        )
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
        return parse_when(text)
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None


Since = Annotated[
    Optional[PartialDate],
    typer.Option(
        parser=_date,
        metavar="DATE",
        help="Facts dated on or after DATE: YYYY, YYYY-MM, YYYY-MM-DD or a fiscal year, FY2016 "
        "(October 2015 on; a fiscal year's figures by their number).",
    ),
]


Until = Annotated[
    Optional[PartialDate],
    typer.Option(
        parser=_date, metavar="DATE", help="Facts dated on or before the end of DATE (FY2024: to 2024-09-30)."
    ),
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


#: --limit's help where rows are facts in time order (aid, trade, timeline, facts, search).
LIMIT_OLDEST = "Keep the first N rows: the N oldest, or with --reverse the N newest (--reverse --limit 5)."


Reverse = Annotated[bool, typer.Option("--reverse", help="Newest first (with --limit: keep the newest).")]


Columns = Annotated[  # one comma-separated string: a list type would make each value a list of lists
    Optional[str],
    typer.Option(
        "--columns",
        metavar="A,B,C",
        help="Columns of csv/tsv/markdown, fields of json: any name of the format (--columns id,figure,source_url).",
    ),
]


Format = Annotated[
    Optional[OutputFormat],
    typer.Option("--format", "-f", help="Output format [default: table on a terminal, tsv when piped]."),
]


NoHeader = Annotated[bool, typer.Option("--no-header", help="Leave out the header row of csv and tsv.")]


Force = Annotated[bool, typer.Option("--force", help="Replace the file if it exists (only a regular file).")]


# ---------------------------------------------------------------- the shared options as one decorator


class Options(NamedTuple):
    """The shared options a command takes (@listing_options), as the library's arguments.

    An option the command does not take has its default here.
    """

    filters: Filters  # --since ... --measure; --regional is not in it (see regional)
    view: View  # --as-of, --history, --latest, --limit
    regional: bool = False  # aid and trade apply it (Filters.regional); the others list regional figures anyway
    columns: Optional[str] = None
    fmt: Optional[OutputFormat] = None
    no_header: bool = False
    force: bool = False

    def emit(self, listing: Listing, *, empty: str = "") -> None:
        """Write *listing* as --format, --columns and --no-header say (usco.cli.boundary.emit)."""
        emit(listing, self.fmt, no_header=self.no_header, columns=self.columns, empty=empty)


#: Every shared option: its parameter name, its type and its default, in the one order
#: a command's help lists them, after the command's own parameters (--force first: it
#: goes with the file a command writes).
SHARED: dict[str, tuple[Any, Any]] = {
    "force": (Force, False),
    "since": (Since, None),
    "until": (Until, None),
    "topic": (TopicOpt, None),
    "tag": (TagOpt, None),
    "source": (SourceOpt, None),
    "source_kind": (SourceKindOpt, None),
    "measure": (MeasureOpt, None),
    "regional": (RegionalOpt, False),
    "as_of": (AsOf, None),
    "history": (History, False),
    "latest": (Latest, False),
    "limit": (Limit, None),
    "reverse": (Reverse, False),
    "columns": (Columns, None),
    "fmt": (Format, None),
    "no_header": (NoHeader, False),
}

#: The groups commands take whole: which facts, which versions, how the rows are written.
FILTERS = ("since", "until", "topic", "tag", "source", "source_kind", "measure")
VIEW = ("as_of", "history", "latest")
OUTPUT = ("limit", "columns", "fmt", "no_header")
LISTING = (*FILTERS, "regional", *VIEW, *OUTPUT)
#: The listings of facts in time order, which --reverse turns newest first (the counting commands have their own order).
FACT_LISTING = (*LISTING, "reverse")


def listing_options(
    *names: str, help_for: Optional[Mapping[str, str]] = None
) -> Callable[[Callable[..., None]], "WithOptions"]:
    """Give a command the shared options *names* (SHARED's keys), as one `options: Options`.

    The command declares its own parameters and `options: Options`; typer sees its own
    parameters, then the chosen shared ones in SHARED's order (see WithOptions).
    *help_for* gives an option its own help text in this command.
    """
    texts = dict(help_for or {})
    unknown = [name for name in (*names, *texts) if name not in SHARED or name not in names]
    if unknown:
        raise ValueError(f"not a shared option of this command: {', '.join(unknown)}")
    chosen = tuple(name for name in SHARED if name in names)

    def decorate(command: Callable[..., None]) -> WithOptions:
        return WithOptions(command, chosen, texts)

    return decorate


class WithOptions:
    """A command that takes shared options, as typer reads it and calls it.

    Typer builds the command from its __signature__: the command's own parameters, then the
    chosen shared ones. That is made when first read, for a call of usco builds only the
    command it names. A call gathers the shared options into one Options, checked first
    (--until before --since is a usage error, exit 2), and calls the command with it.
    """

    def __init__(self, command: Callable[..., None], chosen: Sequence[str], help_for: Mapping[str, str]) -> None:
        code = command.__code__
        arguments = code.co_varnames[: code.co_argcount + code.co_kwonlyargcount]
        if "options" not in arguments or set(arguments) & set(chosen):
            raise TypeError(f"{command.__name__} must take `options` and no parameter named as a shared option")
        functools.update_wrapper(self, command)  # its name, module, help (docstring) and annotations
        self.command = command
        self.chosen = chosen
        self.help_for = help_for

    def __call__(self, *args: Any, **values: Any) -> None:
        given = {name: values.pop(name) for name in self.chosen if name in values}
        self.command(*args, options=options_from(given), **values)

    @functools.cached_property
    def __signature__(self) -> inspect.Signature:
        signature = inspect.signature(self.command)
        own = [parameter for name, parameter in signature.parameters.items() if name != "options"]
        shared = [_parameter(name, self.help_for.get(name)) for name in self.chosen]
        return signature.replace(parameters=[*own, *shared])


def _parameter(name: str, help_text: Optional[str]) -> inspect.Parameter:
    """The shared option *name* as a keyword parameter, with its own help text if one is given."""
    option, default = SHARED[name]
    if help_text is not None:
        kind, info = get_args(option)  # Annotated[kind, typer.Option(...)]: change a copy of the Option
        info = copy.copy(info)
        info.help = help_text
        option = Annotated[kind, info]
    return inspect.Parameter(name, inspect.Parameter.KEYWORD_ONLY, default=default, annotation=option)


def options_from(values: Mapping[str, Any]) -> Options:
    """The Options of shared option values by name (one not given has its default)."""
    try:
        filters = Filters(
            since=values.get("since"),
            until=values.get("until"),
            topics=tuple(values.get("topic") or ()),
            tags=tuple(values.get("tag") or ()),
            sources=tuple(values.get("source") or ()),
            source_kinds=tuple(values.get("source_kind") or ()),
            measures=tuple(values.get("measure") or ()),
        ).checked()
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
    view = View(
        as_of=values.get("as_of"),
        history=bool(values.get("history")),
        latest=bool(values.get("latest")),
        limit=values.get("limit"),
        reverse=bool(values.get("reverse")),
    )
    return Options(
        filters=filters,
        view=view,
        regional=bool(values.get("regional")),
        columns=values.get("columns"),
        fmt=values.get("fmt"),
        no_header=bool(values.get("no_header")),
        force=bool(values.get("force")),
    )


# ---------------------------------------------------------------- the global options and the dataset


def global_options(ctx: typer.Context) -> Globals:
    found = ctx.find_root().obj
    return found if isinstance(found, Globals) else Globals(None, (), False)


def load_data(ctx: typer.Context) -> Data:
    """The dataset the global options name, with your own releases unless left out; one line for each
    kept release that no longer loads with it (it is left out, design §7)."""
    options = global_options(ctx)
    data = _load(options.data, use_cache=not options.no_cache, also=options.also,
                 user_releases=False if options.no_user_releases else None)  # fmt: skip
    for left in data.left_out:
        say(f"warning: left out your release {left.path.parent.name}: {left.reason}")
    return data
