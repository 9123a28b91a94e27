"""Supervision rules: how serious each kind of finding is, and each office's traffic light.

Severities can be changed per finding code in config.yaml (`rules:`; the codes: codes.py).
An office's light:

- 红灯: no return, a return with errors (counts as not returned), or overdue milestones making up
        at least `supervision.red_share` of its milestones due so far;
- 黄灯: returned late, or any milestone overdue;
- 绿灯: otherwise.
"""
from __future__ import annotations

from ..codes import FINDING_CODES, REGISTRY, SEVERITY_WORDS, Code
from ..models import Finding, Light

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


__all__ = ["Code", "FINDING_CODES", "REGISTRY", "SEVERITY_WORDS", "apply_rules", "office_light"]
