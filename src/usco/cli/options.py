"""The options commands share, declared once, and the global options' typed object.

Each alias is an Annotated type a command uses as a parameter's type; filters_from()
turns the filter options into usco.query's Filters. The CLI reads the dataset through
usco.api.load(), as a Python user does.
"""

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Any, NamedTuple, Optional

import typer

from usco.api import Data, load
from usco.dataset import load as dataset
from usco.model import PartialDate, SourceKind, Topic, UscoError
from usco.query.select import Filters
from usco.render.formats import OutputFormat

# Typer evaluates these annotations at run time, so Optional stays (not `X | None`) for 3.10.
# ruff: noqa: UP045


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
        return load(given or os.environ.get(dataset.ENV_VAR) or None)
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


# ---------------------------------------------------------------- from options to the library's arguments


def global_options(ctx: typer.Context) -> Globals:
    found = ctx.find_root().obj
    return found if isinstance(found, Globals) else Globals(None, (), False)


def load_data(ctx: typer.Context) -> Data:
    options = global_options(ctx)
    return load(options.data, use_cache=not options.no_cache, also=options.also)


def filters_from(**options: Any) -> Filters:
    """Filters from command options (None for an option not given); --until before --since is exit 2."""
    given: dict[str, Any] = {name: tuple(v) if isinstance(v, list) else v for name, v in options.items() if v}
    try:
        return Filters(**given).checked()
    except ValueError as error:
        raise typer.BadParameter(str(error)) from None
