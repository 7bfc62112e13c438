"""A cache of parsed, validated datasets, so repeated queries on a large file skip TOML parsing.

The cache is plain JSON in the user's cache directory, keyed by the dataset's path, size,
modification time and content hash (BLAKE2b), and by usco's version. Anything that does not match
exactly, or does not decode into valid objects, is ignored and rebuilt: a cache file is
never trusted, which is also why it is data (JSON), never pickle or marshal.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

from usco import __version__
from usco.model import Dataset, Fact, Measure, PartialDate, Qualifier, Source, Topic

try:  # hashlib's import loads OpenSSL (about 2 ms, a tenth of usco's start-up); BLAKE2 is built in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b

FORMAT = "usco-dataset-cache-2"
DISABLE_ENV = "USCO_NO_CACHE"


def enabled() -> bool:
    return os.environ.get(DISABLE_ENV, "") in ("", "0")


def directory() -> Path:
    """$XDG_CACHE_HOME/usco, or the platform's user cache directory."""
    if xdg := os.environ.get("XDG_CACHE_HOME"):
        return Path(xdg) / "usco"
    if sys.platform == "darwin":
        return Path.home() / "Library" / "Caches" / "usco"
    if sys.platform == "win32" and (local := os.environ.get("LOCALAPPDATA")):
        return Path(local) / "usco" / "Cache"
    return Path.home() / ".cache" / "usco"


def key(path: Path, content: bytes, stat: os.stat_result) -> dict[str, Any]:
    return {
        "format": FORMAT,
        "usco": __version__,
        "path": str(path.resolve()),
        "size": stat.st_size,
        "mtime_ns": stat.st_mtime_ns,
        "blake2b": blake2b(content, digest_size=32).hexdigest(),
    }


def _file_for(cache_key: dict[str, Any]) -> Path:
    return directory() / (blake2b(cache_key["path"].encode(), digest_size=16).hexdigest() + ".json")


def read(path: Path, cache_key: dict[str, Any]) -> Dataset | None:
    """The cached dataset for this exact key, or None (missing, stale, corrupt or foreign)."""
    try:
        document = json.loads(_file_for(cache_key).read_bytes())
        if not isinstance(document, dict) or document.get("key") != cache_key:
            return None
        return _decode(path, document)
    except (OSError, ValueError, TypeError, KeyError, IndexError, AttributeError, RecursionError):
        return None


def write(data: Dataset, cache_key: dict[str, Any]) -> None:
    """Store atomically (temporary file, then rename); a cache that cannot be written is skipped."""
    import tempfile  # only a cache miss writes

    target = _file_for(cache_key)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(handle, "w", encoding="utf-8") as out:
                json.dump({"key": cache_key, **_encode(data)}, out, ensure_ascii=False, separators=(",", ":"))
            Path(temporary).replace(target)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
    except OSError:  # read-only or full: the answer does not depend on the cache
        return


def _date(day: PartialDate | None) -> str | None:
    return None if day is None else str(day)


def _encode(data: Dataset) -> dict[str, Any]:
    return {
        "sources": [
            [s.id, s.title, s.publisher, s.url, s.short, _date(s.date), s.date_note] for s in data.sources.values()
        ],
        "measures": [[m.id, m.label, m.unit] for m in data.measures.values()],
        "facts": [_encode_fact(f) for f in data.facts],
    }


def _encode_fact(f: Fact) -> list[Any]:
    """The fields in Fact's order, so decoding can build the NamedTuple positionally."""
    return [
        f.id, f.topic.value, f.text, str(f.date), f.source, f.value, f.unit,
        f.qualifier.value, _date(f.end), f.measure, f.part_of, list(f.tags),
    ]  # fmt: skip


def _decode(path: Path, document: dict[str, Any]) -> Dataset:
    from types import MappingProxyType

    dates: dict[str, PartialDate] = {}

    def date(text: str | None) -> PartialDate | None:
        if text is None:
            return None
        if text not in dates:
            dates[text] = PartialDate.parse(text)
        return dates[text]

    def text(value: Any) -> str:
        if not isinstance(value, str):
            raise TypeError("not a string")
        return value

    def optional(value: Any) -> str | None:
        return None if value is None else text(value)

    def number(value: Any) -> int | float | None:
        if value is None or (isinstance(value, int | float) and not isinstance(value, bool)):
            return value
        raise TypeError("not a number")

    sources = {
        row[0]: Source(
            text(row[0]), text(row[1]), text(row[2]), text(row[3]), optional(row[4]), date(row[5]), optional(row[6])
        )
        for row in document["sources"]
    }
    measures = {row[0]: Measure(text(row[0]), text(row[1]), text(row[2])) for row in document["measures"]}
    topics = {topic.value: topic for topic in Topic}
    qualifiers = {qualifier.value: qualifier for qualifier in Qualifier}
    facts = []
    for row in document["facts"]:
        fact_date = date(row[3])
        if fact_date is None or row[4] not in sources or (row[9] is not None and row[9] not in measures):
            raise ValueError("inconsistent cache")
        tags = tuple(row[11])
        if not set(map(type, tags)) <= {str}:
            raise TypeError("tags must be strings")
        facts.append(
            Fact(
                text(row[0]),
                topics[row[1]],
                text(row[2]),
                fact_date,
                row[4],
                number(row[5]),
                optional(row[6]),
                qualifiers[row[7]],
                date(row[8]),
                row[9],
                optional(row[10]),
                tags,
            )
        )
    return Dataset(path, MappingProxyType(sources), MappingProxyType(measures), tuple(facts))
