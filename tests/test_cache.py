"""The dataset cache never changes an answer, and nothing in the cache directory is trusted."""

from __future__ import annotations

import os
import stat
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import Result

from tests.helpers import SMALL
from usco import __version__
from usco.dataset import cache, codec
from usco.dataset import load as dataset

Usco = Callable[..., Result]


def _cache_files(directory: Path) -> list[Path]:
    return sorted((directory / "usco").glob("*.json"))


def test_second_load_comes_from_the_cache_and_is_identical(small: Path, _private_cache: Path) -> None:
    first = dataset.load(small)
    assert len(_cache_files(_private_cache)) == 1
    second = dataset.load(small)
    assert second == first


def test_awkward_strings_survive_the_cache(write_dataset: Callable[[str], Path]) -> None:
    """Tabs, backslashes, unit separators and escapes in texts and tags come back unchanged."""
    awkward = SMALL.replace('text      = "Two-way goods trade"', 'text = "Two\\tway\\\\goods \\u001f trade \\\\n"')
    awkward = awkward.replace('tags      = ["covid"]', 'tags = ["a\\u001fb", "c\\\\u", "d\\te"]')
    path = write_dataset(awkward)
    uncached = dataset.load(path, use_cache=False)
    assert "\t" in next(f.text for f in uncached.facts if f.id == "trade-2019")
    dataset.load(path)  # writes the cache
    assert dataset.load(path) == uncached


def test_any_text_survives_the_cache_and_the_cache_is_ascii(
    write_dataset: Callable[[str], Path], _private_cache: Path
) -> None:
    """Accents, dashes, emoji and a literal backslash-u come back exactly; the body holds only ASCII escapes."""
    text = "Colombia\u2013EE. UU.: a\u00f1o, \U0001f600, literal \\\\u2013 and \\\\x1f, \u00a0end"
    path = write_dataset(SMALL.replace('text      = "Two-way goods trade"', f'text = "{text}"'))
    uncached = dataset.load(path, use_cache=False)
    dataset.load(path)  # writes the cache
    assert dataset.load(path) == uncached
    expected = "Colombia\u2013EE. UU.: a\u00f1o, \U0001f600, literal \\u2013 and \\x1f, \u00a0end"
    assert next(fact.text for fact in uncached.facts if fact.id == "trade-2019") == expected
    (cache_file,) = _cache_files(_private_cache)
    assert cache_file.read_bytes().partition(b"\n")[2].isascii()


@given(st.text())
def test_escaping_for_the_cache_is_undone_exactly(value: str) -> None:
    written = codec.escape(value).encode("ascii", "backslashreplace").decode("ascii")
    assert not set(written) & set("\t\n\r\x1f")
    assert codec.unescape(written) == value


@pytest.mark.parametrize("field", ["\\q", "a\\", "\\U00110000", "\\x4", "\\u12g4"])
def test_an_unknown_escape_is_a_corrupt_cache(field: str) -> None:
    with pytest.raises(codec.Corrupt):
        codec.unescape(field)


def test_no_cache_writes_nothing(small: Path, _private_cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    dataset.load(small, use_cache=False)
    monkeypatch.setenv("USCO_NO_CACHE", "1")
    dataset.load(small)
    assert _cache_files(_private_cache) == []


@pytest.mark.parametrize("fmt", ["json", "csv", "table", "markdown"])
def test_output_is_identical_with_and_without_cache(usco: Usco, small: Path, fmt: str) -> None:
    cold = usco("facts", "--history", "-f", fmt, data=small)
    warm = usco("facts", "--history", "-f", fmt, data=small)
    uncached = usco("--no-cache", "facts", "--history", "-f", fmt, data=small)
    assert cold.stdout == warm.stdout == uncached.stdout
    assert cold.exit_code == warm.exit_code == uncached.exit_code == 0


def test_a_changed_dataset_is_read_again(usco: Usco, small: Path) -> None:
    assert "nearly $29 billion" in usco("trade", "-f", "markdown", data=small).stdout
    small.write_text(SMALL.replace("29_000_000_000", "31_000_000_000"), encoding="utf-8")
    assert "nearly $31 billion" in usco("trade", "-f", "markdown", data=small).stdout


def test_same_size_and_mtime_but_new_content_is_read_again(small: Path) -> None:
    """The content hash is part of the key: size and mtime alone can lie."""
    before = dataset.load(small)
    status = small.stat()
    small.write_text(SMALL.replace("29_000_000_000", "39_000_000_000"), encoding="utf-8")
    os.utime(small, ns=(status.st_atime_ns, status.st_mtime_ns))
    after = dataset.load(small)
    assert [f.value for f in after.facts] != [f.value for f in before.facts]
    assert 39_000_000_000 in [f.value for f in after.facts]


@pytest.mark.parametrize(
    "corruption",
    [
        b"",
        b"{not json",
        b"[]",
        b'{"key": "wrong"}',
        b"\x80\x81 binary",
    ],
    ids=["empty", "truncated", "foreign", "wrong-key", "binary"],
)
def test_corrupt_cache_is_ignored_and_rebuilt(small: Path, _private_cache: Path, corruption: bytes) -> None:
    expected = dataset.load(small)
    (cache_file,) = _cache_files(_private_cache)
    cache_file.write_bytes(corruption)
    assert dataset.load(small) == expected
    assert cache_file.read_bytes() != corruption  # rebuilt


def test_tampered_cache_with_the_right_key_is_not_trusted(small: Path, _private_cache: Path) -> None:
    """A cache whose key matches but whose body was changed (digest) or is not valid objects is rebuilt."""
    expected = dataset.load(small)
    (cache_file,) = _cache_files(_private_cache)
    text = cache_file.read_text(encoding="utf-8")
    for original, tampered in [
        ("\taid\t", "\tnot-a-topic\t"),  # a topic that does not exist
        ("\t23600000\t", "\t23600000x\t"),  # a value that is not a number
        ("\tsheet-2020\t", "\tnowhere\t"),  # a source that does not exist
        ('"format": "usco-dataset-cache-8"', '"format": "usco-dataset-cache-6"'),  # another cache format
        (f'"usco": "{__version__}"', f'"usco": "{__version__}.dev0"'),  # written by another version of usco
        ("covid-total\t", "covid-total\textra\t"),  # a field too many
    ]:
        assert original in text
        cache_file.write_text(text.replace(original, tampered, 1), encoding="utf-8")
        assert dataset.load(small) == expected, tampered
    cache_file.write_text(text[: len(text) // 2], encoding="utf-8")  # truncated mid-way
    assert dataset.load(small) == expected


def test_a_changed_included_file_is_read_again(tmp_path: Path, _private_cache: Path) -> None:
    """The key holds every included file's fingerprint, not only the including file's."""
    (tmp_path / "main.toml").write_text('include = ["facts.toml"]\n', encoding="utf-8")
    included = tmp_path / "facts.toml"
    included.write_text(SMALL, encoding="utf-8")
    first = dataset.load(tmp_path / "main.toml")
    assert dataset.load(tmp_path / "main.toml") == first
    assert len(_cache_files(_private_cache)) == 1
    included.write_text(SMALL.replace("29_000_000_000", "31_000_000_000"), encoding="utf-8")
    assert 31_000_000_000 in [fact.value for fact in dataset.load(tmp_path / "main.toml").facts]


def test_one_cache_file_per_set_of_files_read(small: Path, tmp_path: Path, _private_cache: Path) -> None:
    """`--add` reads more files: another answer, so another cache file, and neither is mistaken for the other."""
    extra = tmp_path / "extra.toml"
    extra.write_text(
        '[[facts]]\nid = "extra"\ntopic = "trade"\ntext = "Another fact"\ndate = "2019"\nsource = "sheet-2020"\n',
        encoding="utf-8",
    )
    alone = dataset.load(small)
    together = dataset.load(small, also=[extra])
    assert len(_cache_files(_private_cache)) == 2
    assert "extra" in [fact.id for fact in together.facts] and "extra" not in [fact.id for fact in alone.facts]
    assert dataset.load(small) == alone and dataset.load(small, also=[extra]) == together


def test_read_only_cache_directory_never_breaks_a_query(
    usco: Usco, small: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    if os.geteuid() == 0:
        # root writes anyway; a file where the directory should be is unwritable for everyone
        blocked = tmp_path / "blocked"
        blocked.write_text("not a directory")
        monkeypatch.setenv("XDG_CACHE_HOME", str(blocked))
    else:
        locked = tmp_path / "locked"
        locked.mkdir()
        locked.chmod(stat.S_IRUSR | stat.S_IXUSR)
        monkeypatch.setenv("XDG_CACHE_HOME", str(locked))
    result = usco("trade", "-f", "json", data=small)
    assert result.exit_code == 0 and '"trade-2019"' in result.stdout
    assert result.stderr == ""


def test_cache_directory_follows_xdg(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.directory() == tmp_path / "usco"
