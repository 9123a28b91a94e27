"""Rooms of one purpose (issue 32): no file of the package over 450 lines, no file that imports,
even through others, a file that imports it, and no two packages importing each other; both layer
contracts of setup.cfg hold with nothing excused."""

import configparser
from pathlib import Path

import grimp
import pytest

import reporting

ROOT = Path(reporting.__file__).parent
LONGEST = 450


@pytest.fixture(scope="module")
def graph():
    return grimp.build_graph("reporting", exclude_type_checking_imports=True, cache_dir=None)


def test_no_file_of_the_package_is_over_450_lines():
    long = {
        str(path.relative_to(ROOT)): n
        for path in ROOT.rglob("*.py")
        if (n := len(path.read_text(encoding="utf-8").splitlines())) > LONGEST
    }
    assert long == {}


def test_no_file_is_in_an_import_loop(graph):
    loops = {
        (module, imported)
        for module in graph.modules
        for imported in graph.find_modules_directly_imported_by(module)
        if graph.chain_exists(importer=imported, imported=module)
    }
    assert loops == set()


def test_no_two_packages_import_each_other(graph):
    packages = sorted(
        m for m in graph.modules if m.count(".") == 1 and (ROOT / m.split(".")[1]).is_dir()
    )
    both_ways = {
        (a, b)
        for a in packages
        for b in packages
        if a < b
        and graph.direct_import_exists(importer=a, imported=b, as_packages=True)
        and graph.direct_import_exists(importer=b, imported=a, as_packages=True)
    }
    assert both_ways == set()


def test_both_layer_contracts_hold_with_nothing_excused():
    parser = configparser.ConfigParser()
    parser.read(ROOT.parent / "setup.cfg", encoding="utf-8")
    contracts = [s for s in parser.sections() if s.startswith("importlinter:contract:")]
    assert len(contracts) == 2  # the pipeline's layers and the month's rooms in order
    assert not [s for s in contracts if "ignore_imports" in parser[s]]
