"""Opening the ledger file: checked before it is used, created only where no file is.

A file that is empty, damaged or not a yuebao ledger stops the command with what to do (`yuebao
ledger restore`, see backup.py), instead of starting over with an empty ledger and forgetting every
return, extension and notice.  Every SQLite error becomes one line for the clerk (ledger_error).
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path

from ..errors import YuebaoError
from .schema import APPLICATION_ID, SCHEMA, SCHEMA_VERSION

BUSY_SECONDS = 30  # another process writing (another month): wait this long for it
RESTORE_HINT = "请运行 yuebao ledger restore 从备份恢复（原文件会保留在旁边，不会删除）"
NEWER = "台账由更新版本的yuebao写入"
_verified: set[Path] = set()  # checked once per process: quick_check reads every page


def open_ledger(path: Path, recheck: bool = False) -> sqlite3.Connection:
    """The ledger at `path`, checked (the first time in a process, or again with `recheck`); a new
    one only where no file is."""
    if not path.exists():
        _create(path)
    elif path.is_file() and path.stat().st_size == 0:
        raise YuebaoError(
            f"台账文件是空的（0字节），其中的记录已丢失：{path}。{_restore_or_start(path)}",
            f"ledger is empty (0 bytes): {path}",
        )
    try:
        db = sqlite3.connect(path, timeout=BUSY_SECONDS)
    except sqlite3.Error as exc:
        raise ledger_error(path, exc) from exc
    try:
        if recheck or path.resolve() not in _verified:
            problem = verify(db)
            if problem:
                hint = "" if problem.startswith(NEWER) else RESTORE_HINT
                raise YuebaoError(
                    f"{problem}：{path}。{hint}",
                    f"ledger unusable (damaged or not a ledger): {path}",
                )
            _verified.add(path.resolve())
        if db.execute("PRAGMA application_id").fetchone()[0] != APPLICATION_ID:  # an older yuebao's
            with db:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        db.executescript(SCHEMA)
    except sqlite3.DatabaseError as exc:
        db.close()
        raise ledger_error(path, exc) from exc
    except YuebaoError:
        db.close()
        raise
    return db


def stamp(path: Path) -> tuple[int, ...] | None:
    """What changes whenever a transaction is committed to the ledger, read without opening it
    as a database: SQLite's file change counter (header bytes 24-27, kept in the rollback-journal
    mode the ledger runs in) with the file's identity, size and time.  Pages compare it to know
    the ledger is as they last read it; None (not known: read the ledger) for a file in WAL mode,
    whose counter stands still, or one that cannot be read."""
    try:
        with path.open("rb") as f:
            info, head = os.fstat(f.fileno()), f.read(28)
    except OSError:
        return None
    if len(head) < 28 or head[18] == 2:  # too short to be a database, or WAL (write version 2)
        return None
    counter = int.from_bytes(head[24:28], "big")
    return (info.st_dev, info.st_ino, info.st_size, info.st_mtime_ns, counter)


def commit_of(when: tuple[int, ...] | None) -> tuple[int, int, int] | None:
    """Which commit a stamp was taken after: (the file's device, inode, change counter)."""
    return None if when is None else (when[0], when[1], when[-1])


def verify(db: sqlite3.Connection) -> str | None:
    """What is wrong with the open file, in Chinese, or None: every page readable (PRAGMA
    quick_check), and a yuebao ledger (its application_id, or an older yuebao's tables)."""
    try:
        problems = [row[0] for row in db.execute("PRAGMA quick_check(5)").fetchall()]
        app = db.execute("PRAGMA application_id").fetchone()[0]
        version = db.execute("PRAGMA user_version").fetchone()[0]
        tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        if "locked" in str(exc) or "readonly" in str(exc) or "unable to open" in str(exc):
            raise
        return f"台账文件已损坏（{exc}）"
    if problems != ["ok"]:
        return (
            f"台账文件已损坏（{' '.join(problems[0].split())}）"  # the first problem, on one line
        )
    if app == APPLICATION_ID and version > SCHEMA_VERSION:
        return f"{NEWER}（格式{version}），请升级yuebao后再运行"
    if app != APPLICATION_ID and not (app == 0 and {"returns", "findings"} <= tables):
        return (
            "该文件不是yuebao的台账"
            "（请检查config.yaml中的ledger是否指错了文件，或台账已被别的文件覆盖）"
        )
    return None


def ledger_error(path: Path, exc: sqlite3.Error) -> YuebaoError:
    """One line for the clerk saying what went wrong with the ledger file and what to do."""
    text = str(exc).lower()
    if "readonly" in text or "read-only" in text:
        zh = (
            f"台账文件或其所在文件夹是只读的，无法写入：{path}。"
            "请取消只读（文件和文件夹的属性/权限）后重新运行"
        )
    elif "locked" in text or "busy" in text:
        zh = (
            f"台账正被另一个程序占用（{BUSY_SECONDS}秒后仍未释放）：{path}。"
            "请等其他yuebao命令结束后重新运行"
        )
    elif "unable to open" in text:
        zh = f"无法打开台账文件：{path}。请检查路径是否正确、所在文件夹是否存在且可写"
    elif "disk i/o" in text or "full" in text:
        zh = (
            f"读写台账时磁盘出错（磁盘已满或文件所在的磁盘/网络盘有问题）：{path}。"
            "请检查磁盘后重新运行"
        )
    else:
        zh = f"台账文件已损坏：{path}（{exc}）。{RESTORE_HINT}"
    return YuebaoError(zh, f"ledger {path}: {type(exc).__name__}: {exc}")


def _create(path: Path) -> None:
    """A new, empty ledger, put in place only if still no file is there (another may race us)."""
    if backup_folder(path).is_dir() and any(backup_folder(path).glob("*.sqlite3")):
        raise YuebaoError(
            f"台账文件不见了，但有它的备份：{path}。{RESTORE_HINT}；"
            f"如确实要从空台账重新开始，请先把备份文件夹{backup_folder(path).name}改名",
            f"ledger missing but backups exist: {path}",
        )
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fresh = path.with_name(f".{path.name}.{os.getpid()}.new")
        db = sqlite3.connect(fresh)
        try:
            with db:
                db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
                db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
            db.executescript(SCHEMA)
        finally:
            db.close()
        try:
            os.link(fresh, path)  # fails if a file appeared meanwhile: never over an existing one
        except FileExistsError:
            pass
        except OSError:  # no hard links here (FAT, some network drives)
            if not path.exists():
                os.rename(fresh, path)
        fresh.unlink(missing_ok=True)
    except (OSError, sqlite3.Error) as exc:
        raise YuebaoError(
            f"无法在此处新建台账：{path}（请检查文件夹是否存在且可写）",
            f"cannot create ledger {path}: {exc}",
        ) from exc


def backup_folder(path: Path) -> Path:
    """Where the ledger's backups are kept: beside it, `ledger.sqlite3.backup/`."""
    return path.with_name(path.name + ".backup")


def _restore_or_start(path: Path) -> str:
    if backup_folder(path).is_dir() and any(backup_folder(path).glob("*.sqlite3")):
        return RESTORE_HINT
    return "没有找到它的备份；如这是新安装、尚未正式使用，可删除该空文件后重新运行"
