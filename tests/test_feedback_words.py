"""Words the offices and the clerk read (issue 30, items 6, 8, 10, 11): feedback texts that ask for
nothing nobody can do, signed as the bureau signs, files named as the office named them, no talk of
pre-filling in a first month, example dates of the month's own year, a status read as another."""

from __future__ import annotations

import re
from datetime import date

import yaml

from reporting import clerks as simulate
from reporting.console import print_fill
from reporting.cycle import Cycle, collect_month, fill, validate
from reporting.forms import layout as form
from reporting.forms.fill import form_file_name

from . import corpus
from .test_return_rows import month, problems
from .webserver import PASSWORD, Browser, answered, links, serving, set_up, upload


def feedback_text(folder, month_label, office):
    path = folder / month_label / "反馈" / f"反馈_{office}.txt"
    return path.read_text(encoding="utf-8-sig") if path.exists() else None


# -- item 6: feedback texts -------------------------------------------------------------------
def test_a_late_return_is_not_asked_to_be_sent_again(demo_dir):
    text = feedback_text(demo_dir, "2022-07", "督导组")  # on time but for being late: nothing else
    assert "晚于截止日期" in text
    assert "无需重新报送" in text and "修改后重新报送" not in text, text


def test_an_office_whose_only_finding_is_its_own_replaced_draft_gets_no_text(demo_dir):
    assert feedback_text(demo_dir, "2022-07", "机关党委") is None


def test_feedback_is_signed_as_config_says_else_as_the_bureau_office(demo_dir, demo_copy):
    assert feedback_text(demo_dir, "2022-07", "督导组").rstrip().splitlines()[-2] == (
        "台山市教育系统办公室"
    )
    config = demo_copy / "config.yaml"
    data = yaml.safe_load(config.read_text(encoding="utf-8"))
    data["signature"] = "台山市教育局办公室"
    config.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    validate(Cycle.load(config, date(2022, 7, 25)), "2022-07")
    lines = feedback_text(demo_copy, "2022-07", "督导组").rstrip().splitlines()
    assert lines[-2] == "台山市教育局办公室" and lines[-1] == "2022年7月25日"


def test_a_changed_planned_date_on_a_task_row_points_to_extension(tmp_path, outbox):
    f = corpus.good_return(
        outbox, tmp_path / "人事股.xlsx", typed={("T04", form.DUE): "2022-12-31"}
    )
    result = month(tmp_path, f)
    altered = [p for p in problems(result) if p[0] == "definition_altered" and form.DUE in p[4]]
    assert altered, problems(result)
    assert all("申请延期" in p[4] and "联系局办公室" not in p[4] for p in altered), altered


# -- item 10 and 11: a return of next month (the year of the run, not 2022) -------------------
def next_months_return(tmp_path, status: str):
    """Next month set up; 基财股's return with its first milestone typed `status` and no date of
    completion, collected and validated: (month, the month's findings)."""
    config, label, c = set_up(tmp_path)
    office = "基财股"
    path = answered(c, label, office, tmp_path / "pc" / form_file_name(label, office), status)
    wb, ws = simulate.open_form(path)
    first = c.tasks.tasks_of(office)[0].milestones[0]
    ws.cell(simulate.rows_by_key(ws)[first.key], simulate.column(form.DONE_ON)).value = None
    inbox = c.config.folder("inbox", label)
    inbox.mkdir(parents=True, exist_ok=True)
    wb.save(inbox / path.name)
    collect_month(c, label)
    return label, validate(c, label).summary.findings


def test_example_dates_are_of_the_months_year(tmp_path):
    label, findings = next_months_return(tmp_path, "已完成")
    missing = [f for f in findings if f.code == "no_done_date"]
    assert missing and all(f"例如 {label}-15" in f.message for f in missing), missing
    assert not any("2022-06-15" in f.message for f in findings)


def test_a_status_outside_the_list_is_said_to_be_read_as_done(tmp_path):
    _, findings = next_months_return(tmp_path, "完成 ")
    read = [f for f in findings if f.code == "status_read_as"]
    assert len(read) == 1 and read[0].severity.value == "警告"
    assert "“完成”" in read[0].message and "已按“已完成”汇总" in read[0].message
    assert read[0].cell and read[0].sheet  # the status cell, named


def test_a_first_month_says_nothing_about_prefill(workdir, capsys):
    c = Cycle.load(workdir / "config.yaml", date(2022, 7, 1))
    print_fill(c, "2022-07", fill(c, "2022-07"))  # June never collected nor merged
    out = capsys.readouterr().out
    assert "已生成" in out and "预填" not in out, out


# -- item 8: an upload is named as the office named it ----------------------------------------
def test_an_upload_is_shown_by_its_own_name_on_the_clerks_page_and_in_feedback(tmp_path):
    config, label, c = set_up(tmp_path)
    office = "基财股"
    path = answered(c, label, office, tmp_path / "pc" / "x.xlsx", status="完成")
    with serving(config, label) as base:
        status, _, _ = upload(base, links(tmp_path)[office], path, name="基财股报表终稿.xlsx")
        assert status == 303
        clerk = Browser(base)
        clerk.post("/login", {"csrf_token": clerk.csrf("/login"), "password": PASSWORD})
        page = clerk.get("/clerk")[2]
    row = re.search(rf'<tr data-office="{office}".*?</tr>', page, re.S).group(0)
    assert "网页上传：基财股报表终稿.xlsx（" in row, row
    result = validate(Cycle.load(config), label)
    saved = next(o.file for o in result.summary.offices if o.office.name == office)
    assert saved.startswith(f"{office}_") and saved not in row  # its stored name
    text = feedback_text(c.config.folder("summary", label).parent, label, office)
    assert text and "网页上传的文件" in text and saved not in text, text
