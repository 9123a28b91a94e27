"""Python's cyclic garbage collector held off while many long-lived objects are made at once."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def collection_paused() -> Iterator[None]:
    """No cyclic garbage collection inside.  For building what stays alive (a province's task
    list, the month's returns read back from the workers): each pass of the collector walks every
    object the process holds, hundreds of thousands, and would free nothing."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()
