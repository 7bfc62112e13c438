"""Words for people and terminal safety: pure text, no Rich (design §4).

Every string from outside usco — data, file names, arguments — reaches a terminal
through visible() (or a format's own escaping built on it), so nothing in it is acted on.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from typing import TYPE_CHECKING

from usco.model import Fact, Measure, PartialDate, PeriodKind, Qualifier, Source, Status

if TYPE_CHECKING:
    from decimal import Decimal

QUALIFIER_WORDS = {
    Qualifier.EXACT: "",
    Qualifier.MORE_THAN: "more than",
    Qualifier.AT_LEAST: "at least",
    Qualifier.NEARLY: "nearly",
    Qualifier.APPROXIMATELY: "approximately",
    Qualifier.ESTIMATED: "an estimated",
    Qualifier.UP_TO: "up to",
    Qualifier.LESS_THAN: "less than",
}
_SCALES = ((10**9, "billion"), (10**6, "million"))


def _decimal_text(number: Decimal) -> str:
    text = f"{number:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def scaled(value: int | float) -> str:
    """23600000 -> "23.6 million"; never rounds: a figure that needs more digits is written out."""
    if isinstance(value, int):  # the common case, in integer arithmetic (decimal costs start-up time)
        sign, magnitude = ("-" if value < 0 else ""), abs(value)
        for scale, word in _SCALES:
            if magnitude >= scale and magnitude % (scale // 100) == 0:
                whole, cents = divmod(magnitude // (scale // 100), 100)
                fraction = f".{cents:02d}".rstrip("0").rstrip(".")
                return f"{sign}{whole:,}{fraction} {word}"
        return f"{value:,}"
    from decimal import Decimal, localcontext  # a float: exact through its shortest repr

    number = Decimal(repr(value))
    with localcontext() as exact:  # enough precision that no division below rounds
        exact.prec = len(number.as_tuple().digits) + abs(int(number.as_tuple().exponent)) + 30
        for scale, word in _SCALES:
            in_scale = number / scale
            if abs(number) >= scale and in_scale == in_scale.quantize(Decimal("0.01")):
                return f"{_decimal_text(in_scale)} {word}"
        return _decimal_text(number)


def amount(value: int | float, unit: str | None) -> str:
    """A number in its unit, as people write it: "$23.6 million", "13.8%", "No. 3"."""
    if unit == "USD":
        return f"${scaled(value)}"
    if unit == "percent":
        return f"{scaled(value)}%"
    if unit == "multiple":
        return f"{scaled(value)}×"
    if unit == "rank":
        return f"No. {scaled(value)}"
    if unit == "count":
        return scaled(value)
    return f"{scaled(value)} {unit}"


def written_out(value: int | float) -> str:
    """A number in full with thousands separators, never scaled: 251400000 -> "251,400,000"."""
    if isinstance(value, int) or value.is_integer():
        return f"{int(value):,}"
    from decimal import Decimal  # a float: exact through its shortest repr

    return _decimal_text(Decimal(repr(value)))


def column_amount(value: int | float, unit: str | None) -> str:
    """A number in one format for a whole column (design §4): "$251,400,000", "253,000 hectares".

    amount() writes "$251.4 million" where it can and "$391,253,000" where it cannot; beside
    each other, readers take the short one for rounded.
    """
    if unit == "USD":
        return whole_dollars(value)
    number = written_out(value)
    if unit == "percent":
        return f"{number}%"
    if unit == "multiple":
        return f"{number}×"
    if unit == "rank":
        return f"No. {number}"
    return number if unit in ("count", None, "") else f"{number} {unit}"


def column_figure(fact: Fact) -> str:
    """figure(), with the number written as column_amount() writes it: "approximately $413,000,000"."""
    if fact.value is None:
        return ""
    words = QUALIFIER_WORDS[fact.qualifier]
    number = column_amount(fact.value, fact.unit)
    return f"{words} {number}" if words else number


def figure(fact: Fact) -> str:
    """The figure in words with its qualifier: "more than $23.6 million", "nearly 200 years"."""
    if fact.value is None:
        return ""
    words = QUALIFIER_WORDS[fact.qualifier]
    number = amount(fact.value, fact.unit)
    return f"{words} {number}" if words else number


def date_text(day: PartialDate | None) -> str | None:
    """A date as the dataset wrote it ("2019", "2019-10"), or None."""
    return None if day is None else str(day)


def _is_fiscal(measure: Measure | None, fact: Fact) -> bool:
    return measure is not None and measure.period is PeriodKind.FISCAL_YEAR and fact.date.precision == 1


def period(fact: Fact, measure: Measure | None = None, separator: str = " – ") -> str:
    """When the figure holds: "2019", "FY2016", "2016 – 2020-09-18", "FY2025 to 2025-04-02".

    A partial figure names its period and how far it got; a running total whose source
    gives no start says so.
    """
    start = f"FY{fact.date}" if _is_fiscal(measure, fact) else str(fact.date)
    if measure is not None and measure.period is PeriodKind.FISCAL_YEAR and fact.date.precision == 2 and fact.end:
        return f"the {fact.date.first.year} transition quarter ({fact.date}{separator}{fact.end})"
    if fact.end is None:
        return start
    if fact.status is Status.PARTIAL:
        return f"{start} to {fact.end}"
    if fact.end == fact.date:
        return f"to {fact.end} (start not given)"
    return f"{start}{separator}{fact.end}"


def status_mark(fact: Fact) -> str:
    """ "partial", "provisional", "planned", or "" for a final figure."""
    return "" if fact.status is Status.FINAL else fact.status.value


def when(fact: Fact, measure: Measure | None = None) -> str:
    """The period with its status: "FY2025 to 2025-04-02, partial", "FY2024, provisional"."""
    mark = status_mark(fact)
    return f"{period(fact, measure)}, {mark}" if mark else period(fact, measure)


def source_label(source: Source) -> str:
    """ "State fact sheet, Sept 2020 (2020-09-18)", or "(undated)"."""
    if source.date is None:
        return f"{source.name} (undated)"
    return source.name if str(source.date) in source.name else f"{source.name} ({source.date})"


def kind_label(source: Source) -> str:
    return source.kind.value if source.kind is not None else "unknown kind"


def plural(count: int, word: str, many: str | None = None) -> str:
    """ "1 fact", "2 facts"."""
    return f"{count:,} {word if count == 1 else many or word + 's'}"


def whole_dollars(value: int | float | None, *, sign: bool = False) -> str:
    """Whole dollars with thousands separators, one format for a whole column: "$4,761,135,903", "-$5,900,434"."""
    if value is None:
        return ""
    number = int(value) if isinstance(value, float) and value.is_integer() else value
    mark = "-" if number < 0 else "+" if sign and number > 0 else ""
    return f"{mark}${abs(number):,}"


def percent(fraction: float | None, *, sign: bool = False) -> str:
    """A fraction for people, one decimal: "26.7%", "+87.6%"; "<0.1%" rather than a 0.0% that is not 0."""
    if fraction is None:
        return ""
    if 0 < abs(fraction) < 0.0005:
        return ("-" if fraction < 0 else "+" if sign else "") + "<0.1%"
    return f"{fraction:+.1%}" if sign else f"{fraction:.1%}"


def change_percent(value: int | float, before: int | float | None) -> str:
    """From *before* to *value* in percent ("+87.6%"); "new" from 0 to more; "" with nothing before or 0 to 0."""
    if before is None or (before == 0 and value == 0):
        return ""
    return "new" if before == 0 else percent(value / before - 1, sign=True)


# ---------------------------------------------------------------- terminal safety

# Bidirectional controls can make text read differently from what it is (CVE-2021-42574);
# zero-width characters hide text, or make two different ids look the same.
_BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
#: What is unsafe beyond the C0 controls (which json.dumps escapes itself): DEL, C1, bidi, zero-width.
UNSAFE_BEYOND_C0 = "\\x7f-\\x9f" + _BIDI + _INVISIBLE
UNSAFE_CHARACTERS = "".join(f"\\x{c:02x}" for c in range(0x20)) + UNSAFE_BEYOND_C0


@functools.cache
def _unsafe(*, keep_space: bool = False) -> re.Pattern[str]:
    """The unsafe characters as a pattern, compiled on first use (a millisecond of start-up otherwise)."""
    characters = UNSAFE_CHARACTERS.replace("\\x09", "").replace("\\x0a", "") if keep_space else UNSAFE_CHARACTERS
    return re.compile(f"[{characters}]")


def _escaped(match: re.Match[str]) -> str:
    return match[0].encode("unicode_escape").decode("ascii")


def visible(text: str) -> str:
    """Control, bidi and zero-width characters made visible as escapes (ESC becomes "\\x1b")."""
    return _unsafe().sub(_escaped, text)


def visible_keep_space(text: str) -> str:
    """visible(), but tabs and newlines stay for CSV quoting and TSV replacement to handle."""
    return _unsafe(keep_space=True).sub(_escaped, text)


def tsv_field(text: str) -> str:
    """One TSV field: visible, with tabs and newlines (CR and LF) replaced by spaces."""
    return visible(re.sub(r"[\t\r\n]", " ", text))


def suggest(wanted: str, known: Iterable[str]) -> str:
    """ "; did you mean a, b?" with the closest known names, or nothing."""
    import difflib

    candidates = sorted(known)
    containing = [name for name in candidates if len(wanted) >= 3 and wanted.casefold() in name.casefold()]
    close = list(dict.fromkeys(difflib.get_close_matches(wanted, candidates, n=3, cutoff=0.6) + containing))[:3]
    return f"; did you mean {', '.join(close)}?" if close else ""
