"""Entity roles: decisions consistent with the role taxonomy, entity context, grouping, the analyzer."""

from __future__ import annotations

import numpy as np

from narrascope.analyzers.roles import (
    choose_roles,
    entity_rows,
    group_key,
    lexical_cues,
    profile_name,
    sentence_index,
)
from narrascope.document import ActorMention
from narrascope.pipeline import document_from_text
from narrascope.taxonomies import load_roles
from narrascope.text.segment import segment

TEXT = "Title here\n\nRussia attacked the port. Ukraine defended it.\nLater Russia retreated from the city.\n"


def _doc():
    doc = document_from_text(TEXT)
    doc.paragraphs, doc.sentences = segment(doc.text)
    return doc


def test_fine_roles_belong_to_main_role() -> None:
    roles = load_roles()
    main = np.array([0.1, 0.7, 0.2])
    fine = np.full(
        len(roles.fine_roles), 0.9
    )  # every fine role high: only Antagonist ones may stay
    chosen, fines = choose_roles(main, fine, list(roles.main_roles), list(roles.fine_roles), 0.5)
    assert chosen == "Antagonist"
    assert fines and all(roles.main_of[f.label] == "Antagonist" for f in fines)


def test_best_fine_role_always_kept() -> None:
    roles = load_roles()
    fine = np.full(len(roles.fine_roles), 0.01)
    fine[roles.fine_roles.index("Victim")] = 0.2
    chosen, fines = choose_roles(
        np.array([0.1, 0.1, 0.8]), fine, list(roles.main_roles), list(roles.fine_roles), 0.5
    )
    assert chosen == "Innocent" and [f.label for f in fines] == ["Victim"]


def test_entity_context_finds_all_mentions() -> None:
    doc = _doc()
    assert sentence_index(doc, TEXT.index("Ukraine")) == 2
    assert entity_rows(doc, "Russia", []) == [1, 3]


def test_group_key_prefers_actor_id() -> None:
    doc = _doc()
    start = TEXT.index("Russia")
    doc.actors = [
        ActorMention(start=start, end=start + 6, text="Russia", actor="RUS", kind="state")
    ]
    assert group_key(doc, start, start + 6, "Russia") == ("RUS", "RUS")
    other = TEXT.index("Ukraine")
    assert group_key(doc, other, other + 7, "Ukraine") == ("Ukraine", None)


def test_lexical_cues_from_parse() -> None:
    from narrascope.analyzers.entities import load_spacy

    parsed = load_spacy()(TEXT)
    start = TEXT.index("Ukraine")
    cues = lexical_cues(parsed, start, start + 7, "Ukraine")
    assert (
        "m=ukraine" in cues
        and "dep=nsubj" in cues
        and "head=defended" in cues
        and "r=defended" in cues
    )


def test_roles_analyzer_on_sample(sample_text: str) -> None:
    from narrascope import Pipeline

    pipeline = Pipeline.from_config(only=["roles"])
    doc = pipeline.analyze(sample_text)
    assert doc.roles and not doc.check_offsets()
    roles = load_roles()
    names = [p.entity for p in doc.roles]
    assert len(names) == len(set(names))  # one profile per entity
    assert not any("Shahed" in name for name in names)  # a drone model is not an actor
    for profile in doc.roles:
        assert profile.main_role in roles.main_roles and profile.mentions
        assert all(roles.main_of[f.label] == profile.main_role for f in profile.fine_roles)
        assert abs(sum(s.score for s in profile.main_scores) - 1.0) < 1e-3
        # the reported scores agree with the main role (the joint decision included)
        best = max(profile.main_scores, key=lambda s: s.score)
        assert best.label == profile.main_role, (profile.entity, profile.main_scores)
        for mention in profile.mentions:
            assert mention.main_role in roles.main_roles
    # given mentions, as in subtask 1: the analyzers it requires, then its classify_mentions
    doc2 = document_from_text(sample_text)
    *inputs, roles_analyzer = pipeline.analyzers
    for analyzer in inputs:  # keep the cache: no analyze()
        analyzer.process([doc2])
    first = doc.roles[0].mentions[0]
    result = roles_analyzer.classify_mentions(doc2, [(first.start, first.end)])
    assert len(result) == 1 and result[0].text == first.text and result[0].fine_roles


def test_profile_name_is_most_frequent_then_shortest() -> None:
    assert (
        profile_name(["Moscow Must Be Cut Before It Is Too Late", "Russia", "Russia", "Moscow"])
        == "Russia"
    )
    assert profile_name(["Kremlin", "Moscow"]) == "Moscow"
