"""`usco import NAME`: turn an official release file into a dataset file (design §6).

One command per importer of the registry (usco.importers.IMPORTERS), made by
import_commands() with the same options; the importer's own `summary` and `help` are the
command's help. usco.cli.app imports this module only when `import` is named, or for help
and completion.
"""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Annotated, Optional

import typer

from usco.cli.boundary import boundary, fail, say, write
from usco.cli.options import Force, Globals, global_options
from usco.importers import IMPORTERS, Importer, ImportFormatError, NoDateError, Release, dated
from usco.model import PartialDate

# Typer evaluates these annotations at run time, so Optional stays (not `X | None`) for 3.10.
# ruff: noqa: UP045

#: The commands of this module; usco.cli.app adds them to the root app (see COMMAND_HOMES there).
commands = typer.Typer()

# ---------------------------------------------------------------- imports (design §6)

RELEASE_MAX_BYTES = 200 * 1024 * 1024  # the releases shipped are 1.6 to 2.5 MB
ReleaseDate = Annotated[
    Optional[str],
    typer.Option(
        "--date",
        metavar="YYYY-MM-DD",
        help="The release's date; required when the file says none (a CSV) [default: the day the file says it "
        "was made].",
    ),
]
DateNote = Annotated[
    Optional[str],
    typer.Option("--date-note", help="How the release's date was established [default: the file's own evidence]."),
]
Url = Annotated[
    Optional[str], typer.Option("--url", help="Where the release is published [default: the official page].")
]
CopyUrl = Annotated[Optional[str], typer.Option("--copy-url", help="A permanent copy of exactly this file.")]
Output = Annotated[
    Optional[Path],
    typer.Option("--output", "-o", metavar="PATH", help="Write the dataset file here [default: stdout]."),
]
ReleaseFile = Annotated[Path, typer.Argument(metavar="FILE", help="The downloaded release file.")]
Keep = Annotated[
    bool,
    typer.Option(
        "--keep",
        help="Keep it as one of your own releases (`usco releases`): every command then reads it with the "
        "shipped data.",
    ),
]


def _import(importer: Importer, file: Path, date: Optional[str], date_note: Optional[str], url: Optional[str],
            copy_url: Optional[str], output: Optional[Path], force: bool, keep: Optional[Globals] = None,
            ) -> None:  # fmt: skip
    from usco import files
    from usco.reading import read_input_file

    if date is not None:
        try:
            PartialDate.parse(date)
            if len(date) != 10:
                raise ValueError(f"{date!r} is not a day; expected YYYY-MM-DD")
        except ValueError as error:
            raise typer.BadParameter(str(error), param_hint="'--date'") from None
    with boundary():
        content = read_input_file(file, limit=RELEASE_MAX_BYTES, what="a release file")
        # The day the file says it was made (design §6), unless --date gives one.
        own = importer.date(content) if date is None else None
        if date is None and own is None and not importer.detect(content):
            fail(f"{file}: the file is not {importer.what}")
        try:
            release = dated(own, date=date, date_note=date_note, url=url, copy_url=copy_url)
        except NoDateError as error:
            from typer._click.exceptions import MissingParameter  # typer 0.28 vendors click (pinned <0.29)

            raise MissingParameter(f"{file}: {error}", param_hint="'--date'", param_type="option") from None
        if keep is not None:
            _keep(importer, file, content, release, keep)
            if output is None:
                return
        try:
            text = importer.convert(content, release)
        except ImportFormatError as error:
            fail(f"{file}: {error}")
        if output is None:
            write(text)
            return
        files.write_atomically(output, text.encode("utf-8"), replace=force)
        say(f"wrote {output}")


def _keep(importer: Importer, file: Path, content: bytes, release: Release, options: Globals) -> None:
    """`--keep`: the file and its dataset file into your own releases (design §7), or one line why not."""
    from usco.user.keep import BY_DATE_OPTION, BY_FILE, Target, sha256
    from usco.user.update import keep_file, known_releases

    target = Target(options.data, options.also)
    known = known_releases(target).get(sha256(content))
    if known is not None:
        say(f"{file} is already known: release {known}; nothing kept")
        return
    dated_by = BY_FILE if release.evidence is not None else BY_DATE_OPTION
    try:
        kept = keep_file(importer, content, release, dated_by=dated_by, origin=str(file.resolve()), target=target)
    except ImportFormatError as error:
        fail(f"{file}: {error}")
    say(f"kept your release {kept.id} (newest period {kept.meta.get('newest')}); `usco releases` lists it")


def _command(importer: Importer) -> Callable[..., None]:
    """The `usco import NAME` command of one importer: it runs that importer's convert, and no other's."""

    def command(
        ctx: typer.Context,
        file: ReleaseFile,
        date: ReleaseDate = None,
        date_note: DateNote = None,
        url: Url = None,
        copy_url: CopyUrl = None,
        output: Output = None,
        force: Force = False,
        keep: Keep = False,
    ) -> None:
        _import(importer, file, date, date_note, url, copy_url, output, force, global_options(ctx) if keep else None)

    return command


def import_commands(importers: Sequence[Importer]) -> typer.Typer:
    """The `usco import` group: one command per importer, in the registry's order."""
    group = typer.Typer(
        help="Turn an official release file into a usco dataset file.",
        no_args_is_help=True,
        rich_markup_mode=None,
    )
    for importer in importers:
        group.command(importer.name, short_help=importer.summary, help=importer.help)(_command(importer))
    return group


import_app = import_commands(IMPORTERS)
commands.add_typer(import_app, name="import", short_help="Turn an official release file into a dataset file.")
