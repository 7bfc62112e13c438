"""The importers of official release files (design §6) and the shipped series they make (data/series/)."""

from __future__ import annotations

import csv
import functools
import hashlib
import io
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import tomli

from tests.helpers import RAW, REPO, SERIES, needed
from usco.importers import ImportFormatError, Release, find, import_census_trade, import_foreignassistance
from usco.importers.releases import BEGIN, END, RELEASES, ReleaseFile, releases_section

FA = [item for item in RELEASES if item.importer == "foreignassistance"]
CENSUS = [item for item in RELEASES if item.importer == "census-trade"]

# The "Colombia rows" and "Colombia years" columns of shared/raw/README.md.
COLOMBIA_ROWS = {"2021-04-18": 98, "2022-06-09": 142, "2022-10-08": 142, "2023-09-29": 148, "2024-12-22": 139,
                 "2025-04-02": 141, "2025-11-29": 141}  # fmt: skip
# Census releases by the day each workbook says it was made ("generated" column), with
# the "Colombia years" and "newest month" columns.
COLOMBIA_YEARS = {"2018-10-01": (1985, 2018), "2020-09-29": (1985, 2020), "2022-03-26": (1985, 2022),
                  "2023-03-01": (1985, 2023), "2024-07-29": (1985, 2024), "2024-10-01": (1985, 2024),
                  "2026-03-04": (1985, 2026)}  # fmt: skip
NEWEST_MONTH = {"2018-10-01": 8, "2020-09-29": 8, "2022-03-26": 1, "2023-03-01": 1, "2024-07-29": 6, "2024-10-01": 8,
                "2026-03-04": 1}  # fmt: skip
ANNUAL = ("us-goods-exports", "us-goods-imports")
# The end-use releases: Colombia's categories times the years of each (shared/raw/README.md).
ENDUSE_FACTS = {"2024-11-10": 138 * 10, "2026-02-17": 137 * 10}


def raw(item: ReleaseFile) -> bytes:
    return (needed(RAW) / item.raw).read_bytes()  # the folder may be absent; a file of it may not


@functools.cache
def imported(item: ReleaseFile) -> str:
    """Each release imported once per test run (a Census workbook takes seconds)."""
    return find(item.importer).convert(raw(item), item.release)


def facts_by_id(text: str) -> dict[str, dict[str, Any]]:
    return {fact["id"]: fact for fact in tomli.loads(text)["facts"]}


def ids(items: list[ReleaseFile]) -> list[str]:
    return [item.release.date for item in items]


RELEASE = Release("2025-04-02", None, None, None)
HEADER = "Country Code,Country Name,Transaction Type Name,Fiscal Year,current_amount,constant_amount"


def fa_csv(*rows: str, header: str = HEADER, newline: str = "\n") -> bytes:
    return newline.join([header, *rows, ""]).encode()


# ------------------------------------------------------------------ ForeignAssistance.gov releases


def independent_rows(content: bytes) -> dict[tuple[str, str], str]:
    """The Colombia rows' current_amount by (transaction type, fiscal year), read without the importer."""
    reader = csv.reader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    header = [re.sub(r"[ _]+", "_", name.strip().lower()) for name in next(reader)]
    code, kind, year, amount = (header.index(n) for n in ("country_code", "transaction_type_name", "fiscal_year",
                                                           "current_amount"))  # fmt: skip
    return {(row[kind], row[year]): row[amount] for row in reader if row and row[code] == "COL"}


FA_MEASURE = {"Obligations": "obligations", "Disbursements": "disbursements",
              "Appropriated and Planned": "appropriated-planned", "President's Budget Requests": "budget-requests",
              "Initial Allocations": "initial-allocations"}  # fmt: skip


@pytest.mark.parametrize("item", FA, ids=ids(FA))
def test_foreignassistance_release_gives_every_colombia_row_exactly(item: ReleaseFile) -> None:
    facts = facts_by_id(imported(item))
    assert len(facts) == COLOMBIA_ROWS[item.release.date]
    rows = independent_rows(raw(item))
    assert len(rows) == len(facts)
    for (kind, year), amount in rows.items():
        fact = facts[f"fa-{item.release.date}-{FA_MEASURE[kind]}-fy{year}"]
        assert fact["value"] == int(amount)
        assert fact["unit"] == "USD" and fact["topic"] == "aid"
        assert fact["source"] == f"foreignassistance-{item.release.date}"


def test_fy2024_obligations_grew_thirteenfold_between_two_releases() -> None:
    """Design §2: $34.7 million in the release of 2024-12-22, $447.2 million in that of 2025-04-02."""
    older, newer = (next(i for i in FA if i.release.date == d) for d in ("2024-12-22", "2025-04-02"))
    assert independent_rows(raw(older))[("Obligations", "2024")] == "34743304"
    assert independent_rows(raw(newer))[("Obligations", "2024")] == "447245358"
    assert facts_by_id(imported(older))["fa-2024-12-22-obligations-fy2024"]["value"] == 34_743_304
    assert facts_by_id(imported(newer))["fa-2025-04-02-obligations-fy2024"]["value"] == 447_245_358


def test_status_rules_in_the_2025_04_02_release() -> None:
    item = next(i for i in FA if i.release.date == "2025-04-02")
    facts = facts_by_id(imported(item))
    fy2025 = facts["fa-2025-04-02-obligations-fy2025"]
    assert fy2025["status"] == "partial"
    assert str(fy2025["end"]) == "2025-04-02"
    assert "(to 2025-04-02)" in fy2025["text"]
    assert facts["fa-2025-04-02-disbursements-fy2025"]["status"] == "partial"
    assert facts["fa-2025-04-02-obligations-fy2024"]["status"] == "provisional"
    assert "end" not in facts["fa-2025-04-02-obligations-fy2024"]
    # FY2023 ended 2023-09-30; 18 months later is 2025-03-31, two days before the release.
    assert "status" not in facts["fa-2025-04-02-obligations-fy2023"]
    assert "status" not in facts["fa-2025-04-02-budget-requests-fy2024"]
    assert "status" not in facts["fa-2025-04-02-appropriated-planned-fy2023"]


def test_requests_for_a_year_not_yet_begun_are_planned() -> None:
    item = next(i for i in FA if i.release.date == "2023-09-29")
    facts = facts_by_id(imported(item))
    assert facts["fa-2023-09-29-budget-requests-fy2024"]["status"] == "planned"
    assert "status" not in facts["fa-2023-09-29-budget-requests-fy2023"]
    assert facts["fa-2023-09-29-obligations-fy2023"]["status"] == "partial"  # September 29: one day left
    assert facts["fa-2023-09-29-obligations-fy2022"]["status"] == "provisional"


@pytest.mark.parametrize(
    ("release_day", "status"),
    [("2024-09-30", "partial"), ("2024-10-01", "provisional"), ("2026-03-31", "provisional"), ("2026-04-01", None)],
)
def test_status_boundaries_of_fiscal_year_2024(release_day: str, status: str | None) -> None:
    text = import_foreignassistance(fa_csv("COL,Colombia,Obligations,2024,5,5"), Release(release_day, None, None, None))
    (fact,) = tomli.loads(text)["facts"]
    assert fact.get("status") == status
    assert (str(fact.get("end")) if status == "partial" else None) == (release_day if status == "partial" else None)


def test_planned_boundary_is_the_first_day_of_the_fiscal_year() -> None:
    content = fa_csv("COL,Colombia,President's Budget Requests,2025,5,5", "COL,Colombia,Initial Allocations,2025,6,6")
    before = tomli.loads(import_foreignassistance(content, Release("2024-09-30", None, None, None)))["facts"]
    after = tomli.loads(import_foreignassistance(content, Release("2024-10-01", None, None, None)))["facts"]
    assert [f.get("status") for f in before] == ["planned", "planned"]
    assert [f.get("status") for f in after] == [None, None]


def test_obligations_for_a_year_not_begun_are_refused_as_a_wrong_date() -> None:
    with pytest.raises(ImportFormatError, match="had not begun on the release date 2024-09-30"):
        import_foreignassistance(fa_csv("COL,Colombia,Obligations,2025,5,5"), Release("2024-09-30", None, None, None))


def test_the_1976_transition_quarter_is_a_period_of_its_own() -> None:
    item = next(i for i in FA if i.release.date == "2025-04-02")
    facts = facts_by_id(imported(item))
    quarter = facts["fa-2025-04-02-obligations-fy1976tq"]
    assert (quarter["date"], quarter["end"], quarter["value"]) == ("1976-07", "1976-09", 13_701_000)
    assert "1976 transition quarter (July–September 1976)" in quarter["text"]
    assert facts["fa-2025-04-02-obligations-fy1976"]["date"] == "1976"
    order = [f["id"] for f in tomli.loads(imported(item))["facts"] if f["measure"] == "aid-obligations"]
    assert order.index("fa-2025-04-02-obligations-fy1976tq") == order.index("fa-2025-04-02-obligations-fy1976") + 1


# ------------------------------------------------------------------ header variants and values


@pytest.mark.parametrize(
    "header",
    [
        HEADER,
        '"Country Code","Country Name","Transaction Type Name","Fiscal Year","current_amount","constant_amount"',
        "country_code,country_name,transaction_type_name,fiscal_year,current_amount,constant_amount",
        "\ufeffcountry_code,Region Name,income_roup,Transaction Type Name,FISCAL_YEAR,Current Amount",
        "Transaction_Type_Name , fiscal year,current_amount,Country  Code,x,y",
    ],
)
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_every_header_variant_gives_the_same_facts(header: str, newline: str) -> None:
    names = [re.sub(r"[ _]+", "_", n.strip().lstrip("\ufeff").strip('"').lower()) for n in header.split(",")]
    values = {"country_code": "COL", "transaction_type_name": "Obligations", "fiscal_year": "2016",
              "current_amount": "123456789"}  # fmt: skip
    row = ",".join(values.get(name, "z") for name in names)
    content = fa_csv(row, header=header, newline=newline)
    (fact,) = tomli.loads(import_foreignassistance(content, RELEASE))["facts"]
    assert fact["id"] == "fa-2025-04-02-obligations-fy2016"
    assert fact["value"] == 123_456_789
    assert fact["date"] == "2016"


def test_amounts_are_kept_as_printed() -> None:
    content = fa_csv(
        "COL,Colombia,Obligations,2016,-2500,0",
        "COL,Colombia,Obligations,2017,1234.5,0",
        "COL,Colombia,Disbursements,2017,0,0",
        "MEX,Mexico,Obligations,2017,-7,0",
    )
    facts = facts_by_id(import_foreignassistance(content, RELEASE))
    assert facts["fa-2025-04-02-obligations-fy2016"]["value"] == -2500
    assert facts["fa-2025-04-02-obligations-fy2017"]["value"] == 1234.5
    assert facts["fa-2025-04-02-disbursements-fy2017"]["value"] == 0
    assert len(facts) == 3  # Mexico is not Colombia


def test_an_amount_a_float_cannot_hold_is_refused() -> None:
    with pytest.raises(ImportFormatError, match="cannot be kept exactly"):
        import_foreignassistance(fa_csv("COL,Colombia,Obligations,2016,1.00000000000000000001,0"), RELEASE)


def test_measures_are_only_those_present_and_sorted() -> None:
    content = fa_csv("COL,Colombia,Obligations,2016,1,1", "COL,Colombia,Appropriated and Planned,2016,2,2")
    data = tomli.loads(import_foreignassistance(content, RELEASE))
    assert list(data["measures"]) == ["aid-appropriated-planned", "aid-obligations"]
    assert {m["period"] for m in data["measures"].values()} == {"fiscal_year"}
    assert [f["measure"] for f in data["facts"]] == ["aid-appropriated-planned", "aid-obligations"]


def test_the_source_says_which_release_and_how_it_was_dated() -> None:
    release = Release("2025-04-02", "Committed on that day.", None, "https://github.com/o/r/blob/c/f.csv")
    data = tomli.loads(import_foreignassistance(fa_csv("COL,Colombia,Obligations,2016,1,1"), release))
    source = data["sources"]["foreignassistance-2025-04-02"]
    assert source["kind"] == "government"
    assert source["url"] == "https://foreignassistance.gov/data"
    assert source["copy_url"] == "https://github.com/o/r/blob/c/f.csv"
    assert source["date_note"] == "Committed on that day."
    assert str(source["date"]) == "2025-04-02"
    bare = tomli.loads(import_foreignassistance(fa_csv("COL,Colombia,Obligations,2016,1,1"), RELEASE))
    fields = set(bare["sources"]["foreignassistance-2025-04-02"])
    assert fields == {"title", "publisher", "kind", "url", "short", "date"}


def test_hostile_release_text_stays_inside_its_toml_string() -> None:
    hostile = 'a "quote", a \\ backslash\n[sources.evil]\ntitle = "x"\t\x00\x1b[31m\x7f\u202e\u2028 end'
    url = "https://example.gov/" + hostile  # an http(s) URL, as the loader requires (issue #25)
    release = Release("2025-04-02", hostile, url, url)
    text = import_foreignassistance(fa_csv("COL,Colombia,Obligations,2016,1,1"), release)
    data = tomli.loads(text)
    assert list(data["sources"]) == ["foreignassistance-2025-04-02"]
    source = data["sources"]["foreignassistance-2025-04-02"]
    assert source["date_note"] == hostile and source["url"] == source["copy_url"] == url
    assert "\x00" not in text and "\x1b" not in text and "\x7f" not in text
    assert text.startswith("# Generated by: usco import foreignassistance FILE --date 2025-04-02 --date-note ")
    census = import_census_trade(small_workbook(), release)
    assert tomli.loads(census)["sources"]["census-trade-2025-04-02"]["date_note"] == hostile


def test_hostile_cells_reach_no_output_and_messages_stay_one_line() -> None:
    content = fa_csv('COL,"Colombia ""\n\\ [x]",Obligations,2016,1,1')
    assert tomli.loads(import_foreignassistance(content, RELEASE))["facts"][0]["value"] == 1
    with pytest.raises(ImportFormatError) as caught:
        import_foreignassistance(fa_csv('COL,Colombia,"Grants\n\x1b[31m""",2016,1,1'), RELEASE)
    assert "\n" not in str(caught.value) and "\x1b" not in str(caught.value)
    assert "unknown transaction type" in str(caught.value)


def test_output_is_deterministic() -> None:
    content = fa_csv("COL,Colombia,Obligations,2017,2,2", "COL,Colombia,Obligations,2016,1,1")
    first = import_foreignassistance(content, RELEASE)
    assert first == import_foreignassistance(bytes(content), RELEASE)
    ordered = fa_csv("COL,Colombia,Obligations,2016,1,1", "COL,Colombia,Obligations,2017,2,2")
    # Only the input's hash (in the header comment) tells the two apart.
    assert first.split("\n", 3)[3] == import_foreignassistance(ordered, RELEASE).split("\n", 3)[3]


# ------------------------------------------------------------------ files that are not the format


def one_line_error(importer: Any, content: bytes) -> str:
    with pytest.raises(ImportFormatError) as caught:
        importer(content, RELEASE)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message and len(message) < 300, message
    return message


HTML = b"<!DOCTYPE html>\n<html><head><title>404 Not Found</title></head><body>Not found</body></html>\n"


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (HTML, "is an HTML page, not ForeignAssistance.gov's us_foreign_aid_country.csv"),
        (b"", "is empty"),
        (b"\r\n\r\n", "is empty"),
        (b"PK\x03\x04" + b"\x00" * 40, "looks like an xlsx workbook"),
        ("Côte,x\n".encode("latin-1"), "not UTF-8"),
        (fa_csv("MEX,Mexico,Obligations,2016,1,1"), "no Colombia rows"),
        (fa_csv("COL,Colombia,Obligations,2016,1,1", header=HEADER.replace("Fiscal Year", "Year")), "'fiscal_year'"),
        (
            fa_csv("COL,Colombia,Obligations,2016,1,1", header=HEADER.replace(",current_amount", ",amount")),
            "'current_amount'",
        ),
        (fa_csv("COL,Colombia,Grants,2016,1,1"), "unknown transaction type 'Grants'"),
        (fa_csv("COL,Colombia,Obligations,2016,1,1", "COL,Colombia,Obligations,2016,2,2"), "line 3 repeats"),
        (fa_csv("COL,Colombia,Obligations,20x6,1,1"), "fiscal year '20x6' is not a year"),
        (fa_csv("COL,Colombia,Obligations,2016,1,1", "MEX,Mexico,Obligations,2016,1"), "line 3 has 5 fields"),
        (fa_csv("COL,Colombia,Obligations,2016,1,1", "MEX,Mexico,Obligations,2016,1e5,1"), "is not a number"),
        (fa_csv('COL,Colombia,Obligations,2016,1,"1'), "truncated"),
    ],
)
def test_not_foreignassistance_gets_one_line(content: bytes, expected: str) -> None:
    assert expected in one_line_error(import_foreignassistance, content)


def test_a_truncated_release_is_refused() -> None:
    item = FA[-1]
    content = raw(item)
    cut = content[: len(content) // 2]
    cut = cut[: cut.rindex(b"\n") + 30]  # mid-row
    assert "(is the file truncated?)" in one_line_error(import_foreignassistance, cut)


@pytest.mark.slow
def test_the_census_workbook_is_not_foreignassistance() -> None:
    message = one_line_error(import_foreignassistance, raw(CENSUS[0]))
    assert "looks like an xlsx workbook" in message


def test_a_bad_release_date_is_a_usage_error() -> None:
    with pytest.raises(ValueError, match="expected YYYY-MM-DD"):
        import_foreignassistance(fa_csv("COL,Colombia,Obligations,2016,1,1"), Release("2025-4-2", None, None, None))


# ------------------------------------------------------------------ Census Bureau releases

MONTHS = ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC")
CENSUS_HEADER = ["year", "CTY_CODE", "CTYNAME", *(f"I{m}" for m in MONTHS), "IYR", *(f"E{m}" for m in MONTHS), "EYR"]


def census_row(year: Any, code: Any, imports: list[Any], exports: list[Any]) -> list[Any]:
    return [year, code, "Colombia", *imports, sum(imports), *exports, sum(exports)]


def small_workbook(rows: list[list[Any]] | None = None, *, sheet: str = "country", header: list[str] | None = None,
                   ) -> bytes:  # fmt: skip
    from openpyxl import Workbook

    book = Workbook()
    ws = book.active
    ws.title = sheet
    ws.append(header or CENSUS_HEADER)
    default = [
        census_row("2011", "3010", [1.5] * 12, [1194.641003] * 12),
        census_row("2012", 3010, [2.25] * 6 + [0] * 6, [3.000001] * 5 + [0] * 7),
        census_row("2012", "1220", [9.0] * 12, [9.0] * 12),
    ]
    for row in default if rows is None else rows:
        ws.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_census_whole_dollars_and_the_partial_newest_year() -> None:
    data = tomli.loads(import_census_trade(small_workbook(), RELEASE))
    facts = {f["id"]: f for f in data["facts"] if f["measure"] in ANNUAL}  # the months: test_census_monthly.py
    assert [m for m in data["measures"] if m in ANNUAL] == ["us-goods-exports", "us-goods-imports"]
    assert facts["census-2025-04-02-exports-2011"]["value"] == 14_335_692_036  # 12 x 1194.641003, float noise gone
    assert facts["census-2025-04-02-imports-2011"]["value"] == 18_000_000
    assert "status" not in facts["census-2025-04-02-exports-2011"]
    exports = facts["census-2025-04-02-exports-2012"]
    assert (exports["value"], exports["status"], exports["end"]) == (15_000_005, "partial", "2012-06")
    assert facts["census-2025-04-02-imports-2012"]["end"] == "2012-06"  # imports run to June, exports to May
    assert "January–June" in exports["text"]
    assert len(facts) == 4  # code 1220 is not Colombia


def test_census_newest_year_with_twelve_months_is_final() -> None:
    rows = [census_row("2013", "3010", [1.0] * 12, [2.0] * 12)]
    facts = tomli.loads(import_census_trade(small_workbook(rows), RELEASE))["facts"]
    (exports, _imports) = [fact for fact in facts if fact["measure"] in ANNUAL]
    assert "status" not in exports and "end" not in exports


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (HTML, "is an HTML page, not the Census Bureau's country.xlsx"),
        (b"", "is empty"),
        (fa_csv("COL,Colombia,Obligations,2016,1,1"), "is text (a CSV?)"),
        (b"PK\x03\x04" + b"\x00" * 100, "not a readable xlsx workbook"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "not an xlsx workbook"),
    ],
)
def test_not_a_census_workbook_gets_one_line(content: bytes, expected: str) -> None:
    assert expected in one_line_error(import_census_trade, content)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda: small_workbook(sheet="Sheet1"), "no sheet 'country' (it has 'Sheet1')"),
        (lambda: small_workbook(header=[n for n in CENSUS_HEADER if n != "EYR"]), "no column EYR"),
        (lambda: small_workbook([census_row("2011", "1220", [1.0] * 12, [1.0] * 12)]), "no Colombia rows"),
        (lambda: small_workbook([census_row("2011", "3010", [1.0] * 12, [1.0] * 12)] * 2), "repeats Colombia's year"),
        (lambda: small_workbook([census_row("2011", "3010", [1.0] * 12, [1.2345678] * 12)]), "more than six decimals"),
        (lambda: small_workbook([[*census_row("2011", "3010", [1.0] * 12, [1.0] * 12)[:-1], "n/a"]]), "not a number"),
        (lambda: small_workbook([census_row("2031", "3010", [1.0] * 12, [1.0] * 12)]), "after the release date"),
    ],
)
def test_a_wrong_census_workbook_gets_one_line(make: Any, expected: str) -> None:
    assert expected in one_line_error(import_census_trade, make())


def census_item(day: str) -> ReleaseFile:
    return next(i for i in CENSUS if i.release.date == day)


@pytest.mark.slow
@pytest.mark.parametrize("item", CENSUS, ids=ids(CENSUS))
def test_census_release_gives_every_colombia_year(item: ReleaseFile) -> None:
    facts = {key: fact for key, fact in facts_by_id(imported(item)).items() if fact["measure"] in ANNUAL}
    first, last = COLOMBIA_YEARS[item.release.date]
    day = item.release.date
    assert len(facts) == 2 * (last - first + 1)
    assert {f["date"] for f in facts.values()} == {str(y) for y in range(first, last + 1)}
    assert facts[f"census-{day}-exports-2011"]["value"] == 14_335_692_038  # the cell is 14335.692038000001
    non_final = {fid for fid, f in facts.items() if "status" in f}
    assert non_final == {f"census-{day}-exports-{last}", f"census-{day}-imports-{last}"}
    # Every figure against the cell, read here without the importer.
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(raw(item)), read_only=True, data_only=True)
    rows = book["country"].iter_rows(values_only=True)
    header = next(rows)
    year, code, eyr, iyr = (header.index(n) for n in ("year", "CTY_CODE", "EYR", "IYR"))
    colombia = [row for row in rows if str(row[code]) == "3010" and row[year]]  # 2018: one row with no year, all 0
    book.close()
    assert len(colombia) == last - first + 1
    for row in colombia:
        assert facts[f"census-{day}-exports-{row[year]}"]["value"] == round(row[eyr] * 1_000_000)
        assert facts[f"census-{day}-imports-{row[year]}"]["value"] == round(row[iyr] * 1_000_000)


@pytest.mark.slow
def test_census_partial_year_and_revisions_across_releases() -> None:
    # The releases committed 2022-05-11, 2023-03-19 and 2024-11-01, by the day each says it was made.
    newest = facts_by_id(imported(census_item("2024-07-29")))
    partial = newest["census-2024-07-29-exports-2024"]
    assert (partial["status"], partial["end"]) == ("partial", "2024-06")
    assert newest["census-2024-07-29-imports-2024"]["value"] == 8_714_975_690
    assert facts_by_id(imported(census_item("2022-03-26")))["census-2022-03-26-exports-2022"]["end"] == "2022-01"
    three = [census_item(day) for day in ("2022-03-26", "2023-03-01", "2024-07-29")]
    exports_2021 = [facts_by_id(imported(i))[f"census-{i.release.date}-exports-2021"]["value"] for i in three]
    assert exports_2021 == [16_451_440_891, 16_686_501_534, 16_765_676_214]
    imports_2022 = [facts_by_id(imported(i))[f"census-{i.release.date}-imports-2022"]["value"] for i in three[1:]]
    assert imports_2022 == [18_561_537_610, 18_478_874_041]
    assert newest["census-2024-07-29-exports-2013"]["value"] == 18_371_032_417  # README: 18,371.03 million


@pytest.mark.slow
def test_a_truncated_census_workbook_is_refused() -> None:
    content = raw(CENSUS[-1])
    assert "not a readable xlsx workbook" in one_line_error(import_census_trade, content[: len(content) // 2])


@pytest.mark.slow  # a fresh interpreter in a subprocess: only there is sys.modules clean
def test_openpyxl_is_not_imported_with_usco() -> None:
    code = (
        "import sys, usco.importers, usco.importers.census_trade; "
        "assert 'openpyxl' not in sys.modules, 'openpyxl loaded'"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


# ------------------------------------------------------------------ the shipped series


@pytest.mark.slow
@pytest.mark.parametrize("item", RELEASES, ids=[i.output.removeprefix("data/series/") for i in RELEASES])
def test_shipped_series_is_exactly_what_the_importer_makes(item: ReleaseFile) -> None:
    content = raw(item)
    assert hashlib.sha256(content).hexdigest() == item.sha256
    shipped = (REPO / item.output).read_text(encoding="utf-8")
    assert imported(item) == shipped, f"{item.output} is stale: run scripts/regenerate-series"
    assert find(item.importer).convert(content, item.release) == shipped  # deterministic: a second run, same bytes
    data = tomli.loads(shipped)
    (source,) = data["sources"].values()
    assert list(data["sources"]) == [f"{item.importer}-{item.release.date}"]
    assert source["copy_url"] == item.copy_url


def test_release_notes_list_every_release_as_the_table_says() -> None:
    notes = (SERIES / "RELEASES.md").read_text(encoding="utf-8")
    assert BEGIN in notes and END in notes
    assert notes[notes.index(BEGIN) : notes.index(END) + len(END)] == releases_section()
    for item in RELEASES:
        assert f"`{item.sha256}`" in notes
        assert item.command() in notes
        assert (REPO / item.output).is_file()
    assert sorted(p.name for p in SERIES.glob("*.toml")) == sorted(Path(i.output).name for i in RELEASES)


def test_release_files_have_the_sha256_the_notes_give() -> None:
    notes = (SERIES / "RELEASES.md").read_text(encoding="utf-8")
    for item in RELEASES:
        digest = hashlib.sha256(raw(item)).hexdigest()
        assert f"- release file: `{item.raw}`\n- sha256: `{digest}`" in notes


def test_fact_ids_are_unique_across_all_shipped_releases() -> None:
    seen: set[str] = set()
    for item in RELEASES:
        for fact in tomli.loads((REPO / item.output).read_text(encoding="utf-8"))["facts"]:
            assert fact["id"] not in seen
            seen.add(fact["id"])
    months = sum(2 * (12 * (b - a) + NEWEST_MONTH[day]) for day, (a, b) in COLOMBIA_YEARS.items())
    annual = sum(2 * (b - a + 1) for a, b in COLOMBIA_YEARS.values())
    assert len(seen) == sum(COLOMBIA_ROWS.values()) + annual + months + sum(ENDUSE_FACTS.values())
