"""Backups of the ledger, taken with SQLite's online backup, and restoring one.

Before a command or a day of the schedule changes the ledger, the ledger is checked and copied
to `ledger.sqlite3.backup/ledger-YYYYMMDD-HHMMSS-mmm.sqlite3` (no copy when nothing changed since
the last one; the newest `ledger_backups` are kept).  A damaged ledger is never backed up, so every
backup is a good one.  `yuebao ledger restore` puts the newest good backup (or the one named) in
place and keeps the file it replaces beside it, never deleting it.
"""

from __future__ import annotations

import os
import sqlite3
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from .errors import YuebaoError
from .ledger import RESTORE_HINT, backup_folder, ledger_error, open_ledger, verify
from .monthlock import hold_months, locked_months

SIDE_FILES = ("-journal", "-wal", "-shm")  # SQLite's own files beside a database


def backups(ledger: Path) -> list[Path]:
    """The ledger's backups, oldest first (their names carry the time they were taken)."""
    folder = backup_folder(ledger)
    return sorted(folder.glob(f"{ledger.stem}-*.sqlite3")) if folder.is_dir() else []


def back_up(ledger: Path, keep: int) -> Path | None:
    """Check the ledger and copy it; None when there is no ledger yet or it is unchanged."""
    if not ledger.exists():
        return None
    # checked every time: a damaged ledger stops here, before it could push out a good backup
    source = open_ledger(ledger, recheck=True)
    folder = backup_folder(ledger)
    try:
        folder.mkdir(exist_ok=True)
        earlier = backups(ledger)
        if earlier and _same_content(ledger, earlier[-1]):
            return None
        target = folder / f"{ledger.stem}-{_now()}.sqlite3"
        _copy(source, target)
        for old in backups(ledger)[:-keep]:
            old.unlink()
    except OSError as exc:
        raise YuebaoError(
            f"无法备份台账到 {folder}（{exc.strerror or exc}）。"
            "请检查台账所在文件夹是否可写、磁盘是否已满",
            f"cannot back up the ledger to {folder}: {exc}",
        ) from exc
    except sqlite3.Error as exc:
        raise ledger_error(ledger, exc) from exc
    finally:
        source.close()
    return target


def _now() -> str:
    """The time in a backup's name, to the millisecond: two changes in one second (a command
    run twice, the page's uploads) each keep their own backup; names sort as times."""
    return datetime.now().strftime("%Y%m%d-%H%M%S-%f")[:-3]


def _copy(source: sqlite3.Connection, target: Path) -> None:
    """A consistent copy even while another process writes: SQLite's online backup, renamed."""
    partial = target.with_name(f".{target.name}.{os.getpid()}.part")
    copy = sqlite3.connect(partial)
    try:
        source.backup(copy)
    finally:
        copy.close()
    os.replace(partial, target)


def _same_content(a: Path, b: Path) -> bool:
    """Byte for byte after the 100-byte header, whose counters a backup renumbers (any change of the
    data changes a page)."""
    if a.stat().st_size != b.stat().st_size:
        return False
    with a.open("rb") as fa, b.open("rb") as fb:
        fa.seek(100)
        fb.seek(100)
        while True:
            ca, cb = fa.read(1 << 20), fb.read(1 << 20)
            if ca != cb:
                return False
            if not ca:
                return True


def _connect(path: Path) -> sqlite3.Connection:
    """Read-only, unless a journal left by a killed run must first be rolled back (SQLite does that
    on opening; a read-only connection cannot, and would call a sound ledger unreadable)."""
    if any(Path(f"{path}{side}").exists() for side in SIDE_FILES):
        return sqlite3.connect(path)
    return sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)


def is_good(path: Path) -> str | None:
    """None when `path` is a readable yuebao ledger, else what is wrong with it."""
    if not path.is_file():
        return "文件不存在"
    if path.stat().st_size == 0:
        return "文件是空的（0字节）"
    try:
        db = _connect(path)
    except sqlite3.Error as exc:
        return str(exc)
    try:
        return verify(db)
    except sqlite3.Error as exc:
        return f"无法读取（{exc}）"
    finally:
        db.close()


@dataclass
class LedgerReport:
    path: Path
    problem: str | None = None  # None: the ledger is sound
    size: int = 0
    rows: dict[str, int] = field(default_factory=dict)
    months: list[str] = field(default_factory=list)
    backups: list[Path] = field(default_factory=list)

    @property
    def not_yet(self) -> bool:
        """No ledger and no backup: nothing has been collected or merged yet."""
        return not self.path.exists() and not self.backups

    def error(self) -> YuebaoError:
        """What `yuebao ledger check` stops with when the ledger is not sound."""
        hint = RESTORE_HINT if self.backups else "没有备份可以恢复"
        return YuebaoError(
            f"台账有问题：{self.problem}。{hint}", f"ledger check failed: {self.problem}"
        )


def inspect(ledger: Path) -> LedgerReport:
    """`yuebao ledger check`: integrity, what the ledger holds, and its backups."""
    report = LedgerReport(ledger, backups=backups(ledger))
    if not ledger.exists():
        report.problem = "台账文件不存在（尚未运行过，或已被移走）"
        return report
    report.size = ledger.stat().st_size
    report.problem = is_good(ledger)
    if report.problem:
        return report
    db = _connect(ledger)
    try:
        tables = [
            r[0]
            for r in db.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")
        ]
        report.rows = {t: db.execute(f'SELECT COUNT(*) FROM "{t}"').fetchone()[0] for t in tables}
        if "returns" in tables:
            report.months = [
                r[0] for r in db.execute("SELECT DISTINCT month FROM returns ORDER BY month")
            ]
    finally:
        db.close()
    return report


def restore_when_idle(ledger: Path, chosen: Path | None = None) -> tuple[Path, Path | None]:
    """`yuebao ledger restore`: restore, but not while another yuebao works on any month."""
    with hold_months(ledger, locked_months(ledger), 0):
        return restore(ledger, chosen)


def restore(ledger: Path, chosen: Path | None = None) -> tuple[Path, Path | None]:
    """Put a good backup in place of the ledger; returns (backup used, where the old file went)."""
    if chosen is not None:
        candidates = [chosen if chosen.exists() else backup_folder(ledger) / chosen.name]
        problem = is_good(candidates[0])
        if problem:
            raise YuebaoError(
                f"该备份不能用于恢复：{candidates[0]}（{problem}）", f"backup unusable: {problem}"
            )
    else:
        candidates = [b for b in reversed(backups(ledger)) if is_good(b) is None][:1]
        if not candidates:
            raise YuebaoError(
                f"没有找到可用的台账备份（{backup_folder(ledger)}）。如有其他备份（如整机备份），"
                "可把其中的台账文件名作为参数：yuebao ledger restore 文件路径",
                f"no usable backup of {ledger}",
            )
    backup = candidates[0]
    fresh = ledger.with_name(f".{ledger.name}.{os.getpid()}.restore")
    aside = ledger.with_name(f"{ledger.name}.replaced-{_now()}")
    try:
        source = sqlite3.connect(f"{backup.resolve().as_uri()}?mode=ro", uri=True)
        try:
            _copy(source, fresh)
        finally:
            source.close()
        kept = None
        if ledger.exists():
            os.rename(ledger, aside)
            kept = aside
        for side in SIDE_FILES:  # a journal beside the old file must not be applied to the new
            if Path(f"{ledger}{side}").exists():
                os.rename(f"{ledger}{side}", f"{aside}{side}")
        os.replace(fresh, ledger)
    except (OSError, sqlite3.Error) as exc:
        fresh.unlink(missing_ok=True)
        raise YuebaoError(
            f"恢复台账失败（{exc}）：{ledger}。请检查文件夹是否可写后重试"
            f"（原文件如已移开，在 {aside}）",
            f"restore failed: {exc}",
        ) from exc
    return backup, kept
