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
def _quiet_interrupt_from_the_start() -> None:
    """Run as the `usco` command, a Ctrl-C from here until cli.main() takes over exits 130, quietly.

    This runs as the launcher's `from usco.__main__ import main` begins, before any
    other usco code; _signal and os are already loaded by the interpreter, so it costs
    nothing. A library user's SIGINT handling is left alone. Before this point the
    interpreter's own start-up remains (see bench/sigint_sweep.py).
    """
    import _signal  # type: ignore[import-not-found]  # builtin, like signal without its enum set-up
    import os
    import sys

    name = (sys.argv[0] if sys.argv else "").replace("\\", "/").rsplit("/", 1)[-1]
    if name.removesuffix(".exe").removesuffix("-script.py") not in ("usco", "-m"):
        return
    if _signal.getsignal(_signal.SIGINT) is _signal.default_int_handler:
        _signal.signal(_signal.SIGINT, lambda number, frame: os._exit(130))


_quiet_interrupt_from_the_start()

from typing import TYPE_CHECKING, Any  # noqa: E402

__version__ = "0.2.0"
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
    from usco.query import Row

_HOMES = {"ArgumentError": "api", "Data": "api", "load": "api", "Row": "query"}


def __getattr__(name: str) -> Any:
    if name not in __all__:
        raise AttributeError(f"module 'usco' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(f"usco.{_HOMES.get(name, 'model')}"), name)
