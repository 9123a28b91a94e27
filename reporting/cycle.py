"""The monthly cycle as one pipeline: fill -> collect -> validate -> merge.

Each step is a function of (Cycle, month) that returns what it did; the command line, the
schedule and run_monthly.py all call these and nothing else.
"""
from __future__ import annotations

import logging
import os
import tempfile
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from pathlib import Path

from .forms import layout as form
from .backup import back_up
from .forms.prefill import last_answers
from .intake.collect import CollectResult, collect
from .config import Config, load_config
from .errors import YuebaoError
from .filenames import safe_name
from .forms.fill import FillResult, fill_month, form_title
from .intake.isolation import SECONDS_PER_FILE, Failure, run_isolated
from .ledger import Ledger
from .summary.workbook import PRINT_SHEETS, findings_file_name, summary_file_name, write_findings_workbook, write_summary
from .models import Finding, Light, Return, Severity, TaskList
from .monthlock import hold_months
from .summary.pdf import to_pdf
from .period import Period, make_period
from .intake.returns import read_return, reading_bounds
from .checks.rules import apply_rules
from .intake.grids import MAX_FILE_BYTES, Bounds
from .summary.month import (SAME_PROGRESS, SAME_TWICE, MonthSummary, build_summary, find_changes, findings_by_office,
                      office_rows, state_items)
from .tasks.tasklist import read_task_list
from .wording import render
from .checks.validate import MonthCheck, validate_month
from .workdays import add_workdays

log = logging.getLogger(__name__)


@dataclass
class Cycle:
    config: Config
    tasks: TaskList
    as_of: date
    backed_up: bool = False

    @classmethod
    def load(cls, config_path: str | Path, as_of: date | None = None) -> "Cycle":
        config = load_config(config_path)
        tasks = read_task_list(config.task_list_path, config.year)
        cycle = cls(config, tasks, as_of or date.today())
        if config.ledger_path.exists():
            ledger = cycle.ledger()
            try:
                cycle.tasks = apply_extensions(tasks, ledger.extensions())
            finally:
                ledger.close()
        return cycle

    def period(self, month: str) -> Period:
        rep = self.config.reporting
        return make_period(month, rep["deadline_day"], rep["period_start_month"])

    def ledger(self) -> Ledger:
        return Ledger(self.config.ledger_path)

    @contextmanager
    def writing(self, *months: str, backup: bool = True):
        """Hold the months (a second command on one waits, then stops) and, before the first change,
        check the ledger and back it up (once per Cycle: per command, per day of the schedule)."""
        data = self.config.data
        with hold_months(self.config.ledger_path, list(months), data["lock_wait_seconds"]):
            if backup and not self.backed_up:
                back_up(self.config.ledger_path, data["ledger_backups"])
                self.backed_up = True
            yield

    @property
    def amber_days(self) -> int:
        return self.config.reporting["amber_days"]

    @property
    def fills(self) -> dict[Light, str]:
        c = self.config.data["colours"]
        return {Light.OVERDUE: c["overdue"], Light.DUE_SOON: c["due_soon"], Light.DONE: c["done"],
                Light.UNDATED: c["undated"]}

    def folder(self, name: str, month: str) -> Path:
        return writable(self.config.folder(name, month))


def apply_extensions(tasks: TaskList, approved: dict) -> TaskList:
    """Milestones with an approved 延期 count as due on the new date; the planned one is kept beside it."""
    if not approved:
        return tasks
    changed = []
    for t in tasks.tasks:
        ms = tuple(replace(m, due=date.fromisoformat(approved[m.key]["new_due"]), extended_from=m.due)
                   if m.key in approved else m for m in t.milestones)
        changed.append(replace(t, milestones=ms))
    return replace(tasks, tasks=changed)


def writable(folder: Path) -> Path:
    """Create the folder and prove we can write there, before any work is done."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".yuebao-write-test"):
            pass
    except OSError as exc:
        raise YuebaoError(f"无法写入文件夹：{folder}（请检查路径和权限）", f"output folder not writable: {folder}: {exc}") from exc
    return folder


def fill(cycle: Cycle, month: str, progress=None) -> FillResult:
    period = cycle.period(month)
    offices = [cycle.config.office(name) for name in cycle.tasks.lead_offices()]
    carried = None
    if cycle.config.data["reporting"]["prefill"]:
        ledger = cycle.ledger()
        try:
            carried = last_answers(ledger, period)
        finally:
            ledger.close()
    with cycle.writing(month, backup=False):  # forms only: the ledger is read, not changed
        outbox = cycle.folder("outbox", month)
        return fill_month(cycle.tasks, period, cycle.config.bureau, offices, outbox, progress,
                          carried)


def collect_month(cycle: Cycle, month: str, progress=None) -> CollectResult:
    cycle.period(month)  # reject a malformed month before touching any folder
    with cycle.writing(month):
        ledger = cycle.ledger()
        try:
            inbox, archive = cycle.config.folder("inbox", month), cycle.folder("archive", month)
            return collect(inbox, archive, ledger, month, progress)
        finally:
            ledger.close()


def check_month(cycle: Cycle, month: str, progress=None) -> tuple[Period, MonthCheck]:
    """Read every archived return of the month and validate them against the task list."""
    period = cycle.period(month)
    ledger = cycle.ledger()
    try:
        returns = ledger.returns(month)
    finally:
        ledger.close()
    read_findings: list[Finding] = []
    future = [r for r in returns if r.received_at.date() > cycle.as_of]
    returns = [r for r in returns if r.received_at.date() <= cycle.as_of]
    max_bytes = cycle.config.data["collect"]["max_file_mb"] * 1024 * 1024
    for ret in future:  # judged as of a past day: what came later did not exist yet
        ret.readable = False
        read_findings.append(Finding("after_as_of", f"该文件于{ret.received_at:%Y-%m-%d %H:%M}收到，晚于本次汇总所依据的日期"
                                     f"{cycle.as_of:%Y-%m-%d}，未计入本次汇总", Severity.WARNING, file=ret.file_name))
    offices = cycle.tasks.lead_offices()
    for ret in returns:
        if ret.archived_path is None:
            ret.readable = False
            read_findings.append(_not_archived(ret, offices))
    archived = [r for r in returns if r.archived_path is not None]
    done, found = read_isolated(archived, cycle.tasks, max_bytes, progress)
    read_back = iter(done)
    returns = [next(read_back) if r.archived_path is not None else r for r in returns]
    unread = {r.file_name for r in returns if not r.readable}
    for f in found:   # a file that cannot be read names no office; its file name may
        if f.file in unread and not f.office:
            f.office = _office_named(f.file, offices)
    read_findings += found
    check = validate_month(cycle.tasks, period, returns, read_findings, cycle.as_of)
    check.returns += future
    return period, check


PARALLEL_FROM = 24  # below this, one worker: starting more costs more than it saves


def read_isolated(returns: list[Return], tasks: TaskList, max_bytes: int = MAX_FILE_BYTES,
                  progress=None):
    """Read returns in worker processes (on every core from PARALLEL_FROM on), order kept.

    Whatever a file does to its reader (exhausts memory, crashes it, hangs it) becomes a finding
    for that file; every other return is read as usual.
    """
    workers = min(4, os.cpu_count() or 1) if len(returns) >= PARALLEL_FROM else 1
    ticker = (lambda i, n, ret: progress(i, n, ret.file_name)) if progress else None
    bounds = reading_bounds(tasks)
    try:
        outcomes = run_isolated(_read_job, returns, _init_reader, (tasks, max_bytes, bounds), workers,
                                ticker)
    except OSError as exc:   # no worker process can start here: read in this one, still bounded
        log.warning("reading workers could not start (%s); reading in the main process", exc)
        outcomes = [(ret, read_one(ret, tasks, max_bytes, bounds)) for ret in returns]
    done: list[Return] = []
    read_findings: list[Finding] = []
    for ret, outcome in zip(returns, outcomes):
        if isinstance(outcome, Failure):
            log.warning("reading %s failed in its worker: %s", ret.file_name, outcome)
            ret.readable = False
            done.append(ret)
            read_findings.append(failure_finding(ret, outcome))
        else:
            done.append(outcome[0])
            read_findings += outcome[1]
    return done, read_findings


_worker: dict = {}


def _init_reader(tasks: TaskList, max_bytes: int, bounds: Bounds) -> None:
    _worker.update(tasks=tasks, max_bytes=max_bytes, bounds=bounds)


def _read_job(ret: Return):
    return ret, read_one(ret, _worker["tasks"], _worker["max_bytes"], _worker["bounds"])


def read_one(ret: Return, tasks: TaskList, max_bytes: int = MAX_FILE_BYTES,
             bounds: Bounds | None = None) -> list[Finding]:
    """Read one return; whatever goes wrong becomes a finding for that file, never a crash."""
    name = Path(ret.file_name).name
    if name.startswith("~$"):
        ret.readable = False
        return [Finding("lock_file", "这是Excel或WPS打开文件时自动生成的临时文件（~$开头），不是报表，已忽略。"
                        "如该股室的报表仍显示未报送，请关闭Excel后重新发送原文件", Severity.WARNING, file=ret.file_name)]
    try:
        return read_return(ret, ret.archived_path, tasks, max_bytes, bounds)
    except MemoryError:
        ret.readable = False
        return [failure_finding(ret, Failure("memory", "MemoryError"))]
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        log.exception("reading %s failed", ret.file_name)
        ret.readable = False
        return [Finding("read_failed", f"读取该文件时出错（{type(exc).__name__}: {exc}），未能计入汇总。"
                        "请在Excel中打开检查后另存为.xlsx重新报送；如仍有问题请联系管理员", file=ret.file_name)]


def failure_finding(ret: Return, failure: Failure) -> Finding:
    """What the clerk is told when reading the file took its reader down."""
    if failure.kind == "memory":
        text = ("文件内容异常庞大，读取时超出了内存上限，已停止读取，未能计入汇总。常见原因是在表格很远处（如最后一行、"
                "最后一列）误输入了内容，或文件已损坏：请在Excel中按Ctrl+End检查，删除多余内容后另存为.xlsx重新报送")
    elif failure.kind == "timeout":
        text = (f"读取该文件超过{SECONDS_PER_FILE}秒仍未完成，已停止读取，未能计入汇总。请在Excel中打开检查，"
                "删除多余的内容和图片后另存为.xlsx重新报送")
    else:
        text = (f"读取该文件时读取程序意外终止（{failure.detail}），未能计入汇总。请在Excel中打开检查后另存为.xlsx"
                "重新报送；如仍有问题请联系管理员")
    return Finding("read_failed", text, file=ret.file_name)


def _office_named(file_name: str, offices: list[str]) -> str:
    """The one lead office a file's name names (进展情况表_2022-06_人事股.xlsx), else ""."""
    named = [o for o in offices if o and o in Path(file_name).name]
    return named[0] if len(named) == 1 else ""


def _not_archived(ret: Return, offices: list[str]) -> Finding:
    """A file collect could not copy: listed (under the office its name names), never lost."""
    office = _office_named(ret.file_name, offices)
    return Finding("collect_failed", "收件箱中有该文件，但收取时未能复制到存档（或无法读取），"
                   "因此未能核对和计入汇总" + (f"，{office}可能因此显示为未报送" if office else "")
                   + "。请确认文件未被占用、存档文件夹可写且磁盘有空间，"
                   "然后重新运行收取（yuebao collect 或 yuebao run）", office=office, file=ret.file_name)


def summarise(cycle: Cycle, period: Period, check: MonthCheck, ledger: Ledger) -> MonthSummary:
    """The month's summary, compared with what the ledger remembers of the months before."""
    title = render("summary_title.j2", bureau=cycle.config.bureau, year=period.year)
    summary = build_summary(cycle.tasks, period, check, cycle.as_of, cycle.amber_days, cycle.config.office, title)
    previous = ledger.state(period.previous())
    before = ledger.state(make_period(period.previous()).previous())
    summary.has_previous = bool(previous)
    summary.changes = find_changes(summary, previous, before)
    for change in summary.changes:
        if change.kind in (SAME_PROGRESS, SAME_TWICE):
            ret = check.chosen.get(change.task.lead)   # the text compared is the chosen return's
            report = ret.tasks.get(change.task.key) if ret else None
            row = report.row if report else None
            column = ret.columns.get(form.PROGRESS) if ret else None
            cell = f"{column}{row}" if column and row else ""
            summary.findings.append(Finding(
                "progress_unchanged", f"第{change.task.no}项任务“{change.task.name}”的进展情况与上月完全相同"
                + ("（已连续两个月未更新）" if change.kind == SAME_TWICE else "") + "，请核实并填写本月的新进展",
                Severity.WARNING, office=change.task.lead, file=ret.file_name if ret else "",
                sheet=ret.sheet if ret else "", row=row, cell=cell, task_key=change.task.key))
    apply_rules(summary.findings, cycle.config.data["rules"])
    summary.red_share = cycle.config.data["supervision"]["red_share"]
    summary.unit = cycle.config.bureau
    summary.offices = office_rows(cycle.tasks, period, check, summary, cycle.config.office, summary.red_share)
    trend = {m: n for m, n in ledger.overdue_trend(period.year).items() if m < period.label}
    trend[period.label] = summary.counts[Light.OVERDUE]
    summary.trend = trend
    return summary


@dataclass
class CheckResult:
    summary: MonthSummary
    findings_path: Path
    summary_path: Path | None = None
    pdf_path: Path | None = None
    feedback: list[Path] = field(default_factory=list)


def write_feedback(cycle: Cycle, summary: MonthSummary, folder: Path) -> list[Path]:
    """One short text per office with something to fix, for the clerk to send back (templates/feedback.j2)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("反馈_*.txt"):
        old.unlink()
    fix_by = add_workdays(cycle.as_of, 2)
    findings_of = findings_by_office(summary.findings)
    paths = []
    for row in summary.offices:
        office = row.office.name
        mine = sorted(findings_of.get(office, []),   # in sheet order, as the clerk reads
                      key=lambda f: (bool(f.sheet), f.sheet, f.row or 0, f.cell))
        if not mine:
            continue
        text = render("feedback.j2", office=office, title=form_title(cycle.config.bureau, summary.period),
                      returned=bool(row.file), file=row.file, findings=mine, as_of=cycle.as_of,
                      deadline=summary.period.deadline, fix_by=fix_by,
                      errors=any(f.severity is Severity.ERROR for f in mine), sender=f"{cycle.config.bureau}办公室")
        path = folder / feedback_file_name(office)
        path.write_text(text + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def feedback_file_name(office: str) -> str:
    return f"反馈_{safe_name(office)}.txt"


def validate(cycle: Cycle, month: str, progress=None, merge: bool = False) -> CheckResult:
    """Check the month's returns, record the outcome in the ledger, write 校验问题 (and the summary)."""
    cycle.period(month)
    with cycle.writing(month):
        return _validate(cycle, month, progress, merge)


def _validate(cycle: Cycle, month: str, progress=None, merge: bool = False) -> CheckResult:
    period, check = check_month(cycle, month, progress)
    folder = cycle.folder("summary", month)
    ledger = cycle.ledger()
    try:
        summary = summarise(cycle, period, check, ledger)
        ledger.record_validation(month, check.returns, summary.findings)
        result = CheckResult(summary, write_findings_workbook(summary, folder / findings_file_name(month),
                                                              cycle.amber_days, cycle.fills))
        result.feedback = write_feedback(cycle, summary, folder / "反馈")
        if merge:
            result.summary_path = write_summary(summary, folder / summary_file_name(month), cycle.amber_days,
                                               cycle.fills)
            ledger.record_state(month, cycle.as_of.isoformat(), str(result.summary_path), state_items(summary))
    finally:
        ledger.close()
    return result


def merge(cycle: Cycle, month: str, progress=None, pdf: bool = False) -> CheckResult:
    cycle.period(month)
    with cycle.writing(month):
        result = validate(cycle, month, progress, merge=True)
        if pdf:  # the chiefs' pages only: 概览 and 逾期事项
            folder = result.summary_path.parent
            with tempfile.TemporaryDirectory() as tmp:
                printable = write_summary(result.summary, Path(tmp) / result.summary_path.name,
                                          cycle.amber_days, cycle.fills, sheets=PRINT_SHEETS)
                result.pdf_path = to_pdf(printable, folder)
    return result
