"""Nested cross-validation of decision variants for the English role heads.

The shipped model over-predicts Antagonist (the majority main role). This module measures ways of
changing the decision without touching the features, each with its settings chosen on the
training part of a fold only (an inner 5-fold CV, grouped by article), never on the held-out part:

- `match`: main-role offsets (added to the log main-role scores) chosen so that the predicted
  main-role distribution matches the training part's gold distribution;
- `tuned`: offsets chosen to maximise main-role accuracy + exact match;
- `alpha`: the main role is argmax P(main) * (best normalised fine score of it) ** alpha
  (0: the main head's choice, 1: the shipped joint decision);
- `pooled`: the backbone-free model of `roles_lang` trained on the other four languages' mentions
  too, combined with the English heads as p_en ** (1 - w) * p_lang ** w (main and fine scores);
- `pooled+match`: both;
- `no-identity` (`-no-bloc`): the shipped decision on features without the entity's own words and
  actor id (and without its bloc), which let the heads learn each entity's usual cast.
Rows marked "not nested" fix a setting for every fold: they are for reference only, since
picking the best of them would be choosing on the held-out folds.

`python -m narrascope.training.roles_variants DATA [--pooled]` prints one JSON line per variant:
fold means of main-role accuracy and exact match, the settings chosen per fold, the predicted
main-role distribution over all out-of-fold mentions, and the gold one. The folds are the
trainer's (`training.roles.cross_validate`), so `shipped` reproduces its numbers.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import numpy as np
from sklearn.model_selection import GroupKFold

from narrascope.analyzers.role_decision import share_main_scores
from narrascope.analyzers.roles import feature_matrix, head_probabilities, surface_key
from narrascope.taxonomies import load_roles
from narrascope.training import roles as trainer
from narrascope.training.features import RoleGold

ANONYMOUS = (
    ("no-identity", ("m=", "actor="), "ctx+bloc+lex+cues"),
    ("no-identity-no-bloc", ("m=", "actor=", "bloc="), "ctx+lex+cues"),
)
GRID = tuple(round(v, 1) for v in np.arange(-2.0, 2.01, 0.1))
ALPHAS = (0.0, 0.25, 0.5, 0.75, 1.0)
WEIGHTS = (0.0, 0.25, 0.5, 0.75)
Scores = tuple[np.ndarray, np.ndarray]


def anonymise(
    rows: list[tuple[dict[str, np.ndarray], dict[str, list[str]]]], prefixes: tuple[str, ...]
) -> list[tuple[dict[str, np.ndarray], dict[str, list[str]]]]:
    """Feature rows without the cue strings that start with `prefixes`."""
    return [
        (dense, {k: [c for c in v if not c.startswith(prefixes)] for k, v in cues.items()})
        for dense, cues in rows
    ]


def _owner() -> np.ndarray:
    roles = load_roles()
    return np.array([roles.main_roles.index(roles.main_of[f]) for f in roles.fine_roles])


def decide(
    main: np.ndarray,
    fine: np.ndarray,
    keys: list[str],
    bias: np.ndarray | None = None,
    alpha: float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """(main-role index, fine-role index) per row: main scores shared by `keys`, shifted by
    `bias` in log space, then argmax P(main) * best-normalised-fine ** alpha; the fine role is the
    best of the chosen main role (alpha 1 and no bias: `choose_roles` with joint and threshold 1)."""
    owner = _owner()
    shared = share_main_scores(main, keys)
    if bias is not None:
        shared = shared * np.exp(bias)
        shared /= shared.sum(axis=1, keepdims=True)
    best = np.zeros_like(shared)
    best_fine = np.zeros(shared.shape, dtype=int)
    for k in range(shared.shape[1]):
        cols = np.flatnonzero(owner == k)
        block = fine[:, cols]
        best[:, k] = block.max(axis=1) / np.maximum(block.sum(axis=1), 1e-12)
        best_fine[:, k] = cols[block.argmax(axis=1)]
    chosen = np.argmax(shared * best**alpha, axis=1)
    return chosen, best_fine[np.arange(len(chosen)), chosen]


def evaluate(chosen: np.ndarray, fine: np.ndarray, gold: list[RoleGold]) -> dict[str, float]:
    """Main-role accuracy and exact match (one fine role predicted, as with threshold 1)."""
    roles = load_roles()
    return trainer.scores(
        gold, [(roles.main_roles[m], {roles.fine_roles[f]}) for m, f in zip(chosen, fine)]
    )


def _offsets(
    main: np.ndarray,
    fine: np.ndarray,
    keys: list[str],
    loss: Callable[[np.ndarray, np.ndarray], float],
) -> np.ndarray:
    """Offsets for Protagonist and Innocent (Antagonist fixed at 0) on `GRID` minimising `loss`
    of the decisions; ties go to the smallest total offset."""
    roles = load_roles()
    p, i = roles.main_roles.index("Protagonist"), roles.main_roles.index("Innocent")
    best: tuple[tuple[float, float], np.ndarray] | None = None
    for bp in GRID:
        for bi in GRID:
            bias = np.zeros(len(roles.main_roles))
            bias[p], bias[i] = bp, bi
            key = (loss(*decide(main, fine, keys, bias)), abs(bp) + abs(bi))
            if best is None or key < best[0]:
                best = (key, bias)
    assert best is not None
    return best[1]


def prior_offsets(
    main: np.ndarray, fine: np.ndarray, keys: list[str], target: np.ndarray
) -> np.ndarray:
    """Offsets whose predicted main-role distribution is closest (L1) to `target`."""

    def loss(chosen: np.ndarray, _: np.ndarray) -> float:
        share = np.bincount(chosen, minlength=len(target)) / len(chosen)
        return round(float(np.abs(share - target).sum()), 9)

    return _offsets(main, fine, keys, loss)


def tuned_offsets(
    main: np.ndarray, fine: np.ndarray, keys: list[str], gold: list[RoleGold]
) -> np.ndarray:
    """Offsets with the best main-role accuracy + exact match on `gold`."""

    def loss(chosen: np.ndarray, best_fine: np.ndarray) -> float:
        s = evaluate(chosen, best_fine, gold)
        return -round(s["main_accuracy"] + s["fine_exact_match"], 9)

    return _offsets(main, fine, keys, loss)


def combine(english: Scores, other: Scores, weight: float) -> Scores:
    """Geometric interpolation of two models' scores; main scores renormalised to sum to 1."""
    if weight == 0:
        return english
    main = np.exp((1 - weight) * np.log(english[0] + 1e-12) + weight * np.log(other[0] + 1e-12))
    fine = np.exp((1 - weight) * np.log(english[1] + 1e-12) + weight * np.log(other[1] + 1e-12))
    return main / main.sum(axis=1, keepdims=True), fine


class Experiment:
    """The English feature rows, their gold mentions, and (with `pooled`) every language's mentions
    for the backbone-free model, built once."""

    def __init__(self, data: Path, pooled: bool) -> None:
        self.built = trainer.build(data, "EN")
        rows, self.gold = self.built
        self.options = dict(trainer.DEFAULTS)
        self.x = feature_matrix(rows, tuple(self.options["parts"].split("+")))
        # features without the entity's identity (its words, its actor id; and without its bloc)
        self.anonymous = {
            name: (feature_matrix(anonymise(rows, drop), tuple(parts.split("+"))), parts)
            for name, drop, parts in ANONYMOUS
        }
        self.groups = np.array([m.article for m in self.gold])
        self.keys = [f"{m.article}|{surface_key(m.text)}" for m in self.gold]
        self.pooled = pooled
        if pooled:
            from narrascope.training import roles_lang

            self.lang = roles_lang.read_mentions(data)
            index = {(g.article, g.start, g.end): i for i, g in enumerate(self.lang.gold)}
            self.en_rows = np.array([index[(m.article, m.start, m.end)] for m in self.gold])
            self.other_rows = np.array(
                [i for i, code in enumerate(self.lang.lang) if code != "en"], dtype=int
            )

    def english(
        self, train: np.ndarray, test: np.ndarray, x: np.ndarray | None = None, parts: str = ""
    ) -> Scores:
        x = self.x if x is None else x
        options = {**self.options, "parts": parts or self.options["parts"]}
        model = trainer.fit(x[train], [self.gold[i] for i in train], options, 0)
        return head_probabilities(model, x[test], "ovr", trainer._membership())

    def other(self, train: np.ndarray, test: np.ndarray) -> Scores:
        """The pooled backbone-free model (the packaged options, C 3) fitted on the English
        training rows and all other languages' mentions."""
        from narrascope.analyzers.roles_lang import features, head_scores
        from narrascope.training import roles_lang

        options = {**roles_lang.DEFAULTS, "C": 3.0}
        model = roles_lang.fit(
            self.lang, np.concatenate([self.en_rows[train], self.other_rows]), options
        )
        rows = self.en_rows[test]
        x = features(
            model["chars"],
            model["words"],
            [self.lang.wide[i] for i in rows],
            [self.lang.near[i] for i in rows],
        )
        return head_scores(
            x,
            model["main_coef"],
            model["main_intercept"],
            model["fine_coef"],
            model["fine_intercept"],
        )

    def scores(self, train: np.ndarray, test: np.ndarray) -> dict[str, Scores]:
        out = {"english": self.english(train, test)}
        if self.pooled:
            out["other"] = self.other(train, test)
        return out


def _inner(exp: Experiment, rows: np.ndarray) -> dict[str, Scores]:
    """Out-of-fold scores of `rows` from a 5-fold CV grouped by article inside them."""
    parts: dict[str, list[tuple[np.ndarray, Scores]]] = {}
    for a, b in GroupKFold(5).split(rows, groups=exp.groups[rows]):
        for name, s in exp.scores(rows[a], rows[b]).items():
            parts.setdefault(name, []).append((b, s))
    out = {}
    for name, pieces in parts.items():
        main = np.zeros((len(rows), pieces[0][1][0].shape[1]))
        fine = np.zeros((len(rows), pieces[0][1][1].shape[1]))
        for b, (m, f) in pieces:
            main[b], fine[b] = m, f
        out[name] = (main, fine)
    return out


def run(exp: Experiment, folds: int = 5) -> list[dict]:
    """Every variant over the trainer's folds, settings chosen on inner out-of-fold scores."""
    roles = load_roles()
    results: dict[str, list[dict]] = {}
    predicted: dict[str, list[int]] = {}
    chosen: dict[str, list] = {}
    for train, test in GroupKFold(folds).split(exp.x, groups=exp.groups):
        inner, outer = _inner(exp, train), exp.scores(train, test)
        gold_train = [exp.gold[i] for i in train]
        keys_train, keys_test = [exp.keys[i] for i in train], [exp.keys[i] for i in test]
        counts = Counter(m.main_role for m in gold_train)
        target = np.array([counts[r] / len(train) for r in roles.main_roles])
        im, i_f = inner["english"]

        def inner_sum(
            chosen_rows: tuple[np.ndarray, np.ndarray], gold: list[RoleGold] = gold_train
        ) -> float:
            s = evaluate(*chosen_rows, gold)
            return s["main_accuracy"] + s["fine_exact_match"]

        alpha = max(ALPHAS, key=lambda a: (inner_sum(decide(im, i_f, keys_train, alpha=a)), a))
        match = prior_offsets(im, i_f, keys_train, target)
        tuned = tuned_offsets(im, i_f, keys_train, gold_train)
        settings: dict[str, tuple[Scores, np.ndarray | None, float, object]] = {
            "shipped": (outer["english"], None, 1.0, None),
            "match": (outer["english"], match, 1.0, match.round(1).tolist()),
            "tuned": (outer["english"], tuned, 1.0, tuned.round(1).tolist()),
            "alpha": (outer["english"], None, alpha, alpha),
        }
        if exp.pooled:
            w = max(
                WEIGHTS,
                key=lambda w: (
                    inner_sum(decide(*combine(inner["english"], inner["other"], w), keys_train)),
                    -w,
                ),
            )
            both = combine(outer["english"], outer["other"], w)
            b = prior_offsets(*combine(inner["english"], inner["other"], w), keys_train, target)
            settings["pooled"] = (both, None, 1.0, w)
            settings["pooled+match"] = (both, b, 1.0, [w, b.round(1).tolist()])
            for fixed in WEIGHTS[1:] + (1.0,):
                both = combine(outer["english"], outer["other"], fixed)
                settings[f"fixed pooled w={fixed} (not nested)"] = (both, None, 1.0, fixed)
        for fixed in ALPHAS[:-1]:
            settings[f"fixed alpha={fixed} (not nested)"] = (outer["english"], None, fixed, fixed)
        for name, (x, parts) in exp.anonymous.items():
            settings[name] = (exp.english(train, test, x, parts), None, 1.0, parts)
        for name, (s, bias, a, setting) in settings.items():
            main_idx, fine_idx = decide(s[0], s[1], keys_test, bias, a)
            results.setdefault(name, []).append(
                evaluate(main_idx, fine_idx, [exp.gold[i] for i in test])
            )
            predicted.setdefault(name, []).extend(main_idx.tolist())
            chosen.setdefault(name, []).append(setting)
    gold = Counter(m.main_role for m in exp.gold)
    out = []
    for name, rs in results.items():
        share = np.bincount(predicted[name], minlength=len(roles.main_roles)) / len(exp.gold)
        out.append(
            {
                "variant": name,
                "main_accuracy": round(float(np.mean([r["main_accuracy"] for r in rs])), 4),
                "fine_exact_match": round(float(np.mean([r["fine_exact_match"] for r in rs])), 4),
                "chosen_per_fold": chosen[name],
                "predicted": dict(zip(roles.main_roles, share.round(3).tolist())),
                "gold": {r: round(gold[r] / len(exp.gold), 3) for r in roles.main_roles},
            }
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument(
        "--pooled", action="store_true", help="also the pooled five-language model (slow)"
    )
    args = parser.parse_args()
    started = time.process_time()
    for row in run(Experiment(trainer.task_folder(args.data), args.pooled)):
        print(json.dumps(row), flush=True)
    print(json.dumps({"cpu_seconds": round(time.process_time() - started)}))


if __name__ == "__main__":
    main()
