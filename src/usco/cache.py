"""A cache of parsed, validated datasets, so repeated queries skip TOML parsing and validation.

One file per dataset in the user's cache directory. Its first line is a JSON header: the
key (usco's version, the dataset's path and content hash, and every included file's
size, modification time and hash) and a digest of the rest of the file, keyed by the
dataset's hash. Anything that does not match exactly, or does not decode into values the
loader would accept, is ignored and rebuilt: a cache file is never trusted, which is also
why it is data (JSON and tab-separated lines), never pickle or marshal. Only a regular
file of bounded size is ever read.
"""

from __future__ import annotations

import json
import math
import os
import re
import stat
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from usco import __version__
from usco.fields import FACT_FIELDS, MEASURE_FIELDS, SOURCE_FIELDS, Field, Kind
from usco.model import Dataset, Fact, Measure, PartialDate, Source

try:  # hashlib's import loads OpenSSL (about 2 ms, a tenth of usco's start-up); BLAKE2 is built in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b

FORMAT = "usco-dataset-cache-4"
DISABLE_ENV = "USCO_NO_CACHE"
MAX_BYTES = 512 * 1024 * 1024  # a cache of the largest dataset usco reads is about twice its size
_LARGEST = 10**18


class Corrupt(ValueError):
    """The cache file is not exactly what usco wrote for this dataset."""


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


def _hash(content: bytes) -> str:
    return blake2b(content, digest_size=32).hexdigest()


def _file_for(path: Path, also: Sequence[Path]) -> Path:
    name = "\0".join(str(item.resolve()) for item in (path, *also))
    return directory() / (blake2b(name.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest() + ".json")


def _fingerprint(path: Path, content: bytes | None = None) -> list[Any]:
    """[path, size, mtime_ns, hash] of one file, as the key holds it."""
    info = path.stat()
    if content is None:
        from usco.dataset import read_bytes  # the same bounded, regular-file-only read

        content = read_bytes(path)
    return [str(path.resolve()), info.st_size, info.st_mtime_ns, _hash(content)]


def _key(path: Path, content: bytes, files: Sequence[Path]) -> dict[str, Any]:
    included = [_fingerprint(file) for file in files if file.resolve() != path.resolve()]
    return {"format": FORMAT, "usco": __version__, "dataset": _fingerprint(path, content), "files": included}


def _digest(body: bytes, content: bytes) -> str:
    return blake2b(body, digest_size=32, key=bytes.fromhex(_hash(content))).hexdigest()


def read(path: Path, content: bytes, also: Sequence[Path] = ()) -> Dataset | None:
    """The cached dataset for exactly these files, or None (missing, stale, corrupt or foreign)."""
    from usco.model import DatasetError

    try:
        raw = _read_regular(_file_for(path, also))
        header_line, _, body = raw.partition(b"\n")
        header = json.loads(header_line)
        if not isinstance(header, dict) or not isinstance(header.get("key"), dict):
            return None
        files = header["key"].get("files")
        if not isinstance(files, list) or not all(isinstance(item, list) and item for item in files):
            return None
        included = [Path(item[0]) for item in files if isinstance(item[0], str)]
        if header["key"] != _key(path, content, [path, *included]) or header.get("digest") != _digest(body, content):
            return None
        return _decode(path, body.decode("utf-8"), (path, *included))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError, Corrupt, DatasetError):
        return None


def _read_regular(path: Path) -> bytes:
    """A regular file's bytes, never following a symlink, never waiting on a FIFO."""
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)
    descriptor = os.open(path, flags)
    with os.fdopen(descriptor, "rb") as handle:
        info = os.fstat(handle.fileno())
        if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_BYTES:
            raise Corrupt("not a regular file of bounded size")
        return handle.read(MAX_BYTES + 1)


def write(data: Dataset, content: bytes, also: Sequence[Path] = ()) -> None:
    """Store atomically (temporary file, then rename); a cache that cannot be written is skipped."""
    from usco import files  # only a cache miss writes
    from usco.model import UscoError

    body = _encode(data).encode("utf-8")
    try:
        key = _key(data.path, content, data.files)
        header = json.dumps({"key": key, "digest": _digest(body, content)}, ensure_ascii=False).encode("utf-8")
        target = _file_for(data.path, also)
        target.parent.mkdir(parents=True, exist_ok=True)
        files.write_atomically(target, header + b"\n" + body, replace=True)
    except (OSError, UnicodeEncodeError, UscoError):  # read-only, full or refused: answers never need the cache
        return


# ---------------------------------------------------------------- encoding

# Facts are stored one a line, fields separated by tabs, in the order of the Fact type's
# attributes (each encoded as usco.fields declares its kind), so a line decodes straight
# into a Fact,
# because splitting lines is several times faster than json.loads at 100,000 facts.
# Empty means None (the loader never accepts an empty string), tags are joined by
# U+001F, and a backslash escapes the few characters that would break a line or a field.
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x1f": "\\u"}
_UNESCAPES = {code[1]: char for char, code in _ESCAPES.items()}
_TO_ESCAPE = re.compile("[\\\\\t\n\r\x1f]")
_ESCAPED = re.compile(r"\\(.)")


def _escape(value: str) -> str:
    return _TO_ESCAPE.sub(lambda match: _ESCAPES[match[0]], value)


def _unescape(field: str) -> str:
    try:
        return _ESCAPED.sub(lambda match: _UNESCAPES[match[1]], field)
    except KeyError:
        raise Corrupt("unknown escape") from None


def _encode_value(field: Field, value: Any) -> str:
    if value is None:
        return ""
    if field.kind is Kind.CHOICE:
        return str(value.value)
    if field.kind is Kind.NUMBER:
        return repr(value) if isinstance(value, float) else str(value)
    if field.kind is Kind.BOOL:
        return "1" if value else ""
    if field.kind is Kind.TAGS:
        return "\x1f".join(_escape(tag) for tag in value)
    return _escape(str(value))


def _encode(data: Dataset) -> str:
    tables = {
        "sources": [[_encode_value(f, getattr(s, f.name)) for f in SOURCE_FIELDS] for s in data.sources.values()],
        "measures": [[_encode_value(f, getattr(m, f.name)) for f in MEASURE_FIELDS] for m in data.measures.values()],
        "facts": len(data.facts),
    }
    lines = [
        "\t".join(_encode_value(f, value) for f, value in zip(_FACT_ORDER, fact, strict=True)) for fact in data.facts
    ]
    return json.dumps(tables, ensure_ascii=False) + "\n" + "".join(line + "\n" for line in lines)


def _decoder(field: Field) -> Callable[[str], Any]:
    """How one field's text turns back into its value, with the loader's rules."""
    kind = field.kind
    if kind is Kind.CHOICE:
        assert field.choices is not None
        members = {member.value: member for member in field.choices}
        default = field.default

        def choice(text: str) -> Any:
            if not text:
                if default is None:
                    return None
                raise Corrupt(f"{field.name} missing")
            try:
                return members[text]
            except KeyError:
                raise Corrupt(f"{field.name} {text!r}") from None

        return choice
    if kind is Kind.NUMBER:
        return _number
    if kind is Kind.BOOL:
        return lambda text: text == "1"
    if kind is Kind.TAGS:
        return _tags
    if kind is Kind.DATE:
        return _date
    required = field.required

    def text_value(text: str) -> str | None:
        if not text:
            if required:
                raise Corrupt(f"{field.name} missing")
            return None
        return _unescape(text) if "\\" in text else text

    return text_value


def _number(text: str) -> int | float | None:
    if not text:
        return None
    if len(text) < 19 and text.isascii() and text.isdigit():  # the common case: a whole number below 10**18
        return int(text)
    try:
        number: int | float = float(text) if any(char in text for char in ".eEn") else int(text)
    except ValueError:
        raise Corrupt(f"not a number: {text[:20]!r}") from None
    if (isinstance(number, float) and not math.isfinite(number)) or abs(number) >= _LARGEST:
        raise Corrupt("a number the loader refuses")
    return number


def _tags(text: str) -> tuple[str, ...]:
    if not text:
        return ()
    if "\\" not in text:
        return tuple(text.split("\x1f"))
    return tuple(_unescape(tag) for tag in text.split("\x1f"))


_FACT_ORDER = tuple({field.name: field for field in FACT_FIELDS}[name] for name in Fact._fields)
_DATES: dict[str, PartialDate] = {}


def _date(text: str) -> PartialDate | None:
    if not text:
        return None
    if text not in _DATES:
        try:
            _DATES[text] = PartialDate.parse(text)
        except ValueError:
            raise Corrupt(f"not a date: {text[:20]!r}") from None
    return _DATES[text]


def _rows(rows: Any, fields: tuple[Field, ...]) -> list[dict[str, Any]]:
    decoders = [(field.name, _decoder(field)) for field in fields]
    if not isinstance(rows, list):
        raise Corrupt("not a list")
    decoded = []
    for row in rows:
        if not isinstance(row, list) or len(row) != len(decoders) or not all(isinstance(cell, str) for cell in row):
            raise Corrupt("bad row")
        decoded.append({name: decode(cell) for (name, decode), cell in zip(decoders, row, strict=True)})
    return decoded


def _decode(path: Path, body: str, files: Sequence[Path]) -> Dataset:
    from types import MappingProxyType

    tables_line, _, fact_lines = body.partition("\n")
    tables = json.loads(tables_line)
    if not isinstance(tables, dict):
        raise Corrupt("no tables")
    sources = {row["id"]: Source(**row) for row in _rows(tables.get("sources"), SOURCE_FIELDS)}
    measures = {row["id"]: Measure(**row) for row in _rows(tables.get("measures"), MEASURE_FIELDS)}
    lines = fact_lines.split("\n")
    if lines[-1] != "" or len(lines) - 1 != tables.get("facts"):
        raise Corrupt("truncated cache")
    decoders = [_decoder(field) for field in _FACT_ORDER]
    width = len(decoders)
    facts = []
    for line in lines[:-1]:
        cells = line.split("\t")
        if len(cells) != width:
            raise Corrupt("bad fact line")
        fact = Fact(*[decode(cell) for decode, cell in zip(decoders, cells, strict=True)])
        if fact.source not in sources or (fact.measure is not None and fact.measure not in measures):
            raise Corrupt("inconsistent cache")
        facts.append(fact)
    return Dataset(path, MappingProxyType(sources), MappingProxyType(measures), tuple(facts), tuple(files))
