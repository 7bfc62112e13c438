"""Hypothesis profiles for the fuzz tests, and a tally of how many cases each property ran.

`default` keeps the whole suite well under a minute; `long` runs thousands of cases
per property (`pytest --hypothesis-profile=long tests/test_fuzz_*.py`). Neither has a
deadline: a slow example is not a failure, only a hang is (and hangs are guarded by
timeouts where a subprocess is involved).

The profiles must exist before pytest's configure step loads the one named on the
command line, which is why tests/conftest.py imports this module.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import HealthCheck, Phase, settings

_COMMON = {
    "deadline": None,
    "suppress_health_check": [HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    "print_blob": True,
    # No explain phase: it traces every line of a failing case, which on Python < 3.12 makes
    # shrinking a CLI failure take minutes; the shrunk example and its traceback say enough.
    "phases": [Phase.explicit, Phase.reuse, Phase.generate, Phase.target, Phase.shrink],
}
settings.register_profile("default", max_examples=100, **_COMMON)
settings.register_profile("long", max_examples=3000, **_COMMON)


def examples(share: float) -> int:
    """A share of the active profile's max_examples, for properties that are slower per case."""
    return max(10, round(settings.default.max_examples * share))


# ---------------------------------------------------------------- how many cases ran

CASES: Counter[str] = Counter()


def tally(name: str) -> None:
    """Count one case of the property *name* ("module::property")."""
    CASES[name] += 1


class _Summary:
    """A pytest plugin, registered by the first fuzz module that runs: prints the tally at the end."""

    def pytest_terminal_summary(self, terminalreporter: pytest.TerminalReporter) -> None:
        if not CASES:
            return
        terminalreporter.section("fuzz and property cases run")
        for name, count in sorted(CASES.items()):
            terminalreporter.write_line(f"{count:7d}  {name}")
        terminalreporter.write_line(
            f"{sum(CASES.values()):7d}  in all (profile {settings.get_current_profile_name()!r})"
        )


def case_summary() -> Any:
    """A module fixture that prints the module's tally (visible with -s) and registers the session summary."""

    @pytest.fixture(scope="module", autouse=True)
    def _case_summary(request: pytest.FixtureRequest) -> Iterator[None]:
        config = request.config
        if not config.pluginmanager.has_plugin("usco-fuzz-summary"):
            config.pluginmanager.register(_Summary(), "usco-fuzz-summary")
        yield
        prefix = request.module.__name__.rsplit(".", 1)[-1] + "::"
        for name, count in sorted(CASES.items()):
            if name.startswith(prefix):
                print(f"\n{name}: {count} cases")

    return _case_summary
