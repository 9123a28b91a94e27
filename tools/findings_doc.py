"""Write the clerks' table of findings in docs/manual.md (Chinese: 类别, 级别, 怎么办) from the
registry of finding codes, reporting/codes.py, so the manual says exactly what 校验问题 says.

The table stands between the two marker lines below in docs/manual.md; tests/test_docs.py checks
that it is what this script writes now.

    python tools/findings_doc.py            # rewrite the table in docs/manual.md
    python tools/findings_doc.py --check    # exit 1 when it is not up to date
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from reporting.codes import REGISTRY  # noqa: E402

MANUAL = ROOT / "docs" / "manual.md"
START = "<!-- findings: written by tools/findings_doc.py from reporting/codes.py -->"
END = "<!-- /findings -->"


def table() -> str:
    """错误 first, then 警告, each in the registry's order (the order 校验问题 explains them)."""
    codes = sorted(REGISTRY.values(), key=lambda c: c.severity.value != "错误")
    rows = [f"| {c.name} | {c.severity.value} | {c.advice} | `{c.code}` |" for c in codes]
    return "\n".join(["| 问题 | 级别 | 怎么办 | 代码 |", "|---|---|---|---|", *rows])


def rewritten(text: str) -> str:
    before, rest = text.split(START + "\n", 1)
    _, after = rest.split(END, 1)
    return f"{before}{START}\n{table()}\n{END}{after}"


def main(argv: list[str]) -> int:
    text = MANUAL.read_text(encoding="utf-8")
    new = rewritten(text)
    if "--check" in argv:
        if new != text:
            print("docs/manual.md: run python tools/findings_doc.py", file=sys.stderr)
            return 1
        return 0
    MANUAL.write_text(new, encoding="utf-8")
    print(f"wrote the findings table of {MANUAL.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
