"""How far the fast profile's spaCy-free actors agree with the accurate profile's.

    python benchmarks/fast_actors.py ../shared/data/semeval2025t10/EN/train_dec4/raw-documents

Runs `language` + `actors` (spaCy entities and parse, gazetteer) and `language` + `actor_names`
(the gazetteer and name lists on the raw text) over the same articles, and scores the second
against the first: precision, recall and F1 of the actor ids of each article (pooled over
articles, and averaged per article) and of the mentions (offsets and actor id).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from narrascope import Document, Pipeline
from narrascope.config import Config
from narrascope.ingest import IngestOptions, iter_documents


def prf(tp: int, predicted: int, gold: int) -> tuple[float, float, float]:
    p = tp / predicted if predicted else 1.0
    r = tp / gold if gold else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def actors_of(pipeline: Pipeline, texts: list[Document]) -> tuple[list[list], float]:
    docs = [Document(id=d.id, text=d.text, title=d.title) for d in texts]
    start = time.perf_counter()
    for doc in pipeline.run(docs):
        assert isinstance(doc, Document)
    seconds = time.perf_counter() - start
    return [[(a.start, a.end, a.actor) for a in doc.actors] for doc in docs], seconds


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--results", type=Path, default=None, help="write the rows as JSON here")
    args = parser.parse_args()
    texts = [
        d for d in iter_documents([str(args.corpus)], IngestOptions()) if isinstance(d, Document)
    ]
    accurate = Pipeline.from_config(Config.load(), only=["language", "actors"])
    fast = Pipeline.from_config(Config.load(profile="fast"), only=["language", "actor_names"])
    gold, gold_s = actors_of(accurate, texts)
    pred, pred_s = actors_of(fast, texts)

    ids_tp = ids_pred = ids_gold = 0
    mentions_tp = mentions_pred = mentions_gold = 0
    per_article = []
    for g, p in zip(gold, pred):
        g_ids, p_ids = {a for _, _, a in g}, {a for _, _, a in p}
        ids_tp, ids_pred, ids_gold = (
            ids_tp + len(g_ids & p_ids),
            ids_pred + len(p_ids),
            ids_gold + len(g_ids),
        )
        per_article.append(prf(len(g_ids & p_ids), len(p_ids), len(g_ids))[2])
        mentions_tp += len(set(g) & set(p))
        mentions_pred, mentions_gold = mentions_pred + len(p), mentions_gold + len(g)
    ids = prf(ids_tp, ids_pred, ids_gold)
    mentions = prf(mentions_tp, mentions_pred, mentions_gold)
    macro = sum(per_article) / len(per_article)
    print(f"articles          {len(texts)} ({args.corpus})")
    print(
        f"actor ids         P {ids[0]:.3f} R {ids[1]:.3f} F1 {ids[2]:.3f} pooled "
        f"({ids_gold} accurate, {ids_pred} fast); F1 per article {macro:.3f}"
    )
    print(
        f"actor mentions    P {mentions[0]:.3f} R {mentions[1]:.3f} F1 {mentions[2]:.3f} "
        f"({mentions_gold} accurate, {mentions_pred} fast)"
    )
    print(f"time              accurate {gold_s:.1f} s, fast {pred_s:.1f} s (wall, shared machine)")
    if args.results:
        note = f"fast profile (actor_names) against the accurate profile's actors on {len(texts)} articles"
        rows = [
            {"metric": f"actor ids {name}", "value": round(v, 4), "note": note}
            for name, v in zip(("precision", "recall", "F1"), ids)
        ] + [
            {"metric": "actor ids F1 per article", "value": round(macro, 4), "note": note},
            {"metric": "actor mentions F1", "value": round(mentions[2], 4), "note": note},
        ]
        args.results.write_text(json.dumps(rows, indent=1) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
