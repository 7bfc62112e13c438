"""`usco import`: turn an official release file into a dataset file (design §6).

usco.cli.app imports this module only when `import` is named, or for help and completion.
"""

from pathlib import Path
from typing import Annotated, Optional

import typer

from usco.cli.boundary import boundary, fail, say, write
from usco.cli.options import Force
from usco.model import PartialDate

# Typer evaluates these annotations at run time, so Optional stays (not `X | None`) for 3.10.
# ruff: noqa: UP045

#: The commands of this module; usco.cli.app adds them to the root app (see COMMAND_HOMES there).
commands = typer.Typer()

# ---------------------------------------------------------------- imports (design §6)

import_app = typer.Typer(
    help="Turn an official release file into a usco dataset file (design §6).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
commands.add_typer(import_app, name="import", short_help="Turn an official release file into a dataset file.")

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
    from usco import files
    from usco import importers as imports
    from usco.reading import read_input_file

    try:
        PartialDate.parse(date)
        if len(date) != 10:
            raise ValueError(f"{date!r} is not a day; expected YYYY-MM-DD")
    except ValueError as error:
        raise typer.BadParameter(str(error), param_hint="'--date'") from None
    with boundary():
        content = read_input_file(file, limit=RELEASE_MAX_BYTES, what="a release file")
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
