"""Benchmark: a synthetic month at county, city or province size, timed step by step.

    python bench/bench.py --size county        # 40 offices x 20 tasks x 3 milestones (runs in CI)
    python bench/bench.py --size city          # 300 offices x 30 tasks
    python bench/bench.py --size province      # 3,000 returned workbooks, ~100,000 milestone rows
    python bench/bench.py --size province --out DIR   then   python bench/bench.py --reuse DIR
    python bench/bench.py --hostile            # a county month with hostile returns in the inbox
    python bench/bench.py --size small         # 10 offices x 3 tasks x 2 milestones: does it run

Generates the task list, fills every office's workbook (timed), answers them as clerks would (not
timed), then runs collect, read + validate, writing the summary and the naive baseline for reading
(openpyxl full load per file, then pandas concat) each in a new interpreter, as its command would
run, timing it and sampling the memory of that process and its workers.  Prints one table.
Beside the summary step it measures two floors, in wall and CPU seconds: xlsxwriter alone writing
the same month's 汇总 and 数据 (typed writes cell by cell, nothing else), and the same cells as
whole rows through the RowWriter the summary uses (reporting/xlsx_rows.py).  --scaling runs
county, city, province and a 10,000-office month one after the other and prints time and peak
memory per step.
--scaling --sizes small,county takes the sizes named (the tests run every command at `small`).
--reuse measures a month generated before, without generating it again.  --hostile replaces some
offices' returns with files built to hurt the reader (tests/corpus.py: a value in XFD1048576 or in
row 1,048,576, an .xls under an .xlsx name, an .xls and an .ods reaching far out, the form zipped,
a file cut short, an 80-character name, a zip bomb) and measures the same steps, without the
baseline, which cannot read such files.
--in-process runs every step and both commands in this interpreter instead, one after another:
seconds where the measured way takes ~10 at `small` (each new interpreter imports the package
anew), for the tests' guard that a command runs; times then not comparable, no memory measured,
no baseline (a figure only to compare with).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import date
from pathlib import Path

import xlsxwriter
import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

# ruff: noqa: E402 (imports follow the path set-up above)
from reporting import clerks as simulate
from reporting.cycle import Cycle, check_month, collect_month, fill, summarise
from reporting.libreoffice import soffice
from reporting.models import Light, Task, TaskList
from reporting.summary.workbook import CELL, write_summary
from reporting.tasks.tasklist import write_task_list
from reporting.xlsx_rows import RowWriter

SIZES = {
    "small": (10, 3, 2),  # that each command runs, in the tests: enough offices for --hostile
    "county": (40, 20, 3),
    "city": (300, 30, 3),
    "province": (3000, 10, 3),
    "10k": (10000, 5, 3),  # a large province: growth in offices must stay linear
}
VERBS = ["完成", "开展", "推进", "组织", "落实", "启动", "验收"]
THINGS = [
    "校舍安全排查",
    "教师培训方案",
    "课后服务质量评估",
    "学位建设项目招标",
    "教育督导自查",
    "食品安全专项检查",
    "信息化设备采购",
    "招生宣传",
    "质量监测数据分析",
    "民办学校年检",
]
MONTHS = [3, 6, 9, 12]
RECEIVED = time.mktime((2022, 6, 16, 10, 0, 0, 0, 0, -1))  # returns arrive before the deadline
MONTH, AS_OF = "2022-06", date(2022, 6, 25)
BASELINE = "baseline: openpyxl + pandas read"
END_TO_END = "end to end: yuebao fill + yuebao run"
SUMMARY = "summarise + write summary"
FLOOR = "xlsxwriter floor: 汇总 + 数据"
ROW_FLOOR = "row writer floor: 汇总 + 数据"
COMPILED = "compiled writer: 汇总 + 数据"  # rustpy-xlsxwriter, when installed: values only


def task_list(offices: int, per_office: int, milestones: int, rng: random.Random) -> TaskList:
    tasks, n = [], 0
    for o in range(offices):
        office = f"第{o + 1:04d}股室"
        for _ in range(per_office):
            n += 1
            lines = [
                f"{rng.choice(THINGS)}：按照年度计划{rng.choice(VERBS)}相关工作，确保取得实效。",
                "关键节点：",
            ]
            for k, month in enumerate(sorted(rng.sample(MONTHS, milestones)), start=1):
                lines.append(
                    f"{'一二三四五'[k - 1]}是{month}月底前{rng.choice(VERBS)}{rng.choice(THINGS)}。"
                )
            tasks.append(
                Task(
                    key=f"T{n:05d}",
                    no=str(n),
                    name=f"{rng.choice(THINGS)}（{n}）",
                    content="\n".join(lines),
                    overview="",
                    offices=(office,),
                    lead=office,
                )
            )
    return TaskList(title="合成测试市教育系统2022年重点工作任务一览表", year=2022, tasks=tasks)


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


def floor_rows(summary):
    """Each milestone row's values as the floors write them: (汇总's 13, 数据's 14)."""
    for row in summary.rows:
        m, t = row.milestone, row.task
        text, due = (m.text, m.due) if m else ("", None)
        light = row.light.value if row.light else ""
        status = row.status_shown  # as the summary prints it: 未报送 for an office without return
        yield (
            (t.no, t.name, t.lead, "、".join(t.offices), text, due, status, row.completed_on)
            + (light, row.days_overdue, row.progress, row.problems, row.remarks),
            (summary.unit, t.lead, t.key, t.parent, t.no, t.name, m.key if m else "", text, due)
            + (status, row.completed_on, light, row.progress, row.problems),
        )


SUMMARY_DATES, DATA_DATES = (5, 7), (8, 10)  # the date columns of 汇总 and 数据 in floor_rows
SUMMARY_LIT = (4, 8)  # 汇总's columns on the light's fill


def writer_floor(summary, path: Path, fast: bool = False) -> None:
    """The least a writer needs for 汇总 and 数据: the same cells (汇总: a task's values on each of
    its rows; one format per kind of column, a height per row), constant memory, nothing else.
    xlsxwriter's typed calls cell by cell, or (`fast`) whole rows through the summary's
    RowWriter."""
    wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    cell, date_cell = wb.add_format(CELL), wb.add_format({**CELL, "num_format": "yyyy-mm-dd"})
    light = {lt: wb.add_format({**CELL, "bg_color": "#FFC7CE"}) for lt in Light}
    rows = list(floor_rows(summary))
    ws = wb.add_worksheet("汇总")
    put = RowWriter(ws).row if fast else _cell_by_cell(ws)
    for r, (row, (values, _)) in enumerate(zip(summary.rows, rows), start=4):
        lit = light.get(row.light, cell)
        formats = [
            date_cell if c in SUMMARY_DATES else lit if c in SUMMARY_LIT else cell
            for c in range(len(values))
        ]
        put(r, list(zip(range(len(values)), values, formats)), 30)
    ws = wb.add_worksheet("数据")
    put = RowWriter(ws).row if fast else _cell_by_cell(ws)
    for r, (_, values) in enumerate(rows, start=1):
        put(
            r,
            [(c, v, date_cell if hasattr(v, "isoformat") else None) for c, v in enumerate(values)],
        )
    wb.close()


def compiled_floor(summary, path: Path) -> None:
    """What a compiled writer gives: rustpy-xlsxwriter (Rust's rust_xlsxwriter) writing the same
    two sheets' values, a date format per date column and a height per row, no per-cell format.
    Not a dependency of yuebao: measured only where it is installed."""
    from rustpy_xlsxwriter import FastExcel, Format

    def records(rows):
        for row in rows:
            yield {str(c): v for c, v in enumerate(row)}

    day = Format().set_num_format("yyyy-mm-dd")
    rows = list(floor_rows(summary))
    book = FastExcel(str(path))
    book.sheet(
        "汇总",
        records(values for values, _ in rows),
        column_formats={str(c): day for c in SUMMARY_DATES},
        row_heights={r: 30 for r in range(1, len(rows) + 1)},
    )
    book.sheet(
        "数据",
        records(values for _, values in rows),
        column_formats={str(c): day for c in DATA_DATES},
    )
    book.save()


def _cell_by_cell(ws):
    """A row written with xlsxwriter's typed calls, one a cell (no dispatch by write())."""

    def put(r: int, cells, height=None) -> None:
        for c, value, fmt in cells:
            if isinstance(value, str):  # an enum's word (str, Enum) included
                if value:
                    ws.write_string(r, c, str.__str__(value), fmt)
            elif hasattr(value, "isoformat"):
                ws.write_datetime(r, c, value, fmt)
            elif value is not None:
                ws.write_number(r, c, value, fmt)
        if height:
            ws.set_row(r, height)

    return put


def generate(size: str, work: Path) -> tuple[dict, int]:
    """Task list, config, the filled forms (timed) and the clerks' answers in the inbox (not
    timed)."""
    offices, per_office, milestones = SIZES[size]
    rng = random.Random(20220620)
    write_task_list(task_list(offices, per_office, milestones, rng), work / "tasks.xlsx")
    config = work / "config.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "bureau": "合成测试市教育系统",
                "task_list": "tasks.xlsx",
                "ledger": "ledger.sqlite3",
                "folders": {
                    "outbox": "{month}/out",
                    "inbox": "inbox/{month}",
                    "archive": "{month}/archive",
                    "summary": "{month}",
                },
            },
            allow_unicode=True,
        ),
        encoding="utf-8",
    )
    timings = {}
    start = time.perf_counter()
    cycle = Cycle.load(config, AS_OF)
    timings["load task list"] = time.perf_counter() - start
    start = time.perf_counter()
    filled = fill(cycle, MONTH)
    timings["fill"] = time.perf_counter() - start

    inbox = work / "inbox" / MONTH
    inbox.mkdir(parents=True, exist_ok=True)
    jobs = [(path, inbox, seed) for seed, path in enumerate(filled.paths)]
    with ProcessPoolExecutor(os.cpu_count()) as pool:  # the clerks' part: not timed
        list(pool.map(answer_form, jobs, chunksize=32))
    return timings, len(filled.paths)


def answer_form(job: tuple[Path, Path, int]) -> None:
    """One clerk's return: every milestone answered, saved in the inbox as received."""
    path, inbox, seed = job
    rng = random.Random(seed)
    statuses = ["已完成", "已完成", "按计划推进", "滞后"]
    wb, ws = simulate.open_form(path)
    answers = {}
    for key in simulate.rows_by_key(ws):
        if "-M" in key:
            t, seq = key.split("-M")
            answers.setdefault(t, {"progress": "按计划推进，完成阶段性任务。", "milestones": {}})
            answers[t]["milestones"][int(seq)] = {
                "status": rng.choice(statuses),
                "completed_on": date(2022, 6, 1),
            }
    simulate.answer(ws, "张三", date(2022, 6, 15), answers)
    wb.save(inbox / path.name)
    os.utime(inbox / path.name, (RECEIVED, RECEIVED))


HOSTILE = [
    ("XFD1048576", "far"),
    ("K1048576", "far"),
    ("xls_named_xlsx", "xls"),
    ("IV65536", "xls"),
    ("ods_far", "ods"),
    ("zipped", "zip"),
    ("cut_short", "cut"),
    ("long_name", "name"),
]


def make_hostile(work: Path) -> list[str]:
    """Make the first offices' returns hostile, in place, add a zip bomb; say what was made."""
    from reporting.libreoffice import convert_all
    from tests import corpus

    inbox = work / "inbox" / MONTH
    sources = sorted(inbox.iterdir())
    made, lo = [], soffice()
    by_libreoffice: dict[str, list[tuple[Path, Path]]] = {"xls": [], "ods": []}  # (from, to)
    with tempfile.TemporaryDirectory() as tmp:
        for (what, how), src in zip(HOSTILE, sources):
            if how in ("xls", "ods") and not lo:
                continue  # LibreOffice makes these; without it they are left out (and said so)
            kept = Path(tmp) / src.name
            shutil.move(src, kept)
            if how == "far":
                corpus.far_cell(kept, src, what)
            elif how == "xls":
                if what != "xls_named_xlsx":
                    kept = corpus.far_cell(kept, Path(tmp) / f"far_{src.name}", what)
                to = src if what == "xls_named_xlsx" else src.with_suffix(".xls")
                by_libreoffice["xls"].append((kept, to))
            elif how == "ods":
                by_libreoffice["ods"].append((kept, src.with_suffix(".ods")))
            elif how == "zip":
                corpus.zipped(kept, src.with_suffix(".zip"))
            elif how == "cut":
                corpus.cut_short(kept, src)
            else:
                shutil.copy(
                    kept,
                    src.with_name(
                        "关于报送二〇二二年一至六月重点工作任务推进落实情况及下一步工作计划的"
                        "进展情况表（定稿版，经负责人审核同意后报送局办公室汇总）" + src.name
                    ),
                )
            made.append(what)
        for fmt, jobs in by_libreoffice.items():  # one LibreOffice start a format: most of its time
            if not jobs:
                continue
            written = convert_all([kept for kept, _ in jobs], fmt, Path(tmp) / fmt, timeout=180)
            for (_, to), converted in zip(jobs, written):
                if fmt == "ods":
                    corpus.ods_with_far_cell(converted, to)
                else:
                    shutil.move(converted, to)
        corpus.zip_bomb(inbox / "bomb.xlsx")
    for f in inbox.iterdir():
        os.utime(f, (RECEIVED, RECEIVED))
    return made + ["zip_bomb"]


def run_step(step: str, work: Path, made: dict | None = None) -> dict:
    """One step as its command would run it (in the fresh process that `measured` starts).
    `made` (--in-process): the summary step leaves its summary there for the floors, which would
    read, check and summarise the same month again (untimed, but most of a step's time there)."""
    cycle = Cycle.load(work / "config.yaml", AS_OF)
    start = time.perf_counter()
    if step == "collect":
        collect_month(cycle, MONTH)
    elif step == "read + validate":
        check_month(cycle, MONTH)
    elif step == SUMMARY:  # what `yuebao merge` does after reading and validating
        period, check = check_month(cycle, MONTH)
        start, cpu = time.perf_counter(), time.process_time()
        ledger = cycle.ledger()
        summary = summarise(cycle, period, check, ledger)
        ledger.close()
        write_summary(summary, work / MONTH / "summary.xlsx", cycle.amber_days)
        if made is not None:
            made["summary"] = summary
        return {
            step: time.perf_counter() - start,
            "cpu": time.process_time() - cpu,
            "rows": sum(1 for r in summary.rows if r.milestone),
            "findings": len(summary.findings),
        }
    elif step in (FLOOR, ROW_FLOOR, COMPILED):  # the month's two long sheets, nothing else
        if made and "summary" in made:
            summary = made["summary"]
        else:
            period, check = check_month(cycle, MONTH)
            ledger = cycle.ledger()
            summary = summarise(cycle, period, check, ledger)
            ledger.close()
        start, cpu = time.perf_counter(), time.process_time()
        if step == COMPILED:
            compiled_floor(summary, work / MONTH / "floor.xlsx")
        else:
            writer_floor(summary, work / MONTH / "floor.xlsx", fast=step == ROW_FLOOR)
        return {step: time.perf_counter() - start, "cpu": time.process_time() - cpu}
    else:  # the naive baseline, reading the same inbox
        naive_read(sorted((work / "inbox" / MONTH).iterdir()))
    return {step: time.perf_counter() - start}


def measured(step: str, work: Path) -> tuple[dict, float]:
    """Run a step in a new interpreter; its peak memory is the largest total PSS of it and its
    workers."""
    out, peak = watch([sys.executable, __file__, "--step", step, "--reuse", str(work)], step)
    return json.loads(out.strip().splitlines()[-1]), peak


def end_to_end(work: Path, in_process: bool = False) -> tuple[float, float | None]:
    """The month as a clerk runs it: `yuebao fill`, then `yuebao run` (collect, validate, merge,
    feedback)."""
    reset(work)
    start, peak = time.perf_counter(), 0.0
    for command in (
        ["fill", "--month", MONTH],
        ["run", "--month", MONTH, "--as-of", AS_OF.isoformat()],
    ):
        if in_process:
            yuebao_here([*command, "--config", str(work / "config.yaml")])
            continue
        peak = max(
            peak,
            watch(
                [
                    sys.executable,
                    "-m",
                    "reporting.cli",
                    *command,
                    "--config",
                    str(work / "config.yaml"),
                ],
                command[0],
                cwd=ROOT,
            )[1],
        )
    return time.perf_counter() - start, None if in_process else peak


def yuebao_here(command: list[str]) -> None:
    """A `yuebao` command run in this interpreter (--in-process) as a new process would run it
    (tests/inprocess.py), its output kept from the table; stops the benchmark as `watch` does
    when the command fails."""
    from tests.inprocess import run

    done = run(*command)
    if done.returncode:
        said = (done.stdout + done.stderr)[-3000:]
        raise SystemExit(f"{command[0]} failed (exit {done.returncode}):\n{said}")


def watch(cmd: list[str], what: str, cwd: Path | None = None) -> tuple[str, float]:
    """Run a command, sampling the memory of its process tree every 50 ms; (its output, peak MB)."""
    with tempfile.TemporaryFile(
        "w+", encoding="utf-8"
    ) as out:  # a file, not a pipe: progress never blocks it
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, text=True, cwd=cwd)
        peak = 0.0
        while proc.poll() is None:
            peak = max(peak, tree_pss_mb(proc.pid))
            time.sleep(0.05)
        out.seek(0)
        text = out.read()
    if proc.returncode != 0:
        raise SystemExit(f"{what} failed (exit {proc.returncode}):\n{text[-3000:]}")
    return text, peak


def tree_pss_mb(pid: int) -> float:
    """Proportional set size of a process and all its descendants: shared pages counted once (Linux
    /proc)."""
    total_kb = 0
    for p in process_tree(pid):
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total_kb += int(line.split()[1])
        except OSError:
            continue
    return total_kb / 1024


def process_tree(pid: int) -> set[int]:
    """A process and its descendants, from each thread's list of children: a few files a sample
    (a scan of every process in /proc made a sample cost ~4 ms of CPU, not ~1, each 50 ms, beside
    the step measured)."""
    if not Path(f"/proc/{pid}/task/{pid}/children").exists():  # a kernel without that list
        return process_tree_by_scan(pid)
    tree, frontier = set(), [pid]
    while frontier:
        p = frontier.pop()
        tree.add(p)
        for children in Path(f"/proc/{p}/task").glob("*/children"):
            try:
                frontier += [int(c) for c in children.read_text().split() if int(c) not in tree]
            except OSError:  # the thread or the process has ended since
                continue
    return tree


def process_tree_by_scan(pid: int) -> set[int]:
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int(
                    (entry / "stat").read_text().rsplit(")", 1)[1].split()[1]
                )
            except (OSError, IndexError, ValueError):
                continue
    tree, frontier = {pid}, [pid]
    while frontier:
        frontier = [p for p, parent in parents.items() if parent in frontier and p not in tree]
        tree.update(frontier)
    return tree


def reset(work: Path) -> None:
    """Forget a previous measurement of the same month: ledger (and its backups), archive and
    summary, never the inbox."""
    (work / "ledger.sqlite3").unlink(missing_ok=True)
    shutil.rmtree(work / "ledger.sqlite3.backup", ignore_errors=True)  # else no new ledger is made
    shutil.rmtree(work / MONTH / "archive", ignore_errors=True)
    (work / MONTH / "summary.xlsx").unlink(missing_ok=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--size", choices=SIZES, default="county")
    parser.add_argument("--out", help="keep the generated month here (default: a temporary folder)")
    parser.add_argument(
        "--reuse",
        metavar="DIR",
        help="measure a month generated before with --out, skip generating",
    )
    parser.add_argument("--no-baseline", action="store_true")
    parser.add_argument(
        "--hostile", action="store_true", help="put returns built to hurt the reader in the inbox"
    )
    parser.add_argument(
        "--scaling",
        action="store_true",
        help="county, city, province and 10k one after another: time and peak memory per step",
    )
    parser.add_argument(
        "--sizes",
        default="county,city,province,10k",
        help="with --scaling: the sizes, comma-separated (default: county,city,province,10k)",
    )
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="every step and both commands in this interpreter, one after another: a quick check "
        "that the command runs (the tests' guard); times not comparable, no memory measured, "
        "no baseline",
    )
    parser.add_argument(
        "--step", help=argparse.SUPPRESS
    )  # internal: run one measured step, print its figures
    args = parser.parse_args(argv)
    if args.step:
        print(json.dumps(run_step(args.step, Path(args.reuse))))
        return
    if args.scaling:
        scaling(args)
        return
    load = os.getloadavg()
    timings, memory, counts, work, hostile = measure(args)
    offices, per_office, milestones = SIZES[args.size]
    print(
        f"yuebao benchmark · {args.size}: {offices} offices × {per_office} tasks × "
        f"{milestones} milestones, "
        f"{counts['rows']} milestone rows, {counts['returns']} returns, "
        f"{counts['findings']} findings"
    )
    if hostile:
        print(f"hostile returns in the inbox: {hostile}")
    print(f"{'step':<36}{'seconds':>10}{'peak MB':>10}")
    for step, seconds in timings.items():
        peak = f"{memory[step]:>10.0f}" if step in memory else f"{'':>10}"
        print(f"{step:<36}{seconds:>10.2f}{peak}")
    if BASELINE in timings:
        print(
            f"{'reading vs baseline':<36}"
            f"{timings[BASELINE] / max(timings['read + validate'], 1e-9):>9.1f}x faster"
        )
    for floor, name in ((FLOOR, "xlsxwriter floor"), (ROW_FLOOR, "row writer floor")):
        if floor not in timings:
            continue
        cpu = counts[f"cpu {SUMMARY}"], counts[f"cpu {floor}"]
        print(
            f"{'summary vs ' + name:<36}"
            f"{timings[SUMMARY] / max(timings[floor], 1e-9):>9.2f}x the floor "
            f"(CPU: {cpu[0]:.2f} s vs {cpu[1]:.2f} s, {cpu[0] / max(cpu[1], 1e-9):.2f}x)"
        )
    if args.in_process:
        print(
            "--in-process: every step and both commands ran in this interpreter, one after another"
            " (the command runs; its times are not comparable, no memory is measured)"
        )
    else:
        print(
            "peak MB: total proportional memory of the step's process and its workers, "
            "sampled every 50 ms; each step runs in a new interpreter and loads the task list "
            "itself, as its command would. End to end: wall clock of the two commands, "
            "interpreter start included."
        )
    print(
        f"machine: {os.cpu_count()} cores; load average before {load[0]:.1f}, "
        f"after {os.getloadavg()[0]:.1f} (other work running here slows every step)"
    )
    print(f"summary: {work / MONTH / 'summary.xlsx'}")
    if not args.out and not args.reuse:
        shutil.rmtree(work, ignore_errors=True)


def measure(args) -> tuple[dict, dict, dict, Path, str]:
    """Generate (or reuse) a month and time every step: (seconds, peak MB, counts, folder,
    hostile files)."""
    if args.reuse:
        work = Path(args.reuse)
        if not (work / "config.yaml").exists():
            raise SystemExit(f"{work} holds no generated month (run with --out first)")
        timings, returns = {}, len(list((work / "inbox" / MONTH).iterdir()))
        args.size = (work / "size").read_text().strip()
        reset(work)
    else:
        work = Path(args.out) if args.out else Path(tempfile.mkdtemp(prefix="yuebao-bench-"))
        shutil.rmtree(
            work / "inbox", ignore_errors=True
        )  # an --out folder used before: start the month afresh
        (work / "hostile").unlink(missing_ok=True)
        reset(work)
        work.mkdir(parents=True, exist_ok=True)
        timings, returns = generate(args.size, work)
        (work / "size").write_text(args.size)
        if args.hostile:
            (work / "hostile").write_text(" ".join(make_hostile(work)))
    hostile = (work / "hostile").read_text() if (work / "hostile").exists() else ""
    args.no_baseline = args.no_baseline or bool(hostile)  # the naive way cannot read such files
    # the baseline is only a figure to compare the reading with: none is comparable in one process
    args.no_baseline = args.no_baseline or args.in_process
    memory: dict[str, float] = {}
    counts: dict = {"returns": returns}
    steps = ["collect", "read + validate", SUMMARY, FLOOR, ROW_FLOOR]
    steps += [COMPILED] if importlib.util.find_spec("rustpy_xlsxwriter") else []
    steps += [] if args.no_baseline else [BASELINE]
    made: dict = {}  # --in-process: the summary, made once for the floors
    for step in steps:
        if args.in_process:
            result = run_step(step, work, made)
        else:
            result, memory[step] = measured(step, work)
        counts.update({k: result.pop(k) for k in ("rows", "findings") if k in result})
        if "cpu" in result:
            counts[f"cpu {step}"] = result.pop("cpu")
        timings.update(result)
    timings[END_TO_END], peak = end_to_end(work, args.in_process)
    if peak is not None:
        memory[END_TO_END] = peak
    return timings, memory, counts, work, hostile


def scaling(args) -> None:
    """Each size in turn, in its own temporary folder; one table: seconds / peak MB per step."""
    columns = {}
    sizes = args.sizes.split(",")
    unknown = [size for size in sizes if size not in SIZES]
    if unknown:
        raise SystemExit(f"unknown size {', '.join(unknown)}: choose from {', '.join(SIZES)}")
    for size in sizes:
        run = argparse.Namespace(**{**vars(args), "size": size, "out": None, "reuse": None})
        run.no_baseline = args.no_baseline or size != "province"  # the baseline once is enough
        load = os.getloadavg()[0]
        timings, memory, counts, work, _ = measure(run)
        shutil.rmtree(work, ignore_errors=True)
        columns[f"{size} ({counts['rows']:,} rows)"] = (timings, memory, load)
        print(f"{size}: done", file=sys.stderr)
    steps = list(next(iter(columns.values()))[0])
    for timings, _, _ in columns.values():
        steps += [s for s in timings if s not in steps]
    print(f"yuebao scaling · seconds / peak MB per step, {os.cpu_count()} cores")
    print(f"{'step':<36}" + "".join(f"{c:>22}" for c in columns))
    for step in steps:
        cells = []
        for timings, memory, _ in columns.values():
            if step not in timings:
                cells.append(f"{'—':>22}")
                continue
            peak = f" / {memory[step]:.0f}" if step in memory else ""
            cells.append(f"{timings[step]:>12.2f}{peak:>10}")
        print(f"{step:<36}" + "".join(cells))
    print(f"{'load average at start':<36}" + "".join(f"{v[2]:>22.1f}" for v in columns.values()))


if __name__ == "__main__":
    main()
