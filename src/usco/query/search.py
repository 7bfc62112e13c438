"""`usco search`: which facts a query's words match, and in which fields (design §3).

A query word matches the start of a word of the fact, as design §3 has it ("oblig" finds
"obligations", "344" finds "more than $344 million"), or of another form of it: "removals"
finds "removed", "cultivation" finds "cultivated" (the Snowball English stemmer).
"""

# No `from __future__ import annotations`: see usco.model (NamedTuples and string annotations).
import functools
import re
from collections.abc import Callable, Sequence

from usco.model import Fact, Source
from usco.text import column_amount, figure


@functools.cache
def _word_patterns() -> tuple[re.Pattern[str], re.Pattern[str]]:
    """(thousands separators, words), compiled on first use: only a search needs them."""
    return re.compile(r"(?<=\d),(?=\d{3})"), re.compile(r"[^\W_]+(?:\.\d+)?")


def words_of(text: str) -> list[str]:
    """The words of *text* for search: "1,742,927" is one word, "$344" is "344", "391.3" stays whole."""
    thousands, word = _word_patterns()
    return word.findall(thousands.sub("", text.casefold()))


@functools.cache
def _stem() -> Callable[[str], str]:
    """The English stem of a word ("removals", "removed" -> "remov"), each word stemmed once."""
    # About 40 ms of import, a search's alone. The package ships no type information.
    from snowballstemmer.english_stemmer import EnglishStemmer  # type: ignore[import-untyped]

    stem: Callable[[str], str] = EnglishStemmer().stemWord
    return functools.lru_cache(maxsize=None)(stem)


def _matcher(query: str) -> Callable[[str], bool]:
    """Whether a word of a fact starts with *query* (one word, casefolded) or with its stem."""
    if any(character.isdigit() for character in query):
        return lambda word: word.startswith(query)  # a figure as shown: no other forms
    stem = _stem()
    wanted = stem(query)
    # A stem is the start of its word but for a last letter ("countri" of "country"): only
    # words that start like it are stemmed, so a search stems a few words, not every word.
    start = wanted[:-1] if len(wanted) > 1 else wanted
    return lambda word: word.startswith(query) or (word.startswith(start) and stem(word).startswith(wanted))


def _fields(fact: Fact, source: Source) -> dict[str, str]:
    """What a search looks in, by the name a person knows it by."""
    shown = figure(fact)
    if fact.value is not None:  # also as a series table writes it: "$344,400,000"
        shown += " " + column_amount(fact.value, fact.unit)
    return {
        "text": fact.text,
        "id": fact.id,
        "tags": " ".join(fact.tags),
        "source title": source.title,
        "figure": shown,
    }


class Search:
    """A query's words, ready to try on many facts."""

    def __init__(self, words: Sequence[str]) -> None:
        self.words = [word for text in words for word in words_of(text)]
        self._matchers = [_matcher(word) for word in self.words]

    def matches(self, fact: Fact, source: Source) -> bool:
        """Every query word matches a word of the fact's text, id, tags, source title or figure (design §3)."""
        if not self._matchers:
            return False
        haystack = words_of(" ".join(_fields(fact, source).values()))
        return all(any(match(word) for word in haystack) for match in self._matchers)

    def fields(self, fact: Fact, source: Source) -> list[str]:
        """The fields where a query word matched, in the order _fields names them."""
        return [
            name
            for name, value in _fields(fact, source).items()
            if any(match(word) for word in words_of(value) for match in self._matchers)
        ]
