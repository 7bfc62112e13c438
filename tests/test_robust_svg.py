"""Issue #25: `chart --svg` with characters XML 1.0 forbids in the data (U+FFFF, U+FFFE, C0 and C1
controls) writes a document that parses, each such character made visible as an escape."""

from __future__ import annotations

from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.helpers import run, write

pytestmark = [pytest.mark.slow, pytest.mark.installed]

#: In every string of a source, a measure and a fact that the SVG shows.
HOSTILE = r"""
[sources.s]
title     = "Title \uFFFF end"
publisher = "Publisher \uFFFE"
url       = "https://example.gov/\uFFFF"
short     = "Short \uFFFF \u0085 \u0001"
date      = 2020-09-18

[measures.m]
label = "Label \uFFFF and \uFFFE"
unit  = "USD"

[[facts]]
id      = "f-2019"
topic   = "aid"
text    = "Text \uFFFF"
value   = 100
unit    = "USD"
date    = "2019"
source  = "s"
measure = "m"
"""


def test_an_svg_with_characters_xml_forbids_parses_and_shows_them(tmp_path: Path) -> None:
    data = write(tmp_path, "hostile.toml", HOSTILE)
    target = tmp_path / "chart.svg"
    result = run("--data", str(data), "chart", "m", "--svg", str(target))
    assert result.returncode == 0, result.stderr
    content = target.read_text(encoding="utf-8")
    root = ElementTree.fromstring(content)  # was: not well-formed (invalid token)
    assert not any(character in content for character in "\uffff\ufffe\x85\x01")
    assert root.find("{http://www.w3.org/2000/svg}title").text == r"Label \uffff and \ufffe"  # type: ignore[union-attr]
    texts = " ".join(element.text or "" for element in root.iter())
    assert r"Short \uffff \x85 \x01" in texts and r"https://example.gov/\uffff" in texts
