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
import re
import secrets
import stat
import time
from collections.abc import Callable, Iterator
from pathlib import Path

from usco.model import OutputError

TEMPORARY_PREFIX = ".usco-"
#: The marker of a temporary file usco writes: ".usco-<16 hex digits>.usco-tmp". Only a regular
#: file whose whole name is that (or that plus sqlite's "-journal") is ever swept; a user's
#: ".usco-settings.tmp.bak" or ".usco-backup.tmpl/" is not usco's and is never touched.
TEMPORARY_SUFFIX = ".usco-tmp"
_SWEPT = re.compile(r"\.usco-[0-9a-f]{16}\.usco-tmp(?:-journal)?")
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
    temporary = target.parent / temporary_name()
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


def temporary_name() -> str:
    """A new name in the one pattern sweep_temporaries removes: ".usco-<16 hex digits>.usco-tmp"."""
    return f"{TEMPORARY_PREFIX}{secrets.token_hex(8)}{TEMPORARY_SUFFIX}"


def sweep_temporaries(folder: Path) -> None:
    """Remove the temporary files a killed usco left in *folder*, and nothing else.

    Only regular files whose whole name is one usco makes (temporary_name(), or that and
    sqlite's "-journal"), once older than any write in progress. Never a folder (a Data
    Package's build directory stays: it may hold what someone put there), a symbolic link,
    or a name that only looks like usco's.
    """
    now = time.time()
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            if not _SWEPT.fullmatch(entry.name):
                continue
            with contextlib.suppress(OSError):
                info = entry.stat(follow_symlinks=False)
                if stat.S_ISREG(info.st_mode) and now - info.st_mtime > _STALE_SECONDS:
                    Path(entry.path).unlink()
