"""Returns typed as a clerk would, for schedule tests: a form answered and dropped in the inbox."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

import yaml

from reporting import clerks as simulate
from reporting.forms.fill import form_file_name

from .conftest import ROOT

SAMPLE = ROOT / "workbooks" / "sample" / "progress_2022-06.yaml"
ANSWERS = yaml.safe_load(SAMPLE.read_text(encoding="utf-8"))


def answer_form(
    outbox: Path,
    month: str,
    office: str,
    tasks,
    inbox: Path,
    when: datetime,
    done: set[str] = frozenset(),
) -> Path:
    """Answer the office's form of `month` (June's sample texts; the milestones in `done` reported
    已完成, every other one 按计划推进) and drop it in the inbox, received at `when`."""
    wb, ws = simulate.open_form(outbox / form_file_name(month, office))
    answers = {}
    for task in tasks.tasks_of(office):
        sample = ANSWERS["tasks"][int(task.no)]
        milestones = {}
        for m in task.milestones:
            if m.key in done:
                on = min(m.due or when.date(), when.date())
                milestones[m.seq] = {"status": "已完成", "completed_on": on}
            else:
                milestones[m.seq] = {"status": "按计划推进"}
        answers[task.key] = {
            "progress": f"{month}：{sample['progress']}",
            "problems": sample.get("problems"),
            "milestones": milestones,
        }
    simulate.answer(ws, ANSWERS["offices"][office]["filled_by"], when.date(), answers)
    inbox.mkdir(parents=True, exist_ok=True)
    path = inbox / form_file_name(month, office)
    wb.save(path)
    os.utime(path, (when.timestamp(), when.timestamp()))
    return path
