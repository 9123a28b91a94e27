"""A bureau's PC that stays on: the folder `yuebao init` makes (Chinese folders that 使用说明.txt
and README name, the log in 输出), the page and the schedule as services (systemd units, the
password file at 0600, a Task Scheduler task at logon), stopped as a service is stopped with nothing
left behind, and console lines a clerk reads (a time and a Chinese line)."""

from __future__ import annotations

import configparser
import os
import re
import shlex
import shutil
import signal
import socket
import stat
import subprocess
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from .inprocess import run as yuebao

ROOT = Path(__file__).parent.parent
NS = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
# a path as the texts write it: at least one backslash (`输出\月份\待发送`, `收件箱\`)
WINDOWS_PATH = re.compile(r"[\w\u4e00-\u9fff.:-]+(?:\\[\w\u4e00-\u9fff.-]*)+")
PLACEHOLDER = re.compile(r"^(月份|\d{4}-\d{2})$")


def folders_named(text: str) -> set[str]:
    """Every folder of the bureau's folder a text names: `输出\\月份\\待发送` names 输出 (the
    month's folders come with the month), `输出\\yuebao.log` names 输出; absolute paths (D:\\月报)
    are the clerk's choice, not ours."""
    named = set()
    for path in WINDOWS_PATH.findall(text):
        if re.match(r"^[A-Za-z]:", path) or path.startswith("%"):
            continue
        parts = [p for p in path.split("\\") if p]
        kept = []
        for part in parts:
            if PLACEHOLDER.match(part) or "." in part:
                break
            kept.append(part)
        if kept:
            named.add("/".join(kept))
    return named


def readme_windows_section() -> str:
    text = (ROOT / "docs" / "manual.md").read_text(encoding="utf-8")  # README's detail
    start = text.index("## Windows：")
    return text[start : text.index("\n## ", start + 1)]


def test_the_folders_the_guide_and_readme_name_are_there_after_init(bureau):
    guide = (bureau / "使用说明.txt").read_text(encoding="utf-8-sig")
    named = folders_named(guide) | folders_named(readme_windows_section())
    assert {"输出", "收件箱"} <= named  # the texts do name them (the parsing works)
    missing = sorted(n for n in named if not (bureau / n).is_dir())
    assert missing == [], missing
    assert not (bureau / "output").exists()


def test_the_log_and_the_page_state_are_in_the_chinese_folder(bureau):
    config = str(bureau / "config.yaml")
    done = yuebao("schedule", "--once", "--as-of", "2026-06-02", "--config", config)
    assert done.returncode in (0, 1), done.stderr  # 1: a notice without an address
    links = yuebao("serve", "--links", "--config", config)
    assert links.returncode == 0, links.stderr
    assert (bureau / "输出" / "yuebao.log").is_file()  # where 使用说明.txt says it is
    assert (bureau / "输出" / "web.sqlite3").is_file()
    assert not (bureau / "output").exists()  # no English folder beside the Chinese ones


def test_console_lines_are_a_time_and_a_chinese_line(bureau):
    config = str(bureau / "config.yaml")
    day = yuebao("schedule", "--once", "--as-of", "2026-06-02", "--config", config)
    remind = yuebao("remind", "--as-of", "2026-06-16", "--config", config)
    lines = [line for done in (day, remind) for line in done.stderr.splitlines()]
    logged = [line for line in lines if re.match(r"^\d\d-\d\d \d\d:\d\d ", line)]
    assert logged, lines  # the schedule's lines are shown
    assert all(re.search(r"[\u4e00-\u9fff]", line) for line in logged), logged
    said = "\n".join(lines)
    assert "INFO" not in said and "WARNING" not in said and "reporting." not in said, said


def unit(path: Path) -> dict[str, str]:
    parser = configparser.ConfigParser(interpolation=None, strict=False)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read_string(path.read_text(encoding="utf-8"))
    return dict(parser["Service"]) | {"WantedBy": parser["Install"]["WantedBy"]}


@pytest.mark.skipif(sys.platform == "win32", reason="systemd: Linux")
def test_init_writes_systemd_units_and_a_private_password_file(bureau):
    secret = bureau / "密码.env"
    assert stat.S_IMODE(secret.stat().st_mode) == 0o600
    assert "YUEBAO_SMTP_PASSWORD=" in secret.read_text(encoding="utf-8")
    units = (("yuebao-serve.service", "serve"), ("yuebao-schedule.service", "schedule"))
    for name, command in units:
        service = unit(bureau / name)
        args = shlex.split(service["ExecStart"])
        assert Path(args[0]).is_file()  # the Python yuebao is installed in
        assert args[1:] == ["-m", "reporting.cli", command, "--config", str(bureau / "config.yaml")]
        assert service["EnvironmentFile"] == f"-{secret}"  # never the password in the unit
        assert service["Restart"] == "on-failure" and service["WantedBy"] == "multi-user.target"
        assert service["WorkingDirectory"] == str(bureau)
        if shutil.which("systemd-analyze"):  # systemd's own reading of the unit
            verified = subprocess.run(
                ["systemd-analyze", "verify", "--man=no", str(bureau / name)],
                capture_output=True,
                text=True,
            )
            assert verified.returncode == 0 and not verified.stderr.strip(), verified.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.skipif(sys.platform == "win32", reason="systemd: Linux")
def test_the_page_runs_as_its_unit_says_and_stops_as_systemd_stops_it(bureau):
    """ExecStart run as systemd would (its folder, the password file's variables), then SIGTERM,
    systemd's stop: the page ends cleanly, its reading workers with it, nothing leaked."""
    service = unit(bureau / "yuebao-serve.service")
    env = dict(os.environ)
    for line in (bureau / "密码.env").read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, _, value = line.partition("=")
            env[key] = value
    port = free_port()
    page = subprocess.Popen(
        [*shlex.split(service["ExecStart"]), "--port", str(port)],
        cwd=service["WorkingDirectory"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/login", timeout=2) as r:
                    assert r.status == 200
                    break
            except OSError:
                time.sleep(0.2)
        else:
            pytest.fail("the page did not answer")
        os.kill(page.pid, signal.SIGTERM)
        out, err = page.communicate(timeout=60)
    finally:
        if page.poll() is None:
            os.killpg(page.pid, signal.SIGKILL)
    assert page.returncode == 0, err
    assert "leaked" not in err and "resource_tracker" not in err, err
    assert "网页已停止" in out
    for _ in range(50):  # the reading workers end with it (they notice within moments)
        left = subprocess.run(["ps", "-o", "pid=,args=", "-g", str(page.pid)], capture_output=True)
        if not left.stdout.strip():
            break
        time.sleep(0.2)
    assert left.stdout.strip() == b"", left.stdout


def test_a_task_starts_the_page_at_logon_without_a_window(bureau):
    task = ET.fromstring((bureau / "网页服务.xml").read_bytes().decode("utf-16"))
    assert task.find("t:Triggers/t:LogonTrigger", NS) is not None
    command = task.find("t:Actions/t:Exec/t:Command", NS).text
    assert Path(command).name.startswith("pythonw")  # no console window
    arguments = task.find("t:Actions/t:Exec/t:Arguments", NS).text
    assert arguments == f'-m reporting.cli serve --config "{bureau / "config.yaml"}"'
    assert task.find("t:Settings/t:ExecutionTimeLimit", NS).text == "PT0S"  # kept running
    assert task.find("t:Settings/t:RestartOnFailure", NS) is not None
