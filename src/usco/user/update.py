"""`usco update` and `usco import --keep` (design §7): an official file in, your own release out.

For each importer: fetch its file (from its official URL, or by its official name from a
mirror URL or folder), and if its sha256 is a release the answers already draw on, say so
and keep nothing; else check it is the importer's kind of file, date it (the file's own
evidence, else the server's Last-Modified, else the day it was downloaded), import it and
keep it (usco.user.keep). Nothing here prints: each importer ends in an Outcome.
"""

from __future__ import annotations

import datetime as dt
import email.utils
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import NamedTuple

from usco.importers import Importer, ImportFormatError, Release, dated
from usco.importers.base import sniff
from usco.model import InputError, OutputError, UscoError
from usco.user import keep as keeping
from usco.user import store
from usco.user.fetch import Progress, Validators, fetch, limits

VALIDATORS = "validators.json"  # per importer: the ETag and Last-Modified of the file last fetched

NEW, KNOWN, UNCHANGED, FAILED = "new", "known", "unchanged", "failed"


class Outcome(NamedTuple):
    importer: str
    status: str  # NEW, KNOWN, UNCHANGED or FAILED
    message: str  # one line: what was found, or why it failed
    release: str | None = None  # the release's id (new, or the known one)


def where(importer: Importer, mirror: str | None) -> str:
    """The importer's file: its official URL, or its official name under *mirror* (a URL or a folder)."""
    if mirror is None:
        return importer.url
    if "://" in mirror:
        return mirror.rstrip("/") + "/" + importer.file_name
    return str(Path(mirror) / importer.file_name)


def known_releases(target: keeping.Target) -> dict[str, str]:
    """sha256 → release id, of every release the answers draw on: the shipped ones in the dataset, and yours."""
    from usco.api import _load
    from usco.user.listing import shipped

    data = _load(target.data, also=target.also, user_releases=True)
    known = {item.sha256: f"{item.importer}-{item.release.date}" for item in shipped(data)}
    known.update({str(item.meta.get("sha256")): item.id for item in keeping.kept()})
    return known


def _validators() -> dict[str, dict[str, str]]:
    try:
        found = json.loads((store.data_dir() / VALIDATORS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return found if isinstance(found, dict) else {}


def _remember(importer: Importer, url: str, said: Validators) -> None:
    """Remember the file's ETag and Last-Modified for the next conditional request; written only when they change."""
    from usco import files

    table = _validators()
    entry = {"url": url, **{k: v for k, v in said._asdict().items() if v}}
    if table.get(importer.name) == entry or not (said.etag or said.last_modified):
        return
    table[importer.name] = entry
    text = json.dumps(table, indent=2, sort_keys=True) + "\n"
    try:
        store.data_dir().mkdir(parents=True, exist_ok=True)
        files.write_atomically(store.data_dir() / VALIDATORS, text.encode("utf-8"), replace=True)
    except (OSError, UscoError):
        pass  # only a saving for next time


def _last_validators(importer: Importer, url: str) -> Validators:
    entry = _validators().get(importer.name)
    if not isinstance(entry, dict) or entry.get("url") != url:
        return Validators()
    return Validators(entry.get("etag"), entry.get("last_modified"))


def _day_of(last_modified: str | None) -> dt.date | None:
    if not last_modified:
        return None
    try:
        return email.utils.parsedate_to_datetime(last_modified).astimezone(dt.timezone.utc).date()
    except (TypeError, ValueError, IndexError):
        return None


def release_of(importer: Importer, content: bytes, origin: str, last_modified: str | None) -> tuple[Release, str]:
    """The release's date and how it was dated: the file's own evidence, else Last-Modified, else today."""
    own = importer.date(content)
    if own is not None:
        return dated(own, date=None), keeping.BY_FILE
    what = importer.what[:1].upper() + importer.what[1:]
    day = _day_of(last_modified)
    if day is not None:
        note = (f"{what} prints no date. This is the day the server said the file was last modified "
                f"(Last-Modified: {last_modified}), when usco update fetched it from {origin}.")  # fmt: skip
        return Release(day.isoformat(), note), keeping.BY_LAST_MODIFIED
    today = dt.datetime.now(dt.timezone.utc).date().isoformat()
    note = (f"{what} prints no date, and the server gave no Last-Modified. This is the day usco update "
            f"downloaded it from {origin}; the release was published on or before it.")  # fmt: skip
    return Release(today, note), keeping.BY_DOWNLOAD_DAY


def _convert(importer: Importer, content: bytes, release: Release) -> str:
    if not importer.detect(content):
        kind = sniff(content)
        raise ImportFormatError(f"not {importer.what}" + (f" (an {kind} file)" if kind == "html" else
                                                          f" ({kind})" if kind else ""))  # fmt: skip
    return importer.convert(content, release)


def keep_file(importer: Importer, content: bytes, release: Release, *, dated_by: str, origin: str,
              target: keeping.Target, folder: Path | None = None, extra: dict[str, str] | None = None,
              ) -> keeping.Kept:  # fmt: skip
    """Import *content* and keep it (`usco import --keep`, and update's last step); UscoError with nothing kept."""
    text = _convert(importer, content, release)
    if folder is not None:
        return keeping.keep(importer, folder, content, release, text, dated_by=dated_by, origin=origin,
                            target=target, extra=extra)  # fmt: skip
    with keeping.building() as building:
        return keeping.keep(importer, building, content, release, text, dated_by=dated_by, origin=origin,
                            target=target, extra=extra)  # fmt: skip


def update_one(importer: Importer, *, mirror: str | None, target: keeping.Target, known: dict[str, str],
               progress: Progress | None = None) -> Outcome:  # fmt: skip
    """Fetch, compare, import and keep one importer's file; every failure is an Outcome, nothing half-kept."""
    origin = where(importer, mirror)
    name = importer.name
    digest = ""
    try:
        with keeping.building() as folder:
            body = folder / importer.file_name
            said = Validators()
            if "://" in origin:
                fetched = fetch(origin, body, validators=_last_validators(importer, origin), progress=progress)
                if fetched is None:
                    return Outcome(name, UNCHANGED, "not modified since the last update (the server said 304)")
                said = fetched.validators
                content = body.read_bytes()
            else:
                from usco.reading import read_input_file

                content = read_input_file(Path(origin), limit=limits()[0], what=importer.what)
            digest = keeping.sha256(content)
            if digest in known:
                _remember(importer, origin, said)
                return Outcome(name, KNOWN, f"already known: release {known[digest]}", known[digest])
            release, dated_by = release_of(importer, content, origin, said.last_modified)
            extra = {k: v for k, v in (("etag", said.etag), ("last_modified", said.last_modified)) if v}
            kept = keep_file(importer, content, release, dated_by=dated_by, origin=origin, target=target,
                             folder=folder, extra=extra)  # fmt: skip
    except (OutputError, keeping.KeepError) as error:
        # Another run may have kept this very file meanwhile: its folder took the name (OutputError),
        # or it was there when this one's release was checked against the dataset (KeepError).
        same = [item.id for item in keeping.kept() if digest and item.meta.get("sha256") == digest]
        if same:
            return Outcome(name, KNOWN, f"already known: release {same[0]} (kept meanwhile by another run)", same[0])
        return Outcome(name, FAILED, str(error) if isinstance(error, OutputError) else f"{origin}: {error}")
    except InputError as error:  # a mirror folder's file: the message names it
        return Outcome(name, FAILED, str(error))
    except UscoError as error:  # FetchError, ImportFormatError, MissingLibraryError (openpyxl)...
        return Outcome(name, FAILED, f"{origin}: {error}")
    _remember(importer, origin, said)
    known[digest] = kept.id
    newest = kept.meta.get("newest")
    return Outcome(name, NEW, f"new release {kept.id} kept, newest period {newest}", kept.id)


def update(importers: Sequence[Importer], *, mirror: str | None, target: keeping.Target,
           progress: Callable[[Importer], Progress | None] | None = None) -> list[Outcome]:  # fmt: skip
    """update_one() for each importer, in order."""
    known = known_releases(target)
    outcomes = []
    for importer in importers:
        bar = progress(importer) if progress is not None else None
        outcomes.append(update_one(importer, mirror=mirror, target=target, known=known, progress=bar))
    return outcomes
