"""The `usco` entry point before the CLI runs: what a failure to load usco's own modules looks like."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

#: Run usco.__main__.main() with a finder that makes loading usco.cli.app fail as *error* does.
_FAILING_LOAD = (
    "import sys; sys.argv = ['usco', 'aid']; import usco.__main__ as entry\n"
    "class Failing:\n"
    "    def find_spec(self, name, path=None, target=None):\n"
    "        if name == 'usco.cli.app':\n"
    "            raise {error}\n"
    "sys.meta_path.insert(0, Failing())\n"
    "sys.exit(entry.main())\n"
)


@pytest.mark.parametrize(
    ("error", "said"),
    [
        # CPython's import machinery when an allocation fails in C (seen under an 18 MB limit on 3.11)
        (
            "SystemError('<function _find_and_load> returned NULL without setting an exception')",
            "usco: out of memory (even to start); a larger memory limit is needed\n",
        ),
        ("MemoryError()", "usco: out of memory (even to start); a larger memory limit is needed\n"),
        ("ImportError('failed to map segment from shared object')", "usco: out of memory (even to start); "
         "a larger memory limit is needed\n"),
        ("ImportError('No module named typer')", "usco: cannot load its modules (No module named typer)\n"),
    ],
)  # fmt: skip
def test_a_module_that_cannot_load_is_one_line_and_exit_1(error: str, said: str) -> None:
    env = {key: value for key, value in os.environ.items() if key != "PYTHONWARNINGS"}
    result = subprocess.run(
        [sys.executable, "-c", _FAILING_LOAD.format(error=error)], capture_output=True, text=True, env=env, timeout=30
    )
    assert (result.returncode, result.stdout, result.stderr) == (1, "", said)
