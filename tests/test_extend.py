"""`yuebao extend`: a wrong approval is refused in one line with exit 2, the ledger untouched."""

import sqlite3

import pytest

from .inprocess import run as yuebao

PLANNED = "2022-05-31"  # T10's first milestone: “一是5月底前制定…”


def approvals(folder):
    path = folder / "ledger.sqlite3"
    if not path.exists():
        return []
    with sqlite3.connect(path) as db:
        return db.execute(
            "SELECT milestone_key, new_due, reason, approved_at FROM extensions"
        ).fetchall()


@pytest.mark.parametrize(
    "args, said",
    [
        (["T10", "1", PLANNED, "--reason", "等待细则"], "应晚于"),  # the planned day itself
        (["T10", "1", "2022-05-20", "--reason", "等待细则"], "应晚于"),  # earlier
        (["T10", "1", "2022-06-30", "--reason", "  "], "延期理由不能为空"),
        (
            ["T10", "1", "2022-6-31", "--reason", "等待细则"],
            "DATE的日期“2022-6-31”应写成如2022-06-25",
        ),
        (["T10", "1", "6月30日", "--reason", "等待细则"], "应写成如2022-06-25"),
        (["T10", "-1", "2022-06-30", "--reason", "等待细则"], "没有第“-1”个节点"),
        (["T10", "1", "2022-06-30", "--reason", "x", "--as-of", "0625"], "--as-of的日期"),
    ],
)
def test_a_wrong_extension_is_one_line_with_exit_2(workdir, args, said):
    result = yuebao("extend", *args, "--config", str(workdir / "config.yaml"))
    assert result.returncode == 2
    assert said in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr  # no usage text
    assert approvals(workdir) == []


def test_an_extension_is_recorded_on_the_as_of_day(workdir):
    result = yuebao(
        "extend", "T10", "1", "2022-06-30", "--reason", " 等待细则 ",
        "--as-of", "2022-06-20", "--config", str(workdir / "config.yaml"),
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"由{PLANNED}延期至2022-06-30" in result.stdout
    [(key, new_due, reason, approved_at)] = approvals(workdir)
    assert (key, new_due, reason) == ("T10-M1", "2022-06-30", "等待细则")
    assert approved_at.startswith("2022-06-20T")
