"""The shared listing options, declared once (usco.cli.options): which options each command
gets and in what order, the one object a command receives, and the checks made before it runs."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Annotated

import pytest
import typer
import typer.main
from typer.core import TyperArgument, TyperCommand, TyperGroup
from typer.testing import CliRunner, Result

from tests.conftest import app
from usco.cli.app import COMMAND_HOMES
from usco.cli.options import LISTING, SHARED, Options, listing_options
from usco.model import PartialDate
from usco.query.select import Filters, View
from usco.render.formats import OutputFormat

Usco = Callable[..., Result]

FILTERS = ["--since", "--until", "--topic", "--tag", "--source", "--source-kind", "--measure"]
VIEW = ["--as-of", "--history", "--latest"]
OUTPUT = ["--limit", "--columns", "--format", "--no-header"]
EVERY = [*FILTERS, "--regional", *VIEW, *OUTPUT]
#: The listings of facts in time order add --reverse (newest first) after --limit.
FACTS = [*FILTERS, "--regional", *VIEW, "--limit", "--reverse", "--columns", "--format", "--no-header"]

#: Each command's parameters as its help lists them: its own first (arguments by name), then the
#: shared ones in their one order. A command not here takes no shared option but --force.
EXPECTED = {
    "aid": [option for option in FACTS if option != "--topic"],
    "trade": [option for option in FACTS if option != "--topic"],
    "timeline": ["--all", *FACTS],
    "facts": FACTS,
    "search": ["words", *FACTS],
    "show": ["fact_id", "--as-of", "--format"],
    "series": ["measures", "--wide", "--since", "--until", "--as-of", "--history", *OUTPUT[1:]],
    "sources": EVERY,
    "topics": EVERY,
    "tags": EVERY,
    "measures": EVERY,
    "products": ["words", "--since", "--until", "--as-of", "--limit", "--columns", "--format", "--no-header"],
    "chart": ["measure", "--svg", "--force", "--since", "--until", "--as-of", "--history", "--format", "--no-header"],
    "releases": ["--remove", "--columns", "--format", "--no-header"],
    "export sqlite": ["file", "--current", "--force", *FILTERS, *VIEW],
    "export datapackage": ["directory", "--force", *FILTERS, *VIEW],
}


def _commands() -> Iterator[tuple[str, TyperCommand]]:
    """Every command the root app has, by COMMAND_HOMES (a group's commands under its name)."""
    root = typer.main.get_command(app)
    assert isinstance(root, TyperGroup)
    for name in COMMAND_HOMES:
        command = root.commands[name]
        if isinstance(command, TyperGroup):
            yield from ((f"{name} {sub}", each) for sub, each in command.commands.items())
        else:
            yield name, command


def _parameters(command: TyperCommand) -> list[str]:
    return [param.opts[0] for param in command.params]


COMMANDS = dict(_commands())
#: The commands that take --since: every listing, every export, series and chart.
DATED = sorted(name for name, command in COMMANDS.items() if "--since" in _parameters(command))


# ---------------------------------------------------------------- what each command gets


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_command_has_exactly_its_options_in_the_one_order(name: str) -> None:
    found = _parameters(COMMANDS[name])
    shared = {"--" + key.replace("_", "-") for key in SHARED} | {"--format"}
    if name in EXPECTED:
        assert found == EXPECTED[name]
    else:
        assert not (set(found) - {"--force"}) & shared, f"{name} takes shared options: add it to EXPECTED"


def test_every_listing_command_is_swept() -> None:
    assert set(DATED) == {name for name, options in EXPECTED.items() if "--since" in options}
    assert len(DATED) == 14  # 13, and products (issue #21)


def test_sources_has_its_own_history_help_and_the_others_keep_theirs(usco: Usco) -> None:
    own = "Count every version of revised figures (always: a source gives them)."
    shared = "Show every version of revised figures, oldest first."
    assert own in " ".join(usco("sources", "--help").stdout.split())  # help wraps the text
    for name in ("facts", "topics", "series", "chart"):
        text = " ".join(usco(name, "--help").stdout.split())
        assert shared in text and own not in text


# ---------------------------------------------------------------- the one object a command receives


def _fake(*names: str, **kwargs: dict[str, str]) -> tuple[typer.Typer, list[tuple[str, Options]]]:
    """A one-command app taking *names* after an argument of its own, and what its calls received."""
    seen: list[tuple[str, Options]] = []
    fake = typer.Typer(add_completion=False)

    @fake.command()
    @listing_options(*names, **kwargs)
    def listing(word: Annotated[str, typer.Argument()], *, options: Options) -> None:
        seen.append((word, options))

    return fake, seen


def test_a_command_receives_every_shared_option_in_one_object() -> None:
    fake, seen = _fake(*LISTING, "force")
    args = ["w", "--since", "2016", "--until", "2020-06", "--topic", "aid", "--topic", "trade", "--tag", "covid"]
    args += ["--source", "s", "--source-kind", "government", "--measure", "m", "--regional", "--as-of", "2021"]
    args += ["--history", "--latest", "--limit", "3", "--columns", "id,value", "-f", "json", "--no-header", "--force"]
    result = CliRunner().invoke(fake, args)
    assert result.exit_code == 0, result.output
    filters = Filters(
        since=PartialDate.parse("2016"),
        until=PartialDate.parse("2020-06"),
        topics=("aid", "trade"),
        tags=("covid",),
        sources=("s",),
        source_kinds=("government",),
        measures=("m",),
    )  # regional stays True: --regional is Options.regional, for the commands that apply it
    view = View(as_of=PartialDate.parse("2021"), history=True, latest=True, limit=3)
    output = {"columns": "id,value", "fmt": OutputFormat.JSON, "no_header": True, "force": True}
    assert seen == [("w", Options(filters, view, regional=True, **output))]


def test_options_not_given_or_not_taken_have_their_defaults() -> None:
    fake, seen = _fake("as_of", "fmt")
    assert CliRunner().invoke(fake, ["w"]).exit_code == 0
    assert seen == [("w", Options(Filters(), View()))]
    assert seen[0][1] == Options(Filters(), View(), regional=False, columns=None, fmt=None, no_header=False)


def test_the_shared_options_follow_the_commands_own_in_the_one_order() -> None:
    fake, _ = _fake("fmt", "since", "as_of", "force")  # asked in any order
    command = typer.main.get_command(fake)
    assert [param.opts[0] for param in command.params] == ["word", "--force", "--since", "--as-of", "--format"]
    assert isinstance(command.params[0], TyperArgument)


def test_until_before_since_is_a_usage_error_before_the_command_runs() -> None:
    fake, seen = _fake("since", "until")
    result = CliRunner().invoke(fake, ["w", "--since", "2020", "--until", "2010"])
    assert result.exit_code == 2
    assert "Invalid value: --until 2010 is before --since 2020" in result.output
    assert seen == []
    assert CliRunner().invoke(fake, ["w", "--since", "2020", "--until", "2020"]).exit_code == 0  # one year is fine


def test_a_help_text_of_its_own_leaves_the_shared_one_alone() -> None:
    fake, _ = _fake("history", "latest", help_for={"history": "Mine alone."})
    other, _ = _fake("history")
    assert "Mine alone." in CliRunner().invoke(fake, ["--help"]).output
    assert "Mine alone." not in CliRunner().invoke(other, ["--help"]).output


@pytest.mark.parametrize(
    ("names", "help_for"),
    [(("since", "nosuch"), {}), (("since",), {"until": "an option the command does not take"})],
)
def test_an_unknown_name_is_refused_when_the_module_loads(names: tuple[str, ...], help_for: dict[str, str]) -> None:
    with pytest.raises(ValueError, match="not a shared option of this command"):
        listing_options(*names, help_for=help_for)


def test_a_command_without_options_or_with_a_clashing_name_is_refused() -> None:
    def no_options(word: str) -> None: ...

    def clashing(since: str, *, options: Options) -> None: ...

    for command in (no_options, clashing):
        with pytest.raises(TypeError, match="must take `options`"):
            listing_options("since")(command)


# ---------------------------------------------------------------- every real command


@pytest.mark.parametrize("name", DATED)
def test_until_before_since_is_exit_2_for_every_dated_command(
    usco: Usco, small: Path, name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "cwd").mkdir()
    monkeypatch.chdir(tmp_path / "cwd")  # an export that ran anyway would write here
    arguments = ["x" for param in COMMANDS[name].params if isinstance(param, TyperArgument) and param.required]
    result = usco(*name.split(), *arguments, "--since", "2020", "--until", "2010", data=small)
    assert (result.exit_code, result.stdout) == (2, "")
    assert result.stderr.endswith("Error: Invalid value: --until 2010 is before --since 2020\n")
    assert f"Usage: usco {name} " in result.stderr
    assert list((tmp_path / "cwd").iterdir()) == []
