"""Issue 26, items 9, 11, 12 and 13: what the month's check tells the clerks, on real returns
dropped in the inbox, collected and validated as `yuebao validate` does."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path

from reporting import clerks as simulate
from reporting.cycle import Cycle, collect_month, fill, validate
from reporting.forms import layout as form
from reporting.forms.fill import form_file_name
from reporting.intake.values import office_key


def returned(
    c: Cycle,
    month: str,
    office: str,
    when: datetime,
    filled_by: str | None = "张三",
    done: dict[str, date] | None = None,
    office_typed: str | None = None,
    meta: bool = True,
) -> Path:
    """The office's form of `month`, answered (every milestone 按计划推进, those in `done` 已完成
    on their date), `office_typed` typed over 填报股室, dropped in the inbox, received `when`."""
    wb, ws = simulate.open_form(c.config.folder("outbox", month) / form_file_name(month, office))
    done = done or {}
    answers = {
        t.key: {
            "progress": f"{t.name}：已按计划推进。",
            "problems": "无",
            "milestones": {
                m.seq: (
                    {"status": "已完成", "completed_on": done[m.key]}
                    if m.key in done
                    else {"status": "按计划推进"}
                )
                for m in t.milestones
            },
        }
        for t in c.tasks.tasks_of(office)
    }
    simulate.answer(ws, filled_by, when.date(), answers)
    if office_typed is not None:
        ws[form.OFFICE_CELL] = office_typed
    if not meta:  # the contents copied into a workbook of its own: no hidden mark
        del wb[form.META_SHEET]
    inbox = c.config.folder("inbox", month)
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / form_file_name(month, office)
    wb.save(path)
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path


def run(workdir: Path, month: str, as_of: date):
    """collect and validate `month` as of `as_of`: (summary, {office: its feedback text})."""
    c = Cycle.load(workdir / "config.yaml", as_of)
    collect_month(c, month)
    result = validate(c, month)
    texts = {
        p.stem.removeprefix("反馈_"): p.read_text(encoding="utf-8-sig") for p in result.feedback
    }
    return result.summary, texts


def office_row(summary, office: str):
    return next(r for r in summary.offices if r.office.name == office)


def codes_of(summary, office: str) -> list[str]:
    return [f.code for f in summary.findings if f.office == office]


# 11. a completion date later than the day the return was received


def done_on(workdir, day: date):
    """督导室's July return, received 7-14, reporting its first milestone 已完成 on `day`: the
    finding future_done_date, if any, and the feedback texts."""
    c = Cycle.load(workdir / "config.yaml", date(2022, 7, 25))
    fill(c, "2022-07")
    milestone = c.tasks.tasks_of("督导室")[0].milestones[0]
    returned(c, "2022-07", "督导室", datetime(2022, 7, 14, 10, 0), done={milestone.key: day})
    summary, texts = run(workdir, "2022-07", date(2022, 7, 25))
    found = [f for f in summary.findings if f.code == "future_done_date"]
    return milestone, found, texts


def test_a_done_date_after_the_return_was_received_is_questioned(workdir):
    milestone, found, texts = done_on(workdir, date(2022, 7, 22))
    assert len(found) == 1 and found[0].office == "督导室"
    assert found[0].task_key == milestone.key.split("-M")[0]
    assert "2022-07-22" in found[0].message and "2022-07-14" in found[0].message
    assert "晚于收到报表的日期" in found[0].message and "请核对" in found[0].message
    assert "晚于今天" not in found[0].message
    assert found[0].message in texts["督导室"]


def test_a_done_date_on_the_day_received_is_accepted(workdir):
    assert done_on(workdir, date(2022, 7, 14))[1] == []


# 12. an empty 填报人 is not read as the next label


def test_an_empty_filled_by_is_empty_and_warned(workdir):
    c = Cycle.load(workdir / "config.yaml", date(2022, 6, 25))
    fill(c, "2022-06")
    returned(c, "2022-06", "人事股", datetime(2022, 6, 15, 9, 0), filled_by=None)
    summary, texts = run(workdir, "2022-06", date(2022, 6, 25))
    row = office_row(summary, "人事股")
    assert row.filled_by == ""  # 报送情况's 填报人, not "填报日期："
    assert row.filled_on == date(2022, 6, 15)
    assert "no_filled_by" in codes_of(summary, "人事股")
    assert "未填写“填报人”" in texts["人事股"]


# 13. 填报股室 typed in traditional characters


def test_office_names_fold_traditional_and_full_width():
    assert office_key("職終股") == office_key("职终股") == office_key(" 职终股\u3000")
    assert office_key("教育裝備中心") == office_key("教育装备中心")
    assert office_key("督導室") == office_key("督导室") != office_key("基财股")


def test_an_office_typed_in_traditional_characters_is_its_own(workdir):
    c = Cycle.load(workdir / "config.yaml", date(2022, 6, 25))
    fill(c, "2022-06")
    path = returned(c, "2022-06", "职终股", datetime(2022, 6, 15, 9, 0), office_typed="職終股")
    summary, texts = run(workdir, "2022-06", date(2022, 6, 25))
    codes = codes_of(summary, "职终股")
    assert "office_mismatch" not in codes and "not_returned" not in codes
    row = office_row(summary, "职终股")
    assert not row.state.missing and row.file == path.name
    assert "职终股" not in texts  # nothing to fix


def test_a_traditional_office_without_the_hidden_mark_takes_the_lists_spelling(workdir):
    c = Cycle.load(workdir / "config.yaml", date(2022, 6, 25))
    fill(c, "2022-06")
    path = returned(
        c, "2022-06", "职终股", datetime(2022, 6, 15, 9, 0), office_typed="職終股", meta=False
    )
    summary, _ = run(workdir, "2022-06", date(2022, 6, 25))
    assert "wrong_office" not in [f.code for f in summary.findings]
    row = office_row(summary, "职终股")
    assert not row.state.missing and row.file == path.name
    assert row.counted.office == "职终股"


# 9. last month's return mailed this month


def test_last_months_return_received_this_month_is_told_to_the_office(workdir):
    c = Cycle.load(workdir / "config.yaml", date(2022, 6, 25))
    fill(c, "2022-06")
    fill(c, "2022-07")
    june = returned(c, "2022-06", "督导室", datetime(2022, 7, 3, 16, 30))
    run(workdir, "2022-06", date(2022, 7, 5))  # June's late return, filed and validated under June
    returned(c, "2022-07", "人事股", datetime(2022, 7, 10, 9, 0))

    summary, texts = run(workdir, "2022-07", date(2022, 7, 25))
    mine = [f for f in summary.findings if f.office == "督导室"]
    assert {f.code for f in mine} == {"not_returned", "other_month_return"}
    told = next(f for f in mine if f.code == "other_month_return")
    assert told.severity.value == "警告" and told.file == june.name
    assert "7月3日" in told.message and june.name in told.message
    assert "2022年6月" in told.message and "本月（7月）" in told.message
    assert told.message in texts["督导室"]
    assert office_row(summary, "督导室").state.missing  # still no July return
    # offices that sent nothing of June in July, or their July form, are told nothing of it
    assert [f.office for f in summary.findings if f.code == "other_month_return"] == ["督导室"]


def test_a_return_of_another_month_before_this_month_is_not_mentioned(workdir):
    c = Cycle.load(workdir / "config.yaml", date(2022, 6, 25))
    fill(c, "2022-06")
    fill(c, "2022-07")
    returned(c, "2022-06", "督导室", datetime(2022, 6, 28, 16, 30))  # late, but in June
    run(workdir, "2022-06", date(2022, 6, 30))
    summary, _ = run(workdir, "2022-07", date(2022, 7, 25))
    assert "other_month_return" not in [f.code for f in summary.findings]
