"""The installed `usco` in a subprocess: real pipes, a pseudo-terminal, signals, a wheel install."""

from __future__ import annotations

import json
import re
import signal
import subprocess
import sys
import time
import venv
from pathlib import Path

import pytest

from tests.helpers import REPO, SMALL, SOURCES, USCO, environment, run
from tests.terminal import run_in_pty

# every test runs the installed script in a subprocess or on a pseudo-terminal
pytestmark = [pytest.mark.slow, pytest.mark.installed]

COLOUR = re.compile(r"\x1b\[[0-9;]*(?:3[0-9]|9[0-7]|38;)[0-9;]*m")  # a foreground colour SGR


def _many_facts(path: Path, count: int) -> Path:
    facts = "".join(
        f'[[facts]]\nid = "fact-{i}"\ntopic = "aid"\ntext = "Generated fact number {i} for a long listing"\n'
        f'value = {i + 1}\nunit = "USD"\ndate = "{2000 + i % 20}"\nsource = "sheet-2020"\n\n'
        for i in range(count)
    )
    path.write_text(SOURCES + facts, encoding="utf-8")
    return path


LONG_ID = "bilateral-assistance-two-decades-2020"
#: SMALL and one figure with a long id, so that a narrow terminal has something to keep whole.
DATASET = (
    SMALL
    + f"""
[[facts]]
id        = "{LONG_ID}"
topic     = "aid"
text      = "U.S. assistance to Colombia over two decades"
value     = 10_000_000_000
unit      = "USD"
qualifier = "more_than"
date      = "2000"
end       = 2020-09-18
source    = "sheet-2020"
"""
)


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> str:
    path = tmp_path_factory.mktemp("installed") / "facts.toml"
    path.write_text(DATASET, encoding="utf-8")
    return str(path)


def test_piped_default_is_tsv_without_escape_codes(data: str) -> None:
    result = run("--data", data, "aid", "--since", "2016")
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("id\ttopic\tdate\tend\tstatus\tvalue")
    assert "\x1b" not in result.stdout and result.stderr == ""
    expected = "covid-total\taid\t2020\t2020-09-18\tfinal\t23600000\tUSD\tmore_than"
    assert any(line.startswith(expected) for line in lines)


def test_json_through_a_real_pipe_parses(data: str) -> None:
    result = run("trade", "-f", "json", env=environment(USCO_DATA=data))
    facts = json.loads(result.stdout)
    assert {fact["id"] for fact in facts} == {"trade-2019"}


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["facts", "--bogus"], "No such option: --bogus"),
        (["facts", "--since", "abc"], "'abc' is not a date"),
        (["facts", "--since", "2020", "--until", "2010"], "--until 2010 is before --since 2020"),
        (["nonsense"], "No such command 'nonsense'"),
    ],
)
def test_usage_errors_exit_2_with_a_plain_message(data: str, args: list[str], expected: str) -> None:
    """Through the installed script, not CliRunner: main() turns click's errors into text and exit 2."""
    result = run("--data", data, *args)
    assert (result.returncode, result.stdout) == (2, ""), result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.stderr and "╭" not in result.stderr


def test_python_dash_m_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "usco", "--version"], capture_output=True, text=True, env=environment(), check=False
    )
    assert result.returncode == 0 and result.stdout.startswith("usco ")


def test_closed_pipe_ends_quietly(tmp_path: Path) -> None:
    data = _many_facts(tmp_path / "many.toml", 3000)  # far more output than a pipe buffer holds
    process = subprocess.Popen(
        [USCO, "--data", str(data), "facts"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=environment()
    )
    assert process.stdout is not None and process.stderr is not None
    first = process.stdout.readline()
    process.stdout.close()  # what `| head -1` does
    code = process.wait(timeout=30)
    stderr = process.stderr.read().decode()
    assert first.startswith(b"id\t")
    assert code == 0
    assert stderr == ""


@pytest.mark.timing
def test_ctrl_c_exits_130_quietly(tmp_path: Path) -> None:
    data = _many_facts(tmp_path / "big.toml", 60000)  # seconds of parsing: time to interrupt
    process = subprocess.Popen(
        [USCO, "--data", str(data), "facts", "-f", "json"],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=environment(USCO_NO_CACHE="1"),
    )
    time.sleep(0.8)
    process.send_signal(signal.SIGINT)
    stdout, stderr = process.communicate(timeout=60)
    assert process.returncode == 130
    assert b"Traceback" not in stderr
    assert stdout == b""


def test_table_on_a_terminal_has_colour_and_whole_ids(data: str) -> None:
    code, screen = run_in_pty(
        ["--data", data, "aid", "--since", "2016"], environment(TERM="xterm-256color"), columns=140
    )
    assert code == 0, screen
    assert COLOUR.search(screen), "no colour on a terminal"
    plain = re.sub(r"\x1b\[[0-9;]*m", "", screen)
    assert "more than $23.6 million" in plain
    assert "covid-total" in plain
    assert "id\ttopic" not in plain  # a table, not TSV


@pytest.mark.parametrize("env", [{"NO_COLOR": "1"}, {"TERM": "dumb"}], ids=["NO_COLOR", "TERM=dumb"])
def test_no_colour_when_asked(data: str, env: dict[str, str]) -> None:
    code, screen = run_in_pty(["--data", data, "aid"], environment(**{"TERM": "xterm-256color", **env}))
    assert code == 0, screen
    assert "more than $23.6 million" in screen
    assert not COLOUR.search(screen)


def test_force_color_when_piped(data: str) -> None:
    result = run("--data", data, "aid", "-f", "table", env=environment(FORCE_COLOR="1", TERM="xterm-256color"))
    assert COLOUR.search(result.stdout)


def test_narrow_terminal_keeps_ids_and_figures_whole(data: str) -> None:
    code, screen = run_in_pty(["--data", data, "aid"], environment(TERM="xterm-256color", NO_COLOR="1"), columns=60)
    assert code == 0, screen
    lines = re.sub(r"\x1b\[[0-9;]*m", "", screen).splitlines()
    assert any(line.strip() == LONG_ID for line in lines)
    assert any("more than $10 billion" in line for line in lines)


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_finds_its_data_from_anywhere(tmp_path: Path) -> None:
    """A non-editable install carries data/facts.toml inside the package."""
    wheels = tmp_path / "wheels"
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(REPO)],
        check=True,
        capture_output=True,
    )
    (wheel,) = wheels.glob("usco-*.whl")
    env_dir = tmp_path / "venv"
    venv.create(env_dir)  # without pip of its own (ensurepip took 8 s here): this pip installs into it
    install = [sys.executable, "-m", "pip", "--python", str(env_dir / "bin" / "python"), "install", "-q", str(wheel)]
    subprocess.run(install, check=True, capture_output=True)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    check = subprocess.run(
        [env_dir / "bin" / "usco", "check"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=environment(),
        check=False,
    )
    # Whether the shipped dataset is clean is tests/test_shipped_data.py's to say; here: that the wheel
    # carries it and every file it includes (no "no such file"), and that usco finds it from anywhere.
    said = check.stdout + check.stderr
    assert check.returncode in (0, 1) and "Traceback" not in said, said
    assert "site-packages/usco/data/facts.toml" in said
    assert "no such file" not in said
    packaged = next(env_dir.glob("lib/python*/site-packages/usco/data"))
    assert sorted(path.name for path in (packaged / "series").glob("*.toml")) == sorted(
        path.name for path in (REPO / "data" / "series").glob("*.toml")
    )
    if check.returncode != 0:
        return
    aid = subprocess.run(
        [env_dir / "bin" / "usco", "aid", "--since", "2016", "-f", "json"],
        cwd=elsewhere,
        capture_output=True,
        text=True,
        env=environment(),
        check=False,
    )
    assert "covid-assistance-2020" in {fact["id"] for fact in json.loads(aid.stdout)}


def test_editable_or_checkout_install_finds_the_repository_data(tmp_path: Path) -> None:
    """The test environment is the README's editable install: it must read data/facts.toml.

    (Whether that dataset is clean is tests/test_shipped_data.py's to say.)
    """
    check = run("check", cwd=tmp_path)
    said = check.stdout + check.stderr
    assert check.returncode in (0, 1) and "Traceback" not in said, said
    installed_as_wheel = "site-packages/usco/data" in said
    assert installed_as_wheel or str(REPO / "data" / "facts.toml") in said
    assert "no such file" not in said


def test_a_piped_listing_from_the_cache_loads_only_what_it_uses(tmp_path: Path) -> None:
    """Start-up is most of a call: a cached `usco aid -f json` parses no TOML, draws nothing, counts nothing.

    The exact set of usco's modules is pinned, so a new eager import fails here. (-X importtime
    cannot say it: usco leaves without the interpreter's teardown, and the report's last lines
    are lost with it; the command runs in-process here and sys.modules is read after it.)
    """
    env = environment(XDG_CACHE_HOME=str(tmp_path / "cache"))
    script = (
        "import sys; sys.argv = ['usco', 'aid', '--since', '2016', '-f', 'json']\n"
        "from usco.cli.app import main\n"
        "try:\n    main()\nexcept SystemExit:\n    pass\n"
        "print(*sorted(sys.modules), sep='\\n', file=sys.stderr)\n"
    )
    command = [sys.executable, "-c", script]
    subprocess.run(command, capture_output=True, check=True, env=env)  # writes the cache
    result = subprocess.run(command, capture_output=True, text=True, check=True, env=env)
    modules = set(result.stderr.splitlines())
    assert {module for module in modules if module.split(".")[0] == "usco"} == {
        "usco", "usco.version", "usco.model", "usco.text", "usco.fields", "usco.records", "usco.reading",
        "usco.dataset", "usco.dataset.load", "usco.dataset.cache", "usco.dataset.codec", "usco.dataset.segments",
        "usco.query", "usco.query.select", "usco.api", "usco.user", "usco.user.store",
        "usco.render", "usco.render.formats", "usco.render.listings",
        "usco.cli", "usco.cli.app", "usco.cli.streams", "usco.cli.boundary", "usco.cli.options", "usco.cli.listings",
    }  # fmt: skip
    # nor the libraries of `usco update`: finding your own releases is two environment variables and a folder
    assert not modules & {"tomllib", "tomli", "rich", "openpyxl", "csv", "typer.rich_utils", "httpx", "platformdirs"}
    assert json.loads(result.stdout)[0]["topic"] == "aid"
