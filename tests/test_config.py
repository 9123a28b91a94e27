"""config.yaml: unknown keys, missing keys and wrong types stop the command with a clear message."""

import pytest
import yaml

from reporting.config import load_config
from reporting.errors import YuebaoError

from .conftest import write_config
from .inprocess import run as yuebao


def test_sample_config_loads_with_defaults(workdir):
    cfg = load_config(workdir / "config.yaml")
    assert cfg.bureau == "台山市教育系统"
    assert cfg.reporting.deadline_day == 20
    assert cfg.folder("inbox", "2022-06") == workdir / "inbox" / "2022-06"
    assert cfg.office("基财股").contact == "李志强"
    assert cfg.office("不在配置中的股室").email == ""


@pytest.mark.parametrize(
    "patch, named",
    [
        ({"deadlin_day": 20}, "deadlin_day"),
        ({"reporting": {"amber_dayz": 3}}, "reporting.amber_dayz"),
        ({"offices": {"基财股": {"mail": "x@example.org"}}}, "offices.基财股.mail"),
    ],
)
def test_unknown_key_is_an_error_naming_it(tmp_path, patch, named):
    path = write_config(tmp_path, **patch)
    with pytest.raises(YuebaoError) as err:
        load_config(path)
    assert named in err.value.zh and "未知" in err.value.zh


def test_wrong_type_and_missing_key(tmp_path):
    with pytest.raises(YuebaoError, match="类型不对"):
        load_config(write_config(tmp_path, reporting={"deadline_day": "二十"}))
    data = yaml.safe_load((write_config(tmp_path)).read_text(encoding="utf-8"))
    del data["bureau"]
    (tmp_path / "config.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    with pytest.raises(YuebaoError, match="bureau"):
        load_config(tmp_path / "config.yaml")


def test_cli_exits_non_zero_with_one_line_for_broken_setups(tmp_path):
    missing = yuebao("fill", "--config", str(tmp_path / "nope.yaml"), "--month", "2022-06")
    assert missing.returncode == 2 and "找不到配置文件" in missing.stderr
    assert len(missing.stderr.strip().splitlines()) == 1
    assert "config file not found" not in missing.stderr  # English: in the log (-v), not here

    no_list = yuebao(
        "fill",
        "--config",
        str(write_config(tmp_path, task_list="no-such.xlsx")),
        "--month",
        "2022-06",
    )
    assert no_list.returncode == 2 and "找不到任务清单" in no_list.stderr

    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    cfg = write_config(tmp_path, folders={"outbox": str(blocker / "sub")})
    unwritable = yuebao("fill", "--config", str(cfg), "--month", "2022-06")
    assert unwritable.returncode == 2 and "无法写入文件夹" in unwritable.stderr

    bad_month = yuebao("fill", "--config", str(write_config(tmp_path)), "--month", "2022-13")
    assert bad_month.returncode == 2 and "月份" in bad_month.stderr


def test_libyaml_and_pythons_parser_read_a_config_alike(tmp_path):
    """config.yaml is read by libyaml where PyYAML has it: the same settings, the same dates as
    typed (2027-02-30 too), the same key-twice message as the Python parser gives."""
    from reporting.config import yaml_text

    if yaml_text._FastDatesAsText is None:
        pytest.skip("PyYAML without libyaml")
    text = (write_config(tmp_path)).read_text(encoding="utf-8")
    text += "calendar:\n  2027:\n    放假: [2027-01-01, 2027-02-30]\n"
    fast = yaml_text._load(yaml_text._FastDatesAsText, text)
    assert fast == yaml_text._load(yaml_text._DatesAsText, text)
    assert fast["calendar"][2027]["放假"] == ["2027-01-01", "2027-02-30"]
    twice = text + "bureau: 又一个\n"
    said = []
    for loader in (yaml_text._FastDatesAsText, yaml_text._DatesAsText):
        with pytest.raises(YuebaoError) as err:
            yaml_text._load(loader, twice)
        said.append(err.value.zh)
    assert said[0] == said[1] and "bureau" in said[0]
