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


def _widths(svg: str) -> dict[str, float]:
    import re

    found = re.findall(r'stroke-width="([0-9.]+)".*?<title>(\w+) \w+ (\w+):', svg)
    return {f"{a}>{b}": float(w) for w, a, b in found}


def test_network_thickness_counts_stated_articles() -> None:
    edges = [  # IRN>RUS: 10 articles, only 1 states it as fact; USA>IRN: 2 of 2
        {"source": "IRN", "type": "supply", "target": "RUS", "articles": 10, "mentions": 10,
         "factual_articles": 1, "modality": "hypothetical"},
        {"source": "USA", "type": "sanction", "target": "IRN", "articles": 2, "mentions": 2,
         "factual_articles": 2, "modality": "asserted"},
        {"source": "CHN", "type": "attack", "target": "TWN", "articles": 5, "mentions": 5,
         "factual_articles": 0, "modality": "called_for"},
    ]  # fmt: skip
    svg = str(charts.network(edges))
    widths = _widths(svg)
    assert widths == {"IRN>RUS": 3.0, "USA>IRN": 5.0, "CHN>TWN": 1.0}
    assert "stated as fact in 1" in svg and "not stated as fact: called_for" in svg
    # a view of non-factual relations only (e.g. relmod=hypothetical): every article counts
    only = [{**e, "factual_articles": 0} for e in edges[::2]]
    assert _widths(str(charts.network(only))) == {"IRN>RUS": 5.0, "CHN>TWN": 3.0}
