"""PartialDate: a date known to the year, the month or the day (design §1, §3)."""

from __future__ import annotations

import datetime as dt

import pytest

from usco.model import PartialDate


@pytest.mark.parametrize(
    ("text", "first", "last", "precision"),
    [
        ("2019", dt.date(2019, 1, 1), dt.date(2019, 12, 31), 1),
        ("2019-10", dt.date(2019, 10, 1), dt.date(2019, 10, 31), 2),
        ("2019-10-09", dt.date(2019, 10, 9), dt.date(2019, 10, 9), 3),
    ],
)
def test_parse_each_precision(text: str, first: dt.date, last: dt.date, precision: int) -> None:
    day = PartialDate.parse(text)
    assert (day.first, day.last, day.precision) == (first, last, precision)


@pytest.mark.parametrize(
    "text",
    [
        "abc",
        "",
        "19",  # two-digit year
        "20201",  # five-digit year
        "2020-1",  # month needs two digits
        "2020-01-1",  # day needs two digits
        "2020/01/01",
        "2020-01-01T00:00",
        "2020-13",  # no month 13
        "2020-00",  # no month 0 (must not become January)
        "2020-02-00",  # no day 0 (must not become the 1st)
        "2021-02-30",  # no such day
        "2021-02-29",  # 2021 is not a leap year
        "2020-04-31",
        "0000",  # there is no year 0
        "２０２０",  # fullwidth digits: not YYYY, and would print as "2020", not as stored
    ],
)
def test_parse_rejects_what_is_not_a_date(text: str) -> None:
    with pytest.raises(ValueError, match="date"):
        PartialDate.parse(text)


def test_parse_error_names_the_bad_text_and_the_forms_expected() -> None:
    with pytest.raises(ValueError, match=r"'abc'.*YYYY, YYYY-MM or YYYY-MM-DD"):
        PartialDate.parse("abc")


@pytest.mark.parametrize(
    ("text", "last"),
    [
        ("2020-02", dt.date(2020, 2, 29)),  # leap year
        ("2021-02", dt.date(2021, 2, 28)),
        ("1900-02", dt.date(1900, 2, 28)),  # divisible by 100: not a leap year
        ("2000-02", dt.date(2000, 2, 29)),  # divisible by 400: a leap year
        ("2023-04", dt.date(2023, 4, 30)),
        ("2023-12", dt.date(2023, 12, 31)),
        ("2023", dt.date(2023, 12, 31)),
        ("2024-02-29", dt.date(2024, 2, 29)),
    ],
)
def test_last_is_the_last_day_covered(text: str, last: dt.date) -> None:
    assert PartialDate.parse(text).last == last


def test_from_date_is_day_precise() -> None:
    day = PartialDate.from_date(dt.date(2020, 9, 18))
    assert (str(day), day.first, day.last) == ("2020-09-18", dt.date(2020, 9, 18), dt.date(2020, 9, 18))


@pytest.mark.parametrize("text", ["2019", "2019-01", "2019-01-01", "1822", "2020-02-29"])
def test_str_keeps_the_precision_it_was_given(text: str) -> None:
    assert str(PartialDate.parse(text)) == text


def test_a_year_is_never_shown_as_its_first_day() -> None:
    assert str(PartialDate.parse("2019")) != "2019-01-01"


def test_dates_of_different_precision_are_different_periods() -> None:
    # A revision must share its period exactly: "2019" is not the day 2019-01-01.
    assert PartialDate.parse("2019") != PartialDate.parse("2019-01-01")
    assert PartialDate.parse("2019") != PartialDate.parse("2019-01")
    assert PartialDate.parse("2019") == PartialDate.parse("2019")


def test_ordering_by_first_day_then_coarser_first() -> None:
    texts = ["2020-02", "2019-12-31", "2019-01-01", "2019", "2019-01", "1822", "2020"]
    ordered = sorted(PartialDate.parse(text) for text in texts)
    assert [str(day) for day in ordered] == ["1822", "2019", "2019-01", "2019-01-01", "2019-12-31", "2020", "2020-02"]


def test_partial_dates_are_immutable() -> None:
    day = PartialDate.parse("2019")
    with pytest.raises(AttributeError):
        day.precision = 3  # type: ignore[misc]
    assert {day, PartialDate.parse("2019")} == {day}
