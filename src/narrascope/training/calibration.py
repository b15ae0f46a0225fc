"""Per-label thresholds and multi-label micro-F1, shared by the technique and frame trainers."""

from __future__ import annotations

import numpy as np


def calibrate(scores: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """Per-label threshold maximising that label's F1 on cross-validated scores (1.0 if no positives)."""
    grid = np.linspace(0.05, 0.99, 95)
    out = np.ones(scores.shape[1], np.float32)
    for k in range(scores.shape[1]):
        pos = gold[:, k].sum()
        if pos == 0:
            continue
        f1 = [
            2
            * ((scores[:, k] >= t) & (gold[:, k] == 1)).sum()
            / max((scores[:, k] >= t).sum() + pos, 1)
            for t in grid
        ]
        out[k] = grid[int(np.argmax(f1))]
    return out


def calibrate_prevalence(scores: np.ndarray, gold: np.ndarray) -> np.ndarray:
    """Per-label threshold at which the label is predicted as often as it is gold on
    cross-validated scores (1.0 if no positives): F1-optimal thresholds over-predict rare
    labels when scores are poorly separated, so that a technique seems to be everywhere."""
    out = np.ones(scores.shape[1], np.float32)
    for k in range(scores.shape[1]):
        pos = int(gold[:, k].sum())
        if pos == 0:
            continue
        ranked = np.sort(scores[:, k])[::-1]
        out[k] = float(np.clip(ranked[min(pos, len(ranked)) - 1], 0.05, 0.99))
    return out


def micro_f1(pred: list[set[str]], gold: list[set[str]]) -> tuple[float, float, float]:
    """Micro precision, recall and F1 over (item, label) pairs."""
    tp = sum(len(p & g) for p, g in zip(pred, gold))
    n_pred, n_gold = sum(len(p) for p in pred), sum(len(g) for g in gold)
    p = tp / n_pred if n_pred else 0.0
    r = tp / n_gold if n_gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)
