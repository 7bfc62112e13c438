"""The benchmark script runs (smallest size only) and reports every case with a ratio."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.helpers import REPO
from usco.dataset import load as dataset
from usco.model import DatasetError

BENCH = REPO / "bench" / "run.py"


@pytest.mark.slow
def test_benchmark_smoke() -> None:
    try:  # bench/run.py times `usco aid` on the shipped dataset, which must be valid for that
        dataset.load(dataset.default_path(), use_cache=False)
    except DatasetError as error:
        pytest.skip(f"the shipped dataset does not pass usco check: {error}")
    result = subprocess.run(
        [sys.executable, str(BENCH), "--sizes", "100", "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    rows = {line.split("  ")[0].strip(): line for line in result.stdout.splitlines()[2:]}
    for case in (
        "import typer",
        "usco aid --since 2016 -f json (piped)",
        "usco aid --since 2016 (table, terminal)",
        "usco 100 facts, cold (parse, cache)",
        "usco 100 facts, warm (cached)",
    ):
        assert case in rows, result.stdout
    # ratios are printed against baselines timed in the same run
    piped = rows["usco aid --since 2016 -f json (piped)"].split()
    assert piped[-6].replace(".", "").isdigit()  # wall-time ratio, then "import typer", RSS, CPU ms, CPU ratio
    assert piped[-1].replace(".", "").isdigit()
