"""Which entity mentions may be cast in a role: weapons, treaties and headline phrases may not."""

from __future__ import annotations

import pytest

from narrascope.analyzers.actorhood import is_actor, is_phrase, is_thing


@pytest.mark.parametrize(
    "name",
    ["Shahed", "Shahed drones", "HIMARS", "Patriot missiles", "UN Security Council resolutions"],
)
def test_weapons_and_instruments_are_things(name: str) -> None:
    assert is_thing(name) and not is_actor(name)


@pytest.mark.parametrize(
    "name", ["Russia", "UN Security Council", "NATO", "South Korea", "the White House", "Zelensky"]
)
def test_states_organisations_and_people_are_actors(name: str) -> None:
    assert not is_thing(name) and is_actor(name)


def test_lower_case_names_are_phrases() -> None:
    assert is_phrase("globalist elites") and not is_phrase("Iran")


def test_a_span_with_a_finite_verb_is_a_headline_phrase() -> None:
    from narrascope.analyzers.entities import load_spacy

    text = "Rogue States Raises Urgent Concerns in Moscow"
    parsed = load_spacy("en_core_web_sm", True)(text)
    start = 0
    end = text.index(" in")
    tags = {t.text: t.tag_ for t in parsed}
    if tags["Raises"] not in {"VBZ", "VBD", "VBP"}:
        pytest.skip(f"the parser tagged 'Raises' as {tags['Raises']}")
    assert is_phrase(text[start:end], parsed, start, end)
    moscow = text.index("Moscow")
    assert not is_phrase("Moscow", parsed, moscow, moscow + len("Moscow"))


def test_an_entity_named_only_in_the_headline_is_not_cast() -> None:
    from narrascope.analyzers.actorhood import headline_only
    from narrascope.pipeline import document_from_text
    from narrascope.text.segment import segment

    doc = document_from_text(
        "The Drone Pipeline to Moscow Must Be Cut\n\nIran sends drones to Russia every week.\n"
    )
    doc.paragraphs, doc.sentences = segment(doc.text)
    pipeline = (4, 18)  # "Drone Pipeline"
    assert doc.text[slice(*pipeline)] == "Drone Pipeline"
    assert headline_only(doc, [pipeline], None)
    # a known actor, or an entity also named in the body, keeps its profile
    assert not headline_only(doc, [pipeline], "RUS")
    body = doc.text.index("Iran")
    assert not headline_only(doc, [pipeline, (body, body + 4)], None)


def test_the_example_op_ed_has_no_profile_for_its_headline_phrase() -> None:
    from pathlib import Path

    from narrascope import Pipeline

    text = (Path(__file__).parents[1] / "examples" / "arms-pipeline-op-ed.txt").read_text(
        encoding="utf-8"
    )
    doc = Pipeline.from_config(only=["segmentation", "actors", "roles"]).analyze(text)
    names = {p.entity for p in doc.roles}
    assert "Russia" in names and "Ukraine" in names
    assert not any("Pipeline" in name for name in names)
