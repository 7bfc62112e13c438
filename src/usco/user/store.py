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
