"""The first call after the data changed parses only the files that changed (issue #26), and
answers and reports problems exactly as a build of every file does."""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from tests import helpers
from tests.helpers import FACTS, MEASURES, SOURCES
from usco.dataset import incremental, parts
from usco.dataset import load as dataset
from usco.model import DatasetError

EXTRA_FACT = """
[[facts]]
id        = "trade-2020"
topic     = "trade"
text      = "Two-way goods trade in 2020"
value     = 28_000_000_000
unit      = "USD"
date      = "2020"
source    = "sheet-2020"
"""


@pytest.fixture
def split(tmp_path: Path) -> Path:
    """SMALL in three files: one with the sources, one with the measure, one with the facts."""
    helpers.write(tmp_path, "sources.toml", SOURCES)
    helpers.write(tmp_path, "measures.toml", MEASURES)
    helpers.write(tmp_path, "facts.toml", FACTS)
    return helpers.write(tmp_path, "main.toml", 'include = ["sources.toml", "measures.toml", "facts.toml"]\n')


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the files a build parses, in order."""
    names: list[str] = []
    real = incremental.parse_bytes

    def counting(path: Path, content: bytes) -> object:
        names.append(path.name)
        return real(path, content)

    monkeypatch.setattr(incremental, "parse_bytes", counting)
    return names


def _edit(path: Path, text: str) -> None:
    """Append *text* to the file at *path*."""
    with path.open("a", encoding="utf-8") as out:
        out.write(text)


def test_a_rebuild_parses_only_the_file_that_changed(split: Path, parsed: list[str], _private_cache: Path) -> None:
    first = dataset.load(split)
    assert parsed == ["main.toml", "sources.toml", "measures.toml", "facts.toml"]
    assert first == dataset.load(split, use_cache=False)
    assert len(list((_private_cache / "usco" / "parts").glob("*.part"))) == 4

    parsed.clear()
    _edit(split.parent / "facts.toml", EXTRA_FACT)
    second = dataset.load(split)
    assert parsed == ["facts.toml"]
    assert second == dataset.load(split, use_cache=False)
    assert "trade-2020" in {fact.id for fact in second.facts}

    parsed.clear()
    for cache_file in (_private_cache / "usco").glob("*.json"):
        cache_file.unlink()  # no cache of the whole dataset: every file's part is kept
    assert dataset.load(split) == second
    assert parsed == []


def test_a_new_file_in_the_set_is_the_only_one_parsed(official_series: Path, parsed: list[str], tmp_path: Path) -> None:
    """A release added to the dataset (what `usco update` does): the files already seen are not parsed."""
    baseline = dataset.load(official_series)
    parsed.clear()
    extra = helpers.write(tmp_path, "mine.toml", SOURCES.replace("sheet-2020", "mine-2020").replace(
        "report-2023", "mine-2023") + EXTRA_FACT.replace("sheet-2020", "mine-2020"))  # fmt: skip
    with_extra = dataset.load(official_series, also=[extra])
    assert parsed == ["mine.toml"]
    assert with_extra == dataset.load(official_series, also=[extra], use_cache=False)
    assert len(with_extra.facts) == len(baseline.facts) + 1


def test_parts_give_the_official_series_exactly(official_series: Path, _private_cache: Path) -> None:
    """About 1,000 facts across releases, with measures declared in every file and periods inferred."""
    fresh = dataset.load(official_series)
    for cache_file in (_private_cache / "usco").glob("*.json"):
        cache_file.unlink()
    from_parts = dataset.load(official_series)
    full = dataset.load(official_series, use_cache=False)
    assert fresh == from_parts == full
    assert list(from_parts.facts) == list(full.facts)  # in file order
    assert list(from_parts.sources) == list(full.sources) and list(from_parts.measures) == list(full.measures)


# Each breaks a rule between files only: every file is valid alone, so its part was kept before the edit.
BROKEN_BETWEEN_FILES = {
    "a fact id used in two files": ("measures.toml", FACTS.split("[[facts]]")[1].join(["[[facts]]", ""])),
    "a source declared in two files": ("measures.toml", SOURCES.split("[sources.report-2023]")[0]),
    "a measure declared otherwise in another file": (
        "facts.toml",
        MEASURES.replace("label", 'label = "Another label"\n# was label', 1),
    ),
    "a part_of cycle": (
        "measures.toml",
        EXTRA_FACT.replace('source    = "sheet-2020"', 'source    = "sheet-2020"\npart_of   = "trade-2021"')
        + EXTRA_FACT.replace("trade-2020", "trade-2021").replace(
            'source    = "sheet-2020"', 'source    = "sheet-2020"\npart_of   = "trade-2020"'
        ),
    ),
    "a figure after its source's date": ("measures.toml", EXTRA_FACT.replace('"2020"', '"2024"')),
    "a fact of another unit than its measure": (
        "measures.toml",
        FACTS.split("[[facts]]")[-1]
        .join(["[[facts]]", ""])
        .replace("peace-2023", "peace-2024")
        .replace('"USD"', '"COP"'),
    ),
}


@pytest.mark.parametrize("case", BROKEN_BETWEEN_FILES)
def test_a_rule_between_files_is_reported_as_by_a_full_build(split: Path, case: str) -> None:
    dataset.load(split)  # every file's part is kept
    name, text = BROKEN_BETWEEN_FILES[case]
    _edit(split.parent / name, text)
    with pytest.raises(DatasetError) as uncached:
        dataset.load(split, use_cache=False)
    with pytest.raises(DatasetError) as cached:
        dataset.load(split)
    assert cached.value.problems == uncached.value.problems
    assert all(problem.file is not None for problem in cached.value.problems)


def test_a_measure_declared_identically_in_two_files_is_one_measure(split: Path) -> None:
    dataset.load(split)
    _edit(split.parent / "facts.toml", MEASURES)
    assert dataset.load(split) == dataset.load(split, use_cache=False)


def _corruptions() -> dict[str, Callable[[Path], None]]:
    def flip(path: Path) -> None:
        data = bytearray(path.read_bytes())
        data[-5] ^= 0x01
        path.write_bytes(bytes(data))

    def version(path: Path) -> None:
        path.write_bytes(path.read_bytes().replace(b'"usco": "', b'"usco": "0.', 1))

    def counts(path: Path) -> None:
        path.write_bytes(path.read_bytes().replace(b'"counts": [', b'"counts": [99999, ', 1))

    def folder(path: Path) -> None:
        path.unlink()
        path.mkdir()

    def link(path: Path) -> None:
        other = path.with_name("elsewhere")
        path.rename(other)
        path.symlink_to(other)

    return {
        "a flipped bit": flip,
        "cut short": lambda path: path.write_bytes(path.read_bytes()[:-40]),
        "another usco's": version,
        "counts that lie": counts,
        "not JSON": lambda path: path.write_bytes(b"[" * 100_000),
        "empty": lambda path: path.write_bytes(b""),
        "a folder": folder,
        "a symbolic link": link,
    }


@pytest.mark.parametrize("corruption", _corruptions())
def test_a_part_that_does_not_verify_is_ignored(
    split: Path, corruption: str, parsed: list[str], _private_cache: Path
) -> None:
    expected = dataset.load(split)
    for part in (_private_cache / "usco" / "parts").glob("*.part"):
        _corruptions()[corruption](part)
    for cache_file in (_private_cache / "usco").glob("*.json"):
        cache_file.unlink()
    parsed.clear()
    assert dataset.load(split) == expected
    assert sorted(parsed) == ["facts.toml", "main.toml", "measures.toml", "sources.toml"]


def test_parts_no_build_used_for_a_week_are_removed_and_nothing_else(split: Path, _private_cache: Path) -> None:
    dataset.load(split)
    folder = _private_cache / "usco" / "parts"
    used = sorted(folder.glob("*.part"))
    old = time.time() - parts.PRUNE_AFTER - 60
    stale = folder / ("0" * 64 + ".part")
    stale.write_bytes(b"a part of a file that is gone")
    look_alikes = [folder / ("0" * 63 + ".part"), folder / ("0" * 64 + ".part.bak"), folder / "notes.txt"]
    for path in [stale, *look_alikes, *used]:
        if not path.exists():
            path.write_bytes(b"not usco's")
        os.utime(path, (old, old))
    linked = folder / ("1" * 64 + ".part")
    linked.symlink_to(look_alikes[-1])
    os.utime(linked, (old, old), follow_symlinks=False)
    for cache_file in (_private_cache / "usco").glob("*.json"):
        cache_file.unlink()  # the next load builds again, from every part
    dataset.load(split)
    assert not stale.exists()
    assert all(path.exists() for path in look_alikes) and linked.is_symlink()
    assert all(path.exists() and time.time() - path.stat().st_mtime < 600 for path in used)  # used: marked fresh


@pytest.mark.slow
@pytest.mark.installed
def test_check_says_the_same_after_one_file_changed(split: Path) -> None:
    """`usco check` on a dataset whose kept parts are each valid but which together break a rule:
    the same problems, files and lines, as with no cache at all."""
    assert helpers.run("--data", str(split), "check").returncode == 0  # every file's part is kept
    name, text = BROKEN_BETWEEN_FILES["a fact of another unit than its measure"]
    _edit(split.parent / name, text)
    cached = helpers.run("--data", str(split), "check")
    uncached = helpers.run("--data", str(split), "check", env=helpers.environment(USCO_NO_CACHE="1"))
    assert cached.returncode == uncached.returncode == 1
    assert cached.stdout == uncached.stdout and cached.stderr == uncached.stderr
    assert "measures.toml" in cached.stdout + cached.stderr and "COP" in cached.stdout + cached.stderr
