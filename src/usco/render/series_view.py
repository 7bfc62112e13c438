"""`usco series` as Rich draws it: periods down, measures across, or one block a period."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from usco.records import Row
from usco.render.table import DIM, FIGURE_STYLE, MARK, cell_text
from usco.text import QUALIFIER_WORDS, column_amount, column_figure, source_label, status_mark, visible

if TYPE_CHECKING:
    from rich.console import Console

    from usco.query.summaries import SeriesTable


def series_cell(row: Row) -> str:
    """A figure in a series column, marked in words when not final: "$34,700,000 (provisional)"."""
    fact = row.fact
    shown = column_figure(fact)
    if fact.status.value == "partial" and fact.end is not None:
        shown = f"{shown} (partial to {fact.end})"
    else:
        mark = status_mark(fact)
        shown = f"{shown} ({mark})" if mark else shown
    return f"{shown} [superseded]" if row.superseded_by else shown


def short_names(measures: Sequence[Any]) -> list[str]:
    """Column headings: the measure ids without the words they all share ("obligations", "exports").

    Only whole hyphenated words go, and never all of an id: coca-cultivation beside
    coca-cultivation-unodc are "cultivation" and "cultivation-unodc", not "-unodc".
    """
    ids = [measure.id for measure in measures]
    if len(ids) < 2:
        return ids
    parts = [key.split("-") for key in ids]
    shared = 0
    while all(len(words) > shared + 1 and words[shared] == parts[0][shared] for words in parts):
        shared += 1
    names = ["-".join(words[shared:]) for words in parts]
    return names if len(set(names)) == len(names) else ids


def _cell_style(row: Row | None) -> str:
    if row is None:
        return ""
    if row.superseded_by:
        return DIM
    return "" if row.fact.final else MARK


def draw_series(console: Console, series: SeriesTable) -> None:
    """Periods down, measures across, when the figures fit whole; else one block per period.

    Every cell writes its number as its column does (design §4); a status is a footnote mark
    after the figure ("$447,245,358*"), and where the table would not fit with qualifier words
    ("approximately"), a qualifier is a mark too; the marks are explained under the table.
    Headings are the measures' labels when they fit on one line, else short names, explained
    under the table with the labels. The caption names the releases.
    """
    if not series.lines:
        return
    from rich.cells import cell_len
    from rich.text import Text

    names = "; ".join(visible(source_label(source)) for source in series.sources)
    labels = [visible(measure.label) for measure in series.measures]
    shorts = [visible(name) for name in short_names(series.measures)]

    def widths_of(headings: Sequence[str], cells: Sequence[Sequence[str]], periods: Sequence[str]) -> list[int]:
        """Each column's width: its widest cell or heading line, the periods' first."""
        period_width = max(cell_len(visible(label)) for label in (*periods, "Period"))
        return [period_width] + [
            max(max(cell_len(visible(row[index])) for row in cells), *(cell_len(part) for part in heading.split("\n")))
            for index, heading in enumerate(headings)
        ]

    def fits(headings: Sequence[str], cells: Sequence[Sequence[str]], periods: Sequence[str]) -> bool:
        widths = widths_of(headings, cells, periods)
        return sum(widths) + 3 * len(widths) - 1 <= console.width  # padding 1 each side, a rule between; no edges

    headings: Sequence[str] | None = None
    qualifier_marks = False
    for qualifier_marks in (False, True):
        periods, cells = zip(*(_series_line(line, qualifier_marks) for line in series.lines), strict=True)
        widths = [max(cell_len(visible(row[index])) for row in cells) for index in range(len(shorts))]
        broken = [_broken(short, width) for short, width in zip(shorts, widths, strict=True)]
        headings = next((choice for choice in (labels, shorts, broken) if fits(choice, cells, periods)), None)
        if headings is not None:
            break
    if headings is None:
        qualifier_marks = False
        periods, cells = zip(*(_series_line(line, qualifier_marks) for line in series.lines), strict=True)
    ids = [visible(measure.id) for measure in series.measures]
    key = [
        f"{short}: {label}" if short == key else f"{short} ({key}): {label}"
        for short, key, label in zip(shorts, ids, labels, strict=True)
    ]
    key = [] if headings is labels else key
    quarters = sorted({label for label in periods if label.startswith("TQ ")})
    key += [f"{label}: the July–September {label[3:]} transition quarter" for label in quarters]
    column_names = labels if headings is labels else shorts
    key += _symbol_key(series, column_names, qualifier_marks=qualifier_marks)
    if headings is not None:
        # Every column as wide as its widest cell or heading line (fits() checked they fit): no
        # layout left for rich.table to do, so the table is composed (usco.render.compose).
        from usco.render import compose

        period_width, *widths = widths_of(headings, cells, periods)
        columns = [compose.Column("Period", period_width, no_wrap=True)]
        columns += [
            compose.Column(h, width, justify="right", no_wrap=True) for h, width in zip(headings, widths, strict=True)
        ]
        rows = [
            [
                cell_text(label),
                *(cell_text(value, _cell_style(row)) for value, row in zip(shown, line.cells, strict=True)),
            ]
            for line, label, shown in zip(series.lines, periods, cells, strict=True)
        ]
        compose.show(console, compose.table(console, columns, rows, f"Releases: {names}", edge=False))
    else:
        name_width = max(cell_len(short) for short in shorts)
        for line, label, shown in zip(series.lines, periods, cells, strict=True):
            console.print(Text(visible(label), style="bold"))
            for short, value, row in zip(shorts, shown, line.cells, strict=True):
                if row is None:
                    continue
                entry = Text("  " + short.ljust(name_width) + "  ", style=DIM)
                entry.append(visible(value), style=_cell_style(row) or FIGURE_STYLE)
                if entry.cell_len > console.width:  # the figure under its name rather than broken
                    console.print(Text("  " + short, style=DIM))
                    entry = Text("    " + visible(value), style=_cell_style(row) or FIGURE_STYLE)
                console.print(entry)
        console.print()
        console.print(Text(f"Releases: {names}", style=DIM))
    for note in key:
        console.print(Text(note, style=DIM))
    console.print()


def _broken(heading: str, width: int) -> str:
    """A heading wider than its figures broken after hyphens: "appropriated-\nplanned"."""
    parts = heading.split("-")
    lines = [parts[0]]
    for part in parts[1:]:
        if len(lines[-1]) + 1 + len(part) <= width:
            lines[-1] += "-" + part
        else:
            lines[-1] += "-"
            lines.append(part)
    return "\n".join(lines)


def _transition_quarter(row: Row) -> bool:
    return row.measure is not None and row.measure.period.value == "fiscal_year" and row.fact.date.precision == 2


_SYMBOLS = {"partial": "†", "provisional": "*", "planned": "‡"}
_SUPERSEDED, _QUALIFIED = "°", "§"


def _symbol_key(series: SeriesTable, names: Sequence[str], *, qualifier_marks: bool) -> list[str]:
    """What the marks of the table mean, for the marks it has."""
    rows = [row for line in series.lines for row in line.cells if row is not None]
    notes = []
    if qualifier_marks:
        qualified: dict[str, list[str]] = {}
        for line in series.lines:
            for name, row in zip(names, line.cells, strict=True):
                if row is not None and QUALIFIER_WORDS[row.fact.qualifier]:
                    qualified.setdefault(QUALIFIER_WORDS[row.fact.qualifier], []).append(f"{line.label} {name}")
        if qualified:
            notes.append(
                f"{_QUALIFIED} " + "; ".join(f"{words}: {', '.join(where)}" for words, where in qualified.items())
            )
    partial = sorted({f"{line.period or line.label} to {row.fact.end}" for line in series.lines for row in line.cells
                      if row is not None and row.fact.status.value == "partial" and row.fact.end})  # fmt: skip
    if partial:
        notes.append(f"† partial: {', '.join(partial)}")
    if any(row.fact.status.value == "provisional" for row in rows):
        notes.append("* provisional: the publisher was still collecting reports")
    if any(row.fact.status.value == "planned" for row in rows):
        notes.append("‡ planned: a request, pledge or goal")
    if any(row.superseded_by for row in rows):
        notes.append(f"{_SUPERSEDED} superseded by a later source")
    return notes


def _series_line(line: Any, qualifier_marks: bool = False) -> tuple[str, list[str]]:
    """A line's period label and cells: each figure written as its column writes it, with a
    mark for its status ("$447,245,358*"), and with *qualifier_marks* a mark for its qualifier
    rather than the words ("$413,000,000§‡"). The period stays short ("FY2025"): how far a
    partial figure got is said under the table ("† partial: FY2025 to 2025-04-02")."""
    quarter = next((row for row in line.cells if row is not None and _transition_quarter(row)), None)
    if quarter is not None:
        line = line._replace(label=f"TQ {quarter.fact.date.first.year}")
    cells = []
    for row in line.cells:
        if row is None:
            cells.append("")
            continue
        fact = row.fact
        qualified = bool(QUALIFIER_WORDS[fact.qualifier])
        shown = (
            column_amount(fact.value, fact.unit) + _QUALIFIED if qualifier_marks and qualified else column_figure(fact)
        )
        cells.append(shown + _SYMBOLS.get(fact.status.value, "") + (_SUPERSEDED if row.superseded_by else ""))
    return line.label, cells


def draw_hint(console: Console, hint: str) -> None:
    """A line under a series table saying where more of it is ("Each month: usco series ..."), wrapped."""
    from rich.text import Text

    console.print(Text(visible(hint), style=DIM))
    console.print()
