"""The package's layers (setup.cfg, [importlinter]): nothing imports from a layer above it."""

import ast
import configparser
import pkgutil
import subprocess
import sys
from pathlib import Path

import reporting

ROOT = Path(__file__).parent.parent
LINT = Path(sys.executable).with_name("lint-imports")


def lint(config: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT), "--no-cache", str(config)], cwd=ROOT, capture_output=True, text=True
    )


def test_no_module_imports_from_a_layer_above_its_own():
    result = lint(ROOT / "setup.cfg")
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_contract_holds_with_no_breach_let_pass():
    """No `ignore_imports`: the schedule's jobs sit above the pipeline they call (jobs/), so the
    layers hold as written, with nothing excused."""
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    assert "ignore_imports" not in parser["importlinter:contract:layers"]


def test_every_module_of_the_package_has_a_layer():
    parser = configparser.ConfigParser()
    parser.read(ROOT / "setup.cfg", encoding="utf-8")
    layers = parser["importlinter:contract:layers"]["layers"].replace(":", " ").split()
    assert sorted(layers) == sorted(m.name for m in pkgutil.iter_modules(reporting.__path__))


def test_the_command_line_stays_thin_and_the_pipeline_a_short_list_of_steps():
    """A newcomer reads cli.py and cycle.py first: new commands go to commands/, new work to its
    room, so neither grows into a hub again."""
    assert len((ROOT / "reporting" / "cli.py").read_text(encoding="utf-8").splitlines()) < 250
    cycle = ast.parse((ROOT / "reporting" / "cycle.py").read_text(encoding="utf-8"))
    for node in ast.walk(cycle):  # names for type hints only are no room the steps call
        if isinstance(node, ast.If) and getattr(node.test, "id", "") == "TYPE_CHECKING":
            node.body = []
    imported = {
        node.module
        for node in ast.walk(cycle)
        if isinstance(node, ast.ImportFrom) and node.level > 0 and node.module
    }
    assert len(imported) <= 8, sorted(imported)
