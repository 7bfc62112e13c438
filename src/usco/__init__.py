"""usco: sourced facts about United States–Colombia relations, as a library and a CLI.

    import usco
    data = usco.load()
    rows = data.facts(topic="aid", since="2016")
    rows[0].to_dict()        # the JSON object of `usco facts -f json`

The names below are loaded on first use, so `usco --version` and every CLI call
pay nothing for the parts they do not touch.
"""


# The first statement on purpose: no import from disk before it (even `from __future__`
# loads a module), so the window in which Ctrl-C could print a traceback closes here.
def _start_as_the_command() -> None:
    """Run as the `usco` command: Ctrl-C exits 130 quietly from here on, and no cyclic GC.

    This runs as the launcher's `from usco.__main__ import run` begins, before any
    other usco code; _signal, os and sys are already loaded by the interpreter, so it
    costs nothing (gc is not: it is imported once SIGINT is handled). A library user's
    process is left alone.

    - SIGINT: from here until cli.main() takes over, it exits 130 at once. Before this
      point the interpreter's own start-up remains (see bench/sigint_sweep.py).
    - The cyclic garbage collector finds nothing to free in a command's life: modules
      and classes live until exit, and usco's data (tuples of strings and numbers) holds
      no cycles, so reference counting frees it. Its passes over every object cost
      more than usco's whole query (19 ms of a 191 ms call on the shipped data; 1.8 s of
      4 s at 100,000 facts) for 0-6% less peak memory (bench/run.py measures both).
    """
    import _signal  # type: ignore[import-not-found]  # builtin, like signal without its enum set-up
    import os
    import sys

    name = (sys.argv[0] if sys.argv else "").replace("\\", "/").rsplit("/", 1)[-1]
    if name.removesuffix(".exe").removesuffix("-script.py") not in ("usco", "-m"):
        return
    if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
        _signal.signal(_signal.SIGINT, lambda number, frame: os._exit(130))
    import gc

    gc.disable()


_start_as_the_command()

from typing import TYPE_CHECKING, Any  # noqa: E402

from usco.version import __version__ as __version__  # noqa: E402  (re-exported)

__all__ = [
    "ArgumentError",
    "Data",
    "Dataset",
    "DatasetError",
    "DatasetReadError",
    "Fact",
    "Measure",
    "OutputError",
    "PartialDate",
    "QueryError",
    "Row",
    "Source",
    "UscoError",
    "load",
]

if TYPE_CHECKING:
    from usco.api import ArgumentError, Data, load
    from usco.model import (
        Dataset,
        DatasetError,
        DatasetReadError,
        Fact,
        Measure,
        OutputError,
        PartialDate,
        QueryError,
        Source,
        UscoError,
    )
    from usco.records import Row

_HOMES = {"ArgumentError": "api", "Data": "api", "load": "api", "Row": "records"}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'usco' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"usco.{_HOMES.get(name, 'model')}"), name)
