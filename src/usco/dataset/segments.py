"""The cache's facts, in segments decoded only when a query can need them (issue #26).

The cache keeps a dataset's facts in segments of one topic: a long series alone, cut by
date; a topic's short series and its facts with no measure together, cut by date. A
manifest says what each holds: its topic and measures, its sources and tags, and the
range of its dates. A query asks
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
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from functools import partial
from itertools import chain
from operator import attrgetter
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
    measures: frozenset[str]  # "" for facts with no measure
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
    columns["measures"] = [sorted(names) for names in columns["measures"]]
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
    topic, measures, rows, first, last, sources, tags, offset, length, digests = values
    if not set(map(type, chain(topic, first, last, digests))) <= {str}:
        raise Corrupt("a segment column of the wrong types")
    if not set(map(type, chain(rows, offset, length))) <= {int} or min(chain(rows, offset, length), default=0) < 0:
        raise Corrupt("a segment column of the wrong types")
    lists = (measures, sources, tags)
    if not set(map(type, chain(*lists))) <= {list} or not set(map(type, chain(*measures, *sources, *tags))) <= {str}:
        raise Corrupt("a segment column of the wrong types")
    sets = (map(frozenset, measures), map(frozenset, sources), map(frozenset, tags))
    fields = zip(topic, sets[0], rows, first, last, sets[1], sets[2], offset, length, digests, strict=True)
    return list(map(partial(tuple.__new__, Segment), fields))


def digest(body: bytes, secret: bytes) -> str:
    return blake2b(body, digest_size=32, key=secret).hexdigest()


def encode(facts: Sequence[Fact], lines: Sequence[str] | None = None) -> list[tuple[Segment, bytes]]:
    """The facts grouped into segments (offsets from 0, digests left empty), each with its body.

    Per topic: each series of at least LONG facts is a group, the rest of the topic's facts
    another; each group is cut by date into up to CHUNKS segments of at least SMALLEST facts,
    so --since and --until skip old years and a series' few facts are not a segment each. A
    body is one line of the facts' places in the dataset (so a full read restores file
    order), then the facts, one a line: from *lines* (each fact's, already encoded) if given.
    """
    lines = codec.fact_lines(facts) if lines is None else lines
    # map() and attrgetter run in C: every fact of the dataset passes here on every cache miss
    keys = list(map(attrgetter("topic", "measure"), facts))
    sizes = Counter(keys)
    groups: dict[tuple[Any, str | None], list[int]] = {}
    for place, (topic, measure) in enumerate(keys):
        groups.setdefault((topic, measure if sizes[topic, measure] >= LONG else None), []).append(place)
    segments = []
    offset = 0
    for (topic, _), places in groups.items():
        for chunk in _by_date(places, facts):
            members = list(map(facts.__getitem__, chunk))
            text = " ".join(map(str, chunk)) + "\n" + "".join(map(lines.__getitem__, chunk))
            body = text.encode("ascii", "backslashreplace")
            firsts = set(map(attrgetter("date.first"), members))
            measures = {name or "" for name in set(map(attrgetter("measure"), members))}
            sources = frozenset(map(attrgetter("source"), members))
            tags = frozenset(chain.from_iterable(map(attrgetter("tags"), members)))
            segment = Segment(topic.value, frozenset(measures), len(members), min(firsts).isoformat(),
                              max(firsts).isoformat(), sources, tags, offset, len(body), "")  # fmt: skip
            segments.append((segment, body))
            offset += len(body)
    return segments


SMALLEST = 256  # facts: a segment smaller than this costs more to list and read than to decode
LONG = 2 * SMALLEST  # a series this long is segments of its own
CHUNKS = 8  # at most, per group: the manifest stays small at a million facts


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
        #: Facts decoded so far, and the topic and measures of each segment decoded: what tests count.
        self.decoded_rows = 0
        self.decoded_segments: list[tuple[str, frozenset[str]]] = []

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
            self._decode(chosen)
        except Corrupt:
            return self._fall_back()
        return [fact for index in chosen for fact in self._decoded[index][0]]

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
        self._decode(range(len(self._segments)))
        for facts, places in self._decoded.values():
            numbers = places.split()
            if len(numbers) != len(facts) or not all(number.isdigit() for number in numbers):
                raise Corrupt("a segment's places do not match its facts")
            for number, fact in zip(map(int, numbers), facts, strict=True):
                if number >= self._total or placed[number] is not None:
                    raise Corrupt("a segment's places do not match its facts")
                placed[number] = fact
        return tuple(placed)  # type: ignore[arg-type]  # every place filled: the counts add up, none twice

    # ------------------------------------------------------------ reading segments

    def _decode(self, indices: Iterable[int]) -> None:
        """Decode the segments of *indices* not decoded yet, all in one pass (a column decoder
        call per field for them all, not per segment: a query may need a hundred small ones)."""
        wanted = [index for index in indices if index not in self._decoded]
        if not wanted:
            return
        places, texts = [], []
        for index, body in zip(wanted, self._read([self._segments[index] for index in wanted]), strict=True):
            if digest(body, self._secret) != self._segments[index].digest:
                raise Corrupt("a segment that is not what was written")
            line, _, text = body.decode("ascii").partition("\n")
            places.append(line)
            texts.append(text)
        facts, columns = codec.facts("".join(texts), sum(self._segments[index].rows for index in wanted))
        if not self._sources.keys() >= set(columns["source"]):
            raise Corrupt("a fact of an unknown source")
        start = 0
        for index, line in zip(wanted, places, strict=True):
            segment = self._segments[index]
            end = start + segment.rows
            topics, measures = set(columns["topic"][start:end]), set(columns["measure"][start:end])
            if topics - {segment.topic} or {name or "" for name in measures} - segment.measures:
                raise Corrupt("a segment holding what its manifest does not say")
            if not self._measures.keys() >= segment.measures - {""}:
                raise Corrupt("a fact of an unknown measure")
            self._decoded[index] = (facts[start:end], line)
            self.decoded_segments.append((segment.topic, segment.measures))
            start = end
        self.decoded_rows += len(facts)

    def _read(self, segments: Sequence[Segment]) -> list[bytes]:
        try:
            descriptor = os.open(self._file, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0) | getattr(os, "O_NONBLOCK", 0))
        except OSError:
            raise Corrupt("the cache file is gone") from None
        bodies = []
        with os.fdopen(descriptor, "rb") as handle:
            status = os.fstat(handle.fileno())
            if not stat.S_ISREG(status.st_mode) or (status.st_dev, status.st_ino) != self._identity:
                raise Corrupt("the cache file was replaced")
            for segment in segments:
                handle.seek(self._start + segment.offset)
                bodies.append(body := handle.read(segment.length))
                if len(body) != segment.length:
                    raise Corrupt("a segment cut short")
        return bodies

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
            and (not measures or not measures.isdisjoint(segment.measures))
            and (not tags or not tags.isdisjoint(segment.tags))
            and (not named or not named.isdisjoint(segment.sources))
            and (not kinds or any(_kind(sources[key]) in kinds for key in segment.sources))
        )

    open_ = [index for index, segment in enumerate(segments) if possible(segment)]
    primary = {index for index in open_ if asked(segments[index])}
    touched = set().union(*(segments[index].measures for index in primary)) - {""}
    return [index for index in open_ if index in primary or not touched.isdisjoint(segments[index].measures)]


def _kind(source: Source) -> str | None:
    return None if source.kind is None else str(source.kind.value)
