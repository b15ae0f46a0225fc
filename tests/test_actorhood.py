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
