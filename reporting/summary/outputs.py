"""The files a month leaves for people: after validate, 校验问题 and a feedback text per office
with something to fix; after merge, the summary workbook for the chiefs and, when asked, its PDF.

Each reads a finished MonthSummary and changes nothing in it.
"""

from __future__ import annotations

import tempfile
from dataclasses import replace
from datetime import date
from pathlib import Path

from ..filenames import ONLINE, came_online, is_upload_name, own_name, safe_name, shown_name
from ..forms.fill import form_title
from ..models import Finding, Severity
from ..wording import render
from ..workdays import add_workdays
from .month import MonthSummary, OfficeRow, findings_by_office
from .pdf import to_pdf
from .workbook import (
    PRINT_SHEETS,
    findings_file_name,
    summary_file_name,
    write_findings_workbook,
    write_summary,
)


def write_check_files(
    summary: MonthSummary,
    folder: Path,
    amber_days: int,
    fills: dict,
    bureau: str,
    as_of: date,
    sender: str,
) -> tuple[Path, list[Path]]:
    """校验问题_<month>.xlsx and 反馈/反馈_<office>.txt in `folder`: (workbook, texts)."""
    month = summary.period.label
    path = write_findings_workbook(summary, folder / findings_file_name(month), amber_days, fills)
    return path, write_feedback(summary, folder / "反馈", bureau, as_of, sender)


def write_summary_files(
    summary: MonthSummary, folder: Path, amber_days: int, fills: dict, pdf: bool = False
) -> tuple[Path, Path | None]:
    """The summary workbook in `folder` and, with `pdf`, the chiefs' pages (概览 and 逾期事项) as
    PDF beside it: (workbook, PDF or None)."""
    path = write_summary(
        summary, folder / summary_file_name(summary.period.label, summary.unit), amber_days, fills
    )
    if not pdf:
        return path, None
    with tempfile.TemporaryDirectory() as tmp:
        printable = write_summary(
            summary, Path(tmp) / path.name, amber_days, fills, sheets=PRINT_SHEETS
        )
        return path, to_pdf(printable, folder)


# Findings that no resubmission can change: the text says so, and asks for nothing
NOTHING_TO_RESUBMIT = frozenset({"late", "superseded"})


def write_feedback(
    summary: MonthSummary, folder: Path, bureau: str, as_of: date, sender: str
) -> list[Path]:
    """One short text per office with something to fix, for the clerk to send back
    (templates/feedback.j2); last run's texts are removed first.  An office whose only findings
    are its own older files replaced by a newer one (`superseded`) gets no text: nothing is to be
    done.  `sender`: the line the texts are signed with (config.signature)."""
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("反馈_*.txt"):
        old.unlink()
    fix_by = add_workdays(as_of, 2)
    findings_of = findings_by_office(summary.findings)
    paths = []
    for row in summary.offices:
        office = row.office.name
        mine = sorted(
            findings_of.get(office, []),  # in sheet order, as the clerk reads
            key=lambda f: (bool(f.sheet), f.sheet, f.row or 0, f.cell),
        )
        if not mine or (row.file and all(f.code == "superseded" for f in mine)):
            continue
        listed = [f for f in mine if f.code != "not_returned"]
        info_only = [i for i, f in enumerate(listed, 1) if f.code in NOTHING_TO_RESUBMIT]
        text = render(
            "feedback.j2",
            office=office,
            title=form_title(bureau, summary.period),
            returned=bool(row.file),
            file=row.file,
            file_shown=shown_file(row),
            findings=[f if f.file == row.file else _shown(f) for f in mine],  # older files too
            as_of=as_of,
            deadline=summary.period.deadline,
            fix_by=fix_by,
            errors=any(f.severity is Severity.ERROR for f in mine),
            info_only=info_only,
            sender=sender,
        )
        path = folder / feedback_file_name(office)
        path.write_text(text + "\n", encoding="utf-8-sig")  # the BOM: old Notepad shows Chinese
        paths.append(path)
    return paths


def _shown(f: Finding) -> Finding:
    """A finding about another file of the office (an older one replaced) names it as the
    office did: a copy, for the text only (the finding's file stays the inbox's name)."""
    return replace(f, file=shown_name(f.file))


def shown_file(row: OfficeRow) -> str:
    """The counted return as its office knows it: by the name the month's judgement carries
    (row.file_shown: filenames.shown_name), an upload also by when it came."""
    when = row.received_at
    if when is not None and came_online(row.file):
        return f"{when.month}月{when.day}日{when:%H:%M}{ONLINE}提交的表格"
    if when is not None and own_name(row.file):
        return f"{when.month}月{when.day}日{when:%H:%M}网页上传的文件“{row.file_shown}”"
    return row.file_shown if is_upload_name(row.file) else f"文件“{row.file_shown}”"


def feedback_file_name(office: str) -> str:
    return f"反馈_{safe_name(office)}.txt"
