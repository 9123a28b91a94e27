"""Another command holding a month's lock, in a process of its own, for the tests of what the
page does meanwhile.  The process is spawned, not forked: a fork of the test's process would copy
the page's server threads' locks and sockets in the state they happened to be in."""

from __future__ import annotations

import multiprocessing

from filelock import FileLock

from reporting.monthlock import lock_folder


def hold_month(ledger, month: str, seconds: float, held, released) -> None:
    """Another yuebao process (say a `yuebao run`) holding the month's lock."""
    with FileLock(lock_folder(ledger) / f"{month}.lock"):
        held.set()
        released.wait(seconds)


class Holder:
    """Another process holding the month's lock until released (at most its `seconds`)."""

    def __init__(self, ledger, month: str, seconds: float):
        lock_folder(ledger).mkdir(parents=True, exist_ok=True)
        spawn = multiprocessing.get_context("spawn")
        held, self._released = spawn.Event(), spawn.Event()
        self._process = spawn.Process(
            target=hold_month, args=(ledger, month, seconds, held, self._released), daemon=True
        )
        self._process.start()
        assert held.wait(10)

    def is_alive(self) -> bool:
        return self._process.is_alive()

    def release(self) -> None:
        """The other command ends: the month is free once this returns."""
        self._released.set()
        self._process.join(30)


def holding(ledger, month: str, seconds: float) -> Holder:
    """Another process holding the month's lock from now on (it is held when this returns),
    until released, or for `seconds` at most."""
    return Holder(ledger, month, seconds)
