"""The files a clerk's Windows PC needs to run yuebao without a terminal: 月报.bat (double-click:
the menu) and two Task Scheduler tasks (schtasks /Create /XML), both without a console window:
the daily plan, caught up when the PC was off at the planned time, and the intranet page, started
at logon."""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

BAT_NAME = "月报.bat"
TASK_NAME = "定时任务.xml"
SERVE_TASK_NAME = "网页服务.xml"  # the intranet page, started at logon


def python_exe(windowless: bool = False) -> Path:
    """The Python yuebao is installed in (pythonw.exe beside it opens no console window)."""
    exe = Path(sys.executable)
    return exe.with_name("pythonw.exe") if windowless else exe


def bat_text(python: Path) -> str:
    """Starts the menu in the folder of the .bat (where config.yaml is)."""
    lines = [
        "@echo off",
        "rem yuebao: double-click to open the menu",
        'cd /d "%~dp0"',
        f'if exist "{python}" (',
        f'  "{python}" -m reporting.cli menu --config config.yaml',
        ") else (",
        "  py -m reporting.cli menu --config config.yaml",
        ")",
        "if errorlevel 1 pause",
    ]
    return "\r\n".join(lines) + "\r\n"


def write_bat(path: Path, python: Path) -> None:
    import locale

    # cmd.exe reads a .bat in the ANSI code page (GBK on a Chinese Windows), not UTF-8
    path.write_bytes(bat_text(python).encode(locale.getpreferredencoding(False), "replace"))


def task_xml(pythonw: Path, config: Path, time: str, start: date | None = None) -> str:
    """A daily task at `time` running `schedule --once` windowless; StartWhenAvailable runs a
    start missed while the PC was off as soon as it is on (`--once` then catches up the plan)."""
    start = start or date.today()
    hh, mm = (int(part) for part in time.split(":"))
    trigger = f"""    <CalendarTrigger>
      <StartBoundary>{start:%Y-%m-%d}T{hh:02d}:{mm:02d}:00</StartBoundary>
      <Enabled>true</Enabled>
      <ScheduleByDay>
        <DaysInterval>1</DaysInterval>
      </ScheduleByDay>
    </CalendarTrigger>"""
    return _task(
        "yuebao 月报：每天下发、收取、汇总、催报（schedule --once）",
        trigger,
        pythonw,
        f'-m reporting.cli schedule --once --config "{config}"',
        config.parent,
        time_limit="PT2H",
    )


def serve_task_xml(pythonw: Path, config: Path) -> str:
    """The intranet page (`serve`) started when the clerk logs on, windowless, kept running (no
    time limit) and started again a minute after it stopped on a failure."""
    trigger = """    <LogonTrigger>
      <Enabled>true</Enabled>
    </LogonTrigger>"""
    return _task(
        "yuebao 月报：内网网页（serve），登录Windows后自动启动，不弹出窗口",
        trigger,
        pythonw,
        f'-m reporting.cli serve --config "{config}"',
        config.parent,
        time_limit="PT0S",  # none: the page runs until the PC is shut down
        restart="""
    <RestartOnFailure>
      <Interval>PT1M</Interval>
      <Count>999</Count>
    </RestartOnFailure>""",
    )


def _task(
    description: str,
    trigger: str,
    pythonw: Path,
    args: str,
    folder: Path,
    time_limit: str,
    restart: str = "",
) -> str:
    from xml.sax.saxutils import escape  # (it loads urllib: not at start-up)

    return f"""<?xml version="1.0" encoding="UTF-16"?>
<Task version="1.2" xmlns="http://schemas.microsoft.com/windows/2004/02/mit/task">
  <RegistrationInfo>
    <Description>{escape(description)}</Description>
  </RegistrationInfo>
  <Triggers>
{trigger}
  </Triggers>
  <Principals>
    <Principal id="Author">
      <LogonType>InteractiveToken</LogonType>
      <RunLevel>LeastPrivilege</RunLevel>
    </Principal>
  </Principals>
  <Settings>
    <MultipleInstancesPolicy>IgnoreNew</MultipleInstancesPolicy>
    <DisallowStartIfOnBatteries>false</DisallowStartIfOnBatteries>
    <StopIfGoingOnBatteries>false</StopIfGoingOnBatteries>
    <StartWhenAvailable>true</StartWhenAvailable>
    <RunOnlyIfNetworkAvailable>false</RunOnlyIfNetworkAvailable>
    <AllowStartOnDemand>true</AllowStartOnDemand>
    <Enabled>true</Enabled>
    <Hidden>false</Hidden>
    <ExecutionTimeLimit>{time_limit}</ExecutionTimeLimit>{restart}
  </Settings>
  <Actions Context="Author">
    <Exec>
      <Command>{escape(str(pythonw))}</Command>
      <Arguments>{escape(args)}</Arguments>
      <WorkingDirectory>{escape(str(folder))}</WorkingDirectory>
    </Exec>
  </Actions>
</Task>
"""


def write_task(path: Path, pythonw: Path, config: Path, time: str) -> None:
    _write_xml(path, task_xml(pythonw, config, time))


def write_serve_task(path: Path, pythonw: Path, config: Path) -> None:
    _write_xml(path, serve_task_xml(pythonw, config))


def _write_xml(path: Path, xml: str) -> None:
    # the encoding Task Scheduler exports and schtasks /XML reads
    path.write_bytes(xml.replace("\n", "\r\n").encode("utf-16"))
