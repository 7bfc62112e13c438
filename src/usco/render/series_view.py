"""`usco series` as Rich draws it: periods down, measures across, or one block a period."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from usco.records import Row
from usco.render.table import DIM, FIGURE_STYLE, MARK, cell_text
from usco.text import figure, source_label, status_mark, visible

if TYPE_CHECKING:
    from rich.console import Console

    from usco.query.summaries import SeriesTable


def series_cell(row: Row) -> str:
    """A figure in the series table, marked when not final: "$34.7 million (provisional)"."""
    fact = row.fact
    shown = figure(fact)
    if fact.status.value == "partial" and fact.end is not None:
        shown = f"{shown} (partial to {fact.end})"
    else:
        mark = status_mark(fact)
        shown = f"{shown} ({mark})" if mark else shown
    return f"{shown} [superseded]" if row.superseded_by else shown


def short_names(measures: Sequence[Any]) -> list[str]:
    """Column headings: the measure ids without the prefix they share ("obligations", "exports")."""
    ids = [measure.id for measure in measures]
    if len(ids) < 2:
        return ids
    prefix = ids[0]
    for other in ids[1:]:
        while not other.startswith(prefix):
            prefix = prefix[: prefix.rstrip("-").rfind("-") + 1] if "-" in prefix.rstrip("-") else ""
    names = [key[len(prefix) :] or key for key in ids]
    return names if len(set(names)) == len(names) else ids


def _cell_style(row: Row | None) -> str:
    if row is None:
        return ""
    if row.superseded_by:
        return DIM
    return "" if row.fact.final else MARK


def draw_series(console: Console, series: SeriesTable) -> None:
    """Periods down, measures across, when the figures fit whole; else one block per period.

    Headings are the measures' labels when they fit on one line, else short names, explained
    under the table with the labels. The caption names the releases.
    """
    if not series.lines:
        return
    from rich import box
    from rich.cells import cell_len
    from rich.table import Table
    from rich.text import Text

    names = "; ".join(visible(source_label(source)) for source in series.sources)
    labels = [visible(measure.label) for measure in series.measures]
    shorts = [visible(name) for name in short_names(series.measures)]

    def fits(headings: Sequence[str], cells: Sequence[Sequence[str]], periods: Sequence[str]) -> bool:
        period_width = max(cell_len(visible(label)) for label in (*periods, "Period"))
        widths = [
            max(max(cell_len(visible(row[index])) for row in cells), *(cell_len(part) for part in heading.split("\n")))
            for index, heading in enumerate(headings)
        ]
        columns = len(widths) + 1  # padding 1 each side and a rule between columns; no edges
        return period_width + sum(widths) + 3 * columns - 1 <= console.width

    headings: Sequence[str] | None = None
    abbreviated = 0
    for abbreviated in (0, 1, 2):
        periods, cells = zip(*(_series_line(line, abbreviated) for line in series.lines), strict=True)
        widths = [max(cell_len(visible(row[index])) for row in cells) for index in range(len(shorts))]
        broken = [_broken(short, width) for short, width in zip(shorts, widths, strict=True)]
        headings = next((choice for choice in (labels, shorts, broken) if fits(choice, cells, periods)), None)
        if headings is not None:
            break
    if headings is None:
        periods, cells = zip(*(_series_line(line, 0) for line in series.lines), strict=True)
    ids = [visible(measure.id) for measure in series.measures]
    key = [
        f"{short}: {label}" if short == key else f"{short} ({key}): {label}"
        for short, key, label in zip(shorts, ids, labels, strict=True)
    ]
    key = [] if headings is labels else key
    quarters = sorted({label for label in periods if label.startswith("TQ ")})
    key += [f"{label}: the July–September {label[3:]} transition quarter" for label in quarters]
    if headings is not None and abbreviated == 1:
        key.append("prov.: provisional, the publisher was still collecting reports")
    if headings is not None and abbreviated == 2:
        key += _symbol_key(series)
    if headings is not None:
        table = Table(box=box.SIMPLE_HEAD, caption=f"Releases: {names}", caption_justify="left", show_edge=False)
        table.add_column("Period", no_wrap=True)
        for heading in headings:
            table.add_column(Text(heading), justify="right", no_wrap=True)
        for line, label, shown in zip(series.lines, periods, cells, strict=True):
            styled = [cell_text(value, _cell_style(row)) for value, row in zip(shown, line.cells, strict=True)]
            table.add_row(cell_text(label), *styled)
        console.print(table)
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


def _symbol_key(series: SeriesTable) -> list[str]:
    """What the marks of a table drawn with symbols mean, for the marks it has."""
    rows = [row for line in series.lines for row in line.cells if row is not None]
    notes = []
    partial = sorted({f"{line.label} to {row.fact.end}" for line in series.lines for row in line.cells
                      if row is not None and row.fact.status.value == "partial" and row.fact.end})  # fmt: skip
    if partial:
        notes.append(f"† partial: {', '.join(partial)}")
    if any(row.fact.status.value == "provisional" for row in rows):
        notes.append("* provisional: the publisher was still collecting reports")
    if any(row.fact.status.value == "planned" for row in rows):
        notes.append("‡ planned: a request, pledge or goal")
    if any(row.superseded_by for row in rows):
        notes.append("° superseded by a later source")
    return notes


def _series_line(line: Any, abbreviated: int = 0) -> tuple[str, list[str]]:
    """A line's period label and cells; when every figure of the line is partial to one end,
    the end goes with the period ("FY2025 to 2025-04-02") and the cells just say "(partial)".
    *abbreviated* 1: "(prov.)" for "(provisional)"; 2: a symbol after the figure, explained
    under the table ("$447,245,358*")."""
    quarter = next((row for row in line.cells if row is not None and _transition_quarter(row)), None)
    if quarter is not None:
        line = line._replace(label=f"TQ {quarter.fact.date.first.year}")
    if abbreviated == 2:
        cells = []
        for row in line.cells:
            if row is None:
                cells.append("")
                continue
            mark = _SYMBOLS.get(row.fact.status.value, "") + ("°" if row.superseded_by else "")
            cells.append(figure(row.fact) + mark)
        return line.label, cells
    if abbreviated == 1:
        label, cells = _series_line(line)
        return label, [cell.replace("(provisional)", "(prov.)") for cell in cells]
    rows = [row for row in line.cells if row is not None]
    ends = {row.fact.end for row in rows if row.fact.status.value == "partial"}
    if rows and len(ends) == 1 and None not in ends and all(row.fact.status.value == "partial" for row in rows):
        shown = [f"{figure(row.fact)} (partial)" + (" [superseded]" if row.superseded_by else "") if row else ""
                 for row in line.cells]  # fmt: skip
        return f"{line.label} to {ends.pop()}", shown
    return line.label, [series_cell(row) if row else "" for row in line.cells]


def draw_hint(console: Console, hint: str) -> None:
    """A line under a series table saying where more of it is ("Each month: usco series ..."), wrapped."""
    from rich.text import Text

    console.print(Text(visible(hint), style=DIM))
    console.print()
