"""The commands that read or write files: import, export and check.

usco.cli imports this module only when one of them is named, or for help and completion
(see usco.cli.COMMAND_HOMES).
"""

from pathlib import Path
from typing import Annotated, Optional

import typer

from usco import dataset
from usco.cli import (
    AsOf,
    Force,
    History,
    Latest,
    MeasureOpt,
    Since,
    SourceKindOpt,
    SourceOpt,
    TagOpt,
    TopicOpt,
    Until,
    app,
    boundary,
    fail,
    filters_from,
    global_options,
    load_data,
    say,
    write,
)
from usco.model import DatasetError, PartialDate
from usco.query import View
from usco.text import visible

# Typer evaluates these annotations at run time, so Optional stays (not `X | None`) for 3.10.
# ruff: noqa: UP045

# ---------------------------------------------------------------- imports (design §6)

import_app = typer.Typer(
    help="Turn an official release file into a usco dataset file (design §6).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(import_app, name="import", short_help="Turn an official release file into a dataset file.")

RELEASE_MAX_BYTES = 200 * 1024 * 1024  # the releases shipped are 1.6 to 2.5 MB
ReleaseDate = Annotated[
    str, typer.Option("--date", metavar="YYYY-MM-DD", help="The release's date (the files print none).")
]
DateNote = Annotated[Optional[str], typer.Option("--date-note", help="How the release's date was established.")]
Url = Annotated[
    Optional[str], typer.Option("--url", help="Where the release is published [default: the official page].")
]
CopyUrl = Annotated[Optional[str], typer.Option("--copy-url", help="A permanent copy of exactly this file.")]
Output = Annotated[
    Optional[Path],
    typer.Option("--output", "-o", metavar="PATH", help="Write the dataset file here [default: stdout]."),
]
ReleaseFile = Annotated[Path, typer.Argument(metavar="FILE", help="The downloaded release file.")]


def _import(kind: str, file: Path, date: str, date_note: Optional[str], url: Optional[str],
            copy_url: Optional[str], output: Optional[Path], force: bool) -> None:  # fmt: skip
    from usco import files, imports

    try:
        PartialDate.parse(date)
        if len(date) != 10:
            raise ValueError(f"{date!r} is not a day; expected YYYY-MM-DD")
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="'--date'") from None
    with boundary():
        content = files.read_regular(file, limit=RELEASE_MAX_BYTES, what="a release file")
        release = imports.Release(date=date, date_note=date_note, url=url, copy_url=copy_url)
        convert = imports.import_foreignassistance if kind == "foreignassistance" else imports.import_census_trade
        try:
            text = convert(content, release)
        except imports.ImportFormatError as error:
            fail(f"{file}: {error}")
        if output is None:
            write(text)
            return
        files.write_atomically(output, text.encode("utf-8"), replace=force)
        say(f"wrote {output}")


@import_app.command("foreignassistance", short_help="ForeignAssistance.gov's country file, by fiscal year.")
def import_foreignassistance(
    file: ReleaseFile,
    date: ReleaseDate,
    date_note: DateNote = None,
    url: Url = None,
    copy_url: CopyUrl = None,
    output: Output = None,
    force: Force = False,
) -> None:
    """ForeignAssistance.gov's us_foreign_aid_country.csv: Colombia's obligations, disbursements,
    appropriations, requests and allocations by fiscal year.

    \b
    Examples:
      usco import foreignassistance us_foreign_aid_country.csv --date 2026-11-20 -o fa.toml
      usco --add fa.toml aid --since 2020
    """
    _import("foreignassistance", file, date, date_note, url, copy_url, output, force)


@import_app.command("census-trade", short_help="The Census Bureau's country.xlsx, by year.")
def import_census_trade(
    file: ReleaseFile,
    date: ReleaseDate,
    date_note: DateNote = None,
    url: Url = None,
    copy_url: CopyUrl = None,
    output: Output = None,
    force: Force = False,
) -> None:
    """The Census Bureau's country.xlsx: U.S. goods exports to and imports from Colombia by year.

    \b
    Examples:
      usco import census-trade country.xlsx --date 2026-11-05 -o census.toml
      usco --add census.toml series us-goods-exports us-goods-imports
    """
    _import("census-trade", file, date, date_note, url, copy_url, output, force)


# ---------------------------------------------------------------- exports

export_app = typer.Typer(
    help="Write the facts to files for other tools: SQLite (sqlite3, Datasette) or a Frictionless Data Package.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(export_app, name="export", short_help="Write the facts for SQLite, Datasette or a Data Package.")


@export_app.command("sqlite", short_help="Tables sources, measures and facts in one SQLite file.")
def export_sqlite(
    ctx: typer.Context,
    file: Annotated[Path, typer.Argument(metavar="FILE", help="The SQLite database to write.")],
    force: Force = False,
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    source_kind: SourceKindOpt = None,
    measure: MeasureOpt = None,
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
) -> None:
    """Tables sources, measures and facts in one SQLite file, written whole or not at all.

    \b
    Examples:
      usco export sqlite usco.db && sqlite3 usco.db 'select id, value from facts limit 5'
      usco export sqlite usco.db --force && datasette usco.db
    """
    from usco import export

    filters = filters_from(
        since=since, until=until, topics=topic, tags=tag, sources=source, source_kinds=source_kind, measures=measure
    )
    with boundary():
        selection = load_data(ctx).select(filters=filters, view=View(as_of=as_of, history=history, latest=latest))
        export.export_sqlite(selection, file, force=force)
        say(f"wrote {file}")


@export_app.command("datapackage", short_help="CSV files plus datapackage.json (Frictionless).")
def export_datapackage(
    ctx: typer.Context,
    directory: Annotated[Path, typer.Argument(metavar="DIR", help="Directory for the CSV files and datapackage.json.")],
    force: Force = False,
    since: Since = None,
    until: Until = None,
    topic: TopicOpt = None,
    tag: TagOpt = None,
    source: SourceOpt = None,
    source_kind: SourceKindOpt = None,
    measure: MeasureOpt = None,
    as_of: AsOf = None,
    history: History = False,
    latest: Latest = False,
) -> None:
    """CSV files plus datapackage.json (a Frictionless Data Package), replaced whole or not at all.

    \b
    Examples:
      usco export datapackage usco-data
      frictionless validate usco-data/datapackage.json
    """
    from usco import export

    filters = filters_from(
        since=since, until=until, topics=topic, tags=tag, sources=source, source_kinds=source_kind, measures=measure
    )
    with boundary():
        selection = load_data(ctx).select(filters=filters, view=View(as_of=as_of, history=history, latest=latest))
        paths = export.export_datapackage(selection, directory, force=force)
        write("".join(f"{visible(str(path))}\n" for path in paths))


@app.command(short_help="Validate a dataset: every problem with file and line.")
def check(
    ctx: typer.Context,
    path: Annotated[
        Optional[Path], typer.Argument(help="Dataset to check [default: --data, USCO_DATA or the shipped one].")
    ] = None,
) -> None:
    """Validate a dataset and what it includes: list every problem with file and line (exit 1),
    or say what it holds (exit 0).

    \b
    Examples:
      usco check
      usco check my-facts.toml
    """
    from usco import summaries

    options = global_options(ctx)
    with boundary():
        target = path or dataset.resolve_path(options.data)
        try:
            data = dataset.load(target, use_cache=False, also=options.also)  # check always reads the files
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
