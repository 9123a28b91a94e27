"""The reading workers: a file that exhausts, crashes or hangs its reader costs only itself."""

import os
import sys
import time

import pytest

from reporting.intake import isolation as isolation
from reporting.intake.isolation import Failure, run_isolated

pytestmark = pytest.mark.skipif(
    not sys.platform.startswith("linux"), reason="the address-space limit is Linux's"
)


def misbehave(item: str):
    if item == "hog":
        return len(bytearray(4 << 30))  # 4 GiB: past the workers' memory limit
    if item == "abort":
        os.abort()  # what a native reader does when an allocation fails
    if item == "hang":
        time.sleep(60)
    return item.upper()


def test_every_failure_lands_on_its_own_item_and_the_rest_are_done(monkeypatch):
    monkeypatch.setattr(isolation, "SECONDS_PER_FILE", 2)
    monkeypatch.setattr(isolation, "CHUNK", 3)
    items = ["a", "hog", "b", "c", "abort", "d", "hang", "e"]
    seen = []
    results = run_isolated(
        misbehave, items, workers=2, progress=lambda i, n, item: seen.append(item)
    )
    assert [results[i] for i in (0, 2, 3, 5, 7)] == ["A", "B", "C", "D", "E"]
    assert results[1] == Failure("memory", "MemoryError")
    assert results[4].kind == "memory" and results[6].kind == "timeout"
    assert sorted(seen) == sorted(items)
