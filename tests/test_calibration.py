"""Paragraph-threshold calibration of the technique and frame heads."""

from __future__ import annotations

import numpy as np

from narrascope.training.calibration import calibrate, calibrate_prevalence, micro_f1


def _scores() -> tuple[np.ndarray, np.ndarray]:
    # one label, 10 items, 2 gold positives; the scores separate them poorly (float32, like
    # the heads' out-of-fold scores)
    scores = np.array(
        [[0.9], [0.8], [0.7], [0.6], [0.5], [0.4], [0.3], [0.2], [0.1], [0.05]], np.float32
    )
    gold = np.array([[1], [0], [1], [0], [0], [0], [0], [0], [0], [0]])
    return scores, gold


def test_prevalence_threshold_predicts_the_label_as_often_as_gold():
    scores, gold = _scores()
    (t,) = calibrate_prevalence(scores, gold)
    assert t == np.float32(0.8)
    assert int((scores[:, 0] >= t).sum()) == int(gold.sum())


def test_f1_threshold_may_predict_more_often_than_gold():
    scores, gold = _scores()
    (t,) = calibrate(scores, gold)
    assert int((scores[:, 0] >= t).sum()) > int(gold.sum())


def test_label_without_positives_is_never_predicted():
    scores = np.array([[0.99, 0.2], [0.98, 0.9]])
    gold = np.array([[0, 0], [0, 1]])
    assert calibrate_prevalence(scores, gold)[0] == 1.0
    assert calibrate(scores, gold)[0] == 1.0


def test_prevalence_threshold_stays_in_range():
    scores = np.array([[0.001], [0.002]])
    gold = np.array([[1], [1]])
    assert calibrate_prevalence(scores, gold)[0] == np.float32(0.05)


def test_micro_f1_counts_item_label_pairs():
    p, r, f = micro_f1([{"a", "b"}, set()], [{"a"}, {"c"}])
    assert (p, r) == (0.5, 0.5) and f == 0.5
