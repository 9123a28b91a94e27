"""`yuebao …` run inside the test's own process (click's CliRunner), as a new process runs it.

Starting an interpreter and importing the rooms costs about half a second to a second a call; a
hundred calls made the suite minutes slower.  A command run here must see what a new process
sees, so what a process keeps between commands is reset before each run and put back after:
- the working folder (`cwd`) and the environment (`env`);
- logging: `yuebao` configures the root logger (basicConfig) and the schedule hangs its screen
  and file handlers on the `reporting` logger; for the run every logger is as in a new process
  (no handler: pytest's on the root would make basicConfig do nothing, and a screen handler left
  by an earlier run would write to that run's screen), and every handler it added is closed;
- the ledger files already checked in this process (`ledger.opening._verified`: a new process
  checks a ledger again, and a damaged one must be found);
- the bureau's working-day table config.yaml installs (`workdays.use_bureau_calendar`);
- the files the schedule's runs have read (`jobs.kept_reads.KEPT_READS`: a new process reads).
An exception the command does not catch ends it as it ends a process: exit status 1 and the
traceback on stderr (tests assert "Traceback" is not there).
A handful of tests still start the real program (conftest.yuebao_process): README's commands,
run_monthly.py, the installed entry point, kills and concurrent runs.
"""

from __future__ import annotations

import logging
import os
import traceback
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Iterator

from click.testing import CliRunner

PROG_NAME = "python -m reporting.cli"  # what click calls the program when run as a process


@dataclass
class Ran:
    """What subprocess.run(..., capture_output=True, text=True) gives: the same three fields."""

    args: list[str]
    returncode: int
    stdout: str
    stderr: str


def run(
    *args: str,
    cwd: Path | str | None = None,
    env: dict[str, str | None] | None = None,
    input: str | None = None,
) -> Ran:
    from reporting.cli import main

    with _fresh_process(cwd):
        result = CliRunner().invoke(
            main, list(args), prog_name=PROG_NAME, env=env, input=input, catch_exceptions=True
        )
    stderr = result.stderr
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        exc = result.exception
        stderr += "Traceback (most recent call last):\n" + "".join(
            traceback.format_exception(type(exc), exc, exc.__traceback__)[1:]
        )
    return Ran(list(args), result.exit_code, result.stdout, stderr)


@contextmanager
def _fresh_process(cwd: Path | str | None) -> Iterator[None]:
    from reporting import workdays
    from reporting.jobs.kept_reads import KEPT_READS
    from reporting.ledger import opening

    here = os.getcwd()
    root = logging.getLogger()
    loggers = {"": root} | {
        name: logger
        for name, logger in logging.Logger.manager.loggerDict.items()
        if isinstance(logger, logging.Logger)
    }
    kept = {
        name: (list(lg.handlers), lg.level, lg.propagate, lg.disabled)
        for name, lg in loggers.items()
    }
    calendar = dict(workdays._bureau)
    for name, lg in loggers.items():  # as a new process has them: no handler, nothing set
        lg.handlers = []  # (on the root: pytest's capture; basicConfig must find it empty)
        lg.propagate, lg.disabled = True, False
        lg.setLevel(logging.WARNING if name == "" else logging.NOTSET)
    opening._verified.clear()
    KEPT_READS.clear()
    workdays.use_bureau_calendar({})
    if cwd is not None:
        os.chdir(cwd)
    try:
        yield
    finally:
        os.chdir(here)
        workdays.use_bureau_calendar(calendar)
        opening._verified.clear()
        KEPT_READS.clear()
        now = {"": root} | {
            name: lg
            for name, lg in logging.Logger.manager.loggerDict.items()
            if isinstance(lg, logging.Logger)
        }
        for name, lg in now.items():
            handlers, level, propagate, disabled = kept.get(name, ([], logging.NOTSET, True, False))
            for handler in lg.handlers:
                if handler not in handlers:
                    handler.close()
            lg.handlers = handlers
            lg.propagate, lg.disabled = propagate, disabled
            lg.setLevel(level)
