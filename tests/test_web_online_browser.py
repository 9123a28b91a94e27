"""在线填报 on a phone (Debian's chromium at 390 × 844, driven by selenium, the page served by
waitress): an office opens its link, finds its 14 milestones pre-filled from last month, answers,
saves a draft, closes the browser and finds the draft again, meets an error beside its field,
fixes it, submits and sees 已通过; the clerk's 汇总 counts it and the summary holds its answers."""

from __future__ import annotations

import openpyxl
import pytest

from reporting.context import Cycle
from reporting.summary.workbook import summary_file_name

from .online_setup import OFFICE, prepared
from .test_web_browser import (  # noqa: F401 (browser: a fixture)
    CHROMIUM,
    DRIVER,
    browser,
    press,
    shot,
    verdict_text,
)
from .webserver import PASSWORD, links, serving

pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER), reason="apt-get install chromium chromium-driver"
)
PHONE = (390, 844)
NEW_TEXT = "12月：12个镇全部完成复评自查，问题清单23项已整改21项。"


def fits_a_phone(driver) -> None:
    """No horizontal scrolling; every control labelled and at least 44 px high."""
    width = driver.execute_script("return document.documentElement.scrollWidth")
    assert width <= PHONE[0], width
    small = driver.execute_script(
        """
        var out = [];
        document.querySelectorAll('input:not([type=hidden]), select, textarea, button, a.button')
          .forEach(function (e) {
            var r = e.getBoundingClientRect();
            if (r.width && r.height < 44) out.push(e.id || e.name || e.textContent);
          });
        return out;"""
    )
    assert small == []
    unlabelled = driver.execute_script(
        """
        var out = [];
        document.querySelectorAll('#online input:not([type=hidden]), #online select,'
                                  + ' #online textarea').forEach(function (e) {
            if (!document.querySelector('label[for="' + CSS.escape(e.id) + '"]')) out.push(e.id);
          });
        return out;"""
    )
    assert unlabelled == []


def field(driver, name):
    from selenium.webdriver.common.by import By

    return driver.find_element(By.ID, name)


def slot_text(driver, name) -> str:
    return driver.execute_script(
        "var s = document.querySelector('.slot[data-for=\"' + arguments[0] + '\"]');"
        "return s ? s.textContent : null;",
        name,
    )


def set_date(driver, name, value) -> None:
    """A date as the phone's date picker sets it (the input's value, then its change event)."""
    driver.execute_script(
        "arguments[0].value = arguments[1];"
        "arguments[0].dispatchEvent(new Event('change', {bubbles: true}));",
        field(driver, name),
        value,
    )


def test_an_office_fills_its_form_on_a_phone(tmp_path, browser):  # noqa: F811
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    config, month, c = prepared(tmp_path)
    token = links(tmp_path)[OFFICE]
    with serving(config, month) as base:
        browser.set_window_size(*PHONE)
        browser.get(f"{base}/o/{token}")
        assert browser.find_element(By.CSS_SELECTOR, "label[for=file]").text == "选择文件"
        fits_a_phone(browser)
        press(browser, "fill-online")  # a link: the next page replaces this one
        milestones = browser.find_elements(By.CSS_SELECTOR, "fieldset.milestone")
        assert len(milestones) == 14
        progress = field(browser, "progress:T09")
        assert progress.get_attribute("value").startswith(f"{last_month(month)}：")  # carried
        carried = [
            s.get_attribute("id")
            for s in browser.find_elements(By.CSS_SELECTOR, "fieldset.milestone select")
            if Select(s).first_selected_option.text == "已完成"
        ]
        assert carried  # the milestones done last month stay done
        assert "本月到期" in milestones[0].text or "应已完成" in milestones[0].text
        fits_a_phone(browser)
        shot(browser, tmp_path, "online-1-opened")
        browser.set_window_size(*PHONE)

        # answer every open status (three of them 滞后), change a text, save a draft
        open_ones = [
            s
            for s in browser.find_elements(By.CSS_SELECTOR, "fieldset.milestone select")
            if not Select(s).first_selected_option.get_attribute("value")
        ]
        for i, s in enumerate(open_ones):
            Select(s).select_by_visible_text("滞后" if i < 3 else "按计划推进")
        progress.clear()
        progress.send_keys(NEW_TEXT)
        press(browser, "save-draft")
        assert "草稿已保存" in browser.find_element(By.ID, "saved").text

        # the phone's browser closed: a new session finds the draft on the server
        browser.delete_all_cookies()
        browser.get(f"{base}/o/{token}/online")
        assert field(browser, "progress:T09").get_attribute("value") == NEW_TEXT
        lagging = [
            s
            for s in browser.find_elements(By.CSS_SELECTOR, "fieldset.milestone select")
            if Select(s).first_selected_option.text == "滞后"
        ]
        assert len(lagging) == 3

        # 已完成 without its date: the error appears beside the field, at once
        key = lagging[0].get_attribute("id").split(":", 1)[1]
        Select(lagging[0]).select_by_visible_text("已完成")
        WebDriverWait(browser, 30).until(
            lambda d: "完成日期未填写" in (slot_text(d, f"done:{key}") or "")
        )
        beside = browser.find_element(By.ID, f"m-{key}").text
        assert "错误：" in beside and "完成日期未填写" in beside
        assert "有1处错误" in browser.find_element(By.ID, "live").text
        fits_a_phone(browser)
        shot(browser, tmp_path, "online-2-error")
        browser.set_window_size(*PHONE)

        set_date(browser, f"done:{key}", f"{month}-01")
        WebDriverWait(browser, 30).until(
            lambda d: "未发现错误" in d.find_element(By.ID, "live").text
        )
        assert slot_text(browser, f"done:{key}") == ""
        press(browser, "submit")

        def verdict(d):
            text = verdict_text(d)
            if not text:
                return False
            if text.startswith("已收到"):
                d.refresh()
                return False
            return text

        assert WebDriverWait(browser, 120).until(verdict).startswith("已通过")
        assert browser.find_element(By.ID, "download-submitted").is_displayed()
        fits_a_phone(browser)
        shot(browser, tmp_path, "online-3-passed")
        browser.set_window_size(1280, 1000)

        # the clerk: 报送情况 shows the path; 汇总 counts it and the summary has its answers
        browser.get(f"{base}/clerk")
        browser.find_element(By.ID, "password").send_keys(PASSWORD)
        press(browser, "login")
        row = browser.find_element(By.CSS_SELECTOR, f'#offices tr[data-office="{OFFICE}"]')
        assert "按时报送" in row.text and "在线填报" in row.text
        press(browser, "step-merge")
        assert "完成" in browser.find_element(By.ID, "outcome").text
    c = Cycle.load(config)
    path = c.config.folder("summary", month) / summary_file_name(month, c.config.bureau)
    texts = {
        str(cell.value)
        for ws in openpyxl.load_workbook(path).worksheets
        for row in ws.iter_rows()
        for cell in row
        if cell.value
    }
    assert NEW_TEXT in texts
    assert any("已完成" == t for t in texts)


def last_month(month: str) -> str:
    year, m = int(month[:4]), int(month[5:])
    return f"{year - (m == 1):04d}-{(m - 2) % 12 + 1:02d}"


def test_after_submitting_the_page_shows_the_result_as_soon_as_the_check_is_done(
    tmp_path,
    browser,  # noqa: F811
):
    """提交 while another command holds the month: the page says 正在检查 and its script asks
    the server whether the check is done (as the office page does after an upload), so the
    result shows as soon as the month is free, not at the page's next 3-second refresh."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select, WebDriverWait

    from .holder import holding

    config, month, c = prepared(tmp_path)
    token = links(tmp_path)[OFFICE]
    with serving(config, month) as base:
        browser.set_window_size(*PHONE)
        browser.get(f"{base}/o/{token}/online")
        for s in browser.find_elements(By.CSS_SELECTOR, "fieldset.milestone select"):
            if not Select(s).first_selected_option.get_attribute("value"):
                Select(s).select_by_visible_text("按计划推进")
        holder = holding(c.config.ledger_path, month, 8)
        press(browser, "submit")
        WebDriverWait(browser, 30).until(lambda d: "正在检查" in verdict_text(d))

        def asked(d):  # the script's requests, in the page now shown
            entries = d.execute_script(
                "return performance.getEntriesByType('resource').map(e => e.name)"
            )
            return [e for e in entries if e.endswith(f"/o/{token}/checking")]

        WebDriverWait(browser, 2.5).until(asked)  # before the page's own 3-second refresh
        holder.release()
        WebDriverWait(browser, 60).until(lambda d: verdict_text(d).startswith("已通过"))
        assert browser.find_element(By.ID, "download-submitted").is_displayed()
