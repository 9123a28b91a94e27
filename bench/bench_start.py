"""Start-up: how long a clerk waits before `yuebao` shows anything.

Every choice of 月报.bat's menu and every run of the Task Scheduler starts a new interpreter, so
the import of the command line is paid each time. Measured in the same run, interleaved (a busy
machine slows all three alike), the median of --runs runs each, wall time and CPU time:

    python -c "import click"     the floor: an interpreter and the command-line library
    yuebao --help                must stay within 1.5 x the floor (exit 1 otherwise)
    yuebao menu (first screen)   the menu printed, "0" typed, gone: what 月报.bat shows first

    python bench/bench_start.py [--runs 15]

The installed `yuebao` script beside this Python is used (else `python -m reporting.cli`). The
package is byte-compiled first, as pip does on installing it (a checkout run with
PYTHONDONTWRITEBYTECODE would otherwise compile every module on every start).
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

LIMIT = 1.5


def command() -> list[str]:
    script = Path(sys.executable).with_name("yuebao.exe" if os.name == "nt" else "yuebao")
    return [str(script)] if script.is_file() else [sys.executable, "-m", "reporting.cli"]


def timed(args: list[str], stdin: str = "", cwd: str | None = None) -> tuple[float, float]:
    """Wall and CPU seconds of one run (the child's user + system time)."""
    before = os.times()
    start = time.perf_counter()
    done = subprocess.run(args, input=stdin, capture_output=True, text=True, cwd=cwd)
    wall = time.perf_counter() - start
    after = os.times()
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr}")
    cpu = (after.children_user - before.children_user) + (
        after.children_system - before.children_system
    )
    return wall, cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args()
    yuebao = command()
    import reporting  # the package measured: compiled once, as an install leaves it

    compileall.compile_dir(Path(reporting.__file__).parent, quiet=1)
    cases = {
        'python -c "import click"': ([sys.executable, "-c", "import click"], ""),
        "yuebao --help": ([*yuebao, "--help"], ""),
        "yuebao menu（第一屏）": ([*yuebao, "menu", "--config", "config.yaml"], "0\n"),
    }
    results: dict[str, list[tuple[float, float]]] = {name: [] for name in cases}
    with tempfile.TemporaryDirectory() as empty:  # no config.yaml: the first screen needs none
        for args_, stdin in cases.values():  # warm the file cache and the .pyc files once
            timed(args_, stdin, empty)
        for _ in range(args.runs):
            for name, (args_, stdin) in cases.items():
                results[name].append(timed(args_, stdin, empty))

    medians = {
        name: (statistics.median(w for w, _ in runs), statistics.median(c for _, c in runs))
        for name, runs in results.items()
    }
    floor_wall, floor_cpu = medians['python -c "import click"']
    print(f"median of {args.runs} runs each ({' '.join(yuebao)}):")
    for name, (wall, cpu) in medians.items():
        print(
            f"  {name:<28} wall {wall * 1000:6.0f} ms ({wall / floor_wall:4.2f} x)"
            f"   cpu {cpu * 1000:6.0f} ms ({cpu / floor_cpu if floor_cpu else 0:4.2f} x)"
        )
    ratio = medians["yuebao --help"][0] / floor_wall
    verdict = "ok" if ratio <= LIMIT else "TOO SLOW"
    print(f"yuebao --help: {ratio:.2f} x import click (limit {LIMIT} x): {verdict}")
    return 0 if ratio <= LIMIT else 1


if __name__ == "__main__":
    sys.exit(main())
