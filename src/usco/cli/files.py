"""The commands that write files for other tools or check a dataset: export and check.

usco.cli.app imports this module only when one of them is named, or for help and completion.
"""

from collections.abc import Sequence
from pathlib import Path
from typing import Annotated, Optional

import typer

from usco.api import load
from usco.cli.boundary import boundary, fail, say, write
from usco.cli.options import FILTERS, VIEW, Options, global_options, listing_options, load_data
from usco.dataset import load as dataset
from usco.model import DatasetError, Fact
from usco.text import visible

# Typer evaluates these annotations at run time, so Optional stays (not `X | None`) for 3.10.
# ruff: noqa: UP045

#: The commands of this module; usco.cli.app adds them to the root app (see COMMAND_HOMES there).
commands = typer.Typer()

# ---------------------------------------------------------------- exports

export_app = typer.Typer(
    help="Write the facts to files for other tools: SQLite (sqlite3, Datasette) or a Frictionless Data Package.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
commands.add_typer(export_app, name="export", short_help="Write the facts for SQLite, Datasette or a Data Package.")


@export_app.command("sqlite", short_help="Tables sources, measures and facts in one SQLite file.")
@listing_options(
    "force", *FILTERS, *VIEW, help_for={"history": "Every version of revised figures: the default (see --current)."}
)
def export_sqlite(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The SQLite database to write.")],
    current: Annotated[
        bool, typer.Option("--current", help="Only the current version of each figure (no superseded ones).")
    ] = False,
    *,
    options: Options,
) -> None:
    """Tables sources, measures and facts in one SQLite file, written whole or not at all.

    Every version of every figure, each with its `superseded_by` (null for the current
    one), so a database answers how figures were revised; --current keeps the current
    versions only.

    \b
    Examples:
      usco export sqlite usco.db && sqlite3 usco.db 'select id, value from facts where superseded_by is null'
      usco export sqlite usco.db --force --current && datasette usco.db
    """
    from usco import export

    if current and options.view.history:
        raise typer.BadParameter("--current keeps the current versions only; --history every version: not both")
    view = options.view._replace(history=not current)  # a database is for analysis: every version (design §3)
    with boundary():
        selection = load_data(ctx).select(filters=options.filters, view=view)
        export.export_sqlite(selection, file, force=options.force)
        say(f"wrote {file}")


@export_app.command("datapackage", short_help="CSV files plus datapackage.json (Frictionless).")
@listing_options("force", *FILTERS, *VIEW)
def export_datapackage(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Directory for the CSV files and datapackage.json.")],
    options: Options,
) -> None:
    """CSV files plus datapackage.json (a Frictionless Data Package), replaced whole or not at all.

    \b
    Examples:
      usco export datapackage usco-data
      frictionless validate usco-data/datapackage.json
    """
    from usco import export

    with boundary():
        selection = load_data(ctx).select(filters=options.filters, view=options.view)
        paths = export.export_datapackage(selection, directory, force=options.force)
        write("".join(f"{visible(str(path))}\n" for path in paths))


@commands.command(short_help="Validate a dataset: every problem with file and line.")
def check(
    ctx: typer.Context,
    path: Annotated[
        Optional[Path], typer.Argument(help="Dataset to check [default: --data, USCO_DATA or the shipped one].")
    ] = None,
    strict: Annotated[
        bool,
        typer.Option(
            "--strict",
            help="Also list possible duplicates: facts outside any measure with the same value, unit and "
            "date from different sources.",
        ),
    ] = False,
) -> None:
    """Validate a dataset and what it includes: list every problem with file and line (exit 1),
    or say what it holds (exit 0).

    \b
    Examples:
      usco check
      usco check my-facts.toml
      usco check --strict
    """
    from usco.query import summaries

    options = global_options(ctx)
    with boundary():
        target = path or dataset.resolve_path(options.data)
        try:
            data = load(target, use_cache=False, also=options.also, user_releases=False).dataset  # the files named
        except DatasetError as error:
            write("".join(visible(problem.located(error.path)) + "\n" for problem in error.problems), code=1)
            count = len(error.problems)
            fail(f"{count} problem{'s' if count != 1 else ''} in {error.path}")
        counts = summaries.counts(data)
        first = min(fact.date for fact in data.facts) if data.facts else None
        last = max((fact.end or fact.date for fact in data.facts), key=lambda day: day.last) if data.facts else None
        span = f", {first} to {last}" if first else ""
        superseded = f" ({counts.superseded} of them superseded by later versions)" if counts.superseded else ""
        in_files = f" in {counts.files} files" if counts.files > 1 else ""
        write(
            f"ok: {counts.facts} facts{superseded}, {counts.sources} sources, {counts.measures} measures"
            f"{span}{in_files} ({visible(str(target))})\n"
        )
        if strict:
            write(_duplicates(data.facts))


def _duplicates(facts: Sequence[Fact]) -> str:
    """`check --strict`'s list: each group of possible duplicates on one line, ids and sources named."""
    from usco.dataset.rules import possible_duplicates
    from usco.text import figure

    groups = possible_duplicates(facts)
    if not groups:
        return "no possible duplicates\n"
    lines = [
        f"possible duplicates ({len(groups)}): one figure told twice is versions of one measure, "
        "one event shares an `event` key\n"
    ]
    for group in groups:
        told = ", ".join(f"{fact.id!r} ({fact.source})" for fact in group)
        when = f"{group[0].date} to {group[0].end}" if group[0].end else str(group[0].date)
        lines.append(visible(f"  {figure(group[0])}, {when}: {told}") + "\n")
    return "".join(lines)
