"""Text from a dataset never acts on the terminal, the document or the parser that reads usco's output.

A dataset may hold Rich markup ("[bold]", "[link=...]", ":smile:"), escape sequences
(colour changes, window-title writes, OSC 8 hyperlinks), other C0 and C1 control
characters, bidirectional overrides and invisible (zero-width) characters. In `table`
and `markdown` output each is shown literally or made visible, never interpreted; in JSON it is escaped and round-trips
exactly; in CSV and TSV every row keeps its columns and nothing raw reaches a terminal
that `cat`s the file. Checked in-process (CliRunner) and on a real pseudo-terminal.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from typer.testing import CliRunner, Result

from tests import terminal
from tests.conftest import app
from tests.helpers import environment
from tests.hypothesis_profiles import case_summary, examples, tally
from tests.test_fuzz_loader import toml_document

# usco's own terminal hyperlinks: OSC 8 with a target that holds no ESC or BEL
_USCO_LINK = re.compile("\x1b\\]8;[^\x1b\x07]*\x07")

HANG_GUARD = 60  # seconds; a hang fails the test instead of the run
BIDI = "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: Characters that hide text or make two different ids look the same: soft hyphen, zero-width, BOM.
INVISIBLE = "\u00ad\u180e\u200b\u200c\u200d\u2060\u2061\u2062\u2063\u2064\ufeff"
#: Characters a terminal may act on, or that hide what is there: C0 but newline, DEL, C1, bidi, invisible.
DANGER = re.compile("[\x00-\x09\x0b-\x1f\x7f-\x9f" + BIDI + INVISIBLE + "]")
RICH_SGR = re.compile(r"\x1b\[[0-9;]*m")  # Rich's own styles on a terminal

HOSTILE = {
    "markup bold": "[bold]loud[/bold]",
    "markup link": "[link=http://x]click[/link]",
    "markup close": "before [/] after",
    "emoji code": "smile :smile: :thumbs_up:",
    "CSI colour": "\x1b[31mred\x1b[0m",
    "OSC window title": "\x1b]0;pwned\x07",
    "OSC 8 hyperlink": "\x1b]8;;http://evil.example/\x1b\\click\x1b]8;;\x1b\\",
    "bell": "ding\x07dong",
    "backspace": "safe\x08\x08\x08\x08evil",
    "vertical tab and form feed": "up\x0bdown\x0cpage",
    "C1 CSI": "\x9b31mred",
    "C1 OSC": "\x9d0;pwned\x9c",
    "NUL and DEL": "a\x00b\x7fc",
    "right-to-left override": "abc\u202edcba\u202c",
    "bidi isolates": "\u2066L\u2067R\u2068F\u2069",
    "zero-width and soft hyphen": "ad\u200bmin\u00adis\u2060tr\u180eator\ufeff",
    "markdown syntax": "*bold* _it_ `code` <b>html</b> | pipe [x](http://evil.example)",
    "markdown strikethrough": "~~struck~~",
    "HTML entities": "AT&amp;T &lt;b&gt;",
    "csv syntax": 'a, "quoted", b\\c',
    "wide characters": "人民币 👍 表",
}

_case_summary = case_summary()


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("terminal-safety")


def hostile_document(hostile: str) -> dict[str, Any]:
    """*hostile* in every string a dataset lets a writer choose."""
    return {
        "sources": {
            "sheet": {
                "title": f"Title {hostile}",
                "publisher": f"Publisher {hostile}",
                "url": f"https://example.gov/{hostile}",
                "short": f"Short {hostile}",
                "date": dt.date(2020, 9, 18),
            },
            "undated": {"title": f"Page {hostile}", "publisher": "State", "url": "https://x", "date_note": hostile},
        },
        "measures": {"hostile": {"label": f"Label {hostile}", "unit": f"unit {hostile}"}},
        "facts": [
            {"id": "hostile-text", "topic": "aid", "text": f"Text {hostile}", "value": 5, "unit": f"unit {hostile}",
             "date": "2020", "source": "sheet", "measure": "hostile", "tags": [f"tag {hostile}"]},
            {"id": "hostile-undated", "topic": "milestone", "text": f"Undated {hostile}", "date": "2019",
             "source": "undated"},
        ],
    }  # fmt: skip


def write(path: Path, doc: dict[str, Any]) -> Path:
    path.write_text(toml_document(doc), encoding="utf-8")
    return path


def invoke(data: Path, *args: str, columns: int = 200) -> Result:
    result = CliRunner().invoke(app, ["--data", str(data), *args], env={"USCO_DATA": None, "COLUMNS": str(columns)})
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code == 0, result.stderr
    return result


# ---------------------------------------------------------------- what "inert" means


def tokens(hostile: str) -> list[str]:
    """The printable pieces of *hostile*, which must reach the reader literally."""
    return [token for piece in DANGER.split(hostile) for token in piece.split()]


def squeezed(text: str) -> str:
    """Without whitespace, so that a table wrapping a cell does not hide a token."""
    return "".join(text.split())


def assert_inert(output: str, where: str) -> None:
    found = DANGER.search(output)
    context = output[max(0, found.start() - 40) :][:100] if found else ""
    assert found is None, f"{where}: raw {found[0]!r} at {found.start()} in {context!r}"


def assert_shown(output: str, hostile: str, where: str, data: str = "") -> None:
    """Every printable piece of *hostile* is in *output*; no emoji code became an emoji (unless *data* has one)."""
    flat = squeezed(output)
    for token in tokens(hostile):
        assert squeezed(token) in flat, f"{where}: {token!r} is not shown literally"
    for emoji in ("😄", "👍"):
        assert emoji in hostile + data or emoji not in output, f"{where}: an emoji code was interpreted"


def delimited_rows(output: str, fmt: str, where: str) -> list[list[str]]:
    """CSV or TSV rows, each as wide as the header, with nothing a terminal acts on in any field."""
    if fmt == "csv":  # a tab is harmless, and newlines may sit inside quotes by the csv module's rules
        assert_inert(output.replace("\t", " "), where)
        rows = list(csv.reader(io.StringIO(output)))
    else:
        rows = [line.split("\t") for line in output.split("\n")[:-1]]
        for row in rows:
            assert_inert("".join(row), where)
    assert {len(row) for row in rows} == {len(rows[0])}, f"{where}: a row lost its columns"
    return rows


def markdown_cells(output: str) -> list[list[str]]:
    """The pipe table as a Markdown reader (GitHub: tables, strikethrough) shows it: rows of cell texts."""
    rows: list[list[str]] = []
    for token in MarkdownIt("commonmark").enable(["table", "strikethrough"]).parse(output):
        if token.type == "tr_open":
            rows.append([])
        elif token.type == "inline" and rows:
            formatting = [child.type for child in token.children or [] if child.type not in ("text", "softbreak")]
            assert not formatting, f"markdown: data turned into {formatting} in {token.content!r}"
            rows[-1].append("".join(child.content for child in token.children or []))
    return rows


def assert_markdown_literal(output: str, hostile: str, where: str) -> None:
    assert_inert(output, where)
    rows = markdown_cells(output)
    assert len(rows) >= 2, f"{where}: no pipe table"
    assert {len(row) for row in rows} == {len(rows[0])}, f"{where}: a row with another number of cells"
    assert_shown(" ".join(cell for row in rows[1:] for cell in row), hostile, f"{where} (as rendered)")


# ---------------------------------------------------------------- every hostile string, every format, in-process


@pytest.mark.slow
@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_table_shows_dataset_text_literally(workdir: Path, hostile: str) -> None:
    data = write(workdir / "table.toml", hostile_document(hostile))
    for args, columns in [
        (("facts", "-f", "table"), 200),
        (("facts", "-f", "table"), 40),  # too narrow for a table: one block per fact
        (("sources", "-f", "table"), 200),
        (("measures", "-f", "table"), 200),
        (("show", "hostile-text", "-f", "table"), 200),
        (("show", "hostile-undated", "-f", "table"), 200),
    ]:
        tally("test_terminal_safety::table")
        where = f"{' '.join(args)} at {columns} columns"
        output = invoke(data, *args, columns=columns).stdout
        assert_inert(output, where)
        assert_shown(output, hostile, where)
        assert "…" not in output, f"{where}: the table cut something short:\n{output}"


@pytest.mark.slow
@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_markdown_shows_dataset_text_literally(workdir: Path, hostile: str) -> None:
    data = write(workdir / "markdown.toml", hostile_document(hostile))
    for args in [("facts",), ("sources",), ("measures",), ("show", "hostile-text"), ("show", "hostile-undated")]:
        tally("test_terminal_safety::markdown")
        output = invoke(data, *args, "-f", "markdown").stdout
        assert_markdown_literal(output, hostile, f"{' '.join(args)} -f markdown")


@pytest.mark.slow
@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_json_escapes_dataset_text_and_gives_it_back_exactly(workdir: Path, hostile: str) -> None:
    data = write(workdir / "json.toml", hostile_document(hostile))
    outputs = {
        args: invoke(data, *args, "-f", "json").stdout
        for args in [("facts",), ("sources",), ("measures",), ("show", "hostile-text")]
    }
    outputs[("facts", "jsonl")] = "[" + ",".join(invoke(data, "facts", "-f", "jsonl").stdout.splitlines()) + "]"
    for args, output in outputs.items():
        tally("test_terminal_safety::json")
        assert_inert(output, " ".join(args))
    facts = {fact["id"]: fact for fact in json.loads(outputs[("facts",)])}
    assert facts["hostile-text"]["text"] == f"Text {hostile}"
    assert facts["hostile-text"]["unit"] == f"unit {hostile}"
    assert facts["hostile-text"]["tags"] == [f"tag {hostile}"]
    assert facts["hostile-text"]["source"]["title"] == f"Title {hostile}"
    assert json.loads(outputs[("facts", "jsonl")]) == json.loads(outputs[("facts",)])
    sources = {source["id"]: source for source in json.loads(outputs[("sources",)])}
    assert sources["sheet"]["publisher"] == f"Publisher {hostile}"
    assert sources["undated"]["date_note"] == hostile
    (measure,) = json.loads(outputs[("measures",)])
    assert (measure["label"], measure["unit"]) == (f"Label {hostile}", f"unit {hostile}")
    assert json.loads(outputs[("show", "hostile-text")])["text"] == f"Text {hostile}"


@pytest.mark.slow
@pytest.mark.parametrize("fmt", ["csv", "tsv"])
@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_csv_and_tsv_keep_their_columns_and_nothing_raw(workdir: Path, hostile: str, fmt: str) -> None:
    data = write(workdir / "delimited.toml", hostile_document(hostile))
    for command, key, column, prefix in [
        ("facts", "hostile-text", "text", "Text"),
        ("sources", "sheet", "title", "Title"),
        ("measures", "hostile", "label", "Label"),
    ]:
        tally("test_terminal_safety::csv and tsv")
        where = f"{command} -f {fmt}"
        output = invoke(data, command, "-f", fmt).stdout
        rows = delimited_rows(output, fmt, where)
        records = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
        field = records[key][column]
        assert_shown(field, hostile, f"{where}, column {column}")
        if fmt == "csv" and not DANGER.search(hostile):  # nothing to make visible: exactly the data
            assert field == f"{prefix} {hostile}"
    tally("test_terminal_safety::csv and tsv")
    piped_show = invoke(data, "show", "hostile-text").stdout  # key<TAB>value lines
    for line in piped_show.splitlines():
        key, tab, value = line.partition("\t")
        assert tab and re.fullmatch(r"[a-z_]+", key), f"show, piped: a value broke its line: {line!r}"
        assert_inert(value, "show, piped")


@pytest.mark.slow
@pytest.mark.parametrize("hostile", HOSTILE.values(), ids=HOSTILE.keys())
def test_messages_quoting_a_dataset_are_terminal_safe(workdir: Path, hostile: str) -> None:
    """An invalid dataset's problems name fields and keys from the file: they reach the terminal too."""
    doc = hostile_document(hostile)
    doc["facts"][0][f"field {hostile}"] = 1  # an unknown field, named by the dataset's author
    doc[f"top {hostile}"] = 1  # an unknown top-level key
    data = write(workdir / "invalid.toml", doc)
    for args in [("check",), ("facts",)]:
        tally("test_terminal_safety::messages")
        result = CliRunner().invoke(app, ["--data", str(data), *args], env={"USCO_DATA": None})
        assert result.exit_code == 1, result.stderr
        assert_inert(result.stdout + result.stderr, f"usco {' '.join(args)} on an invalid dataset")


# ---------------------------------------------------------------- arbitrary text, generated

dangerous_text = st.text(
    st.sampled_from([*"\x1b\x07\x08\x00\x7f\x9b\x9d\x9c\x0b\x0c\t", *BIDI, *INVISIBLE, *"[]/:=*_`<>|\\\"',;&#~!()ab "])
    | st.characters(codec="utf-8", exclude_categories=["Cs"]),
    min_size=1,
    max_size=30,
).filter(lambda text: text.strip() and not set(text) & {"\n", "\r"})


@pytest.mark.slow
@settings(max_examples=examples(0.5))
@given(text=dangerous_text)
def test_any_text_is_inert_in_every_format(workdir: Path, text: str) -> None:
    tally("test_terminal_safety::generated text in every format")
    data = write(workdir / "generated.toml", hostile_document(text))
    for columns in (200, 40):  # a table, and one block per fact
        table = invoke(data, "facts", "-f", "table", columns=columns).stdout
        assert_inert(table, f"table at {columns} columns")
        assert_shown(table, text, f"table at {columns} columns")
        assert "…" in text or "…" not in table, f"the table cut something short:\n{table}"
    assert_markdown_literal(invoke(data, "facts", "-f", "markdown").stdout, text, "markdown")
    assert_inert(invoke(data, "facts", "-f", "json").stdout, "json")
    for fmt in ("csv", "tsv"):
        delimited_rows(invoke(data, "facts", "-f", fmt).stdout, fmt, fmt)
    facts = {fact["id"]: fact for fact in json.loads(invoke(data, "facts", "-f", "json").stdout)}
    assert facts["hostile-text"]["text"] == f"Text {text}"


# ---------------------------------------------------------------- on a real pseudo-terminal


def run_in_pty(args: list[str], columns: int = 250) -> tuple[int, str]:
    """The installed usco with stdout and stderr on a pseudo-terminal, colour on."""
    return terminal.run_in_pty(args, environment(TERM="xterm-256color"), columns, hang_guard=HANG_GUARD)


@pytest.fixture(scope="module")
def everything(workdir: Path) -> Path:
    """Every hostile string at once: a fact, a source and a measure each, and one fact holding them all."""
    doc: dict[str, Any] = {"sources": {}, "measures": {}, "facts": []}
    for number, hostile in enumerate(HOSTILE.values()):
        part = hostile_document(hostile)
        doc["sources"][f"sheet-{number}"] = part["sources"]["sheet"]
        doc["measures"][f"hostile-{number}"] = part["measures"]["hostile"]
        names = {"id": f"hostile-{number}", "source": f"sheet-{number}", "measure": f"hostile-{number}"}
        doc["facts"].append(part["facts"][0] | names)
    doc["sources"]["undated"] = hostile_document("")["sources"]["undated"] | {"date_note": " ".join(HOSTILE.values())}
    doc["facts"].append(
        {"id": "hostile-all", "topic": "aid", "text": " ".join(HOSTILE.values()), "date": "2021", "source": "undated"}
    )
    return write(workdir / "everything.toml", doc)


PTY_COMMANDS = {
    "facts": (["facts"], 250),
    "facts, narrow": (["facts"], 40),
    "sources": (["sources"], 250),
    "measures": (["measures"], 250),
    "show": (["show", "hostile-all"], 250),
    "facts -f markdown": (["facts", "-f", "markdown"], 250),
    "facts -f json": (["facts", "-f", "json"], 250),
    "facts -f csv": (["facts", "-f", "csv"], 250),
}


@pytest.mark.parametrize("fmt", ["table", "markdown", "json", "csv", "tsv"])
def test_every_hostile_string_at_once_in_every_format(everything: Path, fmt: str) -> None:
    """The quick version of the tests above (all of them marked slow): every hostile string in one dataset."""
    tally("test_terminal_safety::all at once")
    for columns in (200, 40) if fmt == "table" else (200,):
        output = invoke(everything, "facts", "-f", fmt, columns=columns).stdout
        where = f"facts -f {fmt} at {columns} columns"
        if fmt in ("csv", "tsv"):
            delimited_rows(output, fmt, where)
        elif fmt == "markdown":
            assert_markdown_literal(output, " ".join(HOSTILE.values()), where)
        else:
            assert_inert(output, where)
        if fmt == "table":
            assert_shown(output, " ".join(HOSTILE.values()), where, data=" ".join(HOSTILE.values()))
    if fmt == "json":
        facts = {fact["id"]: fact for fact in json.loads(output)}
        assert facts["hostile-all"]["text"] == " ".join(HOSTILE.values())


@pytest.mark.slow
@pytest.mark.installed
@pytest.mark.parametrize("args, columns", PTY_COMMANDS.values(), ids=PTY_COMMANDS.keys())
def test_on_a_terminal_nothing_from_the_dataset_acts(everything: Path, args: list[str], columns: int) -> None:
    tally("test_terminal_safety::pseudo-terminal runs")
    code, screen = run_in_pty(["--data", str(everything), *args], columns)
    where = f"usco {' '.join(args)} on a {columns}-column terminal"
    assert code == 0, screen[-2000:]
    # usco's own hyperlinks (OSC 8, a target with no ESC or BEL in it) are allowed; nothing else is
    without_links = _USCO_LINK.sub("", screen)
    assert "\x1b[31mred" not in without_links and "\x1b]" not in without_links, f"{where}: an escape from the data"
    plain = RICH_SGR.sub("", without_links).replace("\r\n", "\n")
    assert_inert(plain, where)
    if "-f" not in args:
        assert RICH_SGR.search(screen), f"{where}: no colour on a terminal, so this test saw no styled table"
        assert "…" not in plain, f"{where}: the table cut something short:\n{plain}"
    if "-f" not in args:  # the machine formats' own escaping is checked in-process
        for name, hostile in HOSTILE.items():
            assert_shown(plain, hostile, f"{where}, {name}", data=" ".join(HOSTILE.values()))
