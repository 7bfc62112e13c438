"""Turn query results into text: JSON, JSONL, CSV, TSV, Markdown and Rich tables (design §4).

Every function returns a string. Machine formats never depend on the terminal; Rich
is imported only when a table is drawn, because importing it costs start-up time.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable, Sequence
from enum import Enum
from typing import TYPE_CHECKING, Any, NamedTuple

from usco.model import Fact, PartialDate, Qualifier, Source
from usco.query import Detail, MeasureSummary, Row, Selection, SourceCount

if TYPE_CHECKING:
    from decimal import Decimal

    from rich.console import Console


class OutputFormat(str, Enum):
    TABLE = "table"
    JSON = "json"
    JSONL = "jsonl"
    CSV = "csv"
    TSV = "tsv"
    MARKDOWN = "markdown"


# ---------------------------------------------------------------- words for people

_QUALIFIER_WORDS = {
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


def _scaled(value: int | float) -> str:
    """23600000 -> "23.6 million"; never rounds: a figure that needs more digits is written out."""
    from decimal import Decimal, localcontext  # only figures for people need it

    number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
    with localcontext() as exact:  # enough precision that no division below rounds
        exact.prec = len(number.as_tuple().digits) + abs(int(number.as_tuple().exponent)) + 30
        for scale, word in _SCALES:
            scaled = number / scale
            if abs(number) >= scale and scaled == scaled.quantize(Decimal("0.01")):
                return f"{_decimal_text(scaled)} {word}"
        return _decimal_text(number)


def figure(fact: Fact) -> str:
    """The figure in words with its qualifier: "more than $23.6 million", "nearly 200 years"."""
    if fact.value is None:
        return ""
    if fact.unit == "USD":
        amount = f"${_scaled(fact.value)}"
    elif fact.unit == "percent":
        amount = f"{_scaled(fact.value)}%"
    elif fact.unit == "multiple":
        amount = f"{_scaled(fact.value)}×"
    elif fact.unit == "rank":
        amount = f"No. {_scaled(fact.value)}"
    elif fact.unit == "count":
        amount = _scaled(fact.value)
    else:
        amount = f"{_scaled(fact.value)} {fact.unit}"
    words = _QUALIFIER_WORDS[fact.qualifier]
    return f"{words} {amount}" if words else amount


def period(fact: Fact, separator: str = " – ") -> str:
    """ "2019", or "2016 – 2020-09-18" for a period with an end."""
    return f"{fact.date}{separator}{fact.end}" if fact.end else str(fact.date)


def _date(day: PartialDate | None) -> str | None:
    return None if day is None else str(day)


def source_label(source: Source) -> str:
    return f"{source.name} ({source.date})" if source.date else f"{source.name} (undated)"


# ---------------------------------------------------------------- terminal safety

# Bidirectional controls can make text read differently from what it is (CVE-2021-42574).
_BIDI = set("\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


_UNSAFE = re.compile("[" + "".join(f"\\x{c:02x}" for c in range(0x20)) + "\\x7f-\\x9f" + "".join(_BIDI) + "]")


def visible(text: str) -> str:
    """Control characters and bidi overrides made visible as escapes (ESC becomes "\\x1b")."""
    return _UNSAFE.sub(lambda match: match[0].encode("unicode_escape").decode("ascii"), text)


# ---------------------------------------------------------------- machine formats


def fact_object(row: Row) -> dict[str, Any]:
    """One fact as JSON (design §4); numbers raw, dates as stored."""
    fact, source = row.fact, row.source
    return {
        "id": fact.id,
        "topic": fact.topic.value,
        "text": fact.text,
        "value": fact.value,
        "unit": fact.unit,
        "qualifier": fact.qualifier.value,
        "date": str(fact.date),
        "end": _date(fact.end),
        "measure": fact.measure,
        "part_of": fact.part_of,
        "superseded_by": row.superseded_by,
        "tags": list(fact.tags),
        "source": {
            "id": source.id,
            "title": source.title,
            "publisher": source.publisher,
            "url": source.url,
            "date": _date(source.date),
        },
    }


_JSON_UNSAFE = re.compile("[\\x7f-\\x9f" + "".join(_BIDI) + "]")


def _json(value: Any, indent: int | None = 2, *, ascii_only: bool = False) -> str:
    """JSON that keeps readable UTF-8 but escapes what a terminal could act on.

    json.dumps already escapes C0 controls; C1 controls and bidi overrides can only
    occur inside strings, where a \\u escape means the same character.
    """
    import json

    text = json.dumps(value, ensure_ascii=ascii_only, indent=indent)
    return _JSON_UNSAFE.sub(lambda match: f"\\u{ord(match[0]):04x}", text)


def _json_lines(objects: Iterable[dict[str, Any]], *, ascii_only: bool = False) -> str:
    return "".join(_json(obj, indent=None, ascii_only=ascii_only) + "\n" for obj in objects)


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return repr(value)
    return str(value)


def _delimited(header: Sequence[str], records: Iterable[Sequence[Any]], fmt: OutputFormat, with_header: bool) -> str:
    lines = [header, *records] if with_header else list(records)
    if fmt is OutputFormat.TSV:
        return "".join("\t".join(_tsv_field(_cell(value)) for value in line) + "\n" for line in lines)
    import csv

    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerows([visible_keep_space(_cell(value)) for value in line] for line in lines)
    return out.getvalue()


def _tsv_field(text: str) -> str:
    return re.sub(r"[\t\r\n]", " ", visible_keep_space(text))


def visible_keep_space(text: str) -> str:
    """visible(), but tabs and newlines stay for CSV quoting and TSV replacement to handle."""
    return _UNSAFE.sub(
        lambda match: match[0] if match[0] in "\t\r\n" else match[0].encode("unicode_escape").decode("ascii"),
        text,
    )


def _markdown_cell(value: Any) -> str:
    text = re.sub(r"[\t\r\n]+", " ", visible(_cell(value))) if value is not None else ""
    return re.sub(r"([\\|<>*_`\[\]&~])", r"\\\1", text)


def _markdown(header: Sequence[str], records: Iterable[Sequence[Any]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(_markdown_cell(value) for value in record) + " |" for record in records]
    return "\n".join(lines) + "\n"


class Listing(NamedTuple):
    """One result in every shape the formats need."""

    header: tuple[str, ...]
    records: list[tuple[Any, ...]]  # flat values for csv/tsv
    objects: list[dict[str, Any]]  # json/jsonl
    draw: Callable[[Console], None]  # the Rich view
    # Markdown may show words instead of raw values; built only when asked for.
    markdown: Callable[[], tuple[Sequence[str], list[tuple[Any, ...]]]] | None = None


def render(
    listing: Listing,
    fmt: OutputFormat,
    *,
    header: bool = True,
    console: Console | None = None,
    ascii_only: bool = False,
) -> str:
    """*listing* in *fmt*; *ascii_only* escapes all non-ASCII in JSON (for a stream that is not UTF-8)."""
    if fmt is OutputFormat.JSON:
        return _json(listing.objects, ascii_only=ascii_only) + "\n"
    if fmt is OutputFormat.JSONL:
        return _json_lines(listing.objects, ascii_only=ascii_only)
    if fmt in (OutputFormat.CSV, OutputFormat.TSV):
        return _delimited(listing.header, listing.records, fmt, header)
    if fmt is OutputFormat.MARKDOWN:
        return _markdown(*(listing.markdown() if listing.markdown else (listing.header, listing.records)))
    return draw(listing.draw, console)


# ---------------------------------------------------------------- listings

FACT_COLUMNS = (
    "id", "topic", "date", "end", "value", "unit", "qualifier", "text", "source_id", "source_date", "source_url",
)  # fmt: skip


def facts_listing(selection: Selection, *, history: bool = False, timeline: bool = False) -> Listing:
    rows = selection.rows
    header = FACT_COLUMNS + (("superseded_by",) if history else ())

    def record(row: Row) -> tuple[Any, ...]:
        fact = row.fact
        flat = (
            fact.id, fact.topic.value, str(fact.date), _date(fact.end), fact.value, fact.unit,
            fact.qualifier.value, fact.text, row.source.id, _date(row.source.date), row.source.url,
        )  # fmt: skip
        return flat + ((row.superseded_by,) if history else ())

    return Listing(
        header=header,
        records=[record(row) for row in rows],
        objects=[fact_object(row) for row in rows],
        draw=(
            (lambda console: _draw_timeline(console, rows))
            if timeline
            else (lambda console: _draw_facts(console, _with_components(rows), history=history))
        ),
        markdown=lambda: (
            ("date", "figure", "fact", "source", "id"),
            [
                (period(row.fact), figure(row.fact), row.fact.text, source_label(row.source), row.fact.id)
                for row in _with_components(rows)
            ],
        ),
    )


def _with_components(rows: Sequence[Row]) -> list[Row]:
    """Listing order, but each component placed right under its whole when both are shown."""
    shown = {row.fact.id for row in rows}
    children: dict[str, list[Row]] = {}
    for row in rows:
        if row.fact.part_of in shown:
            children.setdefault(row.fact.part_of or "", []).append(row)
    ordered: list[Row] = []

    def place(row: Row) -> None:
        ordered.append(row)
        for child in children.get(row.fact.id, []):
            place(child)

    for row in rows:
        if row.fact.part_of not in shown:
            place(row)
    return ordered


def _depths(rows: Sequence[Row]) -> dict[str, int]:
    """How deep each shown fact sits under shown wholes (0 for a fact whose whole is not shown)."""
    parents = {row.fact.id: row.fact.part_of for row in rows}
    depths: dict[str, int] = {}
    for fact_id in parents:
        depth, current = 0, parents[fact_id]
        while current in parents and depth < len(parents):  # bounded: check forbids cycles anyway
            depth, current = depth + 1, parents[current]
        depths[fact_id] = depth
    return depths


def sources_listing(counts: list[SourceCount]) -> Listing:
    header = ("id", "short", "title", "publisher", "date", "date_note", "url", "facts")
    records = [
        (c.source.id, c.source.short, c.source.title, c.source.publisher, _date(c.source.date),
         c.source.date_note, c.source.url, c.facts)
        for c in counts
    ]  # fmt: skip
    objects = [
        {"id": c.source.id, "title": c.source.title, "publisher": c.source.publisher, "url": c.source.url,
         "date": _date(c.source.date), "date_note": c.source.date_note, "facts": c.facts}
        for c in counts
    ]  # fmt: skip
    return Listing(header, records, objects, draw=lambda console: _draw_sources(console, counts))


def topics_listing(counts: list[tuple[Any, int]]) -> Listing:
    records = [(topic.value, count) for topic, count in counts]
    objects = [{"topic": topic, "facts": count} for topic, count in records]
    return Listing(
        ("topic", "facts"),
        records,
        objects,
        draw=lambda console: _draw_simple(console, ("Topic", "Facts"), records, f"{len(records)} topics"),
    )


def measures_listing(summaries: list[MeasureSummary]) -> Listing:
    header = ("id", "label", "unit", "periods", "facts", "first", "last")
    records = [
        (s.measure.id, s.measure.label, s.measure.unit, s.periods, s.facts,
         period(s.first, "/"), period(s.last, "/"))
        for s in summaries
    ]  # fmt: skip
    objects = [dict(zip(header, record, strict=True)) for record in records]
    table_rows = [
        (s.measure.id, s.measure.label, s.measure.unit, s.periods, s.facts, period(s.first), period(s.last))
        for s in summaries
    ]
    return Listing(
        header,
        records,
        objects,
        draw=lambda console: _draw_simple(
            console,
            ("Measure", "Label", "Unit", "Periods", "Facts", "First", "Last"),
            table_rows,
            f"{len(records)} measures · usco chart MEASURE draws one",
        ),
    )


# ---------------------------------------------------------------- show


def detail_object(detail: Detail) -> dict[str, Any]:
    obj = fact_object(detail.row)
    obj["series"] = [fact_object(row) for row in detail.series]
    obj["components"] = [fact_object(row) for row in detail.components]
    return obj


def detail_pairs(detail: Detail) -> list[tuple[str, str]]:
    """`show` as key/value lines: what a person reads, in the order they read it."""
    fact, source = detail.row.fact, detail.row.source
    pairs = [
        ("id", fact.id),
        ("text", fact.text),
        ("figure", figure(fact)),
        ("value", _cell(fact.value)),
        ("unit", fact.unit or ""),
        ("qualifier", fact.qualifier.value),
        ("period", period(fact)),
        ("topic", fact.topic.value),
        ("tags", ", ".join(fact.tags)),
        ("measure", fact.measure or ""),
        ("part_of", f"{detail.whole.id} ({figure(detail.whole)})" if detail.whole else ""),
        ("superseded_by", detail.row.superseded_by or ""),
        ("source", source.id),
        ("source_title", source.title),
        ("source_publisher", source.publisher),
        ("source_date", _date(source.date) or "undated"),
        ("source_date_note", source.date_note or ""),
        ("source_url", source.url),
    ]
    pairs += [("component", _version_line(row)) for row in detail.components]
    pairs += [("series", _version_line(row)) for row in detail.series]
    return pairs


def _version_line(row: Row) -> str:
    mark = f" [superseded by {row.superseded_by}]" if row.superseded_by else ""
    return f"{row.fact.id}: {period(row.fact)}: {figure(row.fact) or row.fact.text} ({source_label(row.source)}){mark}"


def render_detail(
    detail: Detail, fmt: OutputFormat | None, *, console: Console | None = None, ascii_only: bool = False
) -> str:
    """`show` output; fmt None means key<TAB>value lines (the piped default)."""
    pairs = detail_pairs(detail)
    if fmt is None or fmt is OutputFormat.TSV:
        return "".join(f"{key}\t{_tsv_field(value)}\n" for key, value in pairs)
    if fmt is OutputFormat.JSON:
        return _json(detail_object(detail), ascii_only=ascii_only) + "\n"
    if fmt is OutputFormat.JSONL:
        return _json(detail_object(detail), indent=None, ascii_only=ascii_only) + "\n"
    if fmt is OutputFormat.CSV:
        return _delimited(("key", "value"), pairs, fmt, True)
    if fmt is OutputFormat.MARKDOWN:
        return _markdown(("field", "value"), pairs)
    return draw(lambda c: _draw_detail(c, detail, pairs), console)


# ---------------------------------------------------------------- Rich


def make_console(*, stderr: bool = False) -> Console:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, emoji=False, markup=False)


def draw(paint: Callable[[Console], None], console: Console | None = None) -> str:
    """Draw with Rich into a string, with the terminal's width and colour settings."""
    console = console or make_console()
    with console.capture() as captured:
        paint(console)
    return captured.get()


def _text(value: Any, style: str = "") -> Any:
    from rich.text import Text

    return Text(visible(_cell(value)), style=style)


_ID_STYLE, _FIGURE_STYLE, _DIM = "cyan", "bold green", "dim"
_TEXT_MIN = 20
_SOURCE_MIN = 12
_PERIOD_MIN = 10  # "2016 – 2020-09-18" may wrap at the dash; one date may not


def _two_lines(first: str, second: str, style: str) -> Any:
    from rich.text import Text

    text = Text(visible(first), style=style)
    text.append("\n" + visible(second))
    return text


def _fact_widths(
    console: Console, rows: Sequence[Row], depths: dict[str, int]
) -> tuple[int, int, int, int, int] | None:
    """Widths of When, Figure, Fact, Source, ID that fit the terminal, or None if no table fits.

    Ids and figures get their full width; the period, the source and the text wrap.
    Widths are set here rather than left to Rich, which shrinks every column when short of room.
    """
    from rich.cells import cell_len  # terminal columns: a CJK character or an emoji takes two

    ids = max(len("ID"), *(cell_len(visible(row.fact.id)) for row in rows))
    figures = max(len("Figure"), *(cell_len(visible(figure(row.fact))) + 2 * depths[row.fact.id] for row in rows))
    periods = max(len(period(row.fact)) for row in rows)
    labels = max(cell_len(visible(row.source.name)) for row in rows)
    room = console.width - 17 - ids - figures  # padding 2 a column, 6 rules and edges, 1 spare
    when = periods if room - periods >= _TEXT_MIN + _SOURCE_MIN else min(periods, _PERIOD_MIN)
    room -= when
    source = min(max(labels, 10), max(_SOURCE_MIN, room - 30))  # the text keeps 30 columns if it can
    text = room - source
    return None if text < _TEXT_MIN else (when, figures, text, source, ids)


def _draw_facts(console: Console, rows: Sequence[Row], *, history: bool) -> None:
    if not rows:
        return
    depths = _depths(rows)
    widths = _fact_widths(console, rows, depths)
    if widths is None:
        _draw_fact_blocks(console, rows)
        return
    from rich import box
    from rich.table import Table

    superseded = sum(1 for row in rows if row.superseded_by)
    caption = f"{len(rows)} facts" + (f", {superseded} superseded" if history else "")
    table = Table(box=box.SIMPLE_HEAD, caption=caption + " · usco show ID for sources", caption_justify="left")
    when, figures, text_width, source_width, ids = widths
    # "fold": a word longer than its column breaks across lines instead of being cut with "…"
    table.add_column("When", width=when, overflow="fold")
    table.add_column("Figure", no_wrap=True, justify="right", width=figures)
    table.add_column("Fact", width=text_width, overflow="fold")
    table.add_column("Source", width=source_width, overflow="fold")
    table.add_column("ID", no_wrap=True, width=ids, style=_ID_STYLE)
    for row in rows:
        indent = "  " * depths[row.fact.id]
        text = row.fact.text if not indent else f"└ {row.fact.text}"
        if row.superseded_by:
            text += f" (superseded by {row.superseded_by})"
        style = _DIM if row.superseded_by else ""
        table.add_row(
            _text(period(row.fact), style),
            _text(indent + figure(row.fact), style or _FIGURE_STYLE),
            _text(indent + text, style),
            _two_lines(row.source.name, str(row.source.date or "undated"), _DIM),
            _text(row.fact.id, style or _ID_STYLE),
        )
    console.print(table)


def _draw_fact_blocks(console: Console, rows: Sequence[Row]) -> None:
    """One block per fact, for terminals too narrow for a table that keeps ids and figures whole."""
    from rich.padding import Padding
    from rich.text import Text

    for row in rows:
        head = Text(visible(row.fact.id), style=_ID_STYLE)
        if row.superseded_by:
            head.append(f" (superseded by {visible(row.superseded_by)})", style=_DIM)
        body = Text(period(row.fact))
        if row.fact.value is not None:
            body.append("  ")
            body.append(visible(figure(row.fact)), style=_FIGURE_STYLE)
        body.append("\n" + visible(row.fact.text))
        body.append("\n" + visible(source_label(row.source)), style=_DIM)
        console.print(head)
        console.print(Padding(body, (0, 0, 1, 2)))
    console.print(Text(f"{len(rows)} facts", style=_DIM))


def _draw_timeline(console: Console, rows: Sequence[Row]) -> None:
    """Years as a spine, events beside them: each year printed once, where it begins."""
    if not rows:
        return
    from rich.table import Table
    from rich.text import Text

    grid = Table.grid(padding=(0, 1))
    grid.add_column(justify="right", no_wrap=True, style="bold")  # year
    grid.add_column(no_wrap=True, style=_DIM)  # spine
    grid.add_column(no_wrap=True, style=_DIM)  # rest of the date
    grid.add_column(ratio=1)  # event
    grid.add_column(no_wrap=True, style=_ID_STYLE)  # id
    previous = None
    for row in rows:
        fact = row.fact
        year = str(fact.date)[:4]
        event = Text(visible(fact.text))
        if fact.value is not None:
            event.append("  " + visible(figure(fact)), style=_FIGURE_STYLE)
        new_year = year != previous
        grid.add_row(
            year if new_year else "",
            "●" if new_year else "│",
            period(fact)[4:].lstrip("-").strip(),
            event,
            visible(fact.id),
        )
        previous = year
    console.print(grid)
    console.print(Text(f"{len(rows)} events · usco show ID for sources", style=_DIM))


def _draw_sources(console: Console, counts: list[SourceCount]) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    table = Table(box=box.SIMPLE_HEAD, caption=f"{len(counts)} sources, newest first", caption_justify="left")
    table.add_column("Date", no_wrap=True)
    table.add_column("Document", ratio=3, min_width=24)
    table.add_column("Publisher", ratio=1, min_width=12)
    table.add_column("Facts", justify="right", no_wrap=True)
    table.add_column("ID", style=_ID_STYLE, overflow="fold", min_width=12)
    for count in counts:
        source = count.source
        document = Text(visible(source.title))
        document.append("\n" + visible(source.url), style="blue")
        if source.date_note:
            document.append("\nDated: " + visible(source.date_note), style=_DIM)
        table.add_row(
            _text(_date(source.date) or "undated"),
            document,
            _text(source.publisher),
            _text(count.facts),
            _text(source.id, _ID_STYLE),
        )
    console.print(table)


def _draw_simple(console: Console, header: Sequence[str], records: Sequence[Sequence[Any]], caption: str) -> None:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE_HEAD, caption=caption, caption_justify="left")
    for name in header:
        numeric = name in ("Facts", "Periods")
        table.add_column(name, justify="right" if numeric else "left", no_wrap=numeric or name == "Measure")
    for record in records:
        table.add_row(*(_text(value) for value in record))
    console.print(table)


def _draw_detail(console: Console, detail: Detail, pairs: list[tuple[str, str]]) -> None:
    from rich import box
    from rich.table import Table

    table = Table(box=box.SIMPLE, show_header=False)
    table.add_column("field", style="bold", no_wrap=True)
    table.add_column("value", overflow="fold")
    for key, value in pairs:
        if value:
            style = _FIGURE_STYLE if key == "figure" else _DIM if "superseded" in value else ""
            table.add_row(_text(key.replace("_", " ")), _text(value, style))
    console.print(table)
