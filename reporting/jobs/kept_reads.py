"""The schedule's runs in one process read each archived file once, not once a run.

`yuebao schedule` runs every day in one process, and each run judges this month and, on
escalation days, every earlier month with late returns: without this, every file of those months
is read again each day, in worker processes started for it.  A file's bytes never change in the
archive, so a month's files read by an earlier run are taken as read (reading.read_cached), as
long as the month's task list and the size limit are the ones they were read under; anything
else reads them anew.  A file that could not be read is read again each time, as before: its
reader may have failed for the moment only (a timeout on a busy machine), and a clerk must not be
reminded all year for it; so is a file gone from the archive (its loss is told, as before).  The
months judged most recently are kept, up to a year's worth and a bound on the files held.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import TYPE_CHECKING

from ..intake.reading import ReadCache

if TYPE_CHECKING:
    from ..context import Cycle
    from ..models import TaskList

KEPT_MONTHS = 13  # a reporting year and the December before it
KEPT_FILES = 2000  # a county's year is ~200; a province's month may be more: then that month only


class KeptReads:
    def __init__(self, months: int = KEPT_MONTHS, files: int = KEPT_FILES):
        self.months, self.files = months, files
        self._kept: OrderedDict[tuple[str, str], tuple[TaskList, int, ReadCache]] = OrderedDict()
        self._lock = threading.Lock()

    def of(self, cycle: Cycle, month: str) -> ReadCache:
        """The files of `month` read before under the list the month is judged by now."""
        tasks = cycle.tasks_for(month)
        max_mb = cycle.config.collect.max_file_mb
        key = (str(cycle.config.ledger_path), month)
        with self._lock:
            kept = self._kept.pop(key, None)
            cache = ReadCache()  # (a new one: a judgement still using the last is not disturbed)
            if kept is not None and kept[0] == tasks and kept[1] == max_mb:  # else: all anew
                cache.update(
                    (k, (ret, found))
                    for k, (ret, found) in list(kept[2].items())
                    if ret.readable and ret.archived_path and ret.archived_path.is_file()
                )  # the others are read again, as the first time: they may fail again
            self._kept[key] = (tasks, max_mb, cache)
            while len(self._kept) > 1 and (
                len(self._kept) > self.months
                or sum(len(c) for _, _, c in self._kept.values()) > self.files
            ):
                self._kept.popitem(last=False)  # the month judged longest ago
            return cache

    def clear(self) -> None:
        with self._lock:
            self._kept.clear()


KEPT_READS = KeptReads()
