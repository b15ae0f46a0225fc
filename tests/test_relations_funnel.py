"""The recall funnel of the learned relation extractor, on a parsed article with known gold."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from narrascope.analyzers import contracts
from narrascope.annotation.relations import Relation as Gold
from narrascope.pipeline import Pipeline, document_from_text
from narrascope.training.relations import article
from narrascope.training.relations_funnel import funnel, measure, table

TEXT = (
    "Russia attacked Ukraine on Monday.\n\n"
    "Moscow and Kyiv held talks in Istanbul.\n\n"
    "Poland welcomed the talks. The country later sent tanks to Ukraine.\n"
)


@pytest.fixture(scope="module")
def parsed():
    pipeline = Pipeline.from_config(only=["segmentation", "actors"])
    doc = document_from_text(TEXT)
    for analyzer in pipeline.analyzers:
        analyzer.process([doc])
    return doc


def gold(doc, source, type_, target, needle):
    start = TEXT.index(needle)
    sentence = next(s for s in doc.sentences if s.start <= start < s.end)
    return Gold(
        "a", source, type_, target, "asserted", "", sentence.start, sentence.end, "", (), ""
    )


def predicted(doc, source, type_, target, needle):
    start = TEXT.index(needle)
    sentence = next(s for s in doc.sentences if s.start <= start < s.end)
    return SimpleNamespace(source=source, type=type_, target=target, start=sentence.start)


def test_funnel_follows_each_gold_triple_through_the_stages(parsed):
    doc = parsed
    records = [
        gold(doc, "RUS", "attacks", "UKR", "Russia attacked"),  # found with its direction
        gold(doc, "UKR", "negotiates", "RUS", "Moscow and Kyiv"),  # candidate, never typed
        gold(doc, "POL", "supplies_weapons", "UKR", "The country"),  # 'the country' is no mention
        gold(doc, "RUS", "sanctions", "UKR", "Russia attacked"),  # typed in the wrong direction
    ]
    a = article("a", "train", doc, contracts.SPACY_PARSE.get(doc), np.zeros((10, 384)), records)
    predictions = {
        "a": [
            predicted(doc, "RUS", "attacks", "UKR", "Russia attacked"),
            predicted(doc, "UKR", "sanctions", "RUS", "Russia attacked"),
        ]
    }
    result, rows = measure([a], predictions)
    by = {(r["type"], r["source"], r["target"]): r for r in rows}
    # negotiates is symmetric: its gold ends are compared sorted
    assert set(by) == {
        ("attacks", "RUS", "UKR"),
        ("negotiates", "RUS", "UKR"),
        ("supplies_weapons", "POL", "UKR"),
        ("sanctions", "RUS", "UKR"),
    }
    assert by[("attacks", "RUS", "UKR")]["direction"] and by[("attacks", "RUS", "UKR")]["found"]
    talks = by[("negotiates", "RUS", "UKR")]
    assert talks["mentions"] and talks["candidate"] and not talks["type_ok"]
    tanks = by[("supplies_weapons", "POL", "UKR")]
    assert not tanks["mentions"] and tanks["missing"] == ["source"] and tanks["reach"]
    wrong_way = by[("sanctions", "RUS", "UKR")]
    assert wrong_way["type_ok"] and not wrong_way["direction"] and not wrong_way["found"]
    assert result["all"] == {
        "gold": 4,
        "mentions": 3,
        "candidate": 3,
        "type": 2,
        "direction": 1,
        "found": 1,
        "reach": 1,
        "implicit": 0,
        "missing_source": 1,
        "missing_target": 0,
        "missing_elsewhere": 1,
    }
    assert result["by_type"]["negotiates"]["type"] == 0
    assert "| all | 4 | 3 | 3 | 2 | 1 | 1 | 1 |" in table(result)


def test_funnel_of_no_rows_is_all_zero():
    assert funnel([])["all"]["gold"] == 0 and funnel([])["by_type"] == {}
