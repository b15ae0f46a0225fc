"""Server-side SVG charts for the dashboard: no JavaScript library, no external assets.

Inputs are the small aggregated results of `Corpus` (a few dozen points); every label is
escaped, so names taken from articles can never inject markup.
"""

from __future__ import annotations

import math
from typing import Any
from urllib.parse import urlencode

from markupsafe import Markup, escape

PALETTE = [
    "#1f77b4",
    "#d62728",
    "#2ca02c",
    "#ff7f0e",
    "#9467bd",
    "#8c564b",
    "#e377c2",
    "#17becf",
    "#7f7f7f",
    "#bcbd22",
]
ROLE_COLOURS = {"Protagonist": "#2e8b57", "Antagonist": "#c0392b", "Innocent": "#2f6db5"}


def colour(i: int) -> str:
    return PALETTE[i % len(PALETTE)]


def _pct(value: float) -> str:
    return f"{100 * value:.0f}%"


def line_chart(data: dict[str, Any], title: str, width: int = 720, height: int = 260) -> Markup:
    """Share of articles per month for each label: one line per label, a legend below."""
    buckets: list[str] = data["buckets"]
    labels: list[str] = data["labels"]
    if not buckets or not labels:
        return Markup('<p class="empty">No dated articles with this layer in the selection.</p>')
    left, right, top, bottom = 44, 12, 12, 34
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max([max(v) for v in data["series"].values()] + [0.01])
    peak = min(1.0, math.ceil(peak * 10) / 10)
    step = plot_w / max(1, len(buckets) - 1)

    def xy(i: int, v: float) -> tuple[float, float]:
        x = left + (i * step if len(buckets) > 1 else plot_w / 2)
        return x, top + plot_h * (1 - v / peak)

    parts = [
        f'<svg class="chart" viewBox="0 0 {width} {height}" role="img" aria-label="{escape(title)}">'
    ]
    for k in range(5):
        v = peak * k / 4
        _, y = xy(0, v)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" class="grid"/>'
        )
        parts.append(
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" class="tick">{_pct(v)}</text>'
        )
    every = max(1, math.ceil(len(buckets) / 10))
    for i, bucket in enumerate(buckets):
        if i % every == 0 or i == len(buckets) - 1:
            x, _ = xy(i, 0)
            anchor = (
                "start"
                if i == 0 and len(buckets) > 1
                else "end"
                if i == len(buckets) - 1 and len(buckets) > 1
                else "middle"
            )
            parts.append(
                f'<text x="{x:.1f}" y="{height - 12}" text-anchor="{anchor}" class="tick">{escape(bucket)}</text>'
            )
    for j, label in enumerate(labels):
        points = [xy(i, v) for i, v in enumerate(data["series"][label])]
        path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
        parts.append(
            f'<polyline points="{path}" fill="none" stroke="{colour(j)}" stroke-width="2"><title>{escape(label)}</title></polyline>'
        )
        for (x, y), v, bucket in zip(points, data["series"][label], buckets):
            parts.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="2.5" fill="{colour(j)}"><title>{escape(label)} · {escape(bucket)}: {_pct(v)}</title></circle>'
            )
    parts.append("</svg>")
    return Markup("".join(parts)) + legend(labels)


def bars(data: dict[str, Any], filter_name: str) -> Markup:
    """Overall share of articles per label (the `all` bucket), as labelled bars linking to the articles."""
    labels = data["labels"]
    if not labels or not data["buckets"]:
        return Markup('<p class="empty">No articles with this layer in the selection.</p>')
    total = data["totals"][0]
    rows = []
    for i, label in enumerate(labels):
        share = data["series"][label][0]
        href = "/articles?" + urlencode({filter_name: label})
        rows.append(
            f'<div class="hbar"><a class="hbar-label" href="{escape(href)}" title="{escape(label)}">{escape(label)}</a>'
            f'<span class="bar"><span class="seg" style="width:{100 * share:.1f}%;background:{colour(i)}"></span></span>'
            f"<small>{_pct(share)} · {round(share * total):,}</small></div>"
        )
    return Markup(f'<div class="hbars">{"".join(rows)}</div>')


def legend(labels: list[str]) -> Markup:
    items = "".join(
        f'<li><span class="swatch" style="background:{colour(i)}"></span>{escape(label)}</li>'
        for i, label in enumerate(labels)
    )
    return Markup(f'<ul class="legend">{items}</ul>')


def heatmap(data: dict[str, Any], filter_name: str, row_title: str = "source") -> Markup:
    """A table: rows are sources, columns labels, cells the share of articles (shaded, linking to them)."""
    buckets, labels = data["buckets"], data["labels"]
    if not buckets or not labels:
        return Markup('<p class="empty">Nothing to show for this selection.</p>')
    head = "".join(f'<th scope="col"><span>{escape(label)}</span></th>' for label in labels)
    rows = []
    for i, bucket in enumerate(buckets):
        cells = []
        for label in labels:
            v = data["series"][label][i]
            href = "/articles?" + urlencode({"source": bucket, filter_name: label})
            cells.append(
                f'<td style="background:rgba(31,119,180,{min(1.0, v * 1.5):.2f})" class="{"dark" if v > 0.4 else ""}">'
                f'<a href="{escape(href)}">{_pct(v)}</a></td>'
            )
        rows.append(
            f'<tr><th scope="row">{escape(bucket)} <small>({data["totals"][i]})</small></th>{"".join(cells)}</tr>'
        )
    return Markup(
        f'<table class="heatmap"><thead><tr><th>{escape(row_title)}</th>{head}</tr></thead><tbody>{"".join(rows)}</tbody></table>'
    )


def role_bars(rows: list[dict[str, Any]]) -> Markup:
    """Per actor and source, a bar split by the main roles the source's articles cast the actor in."""
    if not rows:
        return Markup('<p class="empty">No role annotations in this selection.</p>')
    grouped: dict[str, dict[str, dict[str, int]]] = {}
    for row in rows:  # aggregated rows: at most actors x sources x 3
        grouped.setdefault(row["actor"], {}).setdefault(row["source"], {})[row["main_role"]] = int(
            row["n"]
        )
    out = ['<div class="roles">']
    for actor, by_source in grouped.items():
        out.append(f'<div class="role-actor"><h4>{escape(actor)}</h4>')
        for source, counts in by_source.items():
            total = sum(counts.values())
            segs = "".join(
                f'<span class="seg" style="width:{100 * n / total:.1f}%;background:{ROLE_COLOURS.get(role, "#999")}" '
                f'title="{escape(role)}: {n} of {total}"></span>'
                for role, n in sorted(
                    counts.items(), key=lambda kv: (MAIN_ORDER.get(kv[0], 9), kv[0])
                )
            )
            href = "/articles?" + urlencode({"actor": actor, "source": source})
            out.append(
                f'<div class="role-row"><a class="role-source" href="{escape(href)}">{escape(source)}</a>'
                f'<span class="bar">{segs}</span><small>{total}</small></div>'
            )
        out.append("</div>")
    out.append("</div>")
    key = "".join(
        f'<li><span class="swatch" style="background:{c}"></span>{r}</li>'
        for r, c in ROLE_COLOURS.items()
    )
    return Markup("".join(out) + f'<ul class="legend">{key}</ul>')


MAIN_ORDER = {"Protagonist": 0, "Antagonist": 1, "Innocent": 2}


def _layout(
    nodes: list[str], cx: float, cy: float, radius: float
) -> dict[str, tuple[float, float]]:
    """The most connected actor in the centre, the others on a circle with the hubs spread apart.

    Nodes come sorted by degree; stepping round the circle by a stride coprime to its size puts
    consecutive (similarly connected) nodes far from each other, so edges between hubs do not
    all bunch up on one side.
    """
    if len(nodes) < 4:
        ring, pos = nodes, {}
    else:
        ring, pos = nodes[1:], {nodes[0]: (cx, cy)}
    m = len(ring)
    stride = next((k for k in range(max(1, m // 2 - 1), 0, -1) if math.gcd(k, m) == 1), 1)
    for i, n in enumerate(ring):
        angle = 2 * math.pi * ((i * stride) % m) / m - math.pi / 2
        pos[n] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    return pos


def _actor_name(actor: str) -> str:
    """A readable name for an actor id when the relations lexicon knows it."""
    try:
        from narrascope.graph.build import actor_label

        name, _kind = actor_label(actor)
    except Exception:  # the lexicon is optional here: fall back to the id
        return actor
    return f"{name} ({actor})" if name != actor else actor


def network(edges: list[dict[str, Any]], width: int = 720, height: int = 520) -> Markup:
    """Actors on a circle (most connected first), an arrow per relation type, thicker when frequent."""
    if not edges:
        return Markup('<p class="empty">No relations between actors in this selection.</p>')
    degree: dict[str, int] = {}
    for e in edges:
        degree[e["source"]] = degree.get(e["source"], 0) + e["articles"]
        degree[e["target"]] = degree.get(e["target"], 0) + e["articles"]
    nodes = sorted(degree, key=lambda n: (-degree[n], n))
    cx, cy, radius = width / 2, height / 2, min(width, height) / 2 - 50
    pos = _layout(nodes, cx, cy, radius)
    types = sorted({e["type"] for e in edges})
    type_colour = {t: colour(i) for i, t in enumerate(types)}
    # thickness: articles stating the relation as fact (asserted or reported), as `narrascope
    # graph` weighs edges; only a view without any such edge (e.g. hypothetical relations only)
    # is drawn by all its articles
    stated_view = any(e.get("factual_articles", e["articles"]) for e in edges)

    def strength(e: dict[str, Any]) -> int:
        return e.get("factual_articles", e["articles"]) if stated_view else e["articles"]

    peak = max(strength(e) for e in edges) or 1
    parts = [
        f'<svg class="chart network" viewBox="0 0 {width} {height}" role="img" aria-label="actor network"><defs>'
    ]
    for t in types:
        parts.append(
            f'<marker id="arrow-{types.index(t)}" viewBox="0 0 10 10" refX="10" refY="5" markerUnits="userSpaceOnUse" markerWidth="11" markerHeight="11" orient="auto">'
            f'<path d="M0,0 L10,5 L0,10 z" fill="{type_colour[t]}"/></marker>'
        )
    parts.append("</defs>")
    for e in edges:
        (x1, y1), (x2, y2) = pos[e["source"]], pos[e["target"]]
        if e["source"] == e["target"]:
            continue
        dx, dy = x2 - x1, y2 - y1
        dist = math.hypot(dx, dy) or 1
        # stop short of the node circle; bend a little so A->B and B->A do not overlap
        x2s, y2s = x2 - dx / dist * 14, y2 - dy / dist * 14
        mx, my = (x1 + x2) / 2 - dy * 0.12, (y1 + y2) / 2 + dx * 0.12
        w = 1 + 4 * strength(e) / peak
        stated = e.get("factual_articles", e["articles"])
        label = f"{e['source']} {e['type']} {e['target']}: {e['articles']} articles, {e['mentions']} mentions"
        if not stated:
            label += f" (not stated as fact: {e.get('modality', '')})"
        elif stated < e["articles"]:
            label += f"; stated as fact in {stated}"
        dash = "" if stated else ' stroke-dasharray="5,4"'

        parts.append(
            f'<path d="M{x1:.1f},{y1:.1f} Q{mx:.1f},{my:.1f} {x2s:.1f},{y2s:.1f}" fill="none" stroke="{type_colour[e["type"]]}" '
            f'stroke-width="{w:.1f}"{dash} stroke-opacity="0.75" marker-end="url(#arrow-{types.index(e["type"])})"><title>{escape(label)}</title></path>'
        )
    for n in nodes:
        x, y = pos[n]
        r = 6 + 8 * math.sqrt(degree[n] / max(degree.values()))
        anchor = "start" if x >= cx else "end"
        tx = x + (r + 4 if x >= cx else -r - 4)
        href = "/articles?" + urlencode({"actor": n})
        parts.append(
            f'<a href="{escape(href)}"><circle cx="{x:.1f}" cy="{y:.1f}" r="{r:.1f}" class="node"><title>{escape(_actor_name(n))}: '
            f"{degree[n]} article links; click for the articles</title></circle>"
            f'<text x="{tx:.1f}" y="{y + 4:.1f}" text-anchor="{anchor}" class="node-label">{escape(n)}</text></a>'
        )
    parts.append("</svg>")
    key = "".join(
        f'<li><span class="swatch" style="background:{type_colour[t]}"></span>{escape(t)}</li>'
        for t in types
    )
    return Markup("".join(parts) + f'<ul class="legend">{key}</ul>')


def _language_head(column: dict[str, Any]) -> str:
    """A language's column heading: how many of its articles were analysed, and why not the rest."""
    code, articles, analysed = column["language"], column["articles"], column["analysed"]
    reasons = "; ".join(f"{reason} ({n})" for reason, n in sorted(column["unavailable"].items()))
    if not column["comparable"]:
        note = f"not analysed: {reasons}" if reasons else "no articles"
        return (
            f'<th scope="col" class="na" data-language="{escape(code)}">{escape(code)}'
            f"<small>{escape(note)}</small></th>"
        )
    note = f"{analysed:,} articles" if analysed == articles else f"{analysed:,} of {articles:,}"
    title = f' title="not analysed: {escape(reasons)}"' if reasons else ""
    return (
        f'<th scope="col" data-language="{escape(code)}"{title}>{escape(code)}'
        f"<small>{escape(note)}{' *' if reasons else ''}</small></th>"
    )


def language_table(data: dict[str, Any], filter_name: str = "", row_title: str = "label") -> Markup:
    """Labels down, languages across: each cell the share and number of the language's analysed
    articles with the label, as a bar. A language the layer was not analysed for shows "n/a"
    (never 0%); with `filter_name`, cells link to those articles."""
    columns = data["languages"]
    if not columns:
        return Markup('<p class="empty">No articles in this selection.</p>')
    if not any(c["comparable"] for c in columns):
        return Markup(
            '<p class="empty">This layer was not analysed for any of these languages.</p>'
            f'<table class="langcmp"><thead><tr><th>{escape(row_title)}</th>'
            f"{''.join(_language_head(c) for c in columns)}</tr></thead></table>"
        )
    head = "".join(_language_head(c) for c in columns)
    rows = []
    for label in data["labels"]:
        cells = []
        for column, share, n in zip(columns, data["shares"][label], data["counts"][label]):
            code = column["language"]
            if share is None:
                cells.append(
                    f'<td class="na" title="{escape(code)}: not analysed for this layer">n/a</td>'
                )
                continue
            text = f"{_pct(share)} · {n:,}"
            if filter_name and n:
                href = "/articles?" + urlencode({"language": code, filter_name: label})
                text = f'<a href="{escape(href)}">{text}</a>'
            cells.append(
                f'<td title="{escape(label)} · {escape(code)}: {n:,} of {column["analysed"]:,} articles">'
                f'<span class="bar"><span class="seg" style="width:{100 * share:.1f}%"></span></span>'
                f"{text}</td>"
            )
        rows.append(f'<tr><th scope="row">{escape(label)}</th>{"".join(cells)}</tr>')
    if not rows:
        return Markup(
            '<p class="empty">No labels of this layer in the analysed articles.</p>'
            f'<table class="langcmp"><thead><tr><th>{escape(row_title)}</th>{head}</tr></thead></table>'
        )
    return Markup(
        f'<table class="langcmp"><thead><tr><th>{escape(row_title)}</th>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>"
    )
