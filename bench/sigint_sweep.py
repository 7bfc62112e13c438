"""SIGINT over start-up: launch the installed usco, send SIGINT after d ms, record how it ended.

    python bench/sigint_sweep.py [--usco PATH] [--step 2] [--until 100] [--repeat 3]

Prints one line per delay (exit codes seen, tracebacks seen and where they came from)
and a summary. Design §5 wants exit 130 and no traceback at every delay; what can
remain is the interpreter's own start-up before any usco code runs (site, encodings,
the launcher's `import re`), where Python's default SIGINT handler is in force.
A traceback is classed by its innermost frame: "interpreter" (frozen start-up modules
and site), "launcher" (the bin/usco script before it imports usco), or "usco" (a bug).
"""

from __future__ import annotations

import argparse
import os
import re
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

HERE = Path(__file__).resolve().parent
SOURCES = """
[sources.sheet-2020]
title     = "Fact sheet 2020"
publisher = "U.S. Department of State"
url       = "https://example.gov/2020"
date      = 2020-09-18
"""


def dataset(folder: Path, count: int = 20000) -> Path:
    facts = "".join(
        f'[[facts]]\nid = "fact-{i}"\ntopic = "aid"\ntext = "Generated fact {i}"\nvalue = {i + 1}\n'
        f'unit = "USD"\ndate = "{2000 + i % 20}"\nsource = "sheet-2020"\n\n'
        for i in range(count)
    )
    path = folder / "sweep.toml"
    path.write_text(SOURCES + facts, encoding="utf-8")
    return path


def where(stderr: str) -> str:
    frames = re.findall(r'File "([^"]+)"', stderr)
    if not frames:
        return "interpreter"  # e.g. "Fatal Python error: init_import_site" with frozen frames only
    innermost = frames[-1]
    if "/usco/" in innermost and "/bin/usco" not in innermost:
        return "usco"
    if any("/usco/" in frame and "/bin/" not in frame for frame in frames):
        return "usco"
    if frames[0].endswith("/bin/usco") and len(frames) >= 1 and "usco/__init__" not in stderr:
        return "launcher"
    return "interpreter"


EXAMPLES: dict[str, str] = {}  # the first traceback seen from each origin


def once(usco: str, data: Path, delay: float, env: dict[str, str]) -> tuple[int, str | None]:
    process = subprocess.Popen(
        [usco, "--data", str(data), "--no-cache", "facts"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
    )
    time.sleep(delay)
    process.send_signal(signal.SIGINT)
    assert process.stderr is not None
    stderr = process.stderr.read().decode("utf-8", "replace")
    code = process.wait(timeout=60)
    if "Traceback" not in stderr and "Fatal Python error" not in stderr:
        return code, None
    origin = where(stderr)
    EXAMPLES.setdefault(origin, stderr)
    return code, origin


def sweep(usco: str, step: int, until: int, repeat: int) -> dict[str, object]:
    env = {k: v for k, v in os.environ.items() if k != "USCO_DATA"}
    with tempfile.TemporaryDirectory() as folder:
        env["XDG_CACHE_HOME"] = folder
        data = dataset(Path(folder))
        rows = []
        for milliseconds in range(0, until + 1, step):
            codes: Counter[int] = Counter()
            tracebacks: Counter[str] = Counter()
            for _ in range(repeat):
                code, traceback = once(usco, data, milliseconds / 1000, env)
                codes[code] += 1
                if traceback:
                    tracebacks[traceback] += 1
            rows.append((milliseconds, codes, tracebacks))
            print(f"{milliseconds:4d} ms  exits {dict(codes)}  tracebacks {dict(tracebacks) or '-'}", flush=True)
    runs = sum(sum(codes.values()) for _, codes, _ in rows)
    exit_130 = sum(codes[130] for _, codes, _ in rows)
    by_where: Counter[str] = Counter()
    for _, _, tracebacks in rows:
        by_where.update(tracebacks)
    late = [ms for ms, codes, tracebacks in rows if tracebacks or set(codes) - {130}]
    print(
        f"\n{len(rows)} delays x {repeat} = {runs} runs: {exit_130} exited 130; "
        f"tracebacks by origin {dict(by_where) or 'none'}; "
        f"last delay not 130-and-quiet: {max(late) if late else 'none'} ms"
    )
    return {
        "runs": runs,
        "exit_130": exit_130,
        "tracebacks": dict(by_where),
        "last_bad_ms": max(late) if late else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--usco", default=str(Path(sys.executable).parent / "usco"))
    parser.add_argument("--step", type=int, default=2)
    parser.add_argument("--until", type=int, default=100)
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args()
    sweep(options.usco, options.step, options.until, options.repeat)


if __name__ == "__main__":
    main()
