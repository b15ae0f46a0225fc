"""The modality head alone, out of fold, on every gold record the candidates reach.

    python -m narrascope.training.relations_modality --data ../shared/data [--features pair] [--c 0.5]

The trainer's cross-validation reports modality accuracy on the records that the type heads
also find, so it moves with the type heads and counts a few hundred records. This measures
the modality head by itself: for each of the trainer's five folds over the `train` articles
(grouped by article) it fits the head on the other folds' gold records and predicts the
modality of the held-out gold records that have a candidate pair; a prediction is right when it
is one of the gold modalities of that record. `--features pair` gives the head every pair
feature, the type and the rules' reading (the earlier design); `modality` (the shipped one) the
type, the rules' reading, the cue words and only the pair features that bear on modality.
"""

from __future__ import annotations

import argparse
import json
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

from sklearn.linear_model import LogisticRegression

from narrascope.document import MODALITIES
from narrascope.relations.learned import TYPES, modality_features, rule_reading
from narrascope.relations.pairs import Pair, PairBuilder

Features = Callable[[Pair, PairBuilder, str], dict[str, float]]


def pair_features(pair: Pair, builder: PairBuilder, type_: str) -> dict[str, float]:
    """The earlier head's input: every pair feature, the type and the rules' reading."""
    return dict(pair.features) | rule_reading(pair, builder, type_)


def records(article: Any, features: Features) -> list[tuple[dict[str, float], set[str]]]:
    """(features, gold modalities) of every gold record that one of the article's pairs reaches."""
    gold: dict[tuple[int, str, str, str], set[str]] = {}
    for g in article.gold:
        key = (article.builder.index.of(g.start), g.source, g.type, g.target)
        gold.setdefault(key, set()).add(g.modality)
    y = article.labels()
    out = []
    for k, pair in enumerate(article.pairs):
        for t, type_ in enumerate(TYPES):
            modalities = gold.get((pair.sentence, pair.source, type_, pair.target))
            if y[k, t] and modalities:
                out.append((features(pair, article.builder, type_), modalities))
    return out


def out_of_fold(
    articles: list[Any], features: Features, c: float, folds: int = 5, seed: int = 0
) -> dict[str, Any]:
    """Accuracy and the confusion (gold, predicted) of the head over held-out folds."""
    from narrascope.training.relations import _matrix, folds_of

    rows = {a.doc_id: records(a, features) for a in articles}
    right = total = 0
    confusion: Counter[tuple[str, str]] = Counter()
    for fold in folds_of(articles, folds, seed):
        held = set(fold)
        train = [r for doc, rs in rows.items() if doc not in held for r in rs]
        test = [r for doc, rs in rows.items() if doc in held for r in rs]
        counts = Counter(name for f, _ in train for name in f)
        vocab = {n: i for i, n in enumerate(sorted(n for n, k in counts.items() if k >= 2))}
        labels = [MODALITIES.index(min(m)) for _, m in train]
        head = LogisticRegression(C=c, max_iter=3000, random_state=seed)
        head.fit(_matrix([f for f, _ in train], vocab), labels)
        predicted = head.predict(_matrix([f for f, _ in test], vocab)) if test else []
        for (_, gold), p in zip(test, predicted):
            name = MODALITIES[int(p)]
            right += name in gold
            total += 1
            confusion[(min(gold), name if name not in gold else min(gold))] += 1
    return {
        "accuracy": round(right / total, 3) if total else 0.0,
        "records": total,
        "confusion": {f"{g} -> {p}": n for (g, p), n in confusion.most_common()},
    }


def main(argv: list[str] | None = None) -> None:
    from narrascope.training import relations as trainer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--features", choices=("modality", "pair"), default="modality")
    parser.add_argument("--c", type=float, default=trainer.C_MODALITY)
    args = parser.parse_args(argv)
    features = modality_features if args.features == "modality" else pair_features
    result = out_of_fold(trainer.parse(args.data, "train"), features, args.c)
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
