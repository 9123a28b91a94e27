"""Supervision rules: how serious each kind of finding is, and each office's traffic light.

Severities can be changed per finding code in config.yaml (`rules:`).  An office's light:

- 红灯: no return, a return with errors (counts as not returned), or overdue milestones making up
        at least `supervision.red_share` of its milestones due so far;
- 黄灯: returned late, or any milestone overdue;
- 绿灯: otherwise.
"""
from __future__ import annotations

from ..models import Finding, Light, Severity

FINDING_CODES = {
    "after_as_of", "bad_key", "bad_status", "cell_truncated", "collect_failed", "column_missing", "definition_altered",
    "duplicate_row", "empty_file", "empty_progress", "empty_status", "encrypted", "extra_sheets", "future_done_date",
    "header_missing", "key_column_missing", "late", "lead_assumed", "lock_file", "missing_milestone", "missing_task",
    "no_done_date", "no_filled_by", "no_filled_on", "no_form_sheet", "no_month", "no_office", "not_a_workbook",
    "not_returned", "office_file_name", "office_name_clash", "old_format", "progress_unchanged",
    "read_failed", "row_without_key", "rows_split",
    "sheet_renamed", "superseded", "too_large", "undated_milestone", "unknown_task", "unreadable", "wrong_month",
    "wrong_office", "zip_bomb",
    "key_mismatch", "office_mismatch", "row_unmatched",
    "cells_outside_form", "sheet_too_large", "truncated", "zipped",
}
SEVERITY_WORDS = {"错误": Severity.ERROR, "警告": Severity.WARNING, "error": Severity.ERROR, "warning": Severity.WARNING}
RED, YELLOW, GREEN = "红灯", "黄灯", "绿灯"
LIGHT_RULE = ("红灯：未报送、报表有误（视为未报送），或逾期节点占截至本月应完成节点的{share:.0%}及以上；"
              "黄灯：逾期报送，或有逾期节点；绿灯：按时报送且无逾期节点。按红、黄、绿及逾期占比排序。")


def apply_rules(findings: list[Finding], rules: dict[str, str]) -> None:
    for f in findings:
        if f.code in rules:
            f.severity = SEVERITY_WORDS[rules[f.code]]


def office_light(state: str, lights, due_so_far: int, red_share: float) -> tuple[str, float]:
    """(light, overdue share) of one office."""
    overdue = lights[Light.OVERDUE]
    share = overdue / due_so_far if due_so_far else 0.0
    if state in ("未报送", "报表有误") or (overdue and share >= red_share):
        return RED, share
    if state == "逾期报送" or overdue:
        return YELLOW, share
    return GREEN, share
