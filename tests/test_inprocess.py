"""The in-process runner (tests/inprocess.py) shows what a new `yuebao` process would show, and
leaves the test's own process as it found it."""

import logging

from . import inprocess
from .conftest import yuebao as yuebao_process

MISSING = ("fill", "--config", "nope.yaml", "--month", "2022-06")


def seen(result):
    return result.returncode, result.stdout, result.stderr


def test_a_stopped_command_says_the_same_here_as_in_its_own_process(tmp_path):
    here = inprocess.run(*MISSING, cwd=tmp_path)
    real = yuebao_process(*MISSING, cwd=tmp_path)
    assert seen(here) == seen(real)
    assert here.returncode == 2 and here.stderr.startswith("错误")


def test_the_log_shows_with_v_though_pytest_holds_the_root_logger(tmp_path):
    # -v: the English reason goes to the screen as well (commands/stopping.py); pytest's capture
    # handler on the root would make the command's logging.basicConfig do nothing
    verbose = inprocess.run("-v", *MISSING, cwd=tmp_path)
    assert verbose.returncode == 2 and "stopped:" in verbose.stderr
    assert "stopped:" not in inprocess.run(*MISSING, cwd=tmp_path).stderr  # not without -v


def test_the_tests_logging_is_given_back(tmp_path, caplog):
    before = list(logging.getLogger().handlers)
    inprocess.run("-v", *MISSING, cwd=tmp_path)
    assert logging.getLogger().handlers == before
    logging.getLogger("reporting.test").warning("still caught")
    assert "still caught" in caplog.text
