"""Shared fixtures: the bundled sample, set up in a temporary folder and run through the cycle."""

from __future__ import annotations

import asyncio
import copy
import email
import email.policy
import functools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from datetime import date, datetime
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller

from reporting import libreoffice
from reporting.cycle import Cycle, fill
from reporting.web import store

from . import inprocess
from .once import made_once
from .printing import prints  # noqa: F401 (a fixture: the demo printed once a session)

ROOT = Path(__file__).resolve().parent.parent
# passwords the tests set up (a page's clerk) are hashed quickly: scrypt at 1/32 of the strength,
# 4 ms a login instead of 0.1 s; `serve --set-password` (test_web_commands) keeps the real one
store.PASSWORD_HASH = "scrypt:1024:8:1"
SHARED = ROOT.parent / "shared"
SAMPLE_TASKS = ROOT / "workbooks" / "taishan_2022_tasks.xlsx"


# slow tests in files whose owners have not marked them yet: about how many seconds each takes
SLOW_UNMARKED = {
    "tests/test_one_truth.py::test_every_surface_tells_the_same_story": 15,
    "tests/test_web_online_browser.py::": 15,
    "tests/test_web_browser.py::": 10,
    "tests/test_web_queue.py::": 5,
    "tests/test_web_load.py::": 5,
    "tests/test_web_online_text.py::test_the_page_shows_what_validate_finds": 8,
}


RAM = Path("/dev/shm")  # Linux's memory-backed folder
RAM_NEEDED = 4 << 30  # a run writes about 0.5 GB; leave the machine room


@pytest.hookimpl(tryfirst=True)  # before pytest's tmp_path factory reads --basetemp
def pytest_configure(config: pytest.Config) -> None:
    """The tests' temporary files in memory where Linux has room for them: the tests write and
    fsync thousands of workbooks, ledgers and folders, and on a disk that was a sixth of the run.
    Every temporary folder (tmp_path, and with xdist the workers' TMPDIR for LibreOffice's
    profiles, the benchmarks' folders, every subprocess) is under one folder, removed when every
    test passed and kept (its path printed) when one failed.  `--basetemp` given: that."""
    if hasattr(config, "workerinput") or config.option.basetemp:
        return  # (a worker: its controller chose, and passes both on)
    try:
        if not RAM.is_dir() or shutil.disk_usage(RAM).free < RAM_NEEDED:
            return
        root = Path(tempfile.mkdtemp(prefix="yuebao-tests-", dir=RAM))
    except OSError:
        return
    root.chmod(0o755)  # as /tmp is: Dovecot and the tests' unprivileged users reach into tmp
    if getattr(config.option, "numprocesses", None):  # the workers, and every process they start
        (root / "tmp").mkdir()  # (not this process's own: its multiprocessing folder would be
        (root / "tmp").chmod(0o1777)  # removed under it, at its exit, after the folder is gone)
        os.environ["TMPDIR"] = str(root / "tmp")
    config.option.basetemp = str(root / "pytest")
    config.stash[_IN_RAM] = root


_IN_RAM = pytest.StashKey[Path]()


def pytest_unconfigure(config: pytest.Config) -> None:
    root = config.stash.get(_IN_RAM, None)
    if root is None:
        return
    if config.stash.get(_FAILED, False):
        print(f"\ntemporary files kept for a look: {root}")
    else:
        shutil.rmtree(root, ignore_errors=True)


_FAILED = pytest.StashKey[bool]()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    session.config.stash[_FAILED] = exitstatus != 0


def pytest_xdist_auto_num_workers(config: pytest.Config) -> int:
    """`-n auto`: a worker more than the cores, as a third of a test's time is spent waiting
    (on a server, a browser, LibreOffice, a lock) rather than computing."""
    return (os.cpu_count() or 1) + 1


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Spread the tests marked `slow` (setup.cfg; `slow(60)`: about a minute) over the workers, each
    worker's longest first, so that no long test starts late and runs alone at the end.

    `.ci/run` uses `--dist worksteal`: each of the N workers is given an equal run of consecutive
    tests (the first len // N, then …), and a worker that is done takes half of what another has
    not started.  So the order is N runs of those lengths, each opening with its share of the slow
    tests (a file's at a time, the longest first, to the run with the least so far) and going on
    with the quick ones in their file order."""
    for item in items:
        for prefix, seconds in SLOW_UNMARKED.items():
            if item.nodeid.startswith(prefix):
                item.add_marker(pytest.mark.slow(seconds))

    def seconds(item: pytest.Item) -> float:
        slow = item.get_closest_marker("slow")
        return 0 if slow is None else slow.args[0] if slow.args else 5

    workers = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))
    files: dict[str, list[pytest.Item]] = {}  # a file's slow tests stay together: its module
    for item in items:  # fixtures (a kit, a Dovecot) are then made once
        if seconds(item):
            files.setdefault(item.nodeid.split("::")[0], []).append(item)
    quick = [i for i in items if not seconds(i)]
    runs: list[list[pytest.Item]] = [[] for _ in range(workers)]
    for tests in sorted(files.values(), key=lambda tests: -sum(map(seconds, tests))):
        tests.sort(key=lambda i: -seconds(i))
        min(runs, key=lambda run: sum(map(seconds, run))).extend(tests)
    left = len(items)
    for n, run in enumerate(runs):
        size = left // (workers - n)  # as worksteal splits the collection
        left -= size
        take = max(0, size - len(run))
        run += quick[:take]
        del quick[:take]
    runs[-1] += quick  # (only when one run's slow tests outnumber its share)
    items[:] = [item for run in runs for item in run]


def yuebao(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line in a new process, as a clerk would (most tests run it in their
    own process, faster: tests/inprocess.py)."""
    return subprocess.run(
        [sys.executable, "-m", "reporting.cli", *args], cwd=cwd, capture_output=True, text=True
    )


# libyaml where PyYAML has it: hundreds of tests write a config, each read and written once
FAST_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
FAST_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


@functools.cache
def _sample_config() -> dict:
    return yaml.load((ROOT / "config.yaml").read_text(encoding="utf-8"), Loader=FAST_LOADER)


def write_config(folder: Path, **overrides) -> Path:
    data = copy.deepcopy(_sample_config())
    data["task_list"] = str(SAMPLE_TASKS)
    data["folders"] = {
        "outbox": "{month}/out",
        "inbox": "inbox/{month}",
        "archive": "{month}/archive",
        "summary": "{month}",
    }
    data["ledger"] = "ledger.sqlite3"
    data.update(overrides)
    path = folder / "config.yaml"
    path.write_text(yaml.dump(data, Dumper=FAST_DUMPER, allow_unicode=True), encoding="utf-8")
    return path


@pytest.fixture
def workdir(tmp_path) -> Path:
    write_config(tmp_path)
    return tmp_path


@pytest.fixture(scope="module")
def outbox(tmp_path_factory) -> Path:
    """June 2022's forms, filled from the bundled sample once per test module."""
    folder = tmp_path_factory.mktemp("outbox")
    write_config(folder)
    fill(Cycle.load(folder / "config.yaml", date(2022, 6, 1)), "2022-06")
    return folder / "2022-06" / "out"


@pytest.fixture(scope="session")
def demo_dir(tmp_path_factory) -> Path:
    """`yuebao demo` run once into a folder; tests read what it wrote."""

    def demo(out: Path) -> None:
        result = inprocess.run("demo", "--out", str(out))
        assert result.returncode == 0, result.stderr + result.stdout
        (out / "demo-stdout.txt").write_text(result.stdout, encoding="utf-8")

    return made_once(tmp_path_factory, "demo", demo)


@pytest.fixture(scope="session")
def small_benchmark(tmp_path_factory) -> tuple[Path, subprocess.CompletedProcess]:
    """`python bench/bench.py --size small --out DIR`, as docs/performance.md shows it, run once a
    run: the README guard and the scale test read what it printed and the month it kept (each
    works on a copy of the month)."""

    def bench(folder: Path) -> None:
        script = ["bench/bench.py", "--size", "small", "--out", str(folder / "kept")]
        done = subprocess.run(
            [sys.executable, *script], cwd=ROOT, capture_output=True, text=True, timeout=900
        )
        said = {"returncode": done.returncode, "stdout": done.stdout, "stderr": done.stderr}
        (folder / "bench.json").write_text(json.dumps(said), encoding="utf-8")

    folder = made_once(tmp_path_factory, "bench", bench)
    said = json.loads((folder / "bench.json").read_text(encoding="utf-8"))
    return folder / "kept", subprocess.CompletedProcess(["bench/bench.py"], **said)


@pytest.fixture
def demo_copy(demo_dir, tmp_path) -> Path:
    """A private copy of the demo folder, for tests that run commands which change it."""
    target = tmp_path / "demo"
    shutil.copytree(demo_dir, target)
    return target


def answers(month: str) -> dict:
    return yaml.safe_load(
        (ROOT / "workbooks" / "sample" / f"progress_{month}.yaml").read_text(encoding="utf-8")
    )


@pytest.fixture(scope="session")
def june_answers() -> dict:
    return yaml.safe_load(
        (ROOT / "workbooks" / "sample" / "progress_2022-06.yaml").read_text(encoding="utf-8")
    )


def soffice() -> str:
    exe = libreoffice.soffice()
    if not exe:
        pytest.skip("LibreOffice is not installed (apt-get install libreoffice-calc)")
    return exe


# -- servers on loopback --------------------------------------------------------------------
class Inbox:
    """An SMTP server's handler that keeps every message it accepted.  With `stall_at`, the
    sender of message number `stall_at` + 1 is held before DATA (`stalled` is set) until the
    test lets go (sets `released`), so the test can kill the sender there: no fixed wait either
    side.  The hold awaits, it does not block the server's loop (its other sessions go on)."""

    def __init__(self, stall_at: int | None = None):
        self.messages: list[email.message.Message] = []
        self.stall_at, self.stalled = stall_at, threading.Event()
        self.released = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if (
            self.stall_at is not None
            and len(self.messages) == self.stall_at
            and not self.stalled.is_set()
        ):
            self.stalled.set()
            while not self.released.is_set():
                await asyncio.sleep(0.02)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m["To"]]


def second_after(moment: datetime | None) -> None:
    """Wait until the clock's second is past `moment`: times are kept to the second (a receipt, a
    lease), so one taken then never shares its second with `moment`; no longer than that."""
    while moment is not None and datetime.now().replace(microsecond=0) <= moment:
        time.sleep(0.02)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield inbox, controller.port
    controller.stop()


@pytest.fixture
def bureau(tmp_path) -> Path:
    """A bureau's folder as `yuebao init` makes it (恩平市教育局)."""
    folder = tmp_path / "恩平"
    done = inprocess.run("init", str(folder), "--bureau", "恩平市教育局")
    assert done.returncode == 0, done.stderr
    return folder
