"""What `yuebao tasks check` and `tasks import` print: the task list as read, and its doubts."""

from __future__ import annotations

import re
from collections import Counter
from typing import TYPE_CHECKING

from .terminal import echo, pad, text_width

if TYPE_CHECKING:  # names for the signatures only: each print function imports what it runs
    from ..models import Finding, TaskList
    from ..tasks.convert import Converted


_RENDERED = re.compile(r"^[(（]\d+[)）]\s*(?:20\d\d年\d{1,2}月\d{1,2}日前：)?")
_DOUBT_NAMES = {
    "undated_milestone": "日期不明",
    "lead_unassigned": "待指定牵头股室",
    "lead_assumed": "未填牵头股室",
    "date_in_office": "单位列中是日期",
    "numbering_gap": "编号不连续",
    "duplicate_no": "序号重复",
    "duplicate_task": "任务重复",
    "example_row": "示例行未删除",
    "multi_year": "多个年度",
    "no_office": "没有责任股室",
    "leads_unknown_task": "对照表序号不存在",
    "lead_not_in_config": "牵头股室不在配置中",
}


def print_task_list(listed: TaskList, doubts: list[Finding], detail: bool) -> None:
    from ..tasks.doubts import office_counts, task_ref

    milestones = listed.milestones()
    undated = [m for m in milestones if m.due is None]
    leads, offices = office_counts(listed, doubts)  # 待指定 leads are no lead office yet
    echo(f"《{listed.title}》（{listed.year}年）")
    echo(
        f"任务 {len(listed.tasks)} 项，节点 {len(milestones)} 个，"
        f"已识别日期 {len(milestones) - len(undated)} 个，未识别 {len(undated)} 个；"
        f"牵头股室 {leads} 个，涉及股室/单位 {offices} 个"
    )
    by_task: dict[str, list[Finding]] = {}
    for f in doubts:
        by_task.setdefault(f.task_key, []).append(f)
    if detail:
        for t in listed.tasks:
            echo(
                f"{task_ref(t.no)} {t.name}"
                f"（牵头：{t.lead or '未指定'}；节点 {len(t.milestones)} 个）"
            )
            for m in t.milestones:
                text = _RENDERED.sub("", " ".join(m.text.split()))  # the date is in its own column
                echo(
                    f"  {m.seq:>2}. {m.due.isoformat() if m.due else '日期不明  '}  "
                    f"{text[:48]}{'…' if len(text) > 48 else ''}"
                )
            for f in by_task.get(t.key, []):
                echo(f"  ！[{f.severity.value}] {f.message}")
    else:
        todo = {f.task_key for f in doubts if f.code == "lead_unassigned"}
        width = max([6, *(text_width(t.no) + 2 for t in listed.tasks)])
        echo(f"{pad('序号', width)}{pad('牵头', 14)}{pad('节点', 6)}任务名称")
        for t in listed.tasks:
            lead = "（待指定）" if t.key in todo else t.lead
            echo(f"{pad(t.no, width)}{pad(lead, 14)}{pad(len(t.milestones), 6)}{t.name}")
        for f in doubts:
            if f.code != "lead_unassigned":  # summed up below the table instead of once per task
                echo(f"  ！[{f.severity.value}] {f.message}")
    keyed = {t.key for t in listed.tasks}
    for f in doubts if detail else []:
        if f.task_key not in keyed:
            echo(f"  ！[{f.severity.value}] {f.where + '：' if f.where else ''}{f.message}")
    counts = Counter(_DOUBT_NAMES.get(f.code, f.code) for f in doubts)
    listed_counts = "，".join(f"{name} {n}" for name, n in counts.most_common())
    echo(f"疑点 {len(doubts)} 条" + (f"：{listed_counts}" if doubts else "。"))


def print_import(done: Converted, src: str, year: int | None, config_path: str | None) -> None:
    """`yuebao tasks import`: the converted list, and what is left to do by hand."""
    print_task_list(done.listed, done.doubts, detail=False)
    kept = f"（原有的文件已另存为{done.kept.name}）" if done.kept else ""
    echo(f"已写出yuebao格式的任务清单：{done.out}" + kept)
    if done.known:
        echo(
            f"“牵头股室”列的下拉列表取自 {config_path or 'config.yaml'} 的 offices"
            f"（{len(done.known)}个股室）"
        )
    if done.todo and done.leads_path:
        echo(
            f"还有{len(done.todo)}项任务待指定牵头股室："
            f"请在对照表 {done.leads_path} 中补填后重新导入"
        )
    elif done.todo:
        if done.sheet_existed:
            echo(f"对照表 {done.sheet} 已存在，未覆盖")
        echo(
            f"{len(done.todo)}项任务待指定牵头股室（原牵头单位是局本身或空白）：可在上述清单的“牵头股室”列"
            f"{'从下拉列表' if done.known else ''}选择，或填写对照表 {done.sheet} 后重新导入：\n"
            f"  yuebao tasks import {src}{f' --year {year}' if year else ''} --out {done.out} "
            f"--leads {done.sheet}"
        )
    echo(f"逐项节点和疑点：yuebao tasks check {done.out}")
