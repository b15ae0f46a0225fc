"""Entity-centred role cues, blocs, feature assembly and the joint fine-role decision."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.analyzers import role_cues
from narrascope.analyzers.roles import (
    choose_roles,
    entity_spans,
    feature_matrix,
    main_role_scores,
    share_main_scores,
    surface_key,
)
from narrascope.pipeline import document_from_text
from narrascope.taxonomies import load_roles

TEXT = (
    "Russia invaded Ukraine in 2022. Ukrainian civilians were killed by Russian missiles. "
    "NATO, a corrupt alliance, provoked the war. Putin is a brutal dictator."
)


@pytest.fixture(scope="module")
def parsed():
    from narrascope.analyzers.entities import load_spacy

    return load_spacy()(TEXT)


def _cues(parsed, name: str) -> list[str]:
    start = TEXT.index(name)
    return role_cues.mention_cues(parsed, start, start + len(name), "m")


def test_agent_and_patient_of_violence(parsed) -> None:
    assert "m:agent:violence" in _cues(parsed, "Russia")
    assert "m:patient:violence" in _cues(parsed, "Ukraine")


def test_descriptions_and_predicates(parsed) -> None:
    nato = _cues(parsed, "NATO")
    assert "m:agent:threat" in nato and "m:desc:corrupt" in nato
    assert "m:desc:oppress" in _cues(parsed, "Putin")  # "Putin is a brutal dictator"


def test_entity_cues_mark_other_mentions(parsed) -> None:
    first = TEXT.index("Russia")
    other = TEXT.index("Russian")
    cues = role_cues.entity_cues(parsed, first, first + 6, [(first, first + 6), (other, other + 7)])
    assert any(c.startswith("m:") for c in cues) and any(c.startswith("e:") for c in cues)


def test_actor_and_bloc_from_gazetteer() -> None:
    assert role_cues.actor_of("Russian President Vladimir Putin") == "RUS"
    assert role_cues.actor_of("Kyiv") == "UKR"
    assert role_cues.actor_of("Greta Thunberg") is None
    assert [role_cues.bloc_of(a) for a in ("RUS", "UKR", "NATO", None)] == [
        "russia",
        "ukraine",
        "west",
        "other",
    ]


def test_word_classes_cover_inflections() -> None:
    table = role_cues.word_class_table()
    assert (
        table["attacked"] == "violence"
        and table["lies"] == "deceit"
        and table["victims"] == "suffering"
    )


def test_entity_spans_whole_words_only() -> None:
    doc = document_from_text("T\n\nRussia and Russians. RUSSIA again.")
    start = doc.text.index("Russia")
    spans = entity_spans(doc, start, start + 6)
    assert [doc.text[s:e] for s, e in spans] == ["Russia", "RUSSIA"]


def test_feature_matrix_parts() -> None:
    row = (
        {"ctx": np.ones(4, np.float32), "bloc": np.zeros(8, np.float32)},
        {"lex": ["a"], "cues": ["b", "b"]},
    )
    full = feature_matrix([row], ("ctx", "bloc", "lex", "cues"))
    assert (
        full.shape == (1, 4 + 8 + 2**11) and full[0, 12:].sum() == 2.0
    )  # two distinct cues, clipped at 1
    assert feature_matrix([row], ("ctx",)).shape == (1, 4)


def test_share_main_scores_per_entity() -> None:
    main = np.array([[0.9, 0.1], [0.1, 0.9], [0.5, 0.5]])
    shared = share_main_scores(main, ["a", "a", "b"])
    assert (
        np.allclose(shared[0], [0.5, 0.5])
        and np.allclose(shared[1], [0.5, 0.5])
        and np.allclose(shared[2], [0.5, 0.5])
    )
    assert surface_key("Moscow") == surface_key("Russia") == "RUS"


def test_joint_decision_prefers_a_confident_fine_role() -> None:
    roles = load_roles()
    mains, fines = list(roles.main_roles), list(roles.fine_roles)
    main = np.zeros(len(mains))
    main[mains.index("Antagonist")], main[mains.index("Innocent")] = 0.55, 0.45
    fine = np.full(len(fines), 0.5)  # antagonist roles all alike: each gets 0.55 / 12
    for f in fines:
        if roles.main_of[f] == "Innocent":
            fine[fines.index(f)] = 0.01
    fine[fines.index("Victim")] = 0.9
    assert choose_roles(main, fine, mains, fines, 1.0)[0] == "Antagonist"
    chosen, picked = choose_roles(main, fine, mains, fines, 1.0, joint=True)
    assert chosen == "Innocent" and [p.label for p in picked] == ["Victim"]
    # the scores a profile reports name the same main role as the decision
    scores = main_role_scores(main, fine, mains, fines, joint=True)
    assert mains[int(np.argmax(scores))] == "Innocent"
    assert abs(scores.sum() - 1.0) < 1e-9
    assert np.allclose(main_role_scores(main, fine, mains, fines, joint=False), main)


def test_side_cues_split_own_and_opposing_bloc(parsed) -> None:
    ukraine = role_cues.side_cues(TEXT, parsed, "ukraine", {})
    assert "opp:agent:violence" in ukraine and "own:patient:violence" in ukraine
    russia = role_cues.side_cues(TEXT, parsed, "russia", {})
    assert "own:agent:violence" in russia and "opp:agent:threat" in russia  # NATO "provoked"
    assert role_cues.side_cues(TEXT, parsed, "other", {}) == []
