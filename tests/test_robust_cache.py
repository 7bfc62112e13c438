"""Issue #14, the cache may never change an answer: the installed `usco` against a tampered real cache file."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path

import pytest

from tests.helpers import SMALL, run
from usco.dataset import cache

# every test runs the installed script in a subprocess or on a pseudo-terminal
pytestmark = [pytest.mark.slow, pytest.mark.installed]


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return run(*args, timeout=30)  # a FIFO or a device at the cache path must not hold usco up


@pytest.fixture
def dataset_a(tmp_path: Path) -> Path:
    path = tmp_path / "a.toml"
    path.write_text(SMALL, encoding="utf-8")
    return path


def _answer(data: Path, *args: str) -> str:
    result = _run("--data", str(data), "--no-cache", *args)
    assert result.returncode == 0, result.stderr
    return result.stdout


def _cache_file(data: Path) -> Path:
    """Run once so the cache is written; return the real cache file in $XDG_CACHE_HOME/usco/."""
    assert _run("--data", str(data), "facts").returncode == 0
    files = list((Path(os.environ["XDG_CACHE_HOME"]) / "usco").glob("*.json"))
    assert len(files) == 1
    return files[0]


QUERIES = [["facts"], ["facts", "-f", "json"], ["aid", "-f", "csv"], ["show", "covid-total", "-f", "json"]]


def _same_answers(data: Path) -> None:
    for query in QUERIES:
        cached = _run("--data", str(data), *query)
        assert (cached.returncode, cached.stderr) == (0, ""), query
        assert cached.stdout == _answer(data, *query), query


def test_a_fifo_at_the_cache_path_is_never_opened_for_long(dataset_a: Path) -> None:
    target = _cache_file(dataset_a)
    target.unlink()
    os.mkfifo(target)
    _same_answers(dataset_a)  # a hang would be the subprocess timeout
    assert target.is_fifo()  # and it is not replaced by a file either


def test_a_symlink_to_dev_zero_at_the_cache_path_is_not_read(dataset_a: Path) -> None:
    target = _cache_file(dataset_a)
    target.unlink()
    target.symlink_to("/dev/zero")
    _same_answers(dataset_a)


def test_a_cache_file_beyond_the_bound_is_not_read(dataset_a: Path) -> None:
    target = _cache_file(dataset_a)
    with target.open("r+b") as handle:
        handle.truncate(cache.MAX_BYTES + 1)  # sparse: costs no disk
    _same_answers(dataset_a)


def test_an_edited_number_does_not_change_the_answer(dataset_a: Path) -> None:
    target = _cache_file(dataset_a)
    raw = target.read_bytes()
    assert b"\t23600000\t" in raw
    target.write_bytes(raw.replace(b"\t23600000\t", b"\t99600000\t"))
    _same_answers(dataset_a)
    assert "99600000" not in _run("--data", str(dataset_a), "facts").stdout


def _with_valid_digest(target: Path, old: bytes, new: bytes) -> None:
    """What a forger who knows the format could write: *old* replaced by *new* in the facts, every digest
    and offset made to match."""
    import json

    from usco.dataset import segments

    raw = target.read_bytes()
    header_line, _, rest = raw.partition(b"\n")
    header = json.loads(header_line)
    secret = cache.keyed_secret(header["key"])
    manifest, bodies = rest[: header["manifest"][0]], rest[header["manifest"][0] :]
    counts_line, _, tables = manifest.partition(b"\n")
    counts = json.loads(counts_line)
    columns = counts["segments"]
    offset, parts = 0, []
    for number, (start, length) in enumerate(zip(columns["offset"], columns["length"], strict=True)):
        body = bodies[start : start + length].replace(old, new)
        columns["offset"][number], columns["length"][number] = offset, len(body)
        columns["digest"][number] = segments.digest(body, secret)
        offset += len(body)
        parts.append(body)
    manifest = json.dumps(counts).encode() + b"\n" + tables
    header["manifest"] = [len(manifest), segments.digest(manifest, secret)]
    target.write_bytes(json.dumps(header).encode() + b"\n" + manifest + b"".join(parts))


@pytest.mark.parametrize("number", [b"inf", b"nan", b"-inf", b"1" * 31, b"1e400", b"0x10", b"--1"])
def test_hostile_numbers_in_a_well_signed_cache_crash_nothing(dataset_a: Path, number: bytes) -> None:
    target = _cache_file(dataset_a)
    _with_valid_digest(target, b"\t23600000\t", b"\t" + number + b"\t")
    _same_answers(dataset_a)


def test_another_datasets_body_under_this_key_does_not_answer(dataset_a: Path, tmp_path: Path) -> None:
    dataset_b = tmp_path / "b.toml"
    dataset_b.write_text(SMALL.replace("23_600_000", "99_600_000"), encoding="utf-8")
    target_a = _cache_file(dataset_a)
    target_a.rename(tmp_path / "a-cache.json")
    target_b = _cache_file(dataset_b)
    body_b = target_b.read_bytes().partition(b"\n")[2]
    header_a = (tmp_path / "a-cache.json").read_bytes().partition(b"\n")[0]
    target_a.write_bytes(header_a + b"\n" + body_b)
    _same_answers(dataset_a)
    assert "99600000" not in _run("--data", str(dataset_a), "facts").stdout
