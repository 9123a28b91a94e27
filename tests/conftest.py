"""Shared fixtures: the bundled sample, set up in a temporary folder and run through the cycle."""

from __future__ import annotations

import email
import email.policy
import shutil
import socket
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
import yaml
from aiosmtpd.controller import Controller

from reporting import libreoffice
from reporting.cycle import Cycle, fill

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
SAMPLE_TASKS = ROOT / "workbooks" / "taishan_2022_tasks.xlsx"


def yuebao(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess:
    """Run the real command line, as a clerk would."""
    return subprocess.run(
        [sys.executable, "-m", "reporting.cli", *args], cwd=cwd, capture_output=True, text=True
    )


def write_config(folder: Path, **overrides) -> Path:
    data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
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
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
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
    out = tmp_path_factory.mktemp("demo")
    result = yuebao("demo", "--out", str(out))
    assert result.returncode == 0, result.stderr + result.stdout
    (out / "demo-stdout.txt").write_text(result.stdout, encoding="utf-8")
    return out


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
    """An SMTP server's handler that keeps every message it accepted."""

    def __init__(self, stall_at: int | None = None):
        self.messages: list[email.message.Message] = []
        self.stall_at, self.stalled = stall_at, threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if (
            self.stall_at is not None
            and len(self.messages) == self.stall_at
            and not self.stalled.is_set()
        ):
            self.stalled.set()
            time.sleep(3)  # hold the sender here (before DATA) so the test can kill it mid-run
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            email.message_from_bytes(envelope.content, policy=email.policy.default)
        )
        return "250 OK"

    def to(self, address):
        return [m for m in self.messages if address in m["To"]]


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
    done = yuebao("init", str(folder), "--bureau", "恩平市教育局")
    assert done.returncode == 0, done.stderr
    return folder
