"""What the importers share: the errors, the release's description, the source and fact tables."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from typing import NamedTuple

from usco.importers import tomlout
from usco.model import UscoError

_ISO_DAY = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


class ImportFormatError(UscoError):
    """The file is not the official release the importer reads; the message is one line saying what was expected."""


class MissingLibraryError(UscoError):
    """An optional library the file needs (openpyxl for a workbook) is not installed; the message names the fix."""


def missing_library(library: str, error: ModuleNotFoundError) -> MissingLibraryError:
    """The one-line error for an optional library that failed to import: what is missing, and the install command."""
    return MissingLibraryError(
        f"reading this file needs {library}, which is not installed (no module {error.name!r}): "
        "pip install 'usco[import]'"
    )


class FileDate(NamedTuple):
    """The day a release file itself says it was made, and that evidence in words (design §6)."""

    day: str  # YYYY-MM-DD
    note: str  # the evidence, for the source's date_note: "The day the workbook was generated, ..."


class Release(NamedTuple):
    """What is known about a release file: what the caller said, or what the file itself says of its day."""

    date: str  # YYYY-MM-DD: the day the release was published (or the best evidence for it)
    date_note: str | None = None  # how that date was established, as the caller (--date-note) put it
    url: str | None = None  # the official page; None for the importer's default
    copy_url: str | None = None  # a permanent copy of exactly this file
    # The file's own evidence for `date` (FileDate.note) when the date is the file's own, no
    # --date given: the source's date_note unless date_note is given, and the command that
    # makes the file again gives no --date.
    evidence: str | None = None


class NoDateError(UscoError):
    """The file prints no date of its own and no --date was given; the message says so in one line."""


def dated(own: FileDate | None, *, date: str | None, date_note: str | None = None, url: str | None = None,
          copy_url: str | None = None) -> Release:  # fmt: skip
    """The release as it will be imported: *date* when given (it always wins), else the file's own day *own*.

    NoDateError when there is neither: a CSV prints no date, and neither does a workbook
    without the evidence of design §6.
    """
    if date is not None:
        return Release(date, date_note, url, copy_url)
    if own is None:
        raise NoDateError("the file says nothing of the day it was made: its date (YYYY-MM-DD) must be given")
    return Release(own.day, date_note, url, copy_url, evidence=own.note)


class Measure(NamedTuple):
    id: str
    label: str
    unit: str
    period: str
    publisher: str  # the release's publisher: the series holds its figures only (design §1)


class Fact(NamedTuple):
    """One fact as written. `date`/`end` are strings ("2016", "1976-07") or TOML dates (a partial's end)."""

    id: str
    topic: str
    text: str
    value: int | float
    unit: str
    date: str
    source: str
    measure: str
    tags: tuple[str, ...]
    status: str = "final"
    end: str | dt.date | None = None
    sort_key: tuple[int, ...] = ()  # the period's order within its measure; not written


def release_day(release: Release) -> dt.date:
    """The release date as a date; ValueError (a usage error, not a file error) when it is not YYYY-MM-DD."""
    text = release.date
    if not isinstance(text, str) or not _ISO_DAY.fullmatch(text):
        raise ValueError(f"release date {text!r} is not a date; expected YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"release date {text!r} is not a real date; expected YYYY-MM-DD") from None


def shown(text: str, limit: int = 60) -> str:
    """A value from the file, quoted for a one-line message: control characters escaped, long text cut."""
    cut = text if len(text) <= limit else text[:limit] + "…"
    return repr(cut)


def sniff(content: bytes) -> str | None:
    """What the bytes evidently are, when that is something other than CSV text or a workbook."""
    if not content.strip():
        return "empty"
    if content.startswith(b"PK\x03\x04") or content.startswith(b"PK\x05\x06"):
        return "zip"
    head = content[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")) or (
        head.startswith(b"<") and b"<html" in head
    ):
        return "html"
    if head.startswith(b"<?xml") or head.startswith(b"<"):
        return "xml"
    return None


_SHELL_SAFE = re.compile(r"[A-Za-z0-9_@%+=:,./-]+")
_DOUBLE_QUOTE_UNSAFE = re.compile(r'["$`\\!\x00-\x1f\x7f]')


def shell_words(words: Sequence[str]) -> str:
    """A command line a POSIX shell reads back as *words*: bare, else in double quotes, else shlex's quoting."""
    out = []
    for word in words:
        if _SHELL_SAFE.fullmatch(word):
            out.append(word)
        elif not _DOUBLE_QUOTE_UNSAFE.search(word):
            out.append(f'"{word}"')
        else:
            import shlex  # here: `usco --help` and completion import this module, and rarely need it

            out.append(shlex.quote(word))
    return " ".join(out)


def command_comment(importer: str, content: bytes, release: Release) -> list[str]:
    """The comment lines at the top of a generated file: the command that makes it, and the input's hash."""
    import hashlib  # here, not at the top: `usco --help` and completion import this module

    words = ["usco", "import", importer, "FILE"]
    if release.evidence is None:  # else the file dates itself, and the same command finds the same day
        words += ["--date", release.date]
    for option, given in (("--date-note", release.date_note), ("--url", release.url), ("--copy-url", release.copy_url)):
        if given is not None:
            words += [option, given]
    return [
        "Generated by: " + shell_words(words),
        f"FILE: sha256 {hashlib.sha256(content).hexdigest()}, {len(content)} bytes.",
        "Do not edit by hand: run the same command again (data/series/RELEASES.md lists the shipped ones).",
    ]


def render(
    comments: Sequence[str],
    source_id: str,
    source_fields: Sequence[tomlout.Field],
    measures: Sequence[Measure],
    facts: Sequence[Fact],
) -> str:
    """The dataset file: the source, the measures by id, the facts by measure then period."""
    tables = [tomlout.table(("sources", source_id), source_fields)]
    tables += [
        tomlout.table(
            ("measures", m.id), [("label", m.label), ("unit", m.unit), ("period", m.period), ("publisher", m.publisher)]
        )
        for m in sorted(measures, key=lambda m: m.id)
    ]
    for fact in sorted(facts, key=lambda f: (f.measure, f.sort_key, f.id)):
        fields: list[tomlout.Field] = [
            ("id", fact.id),
            ("topic", fact.topic),
            ("text", fact.text),
            ("value", fact.value),
            ("unit", fact.unit),
            ("date", fact.date),
        ]
        if fact.end is not None:
            fields.append(("end", fact.end))
        if fact.status != "final":
            fields.append(("status", fact.status))
        fields += [("source", fact.source), ("measure", fact.measure), ("tags", list(fact.tags))]
        tables.append(tomlout.table(("facts",), fields, array=True))
    text = tomlout.document(comments, tables)
    loadable(text)
    return text


def loadable(text: str) -> None:
    """ImportFormatError unless usco's loader reads *text* as it is: an importer never writes a file that
    `usco check` refuses (an amount out of range, a name on two lines, a --url that is not http(s)).
    Validating costs a few percent of an import."""
    from pathlib import Path

    from usco.dataset import validate
    from usco.model import DatasetError

    try:
        validate.build(Path("imported.toml"), text.encode("utf-8"))
    except DatasetError as error:
        more = f" (and {len(error.problems) - 1} more)" if len(error.problems) > 1 else ""
        raise ImportFormatError(f"the dataset file made of it would not load: {error.problems[0]}{more}") from None


def source_fields(
    *, title: str, publisher: str, default_url: str, short: str, release: Release, day: dt.date
) -> list[tomlout.Field]:
    fields: list[tomlout.Field] = [
        ("title", title),
        ("publisher", publisher),
        ("kind", "government"),
        ("url", release.url if release.url is not None else default_url),
    ]
    if release.copy_url is not None:
        fields.append(("copy_url", release.copy_url))
    fields += [("short", short), ("date", day)]
    note = release.date_note if release.date_note is not None else release.evidence
    if note is not None:
        fields.append(("date_note", note))
    return fields
