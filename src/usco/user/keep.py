"""Keeping a release as your own (design §7), listing what is kept, and forgetting one.

A release is kept only after its dataset file loaded cleanly with the dataset the answers
draw on (the shipped one or --data, --add, and the releases kept before): so every command
reads it afterwards without a problem. It is built in a temporary folder beside the others
and renamed into place, so it appears whole or not at all; a rename onto a folder that is
already there fails, so of two runs keeping the same release at once, one wins.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import secrets
import shutil
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any, NamedTuple

from usco.api import _load
from usco.importers import Importer, Release
from usco.model import DatasetError, Fact, Measure, OutputError, Status, UscoError
from usco.text import period
from usco.user import store
from usco.version import __version__

# How a release was dated (design §6, §7): its metadata's "dated_by".
BY_FILE = "the file itself"
BY_DATE_OPTION = "--date"
BY_LAST_MODIFIED = "Last-Modified"
BY_DOWNLOAD_DAY = "download day"


class KeepError(UscoError):
    """A release that cannot be kept (it does not load with the dataset, the disk refused it); one line."""


class Kept(NamedTuple):
    """A release kept, as its release.json says."""

    id: str
    folder: Path
    meta: dict[str, Any]


class Target(NamedTuple):
    """The dataset a release must load with: what the answers draw on (the CLI's global options)."""

    data: str | None = None
    also: tuple[Path, ...] = ()


def sha256(content: bytes) -> str:
    return hashlib.sha256(content).hexdigest()


def kept() -> list[Kept]:
    """Every kept release whose metadata can be read, in id order."""
    found = []
    for name in store.kept_ids():
        folder = store.releases_dir() / name
        try:
            meta = json.loads((folder / store.METADATA).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict):
            found.append(Kept(name, folder, meta))
    return found


def newest_period(facts: Sequence[Fact], measures: Mapping[str, Measure]) -> str | None:
    """The newest period of a release's figures, planned ones aside unless there is nothing else."""
    chosen = [fact for fact in facts if fact.status is not Status.PLANNED] or list(facts)
    if not chosen:
        return None
    newest = max(chosen, key=lambda fact: (fact.date.first, fact.date.precision))
    return period(newest, measures.get(newest.measure or ""))


@contextlib.contextmanager
def building() -> Iterator[Path]:
    """A new temporary folder beside the kept releases, removed afterwards unless it was renamed into place."""
    from usco import files

    releases = store.releases_dir()
    try:
        releases.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise KeepError(f"cannot make {releases}: {error.strerror or error}") from None
    files.sweep_temporaries(releases)  # what a killed run left behind
    folder = releases / f"{store.TEMPORARY_PREFIX}{secrets.token_hex(8)}{files.TEMPORARY_SUFFIX}"
    try:
        folder.mkdir()
    except OSError as error:
        raise KeepError(f"cannot write in {releases}: {error.strerror or error}") from None
    try:
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _write(path: Path, content: bytes) -> None:
    try:
        with path.open("wb") as out:
            out.write(content)
    except OSError as error:
        raise KeepError(f"cannot write {path.name} in {path.parent.parent}: {error.strerror or error}") from None


def keep(importer: Importer, folder: Path, content: bytes, release: Release, text: str, *, dated_by: str,
         origin: str, target: Target, extra: dict[str, Any] | None = None) -> Kept:  # fmt: skip
    """Keep a release built in *folder* (building()): its file *content* (already there if written while it
    streamed), the dataset file *text* its importer made. KeepError, with nothing kept, if it does not load
    with *target* and the releases kept before; OutputError if another run kept the same release meanwhile."""
    digest = sha256(content)
    official = folder / importer.file_name
    if not official.exists():
        _write(official, content)
    dataset_file = folder / store.DATASET
    _write(dataset_file, text.encode("utf-8"))
    try:
        loaded = _load(target.data, also=target.also, user_releases=True)
        good = [path for path in store.kept_datasets() if path not in {left.path for left in loaded.left_out}]
        data = _load(target.data, also=[*target.also, *good, dataset_file], use_cache=False, user_releases=False)
    except DatasetError as error:
        raise KeepError(f"it does not load with the dataset: {error}") from None
    source_id = _source_of(text)
    facts = [fact for fact in data.dataset.facts if fact.source == source_id]
    identifier = source_id
    meta = {
        "id": identifier,
        "importer": importer.name,
        "file": importer.file_name,
        "sha256": digest,
        "bytes": len(content),
        "from": origin,
        "fetched": dt.datetime.now(dt.timezone.utc).replace(microsecond=0).isoformat(),
        "date": release.date,
        "dated_by": dated_by,
        "date_note": release.date_note if release.date_note is not None else release.evidence,
        "source": source_id,
        "facts": len(facts),
        "newest": newest_period(facts, data.dataset.measures),
        "usco": __version__,
        **(extra or {}),
    }
    _write(folder / store.METADATA, (json.dumps(meta, indent=2, ensure_ascii=False) + "\n").encode("utf-8"))
    place = store.releases_dir() / identifier
    try:
        folder.rename(place)  # fails when a folder of that name is there: the other run won
    except OSError as error:
        if place.exists():
            raise OutputError(f"a release {identifier} was kept meanwhile; not replaced") from None
        raise KeepError(f"cannot keep it in {place.parent}: {error.strerror or error}") from None
    return Kept(identifier, place, meta)


def _source_of(text: str) -> str:
    """The one source an importer's dataset file defines: the release (its key names the importer and day)."""
    import tomli

    sources = list(tomli.loads(text).get("sources", {}))
    if len(sources) != 1:
        raise KeepError(f"the importer's dataset file defines {len(sources)} sources; expected one")
    return str(sources[0])


def remove(identifier: str) -> Kept:
    """Forget the kept release *identifier*, whole or not at all: renamed aside first, then deleted."""
    from usco import files

    found = {item.id: item for item in kept()}
    if identifier not in found:
        from usco.text import suggest

        raise KeepError(f"no release of your own is called {identifier!r}{suggest(identifier, list(found))}")
    item = found[identifier]
    aside = item.folder.parent / f"{store.TEMPORARY_PREFIX}{secrets.token_hex(8)}{files.TEMPORARY_SUFFIX}"
    try:
        item.folder.rename(aside)  # from here on no command reads it
    except OSError as error:
        raise KeepError(f"cannot remove {item.folder}: {error.strerror or error}") from None
    shutil.rmtree(aside, ignore_errors=True)  # a part left over is swept by the next keep
    return item
