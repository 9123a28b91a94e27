"""config.yaml slips a clerk makes in Notepad get a message that names the line and the fix.

Issue 30, items 3 and 4: an office written twice (the first one's details were lost without a
word), and the everyday slips `check` was vague about: a full-width colon or comma inside `{…}`,
two e-mails joined by `，`, an office line moved to column 0, a Tab after a colon.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from reporting.cli import main
from reporting.config import checked, load_config, read_config_text
from reporting.errors import YuebaoError

from .conftest import ROOT, SAMPLE_TASKS

RENSHI = "  人事股: {contact: 陈慧敏, phone: 0750-5521802, email: renshi@taishan-edu.example.org"


def sample_text() -> str:
    """The bundled config.yaml as a clerk has it in Notepad (comments, flow mappings)."""
    text = (ROOT / "config.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "task_list: workbooks/taishan_2022_tasks.xlsx", f"task_list: '{SAMPLE_TASKS}'"
    )
    assert RENSHI in text and "  deadline_day: 20 " in text
    return text.replace("ledger: output/ledger.sqlite3", "ledger: ledger.sqlite3")


def written(folder: Path, old: str, new: str) -> Path:
    text = sample_text()
    assert old in text
    path = folder / "config.yaml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def line_of(path: Path, part: str, nth: int = 1) -> int:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [i for i, line in enumerate(lines, start=1) if part in line][nth - 1]


def checked_by_cli(path: Path) -> str:
    result = CliRunner().invoke(main, ["check", "--config", str(path)])
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output and "检查通过" not in result.output
    return result.output


def test_the_sample_as_written_here_has_no_config_problem(tmp_path):
    path = tmp_path / "config.yaml"
    path.write_text(sample_text(), encoding="utf-8")
    data, problems = checked(read_config_text(path))
    assert data is not None and not [p.zh for p in problems if "文字模板" not in p.zh]


def test_an_office_written_twice_is_refused_with_both_lines(tmp_path):
    path = written(
        tmp_path,
        "offices:\n",
        "offices:\n  人事股: {contact: 张三, phone: 0750-1234567, email: zs@example.org}\n",
    )
    first, second = line_of(path, "人事股:"), line_of(path, "人事股:", 2)
    with pytest.raises(YuebaoError) as err:
        load_config(path)
    said = f"第{first}行和第{second}行都写了 offices 下的“人事股”，请合并为一项"
    assert said in err.value.zh, err.value.zh
    assert said in checked_by_cli(path)


def test_a_section_written_twice_is_refused_too(tmp_path):
    path = written(tmp_path, "offices:\n", "reporting:\n  amber_days: 5\noffices:\n")
    first, second = line_of(path, "reporting:"), line_of(path, "reporting:", 2)
    with pytest.raises(YuebaoError) as err:
        load_config(path)
    assert f"第{first}行和第{second}行都写了“reporting”，请合并为一项" in err.value.zh


def test_a_full_width_colon_inside_braces_is_named_with_its_line(tmp_path):
    path = written(tmp_path, "email: renshi@", "email：renshi@")
    said = checked_by_cli(path)
    assert "全角冒号" in said and f"第{line_of(path, '人事股:')}行" in said, said
    assert "未知的项" not in said
    with pytest.raises(YuebaoError, match="全角冒号"):
        load_config(path)


def test_a_full_width_comma_between_entries_is_named_with_its_line(tmp_path):
    path = written(tmp_path, "phone: 0750-5521802, email", "phone: 0750-5521802， email")
    said = checked_by_cli(path)
    assert "全角逗号" in said and f"第{line_of(path, '人事股:')}行" in said, said
    assert "格式有误" not in said


def test_two_addresses_joined_by_a_full_width_comma_are_shown_as_a_list(tmp_path):
    path = written(
        tmp_path,
        "email: renshi@taishan-edu.example.org",
        "email: renshi@taishan-edu.example.org，rs2@taishan-edu.example.org",
    )
    said = checked_by_cli(path)
    assert "[renshi@taishan-edu.example.org, rs2@taishan-edu.example.org]" in said, said
    assert f"第{line_of(path, '人事股:')}行" in said and "多个地址）" not in said
    listed = written(
        tmp_path,
        "email: renshi@taishan-edu.example.org",
        "email: [renshi@taishan-edu.example.org, rs2@taishan-edu.example.org]",
    )
    data, problems = checked(read_config_text(listed))  # the list form README gives is fine
    assert not [p.zh for p in problems if "文字模板" not in p.zh]
    assert data["offices"]["人事股"]["email"][1] == "rs2@taishan-edu.example.org"


def test_an_office_line_moved_to_column_0_is_reported_on_its_own_line(tmp_path):
    path = written(tmp_path, RENSHI, RENSHI.lstrip())
    said = checked_by_cli(path)
    assert f"第{line_of(path, '人事股:')}行" in said and "人事股" in said, said
    assert f"第{line_of(path, '基安股:')}行" not in said, said
    assert "空格" in said


def test_the_first_office_moved_to_column_0_is_reported_on_its_own_line(tmp_path):
    base = "  基财股: {contact: 李志强"
    path = written(tmp_path, base, base.lstrip())
    said = checked_by_cli(path)
    assert f"第{line_of(path, '基财股:')}行" in said, said
    assert f"第{line_of(path, '人事股:')}行" not in said, said


def test_a_tab_after_a_colon_is_not_called_indentation(tmp_path):
    path = written(tmp_path, "deadline_day: 20", "deadline_day:\t20")
    said = checked_by_cli(path)
    assert f"第{line_of(path, 'deadline_day')}行" in said, said
    assert "冒号后" in said and "Tab" in said and "缩进" not in said, said


def test_a_tab_at_the_start_of_a_line_is_still_called_indentation(tmp_path):
    path = written(tmp_path, "  deadline_day: 20", "\tdeadline_day: 20")
    said = checked_by_cli(path)
    assert "Tab键缩进" in said and f"第{line_of(path, 'deadline_day')}行" in said, said
