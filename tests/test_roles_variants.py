"""Decision variants of the role heads: the vectorised decision against the analyzer's, offsets
that match a prior, the score combination, and the nested CV on a small synthetic set."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narrascope.analyzers.role_decision import choose_roles
from narrascope.taxonomies import load_roles
from narrascope.training import roles as trainer
from narrascope.training import roles_variants as variants
from narrascope.training.features import RoleGold


def _scores(n: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    main = rng.dirichlet(np.ones(3), size=n)
    fine = rng.uniform(0.01, 0.99, size=(n, len(load_roles().fine_roles)))
    return main, fine


def test_decide_matches_the_analyzer_joint_decision() -> None:
    roles = load_roles()
    main, fine = _scores(200)
    keys = [str(i) for i in range(200)]
    chosen, best_fine = variants.decide(main, fine, keys)
    for i in range(200):
        expected, fines = choose_roles(
            main[i], fine[i], list(roles.main_roles), list(roles.fine_roles), 1.0, True
        )
        assert roles.main_roles[chosen[i]] == expected
        assert [roles.fine_roles[best_fine[i]]] == [f.label for f in fines]
        assert roles.main_of[roles.fine_roles[best_fine[i]]] == expected


def test_alpha_zero_is_the_main_head_and_keys_share_scores() -> None:
    main, fine = _scores(50, seed=1)
    chosen, _ = variants.decide(main, fine, [str(i) for i in range(50)], alpha=0.0)
    assert np.array_equal(chosen, main.argmax(axis=1))
    shared, _ = variants.decide(main, fine, ["one"] * 50, alpha=0.0)
    assert len(set(shared.tolist())) == 1 and shared[0] == main.mean(axis=0).argmax()


def test_prior_offsets_move_the_predicted_distribution_to_the_target(monkeypatch) -> None:
    monkeypatch.setattr(variants, "GRID", tuple(np.round(np.arange(-2, 2.01, 0.25), 2)))
    roles = load_roles()
    main, fine = _scores(300, seed=2)
    fine[:] = 0.5  # the decision then follows the main scores alone
    main[:, roles.main_roles.index("Antagonist")] += 1.0  # a head that over-predicts Antagonist
    main /= main.sum(axis=1, keepdims=True)
    keys = [str(i) for i in range(300)]
    target = np.array([0.3, 0.5, 0.2])
    before = np.bincount(variants.decide(main, fine, keys)[0], minlength=3) / 300
    bias = variants.prior_offsets(main, fine, keys, target)
    after = np.bincount(variants.decide(main, fine, keys, bias)[0], minlength=3) / 300
    assert bias[roles.main_roles.index("Antagonist")] == 0.0
    assert np.abs(after - target).sum() < 0.05 < np.abs(before - target).sum()


def test_tuned_offsets_do_not_lower_the_score_they_optimise(monkeypatch) -> None:
    monkeypatch.setattr(variants, "GRID", (-1.0, -0.5, 0.0, 0.5, 1.0))
    roles = load_roles()
    main, fine = _scores(120, seed=3)
    keys = [str(i) for i in range(120)]
    gold = [
        RoleGold("EN_1", 0, 1, "X", roles.main_of[f], [f])
        for f in np.random.default_rng(4).choice(roles.fine_roles, size=120)
    ]

    def total(bias: np.ndarray | None) -> float:
        s = variants.evaluate(*variants.decide(main, fine, keys, bias), gold)
        return s["main_accuracy"] + s["fine_exact_match"]

    assert total(variants.tuned_offsets(main, fine, keys, gold)) >= total(None)


def test_combine_interpolates_and_keeps_main_scores_normalised() -> None:
    a, b = _scores(10, seed=5), _scores(10, seed=6)
    assert variants.combine(a, b, 0.0) is a
    main, fine = variants.combine(a, b, 0.5)
    assert np.allclose(main.sum(axis=1), 1.0)
    assert np.allclose(fine, np.sqrt(a[1] * b[1]), rtol=1e-6)
    full, _ = variants.combine(a, b, 1.0)
    assert np.allclose(full, b[0], atol=1e-6)


@pytest.mark.slow
@pytest.mark.timeout(1800)
def test_shipped_variant_reproduces_the_trainer_cv(shared_data: Path) -> None:
    experiment = variants.Experiment(shared_data / "semeval2025t10", pooled=False)
    rows = {r["variant"]: r for r in variants.run(experiment)}
    expected = trainer.cross_validate(shared_data / "semeval2025t10", built=experiment.built)
    assert rows["shipped"]["main_accuracy"] == round(expected["main_accuracy"], 4)
    assert rows["shipped"]["fine_exact_match"] == round(expected["fine_exact_match"], 4)
    assert abs(sum(rows["match"]["predicted"].values()) - 1.0) < 0.01
