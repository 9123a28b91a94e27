"""Values of the right type that would break a later day are refused when config.yaml is read.

Each gives exit 2 and one Chinese line naming the key, before anything is written, instead of a
traceback on the first day the value is used (often weeks later, unattended).
"""

import shutil

import pytest

from reporting.config import load_config
from reporting.errors import YuebaoError
from reporting.wording import TEMPLATES, check_templates

from .conftest import ROOT, write_config
from .inprocess import run as yuebao

SAMPLE = load_config(ROOT / "config.yaml").data


def offices_with(**info):
    offices = {name: dict(details) for name, details in SAMPLE["offices"].items()}
    offices["基财股"].update(info)
    return offices


@pytest.mark.parametrize(
    "patch, key",
    [
        ({"reporting": {"deadline_day": 0}}, "reporting.deadline_day"),
        ({"reporting": {"deadline_day": 35}}, "reporting.deadline_day"),
        ({"reporting": {"first_month": 13}}, "reporting.first_month"),
        ({"schedule": {"time": "25:99"}}, "schedule.time"),
        ({"schedule": {"remind_day": 0}}, "schedule.remind_day"),
        ({"smtp": {"timeout": 0}}, "smtp.timeout"),
        ({"smtp": {"port": 0}}, "smtp.port"),
        ({"schedule": {"chiefs": [123]}}, "schedule.chiefs[1]"),
        ({"schedule": {"chiefs": ["juzhang@example.org", "局长"]}}, "schedule.chiefs[2]"),
        (
            {"offices": offices_with(email="jicai@example.org\r\nBcc: everyone@example.org")},
            "offices.基财股.email",
        ),
        (
            {"offices": offices_with(email="jicai@example.org, caiwu@example.org")},
            "offices.基财股.email",
        ),
        ({"offices": offices_with(leader_email="陈国华")}, "offices.基财股.leader_email"),
        (
            {"supervision": {"bureau_office_email": "bangongshi@"}},
            "supervision.bureau_office_email",
        ),
        ({"folders": {"outbox": "output/{mnth}/待发送"}}, "folders.outbox"),
        ({"folders": {"summary": "output/{month"}}, "folders.summary"),
        ({"ledger": "output/{month}/ledger.sqlite3"}, "ledger"),
    ],
)
def test_a_value_that_would_break_a_later_day_stops_at_once(tmp_path, patch, key):
    config = write_config(tmp_path, **patch)
    result = yuebao("fill", "--month", "2022-06", "--config", str(config))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"“{key}”" in lines[0], result.stderr
    assert not (tmp_path / "2022-06").exists()  # refused before any work


def test_good_values_at_the_edges_are_accepted(tmp_path):
    config = write_config(
        tmp_path,
        reporting={"deadline_day": 31},
        schedule={"time": "23:59", "chiefs": []},
        smtp={"timeout": 1, "sender": "台山市教育局 <jyj@example.org>"},
    )
    assert load_config(config).data["schedule"]["time"] == "23:59"


def test_an_unknown_name_in_a_text_template_is_caught_on_loading(tmp_path):
    check_templates()  # the shipped templates use only what the program gives them
    edited = tmp_path / "templates"
    shutil.copytree(TEMPLATES, edited)
    path = edited / "remind_missing.j2"
    path.write_text(
        path.read_text(encoding="utf-8").replace("{{ office }}", "{{ ofice }}"), encoding="utf-8"
    )
    with pytest.raises(YuebaoError) as err:
        check_templates(edited)
    assert "remind_missing.j2" in err.value.zh and "ofice" in err.value.zh
    path.write_text("{{ office ", encoding="utf-8")
    with pytest.raises(YuebaoError, match="remind_missing.j2"):
        check_templates(edited)
