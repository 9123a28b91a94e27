"""Deadlines follow the official Chinese calendar (holidays, 调休 working weekends)."""

import logging
from datetime import date

from reporting.workdays import (
    add_workdays,
    coverage_warning,
    first_workday,
    is_workday,
    next_workday,
    return_deadline,
    workdays_between,
)


def test_holidays_and_adjusted_working_weekends():
    assert not is_workday(date(2022, 6, 3))  # Dragon Boat festival, a Friday
    assert is_workday(date(2022, 10, 8))  # Saturday worked in exchange for National Day
    assert not is_workday(date(2022, 10, 3))


def test_return_deadline_moves_to_the_next_working_day():
    assert return_deadline("2022-06") == date(2022, 6, 20)  # a Monday
    assert return_deadline("2022-08") == date(2022, 8, 22)  # the 20th is a Saturday
    assert return_deadline("2022-02", 31) == date(
        2022, 2, 28
    )  # a day past the month's end is its last day


def test_counting_working_days():
    assert next_workday(date(2022, 6, 3)) == date(2022, 6, 6)
    assert add_workdays(date(2022, 6, 2), 1) == date(2022, 6, 6)  # over the holiday and the weekend
    assert add_workdays(date(2022, 6, 6), -1) == date(2022, 6, 2)
    assert workdays_between(date(2022, 6, 1), date(2022, 6, 10)) == 6
    assert first_workday("2022-10") == date(2022, 10, 8)


def test_year_without_data_falls_back_to_weekdays_with_a_warning(caplog):
    coverage_warning.cache_clear()
    with caplog.at_level(logging.WARNING, logger="reporting.workdays"):
        assert is_workday(date(2099, 6, 1))  # a Monday
        assert not is_workday(date(2099, 6, 6))  # a Saturday
    said = coverage_warning(2099)
    # an offline PC cannot upgrade a package: the warning names the config.yaml lines instead
    assert "尚无2099年的法定节假日安排" in said and "pip" not in said
    assert "calendar:\n  2099:\n    放假: [2099-01-01" in said
    assert sum("2099" in r.message for r in caplog.records) == 1  # said once, not on every call
