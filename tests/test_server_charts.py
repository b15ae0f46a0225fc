"""Dashboard charts: labels from articles are escaped, links carry the filters, empty data says so."""

from __future__ import annotations

from narrascope.server import charts

EVIL = '<script>alert("x")</script>'


def _data(buckets: list[str]) -> dict:
    return {
        "labels": [EVIL, "Doubt"],
        "buckets": buckets,
        "totals": [10] * len(buckets),
        "series": {EVIL: [0.5] * len(buckets), "Doubt": [0.1] * len(buckets)},
    }


def test_every_chart_escapes_labels() -> None:
    rendered = [
        charts.line_chart(_data(["2024-01", "2024-02"]), "t"),
        charts.heatmap(_data([EVIL]), "technique"),
        charts.bars(_data(["all"]), "technique"),
        charts.role_bars([{"actor": EVIL, "source": EVIL, "main_role": "Antagonist", "n": 2}]),
        charts.network(
            [{"source": EVIL, "type": EVIL, "target": "UKR", "articles": 1, "mentions": 1}]
        ),
    ]
    for html in rendered:
        assert "<script>" not in str(html)
        assert "&lt;script&gt;" in str(html)


def test_links_carry_filters() -> None:
    table = str(charts.heatmap(_data(["Daily Planet"]), "technique"))
    assert 'href="/articles?source=Daily+Planet&amp;technique=Doubt"' in table
    bars = str(charts.bars(_data(["all"]), "narrative"))
    assert "50% · 5" in bars and 'href="/articles?narrative=Doubt"' in bars


def test_empty_data_is_explained() -> None:
    empty = {"labels": [], "buckets": [], "totals": [], "series": {}}
    assert "No dated articles" in charts.line_chart(empty, "t")
    assert "No relations" in charts.network([])
    assert "No role annotations" in charts.role_bars([])
