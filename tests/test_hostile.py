"""Returns built to hurt the reader: far cells, disguised formats, zips, cut files, long names, a
full disk.  Each gets a finding a clerk can act on, and every other office's return still counts."""

import os
import sqlite3
import subprocess
import sys
import zipfile
from pathlib import Path

import openpyxl
import pytest

from . import corpus
from .conftest import soffice, write_config
from .inprocess import run as yuebao
from .test_collect_corpus import RECEIVED, assert_kept, codes, message, run

MONTH = "2022-06"


def state(summary, office):
    return next(o for o in summary.offices if o.office.name == office).state


def drop(tmp_path, *files):
    """Files into the inbox, as received on 16 June."""
    inbox = tmp_path / "inbox" / MONTH
    inbox.mkdir(parents=True, exist_ok=True)
    for f in files:
        target = inbox / f.name
        target.write_bytes(f.read_bytes())
        os.utime(target, (RECEIVED, RECEIVED))
    return inbox


def table(path: Path, sheet: str, first: str) -> list[dict]:
    """The rows of a sheet we wrote, under the header row that starts with `first`."""
    ws = openpyxl.load_workbook(path, read_only=True)[sheet]
    rows = [list(r) for r in ws.iter_rows(values_only=True)]
    top = next(i for i, r in enumerate(rows) if r and r[0] == first)
    return [dict(zip(rows[top], r)) for r in rows[top + 1 :] if any(r)]


@pytest.mark.parametrize("cell", ["K1048576", "ZZ30"])
def test_a_value_typed_far_outside_the_form_is_cut_off_and_the_return_counts(
    tmp_path, outbox, cell
):
    good = corpus.good_return(outbox, tmp_path / "ok.xlsx")
    f = corpus.far_cell(good, tmp_path / "人事股.xlsx", cell)
    s = run(tmp_path, f)
    assert codes(s, f.name) == ["cells_outside_form"]
    finding = next(x for x in s.findings if x.code == "cells_outside_form")
    assert finding.cell == cell and cell in finding.message and "Ctrl+End" in finding.message
    assert state(s, corpus.OFFICE) == "按时报送"
    assert_kept(tmp_path, f.name)


@pytest.mark.slow
def test_a_return_that_would_take_the_reader_down_gets_a_finding_and_others_count(tmp_path, outbox):
    """One value in XFD1048576 once made the reader ask for hundreds of GiB and killed the run; an
    .xls reaching IV65536 asks for half a GiB.  Run as the clerk runs it, in its own process."""
    soffice()
    src = tmp_path / "src"
    src.mkdir()
    good = corpus.good_return(outbox, src / "进展情况表_2022-06_人事股.xlsx")
    last_cell = corpus.far_cell(
        corpus.good_return(outbox, src / "ok1.xlsx", office="基财股"),
        src / "进展情况表_2022-06_基财股.xlsx",
        "XFD1048576",
    )
    (src / "far").mkdir()
    wide = corpus.far_cell(
        corpus.good_return(outbox, src / "ok2.xlsx", office="基安股"),
        src / "far" / "基安股.xlsx",
        "IV65536",
    )
    heavy = corpus.libreoffice(wide, "xls", tmp_path / "conv")
    write_config(tmp_path)
    drop(tmp_path, good, last_cell, heavy)
    done = yuebao(
        "run", "--month", MONTH, "--as-of", "2022-06-25", "--config", str(tmp_path / "config.yaml")
    )
    assert done.returncode == 0, done.stderr[-2000:]

    problems = table(tmp_path / MONTH / f"校验问题_{MONTH}.xlsx", "校验问题", "严重程度")
    about = {r["文件"]: r for r in problems if r["代码"] in ("read_failed", "cells_outside_form")}
    assert about[last_cell.name]["代码"] == "cells_outside_form"
    assert about[last_cell.name]["单元格"] == "XFD1048576"
    assert (
        about[heavy.name]["代码"] == "read_failed"
        and "内存上限" in about[heavy.name]["问题及处理办法"]
    )
    assert (
        about[heavy.name]["股室"] == "基安股"
    )  # told by its name: the office gets it in its feedback
    feedback = (tmp_path / MONTH / "反馈" / "反馈_基安股.txt").read_text(encoding="utf-8")
    assert heavy.name in feedback and "内存上限" in feedback
    submitted = {
        r["牵头股室"]: r["报送情况"]
        for r in table(
            tmp_path / MONTH / f"重点工作进展汇总_{MONTH}_台山市教育系统.xlsx",
            "报送情况",
            "牵头股室",
        )
    }
    assert submitted["人事股"] == "按时报送" and submitted["基财股"] == "按时报送"
    assert submitted["基安股"] == "未报送"


@pytest.mark.parametrize("kind", ["xls_named_xlsx", "xlsx_named_xls"])
def test_a_workbook_under_the_wrong_extension_is_read_by_its_content(tmp_path, outbox, kind):
    src = tmp_path / "src"
    src.mkdir()
    good = corpus.good_return(outbox, src / "人事股.xlsx")
    if kind == "xls_named_xlsx":
        soffice()
        f = src / "人事股（6月）.xlsx"
        f.write_bytes(corpus.libreoffice(good, "xls", tmp_path / "conv").read_bytes())
    else:
        f = src / "人事股（6月）.xls"
        f.write_bytes(good.read_bytes())
    s = run(tmp_path, f)
    assert state(s, corpus.OFFICE) == "按时报送"
    if kind == "xls_named_xlsx":
        assert codes(s, f.name) == ["old_format"]
        said = message(s, f.name, "old_format")
        assert ".xls格式" in said and "扩展名为.xlsx" in said
    else:
        assert codes(s, f.name) == []


def test_an_ods_reaching_a_million_rows_down_is_refused_unopened(tmp_path, outbox):
    soffice()
    good = corpus.good_return(outbox, tmp_path / "人事股.xlsx")
    ods = corpus.libreoffice(good, "ods", tmp_path / "conv")
    f = corpus.ods_with_far_cell(ods, tmp_path / "人事股_6月.ods")
    s = run(tmp_path, f)
    assert codes(s, f.name) == ["sheet_too_large"]
    assert "另存为" in message(s, f.name, "sheet_too_large")
    assert state(s, corpus.OFFICE) == "未报送"


def test_a_long_file_name_is_archived_shortened_and_listed_under_its_own_name(tmp_path, outbox):
    name = (
        "关于报送台山市教育系统二〇二二年一至六月重点工作任务推进落实情况及下一步工作计划的进展情况表"
        "（人事股定稿版，经股室负责人审核同意后报送局办公室汇总，请各位领导审阅，谢谢）"
    )[:80] + ".xlsx"
    assert len(name.encode()) > 240
    f = corpus.good_return(outbox, tmp_path / name)
    s = run(tmp_path, f)
    assert state(s, corpus.OFFICE) == "按时报送"
    archived = list((tmp_path / MONTH / "archive").iterdir())
    assert len(archived) == 1 and len(archived[0].name.encode()) <= 255
    assert archived[0].suffix == ".xlsx" and archived[0].name.endswith("….xlsx")
    assert_kept(tmp_path, name)  # the ledger keeps the name as it came


def _disk_full_at(limit: int):
    """A file-size limit: to collect, like a full disk (writes past it fail with EFBIG)."""
    import resource  # POSIX only

    return lambda: resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))


@pytest.mark.skipif(sys.platform == "win32", reason="POSIX file-size limit")
def test_a_file_that_cannot_be_archived_is_listed_and_taken_on_the_next_run(tmp_path, outbox):
    src = tmp_path / "src"
    src.mkdir()
    other = corpus.good_return(outbox, src / "进展情况表_2022-06_基财股.xlsx", office="基财股")
    big = corpus.good_return(outbox, src / "进展情况表_2022-06_人事股.xlsx")
    with zipfile.ZipFile(big, "a") as zf:  # a photo pasted in: 3 MB that does not compress
        zf.writestr("xl/media/image1.jpeg", os.urandom(3 << 20))
    config = write_config(tmp_path)
    inbox = drop(tmp_path, other, big)
    cli = [sys.executable, "-m", "reporting.cli"]
    full = subprocess.run(
        [*cli, "collect", "--month", MONTH, "--config", str(config)],
        capture_output=True,
        text=True,
        preexec_fn=_disk_full_at(1 << 20),
    )
    assert big.name in full.stdout
    db = sqlite3.connect(tmp_path / "ledger.sqlite3")
    assert {r[0] for r in db.execute("SELECT file_name FROM returns")} == {other.name, big.name}

    checked = yuebao("validate", "--month", MONTH, "--as-of", "2022-06-25", "--config", str(config))
    assert checked.returncode == 0, checked.stderr[-2000:]
    problems = table(tmp_path / MONTH / f"校验问题_{MONTH}.xlsx", "校验问题", "严重程度")
    lost = [r for r in problems if r["文件"] == big.name]
    assert [(r["代码"], r["股室"]) for r in lost] == [("collect_failed", "人事股")]
    assert "重新运行收取" in lost[0]["问题及处理办法"]

    again = yuebao("run", "--month", MONTH, "--as-of", "2022-06-25", "--config", str(config))
    assert again.returncode == 0, again.stderr[-2000:]
    submitted = {
        r["牵头股室"]: r["报送情况"]
        for r in table(
            tmp_path / MONTH / f"重点工作进展汇总_{MONTH}_台山市教育系统.xlsx",
            "报送情况",
            "牵头股室",
        )
    }
    assert submitted["人事股"] == "按时报送" and submitted["基财股"] == "按时报送"
    assert db.execute("SELECT COUNT(*) FROM returns").fetchone()[0] == 2
    assert_kept(tmp_path, other.name, big.name)
    assert (inbox / big.name).exists()


@pytest.mark.skipif(sys.platform == "win32", reason="names are bytes on POSIX only")
def test_a_name_in_gbk_from_a_windows_zip_is_collected_and_read(tmp_path, outbox):
    good = corpus.good_return(outbox, tmp_path / "ok.xlsx")
    write_config(tmp_path)
    inbox = tmp_path / "inbox" / MONTH
    (inbox / "附件").mkdir(parents=True)
    target = os.path.join(bytes(inbox / "附件"), "进展情况表_人事股.xlsx".encode("gbk"))
    with open(target, "wb") as fh:
        fh.write(good.read_bytes())
    os.utime(target, (RECEIVED, RECEIVED))
    s = run(tmp_path)
    assert state(s, corpus.OFFICE) == "按时报送"
    office = next(o for o in s.offices if o.office.name == corpus.OFFICE)
    assert office.file == str(Path("附件", "进展情况表_人事股.xlsx"))


@pytest.mark.parametrize("kind", ["tab_separated_xls", "html_xls"])
def test_a_table_exported_as_text_under_an_excel_name_is_known_by_content(tmp_path, outbox, kind):
    good = corpus.good_return(outbox, tmp_path / "ok.xlsx")
    f = tmp_path / "人事股_导出.xls"
    if kind == "tab_separated_xls":  # what many systems export as "xls"
        corpus.as_csv(good, f, "gbk", delimiter="\t")
    else:
        f.write_text(
            "<html><body><table><tr><td>人事股</td></tr></table></body></html>", encoding="utf-8"
        )
    s = run(tmp_path, f)
    if kind == "tab_separated_xls":
        assert state(s, corpus.OFFICE) == "按时报送"
        assert codes(s, f.name) == ["old_format"]
        assert "扩展名为.xls" in message(s, f.name, "old_format")
    else:
        assert codes(s, f.name) == ["not_a_workbook"]
        assert "网页" in message(s, f.name, "not_a_workbook")


def test_a_rar_of_the_form_says_to_send_the_xlsx_inside(tmp_path, outbox):
    f = tmp_path / "人事股6月报表.rar"
    f.write_bytes(b"Rar!\x1a\x07\x01\x00" + bytes(200))  # a RAR 5 archive's signature
    s = run(tmp_path, f)
    assert codes(s, f.name) == ["zipped"] and "xlsx" in message(s, f.name, "zipped")
    assert next(x for x in s.findings if x.file == f.name).office == corpus.OFFICE
    assert_kept(tmp_path, f.name)
