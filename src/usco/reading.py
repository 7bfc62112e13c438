"""The one reader of files usco is pointed at: bounded, regular files only.

Datasets and the files they include, the cache and official release files are all
read here, so each is refused the same way: anything that is not a regular file (a
directory; a FIFO that would block; a device that never ends) is never opened, and a
file over its bound is refused before it is read and again if it grew while being read.
Each caller words the refusal for its own reader (ReadFailure.reason says which).
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

MISSING = "missing"
DIRECTORY = "directory"
NOT_REGULAR = "not regular"
TOO_LARGE = "too large"  # by its size before reading (ReadFailure.size)
GREW = "grew"  # past the bound while it was read
UNREADABLE = "unreadable"  # the system refused (ReadFailure.detail: its words)


class ReadFailure(Exception):
    """Why a file was not read: *reason* (one of the constants above), its *size*, the system's *detail*."""

    def __init__(self, reason: str, *, size: int = 0, detail: str = "") -> None:
        super().__init__(reason)
        self.reason = reason
        self.size = size
        self.detail = detail


def read_regular(path: Path, *, limit: int, follow_symlinks: bool = True) -> bytes:
    """The bytes of the regular file at *path*, at most *limit* of them; ReadFailure otherwise.

    Without *follow_symlinks* a symbolic link is not followed (the cache's own files).
    """
    return read_regular_with_status(path, limit=limit, follow_symlinks=follow_symlinks)[0]


def read_regular_with_status(path: Path, *, limit: int, follow_symlinks: bool = True) -> tuple[bytes, os.stat_result]:
    """read_regular, and the file's status as it was just before it was read (the cache keys by it)."""
    try:
        info = path.stat() if follow_symlinks else path.lstat()
        _check(info, limit)
        flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)  # the path may have become a FIFO since stat()
        if not follow_symlinks:
            flags |= getattr(os, "O_NOFOLLOW", 0)
        descriptor = os.open(path, flags)
        with os.fdopen(descriptor, "rb") as handle:
            status = os.fstat(handle.fileno())
            _check(status, limit)
            content = handle.read(limit + 1)
    except FileNotFoundError:
        raise ReadFailure(MISSING) from None
    except OSError as error:
        raise ReadFailure(UNREADABLE, detail=str(error.strerror or error)) from None
    except ValueError:  # the path holds a NUL character: the system takes no such name
        raise ReadFailure(UNREADABLE, detail="the path holds a NUL character, which no file name can") from None
    if len(content) > limit:
        raise ReadFailure(GREW)
    return content, status


def _check(info: os.stat_result, limit: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise ReadFailure(DIRECTORY)
    if not stat.S_ISREG(info.st_mode):
        raise ReadFailure(NOT_REGULAR)
    if info.st_size > limit:
        raise ReadFailure(TOO_LARGE, size=info.st_size)


# ---------------------------------------------------------------- the readers' own words

#: The largest dataset file usco reads (the 100,000-fact benchmark dataset is 25 MB).
MAX_BYTES = 100 * 1024 * 1024


def read_dataset_file(path: Path) -> bytes:
    """A dataset file's bytes (a dataset, an include, an --add file); DatasetReadError otherwise."""
    return read_dataset_file_with_status(path)[0]


def read_dataset_file_with_status(path: Path) -> tuple[bytes, os.stat_result]:
    """read_dataset_file, and the file's status just before it was read."""
    from usco.model import DatasetReadError, Problem

    def fail(message: str) -> DatasetReadError:
        return DatasetReadError(path, [Problem("file", None, message, path)])

    try:
        return read_regular_with_status(path, limit=MAX_BYTES)
    except ReadFailure as failure:
        raise fail(
            {
                MISSING: "no such file",
                DIRECTORY: "is a directory; expected a TOML file",
                NOT_REGULAR: "is not a regular file; expected a TOML file",
                TOO_LARGE: f"is {failure.size:,} bytes; a dataset may be at most {MAX_BYTES:,} bytes",
                GREW: f"is larger than {MAX_BYTES:,} bytes, the most a dataset may be",
                UNREADABLE: f"cannot read it ({failure.detail})",
            }[failure.reason]
        ) from None


def read_input_file(path: Path, *, limit: int, what: str) -> bytes:
    """The bytes of a file a command reads (a release file), at most *limit*; InputError naming *what* otherwise."""
    from usco.model import InputError

    try:
        return read_regular(path, limit=limit)
    except ReadFailure as failure:
        raise InputError(
            {
                MISSING: f"{path}: no such file",
                DIRECTORY: f"{path} is not a regular file; expected {what}",
                NOT_REGULAR: f"{path} is not a regular file; expected {what}",
                TOO_LARGE: f"{path} is {failure.size:,} bytes; {what} may be at most {limit:,} bytes",
                GREW: f"{path} is larger than {limit:,} bytes; {what} may be at most {limit:,} bytes",
                UNREADABLE: f"cannot read {path}: {failure.detail}",
            }[failure.reason]
        ) from None
