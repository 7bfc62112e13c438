"""ForeignAssistance.gov's CSV re-saved in a spreadsheet (the copy of 2025-11-29, issue #21 item 1): the
empty columns it added are ignored, and a figure in a column no one can name is refused, never dropped."""

from __future__ import annotations

import pytest
import tomli

from tests.test_imports import HEADER, RELEASE, fa_csv, one_line_error
from usco.importers import find, import_foreignassistance

# The 2025-11-29 copy's header: the eleven official columns, then two with no header and one headed "ilte=".
OFFICIAL = (
    "Country Code,Country Name,Region ID,Region Name,Income Group Acronym,Income Group Name,Transaction Type ID,"
    "Transaction Type Name,Fiscal Year,current_amount,constant_amount"
)
RESAVED = OFFICIAL + ",,,ilte="


def row(amount: str = "5", *added: str) -> str:
    extra = list(added) or ["", "", ""]
    return ",".join(["COL", "Colombia", "6", "Western Hemisphere", "UMIC", "Upper Middle Income Country", "2",
                     "Obligations", "2016", amount, "7", *extra])  # fmt: skip


def test_the_resaved_variant_gives_what_the_official_file_gives() -> None:
    resaved = import_foreignassistance(fa_csv(row(), header=RESAVED, newline="\r\n"), RELEASE)
    official = import_foreignassistance(fa_csv(row()[: -len(",,,")], header=OFFICIAL), RELEASE)
    # Only the input's hash (in the header comment) tells the two apart.
    assert resaved.split("\n", 3)[3] == official.split("\n", 3)[3]
    (fact,) = tomli.loads(resaved)["facts"]
    assert (fact["id"], fact["value"]) == ("fa-2025-04-02-obligations-fy2016", 5)


def test_the_resaved_variant_is_detected_as_foreignassistance() -> None:
    content = fa_csv(row(), header=RESAVED, newline="\r\n")
    assert find("foreignassistance").detect(content)
    assert not find("census-trade").detect(content)


@pytest.mark.parametrize(
    ("added", "expected"),
    [
        (("12", "", ""), "column 12 (with no header) holds '12'"),
        (("", "x", ""), "column 13 (with no header) holds 'x'"),
        (("", "", "=SUM(J2)"), "column 14 (headed 'ilte=') holds '=SUM(J2)'"),
    ],
)
def test_a_figure_in_an_added_column_is_an_error(added: tuple[str, str, str], expected: str) -> None:
    content = fa_csv(row("5", "", "", ""), row("6", *added).replace(",2016,", ",2017,"), header=RESAVED)
    message = one_line_error(import_foreignassistance, content)
    assert message.startswith("line 3: ") and expected in message
    assert "expected it empty" in message


def test_a_figure_in_an_added_column_of_another_country_is_an_error_too() -> None:
    other = row("5", "", "9", "").replace("COL,Colombia", "MEX,Mexico")
    assert "column 13 (with no header) holds '9'" in one_line_error(
        import_foreignassistance, fa_csv(row(), other, header=RESAVED)
    )


def test_blank_cells_in_added_columns_count_as_empty() -> None:
    content = fa_csv(row("5", " ", "", "\t"), header=RESAVED)
    assert tomli.loads(import_foreignassistance(content, RELEASE))["facts"][0]["value"] == 5


def test_named_columns_beyond_the_four_read_are_still_read_past() -> None:
    """Named columns (official, renamed by hand as in 2022-10-08, or a person's own) hold what they hold."""
    header = HEADER.replace("Country Name", "income_roup") + ",Notes"
    content = fa_csv("COL,anything,Obligations,2016,5,5,a note", header=header)
    assert tomli.loads(import_foreignassistance(content, RELEASE))["facts"][0]["value"] == 5
