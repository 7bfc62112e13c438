"""The cache's facts, in segments decoded only when a query can need them (issue #26).

The cache keeps a dataset's facts in segments, one per topic and measure (a topic's
facts with no measure are one segment), and a manifest that says what each holds:
its topic and measure, its sources and tags, and the range of its dates. A query asks
for the facts that can match it (usco.model.Wanted); the segments that cannot hold one
(another topic, another measure, dates outside --since/--until, sources all published
after --as-of) are never read, and every segment of a measure the query touches is, so
revisions are worked out as from every fact. Read in full (facts, search, export), the
store is every fact in file order, as the validated dataset holds them.

Each segment is verified (a digest keyed by the cache's key) and decoded when first
needed; one that does not verify or decode makes the store rebuild the dataset from
its files (the caller's *rebuild*) and answer from that.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Callable, Iterator, Mapping, Sequence
from functools import partial
from itertools import chain
from pathlib import Path
from typing import Any, NamedTuple, overload

from usco.dataset import codec
from usco.dataset.codec import Corrupt
from usco.model import Dataset, DatasetReadError, Fact, FactStore, Measure, Problem, Source, Wanted

try:  # hashlib's import loads OpenSSL (about 2 ms, a tenth of usco's start-up); BLAKE2 is built in
    from _blake2 import blake2b
except ImportError:  # pragma: no cover - other Python implementations
    from hashlib import blake2b


class Segment(NamedTuple):
    """What the manifest says of one segment: what it holds, and where its bytes are."""

    topic: str
    measure: str | None
    rows: int
    first: str  # the earliest first day of a fact's date (ISO), and the latest
    last: str
    sources: frozenset[str]
    tags: frozenset[str]
    offset: int  # from the start of the segments, in the cache file
    length: int
    digest: str


def to_manifest(parts: Sequence[Segment]) -> dict[str, list[Any]]:
    """The segments as the manifest lists them: a column per field (decoded in C, not a call a segment)."""
    columns: dict[str, list[Any]] = {name: [getattr(part, name) for part in parts] for name in Segment._fields}
    columns["measure"] = [measure or "" for measure in columns["measure"]]
    columns["sources"] = [sorted(names) for names in columns["sources"]]
    columns["tags"] = [sorted(names) for names in columns["tags"]]
    return columns


def from_manifest(columns: Any) -> list[Segment]:
    """The segments of a manifest's columns; Corrupt unless each holds the values usco wrote."""
    if not isinstance(columns, dict) or not columns.keys() >= set(Segment._fields):
        raise Corrupt("no segments")
    values = [columns[name] for name in Segment._fields]
    if {type(column) for column in values} != {list} or len({len(column) for column in values}) != 1:
        raise Corrupt("segment columns of the wrong shape")
    topic, measure, rows, first, last, sources, tags, offset, length, digests = values
    if not set(map(type, chain(topic, measure, first, last, digests))) <= {str}:
        raise Corrupt("a segment column of the wrong types")
    if not set(map(type, chain(rows, offset, length))) <= {int} or min(chain(rows, offset, length), default=0) < 0:
        raise Corrupt("a segment column of the wrong types")
    if not set(map(type, chain(sources, tags))) <= {list} or not set(map(type, chain(*sources, *tags))) <= {str}:
        raise Corrupt("a segment column of the wrong types")
    measures = [name or None for name in measure]
    fields = zip(topic, measures, rows, first, last, map(frozenset, sources), map(frozenset, tags), offset, length,
                 digests, strict=True)  # fmt: skip
    return list(map(partial(tuple.__new__, Segment), fields))


def digest(body: bytes, secret: bytes) -> str:
    return blake2b(body, digest_size=32, key=secret).hexdigest()


def encode(facts: Sequence[Fact]) -> list[tuple[Segment, bytes]]:
    """The facts grouped into segments (offsets from 0, digests left empty), each with its body.

    One group per topic and measure, cut by date into up to CHUNKS segments of at least
    SMALLEST facts each, so --since and --until skip the old years of a long series. A body
    is one line of the facts' places in the dataset (so a full read restores file order),
    then the facts, one a line.
    """
    groups: dict[tuple[str, str | None], list[int]] = {}
    for place, fact in enumerate(facts):
        groups.setdefault((fact.topic.value, fact.measure), []).append(place)
    segments = []
    offset = 0
    for (topic, measure), places in groups.items():
        for chunk in _by_date(places, facts):
            members = [facts[place] for place in chunk]
            text = " ".join(map(str, chunk)) + "\n" + codec.lines(members, codec.FACT_ORDER)
            body = text.encode("ascii", "backslashreplace")
            firsts = [fact.date.first.isoformat() for fact in members]
            sources = frozenset(fact.source for fact in members)
            tags = frozenset(tag for fact in members for tag in fact.tags)
            segment = Segment(topic, measure, len(members), min(firsts), max(firsts), sources, tags, offset, len(body),
                              "")  # fmt: skip
            segments.append((segment, body))
            offset += len(body)
    return segments


SMALLEST = 256  # facts: a segment smaller than this costs more to list than to decode
CHUNKS = 8  # at most, per topic and measure: the manifest stays small at a million facts


def _by_date(places: list[int], facts: Sequence[Fact]) -> list[list[int]]:
    """*places* in runs of dates, oldest first, each of at least a size; a date is never split."""
    size = max(SMALLEST, -(-len(places) // CHUNKS))
    if len(places) < 2 * size:
        return [places]
    ordered = sorted(places, key=lambda place: facts[place].date.first)
    chunks: list[list[int]] = [[]]
    for place in ordered:
        current = chunks[-1]
        if len(current) >= size and facts[place].date.first != facts[current[-1]].date.first:
            chunks.append(current := [])
        current.append(place)
    return chunks


class StoredFacts(FactStore):
    """The facts of a cache file, read a segment at a time (see the module's docstring)."""

    def __init__(
        self,
        *,
        file: Path,
        identity: tuple[int, int],  # the cache file's device and inode, as its manifest was read
        start: int,  # where the segments begin in it
        secret: bytes,
        segments: Sequence[Segment],
        sources: Mapping[str, Source],
        measures: Mapping[str, Measure],
        rebuild: Callable[[], Dataset],
    ) -> None:
        self._file, self._identity, self._start, self._secret = file, identity, start, secret
        self._segments = tuple(segments)
        self._sources, self._measures, self._rebuild = sources, measures, rebuild
        self._total = sum(segment.rows for segment in self._segments)
        self._decoded: dict[int, tuple[list[Fact], str]] = {}  # segment -> (facts, line of places)
        self._everything: tuple[Fact, ...] | None = None
        self._rebuilt: tuple[Fact, ...] | None = None
        #: Facts decoded so far, and the (topic, measure) of each segment decoded: what tests count.
        self.decoded_rows = 0
        self.decoded_segments: list[tuple[str, str | None]] = []

    # ------------------------------------------------------------ a sequence: every fact, in file order

    def __len__(self) -> int:
        return self._total

    @overload
    def __getitem__(self, index: int) -> Fact: ...
    @overload
    def __getitem__(self, index: slice) -> Sequence[Fact]: ...
    def __getitem__(self, index: int | slice) -> Fact | Sequence[Fact]:
        return self._all()[index]

    def __iter__(self) -> Iterator[Fact]:
        return iter(self._all())

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Sequence) or isinstance(other, str):
            return NotImplemented
        return self._all() == tuple(other)

    __hash__ = None  # type: ignore[assignment]  # equal to a tuple, but not hashable like one

    def __repr__(self) -> str:
        return f"<StoredFacts: {self._total} facts in {len(self._segments)} segments>"

    def tags(self) -> set[str]:
        return set().union(*(segment.tags for segment in self._segments))

    def matching(self, wanted: Wanted) -> Sequence[Fact]:
        if self._rebuilt is not None:
            return self._rebuilt
        chosen = _chosen(self._segments, self._sources, wanted)
        try:
            return [fact for index in chosen for fact in self._segment(index)[0]]
        except Corrupt:
            return self._fall_back()

    def _all(self) -> tuple[Fact, ...]:
        if self._rebuilt is not None:
            return self._rebuilt
        if self._everything is None:
            try:
                self._everything = self._in_file_order()
            except Corrupt:
                return self._fall_back()
        return self._everything

    def _in_file_order(self) -> tuple[Fact, ...]:
        placed: list[Fact | None] = [None] * self._total
        for index in range(len(self._segments)):
            facts, places = self._segment(index)
            numbers = places.split()
            if len(numbers) != len(facts) or not all(number.isdigit() for number in numbers):
                raise Corrupt("a segment's places do not match its facts")
            for number, fact in zip(map(int, numbers), facts, strict=True):
                if number >= self._total or placed[number] is not None:
                    raise Corrupt("a segment's places do not match its facts")
                placed[number] = fact
        return tuple(placed)  # type: ignore[arg-type]  # every place filled: the counts add up, none twice

    # ------------------------------------------------------------ reading a segment

    def _segment(self, index: int) -> tuple[list[Fact], str]:
        if index not in self._decoded:
            segment = self._segments[index]
            body = self._read(segment)
            if digest(body, self._secret) != segment.digest:
                raise Corrupt("a segment that is not what was written")
            places, _, text = body.decode("ascii").partition("\n")
            facts, columns = codec.facts(text, segment.rows)
            if set(columns["topic"]) - {segment.topic} or set(columns["measure"]) - {segment.measure}:
                raise Corrupt("a segment holding what its manifest does not say")
            if not self._sources.keys() >= set(columns["source"]):
                raise Corrupt("a fact of an unknown source")
            if segment.measure is not None and segment.measure not in self._measures:
                raise Corrupt("a fact of an unknown measure")
            self._decoded[index] = (facts, places)
            self.decoded_rows += len(facts)
            self.decoded_segments.append((segment.topic, segment.measure))
        return self._decoded[index]

    def _read(self, segment: Segment) -> bytes:
        try:
            descriptor = os.open(self._file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            raise Corrupt("the cache file is gone") from None
        with os.fdopen(descriptor, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode) or (status.st_dev, status.st_ino) != self._identity:
                raise Corrupt("the cache file was replaced")
            handle.seek(self._start + segment.offset)
            body = handle.read(segment.length)
        if len(body) != segment.length:
            raise Corrupt("a segment cut short")
        return body

    def _fall_back(self) -> tuple[Fact, ...]:
        """Answer from the files themselves: a segment did not verify (the rebuild rewrites the cache)."""
        data = self._rebuild()
        if dict(data.sources) != dict(self._sources) or dict(data.measures) != dict(self._measures):
            problem = Problem("file", None, "changed while it was read; run the command again")
            raise DatasetReadError(data.path, [problem])
        self._rebuilt = tuple(data.facts)
        return self._rebuilt


def _chosen(segments: Sequence[Segment], sources: Mapping[str, Source], wanted: Wanted) -> list[int]:
    """The segments that can hold a fact *wanted* matches, and every other one of the measures they touch."""

    def words(values: Any) -> set[str]:  # a Topic or SourceKind is a str enum: compare by value
        return {str(getattr(value, "value", value)) for value in values}

    topics, kinds = words(wanted.topics), words(wanted.source_kinds)
    measures, tags, named = set(wanted.measures), set(wanted.tags), set(wanted.sources)
    since = wanted.since.first.isoformat() if wanted.since else None
    until = wanted.until.last.isoformat() if wanted.until else None
    known = None
    if wanted.as_of is not None:
        day = wanted.as_of.last
        known = {key for key, source in sources.items() if source.date is not None and source.date.last <= day}

    def possible(segment: Segment) -> bool:  # as --as-of, --since and --until leave it
        if known is not None and known.isdisjoint(segment.sources):
            return False
        if since is not None and segment.last < since:
            return False
        return until is None or segment.first <= until

    def asked(segment: Segment) -> bool:  # as the filters ask
        return (
            (not topics or segment.topic in topics)
            and (not measures or segment.measure in measures)
            and (not tags or not tags.isdisjoint(segment.tags))
            and (not named or not named.isdisjoint(segment.sources))
            and (not kinds or any(_kind(sources[key]) in kinds for key in segment.sources))
        )

    open_ = [index for index, segment in enumerate(segments) if possible(segment)]
    primary = {index for index in open_ if asked(segments[index])}
    touched = {segments[index].measure for index in primary} - {None}
    return [index for index in open_ if index in primary or segments[index].measure in touched]


def _kind(source: Source) -> str | None:
    return None if source.kind is None else str(source.kind.value)
