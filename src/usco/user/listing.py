"""`usco releases`: every release the answers draw on, shipped and your own (design §7)."""

from __future__ import annotations

from collections import defaultdict
from typing import NamedTuple

from usco.api import Data
from usco.importers.releases import RELEASES, ReleaseFile
from usco.model import Fact
from usco.user import keep as keeping
from usco.user import store

COLUMNS = ("id", "importer", "date", "dated_by", "sha256", "newest", "facts", "origin", "from", "date_note")
SHIPPED, YOURS = "shipped", "yours"
BY_COMMIT = "copy's commit day"


class ReleaseRow(NamedTuple):
    id: str  # the release's source id; for yours, also its folder and `--remove ID`
    importer: str
    date: str
    dated_by: str  # the file itself, --date, Last-Modified, download day, or the copy's commit day
    sha256: str
    newest: str | None  # the newest period of its figures
    facts: int
    origin: str  # shipped | yours
    source: str  # where the file came from: the public copy, the URL or the path
    date_note: str | None

    def record(self) -> tuple[object, ...]:
        return (self.id, self.importer, self.date, self.dated_by, self.sha256, self.newest, self.facts, self.origin,
                self.source, self.date_note)  # fmt: skip


def read(data: Data) -> list[keeping.Kept]:
    """Your releases that *data* was read with (not left out, not turned off)."""
    return [item for item in keeping.kept() if item.folder / store.DATASET in data.user_releases]


def shipped(data: Data) -> list[ReleaseFile]:
    """The shipped releases *data* holds (the shipped dataset, or the ones a --data dataset includes):
    their source is there, and is not one of your own releases of the same day."""
    yours = {str(item.meta.get("source")) for item in read(data)}
    return [
        item
        for item in RELEASES
        if (source := f"{item.importer}-{item.release.date}") in data.dataset.sources and source not in yours
    ]


def releases(data: Data) -> list[ReleaseRow]:
    """The releases whose source is in *data*: the shipped ones, then yours, each by importer and date."""
    dataset = data.dataset
    by_source: dict[str, list[Fact]] = defaultdict(list)
    for fact in dataset.facts:
        by_source[fact.source].append(fact)
    rows = []
    for item in shipped(data):
        source_id = f"{item.importer}-{item.release.date}"
        source = dataset.sources[source_id]
        facts = by_source[source_id]
        rows.append(ReleaseRow(
            source_id, item.importer, item.release.date,
            keeping.BY_FILE if item.release.evidence is not None else BY_COMMIT, item.sha256,
            keeping.newest_period(facts, dataset.measures), len(facts), SHIPPED, item.copy_url, source.date_note,
        ))  # fmt: skip
    for kept in read(data):
        meta = kept.meta
        source_id = str(meta.get("source", kept.id))
        own = dataset.sources.get(source_id)
        if own is None:
            continue
        facts = by_source[source_id]
        rows.append(ReleaseRow(
            kept.id, str(meta.get("importer")), str(meta.get("date")), str(meta.get("dated_by")),
            str(meta.get("sha256")), keeping.newest_period(facts, dataset.measures), len(facts), YOURS,
            str(meta.get("from")), own.date_note,
        ))  # fmt: skip
    return sorted(rows, key=lambda row: (row.importer, row.date, row.origin))
