"""config.yaml's sections as typed values: the same keys as the schema, the values as loaded."""

import dataclasses

import pytest

from reporting.config import SCHEMA, SECTIONS, load_config

from .conftest import write_config


@pytest.mark.parametrize("name", sorted(SECTIONS))
def test_each_typed_section_holds_exactly_its_schema_keys(name):
    assert [f.name for f in dataclasses.fields(SECTIONS[name])] == list(SCHEMA[name])


def test_sections_read_what_config_yaml_says_and_defaults_for_the_rest(tmp_path):
    config = load_config(
        write_config(
            tmp_path,
            rollup={"units": ["台山市教育局", "恩平市教育局"]},
            supervision={"red_share": 0.5},
            rules={"late": "错误"},
        )
    )
    assert config.rollup.units == ("台山市教育局", "恩平市教育局")
    assert config.rollup.inbox == "rollup/{month}"
    assert config.supervision.red_share == 0.5 and config.supervision.missing_days == 3
    assert config.colours.overdue == "#FFC7CE" and config.rules == {"late": "错误"}
    with pytest.raises(dataclasses.FrozenInstanceError):
        config.schedule.time = "09:00"  # settings are read, never changed on the way
