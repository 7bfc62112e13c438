"""A chart.Series as a standalone SVG file (design §4, `usco chart MEASURE --svg FILE`).

Hand-written, no dependency: a title, an axis with its unit and ticks at round values,
one labelled bar per period (gaps labelled "no figure"), a legend, and a source line.
No scripts, no external fonts, images or style sheets: the font is a generic stack.
Every string from the dataset is made visible (text.visible) and then XML-escaped, so
a hostile label can neither break the XML nor add an element. Imported only by
`chart --svg`.
"""

from __future__ import annotations

import math
import re

from usco import text
from usco.render.chart import TQ_NOTE, Bar, Gap, Series

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, Helvetica, Arial, sans-serif"
PLOT_WIDTH = 520
CHARACTER = 7  # a generous average width of a character at 12px, to leave room for labels
MARGIN = 24
ROW = 20
BAR_HEIGHT = 14
COLOURS = {"final": "#2b6cb0", "not_final": "#f6ad55", "superseded": "#cbd5e0", "axis": "#4a5568", "grid": "#e2e8f0"}


# What XML 1.0 allows in no document, not even as a reference, beyond the C0 controls text.visible
# escapes: surrogates and the noncharacters U+FFFE and U+FFFF.
_NOT_XML = re.compile("[\ud800-\udfff\ufffe\uffff]")


def escape(value: str) -> str:
    """Text or an attribute value, safe in XML 1.0: controls and what XML forbids made visible
    (U+FFFF becomes "\\uffff"), markup characters escaped."""
    shown = _NOT_XML.sub(lambda found: f"\\u{ord(found[0]):04x}", text.visible(value))
    return (
        shown.replace("&", "&amp;")
        .replace("<", "&lt;")
        .replace(">", "&gt;")
        .replace('"', "&quot;")
        .replace("'", "&#39;")
    )


def nice_step(largest: float, ticks: int = 5) -> float:
    """A round step (1, 2 or 5 times a power of ten) giving about *ticks* ticks up to *largest*."""
    if largest <= 0:
        return 1.0
    rough = largest / ticks
    power = 10.0 ** math.floor(math.log10(rough))
    return next((multiple * power for multiple in (1, 2, 5) if multiple * power >= rough), 10 * power)


def tick_label(value: float, unit: str) -> str:
    """A round axis value, short: "$200M", "$1.2B", "150K", "40%"."""
    magnitude = abs(value)
    for scale, suffix in ((10**12, "T"), (10**9, "B"), (10**6, "M"), (10**3, "K")):
        if magnitude >= scale:
            number = f"{value / scale:.3f}".rstrip("0").rstrip(".") + suffix
            break
    else:
        number = f"{value:.3f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    if unit == "USD":
        return f"-${number[1:]}" if number.startswith("-") else f"${number}"
    if unit == "percent":
        return f"{number}%"
    return number


def unit_words(unit: str) -> str:
    return {"USD": "US dollars (current)", "percent": "percent", "count": "count"}.get(unit, unit)


def _fill(bar: Bar) -> str:
    if bar.superseded:
        return COLOURS["superseded"]
    return COLOURS["final"] if bar.final else COLOURS["not_final"]


def _shown(bar: Bar) -> str:
    return f"{bar.shown} {bar.mark}" if bar.mark else bar.shown


def _text(x: float, y: float, content: str, **attributes: str) -> str:
    extra = "".join(f' {name.replace("_", "-")}="{escape(value)}"' for name, value in attributes.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(content)}</text>'


def chart_svg(series: Series, label: str) -> str:
    """The whole SVG document."""
    bars = series.bars
    largest = series.largest
    step = nice_step(largest)
    axis_end = step * math.ceil(largest / step) if largest > 0 else step
    notes = []
    if any(not bar.final and not bar.superseded for bar in bars):
        notes.append(("not_final", "not final (partial, provisional or planned): its mark follows the figure"))
    if any(bar.superseded for bar in bars):
        notes.append(("superseded", "superseded by a later source (the next bar)"))
    extra_lines = [TQ_NOTE] if series.has_transition_quarter else []
    for source in series.sources:
        extra_lines += [f"Source: {text.source_label(source)}, {text.kind_label(source)}", source.url]
    label_column = max(80, 16 + CHARACTER * max((len(entry.label) for entry in series.entries), default=0))
    figure_column = max(120, 16 + CHARACTER * max((len(_shown(bar)) for bar in bars), default=0))
    plot_left = MARGIN + label_column
    plot_width = PLOT_WIDTH
    longest = max([len(label) * 3 // 2, *(len(note) + 3 for _, note in notes), *(len(line) for line in extra_lines)])
    width = max(plot_left + plot_width + figure_column + MARGIN, 2 * MARGIN + CHARACTER * longest)
    unit = bars[0].unit if bars else series.measure.unit

    def x_of(value: float) -> float:
        return plot_left + abs(value) / axis_end * plot_width

    title_y = MARGIN + 18
    plot_top = title_y + 52
    rows_height = max(len(series.entries), 1) * ROW
    axis_y = plot_top + rows_height + 4
    footer_y = axis_y + 62
    height = footer_y + (len(notes) + len(extra_lines)) * 18 + MARGIN

    out = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="chart-title" '
        f'font-family="{escape(FONT)}" font-size="12">',
        f'<title id="chart-title">{escape(label)}</title>',
        f"<desc>{escape(series.measure.id)}: {escape(unit_words(unit))}, {escape(series.period_words)}</desc>",
        f'<rect width="{width}" height="{height}" fill="#ffffff"/>',
        _text(MARGIN, title_y, label, font_size="18", font_weight="bold", fill="#1a202c"),
        _text(MARGIN, title_y + 22, f"{unit_words(unit)}, {series.period_words}", fill="#4a5568"),
    ]
    if not bars:
        out.append(_text(MARGIN, plot_top + 14, "no figures to chart", fill="#4a5568"))
    # the axis: grid lines and ticks at round values, the unit under them
    tick = 0.0
    out.append('<g class="axis">')
    while tick <= axis_end * (1 + 1e-9):
        x = x_of(tick)
        out.append(f'<line x1="{x:.1f}" y1="{plot_top - 4}" x2="{x:.1f}" y2="{axis_y}" stroke="{COLOURS["grid"]}"/>')
        out.append(_text(x, axis_y + 16, tick_label(tick, unit), text_anchor="middle", fill=COLOURS["axis"]))
        tick += step
    out.append(
        f'<line x1="{plot_left}" y1="{axis_y}" x2="{plot_left + plot_width}" y2="{axis_y}" stroke="{COLOURS["axis"]}"/>'
    )
    out.append(
        _text(plot_left + plot_width / 2, axis_y + 34, unit_words(unit), text_anchor="middle", fill=COLOURS["axis"])
    )
    out.append("</g>")
    # the bars, one row each, in time order; gaps say so
    out.append('<g class="bars">')
    for index, entry in enumerate(series.entries):
        y = plot_top + index * ROW
        middle = y + BAR_HEIGHT / 2 + 4
        out.append(_text(plot_left - 8, middle, entry.label, text_anchor="end", fill="#1a202c"))
        if isinstance(entry, Gap):
            out.append(_text(plot_left + 4, middle, "no figure", fill="#718096", font_style="italic"))
            continue
        length = max(x_of(entry.value) - plot_left, 1.0)
        shown = _shown(entry)
        out.append(
            f'<rect x="{plot_left}" y="{y}" width="{length:.1f}" height="{BAR_HEIGHT}" fill="{_fill(entry)}">'
            f"<title>{escape(entry.label)}: {escape(shown)} ({escape(text.source_label(entry.source))})</title></rect>"
        )
        out.append(_text(plot_left + length + 6, middle, shown, fill="#1a202c"))
    out.append("</g>")
    # legend, notes and the source line
    y = footer_y
    for kind, words in notes:
        out.append(f'<rect x="{MARGIN}" y="{y - 10}" width="12" height="12" fill="{COLOURS[kind]}"/>')
        out.append(_text(MARGIN + 18, y, words, fill="#4a5568"))
        y += 18
    for line in extra_lines:
        out.append(_text(MARGIN, y, line, fill="#4a5568", font_size="11"))
        y += 18
    out.append("</svg>")
    return "\n".join(out) + "\n"
