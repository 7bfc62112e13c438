"""The official release files behind the shipped series (data/series/), in one place.

scripts/regenerate-series makes data/series/ from this table, the release files and
the importers' registry (usco.importers); tests/test_imports.py checks that what is
shipped is exactly that, so the two cannot drift. An importer's file name and words
come from the registry; this table holds only what is known of each copy.
"""

from __future__ import annotations

from typing import NamedTuple

from usco.importers import find
from usco.importers.base import Release, shell_words


class ReleaseFile(NamedTuple):
    importer: str  # the importer's name (usco.importers.IMPORTERS), its `usco import` subcommand
    raw: str  # the release file, relative to the raw directory (../shared/raw)
    output: str  # the generated dataset file, relative to the repository
    sha256: str  # of the release file
    repository: str  # the public copy: GitHub owner/name ...
    commit: str  # ... at this commit ...
    path: str  # ... at this path
    release: Release
    dated: str = "the day the copy was committed; the file prints no date"  # how release.date was found, in words

    @property
    def copy_url(self) -> str:
        return f"https://github.com/{self.repository}/blob/{self.commit}/{self.path}"

    def command(self, raw_dir: str = "../shared/raw") -> str:
        """The command line that makes `output` from the release file."""
        words = ["usco", "import", self.importer, f"{raw_dir}/{self.raw}", "--date", self.release.date]
        if self.release.date_note is not None:
            words += ["--date-note", self.release.date_note]
        if self.release.url is not None:
            words += ["--url", self.release.url]
        if self.release.copy_url is not None:
            words += ["--copy-url", self.release.copy_url]
        return shell_words([*words, "--output", self.output])


def _note(what: str, repository: str, commit: str) -> str:
    return (
        f"{what[:1].upper()}{what[1:]} prints no date. This is the day the copy was committed to a public repository "
        f"({repository} at commit {commit[:7]}); the data were downloaded from the official site on or before it."
    )


def _copies(importer: str, folder: str, *copies: tuple[str, str, str, str, str]) -> tuple[ReleaseFile, ...]:
    """An importer's release files, each (day, sha256, repository, commit, path), kept in *folder* as NAME.DAY.EXT."""
    official = find(importer)
    stem, dot, extension = official.file_name.rpartition(".")
    files = []
    for day, sha256, repository, commit, path in copies:
        copy_url = f"https://github.com/{repository}/blob/{commit}/{path}"
        release = Release(day, _note(official.what, repository, commit), None, copy_url)
        raw = f"{folder}/{stem}.{day}{dot}{extension}"
        output = f"data/series/{importer}-{day}.toml"
        files.append(ReleaseFile(importer, raw, output, sha256, repository, commit, path, release))
    return tuple(files)


def _workbooks(importer: str, folder: str, *copies: tuple[str, str, str, str, str, str, str, str]
               ) -> tuple[ReleaseFile, ...]:  # fmt: skip
    """An importer's workbooks that date themselves, each (commit day, sha256, repository, commit, path, release
    day, its date note, how dated in a few words), kept in *folder* as NAME.COMMITDAY.EXT.

    The release day and the note are what usco.importers.workbook.workbook_date() reads in the file
    (tests/test_enduse_releases.py checks them against it).
    """
    official = find(importer)
    stem, dot, extension = official.file_name.rpartition(".")
    files = []
    for committed, sha256, repository, commit, path, day, note, dated in copies:
        copy_url = f"https://github.com/{repository}/blob/{commit}/{path}"
        raw = f"{folder}/{stem}.{committed}{dot}{extension}"
        output = f"data/series/{importer}-{day}.toml"
        release = Release(day, note, None, copy_url)
        files.append(ReleaseFile(importer, raw, output, sha256, repository, commit, path, release, dated))
    return tuple(files)


_CSV = "us_foreign_aid_country.csv"
RELEASES: tuple[ReleaseFile, ...] = (
    *_copies("foreignassistance", "foreignassistance",
        ("2021-04-18", "09cacc887fbde056a7672f4dd6700a5716c88f3a0523e9a0cae2d6e085879e81",
         "jessiejxyu2/ist526-1", "eebba8c127bd5d1dc28a522b272b2c7845f8e75f", _CSV),
        ("2022-06-09", "9b4b638e63adf8e98abc13e41f0c80fdf177e8c001d46b79530cd2b313de3f07",
         "DSKUS-Foreign-Aid/Foreign_Aid", "52256addb8d282adec8746e44168d05a6bec84e5", f"data/{_CSV}"),
        ("2022-10-08", "f908f5b01cf7d1f074d2b3fc020109ef35b31702617bb37b34eb73633537993a",
         "mr-ffrancis/Us-Aid-Analysis", "e54be13445b689997910fc42b7d53bb3feba57ea", _CSV),
        ("2023-09-29", "fc9b074c1f61336a061b5ee97f2e8088d97bdf122e1c0f3f911c5fc391e9a1ae",
         "lublog/ForeignAssistance", "fbcdca2f90cfe86155544f41c10d679fa4807372", f"data/{_CSV}"),
        ("2024-12-22", "158de23823329592b420b9569375ed1425df50fd5e9df469a05f113f659bd644",
         "soomin-lim819/UNSD-sustainable-development", "bf0391fb95a9671675db975073dbb69df1d1ba54", _CSV),
        ("2025-04-02", "4db61dd647b7fd66dd0542074b07499f2c2019b2b1ae4ea3c1bc2fc4a50eacc7",
         "kareemshub/final-project", "26fc5cc078b7e9a517c1d0262bb5dbf573a9408f", _CSV),
    ),
    *_copies("census-trade", "census",
        ("2022-05-11", "85ab46a41ff96e4d81d30b2471fd4692fde82fd686c8714d10829394e18535bd",
         "nancunjie4560/Data608", "ea9a0cd13e4beb0c13166eb5acff1fae1031ddee", "country.xlsx"),
        ("2023-03-19", "22dad55d911a74188dcc4cf29e0fd6e07463b6949aad633fa47aaca2d0e74176",
         "JJamesRoy/ECN3950", "cce8d5f134657220d7c7a45d8135f38b0581a761", "country.xlsx"),
        ("2024-11-01", "4b16c664bfc35e4c3bc3b9f169e372e522dd0cb8a1150669d5a83d672eaf8149",
         "cesinco/tableau-dashboard-extension-d3js", "bc24e2a48fa4738ce2d704d1e2a354199e31af1b", "country.xlsx"),
    ),
    # census-enduse-imports (issue #21): each workbook dates itself, as usco.importers.workbook reads it.
    *_workbooks("census-enduse-imports", "enduse",
        ("2024-11-10", "f3a066104b57b3177adfea20d04d3800e8ed17e7adb33bcbf773bff291920e6b",
         "redzone67/g", "a87a478b520c4b594ae1b0a06842c513f38f35ae", "enduse_imports.xlsx",
         "2024-11-10", "The workbook was re-saved on 2024-11-10 by someone outside the Census Bureau "
         "(docProps/core.xml's modified time; its zip entries carry no time): the data are no newer than that day, "
         "and the day the Census Bureau made them is unknown.",
         "the day the copy's committer re-saved the workbook, from its docProps/core.xml"),
        ("2026-04-14", "0cb950ca2ba7e3492a25a60ed3187d464c0e2e9a606f772e33bba6089de1739c",
         "iriswang-creator/US_Trade_Analytics_", "224dd77dd58dba8900036a17e5439ff88903a5c6", "enduse_imports.xlsx",
         "2026-02-17", "The day the workbook was last saved by Census Bureau staff, 2026-02-17 (docProps/core.xml's "
         "modified time); its zip entries carry no time.",
         "the day Census Bureau staff last saved the workbook, from its docProps/core.xml"),
    ),
)  # fmt: skip

BEGIN = "<!-- BEGIN releases: generated by scripts/regenerate-series from src/usco/imports/releases.py -->"
END = "<!-- END releases -->"


def releases_section() -> str:
    """The part of data/series/RELEASES.md that lists the releases (between BEGIN and END)."""
    lines = [BEGIN, ""]
    for item in RELEASES:
        name = item.output.removeprefix("data/series/")
        lines += [
            f"### {name}",
            "",
            f"- release file: `{item.raw}`",
            f"- sha256: `{item.sha256}`",
            f"- date: {item.release.date} ({item.dated})",
            f"- copy: {item.copy_url}",
            "- command:",
            "",
            "  ```sh",
            f"  {item.command()}",
            "  ```",
            "",
        ]
    return "\n".join([*lines, END])
