"""Benchmark usco against baselines measured in the same run.

Machines here are noisy, so every figure is a median over interleaved rounds and is
read as a ratio to a baseline timed alongside it (the median of each round's ratio),
never as an absolute threshold.

    python bench/run.py                     # all sizes (10,000 to 1,000,000 facts more: ten minutes)
    python bench/run.py --sizes 10000 --rounds 3
    python bench/run.py --sizes --no-imports --rounds 21   # start-up cases only

Uses the `usco` installed next to this interpreter and the standard library. The sizes
add generated facts of another topic to a copy of the shipped data: a query's cost should
follow what it selects, not what the dataset holds (issue #26).
"""

from __future__ import annotations

import argparse
import os
import pty
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
SHIPPED = Path(__file__).resolve().parents[1] / "data"  # facts.toml and the series it includes


def generate_series(facts: int, folder: Path, *, per_file: int = 100_000) -> list[Path]:
    """*facts* monthly figures of another topic (migration), in files of at most *per_file* facts
    (about 20 MB, under the loader's bound), each a release of its own as an importer writes them.

    Each measure is a run of 12,000 months (years 1000 to 1999), so no figure revises another.
    """
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for number, start in enumerate(range(0, facts, per_file)):
        stop = min(facts, start + per_file)
        source = f"bench-release-{number}"
        parts = [
            f'[sources.{source}]\ntitle = "Generated release {number}"\npublisher = "Bench"\n'
            f'kind = "other"\nurl = "https://example.org/{number}"\ndate = 2024-01-01\n'
        ]
        for measure in range(start // 12_000, (stop - 1) // 12_000 + 1):
            parts.append(f'[measures.bench-series-{measure}]\nlabel = "Bench series {measure}"\nunit = "people"\n'
                         'period = "month"\n')  # fmt: skip
        for i in range(start, stop):
            month = i % 12_000
            parts.append(
                f'[[facts]]\nid = "bench-{i}"\ntopic = "migration"\ntext = "Generated monthly figure {i}"\n'
                f'value = {i * 7 % 1_000_003}\nunit = "people"\ndate = "{1000 + month // 12}-{month % 12 + 1:02d}"\n'
                f'source = "{source}"\nmeasure = "bench-series-{i // 12_000}"\n'
            )
        path = folder / f"part-{number:03d}.toml"
        path.write_text("\n".join(parts), encoding="utf-8")
        paths.append(path)
    return paths


def with_series(facts: int, work: Path) -> Path:
    """A copy of the shipped data with *facts* generated facts of another topic in included files;
    the main file of it (which includes the shipped facts.toml and the generated files)."""
    folder = work / f"with-{facts}"
    shutil.copytree(SHIPPED, folder / "data")
    parts = generate_series(facts, folder / "data" / "bench")
    names = ", ".join(f'"bench/{path.name}"' for path in parts)
    main = folder / "data" / "main.toml"
    main.write_text(f'include = ["facts.toml", {names}]\n', encoding="utf-8")
    return main


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
        self.batch = 0  # cases measured in one batch ran round by round side by side


_batches = iter(range(1, 1_000_000))


def measure(cases: list[Case], rounds: int, *, warm_up: bool = True) -> None:
    batch = next(_batches)
    for case in cases:
        case.batch = batch
    for case in cases if warm_up else ():  # one warm-up each: file caches, the dataset cache
        case.run()
    for _ in range(rounds):
        for case in cases:  # interleaved, so load on the machine hits every case alike
            elapsed, rss, cpu = case.run()
            case.times.append(elapsed)
            case.rss.append(rss)
            case.cpu.append(cpu)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000], help="facts added; none: skip them"
    )
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

    # The data changed: one file of a copy of the shipped data (its hand-written facts.toml)
    # edited before each call, as a user's own dataset is, or a release kept by `usco update`.
    edited = work / "edited"
    shutil.copytree(SHIPPED, edited)
    edits = iter(range(1_000_000))

    def after_an_edit(command: list[str]) -> Callable[[], Run]:
        def once() -> Run:
            with (edited / "facts.toml").open("a", encoding="utf-8") as out:
                out.write(f"# edit {next(edits)}\n")
            return run_piped(command, env)

        return once

    on_copy = [USCO, "--data", str(edited / "facts.toml"), "aid", "--since", "2016", "-f", "json"]

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
            "usco trade --since 2024 -f json (piped)",
            piped([USCO, "trade", "--since", "2024", "-f", "json"], env),
            "import typer",
        ),
        Case(
            "usco facts --measure us-goods-imports-monthly --since 2025",
            piped([USCO, "facts", "--measure", "us-goods-imports-monthly", "--since", "2025", "-f", "json"], env),
            "import typer",
        ),
        Case(
            "usco aid --since 2016 -f json, first call ever (no cache)",
            cold([USCO, "aid", "--since", "2016", "-f", "json"]),
            "usco aid --since 2016 -f json (piped)",
        ),
        # the edited copy alternates an edit-then-call and a warm call on what it built
        Case("first call after one file changed", after_an_edit(on_copy), "the same call, warm"),
        Case("the same call, warm", piped(on_copy, env), None),
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

    # A query costs what it selects: the same `usco aid` with N more facts of another topic in
    # included files, against the shipped data alone, in one interleaved batch; and the first
    # call after the data changed (parse, validate, write the cache) at that size.
    aid = ["aid", "--since", "2016", "-f", "json"]
    for size in args.sizes:
        # in a child process: a fork of a parent grown by the generated text would inflate the children's peak RSS
        generator = f"import sys; sys.path[:0] = [{str(Path(__file__).parent)!r}]; import run, pathlib; "
        generator += f"print(run.with_series({size}, pathlib.Path({str(work)!r})))"
        made = subprocess.run([PYTHON, "-c", generator], capture_output=True, text=True, check=True)
        main_file = Path(made.stdout.strip())
        time.sleep(0.2)  # the files are older than the build that reads them (a racily new file is hashed)
        alone = f"+{size:,} facts: usco aid --since 2016 -f json, without them"
        warm = f"+{size:,} facts: usco aid --since 2016 -f json"
        first = f"+{size:,} facts: first call (parse, validate, cache)"
        cases = [
            Case(alone, piped([USCO, "--data", str(main_file.parent / "facts.toml"), *aid], env), None),
            Case(warm, piped([USCO, "--data", str(main_file), *aid], env), alone),
        ]
        measure(cases, args.rounds)
        building = [Case(first, cold([USCO, "--data", str(main_file), *aid]), warm)]
        measure(building, 1 if size >= 100_000 else min(3, args.rounds), warm_up=False)
        results += cases + building
        shutil.rmtree(main_file.parent.parent, ignore_errors=True)

    # Wall time is what a user waits; CPU time (the child's user + system) is read beside
    # it because it moves less when another job shares the cores.
    medians = {case.name: statistics.median(case.times) for case in results}
    cpu = {case.name: statistics.median(case.cpu) for case in results}
    by_name = {case.name: case for case in results}

    def ratio(case: Case, values: str) -> float:
        """The median of the ratios of rounds run side by side; else the ratio of the medians."""
        base = by_name[case.baseline or ""]
        mine, theirs = getattr(case, values), getattr(base, values)
        if case.batch == base.batch and len(mine) == len(theirs):
            return statistics.median(a / b for a, b in zip(mine, theirs, strict=True) if b)
        return statistics.median(mine) / statistics.median(theirs)

    print(f"usco benchmark: Python {sys.version.split()[0]}, {os.cpu_count()} cores, {args.rounds} rounds")
    print(f"{'case':<50} {'median ms':>10} {'ratio':>7}  {'to':<40} {'peak RSS MiB':>12} {'CPU ms':>7} {'ratio':>6}")
    for case in results:
        base = case.baseline
        wall = f"{ratio(case, 'times'):.2f}" if base in medians else ""
        cpu_ratio = f"{ratio(case, 'cpu'):.2f}" if base is not None and cpu.get(base) else ""
        print(
            f"{case.name:<50} {medians[case.name] * 1000:>10.1f} {wall:>7}  {base or '':<40}"
            f" {max(case.rss) / 1024:>12.1f} {cpu[case.name] * 1000:>7.1f} {cpu_ratio:>6}"
        )
    shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
