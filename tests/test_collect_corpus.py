"""Whatever clerks send back: a finding for each, nothing lost (archive + ledger), the batch goes
on."""

import os
import sqlite3
from datetime import date, datetime

import openpyxl
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from reporting import clerks as simulate
from reporting.cycle import Cycle, collect_month, validate
from reporting.forms import layout as form

from . import corpus
from .conftest import soffice, write_config

RECEIVED = datetime(2022, 6, 16, 9, 30).timestamp()


def run(tmp_path, *files, **config):
    """Drop files in the inbox (as received on 16 June), collect and validate as of 25 June."""
    if config:
        write_config(tmp_path, **config)
    else:
        write_plain_config(tmp_path)
    inbox = tmp_path / "inbox" / "2022-06"
    inbox.mkdir(parents=True, exist_ok=True)
    for f in files:
        target = inbox / f.name
        if f.parent != inbox:
            target.write_bytes(f.read_bytes())
        os.utime(target, (RECEIVED, RECEIVED))
    cycle = Cycle.load(tmp_path / "config.yaml", date(2022, 6, 25))
    collect_month(cycle, "2022-06")
    result = validate(cycle, "2022-06")
    return result.summary


_PLAIN_CONFIG: list[str] = []  # write_config's text without overrides, once made


def write_plain_config(folder):
    """write_config(folder), its text made once: the same for every folder (its paths are
    absolute or relative to the folder), and each fuzzed example needs one."""
    if not _PLAIN_CONFIG:
        _PLAIN_CONFIG.append(write_config(folder).read_text(encoding="utf-8"))
    else:
        (folder / "config.yaml").write_text(_PLAIN_CONFIG[0], encoding="utf-8")


def codes(summary, name):
    return sorted(f.code for f in summary.findings if f.file == name)


def assert_kept(tmp_path, *names):
    """Every file is in the archive, byte for byte, and in the ledger."""
    archive = tmp_path / "2022-06" / "archive"
    inbox = tmp_path / "inbox" / "2022-06"
    rows = (
        sqlite3.connect(tmp_path / "ledger.sqlite3")
        .execute("SELECT file_name, archived_path FROM returns")
        .fetchall()
    )
    ledger = dict(rows)
    for name in names:
        assert name in ledger, name
        archived = archive / os.path.basename(ledger[name])
        assert archived.read_bytes() == (inbox / name).read_bytes(), name


def message(summary, name, code):
    return next(f.message for f in summary.findings if f.file == name and f.code == code)


def test_renamed_file_is_recognised_by_content(tmp_path, outbox):
    f = corpus.good_return(outbox, tmp_path / "6月份报表最终版(2).xlsx")
    s = run(tmp_path, f)
    assert codes(s, f.name) == []
    assert next(o for o in s.offices if o.office.name == corpus.OFFICE).file == f.name
    assert_kept(tmp_path, f.name)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["xls", "wps_xlsx", "xlsm", "csv_utf8", "csv_gbk"])
def test_other_formats_are_read(tmp_path, outbox, kind):
    soffice()
    (tmp_path / "src").mkdir()
    good = corpus.good_return(outbox, tmp_path / "src" / "人事股.xlsx")
    if kind == "xls":
        f = corpus.libreoffice(good, "xls", tmp_path / "conv")
    elif kind == "wps_xlsx":  # another producer rewrites the whole package
        f = corpus.libreoffice(good, "xlsx", tmp_path / "conv")
    elif kind == "xlsm":
        f = tmp_path / "src" / "人事股.xlsm"
        f.write_bytes(good.read_bytes())
    else:
        f = corpus.as_csv(
            good, tmp_path / "src" / "人事股.csv", "utf-8-sig" if kind == "csv_utf8" else "gbk"
        )
    s = run(tmp_path, f)
    found = codes(s, f.name)
    assert (
        "unreadable" not in found
        and next(o for o in s.offices if o.office.name == corpus.OFFICE).file == f.name
    )
    if kind in ("xls", "csv_utf8", "csv_gbk"):
        assert "old_format" in found
        assert "下次请使用下发的.xlsx表格" in message(s, f.name, "old_format")
    assert not [
        c
        for c in found
        if c
        in (
            "empty_progress",
            "empty_status",
            "missing_task",
            "definition_altered",
            "key_mismatch",
            "office_mismatch",
        )
    ]
    assert_kept(tmp_path, f.name)


@pytest.mark.parametrize(
    "kind, code, advice",
    [
        ("empty", "empty_file", "另存为"),
        ("corrupt", "unreadable", "另存为"),
        ("cut_short", "truncated", "重新发送"),
        ("zipped", "zipped", "把其中的xlsx文件直接发来"),
        ("encrypted", "encrypted", "取消密码"),
        ("lock", "lock_file", "临时文件"),
        ("bomb", "zip_bomb", "未打开"),
        ("huge", "too_large", "上限"),
        ("notes", "not_a_workbook", "另存为"),
    ],
)
def test_unreadable_inputs_get_a_finding_and_are_kept(tmp_path, outbox, kind, code, advice):
    (tmp_path / "src").mkdir()
    src = tmp_path / "src"
    if kind == "empty":
        f = src / "人事股.xlsx"
        f.write_bytes(b"")
    elif kind == "corrupt":  # damaged inside, whole at the end
        data = bytearray(corpus.good_return(outbox, src / "ok.xlsx").read_bytes())
        data[200:3000] = bytes(2800)
        f = src / "人事股.xlsx"
        f.write_bytes(bytes(data))
    elif kind == "cut_short":
        f = corpus.cut_short(corpus.good_return(outbox, src / "ok.xlsx"), src / "人事股.xlsx")
    elif kind == "zipped":
        f = corpus.zipped(
            corpus.good_return(outbox, src / "进展情况表_人事股.xlsx"), src / "人事股.zip"
        )
    elif kind == "encrypted":
        from msoffcrypto.format.ooxml import OOXMLFile

        good = corpus.good_return(outbox, src / "ok.xlsx")
        f = src / "人事股（加密）.xlsx"
        with good.open("rb") as fin, f.open("wb") as fout:
            OOXMLFile(fin).encrypt("123456", fout)
    elif kind == "lock":
        f = src / "~$人事股.xlsx"
        f.write_bytes(b"\x06\x00\xe5\xbc\xa0\xe4\xb8\x89" + b"\x20" * 157)
    elif kind == "bomb":
        f = corpus.zip_bomb(src / "人事股.xlsx")
    elif kind == "huge":  # a 200 MB file costs nothing as a sparse file; it must not be read
        f = tmp_path / "inbox" / "2022-06" / "人事股（含视频）.xlsx"  # made there: not copied
        f.parent.mkdir(parents=True)
        with f.open("wb") as fh:
            fh.truncate(200 * 1024 * 1024)
    else:
        f = src / "人事股.docx"
        f.write_text("这不是表格", encoding="utf-8")
    s = run(tmp_path, f)
    assert code in codes(s, f.name)
    assert advice in message(s, f.name, code)
    assert next(o for o in s.offices if o.office.name == corpus.OFFICE).state == "未报送"
    assert_kept(tmp_path, f.name)


def test_another_office_and_another_month(tmp_path, outbox):
    src = tmp_path / "src"
    src.mkdir()
    other = corpus.good_return(outbox, src / "办公室.xlsx")
    wb = openpyxl.load_workbook(other)
    wb[form.META_SHEET]["B1"] = "办公室"  # not a lead office, on the sheet and in the hidden mark
    wb[form.SHEET][form.OFFICE_CELL] = "办公室"
    wb.save(other)
    may = corpus.good_return(outbox, src / "人事股5月.xlsx")
    wb = openpyxl.load_workbook(may)
    wb[form.META_SHEET]["B2"] = "2022-05"
    wb.save(may)
    s = run(tmp_path, other, may)
    assert codes(s, other.name) == ["wrong_office"] and codes(s, may.name) == ["wrong_month"]
    assert "2022-05" in message(s, may.name, "wrong_month")
    assert_kept(tmp_path, other.name, may.name)


def test_two_returns_from_one_office_newest_wins(tmp_path, outbox):
    src = tmp_path / "src"
    src.mkdir()
    first = corpus.good_return(
        outbox, src / "人事股初稿.xlsx", typed={("T04", form.PROGRESS): "初稿"}
    )
    second = corpus.good_return(
        outbox, src / "人事股定稿.xlsx", typed={("T04", form.PROGRESS): "定稿"}
    )
    write_config(tmp_path)
    run(tmp_path, first)
    later = datetime(2022, 6, 18, 10, 0).timestamp()
    target = tmp_path / "inbox" / "2022-06" / second.name
    target.write_bytes(second.read_bytes())
    os.utime(target, (later, later))
    cycle = Cycle.load(tmp_path / "config.yaml", date(2022, 6, 25))
    collect_month(cycle, "2022-06")
    s = validate(cycle, "2022-06").summary
    row = next(r for r in s.rows if r.task.key == "T04")
    assert row.progress == "定稿"
    assert codes(s, first.name) == ["superseded"] and second.name in message(
        s, first.name, "superseded"
    )
    db = sqlite3.connect(tmp_path / "ledger.sqlite3")
    assert (
        db.execute("SELECT superseded_by FROM returns WHERE file_name=?", (first.name,)).fetchone()[
            0
        ]
        == second.name
    )
    assert db.execute("SELECT COUNT(*) FROM returns").fetchone()[0] == 2


@pytest.mark.parametrize(
    "damage, expected",
    [
        ("duplicate_row", ["duplicate_row"]),
        ("added_row", ["row_without_key"]),
        ("task_text", ["definition_altered"]),
        ("extra_sheet", ["extra_sheets"]),
        ("header_moved", []),
        (
            "header_deleted",
            ["header_missing", "no_filled_by", "no_filled_on"],
        ),  # 填报人/日期 went with the header
        ("merges_broken", []),
        ("typed_dates", []),
        ("typed_status", []),
        ("formula", ["empty_status"]),
    ],
)
def test_damaged_but_readable_returns(tmp_path, outbox, damage, expected):
    src = tmp_path / "src"
    src.mkdir()
    f = corpus.good_return(outbox, src / "人事股.xlsx")
    wb, ws = simulate.open_form(f)
    ws.protection.sheet = False
    rows = simulate.rows_by_key(ws)
    if damage == "duplicate_row":
        r = rows["T04-M1"]
        ws.insert_rows(r + 1)
        for c in range(1, len(form.HEADERS) + 1):
            ws.cell(r + 1, c).value = ws.cell(r, c).value
    elif damage == "added_row":
        ws.append(
            [None, None, None, "补充：另开展了线上培训2期", None, None, None, None, "补充说明"]
        )
    elif damage == "task_text":
        ws.cell(rows["T04"], simulate.column(form.NAME), "加强教师培训工作")
    elif damage == "extra_sheet":
        wb.create_sheet("说明").append(["本股室补充材料见附件"])
    elif damage == "header_moved":
        ws.insert_rows(1, 2)
    elif damage == "header_deleted":
        for rng in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(rng))
        ws.delete_rows(1, form.HEADER_ROW)
    elif damage == "merges_broken":
        for rng in list(ws.merged_cells.ranges):
            ws.unmerge_cells(str(rng))
    elif damage == "typed_dates":
        for key, typed in (
            ("T04-M1", "3月28日"),
            ("T04-M2", "2022.4.26"),
            ("T04-M3", "26/5"),
            ("T04-M4", 44727),
        ):
            ws.cell(rows[key], simulate.column(form.DONE_ON), typed)
    elif damage == "typed_status":
        ws.cell(rows["T04-M1"], simulate.column(form.STATUS), "已完成　")  # full-width space
        ws.cell(rows["T04-M2"], simulate.column(form.STATUS), " 已完成 ")
    elif damage == "formula":
        ws.cell(
            rows["T04-M1"], simulate.column(form.STATUS), '=IF(1,"已完成","")'
        )  # no saved result
    wb.save(f)
    s = run(tmp_path, f)
    assert sorted(set(codes(s, f.name))) == sorted(expected)
    if damage == "formula":
        assert "公式" in message(s, f.name, "empty_status")
    if damage == "typed_dates":
        done = {
            r.milestone.key: r.completed_on for r in s.rows if r.task.key == "T04" and r.milestone
        }
        assert done["T04-M1"] == date(2022, 3, 28) and done["T04-M2"] == date(2022, 4, 26)
        assert done["T04-M3"] == date(2022, 5, 26) and done["T04-M4"] == date(2022, 6, 15)
    assert_kept(tmp_path, f.name)


REQUIRED = ["clear_progress", "clear_due_status", "junk_status", "change_definition", "delete_task"]
HARMLESS = ["rename_sheet", "change_remarks", "sort_milestones"]


@pytest.mark.slow(6)
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    mutations=st.lists(st.sampled_from(REQUIRED + HARMLESS), min_size=1, max_size=3, unique=True),
    pick=st.integers(0, 5),
)
@example(
    mutations=["clear_due_status", "sort_milestones", "junk_status"], pick=0
)  # found once: rows moved
@example(mutations=["clear_due_status", "sort_milestones", "junk_status"], pick=1)
def test_fuzzed_returns_never_crash_and_every_required_change_is_reported(
    tmp_path_factory, outbox, mutations, pick
):
    tmp = tmp_path_factory.mktemp("fuzz")
    f = corpus.good_return(outbox, tmp / "人事股.xlsx")
    wb, ws = simulate.open_form(f)
    ws.protection.sheet = False
    rows = simulate.rows_by_key(ws)
    due_keys = [
        k
        for k in rows
        if "-M" in k
        and ws.cell(rows[k], simulate.column(form.DUE)).value.date() <= date(2022, 6, 30)
    ]
    key = due_keys[pick % len(due_keys)]
    expected = set()
    for m in mutations:
        if m == "clear_progress":
            ws.cell(rows["T04"], simulate.column(form.PROGRESS)).value = None
            expected.add("empty_progress")
        elif m == "clear_due_status":
            ws.cell(rows[key], simulate.column(form.STATUS)).value = None
            expected.add("empty_status")
        elif m == "junk_status":
            ws.cell(
                rows[due_keys[(pick + 1) % len(due_keys)]], simulate.column(form.STATUS), "差不多"
            )
            expected.add("bad_status")
        elif m == "change_definition":
            ws.cell(rows[key], simulate.column(form.CONTENT), "改过的节点")
            expected.add("definition_altered")
        elif m == "delete_task":
            simulate.delete_task_block(ws, "T04")
            expected = {"missing_task"} | {
                e
                for e in expected
                if e not in ("empty_progress", "empty_status", "bad_status", "definition_altered")
            }
            break
        elif m == "rename_sheet":
            ws.title = "Sheet1"
        elif m == "change_remarks":
            ws.cell(rows["T04"], simulate.column(form.REMARKS), "备注随便写")
        elif m == "sort_milestones":
            for rng in list(ws.merged_cells.ranges):
                ws.unmerge_cells(str(rng))
            a, b = rows["T04-M1"], rows["T04-M2"]
            for c in range(1, len(form.HEADERS) + 1):
                va, vb = ws.cell(a, c).value, ws.cell(b, c).value
                ws.cell(a, c).value = vb
                ws.cell(b, c).value = va
            rows = simulate.rows_by_key(
                ws
            )  # later mutations aim at the rows where the keys now are
    wb.save(f)
    s = run(tmp, f)
    found = set(codes(s, f.name))
    assert expected <= found, (mutations, found)
    assert (
        sqlite3.connect(tmp / "ledger.sqlite3")
        .execute("SELECT COUNT(*) FROM returns")
        .fetchone()[0]
        == 1
    )


def test_a_crash_while_writing_the_summary_leaves_the_last_good_one(demo_copy, monkeypatch):
    """Power cut or crash mid-write: the previous summary stays whole; no half file is left."""
    from reporting.cycle import merge as merge_month
    from reporting.summary import workbook as merge

    path = demo_copy / "2022-07" / "重点工作进展汇总_2022-07_台山市教育系统.xlsx"
    before = path.read_bytes()
    cycle = Cycle.load(demo_copy / "config.yaml", date(2022, 7, 25))

    def boom(self):
        raise RuntimeError("power cut")

    monkeypatch.setattr(
        merge._Book, "changes", boom
    )  # fails after 概览, 汇总 and 逾期事项 were written
    with pytest.raises(RuntimeError):
        merge_month(cycle, "2022-07")
    assert path.read_bytes() == before
    assert openpyxl.load_workbook(path)["汇总"].max_row > 10
    assert not list(path.parent.glob(".*.tmp.xlsx"))
