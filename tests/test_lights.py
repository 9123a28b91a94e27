"""督办灯: an office that reports its own 临期 milestone 滞后 is at least 黄灯."""

from collections import Counter
from datetime import date
from types import SimpleNamespace

from reporting.cycle import Cycle, check_month, collect_month, summarise
from reporting.demo import stage_returns
from reporting.models import Light, Status
from reporting.summary.verdicts import GREEN, LIGHT_RULE, RED, YELLOW, office_light

from .conftest import write_config


def test_equipment_centre_reporting_its_due_milestone_behind_is_amber(tmp_path):
    """July 2022 sample, as of 7-25: 教育装备中心 returned on time (7-15), its 7-31 milestone (公开
    招标) is 临期 and it reports it 滞后 ("公开招标推迟至8月上旬"): not 绿灯."""
    config = write_config(tmp_path)
    stage_returns("2022-07", tmp_path / "inbox" / "2022-07")
    cycle = Cycle.load(config, date(2022, 7, 25))
    collect_month(cycle, "2022-07")
    period, check = check_month(cycle, "2022-07")
    with cycle.ledger() as ledger:
        summary = summarise(cycle, period, check, ledger)
    row = next(r for r in summary.rows if r.milestone and r.milestone.key == "T18-M3")
    assert (row.light, row.status) == (Light.DUE_SOON, Status.BEHIND.value)
    office = next(o for o in summary.offices if o.office.name == "教育装备中心")
    assert office.state.value == "按时报送"
    assert office.lights[Light.OVERDUE] == 0
    assert office.light == YELLOW


def milestone(light, status):
    return SimpleNamespace(light=light, status=status)


def test_due_soon_behind_is_amber_and_red_stays_red():
    behind = [milestone(Light.DUE_SOON, Status.BEHIND.value)]
    on_track = [milestone(Light.DUE_SOON, Status.ON_TRACK.value)]
    later = [milestone(Light.NOT_DUE, Status.BEHIND.value)]
    none = Counter()
    assert office_light("按时报送", none, 4, 0.2, behind)[0] == YELLOW
    assert office_light("按时报送", none, 4, 0.2, on_track)[0] == GREEN
    assert office_light("按时报送", none, 4, 0.2, later)[0] == GREEN
    assert office_light("按时报送", Counter({Light.OVERDUE: 1}), 4, 0.2, behind)[0] == RED
    assert office_light("未报送", none, 4, 0.2, behind)[0] == RED


def test_the_rule_shown_in_the_workbook_names_it():
    assert "临期节点" in LIGHT_RULE and "滞后" in LIGHT_RULE
