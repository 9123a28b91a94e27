"""Measure what keeping the ledger safe costs: the check on opening, backups, check, restore.

    python bench/bench_ledger.py --size county|city|province [--months 12]

Builds a ledger holding a year of merged months of the size's milestones (as `yuebao merge`
records them, through the Ledger's own API), then times each step in this process, cold caches
aside. The sizes are bench.py's: offices x tasks per office x milestones per task.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import SIZES  # noqa: E402
from reporting.backup import back_up, inspect, restore  # noqa: E402
from reporting.ledger import ItemState, Ledger, open_ledger  # noqa: E402
from reporting.ledger import opening as ledger_file  # noqa: E402


def build(path: Path, size: str, months: int) -> int:
    offices, per_office, milestones = SIZES[size]
    ledger = Ledger(path)
    rows = 0
    for month in range(1, months + 1):
        progress = "本月完成了校舍安全排查和教师培训方案的制定，下月继续推进。" * 3
        items = [
            ItemState(
                f"T{o:04d}{t:02d}.{m}",
                f"T{o:04d}{t:02d}",
                f"股室{o:04d}",
                "按计划推进",
                None,
                "未到期",
                progress,
                "资金尚未到位。" * 2,
            )
            for o in range(offices)
            for t in range(per_office)
            for m in range(1, milestones + 1)
        ]
        ledger.record_state(f"2022-{month:02d}", f"2022-{month:02d}-25", "summary.xlsx", items)
        rows += len(items)
    ledger.close()
    return rows


def timed(label: str, fn) -> None:
    start = time.perf_counter()
    fn()
    print(f"  {label:<34}{time.perf_counter() - start:7.2f} s")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="county")
    parser.add_argument("--months", type=int, default=12)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="yuebao-ledger-bench-") as tmp:
        path = Path(tmp) / "ledger.sqlite3"
        rows = build(path, args.size, args.months)
        print(
            f"{args.size}: {rows:,} merged rows over {args.months} months, "
            f"ledger {path.stat().st_size / 1e6:.1f} MB"
        )
        ledger_file._verified.clear()
        timed("open with PRAGMA quick_check", lambda: open_ledger(path).close())
        timed("open again (checked this run)", lambda: open_ledger(path).close())
        timed("backup (check + online backup)", lambda: back_up(path, 10))
        timed("backup when unchanged (compare)", lambda: back_up(path, 10))
        timed("yuebao ledger check", lambda: inspect(path))
        timed("yuebao ledger restore", lambda: restore(path))


if __name__ == "__main__":
    main()
