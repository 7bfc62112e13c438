"""The benchmark script runs (smallest size only) and reports every case with a ratio."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.helpers import RAW, REPO
from usco.dataset import load as dataset
from usco.importers.releases import RELEASES
from usco.model import DatasetError

BENCH = REPO / "bench" / "run.py"


@pytest.mark.slow
def test_benchmark_smoke(tmp_path: Path) -> None:
    try:  # bench/run.py times `usco aid` on the shipped dataset, which must be valid for that
        dataset.load(dataset.default_path(), use_cache=False)
    except DatasetError as error:
        pytest.skip(f"the shipped dataset does not pass usco check: {error}")
    # The release imports it times: one small release file, not all nine (the three Census
    # workbooks take 2 s an import, three rounds each: most of the benchmark's minute).
    first = RELEASES[0]
    raw = tmp_path / "raw"
    (raw / first.raw).parent.mkdir(parents=True)
    if (RAW / first.raw).is_file():
        shutil.copyfile(RAW / first.raw, raw / first.raw)
    result = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", "100", "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={**os.environ, "USCO_RAW_DIR": str(raw)},
    )
    assert result.returncode == 0, result.stderr
    rows = {line.split("  ")[0].strip(): line for line in result.stdout.splitlines()[2:]}
    for case in (
        "import typer",
        "usco aid --since 2016 -f json (piped)",
        "usco aid --since 2016 (table, terminal)",
        "usco trade --since 2024 -f json (piped)",
        "+100 facts: usco aid --since 2016 -f json",
        "+100 facts: first call (parse, validate, cache)",
        *([f"usco import {first.importer} {first.release.date}"] if (raw / first.raw).is_file() else []),
    ):
        assert case in rows, result.stdout
    # ratios are printed against baselines timed in the same run
    piped = rows["usco aid --since 2016 -f json (piped)"].split()
    assert piped[-6].replace(".", "").isdigit()  # wall-time ratio, then "import typer", RSS, CPU ms, CPU ratio
    assert piped[-1].replace(".", "").isdigit()
