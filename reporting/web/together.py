"""Work done together: the caller whose turn it is does, with its own job, every job that came
meanwhile (one commit, one hold of the month for all of them), so fifty callers at once cost a
few turns, not fifty.  The page's own SQLite writes (connections.write_together) and the
collecting of checked uploads (uploads.Intake) both take their turns here."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from typing import Generic, Protocol, TypeVar


class Job(Protocol):
    done: bool  # set by the batch that did it


J = TypeVar("J", bound=Job)


class Together(Generic[J]):
    def __init__(self, turn: threading.Lock | None = None):
        self._turn = turn or threading.Lock()  # (a lock others take too: their turn as well)
        self._lock = threading.Lock()
        self._waiting: list[J] = []

    def finish(
        self, job: J, do: Callable[[list[J]], list[J] | None], retry_seconds: float = 0
    ) -> None:
        """Return once `job` is done: by this caller when its turn comes, with every job
        waiting then, or by a caller whose turn came first.  `do` does a batch, marking each
        job done, and returns those to try again (after `retry_seconds`, outside the turn)."""
        with self._lock:
            self._waiting.append(job)
        while not job.done:
            again: list[J] | None = None
            with self._turn:
                if job.done:  # done in the turn of a caller before
                    break
                with self._lock:
                    batch, self._waiting = self._waiting, []
                again = do(batch)
                if again:
                    with self._lock:
                        self._waiting[:0] = again
            if again:
                time.sleep(retry_seconds)
