"""The schedule's runs in one process keep the files they read (reporting.jobs.kept_reads), but
never what went wrong reading one: a file its reader could not read on one day is read again the
next, so an office is not reminded for a return that has become readable; and a file gone from the
archive is missed as a run in a process of its own would miss it."""

from datetime import date, datetime

from reporting.cycle import Cycle, collect_month
from reporting.jobs.scheduler import run_once
from reporting.tasks.tasklist import read_task_list

from .clerks import answer_form
from .conftest import SAMPLE_TASKS
from .test_schedule import EMAIL_OF, configure

JUNE = "2022-06"
OFFICE = "督导室"


def reminded(inbox, since: int) -> set[str]:
    return {m["To"] for m in inbox.messages[since:] if "【催报】" in m["Subject"]}


def test_a_file_that_could_not_be_read_one_day_is_read_again_the_next(tmp_path, smtp):
    inbox, port = smtp
    config = configure(tmp_path, port)
    tasks = read_task_list(SAMPLE_TASKS)
    run_once(config, date(2022, 6, 1))  # the forms go out
    answer_form(
        tmp_path / JUNE / "out", JUNE, OFFICE, tasks, tmp_path / "inbox" / JUNE,
        datetime(2022, 6, 10, 9, 30),
    )  # fmt: skip
    collect_month(Cycle.load(config, date(2022, 6, 10)), JUNE)  # archived on the 10th
    archived = next((tmp_path / JUNE / "archive").rglob(f"*{OFFICE}*.xlsx"))
    away = tmp_path / "away.xlsx"
    archived.rename(away)  # the archive's disk is away on the 15th: the file cannot be read
    before = len(inbox.messages)
    run_once(config, date(2022, 6, 15))
    assert EMAIL_OF[OFFICE] in reminded(inbox, before)  # as if it had sent nothing
    away.rename(archived)  # back by the 17th
    before = len(inbox.messages)
    run_once(config, date(2022, 6, 17))
    others = reminded(inbox, before)
    assert others and EMAIL_OF[OFFICE] not in others  # its return is read now: no 催报


def test_a_file_gone_from_the_archive_is_missed_as_before(tmp_path, smtp):
    """Read on the 13th, gone from the archive by the 15th: the office is reminded, as a run in a
    process of its own would remind it (the ledger knows the file; its bytes cannot be read)."""
    inbox, port = smtp
    config = configure(tmp_path, port)
    tasks = read_task_list(SAMPLE_TASKS)
    run_once(config, date(2022, 6, 1))
    answer_form(
        tmp_path / JUNE / "out", JUNE, OFFICE, tasks, tmp_path / "inbox" / JUNE,
        datetime(2022, 6, 10, 9, 30),
    )  # fmt: skip
    run_once(config, date(2022, 6, 13))  # collected and read (the weekly milestone reminders)
    archived = next((tmp_path / JUNE / "archive").rglob(f"*{OFFICE}*.xlsx"))
    archived.unlink()
    before = len(inbox.messages)
    run_once(config, date(2022, 6, 15))
    assert EMAIL_OF[OFFICE] in reminded(inbox, before)
