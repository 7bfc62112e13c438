"""The usco command line: the root app, its global options, and main().

The commands live in one module per family (usco.cli.listings, describe, imports,
files), each holding its own `commands`; COMMAND_HOMES maps a command's name to its
module, and main() imports only the module of the command a call names. Help,
completion and unknown names see every command (register_every_command()). No
command module imports this one.
"""

import errno
import importlib
import os
import sys
from pathlib import Path
from types import ModuleType
from typing import Annotated, Any, NoReturn, Optional

import typer

from usco.cli import streams
from usco.cli.boundary import say, silence, write
from usco.cli.options import Globals
from usco.dataset import load as dataset
from usco.version import __version__

# Typer evaluates these annotations at run time, so Optional stays (not `X | None`) for 3.10.
# ruff: noqa: UP045

_APP_SETTINGS: dict[str, Any] = dict(
    name="usco",
    help=(
        "Sourced facts about United States–Colombia relations: aid, trade, milestones, "
        "security and migration, each figure with its source, the source's kind and its date.\n\n"
        "\b\nExamples:\n  usco aid --since 2016\n  usco series aid-obligations aid-disbursements\n"
        "  usco trade -f json | jq '.[].text'\n  usco show covid-assistance-2020\n  usco facts --reverse --limit 5\n"
        "  usco check"
    ),
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help and errors: no boxes, nothing in a docstring read as markup
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)


app = typer.Typer(**_APP_SETTINGS)


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
    no_pager: Annotated[  # main() reads it from the command line: the output is held before this runs
        bool,
        typer.Option(
            "--no-pager", help="Write long output straight to the terminal, without a pager (USCO_PAGER=cat)."
        ),
    ] = False,
    no_user_releases: Annotated[
        bool,
        typer.Option(
            "--no-user-releases",
            help="Answer from the shipped data (or --data) alone, without your own releases from `usco update` "
            "(USCO_NO_USER_RELEASES=1).",
        ),
    ] = False,
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """Sourced facts about United States–Colombia relations."""
    if data == "":  # an empty USCO_DATA never gets here: click reads it as unset
        raise typer.BadParameter("an empty path names no dataset", param_hint="'--data'")
    ctx.obj = Globals(data, tuple(add or ()), no_cache, no_user_releases)


# ---------------------------------------------------------------- running the app


#: Each command's module (its family). The module holds its commands on its own `commands`
#: (a typer.Typer) and never imports this one; main() imports only the module a call names.
#: A test checks this table against what the modules define.
COMMAND_HOMES = {
    **dict.fromkeys(("aid", "trade", "timeline", "facts", "search"), "usco.cli.listings"),
    **dict.fromkeys(("show", "series", "sources", "topics", "tags", "measures", "chart"), "usco.cli.describe"),
    "products": "usco.cli.products",
    "import": "usco.cli.imports",
    **dict.fromkeys(("update", "releases"), "usco.cli.releases"),
    **dict.fromkeys(("export", "check"), "usco.cli.files"),
}
_REGISTERED: set[str] = set()  # the modules whose commands `app` already has


def _commands_of(home: str) -> typer.Typer:
    module: ModuleType = importlib.import_module(home)
    commands: typer.Typer = module.commands
    return commands


def register_every_command() -> typer.Typer:
    """`app` with every command on it, as help and completion show them; returns it."""
    for home in dict.fromkeys(COMMAND_HOMES.values()):
        if home not in _REGISTERED:
            _REGISTERED.add(home)
            commands = _commands_of(home)
            app.registered_commands += commands.registered_commands
            app.registered_groups += commands.registered_groups
    return app


_GLOBAL_WITH_VALUE = ("--data", "--add")


_GLOBAL_FLAGS = ("--no-cache", "--no-pager", "--no-user-releases")


_GLOBAL_WITH_VALUE_JOINED = tuple(f"{name}=" for name in _GLOBAL_WITH_VALUE)  # --data=PATH


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


def _only_global_options(args: list[str]) -> bool:
    """Is the command line no more than global options (`usco`, `usco --no-cache`)? Then it asks for the help."""
    arguments = iter(args)
    for argument in arguments:
        if argument in _GLOBAL_WITH_VALUE:
            next(arguments, None)
        elif argument not in _GLOBAL_FLAGS and not argument.startswith(_GLOBAL_WITH_VALUE_JOINED):
            return False
    return True


def _invoked_command(args: list[str]) -> Optional[str]:
    """The subcommand named on the command line, skipping the global options before it."""
    arguments = iter(args)
    for argument in arguments:
        if argument in _GLOBAL_WITH_VALUE:
            next(arguments, None)
        elif not argument.startswith("-"):
            return argument
    return None


def main() -> None:
    """Run the app and leave with its exit status.

    Typer builds every command's parameters before running one (about 0.7 ms each), so
    a call that names a known command gets an app with that command alone, and without
    the root's --install-completion and --show-completion (about 2 ms to build); the
    module defining a command is imported only when it is named. Help, shell completion
    and unknown names see the full app.
    """
    streams.hold_standard_descriptors()
    streams.tolerate_narrow_encodings()
    args = _globals_first(sys.argv[1:])
    named = _invoked_command(args)
    if _only_global_options(args):  # bare `usco`: the help on stdout and exit 0, as gh does (design §3)
        args = [*args, "--help"]
    completing = "_USCO_COMPLETE" in os.environ or any(
        argument.partition("=")[0] in ("--install-completion", "--show-completion") for argument in args
    )
    commands = []
    if named in COMMAND_HOMES and not completing:
        commands = [
            info
            for info in _commands_of(COMMAND_HOMES[named]).registered_commands
            if (info.name or getattr(info.callback, "__name__", None)) == named
        ]
    target = app
    if not commands or completing:
        register_every_command()
    else:
        target = typer.Typer(**_APP_SETTINGS, add_completion=False)
        target.registered_callback = app.registered_callback
        target.registered_commands = commands
    if _paged(named, args, completing=completing):
        from usco.cli import pager

        with pager.held():
            _run(target, args)
    _run(target, args)


#: Commands that write files or show progress: their output never waits for a pager.
UNPAGED = ("import", "export", "check", "update")


def _paged(named: Optional[str], args: list[str], *, completing: bool) -> bool:
    """Does this call's output go to a pager when it is taller than the screen (design §4)?

    A reading command on a terminal, unless --no-pager (among the options, before any `--`)
    or the environment names no pager (USCO_PAGER=cat).
    """
    if completing or named not in COMMAND_HOMES or named in UNPAGED:
        return False
    if "--no-pager" in (args[: args.index("--")] if "--" in args else args):
        return False
    try:
        if sys.stdout is None or not sys.stdout.isatty():
            return False
    except (ValueError, OSError):
        return False
    from usco.cli import pager

    return pager.command() is not None


def _run(target: typer.Typer, args: list[str]) -> NoReturn:
    """Run *target* on *args* and leave with its exit status: every way out is a SystemExit."""
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
            silence(stdout)
            sys.exit(0)
        raise leaving from None
    except ClickException as error:  # click's usage errors: plain text, exit 2
        streams.close_options_only(error)
        streams.show_usage_error(error)
        sys.exit(error.exit_code)
    except OSError as error:
        # Only click writes outside write: its help. A full disk or a revoked stdout there.
        if error.errno not in (errno.ENOSPC, errno.EIO, errno.EBADF, errno.EFBIG, errno.EDQUOT, errno.EPIPE):
            raise
        silence(stdout)
        if error.errno == errno.EPIPE:
            sys.exit(0)
        say(f"cannot write output: {error.strerror or error}")
        sys.exit(1)
    sys.exit(status if isinstance(status, int) else 0)
