"""What a clerk should look at in a task list before the first form goes out: its doubts.

Each doubt is a Finding (a warning: the list still works) naming the task:

- lead_unassigned: no lead office, or the lead is the bureau itself (区教育局): a bureau reports by
  its internal offices (股室), so someone must choose which one reports;
- date_in_office: an office that reads as a date ("3月31日"): a column was taken for another;
- numbering_gap: milestones numbered 1, 2, 4 (one missing or two run together), or numbered twice;
- duplicate_no / duplicate_task: the same 序号 twice, or the same task written twice;
- example_row: the template's example row was left in.

Undated milestones and assumed leads are found by the reader itself (tasklist, importers).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from ..models import Finding, Milestone, Severity, Task, TaskList
from .milestones import normalise, read_due

EXAMPLE_MARK = "（示例）"
NO_LEAD = "（未指定）"  # the lead the reader gives a task with no office at all: no office
_BUREAU = re.compile(r"教育(?:和体育|与体育|体育)?局$|^教体局$|^(?:局本级|本局|局机关)$")
_LEADING = re.compile(
    r"^\s*(?:(?P<cn>[一二三四五六七八九十]{1,3})是|[(（]\s*(?P<p>\d{1,2})\s*[)）]|"
    r"(?P<d>\d{1,2})\s*[.、．](?:(?!\d)|(?=\d{1,2}月))|(?P<c>[①-⑳]))"
)
_CN = "一二三四五六七八九"


def task_ref(no: str) -> str:
    """How a message names a task: 第5项, or “民生实事1” for a numbered category."""
    return f"第{no}项" if no.isdigit() else f"“{no}”"


def is_bureau(name: str, bureau: str = "") -> bool:
    """The bureau itself (区教育局, 台山市教育局, the config's bureau) rather than one of its
    offices."""
    name = normalise(name)
    return bool(name) and (bool(_BUREAU.search(name)) or name == normalise(bureau))


def looks_like_date(text: str) -> bool:
    """An office cell holding a date, as when 完成时间 was taken for 牵头单位."""
    plain = normalise(text)
    return bool(re.search(r"\d", plain)) and bool(read_due(plain, 2000))


def numbering_problem(numbers: list[int]) -> str:
    """ "" when 1, 2, 3 …; else what is wrong, in words for the clerk."""
    if len(numbers) < 2 or numbers == list(range(1, len(numbers) + 1)):
        return ""
    missing = [n for n in range(1, max(numbers) + 1) if n not in numbers]
    twice = sorted({n for n in numbers if numbers.count(n) > 1})
    parts = [f"编号为{'、'.join(map(str, numbers))}"]
    if missing:
        parts.append(f"缺第{'、'.join(map(str, missing))}条")
    if twice:
        parts.append(f"第{'、'.join(map(str, twice))}条重复")
    return "，".join(parts)


def leading_number(text: str) -> int | None:
    m = _LEADING.match(normalise(text))
    if not m:
        return None
    if m.group("cn"):
        cn = m.group("cn")
        if "十" in cn:
            tens, _, ones = cn.partition("十")
            return (_CN.index(tens) + 1 if tens else 1) * 10 + (_CN.index(ones) + 1 if ones else 0)
        return _CN.index(cn) + 1
    if m.group("c"):
        return ord(m.group("c")) - ord("①") + 1
    return int(m.group("p") or m.group("d"))


def doubts(tasks: TaskList, bureau: str = "") -> list[Finding]:
    found: list[Finding] = []
    file = tasks.path.name if tasks.path else ""
    seen_no: dict[tuple[str, str], str] = {}
    seen_text: dict[tuple[str, str], str] = {}

    def add(code: str, message: str, task: Task) -> None:
        found.append(
            Finding(
                code, message, Severity.WARNING, file=file, row=task.source_row, task_key=task.key
            )
        )

    for t in tasks.tasks:
        if not t.lead or t.lead == NO_LEAD or is_bureau(t.lead, bureau):
            what = (
                f"的牵头单位是“{t.lead}”，不是局内股室"
                if t.lead and t.lead != NO_LEAD
                else "没有牵头单位"
            )
            add(
                "lead_unassigned",
                f"{task_ref(t.no)}任务“{t.name}”{what}：请指定由哪个股室牵头报送"
                "（在“牵头股室”列选择，或用 --leads 对照表一次填好）",
                t,
            )
        for office in dict.fromkeys((t.lead, *t.offices)):
            if office and looks_like_date(office):
                add(
                    "date_in_office",
                    f"{task_ref(t.no)}任务的责任单位中有“{office}”，这是日期而不是单位，请核对列是否错位",
                    t,
                )
        problem = numbering_problem(_numbers(t.milestones))
        if problem:
            count = len(_distinct(t.milestones))
            add(
                "numbering_gap",
                f"{task_ref(t.no)}任务的节点{problem}，与节点条数（{count}条）不符，"
                "请核对原文是否漏了一条或两条连在了一起",
                t,
            )
        numbered = (t.remarks, t.no)  # 民生实事 1 is not 重点工作 1: the category is its 备注
        if t.no and numbered in seen_no:
            add(
                "duplicate_no",
                f"序号{t.no}出现了不止一次（另见{seen_no[numbered]}），请核对是否重复录入",
                t,
            )
        seen_no.setdefault(numbered, t.key)
        signature = (normalise(t.name), normalise(t.content))
        if signature in seen_text:
            add(
                "duplicate_task",
                f"{task_ref(t.no)}任务（{t.key}）与{seen_text[signature]}的名称和内容完全相同，"
                "请删除重复的一项",
                t,
            )
        seen_text.setdefault(signature, f"{task_ref(t.no)}（{t.key}）")
        if t.name.startswith(EXAMPLE_MARK):
            add("example_row", f"{task_ref(t.no)}是模板中的示例行，请改为本局的任务或删除", t)
    return found


def office_counts(tasks: TaskList, doubts: list[Finding]) -> tuple[int, int]:
    """(lead offices, offices and units named) as a task list's count line says them: a task
    whose lead is still to be chosen (none, the bureau itself: its lead_unassigned doubt) has no
    lead office yet, and the reader's placeholder for no office is none."""
    todo = {f.task_key for f in doubts if f.code == "lead_unassigned"}
    leads = {t.lead for t in tasks.tasks if t.key not in todo and t.lead not in ("", NO_LEAD)}
    named = {o for t in tasks.tasks for o in (t.lead, *t.offices) if o not in ("", NO_LEAD)}
    return len(leads), len(named)


def all_doubts(tasks: TaskList, bureau: str = "", extra: Iterable[Finding] = ()) -> list[Finding]:
    """The reader's findings, `extra` ones and the doubts above; an assumed lead said once."""
    more = doubts(tasks, bureau)
    unassigned_rows = {f.row for f in more if f.code == "lead_unassigned" and f.row}
    kept = [
        f
        for f in (*tasks.findings, *extra)
        if not (f.code == "lead_assumed" and f.row in unassigned_rows)
    ]
    known = {(k.code, k.task_key) for k in kept}
    return kept + [f for f in more if (f.code, f.task_key) not in known]


def _distinct(milestones: tuple[Milestone, ...]) -> list[str]:
    """A recurring milestone ("每月20日前") is one line of the plan however many months it makes."""
    return list(dict.fromkeys(m.text for m in milestones))


def _numbers(milestones: tuple[Milestone, ...]) -> list[int]:
    numbers = [leading_number(text) for text in _distinct(milestones)]
    return [n for n in numbers if n is not None] if sum(n is not None for n in numbers) > 1 else []
