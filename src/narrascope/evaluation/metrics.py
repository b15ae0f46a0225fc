"""Metrics of the shared tasks, with the organisers' semantics (definitions in docs/evaluation.md).

Predictions are always paired with gold by id or key, never by position. A gold item without a
prediction counts as an empty (wrong) prediction; predictions for ids absent from the gold are
ignored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np

Labels = Collection[str]


@dataclass(frozen=True)
class PRF:
    precision: float
    recall: float
    f1: float


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r > 0 else 0.0


def _prf(tp: float, n_pred: float, n_gold: float) -> PRF:
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return PRF(p, r, _f1(p, r))


def _restrict(labels: Iterable[str], classes: Collection[str] | None) -> set[str]:
    return {x for x in labels if classes is None or x in classes}


# --- multi-label, per document ------------------------------------------------------------------


def f1_samples(
    gold: Mapping[str, Labels], pred: Mapping[str, Labels], classes: Collection[str] | None = None
) -> tuple[float, float]:
    """Mean and population std over gold documents of 2|G∩P| / (|G|+|P|) (0 when both are empty).

    Labels outside `classes` are dropped from both sides first (SemEval-2025 subtask 2).
    """
    scores = []
    for doc_id, gold_labels in gold.items():
        g = _restrict(gold_labels, classes)
        p = _restrict(pred.get(doc_id, ()), classes)
        scores.append(2 * len(g & p) / (len(g) + len(p)) if g or p else 0.0)
    if not scores:
        return 0.0, 0.0
    return float(np.mean(scores)), float(np.std(scores))


def micro_prf(
    gold: Mapping[Any, Labels],
    pred: Mapping[Any, Labels],
    classes: Collection[str] | None = None,
) -> PRF:
    """Micro-averaged precision/recall/F1 over (item, label) pairs (SemEval-2023 subtasks 2 and 3)."""
    tp = n_pred = n_gold = 0
    for key, gold_labels in gold.items():
        g = _restrict(gold_labels, classes)
        p = _restrict(pred.get(key, ()), classes)
        tp += len(g & p)
        n_pred += len(p)
        n_gold += len(g)
    return _prf(tp, n_pred, n_gold)


def macro_f1_multilabel(
    gold: Mapping[Any, Labels], pred: Mapping[Any, Labels], classes: Collection[str]
) -> float:
    """Mean per-class F1 over `classes`; a class absent from both gold and predictions scores 1.0."""
    per_class = []
    for label in classes:
        tp = fp = fn = 0
        for key, gold_labels in gold.items():
            in_gold = label in gold_labels
            in_pred = label in pred.get(key, ())
            tp += in_gold and in_pred
            fp += in_pred and not in_gold
            fn += in_gold and not in_pred
        per_class.append(1.0 if tp + fp + fn == 0 else 2 * tp / (2 * tp + fp + fn))
    return float(np.mean(per_class)) if per_class else 0.0


# --- single label -------------------------------------------------------------------------------


def accuracy(gold: Mapping[str, str], pred: Mapping[str, str]) -> float:
    if not gold:
        return 0.0
    return sum(pred.get(k) == v for k, v in gold.items()) / len(gold)


def macro_f1_single(
    gold: Mapping[str, str], pred: Mapping[str, str], classes: Collection[str] | None = None
) -> float:
    """Mean per-class F1 over `classes` (default: the labels seen in gold or predictions), as
    scikit-learn's `f1_score(average="macro")` (a class with no gold and no correct prediction scores 0)."""
    labels = (
        list(classes)
        if classes is not None
        else sorted(set(gold.values()) | {pred[k] for k in gold if k in pred})
    )
    scores = []
    for label in labels:
        tp = sum(v == label and pred.get(k) == label for k, v in gold.items())
        fp = sum(v != label and pred.get(k) == label for k, v in gold.items())
        fn = sum(v == label and pred.get(k) != label for k, v in gold.items())
        scores.append(2 * tp / (2 * tp + fp + fn) if tp + fp + fn else 0.0)
    return float(np.mean(scores)) if scores else 0.0


# --- entity roles (SemEval-2025 subtask 1) ------------------------------------------------------


@dataclass(frozen=True)
class RoleScores:
    exact_match_ratio: float
    fine: PRF
    main_accuracy: float
    mentions: int


def role_scores(
    gold: Mapping[tuple, tuple[str | None, Labels]],
    pred: Mapping[tuple, tuple[str | None, Labels]],
) -> RoleScores:
    """Scores over gold mentions keyed by (doc, start, end): values are (main role, fine roles).

    Exact match ratio: share of mentions whose predicted set of fine roles equals the gold set.
    """
    if not gold:
        return RoleScores(0.0, PRF(0.0, 0.0, 0.0), 0.0, 0)
    exact = main_ok = tp = n_pred = n_gold = 0
    for key, (g_main, g_fine) in gold.items():
        p_main, p_fine = pred.get(key, (None, ()))
        g, p = set(g_fine), set(p_fine)
        exact += g == p
        main_ok += p_main == g_main
        tp += len(g & p)
        n_pred += len(p)
        n_gold += len(g)
    n = len(gold)
    return RoleScores(exact / n, _prf(tp, n_pred, n_gold), main_ok / n, n)


# --- propaganda spans (SemEval-2020 Task 11) ----------------------------------------------------


def merge_spans(spans: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Union of overlapping `[start, end)` intervals, sorted (touching intervals stay apart)."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if end <= start:
            continue
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def span_prf(
    gold: Mapping[str, Iterable[tuple[int, int]]], pred: Mapping[str, Iterable[tuple[int, int]]]
) -> PRF:
    """Span identification with partial-overlap credit.

    Spans are merged per article on each side. Precision = (1/|S|) Σ_s Σ_g |s∩g|/|s| over
    submitted spans s; recall = (1/|G|) Σ_g Σ_s |s∩g|/|g| over gold spans g.
    """
    precision_sum = recall_sum = 0.0
    n_pred = n_gold = 0
    for article in set(gold) | set(pred):
        g_spans = merge_spans(gold.get(article, ()))
        p_spans = merge_spans(pred.get(article, ()))
        n_gold += len(g_spans)
        n_pred += len(p_spans)
        for s in p_spans:
            precision_sum += sum(_overlap(s, g) for g in g_spans) / (s[1] - s[0])
        for g in g_spans:
            recall_sum += sum(_overlap(s, g) for s in p_spans) / (g[1] - g[0])
    p = precision_sum / n_pred if n_pred else 0.0
    r = recall_sum / n_gold if n_gold else 0.0
    return PRF(p, r, _f1(p, r))


def technique_classification(
    gold: Iterable[tuple[tuple, str]], pred: Iterable[tuple[tuple, str]]
) -> tuple[PRF, dict[str, float]]:
    """Micro P/R/F1 of (span key, technique) pairs, and per-technique F1.

    Pairs are matched per span key as multisets, so a span with two gold techniques needs both.
    With one prediction per gold span, micro-F1 equals accuracy.
    """
    gold_by_key: dict[tuple, Counter] = {}
    pred_by_key: dict[tuple, Counter] = {}
    for key, label in gold:
        gold_by_key.setdefault(key, Counter())[label] += 1
    for key, label in pred:
        pred_by_key.setdefault(key, Counter())[label] += 1
    tp: Counter = Counter()
    n_gold: Counter = Counter()
    n_pred: Counter = Counter()
    for key, labels in gold_by_key.items():
        n_gold.update(labels)
        tp.update(labels & pred_by_key.get(key, Counter()))
    for labels in pred_by_key.values():
        n_pred.update(labels)
    micro = _prf(sum(tp.values()), sum(n_pred.values()), sum(n_gold.values()))
    per_class = {
        label: _prf(tp[label], n_pred[label], n_gold[label]).f1
        for label in sorted(set(n_gold) | set(n_pred))
    }
    return micro, per_class
