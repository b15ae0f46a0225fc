"""Where the learned relation extractor loses recall: a funnel over the gold triples.

Every unique gold triple (doc, source, type, target; negotiates and military_cooperation
without direction) of the training articles is followed through the stages the extractor needs,
each stage counting the triples that pass it and every stage before it:

- `mentions`: both actors (or the actor and the treaty, for `violates`) are found as mentions in
  one of the triple's evidence sentences;
- `candidate`: a candidate pair of the two was generated in an evidence sentence (either order);
- `type`: a relation of the right type between the two is predicted in an evidence sentence
  (out of fold: the model never saw the article), in either direction;
- `direction`: the same with the gold direction.

`found` counts the triples predicted anywhere in their article (the triple recall's numerator),
`reach` the triples with one actor in an evidence sentence and the other only in a neighbouring
sentence (what cross-sentence candidates could reach), and the `missing_*` counts say which side
the mention stage lost and whether that actor is named elsewhere in the article.

    python -m narrascope.training.relations_funnel --data ../shared/data [--out funnel.json]
"""

from __future__ import annotations

import argparse
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

STAGES = ("gold", "mentions", "candidate", "type", "direction")
SYMMETRIC = frozenset({"negotiates", "military_cooperation"})


def _ends(source: str, type_: str, target: str) -> tuple[str, str]:
    return tuple(sorted((source, target))) if type_ in SYMMETRIC else (source, target)  # type: ignore[return-value]


def _sentences(index: Any, start: int, end: int) -> set[int]:
    """Sentences overlapping an evidence span (annotated spans may cover two)."""
    out = {index.of(start)}
    for k, (lo, hi) in enumerate(index.bounds):
        if lo < end and hi > start:
            out.add(k)
    return out - {-1}


def _mentioned(article: Any) -> dict[int, set[str]]:
    """Sentence -> actors (places included) and instrument ids named in it."""
    index = article.builder.index
    named: dict[int, set[str]] = defaultdict(set)
    for m in article.builder.mentions.actors:
        named[index.of(m.start)].add(m.actor)
    for thing in article.builder.mentions.instruments:
        named[index.of(thing.start)].add(thing.key)
    return named


def article_funnel(article: Any, predicted: Iterable[Any]) -> list[dict[str, Any]]:
    """One row per unique gold triple of the article: the stages it passes."""
    index = article.builder.index
    named = _mentioned(article)
    everywhere = set().union(*named.values()) if named else set()
    candidates = {(p.sentence, frozenset((p.source, p.target))) for p in article.pairs}
    typed, directed, anywhere = set(), set(), set()
    for r in predicted:
        s = index.of(r.start)
        typed.add((s, r.type, frozenset((r.source, r.target))))
        directed.add((s, r.type, _ends(r.source, r.type, r.target)))
        anywhere.add((r.type, _ends(r.source, r.type, r.target)))
    evidence: dict[tuple[str, tuple[str, str]], set[int]] = defaultdict(set)
    notes: dict[tuple[str, tuple[str, str]], list[str]] = defaultdict(list)
    for g in article.gold:
        key = (g.type, _ends(g.source, g.type, g.target))
        evidence[key] |= _sentences(index, g.start, g.end)
        notes[key].append(g.note)
    rows = []
    for (type_, ends), sentences in sorted(evidence.items()):
        source, target = ends
        pair = frozenset(ends)
        both = [s for s in sentences if source in named[s] and target in named[s]]
        row = {
            "doc_id": article.doc_id,
            "type": type_,
            "source": source,
            "target": target,
            "implicit": any(n.startswith("implicit") for n in notes[(type_, ends)]),
            "mentions": bool(both),
            "candidate": any((s, pair) in candidates for s in both),
            "type_ok": any((s, type_, pair) in typed for s in sentences),
            "direction": any((s, type_, ends) in directed for s in sentences),
            "found": (type_, ends) in anywhere,
        }
        if not both:
            here = set().union(*(named[s] for s in sentences))
            near = set().union(*(named[s + d] for s in sentences for d in (-1, 1)))
            row["missing"] = [
                side
                for side, actor in (("source", source), ("target", target))
                if actor not in here
            ]
            row["missing_elsewhere"] = [a for a in (source, target) if a not in here] and all(
                a in everywhere for a in (source, target)
            )
            row["reach"] = any(a in here for a in ends) and all(a in here | near for a in ends)
        rows.append(row)
    return rows


def funnel(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """Cumulative stage counts, overall and per type, from `article_funnel` rows."""

    def count(subset: list[dict[str, Any]]) -> dict[str, int]:
        cell = {stage: 0 for stage in STAGES}
        cell["found"] = cell["reach"] = cell["implicit"] = 0
        cell["missing_source"] = cell["missing_target"] = cell["missing_elsewhere"] = 0
        for r in subset:
            cell["gold"] += 1
            cell["found"] += r["found"]
            cell["implicit"] += r["implicit"]
            if not r["mentions"]:
                cell["reach"] += r["reach"]
                cell["missing_source"] += "source" in r["missing"]
                cell["missing_target"] += "target" in r["missing"]
                cell["missing_elsewhere"] += bool(r["missing_elsewhere"])
                continue
            cell["mentions"] += 1
            if not r["candidate"]:
                continue
            cell["candidate"] += 1
            if not r["type_ok"]:
                continue
            cell["type"] += 1
            cell["direction"] += r["direction"]
        return cell

    by_type: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for r in rows:
        by_type[r["type"]].append(r)
    return {"all": count(rows), "by_type": {t: count(v) for t, v in sorted(by_type.items())}}


def measure(
    articles: list[Any], predicted: Mapping[str, Iterable[Any]]
) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The funnel of a set of parsed articles against their (out-of-fold) predictions."""
    rows = [row for a in articles for row in article_funnel(a, predicted.get(a.doc_id, []))]
    return funnel(rows), rows


def out_of_fold(articles: list[Any], folds: int = 5, seed: int = 0) -> tuple[dict, float, dict]:
    """The trainer's cross-validation: predictions at its chosen threshold, and their scores."""
    from narrascope.training.relations import choose_threshold, cross_validate, rule_types_of

    oof = cross_validate(articles, folds, seed, rule_types_of(articles))
    threshold, table = choose_threshold(articles, oof)
    return oof[threshold], threshold, table[threshold]


def table(result: dict[str, Any]) -> str:
    """The funnel as a Markdown table (one row per type, then all)."""
    head = "| type | gold | mentions | candidate | type | direction | found | reach |"
    lines = [head, "|" + "---|" * 8]
    rows = [*result["by_type"].items(), ("all", result["all"])]
    for name, c in rows:
        cells = [c[k] for k in (*STAGES, "found", "reach")]
        lines.append(f"| {name} | " + " | ".join(str(v) for v in cells) + " |")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> None:
    from narrascope.training.relations import parse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--out", type=Path, help="write the funnel and cross-validated scores")
    args = parser.parse_args(argv)
    articles = parse(args.data, "train")
    predicted, threshold, scores = out_of_fold(articles, args.folds, args.seed)
    result, _ = measure(articles, predicted)
    result["threshold"] = threshold
    result["cross_validation"] = scores["triples"]
    print(table(result))
    t = scores["triples"]
    print(f"threshold {threshold}: P {t['precision']} R {t['recall']} F1 {t['f1']}")
    if args.out:
        args.out.write_text(json.dumps(result, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
