"""Build a dataset from its files' parts: only a file whose bytes are new is parsed and checked.

A cache miss (usco.dataset.load) comes here. Each file is read and hashed as before; one
whose part is kept (usco.dataset.parts) is not parsed, and any other is parsed and checked
on its own (usco.dataset.validate.check_file), then kept. The rules between files run
over the whole dataset every time: a key declared twice, a fact id used twice,
references, part_of cycles, each measure's period and figures (usco.dataset.rules). So
the dataset is still validated as a whole, once per miss; what is skipped is work whose
result depends on one unchanged file's bytes alone.

On any problem, the dataset is built again by usco.dataset.validate from the same bytes,
which reports every problem with its file and line, exactly as before.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from types import MappingProxyType

from usco.dataset import codec, parts, validate
from usco.dataset.parse import Collector, FilePart, ParsedFile, parse_bytes, read_tree
from usco.dataset.rules import check_figures, cycles
from usco.model import Dataset, Fact, Measure, Source


def build(
    path: Path, content: bytes, also: Sequence[Path], read: Callable[[Path], bytes]
) -> tuple[Dataset, list[str] | None]:
    """The dataset at *path* (its bytes *content*) with its includes and *also*, each read once by
    *read*; and each fact's cache line, in order (None when it was built by the full build).

    Raises DatasetError listing every problem, as usco.dataset.validate.build does."""
    contents: dict[Path, bytes] = {}
    found: list[tuple[str, list[str] | None]] = []  # each file's hash, and its facts' lines if its part was kept

    def parse(current: Path, data: bytes) -> ParsedFile:
        contents[current] = data
        digest = parts.file_hash(data)
        kept = parts.load(digest)
        found.append((digest, None if kept is None else kept[1]))
        if kept is None:
            return parse_bytes(current, data)
        part = kept[0]
        return ParsedFile(current, {"include": list(part.includes)}, [], {}, None, part)

    files, problems = read_tree(path, content, also, read, parse)
    built = None if problems else _assemble(path, files, found)
    if built is not None:
        return built
    again = read_tree(path, content, also, lambda current: contents[current] if current in contents else read(current))
    return validate.build_from(path, again, also), None


def _assemble(
    path: Path, files: list[ParsedFile], found: list[tuple[str, list[str] | None]]
) -> tuple[Dataset, list[str]] | None:
    """The dataset of every file's part, if no rule between them is broken; else None."""
    checked: list[tuple[FilePart, list[str]]] = []
    for parsed, (_, kept_lines) in zip(files, found, strict=True):
        if parsed.part is not None and kept_lines is not None:
            checked.append((parsed.part, kept_lines))
            continue
        part = validate.check_file(parsed)
        if part is None:
            return None
        checked.append((part, codec.fact_lines(part.facts)))
    sources: dict[str, Source] = {}
    measures: dict[str, Measure] = {}
    tables: dict[str, str] = {}
    facts: list[Fact] = []
    lines: list[str] = []
    for part, part_lines in checked:
        for key, source in part.sources.items():
            if key in sources:
                return None
            sources[key] = source
        for key, measure in part.measures.items():
            if key in measures:  # declared in two files: allowed only identically
                if tables[key] != part.tables[key]:
                    return None
                continue
            measures[key], tables[key] = measure, part.tables[key]
        facts.extend(part.facts)
        lines.extend(part_lines)
    if not _related(facts, sources, measures):
        return None
    measures = _with_periods(measures, facts)
    collector = Collector([])
    check_figures(facts, sources, measures, {}, collector)
    if collector.problems:
        return None
    for (digest, kept_lines), (part, part_lines) in zip(found, checked, strict=True):
        if kept_lines is None:
            parts.save(digest, part, part_lines)
    parts.keep_fresh(digest for digest, _ in found)
    files_read = tuple(parsed.path for parsed in files)
    return Dataset(path, MappingProxyType(sources), MappingProxyType(measures), tuple(facts), files_read), lines


def _related(facts: list[Fact], sources: dict[str, Source], measures: dict[str, Measure]) -> bool:
    """No fact id twice, every reference to something declared, no part_of cycle (rules.check_references)."""
    ids = {fact.id for fact in facts}
    if len(ids) != len(facts):
        return False
    for fact in facts:
        if fact.source not in sources:
            return False
        if fact.measure is not None and fact.measure not in measures:
            return False
        if fact.part_of is not None and fact.part_of not in ids:
            return False
    return not cycles({fact.id: fact.part_of for fact in facts if fact.part_of is not None})


def _with_periods(measures: dict[str, Measure], facts: list[Fact]) -> dict[str, Measure]:
    """Each measure with its period: one left out is inferred from its facts in every file."""
    undeclared = {key for key, measure in measures.items() if measure.period is None}
    if not undeclared:
        return measures
    members: dict[str, list[Fact]] = {key: [] for key in undeclared}
    for fact in facts:
        if fact.measure in members:
            members[fact.measure].append(fact)
    return {
        key: measure._replace(period=validate.infer_period(members[key])) if key in undeclared else measure
        for key, measure in measures.items()
    }
