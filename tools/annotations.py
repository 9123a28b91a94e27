"""How much of reporting/ is fully annotated, and which files fall short.

A function counts as fully annotated when every parameter but ``self``/``cls`` carries an
annotation and it declares its return (``__init__`` may leave the return out, as mypy allows).
Lambdas are not functions here. Read with ast only: nothing is imported, so it runs on any tree.

    python tools/annotations.py            # share, then the files below 100 %
    python tools/annotations.py --missing  # also each function that falls short, with its line
"""

from __future__ import annotations

import argparse
import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent / "reporting"
Function = ast.FunctionDef | ast.AsyncFunctionDef


@dataclass
class FileCount:
    path: Path
    total: int = 0
    short: list[str] = field(default_factory=list)  # "line name" of each function falling short

    @property
    def annotated(self) -> int:
        return self.total - len(self.short)


def fully_annotated(function: Function, in_class: bool) -> bool:
    arguments = function.args
    positional = arguments.posonlyargs + arguments.args
    decorators = {getattr(d, "id", getattr(d, "attr", "")) for d in function.decorator_list}
    # the first parameter of a method is self (or cls): never annotated, never counted
    if in_class and positional and "staticmethod" not in decorators:
        positional = positional[1:]
    parameters = positional + arguments.kwonlyargs
    parameters += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
    if any(parameter.annotation is None for parameter in parameters):
        return False
    return function.returns is not None or function.name == "__init__"


def count_file(path: Path) -> FileCount:
    count = FileCount(path)
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))

    def visit(node: ast.AST, in_class: bool) -> None:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                count.total += 1
                if not fully_annotated(child, in_class):
                    count.short.append(f"{child.lineno} {child.name}")
                visit(child, in_class=False)
            elif isinstance(child, ast.ClassDef):
                visit(child, in_class=True)
            else:
                visit(child, in_class)

    visit(tree, in_class=False)
    return count


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--missing", action="store_true", help="list each function falling short")
    parser.add_argument("root", nargs="?", type=Path, default=ROOT)
    options = parser.parse_args(argv)
    counts = [count_file(path) for path in sorted(options.root.rglob("*.py"))]
    total = sum(c.total for c in counts)
    annotated = sum(c.annotated for c in counts)
    share = annotated / total if total else 1.0
    print(f"{annotated} of {total} functions fully annotated ({share:.0%})")
    base = options.root.parent
    for count in sorted(counts, key=lambda c: (c.annotated - c.total, str(c.path))):
        if not count.short:
            continue
        print(f"  {count.path.relative_to(base)}: {count.annotated} of {count.total}")
        if options.missing:
            for where in count.short:
                print(f"      {where}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
