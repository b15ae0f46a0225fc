"""Role-head training: scaling of hashed cues, head layout, determinism, the CV entry point."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from narrascope.analyzers.roles import HASH_DIM, head_probabilities
from narrascope.taxonomies import load_roles
from narrascope.training import roles as trainer
from narrascope.training.features import RoleGold

FINES = ["Instigator", "Guardian", "Victim", "Tyrant"]


def _synthetic(n: int = 60) -> tuple[np.ndarray, list[RoleGold]]:
    """Dense noise plus one hashed cue column that tells the fine role."""
    rng = np.random.default_rng(0)
    roles = load_roles()
    x = np.zeros((n, 8 + HASH_DIM), np.float32)
    x[:, :8] = rng.normal(size=(n, 8))
    mentions = []
    for i in range(n):
        fine = FINES[i % len(FINES)]
        x[i, 8 + i % len(FINES)] = 1.0
        mentions.append(RoleGold(f"EN_{i // 3}", 0, 1, "X", roles.main_of[fine], [fine]))
    return x, mentions


def test_fit_keeps_hashed_cues_unscaled_and_learns_them() -> None:
    x, mentions = _synthetic()
    options = {**trainer.DEFAULTS, "C": 1.0}
    model = trainer.fit(x, mentions, options, seed=0)
    assert np.all(model["mean"][-HASH_DIM:] == 0) and np.all(model["scale"][-HASH_DIM:] == 1)
    assert np.allclose(
        model["scale"][:8], np.maximum(x[:, :8].std(axis=0), 1e-3) / options["dense_weight"]
    )
    predicted = trainer.predict(model, x, mentions, {**options, "share_main": False})
    assert trainer.scores(mentions, predicted)["fine_exact_match"] == 1.0


def test_fit_is_deterministic_and_heads_cover_the_taxonomy() -> None:
    x, mentions = _synthetic()
    a = trainer.fit(x, mentions, trainer.DEFAULTS, seed=0)
    b = trainer.fit(x, mentions, trainer.DEFAULTS, seed=0)
    assert all(np.array_equal(a[k], b[k]) for k in a)
    roles = load_roles()
    assert a["main_coef"].shape == (len(roles.main_roles), x.shape[1]) and a["fine_coef"].shape == (
        len(roles.fine_roles),
        x.shape[1],
    )
    membership = trainer._membership()
    main, fine = head_probabilities(a, x[:3], "ovr", membership)
    assert np.allclose(main.sum(axis=1), 1.0) and fine.shape == (3, len(roles.fine_roles))


def test_softmax_head_main_scores_sum_its_fine_roles() -> None:
    x, mentions = _synthetic()
    model = trainer.fit(x, mentions, {**trainer.DEFAULTS, "fine_head": "softmax"}, seed=0)
    main, fine = head_probabilities(model, x[:4], "softmax", trainer._membership())
    assert np.allclose(main, fine @ trainer._membership()) and np.allclose(main.sum(axis=1), 1.0)


@pytest.mark.slow
def test_cross_validation_beats_majority(shared_data: Path) -> None:
    result = trainer.cross_validate(shared_data / "semeval2025t10")
    assert result["fine_exact_match"] > result["majority_fine_exact_match"] + 0.08
    assert result["main_accuracy"] > result["majority_main_accuracy"]
