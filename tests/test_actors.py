"""Actor recognition and normalisation from the project's gazetteer."""

from __future__ import annotations

import pytest

from narrascope.pipeline import Pipeline
from narrascope.relations import lexicon


@pytest.fixture(scope="module")
def actor_pipeline() -> Pipeline:
    return Pipeline.from_config(only=["actors"])


def actors(doc) -> list[tuple[str, str]]:
    return [(a.text, a.actor) for a in doc.actors]


def test_metonyms_officials_and_organisations(actor_pipeline):
    doc = actor_pipeline.analyze(
        "The Kremlin said Putin met Kim Jong Un in Pyongyang, while the White House and NATO warned Tehran."
    )
    assert actors(doc) == [
        ("Kremlin", "RUS"),
        ("Putin", "RUS"),
        ("Kim Jong Un", "PRK"),
        ("Pyongyang", "PRK"),
        ("White House", "USA"),
        ("NATO", "NATO"),
        ("Tehran", "IRN"),
    ]
    assert {a.kind for a in doc.actors} == {"state", "organisation"}
    assert not doc.check_offsets()


def test_entity_links(actor_pipeline):
    doc = actor_pipeline.analyze("Russia’s forces entered Ukraine.")
    russia = doc.actors[0]
    assert russia.text == "Russia" and russia.entity_index is not None
    assert doc.entities[russia.entity_index].actor == "RUS"


def test_exclusions_and_places(actor_pipeline):
    doc = actor_pipeline.analyze(
        "The Washington Post and the West criticised strikes on Kharkiv by Houthi rebels."
    )
    # a media outlet is not Washington; 'the West' is the bloc actor WEST (one node, not a loose
    # name); a city is not an actor mention by itself
    assert actors(doc) == [("the West", "WEST"), ("Houthi rebels", "HOUTHIS")]
    assert [m.kind for m in doc.actors] == ["bloc", "armed_group"]


def test_gazetteer_covers_every_un_member_by_name():
    table = lexicon.gazetteer()
    assert table["Germany"].actor == "DEU" and table["Kyiv"].actor == "UKR"
    assert table["Hamas"].kind == "armed_group" and table["UN Security Council"].actor == "UNSC"
    assert table["Peru"].actor == "PER"  # names beyond the hand-written entries
    assert table["Washington Post"].actor is None


def test_instruments_and_anaphora():
    import re

    text = "Iran breached Resolution 2231. Russia ignored UN Security Council resolutions and defied these resolutions."
    keys = [m.lastgroup for m in lexicon.instrument_pattern().finditer(text)]
    assert keys == ["UNSCR_2231", "UNSC_RESOLUTIONS", "ANAPHORIC"]
    assert re.fullmatch(lexicon.weapon_pattern(), "Shahed") and lexicon.weapon_pattern().search(
        "two ballistic missiles"
    )
