"""Where your own releases live (design §7), read cheaply: every command asks on its way in.

The store is `$XDG_DATA_HOME/usco`, else `~/.local/share/usco` on Linux (the same folder
platformdirs names there, found without importing it), else platformdirs' folder for the
platform. Each kept release is one folder `releases/ID/`: the official file byte for byte,
`release.json` (its sha256, where it came from, when, how it was dated) and `dataset.toml`,
the dataset file its importer made of it. A folder appears whole or not at all: it is built
beside the others under a temporary name and renamed into place.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

DISABLE_VAR = "USCO_NO_USER_RELEASES"
RELEASES = "releases"
DATASET = "dataset.toml"
METADATA = "release.json"
TEMPORARY_PREFIX = ".usco-"  # usco.files' temporary names: a folder being built, never read


def data_dir() -> Path:
    """The user data folder usco keeps its releases in."""
    chosen = os.environ.get("XDG_DATA_HOME", "")
    if chosen and Path(chosen).is_absolute():
        return Path(chosen) / "usco"
    home = os.environ.get("HOME", "")
    if sys.platform.startswith("linux") and home:
        return Path(home) / ".local" / "share" / "usco"
    import platformdirs  # elsewhere the platform's own rules; only then is it imported

    return Path(platformdirs.user_data_dir("usco", appauthor=False))


def releases_dir() -> Path:
    return data_dir() / RELEASES


def disabled() -> bool:
    """USCO_NO_USER_RELEASES set to anything but "" or "0"."""
    return os.environ.get(DISABLE_VAR, "") not in ("", "0")


def kept_ids() -> list[str]:
    """The ids of the releases kept, in name order; none when the folder is not there."""
    try:
        entries = list(os.scandir(releases_dir()))
    except OSError:
        return []
    return sorted(
        entry.name for entry in entries if not entry.name.startswith(".") and entry.is_dir(follow_symlinks=False)
    )


def kept_datasets() -> list[Path]:
    """The dataset file of every kept release, in name order: what each command reads with its dataset."""
    folder = releases_dir()
    return [folder / name / DATASET for name in kept_ids()]


# ---------------------------------------------------------------- the releases left out, remembered

LEFT_OUT = "left-out.json"  # which kept releases did not load with which files, so the next call need not ask


def _stamp(paths: list[Path]) -> list[list[object]]:
    stamps: list[list[object]] = []
    for path in paths:
        try:
            info = path.stat()
        except OSError:
            stamps.append([str(path)])
            continue
        stamps.append([str(path), info.st_size, info.st_mtime_ns])
    return stamps


def left_out_key(dataset: Path, extra: list[Path], own: list[Path]) -> list[object]:
    """What the verdict depends on: usco's version (its rules), and every file read, by path, size and time."""
    from usco.version import __version__

    return [__version__, _stamp([dataset]), _stamp(extra), _stamp(own)]


def remembered_left_out(key: list[object]) -> dict[str, str] | None:
    """The kept releases left out last time (dataset file → reason), if nothing has changed since; else None."""
    try:
        text = (data_dir() / LEFT_OUT).read_text(encoding="utf-8")
    except (OSError, ValueError):
        return None  # the usual case: every kept release loads
    import json

    try:
        found = json.loads(text)
    except ValueError:
        return None
    if not isinstance(found, dict) or found.get("key") != json.loads(json.dumps(key)):
        return None
    left = found.get("left_out")
    return left if isinstance(left, dict) else None


def remember_left_out(key: list[object], left_out: dict[str, str]) -> None:
    """Remember the verdict (best effort: a store that cannot be written only costs the next call time)."""
    import contextlib
    import json

    from usco import files
    from usco.model import UscoError

    text = json.dumps({"key": key, "left_out": left_out}, ensure_ascii=False) + "\n"
    with contextlib.suppress(OSError, UscoError):
        files.write_atomically(data_dir() / LEFT_OUT, text.encode("utf-8"), replace=True)
