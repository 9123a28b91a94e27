"""Quicker ticks for pebble's worker pools in tests that start many of them.

Every month check reads its new returns in a pebble ProcessPool (reporting.intake.isolation), and
a pool's threads look at its state every `pebble.CONSTS.sleep_unit` (0.1 s): a pool that reads a
few forms in 15 ms spends ~0.1 s more waiting for that tick before it ends (the simulated year
starts ~40, the one-truth test one or more per event).  A shorter tick changes nothing a pool
does (the same forked workers, the same limits, the same results and failures), only how soon it
notices it is done.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from pebble import CONSTS

TICK = 0.005  # seconds; pebble's own is 0.1


@contextmanager
def quick_pool_ticks(tick: float = TICK) -> Iterator[None]:
    """Pools started in this process within the block tick every `tick` seconds."""
    before = CONSTS.sleep_unit
    CONSTS.sleep_unit = tick
    try:
        yield
    finally:
        CONSTS.sleep_unit = before
