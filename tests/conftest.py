"""Fixtures: a folder and a cache directory per test, small datasets written there, and `usco` in-process.

The datasets themselves, the installed `usco` and the paths are in tests/helpers.py.
"""

from __future__ import annotations

import functools
import gc
import itertools
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
import typer.main
import typer.testing
from typer.testing import CliRunner, Result

from tests.helpers import SMALL, SOURCES, with_series, write  # noqa: F401 (SOURCES: for tests that import it from here)
from usco.cli.app import register_every_command

app = register_every_command()  # every command, as `usco` itself has them for help and completion

# Fewer, larger garbage collections. With Python's default thresholds (700, 10, 10) a run of the
# fast tests made about 1,200 collections, 1.2 s of it on a 2-core machine, most of that spent
# walking again the objects that importing and collecting the tests keep alive. These thresholds
# free the same garbage in under 100 collections.
gc.set_threshold(50_000, 20, 20)


@pytest.fixture(scope="session")
def _new_test_folder(tmp_path_factory: pytest.TempPathFactory) -> Callable[[str], Path]:
    """Make <base>/tests/<number>-<name>: a test's own folder, in pytest's base folder for the run."""
    folder = tmp_path_factory.mktemp("tests", numbered=False)
    numbers = itertools.count()

    def make(name: str) -> Path:
        path = folder / (f"{next(numbers)}-" + re.sub(r"\W", "_", name)[:30])
        path.mkdir()
        return path

    return make


@pytest.fixture
def tmp_path(_new_test_folder: Callable[[str], Path], request: pytest.FixtureRequest) -> Path:
    """A new, empty folder for each test, as pytest's own tmp_path gives, for less: pytest's lists
    the run's base folder to number each new one and points a "<name>current" symlink at it, which
    for some 500 tests on a slow disk cost about 0.5 s a run. This one is a single mkdir in the same
    base folder (which pytest keeps for 3 runs, as it keeps its own tmp_path folders)."""
    return _new_test_folder(request.node.name)


@pytest.fixture
def write_dataset(tmp_path: Path) -> Callable[[str], Path]:
    """Write TOML text (dedented) to a fresh file and return its path."""
    counter = iter(range(1000))
    return lambda text: write(tmp_path, f"dataset-{next(counter)}.toml", text)


@pytest.fixture
def small(write_dataset: Callable[[str], Path]) -> Path:
    return write_dataset(SMALL)


@pytest.fixture(scope="session")
def official_series(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of data/series/*.toml and one file including them all: a big valid dataset (about 1,000
    facts, most of them revised by later releases, with partial, provisional and planned figures)."""
    return with_series(tmp_path_factory.mktemp("official-series"), "*.toml", name="series.toml")


@pytest.fixture
def usco(monkeypatch: pytest.MonkeyPatch) -> Callable[..., Result]:
    """Run `usco ARGS` in-process, stdout and stderr kept apart."""
    monkeypatch.delenv("USCO_DATA", raising=False)

    def run(*args: str, data: Path | None = None, env: dict[str, str] | None = None) -> Result:
        argv = (["--data", str(data)] if data else []) + list(args)
        return CliRunner().invoke(app, argv, env=env)

    return run


@pytest.fixture(scope="session", autouse=True)
def _app_built_once() -> Iterator[None]:
    """Build the click command for `app` once per run, not on every CliRunner().invoke(app, ...).

    typer.testing.CliRunner.invoke calls typer.main.get_command(app), which rebuilds every
    command's parameters (about 25 ms here) on each call; the tests make hundreds of calls
    and none changes the app. The command built is the one Typer would build each time.
    """
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(typer.testing, "_get_command", functools.cache(typer.main.get_command))
        yield


@pytest.fixture(scope="session")
def _cache_names(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """Names for the tests' cache directories: one folder per run, a new name inside it per test."""
    folder = tmp_path_factory.mktemp("caches")
    return (folder / str(number) for number in itertools.count())


@pytest.fixture(autouse=True)
def _private_cache(_cache_names: Iterator[Path], monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own cache directory (subprocesses inherit it), not there yet: usco makes it
    when it first writes a cache, as on a user's first run. A test that reads no dataset makes no
    directory (tmp_path_factory.mktemp, one per test, cost more than a second a run)."""
    directory = next(_cache_names)
    monkeypatch.setenv("XDG_CACHE_HOME", str(directory))
    monkeypatch.delenv("USCO_NO_CACHE", raising=False)
    # Your own releases (design §7) live in the user data folder: each test has an empty one of
    # its own (made only when a test keeps a release), so a developer's releases never leak in.
    monkeypatch.setenv("XDG_DATA_HOME", str(directory / "data"))
    monkeypatch.delenv("USCO_NO_USER_RELEASES", raising=False)
    return directory


@pytest.fixture(scope="session", autouse=True)
def _run_cache(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """The run's shared cache directory, which is also the cache outside any test: a module or
    session fixture that loads a dataset writes its cache here, never in the user's own cache."""
    directory = tmp_path_factory.mktemp("shared-cache")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("XDG_CACHE_HOME", str(directory))
        patch.delenv("USCO_NO_CACHE", raising=False)
        patch.setenv("XDG_DATA_HOME", str(directory / "data"))  # no user releases (design §7) outside a test
        patch.delenv("USCO_NO_USER_RELEASES", raising=False)
        yield directory


@pytest.fixture
def shared_cache(_private_cache: Path, _run_cache: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """One cache directory for the whole run, instead of the test's own, for tests that read big
    datasets no test changes (the shipped data, the official series): the first test that reads one
    parses it and writes its cache, later tests read the cache, as a user's second query does. Tests
    about the cache itself keep their private directory."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(_run_cache))
    return _run_cache


# Hypothesis profiles ("default", "long") for the fuzz tests: registered here, before
# pytest's configure step loads the one named by --hypothesis-profile.
from tests import hypothesis_profiles  # noqa: E402, F401
