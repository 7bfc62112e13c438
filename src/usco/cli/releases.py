"""`usco update` and `usco releases`: staying current with your own releases (design §7).

usco.cli.app imports this module only when one of them is named, or for help and completion.
The work is in usco.user (fetch, keep, list); here are the options, the progress bars and
the lines people read.
"""

import sys
from typing import Annotated, Optional

import typer

from usco.cli.boundary import boundary, fail, say, write
from usco.cli.options import Options, global_options, listing_options, load_data

# Typer evaluates these annotations at run time, so Optional stays (not `X | None`) for 3.10.
# ruff: noqa: UP045

#: The commands of this module; usco.cli.app adds them to the root app (see COMMAND_HOMES there).
commands = typer.Typer()


def _stderr_is_terminal() -> bool:
    try:
        return sys.stderr is not None and sys.stderr.isatty()
    except (ValueError, OSError):
        return False


@commands.command(short_help="Fetch the newest official files; keep the new ones as yours.")
def update(
    ctx: typer.Context,
    names: Annotated[
        Optional[list[str]],
        typer.Argument(metavar="[NAME]...", help="The importers to update (`usco import --help`) [default: all]."),
    ] = None,
    mirror: Annotated[
        Optional[str],
        typer.Option(
            "--mirror",
            metavar="URL|DIR",
            help="Fetch each importer's file by its official name from here (URL/country.xlsx, DIR/country.xlsx) "
            "instead of the publisher's site.",
        ),
    ] = None,
) -> None:
    """Fetch each importer's official file and keep it if it is new.

    A file whose sha256 is a release already shipped or kept is reported as known and nothing
    is written. A new one is checked, dated (by the file itself, else the server's
    Last-Modified, else the day it was downloaded), imported and kept in your data folder
    ($XDG_DATA_HOME/usco, else ~/.local/share/usco); every command then reads it with the
    shipped data. Exit 0 when every importer ended cleanly, 1 if any failed.

    \b
    Examples:
      usco update
      usco update census-trade
      usco update --mirror https://mirror.example.org/usco/
      usco update --mirror /media/usb/releases
    """
    from usco.importers import IMPORTERS, find
    from usco.user.keep import Target
    from usco.user.update import FAILED
    from usco.user.update import update as run_update

    options = global_options(ctx)
    with boundary():
        chosen = [find(name) for name in names] if names else list(IMPORTERS)
        target = Target(options.data, options.also)
        if _stderr_is_terminal():
            from usco.cli.progress import bars

            with bars() as progress:
                outcomes = run_update(chosen, mirror=mirror, target=target, progress=progress)
        else:
            outcomes = run_update(chosen, mirror=mirror, target=target)
    failed = [outcome for outcome in outcomes if outcome.status == FAILED]
    write("".join(f"{outcome.importer}: {outcome.message}\n" for outcome in outcomes if outcome.status != FAILED))
    for outcome in failed:
        say(f"{outcome.importer}: {outcome.message}")
    if failed:
        raise typer.Exit(1)


@commands.command(short_help="Every release the answers draw on: shipped and your own.")
@listing_options("columns", "fmt", "no_header")
def releases(
    ctx: typer.Context,
    options: Options,
    remove: Annotated[
        Optional[str],
        typer.Option("--remove", metavar="ID", help="Forget this release of your own (never a shipped one)."),
    ] = None,
) -> None:
    """Every release the answers draw on: importer, date and how it was dated, sha256, newest
    period, facts, and whether it was shipped or is your own (`usco update`, `usco import --keep`).

    \b
    Examples:
      usco releases
      usco releases -f json | jq '.[] | select(.origin == "yours")'
      usco releases --remove census-trade-2026-05-05
    """
    from usco.importers.releases import RELEASES
    from usco.render.releases import releases_listing
    from usco.user import keep, listing

    with boundary():
        if remove is not None:
            if remove not in {item.id for item in keep.kept()} and remove in {
                f"{item.importer}-{item.release.date}" for item in RELEASES
            }:
                fail(f"{remove} is a shipped release; only your own can be removed (`usco --no-user-releases` "
                     "answers without yours)")  # fmt: skip
            gone = keep.remove(remove)
            say(f"removed your release {gone.id}")
            return
        options.emit(releases_listing(listing.releases(load_data(ctx))), empty="no releases")
