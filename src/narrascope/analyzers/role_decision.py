"""How a role decision is made from head scores, shared by the English role model (`roles`) and
the backbone-free one for other languages (`roles_lang`): the main role (optionally jointly with
the fine role), the fine roles kept, scores shared by mentions of one entity, a profile's name."""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Protocol

import numpy as np

from narrascope.document import LabelScore, RoleMention
from narrascope.taxonomies import load_roles


class RoleHeads(Protocol):
    """What a role model exposes to the decision: its labels and decision settings."""

    main_roles: list[str]
    fine_roles: list[str]
    threshold: float
    joint: bool


def main_role_scores(
    main: np.ndarray,
    fine: np.ndarray,
    main_roles: list[str],
    fine_roles: list[str],
    joint: bool = False,
) -> np.ndarray:
    """The score of each main role under the decision that picks the main role, summing to 1.

    Without `joint` these are the main-role probabilities. With `joint` a main role scores
    P(main) * P(fine | main) of its best fine role (fine scores normalised within each main role),
    normalised over the main roles: the reported scores and the chosen main role then always
    agree, where the raw probabilities could name another role the largest.
    """
    if not joint:
        return main
    main_of = load_roles().main_of
    owner = [main_roles.index(main_of[f]) for f in fine_roles]
    totals = np.zeros(len(main_roles))
    np.add.at(totals, owner, fine)
    best = np.zeros(len(main_roles))
    for j, k in enumerate(owner):
        best[k] = max(best[k], main[k] * fine[j] / max(totals[k], 1e-12))
    total = best.sum()
    return best / total if total > 0 else main


def choose_roles(
    main: np.ndarray,
    fine: np.ndarray,
    main_roles: list[str],
    fine_roles: list[str],
    threshold: float,
    joint: bool = False,
) -> tuple[str, list[LabelScore]]:
    """The main role, and its fine roles: the best one always, others at or above `threshold`.

    `joint`: the main role of the most probable fine role, P(main) * P(fine | main) with the fine
    scores normalised within each main role, rather than the most probable main role. Exact match
    of fine roles rewards this: a likely Victim beats an uncertain pick among twelve antagonist roles.
    The main role is the largest of `main_role_scores`, the scores a profile reports.
    """
    main_of = load_roles().main_of
    chosen = main_roles[int(np.argmax(main_role_scores(main, fine, main_roles, fine_roles, joint)))]
    candidates = sorted(
        (
            (fine_roles[j], float(fine[j]))
            for j in range(len(fine_roles))
            if main_of[fine_roles[j]] == chosen
        ),
        key=lambda kv: -kv[1],
    )
    kept = [c for i, c in enumerate(candidates) if i == 0 or c[1] >= threshold]
    return chosen, [LabelScore(label=label, score=round(score, 4)) for label, score in kept]


def mention_roles(
    text: str,
    spans: list[tuple[int, int]],
    main: np.ndarray,
    fine: np.ndarray,
    model: RoleHeads,
) -> list[RoleMention]:
    """One decided `RoleMention` per span (end-exclusive) from its rows of head scores."""
    out = []
    for (start, end), m, f in zip(spans, main, fine):
        chosen, fines = choose_roles(
            m, f, model.main_roles, model.fine_roles, model.threshold, model.joint
        )
        scores = main_role_scores(m, f, model.main_roles, model.fine_roles, model.joint)
        out.append(
            RoleMention(
                start=start,
                end=end,
                text=text[start:end],
                main_role=chosen,
                main_score=round(float(scores.max()), 4),
                fine_roles=fines,
            )
        )
    return out


def share_main_scores(main: np.ndarray, keys: list[str]) -> np.ndarray:
    """Main-role scores averaged over rows with the same key (mentions of one entity in one article)."""
    out = main.copy()
    rows: dict[str, list[int]] = defaultdict(list)
    for i, key in enumerate(keys):
        rows[key].append(i)
    for idx in rows.values():
        out[idx] = main[idx].mean(axis=0)
    return out


def profile_name(names: list[str]) -> str:
    """The name a profile is shown under: the most frequent of its mentions' names, then the shortest
    (a headline that NER took for a place must not name the profile of the country it mentions)."""
    counts = Counter(names)
    return min(counts, key=lambda name: (-counts[name], len(name), name))
