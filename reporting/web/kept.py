"""What the page keeps of work done before (forms learnt, files read, checks run, forms made),
by key, at most a number of them: the oldest kept is dropped first.  Safe for the page's many
threads at once."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Kept(Generic[V]):
    def __init__(self, most: int):
        self.most = most
        self._values: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            return self._values.get(key)

    def put(self, key: Hashable, value: V) -> V:
        with self._lock:
            self._keep(key, value)
        return value

    def made(self, key: Hashable, make: Callable[[], V]) -> V:
        """The value kept for `key`, else made by `make` while others asking for one wait: for
        what is slow to make and asked for by many at once (fifty offices pressing 提交)."""
        with self._lock:
            if key not in self._values:
                self._keep(key, make())
            self._values.move_to_end(key)
            return self._values[key]

    def clear(self) -> None:
        with self._lock:
            self._values.clear()

    def _keep(self, key: Hashable, value: V) -> None:
        self._values[key] = value
        while len(self._values) > self.most:
            self._values.popitem(last=False)
