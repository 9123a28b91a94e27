"""Who holds a notice while it is being sent, and until when.

A notice being sent carries a lease: the holder's identity and an expiry time long enough for
every try the mail settings allow.  When the lease has expired the notice is taken over, whoever
held it: a PID can be reused and a host can be renamed (containers, reinstalls), so neither is
trusted to say a holder is alive.  One shortcut, on Linux only: a holder on this very kernel and
PID namespace whose process is gone (or is another process with the same PID, told by its start
time) has certainly stopped, so its notice is taken over at once.
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta
from functools import lru_cache

from ..config import Smtp


def lease_seconds(smtp: Smtp) -> int:
    """Long enough for every try of one message and the waits between them, with a try to spare."""
    tries = max(1, smtp.retries)
    waits = sum(smtp.backoff_seconds * 2**i for i in range(tries - 1))
    return int((2 * tries + 1) * max(1, smtp.timeout) + waits)


def expiry(smtp: Smtp, now: datetime | None = None) -> str:
    return stamp((now or datetime.now()) + timedelta(seconds=lease_seconds(smtp)))


def stamp(moment: datetime) -> str:
    return moment.isoformat(timespec="seconds")


@lru_cache(maxsize=1)
def holder() -> str:
    """This process: kernel boot, PID namespace, PID and start time (elsewhere: the PID alone)."""
    return ":".join((_boot_id(), _pid_namespace(), str(os.getpid()), _start_time(os.getpid())))


def gone(owner: str) -> bool:
    """True only when the holder certainly no longer runs (see the module's note)."""
    boot, ns, pid, started = (owner.split(":") + ["", "", "", ""])[:4]
    if not boot or boot != _boot_id() or ns != _pid_namespace() or not pid.isdigit():
        return False
    return _start_time(int(pid)) != started


def _read(path: str) -> str:
    try:
        with open(path, encoding="ascii", errors="replace") as fh:
            return fh.read().strip()
    except OSError:
        return ""


def _boot_id() -> str:
    return _read("/proc/sys/kernel/random/boot_id").replace(":", "")


def _pid_namespace() -> str:
    try:
        return os.readlink("/proc/self/ns/pid").replace(":", "")
    except OSError:
        return ""


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (/proc/PID/stat, field 22), or ""."""
    text = _read(f"/proc/{pid}/stat")
    if not text:
        return ""
    fields = text.rpartition(")")[2].split()
    return fields[19] if len(fields) > 19 else ""
