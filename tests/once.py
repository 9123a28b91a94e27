"""What tests only read, made once for the whole run, whichever xdist worker asks first."""

from __future__ import annotations

import os
import shutil
from pathlib import Path
from typing import Callable

from filelock import FileLock


def made_once(tmp_path_factory, name: str, make: Callable[[Path], None]) -> Path:
    """A folder `make` fills once for the whole run, whichever worker asks first (the others
    wait for it, then read it): what tests only read is not made again by every worker.  Its
    readers must not change it (a test that does works on a copy: demo_copy)."""
    if not os.environ.get("PYTEST_XDIST_WORKER"):
        folder = tmp_path_factory.mktemp(name)
        make(folder)
        return folder
    run = tmp_path_factory.getbasetemp().parent  # this run's, shared by its workers
    folder, done = run / name, run / f"{name}.made"
    with FileLock(run / f"{name}.lock"):
        if not done.exists():
            shutil.rmtree(folder, ignore_errors=True)
            folder.mkdir()
            make(folder)
            done.touch()
    return folder
