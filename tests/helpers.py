"""Datasets for the version-2 tests (design contract v2): every field, fiscal years, series files.

Hand-written TOML whose expected answers the tests state themselves; the official
series of data/series/ are copied next to a small including file, since includes must
stay inside the including file's folder.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SERIES = REPO / "data" / "series"
RAW = REPO.parent.parent / "shared" / "raw"
if not RAW.is_dir():  # a worktree under /work: the shared folder sits beside it
    RAW = Path("/work/shared/raw")

#: Every field of a source, a measure and a fact with a value other than its default.
#: Line numbers are stated where tests use them; count them here if you edit this.
FULL = """\
[sources.gov-2024]
title     = "Colombia assistance report (RL34470)"
publisher = "U.S. Department of State"
kind      = "government"
url       = "https://example.gov/report"
copy_url  = "https://archive.example.org/report"
short     = "Gov report"
date      = 2024-12-22
date_note = "printed on the cover"

[sources.wire-2023]
title     = "Wire story on trade"
publisher = "A Wire"
kind      = "press"
url       = "https://news.example.com/story"
date      = "2023-06"

[measures.aid-obligations]
label  = "Obligations for Colombia"
unit   = "USD"
period = "fiscal_year"

[measures.exports]
label  = "Goods exports"
unit   = "USD"
period = "year"

[[facts]]
id        = "obl-fy2025"
topic     = "aid"
text      = "Obligations in FY2025 so far"
value     = 12_500_000.5
unit      = "USD"
qualifier = "approximately"
date      = "2025"
end       = 2024-12-22
status    = "partial"
regional  = true
measure   = "aid-obligations"
source    = "gov-2024"
tags      = ["obligations", "regional-programs"]

[[facts]]
id        = "obl-fy2024"
topic     = "aid"
text      = "Obligations in FY2024"
value     = 344_000_000
unit      = "USD"
qualifier = "more_than"
date      = "2024"
status    = "provisional"
measure   = "aid-obligations"
source    = "gov-2024"
tags      = ["obligations"]

[[facts]]
id        = "obl-fy2024-health"
topic     = "health"
text      = "Health obligations within FY2024"
value     = 391.3
unit      = "USD"
date      = "2024"
source    = "gov-2024"
part_of   = "obl-fy2024"

[[facts]]
id        = "exports-2022"
topic     = "trade"
text      = "Goods exports to Colombia"
value     = 20_000_000_000
unit      = "USD"
qualifier = "nearly"
date      = "2022"
measure   = "exports"
source    = "wire-2023"

[[facts]]
id        = "visit-2025"
topic     = "diplomacy"
text      = "A visit is scheduled"
date      = "2025-03"
status    = "planned"
source    = "gov-2024"
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def with_series(folder: Path, *names: str, extra: str = "", name: str = "facts.toml") -> Path:
    """A dataset in *folder* that includes copies of data/series/*names* (globs), plus *extra* TOML."""
    chosen = sorted({path for pattern in names for path in SERIES.glob(pattern)})
    assert chosen, f"no series file matches {names}"
    for path in chosen:
        shutil.copyfile(path, folder / path.name)
    include = ", ".join(f'"{path.name}"' for path in chosen)
    return write(folder, name, f"include = [{include}]\n" + textwrap.dedent(extra))


def usco_script() -> Path:
    """The installed `usco` beside this interpreter."""
    return Path(sys.executable).with_name("usco")


def run(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """The installed usco through a real pipe (its environment: this test's, cache included)."""
    env = {**os.environ, "NO_COLOR": "1"}
    env.pop("USCO_DATA", None)
    return subprocess.run(
        [str(usco_script()), *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=120, check=False
    )
