"""The report page in headless Chromium: styles and script run under the page's own CSP,
hovering shows every label under the pointer, toggles hide a layer, injected markup stays text.

Needs the Debian packages chromium and chromium-driver and the selenium package; skips without them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chromium import headless_chromium
from narrascope.report.html import write_report
from narrascope.report.spans import doc_anchor
from test_report import layered_doc

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def chrome():
    with headless_chromium(console_log=True) as driver:
        yield driver


def test_report_works_in_a_browser(chrome, tmp_path: Path):  # noqa: ANN001
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    page = tmp_path / "report.html"
    first = layered_doc()
    write_report([first, layered_doc(doc_id="doc-2")], page)
    chrome.get(page.as_uri())

    # the alert() calls in the text never ran, and the page asked for nothing it was refused
    assert chrome.execute_script("return typeof window.alert") == "function"
    problems = [
        e["message"] for e in chrome.get_log("browser") if e["level"] in ("SEVERE", "WARNING")
    ]
    assert problems == []
    assert chrome.find_elements(By.TAG_NAME, "script")[0].get_attribute("src") in ("", None)

    # nothing is wider than the window (long labels wrap inside the side panels)
    assert chrome.execute_script(
        "return document.documentElement.scrollWidth <= document.documentElement.clientWidth"
    )

    # the inline stylesheet applied: marks are underlined with their palette colour
    mark = chrome.find_element(By.CSS_SELECTOR, f"#{doc_anchor(first)}-text .sp.k-technique")
    assert mark.value_of_css_property("border-bottom-style") == "solid"
    assert mark.value_of_css_property("border-bottom-width") == "3px"

    # hovering the innermost piece of "reckless" lists both techniques over it
    inner = next(
        el
        for el in chrome.find_elements(By.CSS_SELECTOR, ".sp.k-technique")
        if el.text == "reckless" and not el.find_elements(By.CSS_SELECTOR, ".sp")
    )
    ActionChains(chrome).move_to_element(inner).perform()
    inspector = chrome.find_element(By.ID, "ns-inspector")
    assert inspector.is_displayed()
    assert "Loaded Language" in inspector.text and "Name Calling-Labeling" in inspector.text

    # a click pins it: moving over another mark leaves it; Escape releases it
    inner.click()
    assert "pinned" in inspector.get_attribute("class")
    pinned_text = inspector.text
    other = chrome.find_element(By.CSS_SELECTOR, ".sp.k-claim")
    ActionChains(chrome).move_to_element(other).perform()
    assert inspector.text == pinned_text
    ActionChains(chrome).send_keys(Keys.ESCAPE).perform()
    assert not inspector.is_displayed()
    ActionChains(chrome).move_to_element(inner).perform()
    assert "Loaded Language" in inspector.text and "call_to_action" not in inspector.text

    # an evidence link in the relations panel lights every piece of that relation's sentence
    link = chrome.find_element(
        By.CSS_SELECTOR, "details[data-layer='relations'] a[data-kind='relation']"
    )
    link.click()
    lit = chrome.find_elements(By.CSS_SELECTOR, ".sp.hl-link")
    assert len(lit) > 1 and all("k-relation" in el.get_attribute("class") for el in lit)
    assert "rockets" in "".join(el.text for el in lit)

    # unticking a layer's toggle hides its underlines in that article only
    toggle = chrome.find_element(By.CSS_SELECTOR, ".ns-toggle[data-kind='technique']")
    toggle.click()
    article = toggle.find_element(By.XPATH, "ancestor::div[contains(@class, 'ns-article')]")
    assert "ns-hide-technique" in article.get_attribute("class")
    assert mark.value_of_css_property("border-bottom-color") == "rgba(0, 0, 0, 0)"
    others = chrome.find_elements(By.CSS_SELECTOR, ".ns-hide-technique")
    assert len(others) == 1
