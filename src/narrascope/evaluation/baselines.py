"""Reference baselines, scored through the same folds and scorer as narrascope.

- `all_other`: every document gets `Other` (SemEval-2025 subtask 2).
- `majority_roles`: every mention gets the most frequent main role and fine role of the
  training mentions (subtask 1).
- `tfidf_logreg`: TF-IDF word n-grams + one-vs-rest logistic regression, one model for
  narratives and one for subnarratives (subtask 2).
- `majority_technique`: every PTC span gets the most frequent training technique (tc only).
"""

from __future__ import annotations

from collections import Counter

import numpy as np

from narrascope.datasets import ptc, semeval2025
from narrascope.evaluation.folds import Fold
from narrascope.evaluation.predict import PredictionRun

OTHER = semeval2025.OTHER


def _held(doc_id: str, fold: Fold) -> bool:
    return fold.held_ids is None or doc_id in fold.held_ids


def _trained_on(doc_id: str, fold: Fold) -> bool:
    return fold.train_ids is None or doc_id in fold.train_ids


def all_other(fold: Fold) -> PredictionRun:
    split = fold.releases.get(2, fold.split)
    rows = [
        semeval2025.NarrativeAnnotation(d, (OTHER,), (OTHER,))
        for d in split.documents(2)
        if _held(d, fold)
    ]
    run = PredictionRun(fold.out, documents=len(rows))
    run.written["subtask-2"] = semeval2025.write_subtask2(fold.out / "subtask-2.txt", rows)
    return run


def majority_roles(fold: Fold) -> PredictionRun:
    split = fold.releases.get(1, fold.split)
    train = [a for a in split.gold_subtask1() if _trained_on(a.doc_id, fold)]
    run = PredictionRun(fold.out)
    if not train:
        run.messages.append("majority: no training mentions")
        return run
    main = Counter(a.main_role for a in train).most_common(1)[0][0]
    fine = Counter(r for a in train for r in a.fine_roles).most_common(1)[0][0]
    rows = [
        semeval2025.EntityAnnotation(m.doc_id, m.mention, m.start, m.end, main, (fine,))
        for m in split.subtask1_inputs()
        if _held(m.doc_id, fold)
    ]
    run.documents = len({r.doc_id for r in rows})
    run.written["subtask-1"] = semeval2025.write_subtask1(fold.out / "subtask-1.txt", rows)
    return run


def tfidf_logreg(fold: Fold) -> PredictionRun:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import MultiLabelBinarizer

    from narrascope.text.tokens import token_pattern

    split = fold.releases.get(2, fold.split)
    texts = split.documents(2)
    gold = split.gold_subtask2()
    train_ids = [d for d in sorted(gold) if d in texts and _trained_on(d, fold)]
    test_ids = [d for d in sorted(texts) if _held(d, fold)]
    min_df = 2 if len(train_ids) >= 20 else 1  # tiny folders (tests) keep every term
    vectorizer = TfidfVectorizer(  # word tokens keep combining marks (whole Hindi words)
        sublinear_tf=True,
        min_df=min_df,
        ngram_range=(1, 2),
        max_features=50_000,
        token_pattern=token_pattern("marks"),
    )
    x_train = vectorizer.fit_transform([texts[d] for d in train_ids])
    x_test = vectorizer.transform([texts[d] for d in test_ids])

    def fit_predict(targets: list[tuple[str, ...]]) -> list[list[str]]:
        binarizer = MultiLabelBinarizer()
        y = binarizer.fit_transform([[t for t in labels if t != OTHER] for labels in targets])
        probs = np.zeros((x_test.shape[0], y.shape[1]))
        for j in range(y.shape[1]):  # one binary model per label (one-vs-rest)
            positives = int(y[:, j].sum())
            if positives == len(y):
                probs[:, j] = 1.0
            elif positives > 0:
                model = LogisticRegression(
                    solver="liblinear", class_weight="balanced", random_state=fold.seed
                )
                model.fit(x_train, y[:, j])
                probs[:, j] = model.predict_proba(x_test)[:, 1]
        classes = binarizer.classes_
        return [[c for c, p in zip(classes, row) if p >= 0.5] or [OTHER] for row in probs]

    coarse = fit_predict([gold[d].narratives for d in train_ids])
    fine = fit_predict([gold[d].subnarratives for d in train_ids])
    rows = [
        semeval2025.NarrativeAnnotation(d, tuple(c), tuple(f))
        for d, c, f in zip(test_ids, coarse, fine)
    ]
    run = PredictionRun(fold.out, documents=len(rows))
    run.written["subtask-2"] = semeval2025.write_subtask2(fold.out / "subtask-2.txt", rows)
    return run


def majority_technique(fold: Fold) -> PredictionRun:
    split: ptc.PtcSplit = fold.split
    train = [s.technique for s in split.gold_techniques() if _trained_on(s.article_id, fold)]
    run = PredictionRun(fold.out)
    if not train:
        run.messages.append("majority: no training spans")
        return run
    label = Counter(train).most_common(1)[0][0]
    rows = [
        ptc.TechniqueSpan(s.article_id, label, s.start, s.end)
        for s in split.tc_inputs()
        if _held(s.article_id, fold)
    ]
    run.documents = len({r.article_id for r in rows})
    run.written["tc"] = ptc.write_technique_spans(fold.out / "tc.txt", rows)
    return run
