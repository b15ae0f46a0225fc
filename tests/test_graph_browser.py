"""The graph page in headless Chromium: hostile sentences cannot break its data or run script."""

from __future__ import annotations

import json
import time
from datetime import date

from chromium import headless_chromium
from narrascope.document import Document, Relation
from narrascope.graph import build_graph
from narrascope.graph.build import records_from_documents
from narrascope.graph.formats import render, script_json

HOSTILE = [
    "Russia attacked Ukraine <!--<script> again, officials said.",
    "Iran sent drones to Russia </script><script>document.title='owned'</script>.",
    "China condemned Japan <img src=x onerror=\"document.title='owned'\"> & more.",
]


def hostile_docs() -> list[Document]:
    docs = []
    for i, (text, (source, kind, target)) in enumerate(
        zip(
            HOSTILE,
            [
                ("RUS", "attacks", "UKR"),
                ("IRN", "supplies_weapons", "RUS"),
                ("CHN", "condemns", "JPN"),
            ],
        )
    ):
        doc = Document(id=f"h{i}", text=text, published=date(2024, 1, i + 1))
        doc.relations.append(
            Relation(source=source, type=kind, target=target, start=0, end=len(text), sentence=text)
        )
        docs.append(doc)
    return docs


def test_script_json_is_inert_and_round_trips():
    value = {"s": "<!--<script></script>&amp;"}
    text = script_json(value)
    assert "<" not in text and ">" not in text and "&" not in text
    assert json.loads(text) == value


def test_graph_page_draws_every_node_with_hostile_sentences(tmp_path):
    from selenium.webdriver.common.by import By

    page = render(build_graph(records_from_documents(hostile_docs())), "html")
    assert 'http-equiv="Content-Security-Policy"' in page and "default-src 'none'" in page
    path = tmp_path / "graph.html"
    path.write_text(page, encoding="utf-8")
    with headless_chromium(console_log=True) as browser:
        browser.get(path.as_uri())
        time.sleep(1)
        nodes = browser.find_elements(By.CSS_SELECTOR, "g.node")
        assert len(nodes) == 5  # RUS, UKR, IRN, CHN, JPN
        assert browser.title == "narrascope actor network"
        for edge in browser.find_elements(By.CSS_SELECTOR, "path.edge"):  # as a click does
            browser.execute_script("arguments[0].dispatchEvent(new MouseEvent('click'))", edge)
        info = browser.find_element(By.ID, "info")
        assert info.find_elements(By.CSS_SELECTOR, "div.ev")
        assert any(s in info.text for s in ("<!--<script>", "</script>", "<img src=x"))
        assert not browser.find_elements(By.CSS_SELECTOR, "#info img, #info script")
        heading = info.find_element(By.CSS_SELECTOR, "h4")
        assert heading.value_of_css_property("color") != "rgba(34, 34, 34, 1)"  # its type's colour
        assert len(browser.find_elements(By.CSS_SELECTOR, "#filters input")) >= 2
        errors = [
            e for e in browser.get_log("browser") if "Content Security Policy" in e["message"]
        ]
        assert errors == [], errors
        assert browser.title != "owned"
