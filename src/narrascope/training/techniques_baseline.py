"""A TF-IDF baseline for paragraph techniques on PTC, on the technique trainer's own folds.

The technique model's paragraph labels (the 23 SemEval-2023 names) are scored by
`training.techniques` on held-out PTC articles; a number like that means little without a simple
model measured the same way. This one reads nothing but the paragraph's words: TF-IDF word 1-2
grams and one logistic regression per technique, trained on the training folds' paragraphs,
each technique predicted at 0.5, at most three per paragraph (the model's own cap). The folds,
paragraphs and gold labels are exactly the trainer's: articles sorted by id, `GroupKFold(5)`,
paragraphs from the project's segmenter, gold = the mapped names of the spans overlapping the
paragraph.

`python -m narrascope.training.techniques_baseline --data ../shared/data`
"""

from __future__ import annotations

import argparse
import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from narrascope.analyzers import techniques as tech
from narrascope.datasets import ptc
from narrascope.text.segment import segment
from narrascope.training.calibration import micro_f1
from narrascope.training.techniques import ptc_folder

MAX_LABELS = 3


@dataclass(frozen=True)
class Paragraph:
    article: str
    text: str
    labels: frozenset[str]


def ptc_paragraphs(data: Path) -> list[Paragraph]:
    """Every paragraph of PTC train with the mapped names of the spans that overlap it."""
    split = ptc.find_split(ptc_folder(data), "train")
    spans: dict[str, list[tuple[int, int, str]]] = {}
    for s in split.gold_techniques():
        spans.setdefault(s.article_id, []).append((s.start, s.end, s.technique))
    out = []
    for aid, text in sorted(split.articles().items()):
        paragraphs, _ = segment(text)
        for p in paragraphs:
            labels = {
                tech.ptc_to_2023(label, text[s:e])
                for s, e, label in spans.get(aid, [])
                if s < p.end and e > p.start
            }
            out.append(Paragraph(aid, text[p.start : p.end], frozenset(labels)))
    return out


def fit_predict(
    train: list[Paragraph], test: list[Paragraph], balanced: bool, c: float = 1.0
) -> list[set[str]]:
    """One logistic regression per technique seen in `train`; labels at 0.5, top three."""
    vectorizer = TfidfVectorizer(
        ngram_range=(1, 2), sublinear_tf=True, min_df=2, max_features=20000
    )
    x_train = vectorizer.fit_transform([p.text for p in train])
    x_test = vectorizer.transform([p.text for p in test])
    names = sorted({n for p in train for n in p.labels})
    scores = np.zeros((len(test), len(names)))
    for k, name in enumerate(names):
        y = np.asarray([name in p.labels for p in train], int)
        if y.min() == y.max():
            continue
        head = LogisticRegression(
            C=c, class_weight="balanced" if balanced else None, max_iter=2000
        ).fit(x_train, y)
        scores[:, k] = head.predict_proba(x_test)[:, 1]
    predicted = []
    for row in scores:
        order = [k for k in np.argsort(-row, kind="stable") if row[k] >= 0.5][:MAX_LABELS]
        predicted.append({names[k] for k in order})
    return predicted


def cross_validate(data: Path, folds: int = 5, balanced: bool = False) -> dict[str, float]:
    """Mean over the trainer's article folds of paragraph micro P / R / F1."""
    paragraphs = ptc_paragraphs(data)
    ids = np.asarray(sorted({p.article for p in paragraphs}))
    results = []
    for _, te in GroupKFold(n_splits=folds).split(ids, groups=ids):
        held_out = set(ids[te])
        train = [p for p in paragraphs if p.article not in held_out]
        test = [p for p in paragraphs if p.article in held_out]
        predicted = fit_predict(train, test, balanced)
        results.append(micro_f1(predicted, [set(p.labels) for p in test]))
    p, r, f = (float(np.mean([x[i] for x in results])) for i in range(3))
    return {
        "paragraph_precision": p,
        "paragraph_recall": r,
        "paragraph_micro_f1": f,
        "fold_std": float(np.std([x[2] for x in results])),
        "paragraphs": len(paragraphs),
        "articles": len(ids),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()
    for balanced in (False, True):
        scores = cross_validate(args.data, args.folds, balanced)
        print(json.dumps({"class_weight": "balanced" if balanced else "none"} | scores))


if __name__ == "__main__":
    main()
