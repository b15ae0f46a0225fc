"""End to end in headless Chromium: paste the sample op-ed into the page, see spans and panels.

Needs the Debian packages chromium and chromium-driver (and selenium); skips without them.
Screenshots go to test-artifacts/ for a person to look at.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from chromium import headless_chromium
from narrascope.pipeline import Pipeline
from narrascope.server import ServerSettings, create_app
from narrascope.store import Store
from test_server_support import documents, live_server

ARTIFACTS = Path(__file__).resolve().parents[1] / "test-artifacts"

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def browser():
    with headless_chromium() as driver:
        yield driver


def _wait(driver, css: str, timeout: float = 120):  # noqa: ANN001, ANN202
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        ec.presence_of_all_elements_located((By.CSS_SELECTOR, css))
    )


def _screenshot(driver, name: str) -> Path:  # noqa: ANN001
    """A full-page PNG (beyond the window) through the DevTools protocol."""
    import base64

    ARTIFACTS.mkdir(exist_ok=True)
    metrics = driver.execute_cdp_cmd("Page.getLayoutMetrics", {})
    size = metrics["cssContentSize"]
    clip = {"x": 0, "y": 0, "width": size["width"], "height": min(size["height"], 8000), "scale": 1}
    shot = driver.execute_cdp_cmd(
        "Page.captureScreenshot", {"format": "png", "captureBeyondViewport": True, "clip": clip}
    )
    path = ARTIFACTS / name
    path.write_bytes(base64.b64decode(shot["data"]))
    return path


def test_paste_sample_and_see_every_layer(
    browser, pipeline: Pipeline, sample_text: str, tmp_path: Path
) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    with (
        Store(tmp_path / "corpus.duckdb") as store,
        live_server(create_app(ServerSettings(), pipeline=pipeline, store=store)) as url,
    ):
        browser.get(url + "/")
        _screenshot(browser, "index-page.png")
        box = browser.find_element(By.ID, "text")
        browser.execute_script("arguments[0].value = arguments[1];", box, sample_text)
        browser.find_element(By.ID, "analyze-button").click()
        marks = _wait(browser, ".ns-article .sp")
        panels = _wait(browser, ".ns-panels .ns-panel")
        title = browser.find_element(By.CSS_SELECTOR, ".ns-doc > h2").text
        kinds = {m.get_attribute("class").split()[1] for m in marks}
        layers = {p.get_attribute("data-layer") for p in panels}
        text = browser.find_element(By.CSS_SELECTOR, ".ns-text").text
        shot = _screenshot(browser, "analysis-page.png")
        # hovering a mark fills the inspector with the labels under the pointer (report.js runs)
        from selenium.webdriver.common.action_chains import ActionChains

        ActionChains(browser).move_to_element(marks[0]).perform()
        inspector = browser.find_element(By.ID, "ns-inspector").text
    assert title == sample_text.splitlines()[0]
    assert "k-entity" in kinds or "k-actor" in kinds
    assert len(marks) >= 10
    # every layer the pipeline filled for this article has its panel
    doc = pipeline.analyze(sample_text)
    filled = {
        "genre": doc.genre,
        "frames": doc.frames,
        "techniques": doc.techniques and (doc.techniques.spans or doc.techniques.paragraphs),
        "narratives": doc.narratives,
        "explanation": doc.narratives and doc.narratives.explanation,
        "roles": doc.roles,
        "relations": doc.relations,
        "claims": doc.claims,
        "entities": doc.entities,
    }
    assert {layer for layer, value in filled.items() if value} <= layers
    assert {"entities", "relations"} <= layers
    assert "language" in layers
    assert "Shahed drones" in text
    assert inspector.strip()
    assert shot.stat().st_size > 10_000


def test_dashboard_renders_charts(browser, tmp_path: Path) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    light = Pipeline.from_config(only=["segmentation"])
    with Store(tmp_path / "corpus.duckdb") as store:
        store.write(documents())
        with live_server(create_app(ServerSettings(), pipeline=light, store=store)) as url:
            browser.get(url + "/dashboard")
            charts = _wait(browser, "svg.chart")
            overview = browser.find_element(By.ID, "overview").text
            _screenshot(browser, "dashboard.png")
            browser.get(url + "/articles")
            rows = _wait(browser, "#article-list tbody tr")
            _screenshot(browser, "articles-page.png")
            rows[0].find_element(By.TAG_NAME, "a").click()
            _wait(browser, ".ns-article .sp")
            heading = browser.find_element(By.CSS_SELECTOR, ".ns-doc > h2").text
    assert len(charts) >= 3
    assert overview.startswith("5 articles from 2 sources")
    assert len(rows) == 5
    assert heading == "Report a5 on the war"


def test_dashboard_compares_languages(browser, tmp_path: Path) -> None:  # noqa: ANN001
    from selenium.webdriver.common.by import By

    from narrascope.document import Language

    docs = documents()
    for doc, code in zip(docs, ["ru", "ru", "bg", "en", "en"]):
        doc.language = Language(code=code, score=0.99)
    docs[2].techniques = None
    docs[2].unavailable = {"techniques": "language bg"}
    light = Pipeline.from_config(only=["segmentation"])
    with Store(tmp_path / "corpus.duckdb") as store:
        store.write(docs)
        with live_server(create_app(ServerSettings(), pipeline=light, store=store)) as url:
            browser.get(url + "/dashboard?cmp=techniques#languages")
            _wait(browser, "table.langcmp td.na")
            table = browser.find_element(By.CSS_SELECTOR, "#languages table.langcmp")
            heads = [th.text for th in table.find_elements(By.CSS_SELECTOR, "thead th")]
            rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
            cells = [[td.text for td in r.find_elements(By.TAG_NAME, "td")] for r in rows]
            visible = table.is_displayed() and table.size["width"] > 300
            _screenshot(browser, "dashboard-languages.png")
            link = table.find_element(By.CSS_SELECTOR, 'a[href*="language=ru"][href*="Doubt"]')
            link.click()
            listed = _wait(browser, "#article-list tbody tr")
            listed_ids = [r.find_element(By.TAG_NAME, "a").get_attribute("href") for r in listed]
    assert visible
    assert heads[1:] == ["en\n2 articles", "ru\n2 articles", "bg\nnot analysed: language bg (1)"]
    assert [row[2] for row in cells] == ["n/a"] * len(rows) and len(rows) == 3
    assert cells[0][:2] == ["50% · 1", "50% · 1"]  # Loaded_Language: a4 of en, a1 of ru
    assert [href.rsplit("/", 1)[1] for href in listed_ids] == ["a2"]
