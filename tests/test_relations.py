"""Relation extraction on real parses: the sample op-eds and small constructed sentences."""

from __future__ import annotations

from pathlib import Path

import pytest

from narrascope.pipeline import Pipeline

GUIDE_SAMPLE = (
    Path(__file__).resolve().parents[2] / "shared" / "samples" / "global-security-op-ed.txt"
)


@pytest.fixture(scope="module")
def relation_pipeline() -> Pipeline:
    from narrascope.config import Config

    config = Config.load()
    config.options["relations"] = {"engine": "rules"}  # these tests pin the rule extractor
    return Pipeline.from_config(config, only=["relations"])


def triples(doc):
    return {(r.source, r.type, r.target) for r in doc.relations}


def find(doc, source, type_, target):
    return [r for r in doc.relations if (r.source, r.type, r.target) == (source, type_, target)]


def test_guideline_sample_relations(relation_pipeline):
    if not GUIDE_SAMPLE.exists():
        pytest.skip("shared sample not found")
    doc = relation_pipeline.analyze(GUIDE_SAMPLE.read_text(encoding="utf-8"))
    assert not doc.check_offsets()

    (prk,) = find(doc, "PRK", "supplies_weapons", "RUS")
    assert prk.object == "ballistic missiles"
    assert prk.modality == "reported"
    assert prk.attribution == "White House spokesperson"

    (talks,) = find(doc, "RUS", "negotiates", "IRN")
    assert talks.object == "ballistic missiles" and talks.modality == "planned"

    (defiance,) = find(doc, "RUS", "violates", "UNSC_RESOLUTIONS")
    assert "defiance" in defiance.sentence

    assert find(doc, "UKR", "demands", "NATO")
    (air,) = find(doc, "NATO", "supplies_weapons", "UKR")
    assert air.modality == "called_for" and "air defense" in air.object

    assert find(doc, "KOR", "accuses_condemns", "PRK")
    # Russia deploys the drones one sentence before Iran's Shahed drones are named
    (shahed,) = find(doc, "IRN", "supplies_weapons", "RUS")
    assert shahed.object == "Shahed drones" and shahed.modality == "asserted"
    (attack,) = find(doc, "RUS", "attacks", "UKR")
    assert attack.object == "kamikaze drones" and attack.modality == "asserted"
    assert {
        ("RUS", "military_cooperation", "PRK"),
        ("RUS", "military_cooperation", "IRN"),
    } <= triples(doc)
    # generic collectives are not actors
    assert not any("WEST" in (r.source, r.target) for r in doc.relations)


def test_project_sample_relations(relation_pipeline, sample_text):
    doc = relation_pipeline.analyze(sample_text)
    (iran,) = find(doc, "IRN", "supplies_weapons", "RUS")
    assert iran.object == "Shahed drones"
    assert iran.modality == "reported" and iran.attribution == "Ukrainian intelligence"
    (shells,) = find(doc, "PRK", "supplies_weapons", "RUS")
    assert shells.attribution == "Pentagon" and shells.object == "artillery shells"
    assert find(doc, "PRK", "violates", "UNSC_RESOLUTIONS")
    assert find(doc, "RUS", "negotiates", "IRN")[0].object == "fighter jets"
    (send,) = find(doc, "NATO", "supplies_weapons", "UKR")
    assert send.modality == "called_for"


@pytest.mark.parametrize(
    "text, expected",
    [
        ("Russian missiles hit Lviv on Monday.", ("RUS", "attacks", "UKR", "asserted", "missiles")),
        (
            "Moscow denied that it had supplied weapons to Hamas.",
            ("RUS", "supplies_weapons", "HAMAS", "denied", "weapons"),
        ),
        (
            "The United States could send F-16s to Ukraine next year.",
            ("USA", "supplies_weapons", "UKR", "hypothetical", "F-16s"),
        ),
        (
            "Germany will deliver Leopard tanks to Ukraine.",
            ("DEU", "supplies_weapons", "UKR", "planned", "Leopard tanks"),
        ),
        (
            "Ukraine was attacked by Russia with cruise missiles.",
            ("RUS", "attacks", "UKR", "asserted", "cruise missiles"),
        ),
        (
            "The European Union imposed sanctions on Russia.",
            ("EU", "sanctions", "RUS", "asserted", ""),
        ),
        (
            "Kyiv accused Moscow of shelling the Zaporizhzhia plant.",
            ("UKR", "accuses_condemns", "RUS", "asserted", ""),
        ),
        (
            "Russia launched Iranian-made drones at Kyiv overnight.",
            ("IRN", "supplies_weapons", "RUS", "asserted", "drones"),
        ),
        (
            "Ukraine fired U.S.-made HIMARS at Russian positions.",
            ("UKR", "attacks", "RUS", "asserted", "HIMARS"),
        ),
        (
            "Negotiations between Moscow and Tehran on fighter jets continue.",
            ("RUS", "negotiates", "IRN", "planned", "fighter jets"),
        ),
        (
            "The US and Germany will supply Ukraine with Abrams and Leopard tanks.",
            ("DEU", "supplies_weapons", "UKR", "planned", "Abrams; Leopard tanks"),
        ),
        (
            "The Kremlin said it had no plans to attack NATO.",
            ("RUS", "attacks", "NATO", "denied", ""),
        ),
        ("The G7 agreed to fund a new loan for Ukraine.", ("G7", "supports", "UKR", "planned", "")),
        (
            "Kiev's refusal to join NATO angered Moscow.",
            ("UKR", "military_cooperation", "NATO", "denied", ""),
        ),
        (
            "The EU threatens new sanctions if Belarus sends troops.",
            ("EU", "threatens", "BLR", "asserted", "sanctions"),
        ),
        (
            "Tehran's proxies, Hezbollah and the Houthis, keep firing rockets.",
            ("IRN", "supports", "HOUTHIS", "asserted", ""),
        ),
        (
            "London's policy of arming and training the Ukrainians continues.",
            ("GBR", "supplies_weapons", "UKR", "asserted", ""),
        ),
        (
            "Iran's plan to send ballistic missiles to Russia worries Washington.",
            ("IRN", "supplies_weapons", "RUS", "planned", "ballistic missiles"),
        ),
        # the per-lemma rules of the extractor
        (
            "Russia deployed nuclear weapons to Belarus.",
            ("RUS", "military_cooperation", "BLR", "asserted", "nuclear weapons"),
        ),
        (
            "Russia warned Finland that it would face countermeasures.",
            ("RUS", "threatens", "FIN", "asserted", ""),
        ),
        (
            "China warned that Japan would pay a price.",
            ("CHN", "accuses_condemns", "JPN", "asserted", ""),
        ),
        (
            "The United States must strengthen Taiwan with more missiles.",
            ("USA", "supplies_weapons", "TWN", "called_for", "missiles"),
        ),
    ],
)
def test_single_sentences(relation_pipeline, text, expected):
    doc = relation_pipeline.analyze(text)
    got = {(r.source, r.type, r.target, r.modality, r.object) for r in doc.relations}
    assert expected in got, got


def test_other_languages_get_actors_but_relations_are_marked_unavailable():
    doc = Pipeline.from_config(only=["claims", "language"]).analyze(
        "Россия атаковала Украину ракетами. Путин заявил, что Россия продолжит удары по Киеву и Харькову."
    )
    assert doc.language.code == "ru"
    assert [a.actor for a in doc.actors] == ["RUS", "UKR", "RUS", "RUS", "UKR"]
    assert doc.relations == [] and doc.claims == []
    assert doc.unavailable["relations"] == doc.unavailable["claims"] == "language ru"


def test_lemma_rules_name_real_triggers():
    from narrascope.relations.extract import NOUN_RULES, VERB_RULES
    from narrascope.relations.triggers import NOUNS, VERBS

    # "strengthen" is a trigger only with a subject or under a demand verb (trigger_spec)
    assert set(VERB_RULES) - {"strengthen"} <= set(VERBS)
    assert set(NOUN_RULES) <= set(NOUNS)


@pytest.mark.parametrize(
    "text",
    [
        "Russia's open defiance of the resolutions demands a reevaluation of its standing.",
        "Russia's aggression threatens Poland and the Baltic states.",
    ],
)
def test_abstract_subjects_do_not_demand_or_threaten_for_their_owner(relation_pipeline, text):
    doc = relation_pipeline.analyze(text)
    assert not [r for r in doc.relations if r.type in ("demands", "threatens")], doc.relations


def test_a_voice_of_the_state_still_threatens_for_it(relation_pipeline):
    doc = relation_pipeline.analyze("The Kremlin's spokesman threatened Finland with retaliation.")
    assert find(doc, "RUS", "threatens", "FIN")
