"""Read a dataset's files: TOML parsed with located errors, where each entry begins, includes followed.

A dataset is a file plus the files it includes (design §1). Each file is decoded and parsed
here, with the line of each [[facts]], [sources.KEY] and [measures.KEY] header, so that
usco.dataset.validate and usco.dataset.rules can say where a problem is: an Origin (file
and line), gathered by a Collector. Only a cache miss imports this module.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path, PurePosixPath
from typing import Any, NamedTuple

from usco.model import DatasetReadError, Fact, Measure, Problem, Source
from usco.reading import read_dataset_file as read_bytes

_TOML_POSITION = re.compile(r"\(at line (\d+), column (\d+)\)")


def _decode(path: Path, content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")  # tolerate a byte-order mark
    except UnicodeDecodeError as exc:
        problem = Problem("file", None, f"is not UTF-8 text (bad byte at offset {exc.start})", path)
        raise DatasetReadError(path, [problem]) from None


def parse_toml(path: Path, text: str) -> dict[str, Any]:
    # tomli's compiled wheel parses about twice as fast as tomllib; tomllib is the fallback.
    try:
        import tomli as toml
    except ImportError:  # pragma: no cover - only where tomli is not installed
        import tomllib as toml  # type: ignore[no-redef]

    def fail(message: str, line: int | None = None) -> DatasetReadError:
        return DatasetReadError(path, [Problem("file", None, message, path, line)])

    try:
        return toml.loads(text)
    except toml.TOMLDecodeError as exc:
        line, column = getattr(exc, "lineno", None), getattr(exc, "colno", None)
        message = getattr(exc, "msg", None) or str(exc)
        position = _TOML_POSITION.search(str(exc))
        if line is None and position:  # tomllib before 3.14 only has it in the text
            line, column = int(position[1]), int(position[2])
        message = _TOML_POSITION.sub("", message).strip()
        if line is None and "end of document" in str(exc):
            lines = text.split("\n")
            line, column = len(lines), len(lines[-1]) + 1
        at = f" (column {column})" if line else ""
        raise fail(f"TOML syntax error: {message}{at}", line) from None
    except RecursionError:
        raise fail("TOML nested too deeply") from None
    except ValueError as exc:  # e.g. an integer longer than Python converts (4,300 digits)
        raise fail(f"TOML value cannot be read: {exc}") from None


# ---------------------------------------------------------------- files and includes


class FilePart(NamedTuple):
    """What one file holds, read and checked on its own with no problem found
    (usco.dataset.validate.check_file): all a build needs of it besides the rules between files."""

    includes: tuple[str, ...]  # its include list, as written
    sources: dict[str, Source]
    measures: dict[str, Measure]  # a period left out is None: it is inferred from every file's facts
    tables: dict[str, str]  # each measure's table as written, by a digest (validate.table_digest)
    facts: list[Fact]


class ParsedFile(NamedTuple):
    """One parsed file of the dataset, with where its entries begin."""

    path: Path
    raw: dict[str, Any]
    fact_lines: list[int]  # the line of each [[facts]] header, in order
    table_lines: dict[tuple[str, str], int]  # ("sources", key) -> line of [sources.key]
    include_line: int | None = None  # the line of `include = [...]`
    part: FilePart | None = None  # the file already checked, from usco.dataset.parts: raw holds its includes only


def parse_bytes(path: Path, content: bytes) -> ParsedFile:
    return parse_file(path, _decode(path, content))


_INCLUDE = re.compile(r"^[ \t]*include[ \t]*=", re.MULTILINE)
_FACT_HEADER = re.compile(r"^[ \t]*\[\[[ \t]*facts[ \t]*\]\]", re.MULTILINE)
_TABLE_HEADER = re.compile(r"^[ \t]*\[[ \t]*(sources|measures)[ \t]*\.[ \t]*\"?([^\]\"]+?)\"?[ \t]*\]", re.MULTILINE)


def _line_of(text: str, offset: int) -> int:
    return text.count("\n", 0, offset) + 1


def _lines_of(text: str, matches: Iterable[re.Match[str]]) -> Iterator[tuple[re.Match[str], int]]:
    """Each match (in order) with its line number, counting each stretch of text once (linear, not quadratic)."""
    line, position = 1, 0
    for match in matches:
        line += text.count("\n", position, match.start())
        position = match.start()
        yield match, line


def parse_file(path: Path, text: str) -> ParsedFile:
    raw = parse_toml(path, text)
    fact_lines = [line for _, line in _lines_of(text, _FACT_HEADER.finditer(text))]
    tables = {(match[1], match[2]): line for match, line in _lines_of(text, _TABLE_HEADER.finditer(text))}
    include = _INCLUDE.search(text)
    return ParsedFile(path, raw, fact_lines, tables, _line_of(text, include.start()) if include else None)


def read_tree(
    path: Path,
    content: bytes,
    also: Sequence[Path],
    read: Callable[[Path], bytes] = read_bytes,
    parse: Callable[[Path, bytes], ParsedFile] = parse_bytes,
) -> tuple[list[ParsedFile], list[Problem]]:
    """The dataset file and every file it includes, depth first; include problems listed.

    Every file is read once, by *read* (the cache's reader remembers what it read, to key by it),
    and parsed by *parse* (usco.dataset.incremental's takes a file already checked from its part).
    A loop, not recursion: a chain of thousands of includes is read like any other, in time
    proportional to its length (the files on the current path are a set, not a tuple copied
    at each step).
    """
    files: list[ParsedFile] = []
    problems: list[Problem] = []
    seen: set[Path] = set()

    def take(current: Path, data: bytes) -> tuple[Path, ParsedFile]:
        resolved = current.resolve()
        seen.add(resolved)
        parsed = parse(current, data)
        files.append(parsed)
        return resolved, parsed

    def walk(start: Path, data: bytes) -> None:
        resolved, parsed = take(start, data)
        # The path from `start` to the file being read: each file with the includes it has left to follow.
        trail = [(start, resolved, parsed, _includes(parsed, problems))]
        on_path = {resolved}
        while trail:
            current, resolved, parsed, targets = trail[-1]
            target = next(targets, None)
            if target is None:
                trail.pop()
                on_path.discard(resolved)
                continue
            child = (current.parent / target).resolve()
            if current.parent.resolve() not in child.parents:
                message = f"{target!r} leaves the folder of {current.name}"
                problems.append(Problem("file", "include", message, current, parsed.include_line))
            elif child in on_path:
                message = f"{target!r} includes itself (a cycle)"
                problems.append(Problem("file", "include", message, current, parsed.include_line))
            elif child not in seen:
                included = current.parent / target
                child_resolved, child_parsed = take(included, read(included))
                trail.append((included, child_resolved, child_parsed, _includes(child_parsed, problems)))
                on_path.add(child_resolved)

    walk(path, content)
    for extra in also:
        if extra.resolve() not in seen:
            walk(extra, read(extra))
    return files, problems


def _includes(parsed: ParsedFile, problems: list[Problem]) -> Iterator[str]:
    """The include paths of one file: relative, inside its folder (no absolute paths, no ..)."""
    value = parsed.raw.get("include", [])
    if not isinstance(value, list) or not all(isinstance(item, str) and item for item in value):
        message = "must be a list of relative paths"
        problems.append(Problem("file", "include", message, parsed.path, parsed.include_line))
        return
    for item in value:
        pure = PurePosixPath(item)
        if "\x00" in item:  # no file name holds one; the system would refuse the path
            message = f"{item!r} holds a NUL character, which no file name can"
            problems.append(Problem("file", "include", message, parsed.path, parsed.include_line))
        elif pure.is_absolute() or "\\" in item or re.match(r"^[A-Za-z]:", item) or ".." in pure.parts:
            message = f"{item!r} must be a relative path inside its folder"
            problems.append(Problem("file", "include", message, parsed.path, parsed.include_line))
        else:
            yield item


# ---------------------------------------------------------------- where an entry stands, and its problems


class Collector:
    """Gathers problems while the dataset is built, so all are reported at once."""

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = problems

    def add(self, where: str, field: str | None, message: str, origin: Origin | None = None) -> None:
        file, line = (origin.file.path, origin.line) if origin else (None, None)
        self.problems.append(Problem(where, field, message, file, line))


class Origin(NamedTuple):
    """Where an entry is written: its file, and the line of its header where one is known."""

    file: ParsedFile
    line: int | None


class Entry(NamedTuple):
    """A [sources] or [measures] table as written, with its key and origin."""

    key: str
    table: dict[str, Any]
    origin: Origin
