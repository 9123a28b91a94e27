"""Supervision rules: how serious each kind of finding is.

Severities can be changed per finding code in config.yaml (`rules:`; the codes: codes.py).  The
office traffic light these severities feed is in summary/verdicts.py, beside the milestone's.
"""

from __future__ import annotations

from ..codes import FINDING_CODES, REGISTRY, SEVERITY_WORDS, Code
from ..models import Finding


def apply_rules(findings: list[Finding], rules: dict[str, str]) -> None:
    for f in findings:
        if f.code in rules:
            f.severity = SEVERITY_WORDS[rules[f.code]]


__all__ = ["Code", "FINDING_CODES", "REGISTRY", "SEVERITY_WORDS", "apply_rules"]
