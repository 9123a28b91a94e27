"""One command at a time per report month: a lock file per month beside the ledger (filelock).

Two `yuebao run` (or a run and the schedule) on one month would write the same forms, summary and
ledger rows at once.  The second waits up to `lock_wait_seconds`, then stops with one line saying
another run holds the month.  The operating system releases the lock when a process ends, however
it ends, so a killed run never leaves the month locked.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from .errors import YuebaoError
from .period import parse_month

log = logging.getLogger(__name__)


class MonthBusy(YuebaoError):
    """Another yuebao process held the month longer than the wait."""


def lock_folder(ledger: Path) -> Path:
    return ledger.with_name(ledger.name + ".locks")


def _lock(ledger: Path, month: str) -> FileLock:
    # one object per file in a process: taking the same month again inside a command is free
    return FileLock(lock_folder(ledger) / f"{month}.lock", is_singleton=True)


@contextmanager
def hold_months(ledger: Path, months: list[str], wait: float) -> Iterator[None]:
    """Hold the locks of `months` (taken in order, so two commands never wait on each other)."""
    with ExitStack() as stack:
        for month in sorted({"%04d-%02d" % parse_month(m) for m in months}):  # 2022-6 is 2022-06
            stack.enter_context(_acquire(ledger, month, wait))
        yield


@contextmanager
def _acquire(ledger: Path, month: str, wait: float) -> Iterator[None]:
    try:
        lock_folder(ledger).mkdir(parents=True, exist_ok=True)
        lock = _lock(ledger, month)
        try:
            lock.acquire(timeout=0)
        except Timeout:
            if wait <= 0:
                raise
            log.warning("另一个yuebao程序正在处理%s，等待其结束（最多%s秒）", month, wait)
            lock.acquire(timeout=wait)
    except Timeout:
        raise MonthBusy(
            f"另一个yuebao程序正在处理{month}（等待{wait:g}秒后仍未结束），本次未运行。"
            "请等它结束后再运行（该程序结束时会自动解除占用）",
            f"month {month} is held by another yuebao process",
        ) from None
    except OSError as exc:
        raise YuebaoError(
            f"无法在台账所在文件夹建立锁文件：{lock_folder(ledger)}（{exc.strerror or exc}）。"
            "请检查该文件夹是否可写",
            f"cannot create lock in {lock_folder(ledger)}: {exc}",
        ) from exc
    try:
        yield
    finally:
        lock.release()


def locked_months(ledger: Path) -> list[str]:
    """Every month that has been locked at some time (its lock file exists)."""
    folder = lock_folder(ledger)
    return sorted(p.stem for p in folder.glob("*.lock")) if folder.is_dir() else []
