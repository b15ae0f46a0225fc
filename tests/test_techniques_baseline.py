"""The paragraph-technique TF-IDF baseline: its heads, its cap, and its paragraphs of PTC."""

from pathlib import Path

import pytest

from narrascope.training import techniques_baseline as baseline
from narrascope.training.techniques_baseline import Paragraph

DATA = Path(__file__).resolve().parents[2] / "shared" / "data"


def toy(n: int) -> list[Paragraph]:
    rows = []
    for i in range(n):
        rows.append(
            Paragraph(
                f"a{i}",
                f"the traitors and thugs {i} betrayed us",
                frozenset({"Name_Calling-Labeling"}),
            )
        )
        rows.append(
            Paragraph(f"b{i}", f"act now before it is too late {i}", frozenset({"Appeal_to_Time"}))
        )
        rows.append(Paragraph(f"c{i}", f"the weather report for tuesday {i}", frozenset()))
    return rows


def test_heads_learn_each_technique_from_its_words():
    train, test = toy(12), toy(2)
    predicted = baseline.fit_predict(train, test, balanced=True)
    assert predicted == [set(p.labels) for p in test]


def test_at_most_three_labels_per_paragraph():
    names = [f"T{k}" for k in range(5)]
    train = [Paragraph(f"x{i}", f"shared words here {i}", frozenset(names)) for i in range(6)]
    train += [Paragraph(f"y{i}", f"other text there {i}", frozenset()) for i in range(6)]
    predicted = baseline.fit_predict(
        train, [Paragraph("z", "shared words here", frozenset())], True
    )
    assert len(predicted[0]) == baseline.MAX_LABELS


@pytest.mark.skipif(not (DATA / "ptc2020").is_dir(), reason="PTC data not available")
def test_ptc_paragraphs_carry_the_mapped_names_of_overlapping_spans():
    paragraphs = baseline.ptc_paragraphs(DATA)
    assert len({p.article for p in paragraphs}) == 371
    labelled = [p for p in paragraphs if p.labels]
    assert labelled and all(p.text.strip() for p in labelled)
    assert {"Loaded_Language", "Name_Calling-Labeling"} <= {n for p in labelled for n in p.labels}
