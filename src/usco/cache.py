"""A cache of parsed, validated datasets, so repeated queries on a large file skip TOML parsing.

The cache is plain JSON in the user's cache directory, keyed by the dataset's path, size,
modification time and content hash (BLAKE2b), and by usco's version. Anything that does not match
exactly, or does not decode into valid objects, is ignored and rebuilt: a cache file is
never trusted, which is also why it is data (JSON), never pickle or marshal.
"""

from __future__ import annotations

import json
import os
import re
import sys
from pathlib import Path
from typing import Any

from usco import __version__
from usco.model import Dataset, Fact, Measure, PartialDate, Qualifier, Source, Topic

try:  # hashlib's import loads OpenSSL (about 2 ms, a tenth of usco's start-up); BLAKE2 is built in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b

FORMAT = "usco-dataset-cache-3"
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
        header, _, body = _file_for(cache_key).read_bytes().decode("utf-8").partition("\n")
        document = json.loads(header)
        if not isinstance(document, dict) or document.get("key") != cache_key:
            return None
        return _decode(path, document, body)
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
            with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
                header = {"key": cache_key, **_encode(data), "facts": len(data.facts)}
                out.write(json.dumps(header, ensure_ascii=False, separators=(",", ":")) + "\n")
                out.writelines(_fact_line(fact) for fact in data.facts)
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
    }


# Facts are stored one a line, fields separated by tabs, because splitting lines is
# several times faster than json.loads at 100,000 facts. Empty means None (the loader
# never accepts an empty string), tags are joined by U+001F, and a backslash escapes
# the few characters that would break a line or a field.
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x1f": "\\u"}
_UNESCAPES = {code[1]: char for char, code in _ESCAPES.items()}
_TO_ESCAPE = re.compile("[\\\\\t\n\r\x1f]")
_ESCAPED = re.compile(r"\\(.)")


def _field(value: str | None) -> str:
    if not value:
        return ""
    return _TO_ESCAPE.sub(lambda match: _ESCAPES[match[0]], value)


def _fact_line(f: Fact) -> str:
    value = "" if f.value is None else repr(f.value) if isinstance(f.value, float) else str(f.value)
    texts = (f.id, f.topic.value, f.text, str(f.date), f.source)
    more = (f.unit, f.qualifier.value, _date(f.end), f.measure, f.part_of)
    tags = "\x1f".join(_field(tag) for tag in f.tags)
    return "\t".join([*map(_field, texts), value, *map(_field, more), tags]) + "\n"


def _unescape(field: str) -> str:
    return _ESCAPED.sub(lambda match: _UNESCAPES[match[1]], field)


def _decode(path: Path, document: dict[str, Any], body: str) -> Dataset:
    from types import MappingProxyType

    dates: dict[str, PartialDate] = {}

    def date(text: str | None) -> PartialDate | None:
        if not text:
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

    def number(field: str) -> int | float | None:
        if not field:
            return None
        return float(field) if any(char in field for char in ".en") else int(field)

    sources = {
        row[0]: Source(
            text(row[0]), text(row[1]), text(row[2]), text(row[3]), optional(row[4]), date(row[5]), optional(row[6])
        )
        for row in document["sources"]
    }
    measures = {row[0]: Measure(text(row[0]), text(row[1]), text(row[2])) for row in document["measures"]}
    topics = {topic.value: topic for topic in Topic}
    qualifiers = {qualifier.value: qualifier for qualifier in Qualifier}
    lines = body.split("\n")
    if lines[-1] != "" or len(lines) - 1 != document["facts"]:
        raise ValueError("truncated cache")
    facts = []
    for line in lines[:-1]:
        fields = line.split("\t")
        escaped = "\\" in line
        if escaped:  # tags (the last field) are split on U+001F before their escapes are undone
            fields = [_unescape(field) for field in fields[:-1]] + fields[-1:]
        fact_id, topic, fact_text, fact_date, source, value, unit, qualifier, end, measure, part_of, tags = fields
        day = date(fact_date)
        if (
            day is None
            or not fact_id
            or not fact_text
            or source not in sources
            or (measure and measure not in measures)
        ):
            raise ValueError("inconsistent cache")
        facts.append(
            Fact(
                fact_id,
                topics[topic],
                fact_text,
                day,
                source,
                number(value),
                unit or None,
                qualifiers[qualifier],
                date(end),
                measure or None,
                part_of or None,
                tuple(_unescape(tag) if escaped else tag for tag in tags.split("\x1f")) if tags else (),
            )
        )
    return Dataset(path, MappingProxyType(sources), MappingProxyType(measures), tuple(facts))
