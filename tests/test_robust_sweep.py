"""Issue #25: a write sweeps only the temporary files a killed usco left, never a user's look-alike.

Every kind of write (export sqlite, export datapackage into a new folder and into one
holding other files, import -o, chart --svg, and the cache a cold query writes) runs the
installed `usco` in a folder holding names that look like usco's, all of them old enough
to be swept. Only the regular files named exactly as usco names them go.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

import pytest

from tests.helpers import SMALL, environment, run

pytestmark = [pytest.mark.slow, pytest.mark.installed]

RELEASE = (
    b"Country Code,Country Name,Transaction Type Name,Fiscal Year,current_amount,constant_amount\n"
    b"COL,Colombia,Obligations,2016,1000,1000\n"
)
#: Names a user may well have, each close to usco's ".usco-<16 hex>.usco-tmp" in one way.
LOOK_ALIKE_FILES = [
    ".usco-settings.tmp.bak",
    ".usco-notes.tmp",
    ".usco-0123456789abcdef.tmp",  # the name before the marker: not provably usco's
    ".usco-0123456789abcdef.tmp-journal",
    ".usco-0123456789abcdef.usco-tmp.bak",
    ".usco-0123456789ABCDEF.usco-tmp",
    ".usco-0123456789abcde.usco-tmp",
    ".usco-0123456789abcdef0.usco-tmp",
    "x.usco-0123456789abcdef.usco-tmp",
    ".usco-0123456789abcdef.usco-tmp-journal-old",
    ".usco-0123456789abcdef.previous",
]
LOOK_ALIKE_FOLDERS = [".usco-backup.tmpl", ".usco-0123456789abcdef.usco-tmp", ".usco-00000000000000cc.usco-build"]
#: A symbolic link with usco's exact name: it is not a regular file, so it stays (and so does what it names).
LINK = ".usco-00000000000000ee.usco-tmp"
#: What a killed usco leaves: these go.
STALE = [".usco-00000000000000aa.usco-tmp", ".usco-00000000000000bb.usco-tmp-journal"]


def _plant(folder: Path) -> None:
    old = time.time() - 24 * 3600
    for name in [*LOOK_ALIKE_FILES, *STALE]:
        (folder / name).write_bytes(b"mine")
    for name in LOOK_ALIKE_FOLDERS:
        (folder / name).mkdir()
        (folder / name / "settings").write_bytes(b"mine")
        os.utime(folder / name / "settings", (old, old))
    (folder / "linked.txt").write_bytes(b"mine")
    (folder / LINK).symlink_to("linked.txt")
    for name in [*LOOK_ALIKE_FILES, *LOOK_ALIKE_FOLDERS, *STALE]:
        os.utime(folder / name, (old, old))
    os.utime(folder / LINK, (old, old), follow_symlinks=False)


def _assert_only_usco_s_went(folder: Path) -> None:
    for name in LOOK_ALIKE_FILES:
        assert (folder / name).read_bytes() == b"mine", name
    for name in LOOK_ALIKE_FOLDERS:
        assert (folder / name / "settings").read_bytes() == b"mine", name
    assert (folder / LINK).is_symlink() and (folder / "linked.txt").read_bytes() == b"mine"
    assert not [name for name in STALE if (folder / name).exists()]


WRITES = {
    "export sqlite": ["export", "sqlite", "{out}/facts.db"],
    "export datapackage (new folder)": ["export", "datapackage", "{out}/package"],
    "export datapackage (beside other files)": ["export", "datapackage", "{out}"],
    "import -o": ["import", "foreignassistance", "{release}", "--date", "2025-04-02", "-o", "{out}/fa.toml"],
    "chart --svg": ["chart", "peace-support", "--svg", "{out}/chart.svg"],
}


@pytest.mark.parametrize("write", list(WRITES))
def test_a_write_leaves_every_look_alike_of_a_temporary_file(tmp_path: Path, write: str) -> None:
    data = tmp_path / "small.toml"
    data.write_text(SMALL, encoding="utf-8")
    release = tmp_path / "release.csv"
    release.write_bytes(RELEASE)
    out = tmp_path / "out"
    out.mkdir()
    cache = tmp_path / "cache"
    (cache / "usco").mkdir(parents=True)
    _plant(out)
    _plant(cache / "usco")
    args = [part.format(out=out, release=release) for part in WRITES[write]]
    # a cold cache: the query writes its cache too, into a folder with the same look-alikes
    result = run("--data", str(data), *args, env=environment(XDG_CACHE_HOME=str(cache)))
    assert result.returncode == 0, result.stderr
    _assert_only_usco_s_went(out)
    if write != "import -o":  # an import reads no dataset, so it writes no cache
        _assert_only_usco_s_went(cache / "usco")
