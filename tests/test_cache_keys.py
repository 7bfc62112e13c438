"""The cache is keyed by what was read (issue #25): the bytes parsed, wherever a path led; a corrupt
header or no home directory never breaks a query. And a query decodes only what it can need (#26)."""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

import usco
from tests.helpers import SMALL, USCO, environment, run
from usco.dataset import cache, parse
from usco.dataset import load as dataset
from usco.dataset.segments import StoredFacts

EXTRA = """
[[facts]]
id     = "extra"
topic  = "trade"
text   = "Another figure"
value  = {value}
unit   = "USD"
date   = "2019"
source = "sheet-2020"
"""


def _extra(value: int) -> str:
    return EXTRA.format(value=value)


def _value(data: usco.Data) -> object:
    return next(fact.value for fact in data.all_facts() if fact.id == "extra")


@pytest.mark.parametrize("how", ["included", "added"])
def test_a_file_rewritten_while_it_is_parsed_is_never_answered_from_its_old_bytes(
    tmp_path: Path, _private_cache: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    """Each cold load: the file is rewritten (in place, same size) right after usco read it, while it
    is parsed. The next load must answer the new bytes, never the parsed ones under the new file's key."""
    main = tmp_path / "main.toml"
    extra = tmp_path / "extra.toml"
    main.write_text(('include = ["extra.toml"]\n' if how == "included" else "") + SMALL, encoding="utf-8")
    also = [extra] if how == "added" else []
    original = parse.parse_toml
    pending: list[int] = []

    def rewriting(path: Path, text: str) -> dict[str, object]:
        if path.name == "extra.toml" and pending:
            extra.write_text(_extra(pending.pop()), encoding="utf-8")  # after the read, before the parse ends
        return original(path, text)

    monkeypatch.setattr(parse, "parse_toml", rewriting)
    for round_ in range(20):
        parsed, written = 10_000_000 + 2 * round_, 10_000_001 + 2 * round_  # same size: only the bytes differ
        extra.write_text(_extra(parsed), encoding="utf-8")
        pending.append(written)
        assert _value(usco.load(main, also=also)) == parsed  # cold: what was read
        assert _value(usco.load(main, also=also)) == written, round_  # the file as it is now
        assert _value(usco.load(main, also=also)) == written, round_


@pytest.mark.slow
@pytest.mark.installed
def test_the_installed_usco_never_keeps_an_answer_from_a_file_rewritten_during_a_cold_query(tmp_path: Path) -> None:
    extra = tmp_path / "extra.toml"
    main = tmp_path / "main.toml"
    main.write_text(SMALL, encoding="utf-8")
    for round_ in range(20):
        extra.write_text(_extra(10_000_000), encoding="utf-8")
        stop = threading.Event()

        def rewrite(round_: int = round_, stop: threading.Event = stop) -> None:
            value = 20_000_000
            while not stop.is_set():
                value += 1
                extra.write_text(_extra(value), encoding="utf-8")
            extra.write_text(_extra(30_000_000 + round_), encoding="utf-8")

        writer = threading.Thread(target=rewrite)
        writer.start()
        run("--data", str(main), "--add", str(extra), "--no-pager", "facts", "-f", "csv", "--columns", "id,value")
        stop.set()
        writer.join()
        for _ in range(2):
            answer = run("--data", str(main), "--add", str(extra), "facts", "-f", "csv", "--columns", "id,value")
            assert answer.returncode == 0, answer.stderr
            assert f"extra,{30_000_000 + round_}" in answer.stdout.splitlines(), round_


def test_a_repointed_symlink_is_read_again(tmp_path: Path, _private_cache: Path) -> None:
    (tmp_path / "main.toml").write_text('include = ["cur.toml"]\n' + SMALL, encoding="utf-8")
    (tmp_path / "v1.toml").write_text(_extra(1), encoding="utf-8")
    (tmp_path / "v2.toml").write_text(_extra(2), encoding="utf-8")
    current = tmp_path / "cur.toml"
    current.symlink_to("v1.toml")
    assert _value(usco.load(tmp_path / "main.toml")) == 1
    assert _value(usco.load(tmp_path / "main.toml")) == 1  # from the cache
    current.unlink()
    current.symlink_to("v2.toml")
    assert _value(usco.load(tmp_path / "main.toml")) == 2


def test_a_repointed_symlinked_folder_is_read_again(tmp_path: Path, _private_cache: Path) -> None:
    (tmp_path / "main.toml").write_text('include = ["cur/extra.toml"]\n' + SMALL, encoding="utf-8")
    for version in (1, 2):
        (tmp_path / f"v{version}").mkdir()
        (tmp_path / f"v{version}" / "extra.toml").write_text(_extra(version), encoding="utf-8")
    current = tmp_path / "cur"
    current.symlink_to("v1", target_is_directory=True)
    assert _value(usco.load(tmp_path / "main.toml")) == 1
    assert _value(usco.load(tmp_path / "main.toml")) == 1
    current.unlink()
    current.symlink_to("v2", target_is_directory=True)
    assert _value(usco.load(tmp_path / "main.toml")) == 2


def test_files_changed_well_before_the_build_are_not_read_again_on_a_hit(
    small: Path, _private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Their identity and times are the key: a hit reads no dataset file (and parses none)."""
    status = small.stat()
    os.utime(small, ns=(status.st_atime_ns, status.st_mtime_ns - 10**9))
    monkeypatch.setattr(cache, "_TICK", -(10**12))  # as if the change (its ctime, now) were long before
    expected = dataset.load(small)

    def refuse(path: Path) -> bytes:
        raise AssertionError(f"read {path} again")

    monkeypatch.setattr(cache, "_bytes", refuse)
    monkeypatch.setattr(cache, "read_dataset_file_with_status", refuse)
    assert dataset.load(small) == expected


@pytest.mark.parametrize("header", [b"[" * 100_000, b"1" * 5_000, b'{"key": ' + b"9" * 5_000 + b"}"])
def test_a_cache_header_python_cannot_read_is_ignored_and_rebuilt(
    small: Path, _private_cache: Path, header: bytes
) -> None:
    expected = dataset.load(small)
    (cache_file,) = (_private_cache / "usco").glob("*.json")
    cache_file.write_bytes(header + b"\n")
    assert dataset.load(small) == expected
    assert cache_file.read_bytes() != header + b"\n"  # rebuilt


def test_no_home_directory_means_no_cache(small: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.delenv("HOME", raising=False)

    def nowhere() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", nowhere)
    assert cache.directory() is None
    assert dataset.load(small) == dataset.load(small, use_cache=False)


@pytest.mark.slow
@pytest.mark.installed
def test_the_installed_usco_runs_without_a_home_directory(small: Path, tmp_path: Path) -> None:
    """HOME unset, no XDG_CACHE_HOME, and no passwd entry for the user (made so for this process only)."""
    (tmp_path / "site").mkdir()
    (tmp_path / "site" / "sitecustomize.py").write_text(
        "import pwd\n\ndef _none(uid):\n    raise KeyError(uid)\n\npwd.getpwuid = _none\n", encoding="utf-8"
    )
    env = {k: v for k, v in environment().items() if k not in ("HOME", "XDG_CACHE_HOME")}
    env["PYTHONPATH"] = str(tmp_path / "site")
    probe = [str(Path(USCO).parent / "python"), "-c", "import pathlib; pathlib.Path.home()"]
    assert "Could not determine home directory" in subprocess.run(probe, env=env, capture_output=True, text=True).stderr
    for _ in range(2):
        result = run("--data", str(small), "aid", "-f", "json", env=env)
        assert (result.returncode, result.stderr) == (0, ""), result.stderr
        assert '"covid-total"' in result.stdout


# ---------------------------------------------------------------- a query decodes what it can need (#26)


def _stored(path: Path) -> usco.Data:
    usco.load(path)  # writes the cache
    data = usco.load(path)
    assert isinstance(data.dataset.facts, StoredFacts)
    return data


def _monthly(topic: str, measure: str, count: int) -> str:
    """*count* monthly figures of *topic*: a series long enough to be segments of its own."""
    head = f'[measures.{measure}]\nlabel = "{measure}"\nunit = "USD"\nperiod = "month"\n'
    return head + "".join(
        f'[[facts]]\nid = "{measure}-{i}"\ntopic = "{topic}"\ntext = "A monthly figure"\nvalue = {i}\n'
        f'unit = "USD"\ndate = "{1950 + i // 12}-{i % 12 + 1:02d}"\nsource = "sheet-2020"\nmeasure = "{measure}"\n'
        for i in range(count)
    )


@pytest.fixture
def two_topics(tmp_path: Path, _private_cache: Path) -> Path:
    """SMALL, plus a long monthly series of trade and one of migration in an included file."""
    (tmp_path / "series.toml").write_text(
        _monthly("trade", "trade-monthly", 600) + _monthly("migration", "arrivals-monthly", 600), encoding="utf-8"
    )
    main = tmp_path / "main.toml"
    main.write_text('include = ["series.toml"]\n' + SMALL, encoding="utf-8")
    return main


def test_a_query_for_one_topic_decodes_no_other_topics_facts(two_topics: Path) -> None:
    data = _stored(two_topics)
    store = data.dataset.facts
    assert isinstance(store, StoredFacts)
    expected = usco.load(two_topics, use_cache=False).facts(topic="aid")
    assert data.facts(topic="aid") == expected and len(expected) == 4
    assert {topic for topic, _ in store.decoded_segments} == {"aid"}
    assert store.decoded_rows == 4  # of 1,207


def test_one_long_series_decodes_that_series_alone(two_topics: Path) -> None:
    data = _stored(two_topics)
    store = data.dataset.facts
    assert isinstance(store, StoredFacts)
    rows = data.facts(measure="trade-monthly", since="1999")
    assert [row.fact.id for row in rows] == [f"trade-monthly-{i}" for i in range(588, 600)]
    assert {measures for _, measures in store.decoded_segments} == {frozenset({"trade-monthly"})}
    assert 12 <= store.decoded_rows < 600 // 2  # its last years' segment only


def test_revisions_come_from_every_version_of_a_measure_whatever_its_topic(
    write_dataset: Callable[[str], Path], _private_cache: Path
) -> None:
    """A measure's versions under two topics: `--topic aid` still sees the trade-topic revision."""
    text = (
        SMALL
        + """
[measures.yearly]
label = "Yearly support"
unit  = "USD"
period = "year"

[[facts]]
id = "peace-2020-a"
topic = "aid"
text = "Peace support, first said"
value = 1
unit = "USD"
date = "2019"
source = "sheet-2020"
measure = "yearly"

[[facts]]
id = "peace-2020-b"
topic = "trade"
text = "Peace support, revised"
value = 2
unit = "USD"
date = "2019"
source = "report-2023"
measure = "yearly"
"""
    )
    path = write_dataset(text)
    data = _stored(path)
    fresh = usco.load(path, use_cache=False)
    for kwargs in ({"topic": "aid"}, {"topic": "aid", "history": True}, {"topic": "trade", "as_of": "2021"}):
        assert data.facts(**kwargs) == fresh.facts(**kwargs), kwargs  # type: ignore[arg-type]
    assert [row.superseded_by for row in data.facts(topic="aid", history=True) if row.fact.id == "peace-2020-a"] == [
        "peace-2020-b"
    ]


QUERIES: list[dict[str, Any]] = [
    {"topic": "aid", "since": "2016"},
    {"topic": "trade", "since": "2024"},
    {"topic": "trade", "since": "2020", "until": "2021", "history": True},
    {"topic": "aid", "as_of": "2023-01", "history": True},
    {"topic": "trade", "latest": True},
    {"measure": "us-goods-imports-monthly", "since": "2025"},
    {"source_kind": "government", "until": "2016"},
    {"search": "coffee"},
    {},
]


@pytest.mark.slow  # one validation of the official series: a few seconds
def test_answers_from_segments_are_the_answers_from_every_fact(official_series: Path, shared_cache: Path) -> None:
    fresh = usco.load(official_series, use_cache=False)
    tag = next(tag for fact in fresh.all_facts() for tag in fact.tags)
    for query in [*QUERIES, {"tag": tag}, {"tag": tag, "topic": "trade", "since": "2024"}]:
        data = _stored(official_series)  # a fresh store each time: nothing decoded yet
        assert data.facts(**query) == fresh.facts(**query), query
