"""Run one function over many files in worker processes, so that no file can take the batch down.

Each worker lives under a memory limit (an address-space limit, on Linux; elsewhere there is
none, and only the time limit and the crash guard hold) and each file under a time limit.  A
worker that dies (out of memory, a crash inside a native library, killed) or overruns is
replaced by pebble; the file it was on gets a Failure as its result and every other file is read
as usual.  Files go to the workers in chunks, which is fast; a chunk that fails is read again file
by file, so the failure lands on the file that caused it.
"""

from __future__ import annotations

import faulthandler
import gc
import logging
import os
import sys
from concurrent.futures import Future
from concurrent.futures import TimeoutError as Overrun
from dataclasses import dataclass
from typing import Any, Callable, Sequence, TypeVar, cast

from pebble import ProcessExpired, ProcessPool

log = logging.getLogger(__name__)

MEMORY_LIMIT_MB = 256  # what a worker may allocate beyond its start; a form needs a few MB
SECONDS_PER_FILE = 60  # a form reads in milliseconds; a 20 MB file in a few seconds
CHUNK = 16

Item = TypeVar("Item")
Result = TypeVar("Result")
Outcome = TypeVar("Outcome")


@dataclass(frozen=True)
class Failure:
    """Why a file has no result: 'memory', 'timeout' or 'crash' (with the exit code)."""

    kind: str
    detail: str = ""


def run_isolated(
    func: Callable[[Item], Result],
    items: Sequence[Item],
    initializer: Callable[..., None] | None = None,
    initargs: tuple[Any, ...] = (),
    workers: int = 1,
    progress: Callable[[int, int, Item], None] | None = None,
) -> list[Result | Failure]:
    """[func(item) or Failure] for every item, in order; func and initializer run in the workers."""
    if not items:
        return []
    # forked workers share this process's objects (the task list): frozen, no collection in a
    # worker writes to them and copies their pages (a province month: 30 MB less)
    gc.freeze()
    try:
        return _run_pool(func, items, initializer, initargs, workers, progress)
    finally:
        gc.unfreeze()


def _run_pool(
    func: Callable[[Item], Result],
    items: Sequence[Item],
    initializer: Callable[..., None] | None,
    initargs: tuple[Any, ...],
    workers: int,
    progress: Callable[[int, int, Item], None] | None,
) -> list[Result | Failure]:
    results: list[Result | Failure | None] = [None] * len(items)
    chunks = [range(i, min(i + CHUNK, len(items))) for i in range(0, len(items), CHUNK)]
    done = 0
    with ProcessPool(
        max_workers=max(1, workers),
        initializer=start_worker,
        initargs=(MEMORY_LIMIT_MB, initializer, initargs),
    ) as pool:

        def schedule(chunk: Sequence[int]) -> Future[list[Result]]:
            jobs = [items[i] for i in chunk]
            return pool.schedule(_run_chunk, (func, jobs), timeout=SECONDS_PER_FILE)

        pending = [(chunk, schedule(chunk)) for chunk in chunks]
        for chunk, future in pending:
            outcome = outcome_of(future)
            chunk_results: list[Result | Failure]
            if isinstance(outcome, Failure) and len(chunk) > 1:  # find the file that caused it
                log.warning("%d files failed together (%s); one by one now", len(chunk), outcome)
                futures = [schedule([i]) for i in chunk]
                chunk_results = []
                for single in map(outcome_of, futures):
                    chunk_results.append(single if isinstance(single, Failure) else single[0])
            elif isinstance(outcome, Failure):
                chunk_results = [outcome]
            else:
                chunk_results = list(outcome)
            for i, result in zip(chunk, chunk_results):
                results[i] = result
                done += 1
                if progress:
                    progress(done, len(items), items[i])
    return cast("list[Result | Failure]", results)  # every place is filled by now


def outcome_of(future: Future[Outcome]) -> Outcome | Failure:
    """The future's result, or the Failure that took it (also for workers kept all day)."""
    try:
        return future.result()
    except Overrun:
        return Failure("timeout", f"over {SECONDS_PER_FILE} s")
    except ProcessExpired as exc:
        killed = exc.exitcode in (-6, -9) and _limited()  # a failed allocation aborts; OOM kills
        return Failure("memory" if killed else "crash", f"exit {exc.exitcode}")
    except MemoryError:
        return Failure("memory", "MemoryError")
    except Exception as exc:  # noqa: BLE001 - anything else, e.g. a result that cannot be sent back
        return Failure("crash", f"{type(exc).__name__}: {exc}")


def _run_chunk(func: Callable[[Item], Result], chunk: list[Item]) -> list[Result]:
    return [func(item) for item in chunk]


def start_worker(
    limit_mb: int, initializer: Callable[..., None] | None, initargs: tuple[Any, ...]
) -> None:
    faulthandler.disable()  # a native crash becomes a Failure; a stack dump would only clutter
    limit_memory(limit_mb)
    if initializer:
        initializer(*initargs)


def _limited() -> bool:
    """Whether workers run under a memory limit here (an abort there is then most likely one)."""
    return sys.platform.startswith("linux")


def limit_memory(limit_mb: int) -> None:
    """Let this process take at most `limit_mb` more address space (Linux); elsewhere log, go on."""
    try:
        import resource

        with open("/proc/self/statm") as fh:
            in_use = int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
        limit = in_use + limit_mb * 1024 * 1024
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            limit = min(limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    except (ImportError, OSError, ValueError) as exc:
        log.info("no memory limit for reading workers here (%s); the time limit still holds", exc)
