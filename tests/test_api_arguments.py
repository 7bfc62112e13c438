"""Issue #25: an argument of the wrong type to the Python API. What a Python user obviously means is taken
(`since=2016`, `limit="3"`, a list of measures); anything else is a UscoError in the CLI's words, never a
TypeError or AttributeError from deep inside, and never a string such as "no" taken as true."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

import usco
from tests.helpers import FULL, write


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> usco.Data:
    return usco.load(write(tmp_path_factory.mktemp("api-arguments"), "full.toml", FULL), use_cache=False)


def _ids(rows: list[Any]) -> list[str]:
    return [row.fact.id for row in rows]


# Each: the call with an argument of another type, and the call it means.
TAKEN: dict[str, tuple[dict[str, Any], dict[str, Any]]] = {
    "since=2024": ({"since": 2024}, {"since": "2024"}),
    "until=2023": ({"until": 2023}, {"until": "2023"}),
    "as_of=2024": ({"as_of": 2024}, {"as_of": "2024"}),
    "since=date": ({"since": dt.date(2024, 1, 1)}, {"since": "2024-01-01"}),
    "topic=['aid']": ({"topic": ["aid"]}, {"topic": "aid"}),
    "topic=('aid', 'trade')": ({"topic": ("aid", "trade")}, {"topic": ["aid", "trade"]}),
    "search=344": ({"search": 344}, {"search": "344"}),
    "limit='3'": ({"limit": "3"}, {"limit": 3}),
    "limit=' 3 '": ({"limit": " 3 "}, {"limit": 3}),
    "limit=3.0": ({"limit": 3.0}, {"limit": 3}),
    "latest=1": ({"latest": 1}, {"latest": True}),
    "history=0": ({"history": 0}, {"history": False}),
}


@pytest.mark.parametrize("case", list(TAKEN))
def test_facts_take_what_is_obviously_meant(data: usco.Data, case: str) -> None:
    given, meant = TAKEN[case]
    assert _ids(data.facts(**given)) == _ids(data.facts(**meant))


# Each: the call, and what the error says (the CLI's words where the CLI has any).
REFUSED: dict[str, tuple[dict[str, Any], str]] = {
    "topic=5": ({"topic": 5}, "no topic '5'"),
    "topic=[5]": ({"topic": [5]}, "no topic '5'"),
    "topic=[None]": ({"topic": [None]}, "topic: None is not a name; expected a string"),
    "tag=5": ({"tag": 5}, "no tag '5'"),
    "tag=5.5": ({"tag": 5.5}, "tag: 5.5 is not a name; expected a string or a list of strings"),
    "tag=[b'x']": ({"tag": [b"x"]}, "tag: b'x' is not a name; expected a string"),
    "tag=b'x'": ({"tag": b"x"}, "tag: b'x' is not a name; expected a string or a list of strings"),
    "source=5": ({"source": 5}, "no source '5'"),
    "source_kind=5": ({"source_kind": 5}, "no source kind '5'"),
    "measure=5": ({"measure": 5}, "no measure '5'"),
    "search=[object()]": ({"search": [None]}, "search: None is not a name; expected a string"),
    "limit='x'": ({"limit": "x"}, "limit: 'x' is not a valid integer; expected 0 or more"),
    "limit=3.5": ({"limit": 3.5}, "limit: 3.5 is not a valid integer; expected 0 or more"),
    "limit=True": ({"limit": True}, "limit: True is not a valid integer; expected 0 or more"),
    "limit=[3]": ({"limit": [3]}, "limit: [3] is not a valid integer; expected 0 or more"),
    "limit='-1'": ({"limit": "-1"}, "limit must be 0 or more, not -1"),
    "limit='9'*5000": ({"limit": "9" * 5000}, "is not a valid integer; expected 0 or more"),
    "since=2016.5": (
        {"since": 2016.5},
        "since: '2016.5' is not a date; expected YYYY, YYYY-MM, YYYY-MM-DD or a fiscal year such as FY2016",
    ),
    "until=[2020]": ({"until": [2020]}, "until: '[2020]' is not a date"),
    "regional='no'": ({"regional": "no"}, "regional must be True or False, not 'no'"),
    "history='yes'": ({"history": "yes"}, "history must be True or False, not 'yes'"),
    "latest=None": ({"latest": None}, "latest must be True or False, not None"),
}


@pytest.mark.parametrize("case", list(REFUSED))
def test_facts_refuse_a_wrong_type_with_a_usco_error(data: usco.Data, case: str) -> None:
    given, said = REFUSED[case]
    with pytest.raises(usco.UscoError) as caught:
        data.facts(**given)
    assert said in str(caught.value) and "\n" not in str(caught.value)


def test_series_takes_a_list_of_measures_and_a_year_as_a_number(data: usco.Data) -> None:
    assert data.series(["aid-obligations", "exports"], since=2024) == data.series("aid-obligations", "exports",
                                                                                 since="2024")  # fmt: skip


@pytest.mark.parametrize(
    ("call", "said"),
    [
        (lambda data: data.series(5), "no measure '5'"),
        (lambda data: data.series("aid-obligations", history="no"), "history must be True or False, not 'no'"),
        (lambda data: data.fact(5), "no fact id '5'"),
        (lambda data: data.fact(["obl-fy2024"]), "fact_id: ['obl-fy2024'] is not a name; expected a string"),
        (lambda data: data.products(limit="x"), "limit: 'x' is not a valid integer"),
        (lambda data: data.products(None), "words: None is not a name; expected a string"),
    ],
    ids=["series(5)", "series(history='no')", "fact(5)", "fact([id])", "products(limit='x')", "products(None)"],
)
def test_the_other_questions_refuse_a_wrong_type_with_a_usco_error(data: usco.Data, call: Any, said: str) -> None:
    with pytest.raises(usco.UscoError) as caught:
        call(data)
    assert said in str(caught.value)


def test_products_take_a_limit_as_a_string_and_a_number_as_a_word(data: usco.Data) -> None:
    assert data.products(limit="2") == data.products(limit=2)
    assert data.products(42000) == data.products("42000")


def test_load_takes_one_path_as_also_and_bytes_as_a_path(tmp_path: Path) -> None:
    main = write(tmp_path, "main.toml", FULL)
    extra = write(
        tmp_path, "extra.toml", '[[facts]]\nid = "x"\ntopic = "aid"\ntext = "x"\ndate = "2020"\nsource = "gov-2024"\n'
    )
    assert len(usco.load(main, also=str(extra), use_cache=False).all_facts()) == 6  # not "e", "x", "t"...
    assert len(usco.load(main, also=extra, use_cache=False).all_facts()) == 6
    assert len(usco.load(bytes(main), use_cache=False).all_facts()) == 5


@pytest.mark.parametrize(
    ("arguments", "said"),
    [
        ({"path": 5}, "path: 5 is not a path; expected a string or a pathlib.Path"),
        ({"also": [5]}, "also: 5 is not a path; expected a string or a pathlib.Path"),
        ({"also": 5}, "also: 5 is not a list of paths"),
        ({"use_cache": "no"}, "use_cache must be True or False, not 'no'"),
    ],
)
def test_load_refuses_a_wrong_type_with_a_usco_error(arguments: dict[str, Any], said: str) -> None:
    with pytest.raises(usco.UscoError) as caught:
        usco.load(**arguments)
    assert said in str(caught.value)
