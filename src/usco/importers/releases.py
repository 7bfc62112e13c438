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
from usco.importers.workbook import GENERATED, RESAVED, SAVED_BY_PUBLISHER, described


class ReleaseFile(NamedTuple):
    importer: str  # the importer's name (usco.importers.IMPORTERS), its `usco import` subcommand
    raw: str  # the release file, relative to the raw directory (../shared/raw)
    output: str  # the generated dataset file, relative to the repository
    sha256: str  # of the release file
    repository: str  # the public copy: GitHub owner/name ...
    commit: str  # ... at this commit ...
    path: str  # ... at this path
    release: Release
    committed: str  # the day the copy was committed (the release's date when the file says none)

    @property
    def copy_url(self) -> str:
        return f"https://github.com/{self.repository}/blob/{self.commit}/{self.path}"

    def command(self, raw_dir: str = "../shared/raw") -> str:
        """The command line that makes `output` from the release file."""
        words = ["usco", "import", self.importer, f"{raw_dir}/{self.raw}"]
        if self.release.evidence is None:  # else the file dates itself (design §6)
            words += ["--date", self.release.date]
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
    return tuple(_copy(importer, folder, day, *copy) for day, *copy in copies)


def _copy(importer: str, folder: str, day: str, sha256: str, repository: str, commit: str, path: str,
          more: str = "") -> ReleaseFile:  # fmt: skip
    """A release file that prints no date, dated by the day its copy was committed (*more*: said in its note)."""
    official = find(importer)
    stem, dot, extension = official.file_name.rpartition(".")
    copy_url = f"https://github.com/{repository}/blob/{commit}/{path}"
    note = _note(official.what, repository, commit) + (f" {more}" if more else "")
    release = Release(day, note, None, copy_url)
    raw = f"{folder}/{stem}.{day}{dot}{extension}"
    output = f"data/series/{importer}-{day}.toml"
    return ReleaseFile(importer, raw, output, sha256, repository, commit, path, release, day)


def _dated_copies(importer: str, folder: str, *copies: tuple[str, str, str, str, str, str, str],
                  ) -> tuple[ReleaseFile, ...]:  # fmt: skip
    """Release files that date themselves (design §6), each (day committed, day the file says, its evidence,
    sha256, repository, commit, path), kept in *folder* as NAME.COMMITTED.EXT and written as IMPORTER-DAY.toml.

    The day and evidence are what ../shared/raw/README.md says of each file; the regeneration
    test checks them against what the importer reads in the file.
    """
    official = find(importer)
    stem, dot, extension = official.file_name.rpartition(".")
    files = []
    for committed, day, evidence, sha256, repository, commit, path in copies:
        copy_url = f"https://github.com/{repository}/blob/{commit}/{path}"
        release = Release(day, None, None, copy_url, evidence=described(day, evidence).note)
        raw = f"{folder}/{stem}.{committed}{dot}{extension}"
        output = f"data/series/{importer}-{day}.toml"
        files.append(ReleaseFile(importer, raw, output, sha256, repository, commit, path, release, committed))
    return tuple(files)


# The 2025-11-29 copy's release day is known only within a window (../shared/raw/README.md).
_FA_2025_11_29 = (
    "ForeignAssistance.gov published this release on a day that is unknown: after its release of 2025-04-02 "
    "(this one's constant dollars are based on FY2024, and its figures revise that release's) and no later "
    "than this day. Fiscal year 2025 ended on 2025-09-30 and may not have been over when the data were "
    "published: its figures (provisional here, by the status rule) may cover only part of it."
)

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
    _copy("foreignassistance", "foreignassistance",
        "2025-11-29", "a8bbd039dd1eadc4e49a0e3a2625e122d5835c5af6b1e2bed9f02d442a40d5e7",
        "ltadikonda2007/Personal-data-set-project", "2aceea2cd9fdb45c91c00cfd76e9944ec35c86b3", _CSV, _FA_2025_11_29),
    # Census workbooks date themselves (design §6): the day generated, or a re-save day.
    *_dated_copies("census-trade", "census",
        ("2018-10-18", "2018-10-01", GENERATED, "8add5b662cd1087454dba2550e3d438d7ef934c170492d8d03fee97a18c58d83",
         "mgmontella/preci.gov1005.2018", "ed154f733b783ca4b4980199edbc6626b3121703", "country.xlsx"),
        ("2020-10-25", "2020-09-29", GENERATED, "de67e22c0fd8643162ecf970906d93cc12663f14565b0ce16d73210b1ca4a876",
         "Kamol-Roy/Data_Incumbator_Project", "fb2d7b31e4c1b33f144b70eecd44de692eadc053", "country.xlsx"),
        ("2022-05-11", "2022-03-26", RESAVED, "85ab46a41ff96e4d81d30b2471fd4692fde82fd686c8714d10829394e18535bd",
         "nancunjie4560/Data608", "ea9a0cd13e4beb0c13166eb5acff1fae1031ddee", "country.xlsx"),
        ("2023-03-19", "2023-03-01", GENERATED, "22dad55d911a74188dcc4cf29e0fd6e07463b6949aad633fa47aaca2d0e74176",
         "JJamesRoy/ECN3950", "cce8d5f134657220d7c7a45d8135f38b0581a761", "country.xlsx"),
        ("2024-11-01", "2024-07-29", GENERATED, "4b16c664bfc35e4c3bc3b9f169e372e522dd0cb8a1150669d5a83d672eaf8149",
         "cesinco/tableau-dashboard-extension-d3js", "bc24e2a48fa4738ce2d704d1e2a354199e31af1b", "country.xlsx"),
        ("2024-11-03", "2024-10-01", GENERATED, "49fba52fce012400cddf8baf7956eaf9d7bc8ff2514f8d52a56e01085345e530",
         "ooihiangee/raw_data", "5638023c317052c7581224ffe1872ac8ec751bbb", "country.xlsx"),
        ("2026-04-14", "2026-03-04", GENERATED, "767bfb694e25e9662fac212b0644ad3b915712c393f57e1f15ebcb6aeb408dc6",
         "iriswang-creator/US_Trade_Analytics_", "224dd77dd58dba8900036a17e5439ff88903a5c6", "country.xlsx"),
    ),
    # census-enduse-imports (issue #21): each workbook dates itself too.
    *_dated_copies("census-enduse-imports", "enduse",
        ("2024-11-10", "2024-11-10", RESAVED, "f3a066104b57b3177adfea20d04d3800e8ed17e7adb33bcbf773bff291920e6b",
         "redzone67/g", "a87a478b520c4b594ae1b0a06842c513f38f35ae", "enduse_imports.xlsx"),
        ("2026-04-14", "2026-02-17", SAVED_BY_PUBLISHER,
         "0cb950ca2ba7e3492a25a60ed3187d464c0e2e9a606f772e33bba6089de1739c",
         "iriswang-creator/US_Trade_Analytics_", "224dd77dd58dba8900036a17e5439ff88903a5c6", "enduse_imports.xlsx"),
    ),
)  # fmt: skip

BEGIN = "<!-- BEGIN releases: generated by scripts/regenerate-series from src/usco/importers/releases.py -->"
END = "<!-- END releases -->"


def _date_line(item: ReleaseFile) -> str:
    if item.release.evidence is None:
        return f"{item.release.date} (the day the copy was committed; the file prints no date)"
    day, evidence = item.release.date, item.release.evidence
    return f"{day}, from the file itself (the copy was committed {item.committed}): {evidence}"


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
            f"- date: {_date_line(item)}",
            f"- copy: {item.copy_url}",
            "- command:",
            "",
            "  ```sh",
            f"  {item.command()}",
            "  ```",
            "",
        ]
    return "\n".join([*lines, END])
