"""Benchmark: offices uploading their returns to `yuebao serve` at the same moment, on loopback.

    python bench/bench_web.py                 # 50 offices at once (target: p95 under 2 s)
    python bench/bench_web.py --offices 100 --threads 16

Sets up a synthetic month (tests/webserver.py: two tasks per office), serves it with waitress as
`yuebao serve` does, and lets every office upload its correct return at once: each office's time
is from sending the upload to reading the page with its result (the upload is saved, read and
checked in that time, and collected into the ledger).  Prints p50, p95 and the slowest, and
checks that every upload passed and the ledger holds each return once.
"""

from __future__ import annotations

import argparse
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# ruff: noqa: E402 (imports follow the path set-up above)
from reporting.web.store import WebState
from tests.webserver import links, serving, synthetic, upload

TARGET_P95 = 2.0


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offices", type=int, default=50)
    parser.add_argument("--threads", type=int, default=16, help="waitress threads (web.threads)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        print(f"setting up {args.offices} offices ...", flush=True)
        config, month, _, returns = synthetic(work, args.offices)
        tokens = links(work)
        seconds: dict[str, float] = {}
        statuses: dict[str, int] = {}
        with serving(config, month, threads=args.threads) as base:
            start = threading.Barrier(len(returns))

            def office(name: str) -> None:
                start.wait()
                began = time.perf_counter()
                status, _, browser = upload(base, tokens[name], returns[name])
                browser.get(f"/o/{tokens[name]}")  # the page with the result
                seconds[name] = time.perf_counter() - began
                statuses[name] = status

            threads = [threading.Thread(target=office, args=(n,)) for n in returns]
            wall = time.perf_counter()
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            wall = time.perf_counter() - wall
        times = sorted(seconds.values())
        p95 = times[max(0, int(round(0.95 * len(times))) - 1)]
        state = WebState(work / "web.sqlite3")
        passed = sum(state.uploads(month, n)[0].passed for n in returns)
        with sqlite3.connect(work / "ledger.sqlite3") as db:
            (rows,) = db.execute("SELECT count(DISTINCT sha256) FROM returns").fetchone()
    print(f"{len(returns)} offices uploading at once, waitress threads {args.threads}")
    print(
        f"  upload to result page: p50 {statistics.median(times):.2f} s, p95 {p95:.2f} s, "
        f"slowest {times[-1]:.2f} s; all done in {wall:.2f} s"
    )
    print(
        f"  answered 303: {sum(s == 303 for s in statuses.values())}, passed: {passed}, "
        f"returns in the ledger: {rows}"
    )
    ok = p95 < TARGET_P95 and passed == rows == len(returns)
    print(f"  target p95 < {TARGET_P95:g} s: {'met' if ok else 'NOT met'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
