"""Find and load a dataset: the shipped one or a user's, from the cache or validated afresh.

A dataset is a file plus the files it includes. On a cache hit (usco.cache) nothing
else is imported; on a miss usco.validate parses and checks every file (design §1).
"""

from __future__ import annotations

import os
import stat
from collections.abc import Sequence
from pathlib import Path

from usco import cache
from usco.model import Dataset, DatasetReadError, Problem

ENV_VAR = "USCO_DATA"
#: The largest dataset file usco reads (the 100,000-fact benchmark dataset is 25 MB).
MAX_BYTES = 100 * 1024 * 1024


def default_path() -> Path:
    """The shipped dataset, wherever usco is installed.

    A wheel carries it inside the package (usco/data/facts.toml); an editable install
    or a checkout runs from src/usco, so the repository's data/facts.toml is two
    levels up. data/ stays the one copy in the repository.
    """
    package = Path(__file__).resolve().parent
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

    Raises DatasetError listing every problem. A valid dataset is cached (usco.cache),
    so an unchanged set of files is not parsed again.
    """
    content = read_bytes(path)
    if use_cache and cache.enabled():
        cached = cache.read(path, content, also)
        if cached is not None:
            return cached
    from usco import validate  # only a cache miss parses and validates

    data = validate.build(path, content, also)
    if use_cache and cache.enabled():
        cache.write(data, content, also)
    return data


def read_bytes(path: Path) -> bytes:
    """The bytes of a regular file no larger than MAX_BYTES; DatasetReadError otherwise."""

    def fail(message: str) -> DatasetReadError:
        return DatasetReadError(path, [Problem("file", None, message, path)])

    try:
        info = path.stat()
    except FileNotFoundError:
        raise fail("no such file") from None
    except OSError as exc:
        raise fail(f"cannot read it ({exc.strerror or exc})") from None
    if stat.S_ISDIR(info.st_mode):
        raise fail("is a directory; expected a TOML file")
    if not stat.S_ISREG(info.st_mode):  # a FIFO or device would block or never end
        raise fail("is not a regular file; expected a TOML file")
    if info.st_size > MAX_BYTES:
        raise fail(f"is {info.st_size:,} bytes; a dataset may be at most {MAX_BYTES:,} bytes")
    try:
        # O_NONBLOCK: if the path was swapped for a FIFO since stat(), open must not wait
        descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            if not stat.S_ISREG(os.fstat(handle.fileno()).st_mode):
                raise fail("is not a regular file; expected a TOML file")
            content = handle.read(MAX_BYTES + 1)
    except OSError as exc:
        raise fail(f"cannot read it ({exc.strerror or exc})") from None
    if len(content) > MAX_BYTES:
        raise fail(f"is larger than {MAX_BYTES:,} bytes, the most a dataset may be")
    return content
