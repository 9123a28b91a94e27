"""The uploads waiting to be checked: received and stored at once, checked here, in the
background, so no page ever waits for a check or for a month another command is working on.

Each office's uploads are checked one at a time, in the order received, and the offices take
turns: one office's heavy files wait behind each other, never in front of everyone else's.  Heavy
files (big workbooks, slow to read) never take the last worker: a normal upload always finds one.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from typing import Callable

log = logging.getLogger(__name__)


class CheckQueue:
    def __init__(self, workers: int, check: Callable[[int], None]):
        self._check = check
        self._lanes: dict[str, deque[tuple[int, bool]]] = {}  # office -> (upload, heavy), oldest
        self._heavy_at_most = max(1, workers - 1)
        self._heavy = 0  # heavy uploads being checked
        self._turns: deque[str] = deque()  # offices with an upload waiting and none in check
        self._busy: set[str] = set()
        self._done: dict[int, threading.Event] = {}
        self._cond = threading.Condition()
        self._stopping = False
        self._threads = [
            threading.Thread(target=self._work, name=f"yuebao-check-{i}", daemon=True)
            for i in range(max(1, workers))
        ]
        for thread in self._threads:
            thread.start()

    def put(self, office: str, upload_id: int, heavy: bool = False) -> threading.Event:
        """Queue an upload (`heavy`: a big file); the event is set once it has been checked."""
        with self._cond:
            self._lanes.setdefault(office, deque()).append((upload_id, heavy))
            done = self._done[upload_id] = threading.Event()
            if office not in self._busy and office not in self._turns:
                self._turns.append(office)
            self._cond.notify()
            return done

    def waiting(self) -> int:
        with self._cond:
            return sum(len(lane) for lane in self._lanes.values()) + len(self._busy)

    def close(self, seconds: float = 5) -> None:
        with self._cond:
            self._stopping = True
            self._cond.notify_all()
        for thread in self._threads:
            thread.join(timeout=seconds)

    def _next(self) -> tuple[str, int, bool] | None:
        with self._cond:
            while not self._stopping and (turn := self._turn()) is None:
                self._cond.wait()
            if self._stopping:
                return None
            assert turn is not None  # the loop ends on a turn or on stopping
            office = turn
            self._turns.remove(office)
            self._busy.add(office)
            upload_id, heavy = self._lanes[office].popleft()
            self._heavy += heavy
            return office, upload_id, heavy

    def _turn(self) -> str | None:
        """The first office in turn whose next upload may start now."""
        for office in self._turns:
            if not self._lanes[office][0][1] or self._heavy < self._heavy_at_most:
                return office
        return None

    def _finished(self, office: str, upload_id: int, heavy: bool) -> None:
        with self._cond:
            self._busy.discard(office)
            self._heavy -= heavy
            if self._lanes.get(office):
                self._turns.append(office)  # at the back: the others take their turn first
            else:
                self._lanes.pop(office, None)
            self._cond.notify_all()
            event = self._done.pop(upload_id, None)
        if event is not None:
            event.set()

    def _work(self) -> None:
        while (job := self._next()) is not None:
            office, upload_id, heavy = job
            try:
                self._check(upload_id)
            except Exception:  # noqa: BLE001 - the check records its own failure; keep serving
                log.exception("checking upload %s of %s failed", upload_id, office)
            finally:
                self._finished(office, upload_id, heavy)
