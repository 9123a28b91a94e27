"""tools/annotations.py: the share of fully annotated functions (issue 32), counted as the issue
counts them: every parameter but self/cls annotated and the return declared (`__init__` may omit
it); lambdas are no functions.  Run as a command on a small package counted by hand."""

from __future__ import annotations

import subprocess
import sys
import textwrap

from .conftest import ROOT

TOOL = ROOT / "tools" / "annotations.py"

SHORT = """
def full(a: int, *args: str, b: int = 1, **kw: int) -> int:  # annotated
    return a

def no_return(a: int):  # short: no return
    return a

def one_bare(a, b: int) -> None:  # short: `a`
    pass

class Thing:
    def __init__(self, x: int):  # annotated: __init__ may omit its return
        self.x = x

    def method(self) -> None:  # annotated: self is never annotated
        pass

    @classmethod
    def make(cls, y: int) -> "Thing":  # annotated: nor is cls
        return cls(y)

    @staticmethod
    def helper(z) -> None:  # short: a static method's first parameter is a parameter
        pass

    def outer(self) -> None:  # annotated
        def inner(q):  # short: a function inside a method has no self
            return q

        square = lambda n: n * n  # no function
        inner(square)

async def fetch(url: str) -> None:  # annotated
    pass
"""

FULL = """
def ok(a: int) -> int:
    return a
"""


def test_the_share_and_the_files_falling_short(tmp_path):
    package = tmp_path / "pkg"
    (package / "sub").mkdir(parents=True)
    (package / "short.py").write_text(textwrap.dedent(SHORT), encoding="utf-8")
    (package / "sub" / "full.py").write_text(textwrap.dedent(FULL), encoding="utf-8")

    done = subprocess.run(
        [sys.executable, str(TOOL), "--missing", str(package)],
        capture_output=True,
        text=True,
        check=True,
    )

    # by hand: short.py holds 10 functions, 6 fully annotated; full.py 1 of 1
    lines = done.stdout.splitlines()
    assert lines[0] == "7 of 11 functions fully annotated (64%)"
    assert lines[1] == "  pkg/short.py: 6 of 10"
    missing = [line.split() for line in lines[2:]]
    assert missing == [["5", "no_return"], ["8", "one_bare"], ["23", "helper"], ["27", "inner"]]
    assert "full.py" not in done.stdout  # a file with nothing missing is not listed


def test_it_runs_on_the_package_and_names_no_file_of_another_tree():
    done = subprocess.run(
        [sys.executable, str(TOOL)], capture_output=True, text=True, check=True, cwd=ROOT
    )
    assert done.stdout.splitlines()[0].endswith("%)")
    listed = [line.strip() for line in done.stdout.splitlines()[1:]]
    assert all(line.startswith("reporting/") for line in listed)
