"""Benchmark: a synthetic month at county, city or province size, timed step by step.

    python bench/bench.py --size county        # 40 offices x 20 tasks x 3 milestones (runs in CI)
    python bench/bench.py --size city          # 300 offices x 30 tasks
    python bench/bench.py --size province      # 3,000 returned workbooks, ~100,000 milestone rows

Generates the task list, fills every office's workbook (timed), answers them as clerks would (not
timed), then times collect, read + validate, and writing the summary, with peak memory, and the
naive baseline for reading (openpyxl full load per file, then pandas concat).  Prints one table.
"""
from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reporting import simulate  # noqa: E402
from reporting.cycle import Cycle, check_month, collect_month, fill, summarise  # noqa: E402
from reporting.merge import write_summary  # noqa: E402
from reporting.models import Task, TaskList  # noqa: E402
from reporting.tasklist import write_task_list  # noqa: E402

SIZES = {"county": (40, 20, 3), "city": (300, 30, 3), "province": (3000, 10, 3)}
VERBS = ["完成", "开展", "推进", "组织", "落实", "启动", "验收"]
THINGS = ["校舍安全排查", "教师培训方案", "课后服务质量评估", "学位建设项目招标", "教育督导自查", "食品安全专项检查",
          "信息化设备采购", "招生宣传", "质量监测数据分析", "民办学校年检"]
MONTHS = [3, 6, 9, 12]
RECEIVED = time.mktime((2022, 6, 16, 10, 0, 0, 0, 0, -1))  # returns arrive before the deadline


def task_list(offices: int, per_office: int, milestones: int, rng: random.Random) -> TaskList:
    tasks, n = [], 0
    for o in range(offices):
        office = f"第{o + 1:04d}股室"
        for _ in range(per_office):
            n += 1
            lines = [f"{rng.choice(THINGS)}：按照年度计划{rng.choice(VERBS)}相关工作，确保取得实效。", "关键节点："]
            for k, month in enumerate(sorted(rng.sample(MONTHS, milestones)), start=1):
                lines.append(f"{'一二三四五'[k - 1]}是{month}月底前{rng.choice(VERBS)}{rng.choice(THINGS)}。")
            tasks.append(Task(key=f"T{n:05d}", no=str(n), name=f"{rng.choice(THINGS)}（{n}）", content="\n".join(lines),
                              overview="", offices=(office,), lead=office))
    return TaskList(title="合成测试市教育系统2022年重点工作任务一览表", year=2022, tasks=tasks)


def peak_mb() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return max(own, children) / 1024


def naive_read(paths: list[Path]) -> int:
    """The way it is usually done: openpyxl loads each workbook whole, pandas concatenates."""
    import openpyxl
    import pandas as pd
    frames = []
    for p in paths:
        ws = openpyxl.load_workbook(p)["进展情况表"]
        rows = list(ws.iter_rows(min_row=5, values_only=True))
        frames.append(pd.DataFrame(rows).assign(file=p.name))
    return len(pd.concat(frames))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="county")
    parser.add_argument("--out", help="keep the generated month here (default: a temporary folder)")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args(argv)
    offices, per_office, milestones = SIZES[args.size]
    work = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="yuebao-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    rng = random.Random(20220620)
    tasks = task_list(offices, per_office, milestones, rng)
    write_task_list(tasks, work / "tasks.xlsx")
    config = work / "config.yaml"
    config.write_text(yaml.safe_dump({"bureau": "合成测试市教育系统", "task_list": "tasks.xlsx", "ledger": "ledger.sqlite3",
                                      "folders": {"outbox": "{month}/out", "inbox": "inbox/{month}",
                                                  "archive": "{month}/archive", "summary": "{month}"}},
                                     allow_unicode=True), encoding="utf-8")
    timings = {}
    start = time.perf_counter()
    cycle = Cycle.load(config, date(2022, 6, 25))
    timings["load task list"] = time.perf_counter() - start

    start = time.perf_counter()
    filled = fill(cycle, "2022-06")
    timings["fill"] = time.perf_counter() - start

    inbox = work / "inbox" / "2022-06"
    inbox.mkdir(parents=True, exist_ok=True)
    statuses = ["已完成", "已完成", "按计划推进", "滞后"]
    for path in filled.paths:  # the clerks' part: not timed
        wb, ws = simulate.open_form(path)
        answers = {}
        for key in simulate.rows_by_key(ws):
            if "-M" in key:
                t, seq = key.split("-M")
                answers.setdefault(t, {"progress": "按计划推进，完成阶段性任务。", "milestones": {}})
                answers[t]["milestones"][int(seq)] = {"status": rng.choice(statuses), "completed_on": date(2022, 6, 1)}
        simulate.answer(ws, "张三", date(2022, 6, 15), answers)
        wb.save(inbox / path.name)
        os.utime(inbox / path.name, (RECEIVED, RECEIVED))

    start = time.perf_counter()
    collect_month(cycle, "2022-06")
    timings["collect"] = time.perf_counter() - start
    start = time.perf_counter()
    period, check = check_month(cycle, "2022-06")
    timings["read + validate"] = time.perf_counter() - start
    ledger = cycle.ledger()
    summary = summarise(cycle, period, check, ledger)
    ledger.close()
    start = time.perf_counter()
    path = write_summary(summary, work / "2022-06" / "summary.xlsx", cycle.amber_days)
    timings["write summary"] = time.perf_counter() - start
    if not args.no_baseline:
        start = time.perf_counter()
        naive_read(sorted(inbox.iterdir()))
        timings["baseline: openpyxl + pandas read"] = time.perf_counter() - start

    rows = sum(1 for r in summary.rows if r.milestone)
    print(f"yuebao benchmark · {args.size}: {offices} offices, {len(tasks.tasks)} tasks, {rows} milestone rows, "
          f"{len(filled.paths)} returns, {len(summary.findings)} findings")
    print(f"{'step':<36}{'seconds':>10}")
    for step, seconds in timings.items():
        print(f"{step:<36}{seconds:>10.2f}")
    end_to_end = sum(v for k, v in timings.items() if not k.startswith("baseline"))
    print(f"{'end to end (without the clerks)':<36}{end_to_end:>10.2f}")
    if "baseline: openpyxl + pandas read" in timings:
        ratio = timings["baseline: openpyxl + pandas read"] / max(timings["read + validate"], 1e-9)
        print(f"{'reading vs baseline':<36}{ratio:>9.1f}x faster")
    print(f"{'peak memory (MB)':<36}{peak_mb():>10.0f}")
    print(f"summary: {path}")
    if not args.out:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
