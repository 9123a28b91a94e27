"""The intranet page in a real browser (Debian's chromium, driven by selenium): an office fixes
its return on the spot, the clerk sees it turn green, merges the month and opens the summary; the
chiefs read the month on a phone-sized screen.  Screenshots of each page are kept in the test's
folder (and in $YUEBAO_SCREENSHOTS when set)."""

from __future__ import annotations

import faulthandler
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import openpyxl
import pytest

from reporting import libreoffice

from .conftest import free_port, soffice
from .webserver import PASSWORD, answered, links, set_up

CHROMIUM, DRIVER = shutil.which("chromium"), shutil.which("chromedriver")
pytestmark = pytest.mark.skipif(
    not (CHROMIUM and DRIVER), reason="apt-get install chromium chromium-driver"
)
OFFICE = "基财股"


@pytest.fixture
def server(tmp_path):
    """`yuebao serve` itself, started as the clerk would, on a free loopback port."""
    config, month, c = set_up(tmp_path)
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "reporting.cli", "serve", "--config", str(config)]
        + ["--port", str(port), "--month", month],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            urllib.request.urlopen(base + "/", timeout=1)
            break
        except OSError:
            time.sleep(0.1)
    else:
        proc.kill()
        pytest.fail("yuebao serve did not start: " + proc.communicate()[0])
    yield base, tmp_path, month, c
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def browser(tmp_path):
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    downloads = tmp_path / "downloads"
    downloads.mkdir()
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--lang=zh-CN"):
        options.add_argument(arg)
    options.add_argument("--window-size=1280,1000")
    options.add_experimental_option(
        "prefs",
        {"download.default_directory": str(downloads), "download.prompt_for_download": False},
    )
    driver = webdriver.Chrome(service=Service(DRIVER), options=options)
    driver.downloads = downloads
    yield driver
    driver.quit()


def shot(driver, tmp_path: Path, name: str) -> None:
    """A full-page screenshot, to look at."""
    height = driver.execute_script("return document.body.scrollHeight")
    width = driver.get_window_size()["width"]
    driver.set_window_size(width, max(600, height + 150))
    path = tmp_path / "screens" / f"{name}.png"
    path.parent.mkdir(exist_ok=True)
    driver.save_screenshot(str(path))
    if os.environ.get("YUEBAO_SCREENSHOTS"):
        target = Path(os.environ["YUEBAO_SCREENSHOTS"])
        target.mkdir(parents=True, exist_ok=True)
        shutil.copy(path, target / path.name)


def upload(driver, path: Path) -> str:
    """Send the file and read the verdict of the page that answers (not the one before it: a
    click does not wait for the next page)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver.find_element(By.ID, "file").send_keys(str(path))
    press(driver, "upload")

    def checked(d):  # the page refreshes itself until the check is done
        text = verdict_text(d)
        return text if text and not text.startswith("已收到，正在检查") else False

    return WebDriverWait(driver, 120).until(checked)


def verdict_text(driver) -> str:
    """The page's verdict, "" while the page is being replaced (its script reloads it the moment
    the check is done: the element found may belong to the page going away)."""
    from selenium.common.exceptions import WebDriverException
    from selenium.webdriver.common.by import By

    try:
        return driver.find_element(By.ID, "verdict").text
    except WebDriverException:
        return ""


def press(driver, button: str) -> None:
    """Click a button that sends a form, and wait until the page it answers with is there."""
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    before = driver.find_element(By.TAG_NAME, "html")
    driver.find_element(By.ID, button).click()
    try:
        WebDriverWait(driver, 120).until(lambda d: replaced(before))
    except TimeoutException:  # (seen once in many runs): where each thread stood, the page's
        faulthandler.dump_traceback(all_threads=True)  # server among them (it runs here)
        print(driver.current_url, driver.page_source[-2000:], file=sys.stderr)
        raise


def replaced(element) -> bool:
    """Whether the page `element` was on has been replaced by another.  chromedriver says so as
    a stale element, or, asked in the middle of the navigation, as a node that "does not belong
    to the document" (an unknown error, which staleness_of lets through)."""
    from selenium.common.exceptions import StaleElementReferenceException, WebDriverException

    try:
        element.is_enabled()
    except StaleElementReferenceException:
        return True
    except WebDriverException as exc:
        if "does not belong to the document" in str(exc):
            return True
        raise
    return False


def wait_for_file(folder: Path, pattern: str) -> Path:
    """The downloaded file once chromium has finished writing it: it may appear under its final
    name empty, before its bytes (a size seen twice, not zero)."""
    size = None
    for _ in range(300):
        found = [p for p in folder.glob(pattern) if not p.name.endswith(".crdownload")]
        if found:
            now = found[0].stat().st_size
            if now and now == size:
                return found[0]
            size = now
        time.sleep(0.1)
    raise AssertionError(f"nothing downloaded into {folder}")


def test_office_fixes_its_return_and_the_clerk_merges_the_month(server, browser):
    from selenium.webdriver.common.by import By

    base, folder, month, c = server
    token = links(folder)[OFFICE]
    wrong = answered(c, month, OFFICE, folder / "pc" / "进展情况表.xlsx", status="差不多了")

    browser.get(f"{base}/o/{token}")
    assert OFFICE in browser.find_element(By.TAG_NAME, "header").text
    browser.find_element(By.ID, "download-form").click()
    form = wait_for_file(browser.downloads, "*.xlsx")
    sent = c.config.folder("outbox", month) / form.name
    assert OFFICE in form.name and form.read_bytes() == sent.read_bytes()
    shot(browser, folder, "1-office")

    verdict = upload(browser, wrong)
    assert "1处错误" in verdict
    finding = browser.find_element(By.CSS_SELECTOR, "#latest table.findings tbody tr").text
    assert "差不多了" in finding and "进展情况表!G" in finding and "下拉列表" in finding
    shot(browser, folder, "2-office-finding")

    fixed = answered(c, month, OFFICE, folder / "pc" / "进展情况表.xlsx")
    assert upload(browser, fixed).startswith("已通过")
    history = browser.find_element(By.ID, "history").text
    assert history.count("进展情况表.xlsx") == 2 and "已通过（以此为准）" in history
    shot(browser, folder, "3-office-passed")

    browser.get(f"{base}/clerk")  # not logged in: the login page
    browser.find_element(By.ID, "password").send_keys(PASSWORD)
    press(browser, "login")
    row = browser.find_element(By.CSS_SELECTOR, f'#offices tr[data-office="{OFFICE}"]')
    assert "按时报送" in row.text and "state-on_time" in row.get_attribute("class")
    colour = row.find_element(By.CSS_SELECTOR, "td.state").value_of_css_property("background-color")
    assert colour == "rgba(198, 239, 206, 1)"  # green, #C6EFCE
    other = browser.find_element(By.CSS_SELECTOR, '#offices tr[data-office="人事股"]')
    assert "未报送" in other.text
    shot(browser, folder, "4-clerk")

    press(browser, "step-merge")
    outcome = browser.find_element(By.ID, "outcome").text
    assert "汇总 " in outcome.replace("（", " ") and "完成" in outcome and "汇总表：" in outcome
    shot(browser, folder, "5-clerk-merged")
    for old in browser.downloads.iterdir():
        old.unlink()
    browser.find_element(By.ID, "file-summary").click()
    summary = wait_for_file(browser.downloads, "重点工作进展汇总_*.xlsx")
    assert openpyxl.load_workbook(summary).sheetnames[0]
    soffice()
    pdf = libreoffice.convert(summary, "pdf", folder / "pdf")
    assert pdf.stat().st_size > 1000

    chiefs = links(folder)["领导"]
    browser.set_window_size(390, 844)  # a phone
    browser.get(f"{base}/c/{chiefs}")
    figures = browser.find_element(By.CSS_SELECTOR, ".figures").text
    assert "1/11" in figures and "股室已报送" in figures
    assert browser.find_element(By.ID, "chiefs-summary").is_displayed()
    width = browser.execute_script("return document.documentElement.scrollWidth")
    assert width <= 390  # nothing wider than the phone's screen
    shot(browser, folder, "6-chiefs-phone")


def test_the_page_shows_the_result_as_soon_as_the_check_is_done(server, browser):
    """While another command holds the month the upload waits (正在检查); the page's script asks
    the server whether the check is done and shows the result then, not at the next 3-second
    refresh; the asking itself is a cheap answer that names the office's uploads still waiting."""
    import json

    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    from .holder import holding

    base, folder, month, c = server
    token = links(folder)[OFFICE]
    good = answered(c, month, OFFICE, folder / "pc" / "进展情况表.xlsx")
    holder = holding(c.config.ledger_path, month, 8)
    browser.get(f"{base}/o/{token}")
    browser.find_element(By.ID, "file").send_keys(str(good))
    press(browser, "upload")
    WebDriverWait(browser, 30).until(lambda d: "正在检查" in verdict_text(d))

    def asked(d):  # the script's requests, in the page now shown
        entries = d.execute_script(
            "return performance.getEntriesByType('resource').map(e => e.name)"
        )
        return [e for e in entries if e.endswith(f"/o/{token}/checking")]

    WebDriverWait(browser, 2.5).until(asked)  # before the page's own 3-second refresh
    answer = urllib.request.urlopen(f"{base}/o/{token}/checking", timeout=5).read()
    assert json.loads(answer) == {"waiting": 1}  # held: still waiting
    holder.release()
    WebDriverWait(browser, 60).until(lambda d: verdict_text(d).startswith("已通过"))
    answer = urllib.request.urlopen(f"{base}/o/{token}/checking", timeout=5).read()
    assert json.loads(answer) == {"waiting": 0}
    with pytest.raises(urllib.error.HTTPError):  # no office behind a made-up link
        urllib.request.urlopen(f"{base}/o/not-a-token/checking", timeout=5)
