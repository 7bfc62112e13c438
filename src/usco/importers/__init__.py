"""The importers of official release files (design §6), and their registry.

Each kind of official file is one importer module defining one importer object (the
`Importer` protocol below): its name, the file it reads and where that is served, the
measures it writes, how it recognises its file, how it dates a release, and `convert`,
a pure function from the file's bytes to the TOML text of a dataset file (no printing,
no files, the same bytes for the same input). IMPORTERS lists them; `usco import NAME`,
the table of shipped releases (releases.py), scripts/regenerate-series and its test all
read it. A new official file is its module and one line in IMPORTERS.

Importing this package does not import openpyxl: a workbook's importer imports it only
when it reads a workbook.
"""

from __future__ import annotations

from typing import Protocol

from usco.importers import census_enduse, census_trade, foreignassistance
from usco.importers.base import FileDate, ImportFormatError, MissingLibraryError, NoDateError, Release, dated
from usco.importers.census_enduse import import_census_enduse_imports
from usco.importers.census_trade import import_census_trade
from usco.importers.foreignassistance import import_foreignassistance
from usco.model import UscoError

__all__ = [
    "IMPORTERS",
    "FileDate",
    "ImportFormatError",
    "Importer",
    "MissingLibraryError",
    "NoDateError",
    "Release",
    "UnknownImporterError",
    "dated",
    "find",
    "import_census_enduse_imports",
    "import_census_trade",
    "import_foreignassistance",
]


class Importer(Protocol):
    """One kind of official release file."""

    @property
    def name(self) -> str:
        """The `usco import` subcommand: "census-trade"."""

    @property
    def what(self) -> str:
        """The file in words, for messages and the data notes: "the Census Bureau's country.xlsx"."""

    @property
    def file_name(self) -> str:
        """The official file's name: "country.xlsx"."""

    @property
    def url(self) -> str:
        """Where the publisher serves the file (design §6's table)."""

    @property
    def measures(self) -> tuple[str, ...]:
        """The ids of the measures it writes."""

    @property
    def summary(self) -> str:
        """The command's one-line help, in `usco import --help`."""

    @property
    def help(self) -> str:
        """The command's help text, in `usco import NAME --help` (click's rules: a line of `\\b` keeps lines)."""

    def detect(self, content: bytes) -> bool:
        """Is this its kind of file? Cheap: the header or the sheet names, never the whole file."""

    def date(self, content: bytes) -> FileDate | None:
        """The day the file itself says it was generated, with that evidence in words; None when it says none.

        Cheap (a workbook's zip directory, never its sheets) and never raises: a file that is
        not its kind says no day, and convert() tells why.
        """

    def convert(self, content: bytes, release: Release) -> str:
        """The TOML text of a dataset file; ImportFormatError (one line) when the file is not its kind."""


#: Every importer, in the order `usco import --help` lists them.
IMPORTERS: tuple[Importer, ...] = (
    foreignassistance.IMPORTER,
    census_trade.IMPORTER,
    census_enduse.IMPORTER,
)


class UnknownImporterError(UscoError, LookupError):
    """No importer has this name."""


def find(name: str) -> Importer:
    """The importer called *name*; UnknownImporterError (naming the known ones) if there is none."""
    for importer in IMPORTERS:
        if importer.name == name:
            return importer
    known = ", ".join(importer.name for importer in IMPORTERS)
    raise UnknownImporterError(f"no importer is called {name!r}; the importers are {known}")
