"""Find and load a dataset: the shipped one or a user's, from the cache or validated afresh.

A dataset is a file plus the files it includes. On a cache hit (usco.dataset.cache) nothing
else is imported; on a miss usco.dataset.validate parses and checks every file (design §1).
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

from usco.dataset import cache
from usco.model import Dataset, DatasetReadError, Problem
from usco.reading import read_dataset_file

ENV_VAR = "USCO_DATA"


def default_path() -> Path:
    """The shipped dataset, wherever usco is installed.

    A wheel carries it inside the package (usco/data/facts.toml); an editable install
    or a checkout runs from src/usco, so the repository's data/facts.toml is two
    levels up. data/ stays the one copy in the repository.
    """
    package = Path(__file__).resolve().parents[1]  # usco/, above usco/dataset/
    packaged = package / "data" / "facts.toml"
    return packaged if packaged.is_file() else package.parents[1] / "data" / "facts.toml"


def resolve_path(option: str | Path | None) -> Path:
    """--data, else USCO_DATA, else the shipped dataset."""
    if option is not None and str(option) == "":
        raise DatasetReadError("", [Problem("file", None, "an empty path names no dataset")])
    chosen = option or os.environ.get(ENV_VAR)
    return Path(chosen) if chosen else default_path()


def load(path: Path, *, use_cache: bool = True, also: Sequence[Path] = ()) -> Dataset:
    """Read and validate the dataset at *path* (and *also*, as if it included them).

    Raises DatasetError listing every problem. A valid dataset is cached (usco.dataset.cache),
    so an unchanged set of files is not parsed again.
    """
    caching = use_cache and cache.enabled()
    if caching:
        cached = cache.read(path, also, rebuild=lambda: _build(path, also, caching=True))
        if cached is not None:
            return cached
    return _build(path, also, caching=caching)


def _build(path: Path, also: Sequence[Path], *, caching: bool) -> Dataset:
    """Parse and validate every file (a cache miss); with *caching*, keyed by exactly the bytes parsed."""
    if not caching:
        from usco.dataset import validate  # only a cache miss parses and validates

        return validate.build(path, read_dataset_file(path), also)
    from usco.dataset import incremental  # only a file whose bytes are new is parsed and checked

    recorder = cache.Recorder()
    data, lines = incremental.build(path, recorder.read(path), also, read=recorder.read)
    cache.write(data, recorder, also, lines=lines)
    return data
