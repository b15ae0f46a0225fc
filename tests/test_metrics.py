"""Metrics on small cases computed by hand."""

from __future__ import annotations

import pytest

from narrascope.evaluation import metrics as m


def test_f1_samples_hand_computed() -> None:
    gold = {"a": {"X", "Y"}, "b": {"Other"}, "c": set(), "d": {"Z"}}
    pred = {"a": {"X"}, "b": {"Other"}, "c": set(), "e": {"X"}}  # d missing, e not in gold
    # a: 2*1/(2+1) = 2/3; b: 1; c: both empty -> 0; d: 0
    mean, std = m.f1_samples(gold, pred)
    values = [2 / 3, 1.0, 0.0, 0.0]
    assert mean == pytest.approx(sum(values) / 4)
    mu = sum(values) / 4
    assert std == pytest.approx((sum((v - mu) ** 2 for v in values) / 4) ** 0.5)


def test_f1_samples_drops_labels_outside_classes() -> None:
    gold = {"a": {"X", "unknown"}}
    pred = {"a": {"X", "invented"}}
    assert m.f1_samples(gold, pred, classes={"X", "Y"}) == (1.0, 0.0)
    assert m.f1_samples(gold, pred)[0] == pytest.approx(0.5)


def test_micro_and_macro_multilabel() -> None:
    gold = {"1": {"A", "B"}, "2": {"A"}, "3": set()}
    pred = {"1": {"A"}, "2": {"A", "C"}, "3": {"C"}}
    # tp = 2 (A,A); predicted = 4; gold = 3 -> P = .5, R = 2/3, F1 = 4/7
    prf = m.micro_prf(gold, pred)
    assert (prf.precision, prf.recall) == (pytest.approx(0.5), pytest.approx(2 / 3))
    assert prf.f1 == pytest.approx(4 / 7)
    # per class: A: tp2 -> 1.0; B: fn1 -> 0; C: fp2 -> 0; D: absent everywhere -> 1.0
    assert m.macro_f1_multilabel(gold, pred, ["A", "B", "C", "D"]) == pytest.approx(0.5)


def test_single_label_accuracy_and_macro() -> None:
    gold = {"1": "opinion", "2": "opinion", "3": "reporting", "4": "satire"}
    pred = {"1": "opinion", "2": "reporting", "3": "reporting"}  # 4 missing
    assert m.accuracy(gold, pred) == pytest.approx(0.5)
    # opinion: tp1 fn1 -> 2/3; reporting: tp1 fp1 -> 2/3; satire: fn1 -> 0
    assert m.macro_f1_single(gold, pred) == pytest.approx((2 / 3 + 2 / 3 + 0) / 3)


def test_role_scores_pair_by_key() -> None:
    gold = {
        ("d", 0, 4): ("Antagonist", ("Instigator",)),
        ("d", 10, 14): ("Innocent", ("Victim",)),
        ("d", 20, 24): ("Protagonist", ("Guardian", "Peacemaker")),
    }
    pred = {
        ("d", 20, 24): ("Protagonist", ("Peacemaker", "Guardian")),  # out of order on purpose
        ("d", 0, 4): ("Antagonist", ("Instigator", "Saboteur")),
    }  # second mention missing
    s = m.role_scores(gold, pred)
    assert s.exact_match_ratio == pytest.approx(1 / 3)
    assert s.main_accuracy == pytest.approx(2 / 3)
    # tp = 3, predicted 4, gold 4
    assert (s.fine.precision, s.fine.recall) == (pytest.approx(0.75), pytest.approx(0.75))


def test_merge_spans() -> None:
    assert m.merge_spans([(5, 10), (0, 3), (8, 12), (12, 15)]) == [(0, 3), (5, 12), (12, 15)]


def test_span_prf_partial_overlap() -> None:
    gold = {"1": [(0, 10), (20, 30)], "2": [(0, 4)]}
    pred = {"1": [(5, 15), (8, 12)], "3": [(0, 2)]}
    # article 1 prediction merges to (5, 15): overlap with (0,10) = 5 -> precision credit 5/10
    # article 3: one span with no gold -> 0. P = 0.5 / 2 = 0.25
    # recall: (0,10) gets 5/10, (20,30) 0, article 2 (0,4) 0 -> R = 0.5 / 3
    prf = m.span_prf(gold, pred)
    assert prf.precision == pytest.approx(0.25)
    assert prf.recall == pytest.approx(0.5 / 3)
    assert prf.f1 == pytest.approx(2 * 0.25 * (1 / 6) / (0.25 + 1 / 6))


def test_span_prf_perfect_and_empty() -> None:
    gold = {"1": [(0, 10)]}
    assert m.span_prf(gold, gold).f1 == 1.0
    assert m.span_prf(gold, {}).f1 == 0.0


def test_technique_classification_multiset_per_span() -> None:
    k1, k2, k3 = ("1", 0, 5), ("1", 10, 20), ("2", 0, 3)
    gold = [(k1, "Doubt"), (k1, "Loaded_Language"), (k2, "Slogans"), (k3, "Doubt")]
    pred = [(k1, "Doubt"), (k1, "Doubt"), (k2, "Slogans"), (k3, "Repetition")]
    micro, per_class = m.technique_classification(gold, pred)
    assert micro.f1 == pytest.approx(0.5)  # 2 of 4
    assert per_class["Slogans"] == 1.0
    # Doubt: tp 1, predicted 2, gold 2 -> 0.5
    assert per_class["Doubt"] == pytest.approx(0.5)
    assert per_class["Repetition"] == 0.0
