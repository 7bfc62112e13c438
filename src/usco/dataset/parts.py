"""Each dataset file's checked entries, kept by the hash of its bytes, so a rebuild reads
only the files that changed (issue #26: the first call after the data changed).

When one file of a dataset changes (a user's own facts edited, a release kept by `usco
update`), the cache of the whole dataset no longer matches, and every file would be
parsed and checked again. A part is what one file holds once read and checked on its
own (usco.dataset.validate.check_file): its includes, sources, measures and facts, and
each fact's line as the cache writes it. It depends on nothing but the file's bytes (and
usco's version), so it is kept under their hash, in the cache directory's parts/ folder,
and the rules between files (usco.dataset.incremental) run again over every file on each
build.

A part file, written whole or not at all, is a JSON header line (the format, usco's
version, the file's hash, the lengths of three tables, the includes and measure tables,
a digest of the rest keyed by all of it), then the sources, measures and facts, a line
each (usco.dataset.codec). Like the cache, it is never trusted: anything that does not
verify and decode into values the loader accepts is ignored, and the file read again.
Parts no build used for PRUNE_AFTER are removed by the next build.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import stat
import time
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

from usco.dataset import cache, codec, segments
from usco.dataset.codec import Corrupt
from usco.dataset.parse import FilePart
from usco.version import __version__

FORMAT = "usco-file-part-1"
FOLDER = "parts"
PRUNE_AFTER = 7 * 24 * 3600  # seconds unused: a dataset edited often leaves a part for each version
_NAME = re.compile(r"[0-9a-f]{64}\.part")


file_hash = cache.content_hash  # the hash the cache's key holds for each file


def _folder() -> Path | None:
    top = cache.directory()
    return None if top is None else top / FOLDER


def load(digest: str) -> tuple[FilePart, list[str]] | None:
    """The part kept for a file of hash *digest*, and its facts' lines; None if none verifies."""
    folder = _folder()
    if folder is None:
        return None
    try:
        descriptor = os.open(folder / f"{digest}.part", os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | os.O_NONBLOCK)
        with os.fdopen(descriptor, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode) or info.st_size > cache.MAX_BYTES:
                return None
            header = json.loads(handle.readline(cache.MAX_HEADER))
            body = handle.read()
        return _decode(digest, header, body)
    except (OSError, ValueError, RecursionError, TypeError, AttributeError, KeyError):
        # missing, unreadable, not JSON, Corrupt: the file is read and checked again
        return None


def _decode(digest: str, header: Any, body: bytes) -> tuple[FilePart, list[str]]:
    if not isinstance(header, dict) or not isinstance(claimed := header.pop("digest", None), str):
        raise Corrupt("no digest")
    if header.get("format") != FORMAT or header.get("usco") != __version__ or header.get("file") != digest:
        raise Corrupt("another version's part, or another file's")
    if segments.digest(body, cache.keyed_secret(header)) != claimed:
        raise Corrupt("a part that is not what was written")
    counts, lengths = header["counts"], header["lengths"]
    includes, tables = header["includes"], header["tables"]
    if not (isinstance(counts, list) and isinstance(lengths, list) and len(counts) == len(lengths) == 3):
        raise Corrupt("no table counts")
    if not all(type(number) is int and number >= 0 for number in counts + lengths):
        raise Corrupt("table counts of the wrong types")
    if not (isinstance(includes, list) and all(isinstance(item, str) for item in includes)):
        raise Corrupt("includes of the wrong types")
    if not (isinstance(tables, dict) and all(isinstance(value, str) for value in tables.values())):
        raise Corrupt("measure tables of the wrong types")
    text = body.decode("ascii")
    ends = [sum(lengths[:count]) for count in (1, 2, 3)]
    if ends[-1] != len(text):
        raise Corrupt("tables that do not fill the part")
    sources = codec.sources(text[: ends[0]], counts[0])
    measures = codec.measures(text[ends[0] : ends[1]], counts[1])
    facts, _ = codec.facts(text[ends[1] :], counts[2])
    if tables.keys() != measures.keys():
        raise Corrupt("measure tables that are not its measures'")
    part = FilePart(tuple(includes), sources, measures, tables, facts)
    return part, codec.split_lines(text[ends[1] :])


def save(digest: str, part: FilePart, lines: Sequence[str]) -> None:
    """Keep *part* (of the file of hash *digest*) and its facts' *lines*; skipped if it cannot be written."""
    from usco import files
    from usco.model import UscoError

    folder = _folder()
    if folder is None:
        return
    tables = [
        codec.lines(list(part.sources.values()), codec.SOURCE_ORDER),
        codec.lines(list(part.measures.values()), codec.MEASURE_ORDER),
        "".join(lines),
    ]
    try:
        encoded = [table.encode("ascii", "backslashreplace") for table in tables]
        header: dict[str, Any] = {
            "format": FORMAT,
            "usco": __version__,
            "file": digest,
            "counts": [len(part.sources), len(part.measures), len(part.facts)],
            "lengths": list(map(len, encoded)),
            "includes": list(part.includes),
            "tables": part.tables,
        }
        body = b"".join(encoded)
        header["digest"] = segments.digest(body, cache.keyed_secret(header))
        folder.mkdir(parents=True, exist_ok=True)
        files.write_atomically(folder / f"{digest}.part", json.dumps(header).encode("ascii") + b"\n" + body,
                               replace=True)  # fmt: skip
    except (OSError, UnicodeEncodeError, UscoError):  # read-only, full or refused: a rebuild never needs it
        return


def keep_fresh(used: Iterable[str]) -> None:
    """Mark the parts a build used, and remove those no build used for PRUNE_AFTER.

    Only regular files named as usco names parts, in usco's own parts folder.
    """
    folder = _folder()
    if folder is None:
        return
    now = time.time()
    used = {f"{digest}.part" for digest in used}
    with contextlib.suppress(OSError):
        for entry in os.scandir(folder):
            with contextlib.suppress(OSError):
                if entry.name in used:
                    os.utime(entry.path, follow_symlinks=False)
                elif (
                    _NAME.fullmatch(entry.name)
                    and entry.is_file(follow_symlinks=False)
                    and now - entry.stat(follow_symlinks=False).st_mtime > PRUNE_AFTER
                ):
                    Path(entry.path).unlink()
