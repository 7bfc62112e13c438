"""usco: sourced facts about United States–Colombia relations, as a library and a CLI.

    import usco
    data = usco.load()
    rows = data.facts(topic="aid", since="2016")
    rows[0].to_dict()        # the JSON object of `usco facts -f json`

The names below are loaded on first use, so `usco --version` and every CLI call
pay nothing for the parts they do not touch.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

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
