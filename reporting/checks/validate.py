"""validate: check the month's returns against the task list and say what each clerk must fix.

Findings are data: validate never raises for a bad return.  Each finding names the file, sheet,
row (and cell where there is one) and says in Chinese what to do.  This module decides the month:
whose return it is (office, month, owner), which return counts for each office, who has sent
none, who sent late; what one counted return says is checked row by row in checks/content.py.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from ..filenames import shown_name
from ..intake import values as cells
from ..intake.grids import MAX_FILE_BYTES
from ..intake.reading import own_reports, read_month
from ..models import Finding, Return, Severity, TaskList
from ..period import Period
from .content import check_content

if TYPE_CHECKING:
    from ..intake.reading import ReadCache
    from ..models import Progress

ERROR, WARNING = Severity.ERROR, Severity.WARNING


@dataclass
class MonthCheck:
    """The validated month: which return stands for each office, and every finding."""

    returns: list[Return]
    chosen: dict[str, Return] = field(default_factory=dict)  # office -> the return that counts
    findings: list[Finding] = field(default_factory=list)


def check_returns(
    tasks: TaskList,
    period: Period,
    returns: list[Return],
    as_of: date,
    max_bytes: int = MAX_FILE_BYTES,
    progress: Progress | None = None,
    other_months: list[Return] | None = None,
    cache: ReadCache | None = None,
) -> MonthCheck:
    """Read the month's archived returns (see intake.reading) and validate them; the returns
    received after `as_of` are listed, unread, at the end of check.returns.  `other_months`: see
    validate_month; `cache`: see read_month."""
    read, future, read_findings = read_month(returns, tasks, as_of, max_bytes, progress, cache)
    check = validate_month(tasks, period, read, read_findings, as_of, other_months)
    check.returns += future
    return check


def validate_month(
    tasks: TaskList,
    period: Period,
    returns: list[Return],
    read_findings: list[Finding],
    as_of: date,
    other_months: list[Return] | None = None,
) -> MonthCheck:
    """`other_months`: the ledger's returns filed under other months (each with .month set to the
    month it is filed under): an office without a return this month whose return of another month
    came in this month is told that this month's form is still to be sent."""
    check = MonthCheck(returns=returns, findings=list(tasks.findings) + list(read_findings))
    offices = tasks.lead_offices()
    readable = [r for r in returns if r.readable]
    for r in returns:
        if not r.readable:
            r.accepted = False
    spelled = {cells.office_key(o): o for o in offices}  # 職終股 is 职终股: the list's spelling
    for r in readable:
        check.findings += _check_identity(r, offices, spelled, period)
        check.findings += _check_owner(r, tasks)

    # One return per office counts: the newest received (then the latest 填报日期).
    returns_of: dict[str, list[Return]] = {}
    for r in readable:
        if r.accepted:
            returns_of.setdefault(r.office, []).append(r)
    read_of: dict[str, list[Finding]] = {}
    for f in read_findings:
        read_of.setdefault(f.file, []).append(f)
    for office in offices:
        mine = returns_of.get(office)
        if not mine:
            continue
        mine.sort(key=lambda r: (r.last_received, r.filled_on or date.min))
        newest = mine[-1]
        check.chosen[office] = newest
        for f in read_of.get(newest.file_name, []):  # what reading found reaches the office too
            f.office = f.office or office
        counted = _received(newest) if mine[:-1] else ""  # once: an office may send dozens
        for old in mine[:-1]:
            old.superseded_by = newest.file_name
            check.findings.append(
                Finding(
                    "superseded",
                    f"{office}报送了多份报表，已采用较新的{counted}；"
                    f"{_received(old)}保留在存档中但不计入汇总",
                    WARNING,
                    office=office,
                    file=old.file_name,
                )
            )

    sent_other_month = _other_month_returns(other_months, spelled, period, as_of)
    for office in offices:
        ret = check.chosen.get(office)
        if ret is None:
            check.findings.append(
                Finding(
                    "not_returned",
                    f"截至{as_of.month}月{as_of.day}日未收到{office}的{period.span_zh}"
                    f"进展情况表（截止日期{period.deadline.month}月{period.deadline.day}日），请催报",
                    ERROR,
                    office=office,
                )
            )
            check.findings += sent_other_month.get(office, [])
            continue
        if ret.received_at.date() > period.deadline:
            late = (ret.received_at.date() - period.deadline).days
            check.findings.append(
                Finding(
                    "late",
                    f"{office}于{ret.received_at.month}月{ret.received_at.day}日报送，晚于截止日期"
                    f"{period.deadline.month}月{period.deadline.day}日{late}天",
                    WARNING,
                    office=office,
                    file=ret.file_name,
                )
            )
        own_reports(ret)  # the content check marks each milestone's status as read
        check.findings += check_content(ret, tasks, period)
    return check


def _other_month_returns(
    others: list[Return] | None, spelled: dict[str, str], period: Period, as_of: date
) -> dict[str, list[Finding]]:
    """{office: a finding for each of its returns of other months received from the 1st of this
    month to `as_of`}: it may believe it has sent this month's form (what it sent is filed under
    its own month).  A return not yet validated names its office by its file name."""
    since = date(period.year, period.month, 1)
    found: dict[str, list[Finding]] = {}
    for r in sorted(others or [], key=lambda r: (r.last_received, r.file_name)):
        if r.month == period.label or not since <= r.last_received.date() <= as_of:
            continue
        if r.office:
            office = spelled.get(cells.office_key(r.office), "")
        else:
            named = [o for o in spelled.values() if o and o in r.file_name]
            office = named[0] if len(named) == 1 else ""
        if not office:
            continue
        filed = _month_zh(r.month)
        found.setdefault(office, []).append(
            Finding(
                "other_month_return",
                f"{_received(r)}是{filed}的报表，已归入{filed}"
                f"，不能代替本月的报表。本月（{period.month}月）的{period.span_zh}进展情况表"
                f"（截止日期{period.deadline.month}月{period.deadline.day}日）仍未收到，"
                "请使用本月下发的表格填写后报送",
                WARNING,
                office=office,
                file=r.file_name,
            )
        )
    return found


def _received(ret: Return) -> str:
    """A return as its office knows it: when it came, and its name (filenames.shown_name)."""
    return _received_words(ret.last_received, ret.file_name, ret.received_at)


@lru_cache(maxsize=4096)  # a month's superseded returns are named again at every judgement
def _received_words(when: datetime, file_name: str, received_at: datetime) -> str:
    name = shown_name(file_name, received_at)
    return f"{when.month}月{when.day}日{when:%H:%M}收到的“{name}”"


def _month_zh(label: str) -> str:
    """The month as clerks write it: 2022-06 -> 2022年6月."""
    year, _, month = label.partition("-")
    return f"{year}年{int(month)}月" if month.isdigit() else label


def _check_identity(
    ret: Return, offices: list[str], spelled: dict[str, str], period: Period
) -> list[Finding]:
    """`spelled`: {office_key(office): the office as the task list spells it}."""
    ret.office = spelled.get(cells.office_key(ret.office), ret.office) if ret.office else ""
    where: dict[str, Any] = dict(office=ret.office, file=ret.file_name, sheet=ret.sheet)
    shown = ret.office_shown
    if shown and ret.office and cells.office_key(shown) != cells.office_key(ret.office):
        # a copy of another office's form: counted for neither, so it supersedes nobody's return
        ret.accepted = False
        # as a rule the sheet names its sender
        where["office"] = spelled.get(cells.office_key(shown), ret.office)
        return [
            Finding(
                "office_mismatch",
                f"报表上的填报股室为“{cells.visible(shown)}”，但该表格是"
                f"下发给“{ret.office}”的（表内隐藏的股室标记），可能复制或改动了其他股室的表格。"
                "无法确定是哪个股室的报表，未计入汇总，也不替代任何股室的报表。"
                "请使用本股室下发的表格填写后重新报送",
                **where,
            )
        ]
    if not ret.office:
        ret.accepted = False
        return [
            Finding(
                "no_office",
                "报表未写明填报股室，无法确定是哪个股室报送的。请在“填报股室”处填写后重新报送",
                **where,
            )
        ]
    if ret.office not in offices:
        ret.accepted = False
        named = "、".join(offices[:10]) + (f"等{len(offices)}个股室" if len(offices) > 10 else "")
        return [
            Finding(
                "wrong_office",
                f"报表的填报股室为“{ret.office}”，不是任何任务的牵头股室（应为：{named}）。"
                "请使用本股室的表格重新报送",
                **where,
            )
        ]
    if ret.month and ret.month != period.label:
        ret.accepted = False
        return [
            Finding(
                "wrong_month",
                f"这是{ret.month}的报表，本次汇总的是{period.label}（{period.span_zh}），"
                "请报送本月下发的表格",
                **where,
            )
        ]
    if not ret.month:
        return [
            Finding(
                "no_month",
                f"报表标题中读不出月份，已按本次汇总的{period.label}处理，请核对",
                WARNING,
                **where,
            )
        ]
    return []


def _check_owner(ret: Return, tasks: TaskList) -> list[Finding]:
    """Rows that are all another office's tasks: that office's rows pasted into this form."""
    if not ret.accepted or not ret.tasks:
        return []
    own = {t.key for t in tasks.tasks_of(ret.office)}
    leads = {tasks.by_key()[k].lead for k in ret.tasks if k in tasks.by_key()}
    if own & ret.tasks.keys() or not leads:
        return []
    ret.accepted = False
    sender = next(iter(leads)) if len(leads) == 1 else ret.office  # whose rows these are
    return [
        Finding(
            "office_mismatch",
            f"报表的填报股室为“{ret.office}”，但表中的任务都是"
            f"{'、'.join(sorted(leads))}的任务，可能把其他股室的内容粘贴到了本表。无法确定是哪个股室的"
            "报表，未计入汇总，也不替代任何股室的报表。请使用本股室下发的表格填写后重新报送",
            office=sender,
            file=ret.file_name,
            sheet=ret.sheet,
        )
    ]
