"""Two commands on one month at once: the second waits for the first, or says the month is held."""

import subprocess
import sys

import openpyxl
import pytest

from .conftest import ROOT, write_config
from .inprocess import run as yuebao

RUN = ("run", "--month", "2022-06", "--as-of", "2022-06-25")


def start(*args, cwd=None):
    return subprocess.Popen(
        [sys.executable, "-m", "reporting.cli", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.slow
def test_two_runs_on_one_month_at_once_both_finish_cleanly(demo_copy):
    config = str(demo_copy / "config.yaml")
    for _ in range(2):
        runs = [start(*RUN, "--config", config) for _ in range(2)]
        outcomes = [(p.wait(timeout=300), *p.communicate()) for p in runs]
        for code, out, err in outcomes:
            assert "Traceback" not in err, err
            assert code == 0, err
            assert "汇总表：" in out
        summary = demo_copy / "2022-06" / "重点工作进展汇总_2022-06_台山市教育系统.xlsx"
        assert openpyxl.load_workbook(summary, read_only=True).sheetnames[0] == "概览"
        leftovers = [p.name for p in (demo_copy / "2022-06").iterdir() if ".tmp" in p.name]
        assert leftovers == [], leftovers


HOLD = """
import sys, time
from reporting.cycle import Cycle
cycle = Cycle.load(sys.argv[1])
with cycle.writing(sys.argv[2]):
    print("held", flush=True)
    time.sleep(float(sys.argv[3]))
"""

HOLD_UNTIL = """
import sys, time
from pathlib import Path
from reporting.cycle import Cycle
cycle = Cycle.load(sys.argv[1])
with cycle.writing(sys.argv[2]):
    print("held", flush=True)
    while not Path(sys.argv[3]).exists():
        time.sleep(0.05)
"""


@pytest.mark.slow
def test_a_held_month_makes_the_next_command_wait_then_say_so(tmp_path):
    config = str(write_config(tmp_path, lock_wait_seconds=1))
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, config, "2022-06", "300"],  # killed below
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout.readline().strip() == "held"
        # the timeout only keeps a broken lock from hanging the suite; what is checked is the
        # order of events: it said it waits (for lock_wait_seconds), then gave up while the
        # holder still held the month
        second = subprocess.run(
            [sys.executable, "-m", "reporting.cli", *RUN, "--config", config],
            capture_output=True,
            text=True,
            timeout=240,
        )
        assert holder.poll() is None  # the first command still holds the month
        assert second.returncode == 2, second.stdout + second.stderr
        said = second.stderr.strip().splitlines()
        waits = [i for i, line in enumerate(said) if "等待其结束（最多1秒）" in line]
        lines = [i for i, line in enumerate(said) if line.startswith("错误")]
        assert len(lines) == 1 and "另一个yuebao程序正在处理2022-06" in said[lines[0]], said
        assert len(waits) == 1 and waits[0] < lines[0], said  # waited first, then stopped
        assert "等待1秒后仍未结束" in said[lines[0]]
        assert "Traceback" not in second.stderr
        other = yuebao("run", "--month", "2022-07", "--as-of", "2022-07-25", "--config", config)
        assert other.returncode == 0, other.stderr  # another month is free
        fill = yuebao("fill", "--month", "2022-06", "--config", config)
        assert fill.returncode == 2 and "另一个yuebao程序正在处理2022-06" in fill.stderr
        restore = yuebao("ledger", "restore", "--config", config)  # not under a running command
        assert restore.returncode == 2 and "另一个yuebao程序正在处理2022-06" in restore.stderr
    finally:
        holder.kill()
        holder.wait()
    # a killed holder leaves no lock behind
    after = yuebao(*RUN, "--config", config)
    assert after.returncode == 0, after.stderr


def test_the_second_run_waits_for_the_first_when_it_ends_in_time(tmp_path):
    config = str(write_config(tmp_path, lock_wait_seconds=120))
    release = tmp_path / "release"
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD_UNTIL, config, "2022-06", str(release)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    second = None
    try:
        assert holder.stdout.readline().strip() == "held"
        second = start(*RUN, "--config", config)
        said = [second.stderr.readline()]
        while said[-1] and "等待" not in said[-1]:  # it says why it pauses, then waits
            said.append(second.stderr.readline())
        assert "等待" in said[-1], said
        release.touch()  # the first command ends while the second is still waiting
        out, err = second.communicate(timeout=300)
        assert second.returncode == 0, err
        assert "汇总表：" in out
        assert holder.wait(timeout=30) == 0
    finally:
        holder.kill()
        if second:
            second.kill()
