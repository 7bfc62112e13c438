"""Writing files so that they appear whole or not at all, and never replace what they should not.

Every file usco writes (an export, an import's --output, a chart's --svg, the cache) is
written to a temporary file in the target's folder and then moved into place: renamed
over a regular file when replacing is allowed, or hard-linked, which fails if anything
appeared at the target meanwhile, when it is not. Only regular files are ever replaced.
"""

from __future__ import annotations

import contextlib
import errno
import os
import secrets
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from usco.model import OutputError

TEMPORARY_PREFIX = ".usco-"
TEMPORARY_SUFFIX = ".tmp"
_STALE_SECONDS = 15 * 60  # older than any write in progress
NAME_MAX = 255  # bytes in one file name (NAME_MAX on Linux and macOS)


def check_target(target: Path, *, replace: bool) -> None:
    """Refuse a target that must not be written: an existing file without *replace*, or anything not a regular file."""
    if len(os.fsencode(target.name)) > NAME_MAX:
        raise OutputError(f"cannot write {target}: file name too long (more than {NAME_MAX} bytes)")
    try:
        info = target.lstat()
    except FileNotFoundError:
        return
    except OSError as error:
        raise OutputError(f"cannot write {target}: {error.strerror or error}") from None
    if stat.S_ISLNK(info.st_mode):
        raise OutputError(f"{target} is a symbolic link; usco replaces only regular files")
    if stat.S_ISDIR(info.st_mode):
        raise OutputError(f"{target} is a directory; expected a file name")
    if not stat.S_ISREG(info.st_mode):
        raise OutputError(f"{target} is not a regular file (a FIFO or device); usco replaces only regular files")
    if not replace:
        raise OutputError(f"{target} already exists; use --force to overwrite it")


@contextlib.contextmanager
def temporary_beside(target: Path) -> Iterator[Path]:
    """A new, empty temporary file in *target*'s folder, removed afterwards whatever happens."""
    temporary = target.parent / f"{TEMPORARY_PREFIX}{secrets.token_hex(8)}{TEMPORARY_SUFFIX}"
    try:
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        os.close(descriptor)
    except OSError as error:
        raise OutputError(f"cannot write {target}: {error.strerror or error}") from None
    try:
        yield temporary
    finally:
        for leftover in (temporary, temporary.with_name(temporary.name + "-journal")):
            with contextlib.suppress(OSError):
                leftover.unlink()


def move_into_place(temporary: Path, target: Path, *, replace: bool) -> None:
    """Put a finished temporary file at *target*: atomic, and never over what was not checked."""
    check_target(target, replace=replace)
    try:
        if replace and target.exists():
            temporary.replace(target)
        else:
            os.link(temporary, target)  # fails with EEXIST if something appeared at target
    except FileExistsError:
        raise OutputError(f"{target} appeared while usco was writing it; not replaced") from None
    except OSError as error:
        if error.errno in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV) and not target.exists():
            temporary.replace(target)  # a file system without hard links: best effort
            return
        raise OutputError(f"cannot write {target}: {error.strerror or error}") from None


def write_atomically(target: Path, content: bytes | Callable[[Path], None], *, replace: bool) -> None:
    """Write *content* (bytes, or a function that fills a path) to *target*, whole or not at all."""
    check_target(target, replace=replace)
    sweep_temporaries(target.parent)  # what a killed usco left here before
    with temporary_beside(target) as temporary:
        try:
            if isinstance(content, bytes):
                with temporary.open("wb") as out:
                    out.write(content)
            else:
                content(temporary)
        except OSError as error:
            raise OutputError(f"cannot write {target}: {error.strerror or error}") from None
        move_into_place(temporary, target, replace=replace)


def sweep_temporaries(folder: Path) -> None:
    """Remove usco's temporary files and directories left in *folder* by a process that was killed.

    Only names usco makes (.usco-XXXX.tmp, its -journal, a Data Package's .usco-XXXX.tmp/
    build directory) and only once they are older than any write in progress. An old
    package moved aside (.usco-XXXX.previous) is never swept: it is the user's data.
    """
    import shutil

    now = time.time()
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not (entry.name.startswith(TEMPORARY_PREFIX) and TEMPORARY_SUFFIX in entry.name):
                continue
            with contextlib.suppress(OSError):
                if now - entry.stat(follow_symlinks=False).st_mtime <= _STALE_SECONDS:
                    continue
                if entry.is_dir(follow_symlinks=False):
                    shutil.rmtree(entry.path, ignore_errors=True)
                elif entry.is_file(follow_symlinks=False):
                    Path(entry.path).unlink()
