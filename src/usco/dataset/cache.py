"""A cache of parsed, validated datasets, so a query skips TOML parsing and validation and
decodes only the facts it can need.

One file per dataset (and --add files) in the user's cache directory, written whole or
not at all:

    a JSON header line: the key, and the manifest's length and digest
    the manifest: a JSON line listing the segments, then the sources and measures
    the segments (usco.dataset.segments): the facts, by topic, long series apart, cut by date

The key is what was read to build it: usco's version, when the build began, and for
every file read (the dataset, what it includes, --add files) the path it was read by
and that file's device, inode, size, modification and change times, taken just before
it was read, and the hash of exactly the bytes that were parsed. A query is answered
from the cache only if every path still leads to a file with that identity and those
times, and none of them changed so close to the build that its clock could not tell
(a file written in the same tick as the build read it: such a file is hashed again, and
must still be the bytes that were parsed). A symlink repointed, a file rewritten while
it was parsed, a file replaced: each gives another identity, time or hash, and the
dataset is read again. A file changed well before the build is not read again on a hit.

Everything after the key is verified by digests keyed by the key, and decoded into
values the loader would accept, or ignored: a cache file is never trusted, which is
also why it is data (JSON and tab-separated lines), never pickle or marshal. Only a
regular file of bounded size is ever read.
"""

from __future__ import annotations

import json
import os
import stat
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

from usco.dataset import codec, segments
from usco.dataset.codec import Corrupt
from usco.model import Dataset, DatasetError
from usco.reading import ReadFailure, read_dataset_file_with_status
from usco.version import __version__

try:  # hashlib's import loads OpenSSL (about 2 ms, a tenth of usco's start-up); BLAKE2 is built in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b

FORMAT = "usco-dataset-cache-8"  # 8: segments behind a manifest; a measure's publisher, a fact's event
DISABLE_ENV = "USCO_NO_CACHE"
MAX_BYTES = 1024 * 1024 * 1024  # a cache of the largest dataset usco reads is about as large as it
MAX_HEADER = 16 * 1024 * 1024  # the key of some 50,000 files
_TICK = 100_000_000  # ns: a file system's clock may lag the system's by a tick (4-10 ms on Linux)
_COARSE_TICK = 3_000_000_000  # ns: file systems that keep whole seconds (FAT keeps two)


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "") in ("", "0")


def directory() -> Path | None:
    """$XDG_CACHE_HOME/usco, or the platform's user cache directory; None without a home (no cache)."""
    if xdg := os.environ.get("XDG_CACHE_HOME"):
        return Path(xdg) / "usco"
    if sys.platform == "win32" and (local := os.environ.get("LOCALAPPDATA")):
        return Path(local) / "usco" / "Cache"
    try:
        home = Path.home()
    except (RuntimeError, KeyError, OSError):  # HOME unset and no passwd entry for this user
        return None
    return home / "Library" / "Caches" / "usco" if sys.platform == "darwin" else home / ".cache" / "usco"


def content_hash(content: bytes) -> str:
    return blake2b(content, digest_size=32).hexdigest()


def _file_for(path: Path, also: Sequence[Path]) -> Path | None:
    """The cache file for the dataset at *path* read with *also*."""
    folder = directory()
    if folder is None:
        return None
    try:
        name = "\0".join(map(str, map(Path.resolve, (path, *also))))
    except RuntimeError:  # a symlink loop (Python < 3.13): no cache; reading the file says what is wrong
        return None
    return folder / (blake2b(name.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest() + ".json")


class Recorder:
    """Reads a dataset's files for a build, and remembers what it read: the key of the cache."""

    def __init__(self) -> None:
        self.began = time.time_ns()
        self.files: list[list[Any]] = []

    def read(self, path: Path) -> bytes:
        content, info = read_dataset_file_with_status(path)
        self.files.append([str(path.absolute()), *_identity(info), content_hash(content)])
        return content

    def key(self) -> dict[str, Any]:
        return {"format": FORMAT, "usco": __version__, "began": self.began, "files": self.files}


def _identity(info: os.stat_result) -> list[int]:
    return [info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, info.st_ctime_ns]


def keyed_secret(key: dict[str, Any]) -> bytes:
    """What every digest of a file is keyed by: its key, so no other dataset's (or file's) bytes verify under it."""
    return blake2b(json.dumps(key, sort_keys=True).encode("ascii"), digest_size=32).digest()


def _unchanged(key: dict[str, Any]) -> bool:
    """Every file of *key* is still the one that was read, and was not changed too close to the build to tell."""
    if key.get("format") != FORMAT or key.get("usco") != __version__:
        return False
    began, files = key.get("began"), key.get("files")
    if type(began) is not int or not isinstance(files, list) or not files:
        return False
    for entry in files:
        if not isinstance(entry, list) or len(entry) != 7 or not isinstance(entry[0], str):
            return False
        info = Path(entry[0]).stat()  # through any symlink: what the path leads to now
        if _identity(info) != entry[1:6]:
            return False
        tick = _COARSE_TICK if info.st_mtime_ns % 1_000_000_000 == 0 else _TICK
        # Changed so close to the build that a later change may share its times: only its
        # bytes can tell (git's "racily clean" files).
        if max(info.st_mtime_ns, info.st_ctime_ns) >= began - tick and content_hash(_bytes(entry[0])) != entry[6]:
            return False
    return True


def _bytes(path: str) -> bytes:
    from usco import reading

    return reading.read_regular(Path(path), limit=reading.MAX_BYTES)


def read(path: Path, also: Sequence[Path], rebuild: Callable[[], Dataset]) -> Dataset | None:
    """The cached dataset for exactly these files, or None (missing, stale, corrupt or foreign).

    Its facts are decoded as a query needs them (usco.dataset.segments); a segment found
    corrupt then is answered by *rebuild*.
    """
    try:
        target = _file_for(path, also)
        if target is None:
            return None
        descriptor = os.open(target, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        with os.fdopen(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
                return None
            header = json.loads(handle.readline(MAX_HEADER))
            key = header.get("key") if isinstance(header, dict) else None
            if not isinstance(key, dict) or not _unchanged(key):
                return None
            length, manifest_digest = _pair(header.get("manifest"))
            if type(length) is not int or not 0 < length <= MAX_BYTES:
                return None
            manifest = handle.read(length)
            start = handle.tell()
        secret = keyed_secret(key)
        if segments.digest(manifest, secret) != manifest_digest:
            return None
        identity = (info.st_dev, info.st_ino, info.st_size)
        return _dataset(path, key, manifest.decode("ascii"), rebuild, target=target, identity=identity, start=start,
                        secret=secret)  # fmt: skip
    except (OSError, ReadFailure, ValueError, RecursionError, DatasetError):
        # unreadable, not JSON, nested or numbered past what Python reads, not ASCII, Corrupt:
        # whatever is wrong with it, the dataset is read again
        return None


def _pair(value: Any) -> tuple[Any, Any]:
    return (value[0], value[1]) if isinstance(value, list) and len(value) == 2 else (None, None)


def _dataset(path: Path, key: dict[str, Any], manifest: str, rebuild: Callable[[], Dataset], *, target: Path,
             identity: tuple[int, int, int], start: int, secret: bytes) -> Dataset:  # fmt: skip
    first_line, _, tables = manifest.partition("\n")
    counts = json.loads(first_line)
    if not isinstance(counts, dict) or not all(type(counts.get(name)) is int for name in ("sources", "measures")):
        raise Corrupt("no table counts")
    parts = segments.from_manifest(counts.get("segments"))
    if start + _end(parts) != identity[2]:
        raise Corrupt("segments that do not fill the file")
    sources_end = _after_lines(tables, 0, counts["sources"])
    sources = codec.sources(tables[:sources_end], counts["sources"])
    measures = codec.measures(tables[sources_end:], counts["measures"])
    if not sources.keys() >= set().union(*(part.sources for part in parts)):
        raise Corrupt("a segment of unknown sources")
    store = segments.StoredFacts(file=target, identity=identity[:2], start=start, secret=secret, segments=parts,
                                 sources=sources, measures=measures, rebuild=rebuild)  # fmt: skip
    files = (path, *(Path(entry[0]) for entry in key["files"][1:]))
    return Dataset(path, MappingProxyType(sources), MappingProxyType(measures), store, files)


def _end(parts: Sequence[segments.Segment]) -> int:
    """Where the segments end, if they follow one another from 0 (else Corrupt)."""
    offset = 0
    for part in parts:
        if part.offset != offset:
            raise Corrupt("segments out of place")
        offset += part.length
    return offset


def _after_lines(text: str, start: int, lines: int) -> int:
    """The offset just past *lines* more lines of *text* from *start*."""
    for _ in range(lines):
        start = text.find("\n", start) + 1
        if start == 0:
            raise Corrupt("truncated cache")
    return start


def write(data: Dataset, recorder: Recorder, also: Sequence[Path] = (), *, lines: Sequence[str] | None = None) -> None:
    """Store atomically (temporary file, then rename); a cache that cannot be written is skipped.

    *lines*: each fact's line as usco.dataset.codec writes it, where a build already has them."""
    from usco import files  # only a cache miss writes
    from usco.model import UscoError

    key = recorder.key()
    secret = keyed_secret(key)
    encoded = segments.encode(data.facts, lines)
    parts = [(part._replace(digest=segments.digest(body, secret)), body) for part, body in encoded]
    counts = {"sources": len(data.sources), "measures": len(data.measures), "facts": len(data.facts),
              "segments": segments.to_manifest([part for part, _ in parts])}  # fmt: skip
    manifest = (
        json.dumps(counts)
        + "\n"
        + codec.lines(list(data.sources.values()), codec.SOURCE_ORDER)
        + codec.lines(list(data.measures.values()), codec.MEASURE_ORDER)
    ).encode("ascii", "backslashreplace")
    header = json.dumps({"key": key, "manifest": [len(manifest), segments.digest(manifest, secret)]})
    try:
        target = _file_for(data.path, also)
        if target is None:
            return
        target.parent.mkdir(parents=True, exist_ok=True)
        body = b"".join([header.encode("ascii"), b"\n", manifest, *(body for _, body in parts)])
        files.write_atomically(target, body, replace=True)
    except (OSError, UnicodeEncodeError, UscoError):  # read-only, full or refused: answers never need the cache
        return
