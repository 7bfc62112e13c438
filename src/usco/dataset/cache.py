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

import contextlib
import functools
import json
import math
import os
import re
import sys
from collections.abc import Callable, Sequence
from functools import partial
from pathlib import Path
from typing import Any

from usco.fields import FACT_FIELDS, MEASURE_FIELDS, SOURCE_FIELDS, Field, Kind
from usco.model import Dataset, Fact, Measure, PartialDate, Source
from usco.reading import ReadFailure, read_dataset_file, read_regular
from usco.version import __version__

try:  # hashlib's import loads OpenSSL (about 2 ms, a tenth of usco's start-up); BLAKE2 is built in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b

FORMAT = "usco-dataset-cache-7"  # 7: a measure's publisher, a fact's event
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


def _file_for(resolved: Path, also: Sequence[Path]) -> Path:
    """The cache file for the dataset at *resolved* (an already resolved path) read with *also*."""
    name = "\0".join(map(str, (resolved, *map(Path.resolve, also))))
    return directory() / (blake2b(name.encode("utf-8", "surrogateescape"), digest_size=16).hexdigest() + ".json")


def _fingerprint(path: Path, content: bytes | None = None) -> list[Any]:
    """[path, size, mtime_ns, hash] of one file, as the key holds it (*path* already resolved)."""
    if content is None:
        content = read_dataset_file(path)  # the same bounded, regular-file-only read
    info = path.stat()
    return [str(path), info.st_size, info.st_mtime_ns, _hash(content)]


def _key(path: Path, content: bytes, included: Sequence[Path]) -> dict[str, Any]:
    """The key of the dataset at *path* (its bytes *content*) and the files it includes, all resolved."""
    files = [_fingerprint(file) for file in included]
    return {"format": FORMAT, "usco": __version__, "dataset": _fingerprint(path, content), "files": files}


def _digest(body: bytes, dataset_hash: str) -> str:
    """The body's hash keyed by the dataset's (as the key holds it: hashing the dataset again costs 0.3 ms)."""
    return blake2b(body, digest_size=32, key=bytes.fromhex(dataset_hash)).hexdigest()


def read(path: Path, content: bytes, also: Sequence[Path] = ()) -> Dataset | None:
    """The cached dataset for exactly these files, or None (missing, stale, corrupt or foreign)."""
    from usco.model import DatasetError

    try:
        resolved = path.resolve()
        raw = read_regular(_file_for(resolved, also), limit=MAX_BYTES, follow_symlinks=False)
        header_line, _, body = raw.partition(b"\n")
        header = json.loads(header_line)
        if not isinstance(header, dict) or not isinstance(header.get("key"), dict):
            return None
        files = header["key"].get("files")
        if not isinstance(files, list) or not all(isinstance(item, list) and item for item in files):
            return None
        # The stored paths were resolved when the cache was written; a path that now leads
        # elsewhere (a moved file, a new symlink) gives another size, time or hash.
        included = [Path(item[0]) for item in files if isinstance(item[0], str)]
        key = _key(resolved, content, included)
        if header["key"] != key or header.get("digest") != _digest(body, key["dataset"][3]):
            return None
        return _decode(path, body.decode("ascii"), (path, *included))
    except (OSError, ReadFailure, UnicodeDecodeError, json.JSONDecodeError, Corrupt, DatasetError):
        return None


def write(data: Dataset, content: bytes, also: Sequence[Path] = ()) -> None:
    """Store atomically (temporary file, then rename); a cache that cannot be written is skipped."""
    from usco import files  # only a cache miss writes
    from usco.model import UscoError

    body = _encode(data).encode("ascii", "backslashreplace")
    try:
        resolved = data.path.resolve()
        key = _key(resolved, content, [file for file in map(Path.resolve, data.files) if file != resolved])
        header = json.dumps({"key": key, "digest": _digest(body, key["dataset"][3])}, ensure_ascii=False)
        target = _file_for(resolved, also)
        target.parent.mkdir(parents=True, exist_ok=True)
        files.write_atomically(target, header.encode("utf-8") + b"\n" + body, replace=True)
    except (OSError, UnicodeEncodeError, UscoError):  # read-only, full or refused: answers never need the cache
        return


# ---------------------------------------------------------------- encoding

# Facts are stored one a line, fields separated by tabs, in the order of the Fact type's
# attributes (each encoded as usco.fields declares its kind), because splitting lines is
# several times faster than json.loads at 100,000 facts; they are decoded a column at a
# time and zipped straight into Facts.
# Empty means None (the loader never accepts an empty string), tags are joined by
# U+001F, and a backslash escapes the few characters that would break a line or a field.
# The body is ASCII, anything else written as Python's \xNN, \uNNNN or \UNNNNNNNN: one
# non-ASCII character makes every string of the body wider, and decoding and splitting
# it take a millisecond longer on the shipped data (120 such characters in 1,493 facts).
_ESCAPES = {"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r", "\x1f": "\\x1f"}
_UNESCAPES = {code[1:]: char for char, code in _ESCAPES.items()}


# Compiled when first needed (about 0.2 and 0.4 ms): only a write escapes, and only a
# body with a backslash in it is unescaped.
@functools.cache
def _to_escape() -> re.Pattern[str]:
    return re.compile("[\\\\\t\n\r\x1f]")


@functools.cache
def _escaped() -> re.Pattern[str]:
    return re.compile(r"\\(x[0-9a-f]{2}|u[0-9a-f]{4}|U[0-9a-f]{8}|[\\tnr]|.?)", re.DOTALL)


def _escape(value: str) -> str:
    return _to_escape().sub(lambda match: _ESCAPES[match[0]], value)


def _unescape(field: str) -> str:
    return _escaped().sub(_unescaped, field)


def _unescaped(match: re.Match[str]) -> str:
    code = match[1]
    if code in _UNESCAPES:
        return _UNESCAPES[code]
    if len(code) > 1:  # x, u or U and its hex digits
        with contextlib.suppress(ValueError):  # beyond U+10FFFF
            return chr(int(code[1:], 16))
    raise Corrupt("unknown escape")


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


def _lines(entries: Sequence[tuple[Any, ...]], order: tuple[Field, ...]) -> str:
    return "".join("\t".join(map(_encode_value, order, entry)) + "\n" for entry in entries)


def _encode(data: Dataset) -> str:
    counts = dict(zip(_TABLES, map(len, (data.sources, data.measures, data.facts)), strict=True))
    return (
        json.dumps(counts)
        + "\n"
        + _lines(list(data.sources.values()), _SOURCE_ORDER)
        + _lines(list(data.measures.values()), _MEASURE_ORDER)
        + _lines(data.facts, _FACT_ORDER)
    )


def _number(text: str) -> int | float | None:
    if not text:
        return None
    try:
        number: int | float = float(text) if any(char in text for char in ".eEn") else int(text)
    except ValueError:
        raise Corrupt(f"not a number: {text[:20]!r}") from None
    if (isinstance(number, float) and not math.isfinite(number)) or abs(number) >= _LARGEST:
        raise Corrupt("a number the loader refuses")
    return number


def _numbers(column: Sequence[str]) -> list[int | float | None]:
    # whole numbers below 10**18 (nearly all of them) without a call each
    return [int(text) if len(text) < 19 and text.isdigit() and text.isascii() else _number(text) for text in column]


def _tag_lists(column: Sequence[str]) -> list[tuple[str, ...]]:
    # most facts share a few tag lists: each distinct one is split once, and shared
    distinct = {text: _tags(text) for text in set(column)}
    return list(map(distinct.__getitem__, column))


def _tags(text: str) -> tuple[str, ...]:
    if not text:
        return ()
    if "\\" not in text:
        return tuple(text.split("\x1f"))
    return tuple(_unescape(tag) for tag in text.split("\x1f"))


def _in_order_of(kind: type[Any], fields: tuple[Field, ...]) -> tuple[Field, ...]:
    """*fields* in the order of the type's attributes, so a decoded row is the type's tuple."""
    by_name = {field.name: field for field in fields}
    return tuple(by_name[name] for name in kind._fields)


_SOURCE_ORDER = _in_order_of(Source, SOURCE_FIELDS)
_MEASURE_ORDER = _in_order_of(Measure, MEASURE_FIELDS)
_FACT_ORDER = _in_order_of(Fact, FACT_FIELDS)
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


def _column_decoder(field: Field) -> Callable[[Sequence[str]], list[Any]]:
    """How a whole column of one fact field turns back into values, with the loader's rules.

    A column at a time, because mapping a dict lookup or a builtin over a column runs in
    C: decoding the shipped 1,493 facts this way takes a quarter of the time a decoder
    call per cell took (the cache exists to make every query start fast).
    """
    kind = field.kind
    if kind is Kind.CHOICE:
        assert field.choices is not None
        members: dict[str, Any] = {member.value: member for member in field.choices}
        if not field.required and field.default is None:
            members[""] = None

        def choices(column: Sequence[str]) -> list[Any]:
            try:
                return list(map(members.__getitem__, column))
            except KeyError as unknown:
                raise Corrupt(f"{field.name} {str(unknown)[:20]}") from None

        return choices
    if kind is Kind.DATE:
        required = field.required

        def dates(column: Sequence[str]) -> list[Any]:
            for text in set(column).difference(_DATES):
                if text:
                    _date(text)  # parsed and remembered, or Corrupt
                elif required:
                    _missing(field)
            known: dict[str, PartialDate | None] = {**_DATES, "": None}
            return list(map(known.__getitem__, column))

        return dates
    if kind is Kind.NUMBER:
        return _numbers
    if kind is Kind.BOOL:
        return lambda column: list(map("1".__eq__, column))
    if kind is Kind.TAGS:
        return _tag_lists
    required = field.required

    def texts(column: Sequence[str]) -> list[Any]:
        if "\\" in "".join(column):
            column = [_unescape(text) if "\\" in text else text for text in column]
        if not required:
            return [text or None for text in column]
        if "" in column:
            _missing(field)
        return list(column)

    return texts


def _missing(field: Field) -> None:
    raise Corrupt(f"{field.name} missing")


def _columns(text: str, rows: int, fields: tuple[Field, ...]) -> list[list[Any]]:
    """Each field's values, decoded from *rows* lines of tab-separated cells.

    One split of the whole table and a slice per field, not a list per line: the cells
    of field i are every width-th one from i. The digest already proved the body is
    what usco wrote; the counts catch a table cut short or overrun.
    """
    width = len(fields)
    cells = text.replace("\n", "\t").split("\t")
    if text.count("\n") != rows or len(cells) != rows * width + 1 or cells[-1] != "":
        raise Corrupt("a table of the wrong shape")
    return [_column_decoder(field)(cells[position:-1:width]) for position, field in enumerate(fields)]


def _decode(path: Path, body: str, files: Sequence[Path]) -> Dataset:
    from types import MappingProxyType

    counts_line, _, rest = body.partition("\n")
    counts = json.loads(counts_line)
    if not isinstance(counts, dict) or not all(isinstance(counts.get(name), int) for name in _TABLES):
        raise Corrupt("no table counts")
    sources_end = _after_lines(rest, 0, counts["sources"])
    measures_end = _after_lines(rest, sources_end, counts["measures"])
    sources = {source.id: source for source in _entries(Source, rest[:sources_end], counts["sources"], _SOURCE_ORDER)}
    measures = {
        measure.id: measure
        for measure in _entries(Measure, rest[sources_end:measures_end], counts["measures"], _MEASURE_ORDER)
    }
    values = _columns(rest[measures_end:], counts["facts"], _FACT_ORDER)
    facts = tuple(map(_row_of(Fact), zip(*values, strict=True)))
    by_name = dict(zip(Fact._fields, values, strict=True))
    if not sources.keys() >= set(by_name["source"]) or not measures.keys() >= set(by_name["measure"]) - {None}:
        raise Corrupt("inconsistent cache")
    return Dataset(path, MappingProxyType(sources), MappingProxyType(measures), facts, tuple(files))


_TABLES = ("sources", "measures", "facts")


def _entries(kind: type[Any], text: str, rows: int, order: tuple[Field, ...]) -> list[Any]:
    return list(map(_row_of(kind), zip(*_columns(text, rows, order), strict=True)))


def _row_of(kind: type[Any]) -> Callable[[tuple[Any, ...]], Any]:
    """What kind._make does, in C: a third of the time of a Python call per fact.

    zip(strict=True) of one column per field already gives tuples of the right length.
    """
    return partial(tuple.__new__, kind)


def _after_lines(text: str, start: int, lines: int) -> int:
    """The offset just past *lines* more lines of *text* from *start*."""
    for _ in range(lines):
        start = text.find("\n", start) + 1
        if start == 0:
            raise Corrupt("truncated cache")
    return start
