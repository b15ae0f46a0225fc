"""Weapon supply read across adjacent sentences: a state's weapon next to another actor using it."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

from narrascope.analyzers import contracts
from narrascope.pipeline import Pipeline, document_from_text
from narrascope.relations.mentions import find_mentions
from narrascope.relations.weapon_chain import kind

extract_module = importlib.import_module("narrascope.relations.extract")
SAMPLE = Path(__file__).resolve().parents[2] / "shared" / "samples" / "global-security-op-ed.txt"


@pytest.fixture(scope="module")
def parse_pipeline() -> Pipeline:
    return Pipeline.from_config(only=["segmentation", "actors"])


def added(pipeline: Pipeline, text: str) -> list[tuple[str, str, str, str, str]]:
    """The relations the chain adds to the sentence-level rules."""
    doc = document_from_text(text)
    for analyzer in pipeline.analyzers:
        analyzer.process([doc])
    sdoc = contracts.SPACY_PARSE.get(doc)
    mentions = find_mentions(doc.text, sdoc)
    before = extract_module.extract(doc, sdoc, mentions, chain=False)
    after = extract_module.extract(doc, sdoc, mentions)
    assert all(r in after for r in before)
    for r in after:
        assert doc.text[r.start : r.end] == r.sentence
    return [(r.source, r.type, r.target, r.object, r.modality) for r in after if r not in before]


def test_kinds_tie_named_systems_to_their_class():
    assert kind("Shahed drones") == kind("kamikaze drones") == kind("Shaheds") == "drone"
    assert kind("ATACMS") == kind("cruise missiles") == "missile"
    assert kind("air defence batteries") == "battery"


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "Collaborating with Iran, Russia has been deploying drones against Ukrainian cities. "
            "Iran's engineers have extended the range of its Shahed drones.\n",
            [("IRN", "supplies_weapons", "RUS", "Shahed drones", "asserted")],
        ),
        (
            "Ukraine fired missiles at a bridge in Crimea. The missiles were U.S.-made.\n",
            [("USA", "supplies_weapons", "UKR", "missiles", "asserted")],
        ),
        (
            "Ukraine fired missiles at a bridge in Crimea. "
            "The missiles were made in the United States.\n",
            [("USA", "supplies_weapons", "UKR", "missiles", "asserted")],
        ),
        # the weaker modality of the two sentences wins
        (
            "Russia could deploy more drones this winter. "
            "Iran's Shahed drones have a longer range.\n",
            [("IRN", "supplies_weapons", "RUS", "Shahed drones", "hypothetical")],
        ),
    ],
)
def test_maker_or_owner_next_to_a_user_supplies_it(parse_pipeline, text, expected):
    assert added(parse_pipeline, text) == expected


@pytest.mark.parametrize(
    "text",
    [
        # another kind of weapon
        "Russia has been deploying drones against Ukrainian cities. "
        "Iran's missiles have a longer range.\n",
        # the owner uses its own weapon
        "Iran launched its drones at Israel. Russia has also deployed drones.\n",
        # two users: the implicit argument is ambiguous
        "Russia and Belarus deployed drones near the border. "
        "Iran's Shahed drones have a longer range.\n",
        # enemies do not supply each other
        "Ukraine launched drones at Russian airfields. Russia's Lancet drones have a longer range.\n",
        # too far apart: only the neighbouring sentence counts
        "Russia has been deploying drones against Ukrainian cities. The winter was cold. "
        "Iran's Shahed drones have a longer range.\n",
        # generic words do not tie two sentences together
        "Russia has been deploying weapons against Ukrainian cities. "
        "Iran's weapons have a longer range.\n",
    ],
)
def test_no_supply_without_one_clear_user_of_the_same_weapon(parse_pipeline, text):
    assert added(parse_pipeline, text) == []


@pytest.mark.skipif(not SAMPLE.exists(), reason="shared sample not found")
def test_shared_op_ed_gets_the_shahed_supply(parse_pipeline):
    found = added(parse_pipeline, SAMPLE.read_text(encoding="utf-8"))
    assert found == [("IRN", "supplies_weapons", "RUS", "Shahed drones", "asserted")]


def test_project_sample_gains_nothing(parse_pipeline, sample_text):
    assert added(parse_pipeline, sample_text) == []


def test_train_report_counts_the_added_records(parse_pipeline):
    from types import SimpleNamespace

    from narrascope.relations.pairs import PairBuilder
    from narrascope.training.relations_chain import added_by_chain

    text = (
        "Russia could deploy more drones this winter. Iran's Shahed drones have a longer range.\n"
    )
    doc = document_from_text(text)
    for analyzer in parse_pipeline.analyzers:
        analyzer.process([doc])
    sdoc = contracts.SPACY_PARSE.get(doc)
    builder = PairBuilder(doc, sdoc, find_mentions(doc.text, sdoc), [])
    start = text.index("Iran's")
    gold = SimpleNamespace(
        source="IRN",
        type="supplies_weapons",
        target="RUS",
        start=start,
        modality="hypothetical",
        attribution="",
        triple=("IRN", "supplies_weapons", "RUS"),
    )
    article = SimpleNamespace(doc_id="a", builder=builder, gold=[gold])
    result = added_by_chain([article])
    assert result["added_records"] == 1 and result["added_records_gold"] == 1
    assert result["new_triples"] == 1 and result["new_triples_gold"] == 1
    assert result["rules"]["tp"] == 0 and result["rules_with_chain"]["tp"] == 1
