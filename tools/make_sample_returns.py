"""Build the bundled sample returns (workbooks/returns/YYYY-MM/) from the clerks' answers.

The answers are in workbooks/sample/progress_YYYY-MM.yaml (what each lead office wrote).  This
script fills the month's office workbooks, types the answers in as a clerk would, and then does
what clerks do (listed in FAULTS), writing received.yaml with the time each file arrived.

    python tools/make_sample_returns.py 2022-06
"""

import sys
import tempfile
from pathlib import Path

import yaml

from reporting import clerks as simulate
from reporting.cycle import Cycle, fill
from reporting.demo import RETURNS, ROOT
from reporting.forms.fill import form_file_name

# month -> office -> what happens to that office's return
FAULTS = {
    "2022-06": {
        "基财股": {"received": "2022-06-23 10:12"},  # returned late
        "卫健所": {"missing": True},  # never returned
        "督导室": {"delete_task": "T14"},  # deleted a task's rows
        "职终股": {
            "overwrite": [
                ("T08", "项目名称", "开展产业人才定向培养工作"),  # typed in locked cells
                (
                    "T08-M2",
                    "主要内容和关键时间节点计划",
                    "二是7月底前完成企业校园招聘和毕业生就业推荐工作。",
                ),
            ]
        },
        "人事股": {"rename": "人事股6月份重点工作进展（定稿）.xlsx"},  # saved under its own name
    },
    "2022-07": {
        "督导组": {"received": "2022-07-22 09:40"},  # returned late
        "机关党委": {
            "resend": "2022-07-18 11:05"
        },  # first sent without progress for a task, then corrected
        "基安股": {"rename": "基安股7月进展.xlsx"},
    },
}


def main(month: str) -> None:
    answers = yaml.safe_load(
        (ROOT / "workbooks" / "sample" / f"progress_{month}.yaml").read_text(encoding="utf-8")
    )
    faults = FAULTS.get(month, {})
    out = RETURNS / month
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("*.xlsx"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        cfg = Path(tmp) / "config.yaml"
        data = yaml.safe_load((ROOT / "config.yaml").read_text(encoding="utf-8"))
        data["task_list"] = str(ROOT / data["task_list"])
        data["folders"] = {"outbox": str(Path(tmp) / "out")}
        cfg.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        cycle = Cycle.load(cfg)
        fill(cycle, month)
        received = {}
        for office in cycle.tasks.lead_offices():
            fault = faults.get(office, {})
            if fault.get("missing"):
                continue
            wb, ws = simulate.open_form(Path(tmp) / "out" / form_file_name(month, office))
            who = answers["offices"][office]
            tasks = {t.key: answers["tasks"][int(t.no)] for t in cycle.tasks.tasks_of(office)}
            simulate.answer(ws, who["filled_by"], who["filled_on"], tasks)
            for key, header, value in fault.get("overwrite", []):
                simulate.overwrite_locked(ws, key, header, value)
                ws.protection.sheet = True
            if "delete_task" in fault:
                simulate.delete_task_block(ws, fault["delete_task"])
            name = fault.get("rename", form_file_name(month, office))
            if "resend" in fault:  # an earlier, incomplete version arrives first
                first = name.replace(".xlsx", "（初稿）.xlsx")
                key = next(iter(tasks))
                row = simulate.rows_by_key(ws)[key]
                kept = ws.cell(row, simulate.column("进展情况")).value
                ws.cell(row, simulate.column("进展情况"), None)
                wb.save(out / first)
                received[first] = fault["resend"]
                ws.cell(row, simulate.column("进展情况"), kept)
            wb.save(out / name)
            filled_on = who["filled_on"]
            received[name] = (
                fault.get("received") or f"{filled_on:%Y-%m-%d} 16:{len(received) * 3 + 5:02d}"
            )
        (out / "received.yaml").write_text(
            "# file -> when it arrived in the bureau office's inbox "
            "(the demo stamps the copies with it)\n"
            + yaml.safe_dump(received, allow_unicode=True, sort_keys=False),
            encoding="utf-8",
        )
        print(f"{len(received)} returns in {out}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "2022-06")
