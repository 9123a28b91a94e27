"""A bureau sets itself up: `yuebao init`, `yuebao check`, the menu, a Windows console.

(The wheel itself is built, installed and run by .ci/run.)
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from datetime import date, datetime
from pathlib import Path

import pytest

from reporting.commands.windows import task_xml
from reporting.errors import YuebaoError
from reporting.forms import fill as filling
from reporting.forms import openpyxl_form
from reporting.forms.fill import form_file_name
from reporting.tasks.tasklist import read_task_list

from .clerks import answer_form
from .inprocess import run as yuebao

YEAR = date.today().year
MONTH = f"{YEAR}-06"
SUMMARY = f"重点工作进展汇总_{MONTH}_恩平市教育局.xlsx"


def test_init_writes_a_folder_that_passes_check_and_runs_a_month(bureau):
    names = {p.name for p in bureau.iterdir()}
    assert {"config.yaml", "任务清单.xlsx", "使用说明.txt", "月报.bat", "定时任务.xml"} <= names
    assert "# 单位名称" in (bureau / "config.yaml").read_text(encoding="utf-8")
    assert (bureau / "使用说明.txt").read_bytes().startswith(b"\xef\xbb\xbf")

    checked = yuebao("check", "--config", str(bureau / "config.yaml"))
    assert checked.returncode == 0, checked.stdout + checked.stderr
    assert "检查通过" in checked.stdout and "示例行" in checked.stdout  # a reminder, not a stop

    config = str(bureau / "config.yaml")
    as_of = ("--month", MONTH, "--as-of", f"{YEAR}-06-10")
    filled = yuebao("fill", "--config", config, *as_of)
    assert filled.returncode == 0, filled.stderr
    outbox = bureau / "输出" / MONTH / "待发送"
    assert (outbox / form_file_name(MONTH, "基财股")).is_file()

    tasks = read_task_list(bureau / "任务清单.xlsx")
    inbox = bureau / "收件箱" / MONTH
    answer_form(outbox, MONTH, "基财股", tasks, inbox, datetime(YEAR, 6, 8, 9, 0))
    collected = yuebao("collect", "--config", config, *as_of)
    assert collected.returncode == 0 and "新收到 1 个文件" in collected.stdout, collected.stderr
    ran = yuebao("run", "--config", config, *as_of)
    assert ran.returncode == 0, ran.stderr
    assert "基财股        按时报送" in ran.stdout, ran.stdout
    assert (bureau / "输出" / MONTH / SUMMARY).is_file()

    again = yuebao("init", str(bureau), "--bureau", "恩平市教育局")  # never overwrites
    assert "已存在、未覆盖：config.yaml" in again.stdout


def _edit(bureau: Path, old: str, new: str) -> None:
    path = bureau / "config.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(bureau: Path, start: str) -> int:
    lines = (bureau / "config.yaml").read_text(encoding="utf-8").splitlines()
    return next(i for i, line in enumerate(lines, start=1) if line.lstrip().startswith(start))


MISTAKES = {
    # name: (text in config.yaml, typed instead, the line's start after the edit, words said)
    "full-width colon": ("task_list: 任务清单", "task_list：任务清单", "task_list：", "全角冒号"),
    "copied as path": (
        "task_list: 任务清单.xlsx",
        'task_list: "C:\\Users\\办公室\\任务清单.xlsx"',
        "task_list:",
        "去掉路径两边的双引号",
    ),
    "deadline day": ("deadline_day: 20", "deadline_day: 35", "deadline_day", "应在1到31之间"),
    "time": ('time: "08:30"', 'time: "25:99"', "time:", "不是有效的时间"),
    "e-mail": (
        '基财股: {contact: "", phone: "", email: ""',
        '基财股: {contact: "", phone: "", email: "jicai@@example.org"',
        "基财股:",
        "邮箱地址“jicai@@example.org”格式不对",
    ),
    "misspelt office": ("  基财股:", "  基材股:", None, "是否应为“基材股”"),
    "missing office": ("  基财股:", "  # 基财股:", None, "请在config.yaml的offices下添加一行"),
}


@pytest.mark.parametrize("mistake", MISTAKES)
def test_check_names_each_mistake_with_its_line_in_chinese(bureau, mistake):
    old, new, start, said = MISTAKES[mistake]
    _edit(bureau, old, new)
    done = yuebao("check", "--config", str(bureau / "config.yaml"))
    assert done.returncode == 2, done.stdout + done.stderr
    assert said in done.stdout, done.stdout
    line = _line_of(bureau, start) if start else 3  # the office's row in the task list
    assert f"第{line}行" in done.stdout, done.stdout
    assert "Error" not in done.stdout + done.stderr and "Traceback" not in done.stderr


def test_check_names_a_config_saved_in_gbk(bureau):
    path = bureau / "config.yaml"
    path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    done = yuebao("check", "--config", str(path))
    assert done.returncode == 2
    assert "第1行：文件不是UTF-8编码" in done.stdout and "另存为" in done.stdout, done.stdout
    loading = yuebao("fill", "--config", str(path))  # every command says the same, exit 2
    assert loading.returncode == 2 and "不是UTF-8编码" in loading.stderr


def test_a_month_typed_without_its_zero_is_the_same_month(workdir):
    done = yuebao(
        "fill",
        "--config",
        str(workdir / "config.yaml"),
        "--month",
        "2022-6",
        "--as-of",
        "2022-06-01",
    )
    assert done.returncode == 0, done.stderr
    assert (workdir / "2022-06" / "out").is_dir() and not (workdir / "2022-6").exists()


def test_the_menu_runs_each_choice_and_waits_for_a_key(bureau):
    keys = "5\n\n4\n\n1\n\n2\n\n4\n\n9\n0\n"
    done = subprocess.run(
        [sys.executable, "-m", "reporting.cli", "menu", "--as-of", f"{YEAR}-06-10"],
        input=keys,
        cwd=bureau,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert out.count("按回车键返回菜单") == 5  # after each of the five choices made
    order = [
        "检查通过",
        "汇总表还没有生成",
        "已生成 1 个股室",
        "【下发本月表格】完成",
        "收取：新收到 0 个文件",
        "【收取并汇总】完成",
        f"汇总表：{bureau / '输出' / MONTH / SUMMARY}\n请用Excel",
        "没有“9”这一项",
        "已退出",
    ]
    positions = [out.find(text) for text in order]
    assert -1 not in positions and positions == sorted(positions), out


def test_the_menu_says_what_went_wrong_and_stays_open(tmp_path):
    done = subprocess.run(
        [sys.executable, "-m", "reporting.cli", "menu"],
        input="1\n\n0\n",
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0
    assert "错误：找不到配置文件" in done.stderr and "已退出" in done.stdout


def test_a_gbk_console_shows_what_it_can_and_never_crashes(bureau):
    config = str(bureau / "config.yaml")
    as_of = ("--month", MONTH, "--as-of", f"{YEAR}-06-10")
    assert yuebao("fill", "--config", config, *as_of).returncode == 0
    inbox = bureau / "收件箱" / MONTH
    inbox.mkdir(parents=True)
    form = bureau / "输出" / MONTH / "待发送" / form_file_name(MONTH, "基财股")
    shutil.copyfile(form, inbox / "基财股😀䶮进展.xlsx")  # an emoji and a rare character
    env = {**os.environ, "PYTHONIOENCODING": "gbk"}
    done = subprocess.run(
        [sys.executable, "-m", "reporting.cli", "run", "--config", config, *as_of],
        capture_output=True,
        env=env,
    )
    assert done.returncode == 0, done.stderr.decode("gbk", "replace")
    out = done.stdout.decode("gbk")
    assert "基财股?" in out and "汇总表：" in out
    feedback = bureau / "输出" / MONTH / "反馈" / "反馈_基财股.txt"
    assert feedback.read_bytes().startswith(b"\xef\xbb\xbf")  # old Notepad shows Chinese


def test_close_excel_is_said_for_a_locked_form(workdir):
    if not shutil.which("chattr"):
        pytest.skip("chattr makes a file unwritable, as Excel locks it on Windows")
    locked = workdir / "2022-06" / "out" / form_file_name("2022-06", "人事股")
    locked.parent.mkdir(parents=True)
    locked.write_bytes(b"last month's form")
    if subprocess.run(["chattr", "+i", str(locked)], capture_output=True).returncode:
        pytest.skip("this file system cannot make a file unwritable")
    try:
        args = ("--config", str(workdir / "config.yaml"), "--month", "2022-06")
        done = yuebao("fill", *args, "--as-of", "2022-06-01")
    finally:
        subprocess.run(["chattr", "-i", str(locked)])
    assert done.returncode == 1
    assert (
        f"[未生成] {locked.name}：无法写入（文件正被占用，可能正在Excel或WPS中打开" in done.stderr
    )


def test_a_missing_template_is_named_without_blaming_excel(workdir, monkeypatch):
    """An incomplete install (no form template) says so, never "close it in Excel"."""
    monkeypatch.setattr(openpyxl_form, "TEMPLATE", workdir / "gone.xlsx")
    with pytest.raises(YuebaoError) as stopped:
        filling.fill_month(None, None, "", [], workdir / "out")
    assert "找不到表格模板" in stopped.value.zh and "Excel" not in stopped.value.zh


def test_the_windows_task_starts_late_when_the_pc_was_off_and_opens_no_window(bureau):
    ns = {"t": "http://schemas.microsoft.com/windows/2004/02/mit/task"}
    written = ET.fromstring((bureau / "定时任务.xml").read_bytes())
    made = ET.fromstring(
        task_xml(Path("C:/Python312/pythonw.exe"), Path("D:/月报/config.yaml"), "07:45")
    )
    for task in (written, made):
        assert task.find("t:Settings/t:StartWhenAvailable", ns).text == "true"
        assert task.find("t:Actions/t:Exec/t:Command", ns).text.endswith("pythonw.exe")
        assert "schedule --once --config" in task.find("t:Actions/t:Exec/t:Arguments", ns).text
    trigger = made.find("t:Triggers/t:CalendarTrigger", ns)
    assert trigger.find("t:StartBoundary", ns).text.endswith("T07:45:00")
    assert trigger.find("t:ScheduleByDay/t:DaysInterval", ns).text == "1"
    bat = (bureau / "月报.bat").read_bytes().decode()
    assert "-m reporting.cli menu --config config.yaml" in bat and "\r\n" in bat
