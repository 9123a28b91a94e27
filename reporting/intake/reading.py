"""Reading a month's archived returns: each in a worker process, whatever a file does to it.

A file that cannot be read, crashes or exhausts its reader, or came after the day judged becomes
a finding for that file; every other return is read as usual, in the order given.
"""

from __future__ import annotations

import logging
import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date
from pathlib import Path
from typing import Any, TypeVar

from ..heap import collection_paused
from ..models import Finding, Progress, Return, Severity, TaskList, TaskReport
from .grids import MAX_FILE_BYTES, Bounds
from .isolation import SECONDS_PER_FILE, Failure, run_isolated
from .returns import read_return, reading_bounds

log = logging.getLogger(__name__)
_T = TypeVar("_T")


class ReadCache(dict[tuple[str, str, str], tuple[Return, list[Finding]]]):
    """Files read before, by (SHA-256, archived path, file name): the return as read, its
    findings.  `read_one`, if given, reads the new files (the intranet page's long-lived
    workers: starting worker processes for a few new files costs more than reading them)."""

    def __init__(self, read_one: Callable[[Return], tuple[Return, list[Finding]]] | None = None):
        super().__init__()
        self.read_one = read_one


def read_month(
    returns: list[Return],
    tasks: TaskList,
    as_of: date,
    max_bytes: int = MAX_FILE_BYTES,
    progress: Progress | None = None,
    cache: ReadCache | None = None,
) -> tuple[list[Return], list[Return], list[Finding]]:
    """(returns read, returns received after `as_of`, what reading found), nothing dropped.
    `cache` (the intranet page's): files read before are not read again (see read_cached)."""
    read_findings: list[Finding] = []
    future = [r for r in returns if r.received_at.date() > as_of]
    returns = [r for r in returns if r.received_at.date() <= as_of]
    for ret in future:  # judged as of a past day: what came later did not exist yet
        ret.readable = False
        read_findings.append(
            Finding(
                "after_as_of",
                f"该文件于{ret.received_at:%Y-%m-%d %H:%M}收到，晚于本次汇总所依据的日期"
                f"{as_of:%Y-%m-%d}，未计入本次汇总",
                Severity.WARNING,
                file=ret.file_name,
            )
        )
    offices = tasks.lead_offices()
    for ret in returns:
        if ret.archived_path is None:
            ret.readable = False
            read_findings.append(_not_archived(ret, offices))
    archived = [r for r in returns if r.archived_path is not None]
    if cache is None:
        done, found = read_isolated(archived, tasks, max_bytes, progress)
    else:
        done, found = read_cached(archived, tasks, max_bytes, progress, cache)
    read_back = iter(done)
    returns = [next(read_back) if r.archived_path is not None else r for r in returns]
    unread = {r.file_name for r in returns if not r.readable}
    for f in found:  # a file that cannot be read names no office; its file name may
        if f.file in unread and not f.office:
            f.office = _office_named(f.file, offices)
    return returns, future, read_findings + found


def read_cached(
    archived: list[Return],
    tasks: TaskList,
    max_bytes: int,
    progress: Progress | None,
    cache: ReadCache,
) -> tuple[list[Return], list[Finding]]:
    """As read_isolated, reading only the files not in `cache` (a file's bytes never change in
    the archive) and keeping them there; each caller gets its own copies, as validate marks
    them, with the times the ledger has now (a file sent again)."""

    def key(r: Return) -> tuple[str, str, str]:
        return r.sha256, str(r.archived_path), r.file_name

    fresh = [r for r in archived if key(r) not in cache]
    read: list[Return] = []
    found: list[Finding] = []
    if cache.read_one is not None and fresh:
        with ThreadPoolExecutor(max(1, min(len(fresh), 8))) as pool:  # the workers share them
            for ret, mine in pool.map(cache.read_one, fresh):
                read.append(ret)
                found += mine
    elif fresh:
        read, found = read_isolated(fresh, tasks, max_bytes, progress)
    for r in read:
        cache[key(r)] = r, [f for f in found if f.file == r.file_name]
    done: list[Return] = []
    findings: list[Finding] = []
    for r in archived:
        ret, mine = cache[key(r)]
        ret = shallow(ret)
        ret.received_at, ret.sent_again_at = r.received_at, r.sent_again_at
        done.append(ret)
        findings += [shallow(f) for f in mine]
    return done, findings


def shallow(obj: _T) -> _T:
    """A copy of a Return or Finding as read, for one caller to mark (validate sets a return's
    verdict and office, a finding's office); what it holds is shared.  The cache's returns are
    copied on every judgement: copy.copy cost more than the judgement itself, and a return's
    reports are copied only where they are marked (see own_reports)."""
    new = object.__new__(type(obj))
    new.__dict__.update(obj.__dict__)
    return new


def own_reports(ret: Return) -> None:
    """Give the return its own reports to mark (the content check sets each milestone's status
    as read): the ones read are shared with the page's cache."""
    tasks: dict[str, TaskReport] = {}
    for key, report in ret.tasks.items():
        report = shallow(report)
        report.milestones = {k: shallow(m) for k, m in report.milestones.items()}
        tasks[key] = report
    ret.tasks = tasks


PARALLEL_FROM = 24  # below this, one worker: starting more costs more than it saves


def read_isolated(
    returns: list[Return],
    tasks: TaskList,
    max_bytes: int = MAX_FILE_BYTES,
    progress: Progress | None = None,
) -> tuple[list[Return], list[Finding]]:
    """Read returns in worker processes (on every core from PARALLEL_FROM on), order kept.

    Whatever a file does to its reader (exhausts memory, crashes it, hangs it) becomes a finding
    for that file; every other return is read as usual.
    """
    workers = min(4, os.cpu_count() or 1) if len(returns) >= PARALLEL_FROM else 1
    ticker: Callable[[int, int, Return], None] | None = None
    if progress:
        ticker = lambda i, n, ret: progress(i, n, ret.file_name)  # noqa: E731
    bounds = reading_bounds(tasks)
    try:
        with collection_paused():  # the returns read back all stay: see heap.py
            outcomes = run_isolated(
                _read_job, returns, _init_reader, (tasks, max_bytes, bounds), workers, ticker
            )
    except OSError as exc:  # no worker process can start here: read in this one, still bounded
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


_worker: dict[str, Any] = {}  # what _init_reader gave this worker process


def _init_reader(tasks: TaskList, max_bytes: int, bounds: Bounds) -> None:
    _worker.update(tasks=tasks, max_bytes=max_bytes, bounds=bounds)


def _read_job(ret: Return) -> tuple[Return, list[Finding]]:
    return ret, read_one(ret, _worker["tasks"], _worker["max_bytes"], _worker["bounds"])


def read_one(
    ret: Return, tasks: TaskList, max_bytes: int = MAX_FILE_BYTES, bounds: Bounds | None = None
) -> list[Finding]:
    """Read one return; whatever goes wrong becomes a finding for that file, never a crash."""
    name = Path(ret.file_name).name
    if name.startswith("~$"):
        ret.readable = False
        return [
            Finding(
                "lock_file",
                "这是Excel或WPS打开文件时自动生成的临时文件（~$开头），不是报表，已忽略。"
                "如该股室的报表仍显示未报送，请关闭Excel后重新发送原文件",
                Severity.WARNING,
                file=ret.file_name,
            )
        ]
    try:
        assert ret.archived_path is not None, "only archived returns are read"
        return read_return(ret, ret.archived_path, tasks, max_bytes, bounds)
    except MemoryError:
        ret.readable = False
        return [failure_finding(ret, Failure("memory", "MemoryError"))]
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the batch
        log.exception("reading %s failed", ret.file_name)
        ret.readable = False
        return [
            Finding(
                "read_failed",
                f"读取该文件时出错（{type(exc).__name__}: {exc}），未能计入汇总。"
                "请在Excel中打开检查后另存为.xlsx重新报送；如仍有问题请联系管理员",
                file=ret.file_name,
            )
        ]


def failure_finding(ret: Return, failure: Failure) -> Finding:
    """What the clerk is told when reading the file took its reader down."""
    if failure.kind == "memory":
        text = (
            "文件内容异常庞大，读取时超出了内存上限，已停止读取，未能计入汇总。常见原因是在表格很远处（如最后一行、"
            "最后一列）误输入了内容，或文件已损坏：请在Excel中按Ctrl+End检查，删除多余内容后另存为.xlsx重新报送"
        )
    elif failure.kind == "timeout":
        text = (
            f"读取该文件超过{SECONDS_PER_FILE}秒仍未完成，已停止读取，未能计入汇总。请在Excel中打开检查，"
            "删除多余的内容和图片后另存为.xlsx重新报送"
        )
    else:
        text = (
            f"读取该文件时读取程序意外终止（{failure.detail}），未能计入汇总。请在Excel中打开检查后另存为.xlsx"
            "重新报送；如仍有问题请联系管理员"
        )
    return Finding("read_failed", text, file=ret.file_name)


def _office_named(file_name: str, offices: list[str]) -> str:
    """The one lead office a file's name names (进展情况表_2022-06_人事股.xlsx), else ""."""
    named = [o for o in offices if o and o in Path(file_name).name]
    return named[0] if len(named) == 1 else ""


def _not_archived(ret: Return, offices: list[str]) -> Finding:
    """A file collect could not copy: listed (under the office its name names), never lost."""
    office = _office_named(ret.file_name, offices)
    return Finding(
        "collect_failed",
        "收件箱中有该文件，但收取时未能复制到存档（或无法读取），"
        "因此未能核对和计入汇总"
        + (f"，{office}可能因此显示为未报送" if office else "")
        + "。请确认文件未被占用、存档文件夹可写且磁盘有空间，"
        "然后重新运行收取（yuebao collect 或 yuebao run）",
        office=office,
        file=ret.file_name,
    )
