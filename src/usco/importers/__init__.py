"""Importers of official release files (design §6): bytes in, the TOML text of a dataset file out.

Pure functions: no printing, no files, the same bytes for the same input. openpyxl is
imported only when a Census workbook is read.
"""

from __future__ import annotations

from usco.importers.base import ImportFormatError, Release
from usco.importers.census_trade import import_census_trade
from usco.importers.foreignassistance import import_foreignassistance

__all__ = ["ImportFormatError", "Release", "import_census_trade", "import_foreignassistance"]
