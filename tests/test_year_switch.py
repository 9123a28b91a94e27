"""The switch to a new year's task list (issue 26, items 7 and 8): a `reporting.first_month` set for
the first year of reporting never holds up the next year's list, and last year's list is never
used for a month of the new year without saying so: fill stops (exit 2), the schedule skips the
month and says why, in the log and on the console."""

import shutil
import sqlite3
from datetime import date

import openpyxl
import pytest
import yaml

from reporting.cycle import Cycle, fill
from reporting.errors import YuebaoError
from reporting.jobs.day import plan_for
from reporting.jobs.scheduler import run_once
from reporting.notify.plan import FILL_AND_SEND
from reporting.workdays import first_workday

from .conftest import SAMPLE_TASKS, write_config
from .inprocess import run as yuebao

WRONG_YEAR = "任务清单是2022年的（taishan_2022_tasks.xlsx），不能用于2023-01"


def list_of_2023(folder):
    """The sample task list with its title's year changed to 2023 (milestone dates follow it)."""
    path = folder / "taishan_2023_tasks.xlsx"
    shutil.copy(SAMPLE_TASKS, path)
    book = openpyxl.load_workbook(path)
    sheet = book.worksheets[0]
    sheet["A1"] = sheet["A1"].value.replace("2022年", "2023年")
    book.save(path)
    return path


def switch_list(config, task_list):
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["task_list"] = str(task_list)
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")


def forms(folder, month):
    return sorted(p.name for p in (folder / month / "out").glob("*.xlsx"))


def test_first_month_set_for_2022_does_not_hold_up_the_2023_list(tmp_path):
    """Item 7: the sample's `first_month: 6` (for 2022) with the 2023 list: January is reported."""
    config = write_config(tmp_path, task_list=str(list_of_2023(tmp_path)))
    january = first_workday("2023-01")
    cycle = Cycle.load(config, january)
    assert cycle.tasks.year == 2023 and cycle.config.reporting.first_month == 1
    assert FILL_AND_SEND in [a.kind for a in plan_for(cycle, january)]  # and milestones due
    # the bundled sample still starts in June 2022
    (tmp_path / "sample").mkdir()
    sample = Cycle.load(write_config(tmp_path / "sample"), first_workday("2022-06"))
    assert sample.config.reporting.first_month == 6
    assert plan_for(sample, date(2022, 5, 5)) == []
    assert [a.kind for a in plan_for(sample, first_workday("2022-06"))] == [FILL_AND_SEND]
    # and a first_month said for 2023 holds for the 2023 list
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["reporting"]["first_month_year"] = 2023
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    assert plan_for(Cycle.load(config, january), january) == []


def test_the_schedule_sends_the_2023_lists_forms_on_january_3(tmp_path):
    """Item 7 as the schedule runs it: `schedule --once --as-of 2023-01-03` fills and plans."""
    config = write_config(tmp_path, task_list=str(list_of_2023(tmp_path)))
    january = first_workday("2023-01")
    report = run_once(config, january)
    assert FILL_AND_SEND in [a.kind for a in report.actions] and report.problems == []
    assert len(forms(tmp_path, "2023-01")) == 11


def test_fill_with_last_years_list_stops_and_says_so(workdir):
    """Item 8: `fill --month 2023-01` with the 2022 list writes nothing and exits 2, in Chinese."""
    config = workdir / "config.yaml"
    with pytest.raises(YuebaoError) as raised:
        fill(Cycle.load(config, date(2023, 1, 3)), "2023-01")
    assert WRONG_YEAR in raised.value.zh and "换上2023年的任务清单" in raised.value.zh
    result = yuebao("fill", "--config", str(config), "--month", "2023-01")
    assert result.returncode == 2
    assert WRONG_YEAR in result.stdout + result.stderr
    assert forms(workdir, "2023-01") == []
    result = yuebao("remind", "--config", str(config), "--month", "2023-01", "--dry-run")
    assert result.returncode == 2 and WRONG_YEAR in result.stdout + result.stderr


def test_the_schedule_with_last_years_list_skips_the_month_and_says_so(workdir):
    """Item 8 in the schedule: no forms of 2022's tasks for January 2023, no notices; the reason
    in the log and on the console, every day until the list is changed."""
    config = write_config(workdir, schedule={"log": "yuebao.log"})
    january = first_workday("2023-01")
    report = run_once(config, january)
    assert FILL_AND_SEND in [a.kind for a in report.actions]
    assert any(WRONG_YEAR in p for p in report.problems), report.problems
    assert forms(workdir, "2023-01") == []
    db = sqlite3.connect(workdir / "ledger.sqlite3")
    planned = db.execute("SELECT COUNT(*) FROM notices WHERE month='2023-01'").fetchone()[0]
    db.close()
    assert planned == 0
    assert WRONG_YEAR in (workdir / "yuebao.log").read_text(encoding="utf-8")
    args = ["schedule", "--once", "--as-of", january.isoformat(), "--config", str(config)]
    shown = yuebao(*args)
    assert WRONG_YEAR in shown.stdout, shown.stdout + shown.stderr


def test_december_to_january_with_a_new_list(tmp_path, smtp):
    """Issue 26's year test: the schedule runs December 2022 on the 2022 list; config.yaml then
    names the 2023 list, and January 2023's forms go out on January's first working day."""
    inbox, port = smtp
    config = write_config(
        tmp_path,
        smtp={"host": "127.0.0.1", "port": port, "retries": 1, "backoff_seconds": 0},
        schedule={"chiefs": ["juzhang@taishan-edu.example.org"], "log": "yuebao.log"},
    )
    december = first_workday("2022-12")
    report = run_once(config, december)
    assert report.problems == [] and len(forms(tmp_path, "2022-12")) == 11
    assert len([m for m in inbox.messages if "请填报2022年1—12月" in m["Subject"]]) == 11
    run_once(config, date(2022, 12, 30))  # the last working day of the year
    switch_list(config, list_of_2023(tmp_path))
    january = first_workday("2023-01")
    assert january == date(2023, 1, 3)  # 1 and 2 January: New Year's Day and its holiday
    before = len(inbox.messages)
    report = run_once(config, january)
    assert report.problems == [] and report.failed == 0
    assert FILL_AND_SEND in [a.kind for a in report.actions]
    written = forms(tmp_path, "2023-01")
    assert len(written) == 11 and all("2023-01" in name for name in written)
    sent = [m for m in inbox.messages[before:] if "请填报2023年1—1月" in m["Subject"]]
    attached = sorted(p.get_filename() for m in sent for p in m.iter_attachments())
    assert attached == written
    title = openpyxl.load_workbook(tmp_path / "2023-01" / "out" / written[0]).worksheets[0]
    assert any("2023" in str(c.value) for row in title.iter_rows(max_row=3) for c in row if c.value)


def test_a_config_without_first_month_year_starts_the_next_years_list_in_january(tmp_path):
    """A bureau's own config.yaml says `first_month: 6` and no year: the ledger remembers that
    reporting began in 2022, so the 2023 list is reported from January, not silent till June."""
    config = write_config(tmp_path)
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["reporting"].pop("first_month_year", None)
    data["reporting"]["first_month"] = 6
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    fill(Cycle.load(config, date(2022, 6, 1)), "2022-06")
    run_once(config, date(2022, 6, 1))  # a day of 2022's schedule, in the ledger
    assert plan_for(Cycle.load(config, date(2022, 5, 5)), date(2022, 5, 5)) == []  # June, 2022
    switch_list(config, list_of_2023(tmp_path))
    january = first_workday("2023-01")
    assert FILL_AND_SEND in [a.kind for a in plan_for(Cycle.load(config, january), january)]
