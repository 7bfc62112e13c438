"""Benchmark usco against baselines measured in the same run.

Machines here are noisy, so every figure is a median over interleaved rounds and is
read as a ratio to a baseline timed alongside it, never as an absolute threshold.

    python bench/run.py                     # all sizes (several minutes)
    python bench/run.py --sizes 100 --rounds 3
    python bench/run.py --sizes --no-imports --rounds 21   # start-up cases only

Uses the `usco` installed next to this interpreter, the standard library, and jq and
sqlite3 where they are installed (real alternatives a user has).
"""

from __future__ import annotations

import argparse
import os
import pty
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

PYTHON = sys.executable
USCO = str(Path(sys.executable).parent / "usco")
QUERY = ["facts", "--topic", "aid", "--since", "2016", "-f", "json"]
TOPICS = ["aid", "trade", "security", "migration", "milestone", "diplomacy", "health"]
IMPORT_SQLITE = """
import json, sqlite3, sys
facts = json.load(open(sys.argv[1], encoding="utf-8"))
with sqlite3.connect(sys.argv[2]) as db:
    db.execute("create table facts (id text primary key, topic text, date text, body text)")
    db.executemany("insert into facts values (?, ?, ?, ?)",
                   ((f["id"], f["topic"], f["date"], json.dumps(f)) for f in facts))
"""


def generate(facts: int, path: Path) -> Path:
    """A valid dataset of *facts* facts: one source per hundred facts, one measure."""
    rng = random.Random(facts)
    sources = max(1, facts // 100)
    parts = [
        f'[sources.src-{s}]\ntitle = "Generated source {s}"\npublisher = "Bench"\n'
        f'url = "https://example.org/{s}"\ndate = "2024"\n'
        for s in range(sources)
    ]
    parts.append('[measures.bench]\nlabel = "Bench measure"\nunit = "USD"\n')
    for i in range(facts):
        parts.append(
            f'[[facts]]\nid = "fact-{i}"\ntopic = "{TOPICS[i % 7]}"\n'
            f'text = "Generated fact {i} about U.S.-Colombia relations, for benchmarking"\n'
            f'value = {rng.randint(1, 10**9)}\nunit = "USD"\nqualifier = "more_than"\n'
            f'date = "{2000 + i % 24}"\nend = 2024-01-{1 + i % 28:02d}\nsource = "src-{i % sources}"\n'
            f'tags = ["bench", "t{i % 10}"]\n'
        )
    path.write_text("\n".join(parts), encoding="utf-8")
    return path


Run = tuple[float, int, float]  # wall seconds, peak RSS in KiB, CPU seconds (user + system)


def run_piped(command: list[str], env: dict[str, str]) -> Run:
    """Wall time, peak RSS and CPU time of one run, stdout to a pipe that is read to the end."""
    start = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env)
    assert process.stdout is not None
    while process.stdout.read(1 << 16):
        pass
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - start
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise SystemExit(f"bench: {' '.join(command)} exited {process.returncode}")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


def run_pty(command: list[str], env: dict[str, str]) -> Run:
    """The same, on a pseudo-terminal (so usco draws its Rich table)."""
    start = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execve(command[0], command, env)
    while True:
        try:
            if not os.read(fd, 1 << 16):
                break
        except OSError:
            break
    _, status, usage = os.wait4(pid, 0)
    os.close(fd)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"bench: {' '.join(command)} failed on a terminal")
    return elapsed, usage.ru_maxrss, usage.ru_utime + usage.ru_stime


RAW = Path(os.environ.get("USCO_RAW_DIR") or Path(__file__).resolve().parents[1].parent / "shared" / "raw")


def release_imports(env: dict[str, str], work: Path, *, rounds: int) -> list[Case]:
    """How long `usco import` takes on each release file of ../shared/raw (none if absent)."""
    try:
        from usco.importers.releases import RELEASES  # the parameters the shipped files were made with
    except ImportError:
        return []
    cases = []
    for release in RELEASES:
        source = RAW / release.raw
        if not source.exists():
            continue
        command = [USCO, "import", release.importer, str(source), "--date", release.release.date]
        cases.append(Case(f"usco import {release.importer} {release.release.date}", piped(command, env), None))
    measure(cases, rounds)
    return cases


def piped(command: list[str], env: dict[str, str]) -> Callable[[], Run]:
    return lambda: run_piped(command, env)


class Case:
    def __init__(self, name: str, run: Callable[[], Run], baseline: str | None) -> None:
        self.name, self.run, self.baseline = name, run, baseline
        self.times: list[float] = []
        self.rss: list[int] = []
        self.cpu: list[float] = []


def measure(cases: list[Case], rounds: int) -> None:
    for case in cases:  # one warm-up each: file caches, the dataset cache
        case.run()
    for _ in range(rounds):
        for case in cases:  # interleaved, so load on the machine hits every case alike
            elapsed, rss, cpu = case.run()
            case.times.append(elapsed)
            case.rss.append(rss)
            case.cpu.append(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="*", default=[100, 1_000, 10_000, 100_000], help="none: skip them")
    parser.add_argument("--no-imports", action="store_true", help="skip timing `usco import` on each release")
    parser.add_argument("--rounds", type=int, default=15, help="rounds for start-up cases and sizes below 10,000")
    args = parser.parse_args()
    if not Path(USCO).exists():
        raise SystemExit(f"bench: no usco next to {PYTHON}; install it first")

    work = Path(tempfile.mkdtemp(prefix="usco-bench-"))
    env = {k: v for k, v in os.environ.items() if k not in ("USCO_DATA", "USCO_NO_CACHE", "NO_COLOR")}
    env["XDG_CACHE_HOME"] = str(work / "cache")
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # a user's Python keeps its bytecode
    # An installed package has its bytecode (pip compiles at install); an editable one
    # lives outside the environment, so compile where `usco` is really imported from too.
    package = subprocess.run(
        [PYTHON, "-c", "import os, usco; print(os.path.dirname(usco.__file__))"],
        capture_output=True,
        text=True,
        env=env,
    ).stdout.strip()
    for where in (str(Path(USCO).parents[1]), package):
        subprocess.run([PYTHON, "-m", "compileall", "-q", where], check=False, env=env, stdout=subprocess.DEVNULL)
    # No pager: usco's own drawing is measured, and on this terminal no one would press q for less.
    terminal_env = {**env, "TERM": "xterm-256color", "COLUMNS": "160", "USCO_PAGER": "cat"}

    def cold(command: list[str]) -> Callable[[], Run]:
        def once() -> Run:
            shutil.rmtree(work / "cache", ignore_errors=True)
            return run_piped(command, env)

        return once

    startup = [
        Case("python -c pass", piped([PYTHON, "-c", "pass"], env), "import typer"),
        Case("import typer", piped([PYTHON, "-c", "import typer"], env), None),
        Case(
            "import typer, rich.console, rich.table",
            piped([PYTHON, "-c", "import typer, rich.console, rich.table"], env),
            None,
        ),
        Case(
            "usco aid --since 2016 -f json (piped)",
            piped([USCO, "aid", "--since", "2016", "-f", "json"], env),
            "import typer",
        ),
        Case("usco trade -f json (piped)", piped([USCO, "trade", "-f", "json"], env), "import typer"),
        Case(
            "usco aid --since 2016 -f json, first call (no cache)",
            cold([USCO, "aid", "--since", "2016", "-f", "json"]),
            "usco aid --since 2016 -f json (piped)",
        ),
        Case(
            "usco aid --since 2016 (table, terminal)",
            lambda: run_pty([USCO, "aid", "--since", "2016"], terminal_env),
            "import typer, rich.console, rich.table",
        ),
    ]
    measure(startup, args.rounds)
    results = list(startup)
    if not args.no_imports:
        results += release_imports(env, work, rounds=max(3, args.rounds // 5))

    jq, sqlite = shutil.which("jq"), shutil.which("sqlite3")
    smallest_warm = f"usco {args.sizes[0]:,} facts, warm (cached)" if args.sizes else ""
    for size in args.sizes:
        data = generate(size, work / f"facts-{size}.toml")
        exported = work / f"facts-{size}.json"
        with exported.open("wb") as out:  # straight to a file: this process stays small, so
            subprocess.run([USCO, "--data", str(data), "facts", "-f", "json"], stdout=out, check=True, env=env)
        query = [USCO, "--data", str(data), *QUERY]
        cases = [
            Case(f"usco {size:,} facts, cold (parse, cache)", cold(query), smallest_warm),
            Case(f"usco {size:,} facts, warm (cached)", piped(query, env), smallest_warm),
        ]
        if jq:
            program = '[.[] | select(.topic == "aid" and (.date[0:4] | tonumber) >= 2016)]'
            cases.append(
                Case(
                    f"jq, same query over {size:,} facts (JSON)",
                    piped([jq, program, str(exported)], env),
                    f"usco {size:,} facts, warm (cached)",
                )
            )
        if sqlite:
            database = work / f"facts-{size}.db"
            # in a child process too: a fork of a big parent would inflate the children's peak RSS
            subprocess.run([PYTHON, "-c", IMPORT_SQLITE, str(exported), str(database)], check=True, env=env)
            sql = "select json_group_array(json(body)) from facts where topic = 'aid' and substr(date, 1, 4) >= '2016'"
            cases.append(
                Case(
                    f"sqlite3, same query over {size:,} facts",
                    piped([sqlite, str(database), sql], env),
                    f"usco {size:,} facts, warm (cached)",
                )
            )
        measure(cases, args.rounds if size < 10_000 else max(3, args.rounds // 5))
        results += cases

    # Wall time is what a user waits; CPU time (the child's user + system) is read beside
    # it because it moves less when another job shares the cores.
    medians = {case.name: statistics.median(case.times) for case in results}
    cpu = {case.name: statistics.median(case.cpu) for case in results}
    print(f"usco benchmark: Python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.rounds} rounds")
    print(f"{'case':<50} {'median ms':>10} {'ratio':>7}  {'to':<40} {'peak RSS MiB':>12} {'CPU ms':>7} {'ratio':>6}")
    for case in results:
        base = case.baseline
        ratio = f"{medians[case.name] / medians[base]:.2f}" if base in medians else ""
        cpu_ratio = f"{cpu[case.name] / cpu[base]:.2f}" if base is not None and cpu.get(base) else ""
        print(
            f"{case.name:<50} {medians[case.name] * 1000:>10.1f} {ratio:>7}  {base or '':<40}"
            f" {max(case.rss) / 1024:>12.1f} {cpu[case.name] * 1000:>7.1f} {cpu_ratio:>6}"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
