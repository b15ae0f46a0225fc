"""Persuasion techniques: taxonomy and label mapping, span decoding, the analyzer on real articles."""

from __future__ import annotations

import json

import numpy as np
import pytest

from narrascope import Document, Pipeline
from narrascope.analyzers import techniques as tech
from narrascope.datasets import ptc
from narrascope.text import features as text_features
from narrascope.training.own_data import load_jsonl


def test_taxonomy_has_the_23_official_names_with_own_descriptions():
    names = tech.technique_names()
    assert len(names) == 23 and len(set(names)) == 23
    assert {
        "Loaded_Language",
        "Appeal_to_Fear-Prejudice",
        "Questioning_the_Reputation",
        "Flag_Waving",
    } <= set(names)
    assert all(t["description"] for t in tech.taxonomy()["techniques"])


def test_every_ptc_label_maps_onto_a_2023_name():
    names = set(tech.technique_names())
    for label in ptc.TECHNIQUES:
        assert tech.ptc_to_2023(label, "some words") in names
    assert tech.ptc_to_2023("Name_Calling,Labeling") == "Name_Calling-Labeling"
    assert tech.ptc_to_2023("Black-and-White_Fallacy") == "False_Dilemma-No_Choice"
    assert tech.ptc_to_2023("Thought-terminating_Cliches") == "Conversation_Killer"


def test_bandwagon_reductio_is_split_by_what_the_span_says():
    label = "Bandwagon,Reductio_ad_hitlerum"
    assert tech.ptc_to_2023(label, "just like the Nazis did") == "Guilt_by_Association"
    assert tech.ptc_to_2023(label, "millions of Americans agree") == "Appeal_to_Popularity"


def test_own_examples_use_official_names_only():
    names = set(tech.technique_names())
    rows = load_jsonl("techniques.jsonl")
    assert len(rows) >= 150
    assert all(set(r["labels"]) <= names and r["text"].strip() for r in rows)
    per_label = {n: sum(n in r["labels"] for r in rows) for n in names}
    for missing_in_ptc in (
        "Appeal_to_Values",
        "Straw_Man",
        "Red_Herring",
        "Appeal_to_Time",
        "Appeal_to_Hypocrisy",
        "Questioning_the_Reputation",
        "Obfuscation-Vagueness-Confusion",
        "Consequential_Oversimplification",
    ):
        assert per_label[missing_in_ptc] >= 10


def _toks(words: list[str], sentence: int = 0) -> list[tech.Token]:
    out, pos = [], 0
    for w in words:
        out.append(tech.Token(pos, pos + len(w), w, sentence))
        pos += len(w) + 1
    return out


def test_decode_runs_bridges_punctuation_and_trims_edges():
    toks = _toks(["the", "evil", ",", "brutal", "regime", "."])
    spans = tech.decode_runs(toks, np.array([0.1, 0.9, 0.2, 0.8, 0.7, 0.9]), 0.5)
    assert len(spans) == 1
    start, end, score = spans[0]
    assert (start, end) == (toks[1].start, toks[4].end)
    assert score == pytest.approx(np.mean([0.9, 0.2, 0.8, 0.7]))


def test_decode_runs_never_crosses_sentences():
    toks = _toks(["bad", "worse"]) + [tech.Token(20, 25, "worst", 1)]
    spans = tech.decode_runs(toks, np.array([0.9, 0.9, 0.9]), 0.5)
    assert [(s, e) for s, e, _ in spans] == [(0, 9), (20, 25)]


def test_decode_runs_extends_a_tagged_run_to_weaker_neighbours():
    toks = _toks(["at", "a", "critical", "tipping", "point", "today", "."])
    probs = np.array([0.05, 0.1, 0.6, 0.5, 0.2, 0.05, 0.0])
    assert [(s, e) for s, e, _ in tech.decode_runs(toks, probs, 0.3)] == [
        (toks[2].start, toks[3].end)  # "critical tipping": the phrase is cut
    ]
    spans = tech.decode_runs(toks, probs, 0.3, extend_to=0.15)
    assert [(s, e) for s, e, _ in spans] == [(toks[2].start, toks[4].end)]  # + "point"
    assert spans[0][2] == pytest.approx(np.mean([0.6, 0.5, 0.2]))


def test_decode_runs_keeps_only_extended_runs_with_a_tagged_token():
    toks = _toks(["mild", "words", "and", "vile", "lies"])
    probs = np.array([0.2, 0.2, 0.01, 0.2, 0.9])
    spans = tech.decode_runs(toks, probs, 0.5, extend_to=0.15)
    assert [(s, e) for s, e, _ in spans] == [(toks[3].start, toks[4].end)]  # not "mild words"
    # an extension threshold above the tagging one changes nothing
    assert tech.decode_runs(toks, probs, 0.5, extend_to=0.7) == tech.decode_runs(toks, probs, 0.5)


def test_decode_runs_keeps_hyphenated_words_whole():
    from narrascope.document import Document
    from narrascope.text.segment import segment

    doc = Document(
        id="d", text="They sell lab-grown meat, a full-scale war, state-of-the-art lies."
    )
    doc.paragraphs, doc.sentences = segment(doc.text)
    toks = tech.tokens(doc)
    words = [t.text for t in toks]
    probs = np.zeros(len(toks))
    probs[words.index("grown")] = 0.9  # the second half of "lab-grown"
    probs[words.index("full")] = 0.9  # the first part of "full-scale"
    probs[words.index("the")] = 0.9  # the middle of "state-of-the-art"
    spans = tech.decode_runs(toks, probs, 0.5)
    assert [doc.text[s:e] for s, e, _ in spans] == ["lab-grown", "full-scale", "state-of-the-art"]


def test_text_features_see_style():
    calm = text_features.features(
        "The ministry said on Monday that talks would resume, according to officials."
    )
    heated = text_features.features(
        "We must act now! Our disgraceful, cowardly leaders have betrayed us!"
    )
    names = text_features.NAMES
    assert heated[names.index("exclamation")] > calm[names.index("exclamation")]
    assert heated[names.index("first_plural")] > 0 and calm[names.index("first_plural")] == 0
    assert calm[names.index("attribution")] > heated[names.index("attribution")]
    assert heated[names.index("evaluative")] > 0


@pytest.fixture(scope="module")
def technique_pipeline():
    return Pipeline.from_config(only=["techniques"])


def test_analyzer_fills_paragraphs_and_valid_spans(technique_pipeline, sample_text):
    doc = technique_pipeline.analyze(sample_text)
    layer = doc.techniques
    assert layer is not None
    assert [p.paragraph for p in layer.paragraphs] == [p.index for p in doc.paragraphs]
    names = set(tech.technique_names())
    assert layer.spans, "an op-ed should carry technique spans"
    assert all(s.technique in names and 0 <= s.score <= 1 for s in layer.spans)
    assert doc.check_offsets() == []
    assert any(p.labels for p in layer.paragraphs)


def test_op_ed_shows_loaded_language_and_fear(technique_pipeline):
    from tests.conftest import ROOT

    path = ROOT.parent / "shared" / "samples" / "global-security-op-ed.txt"
    if not path.is_file():
        pytest.skip("shared sample absent")
    doc = technique_pipeline.analyze(path.read_text(encoding="utf-8"))
    found = {s.technique for s in doc.techniques.spans} | {
        lab.label for p in doc.techniques.paragraphs for lab in p.labels
    }
    assert "Loaded_Language" in found
    assert found & {
        "Appeal_to_Fear-Prejudice",
        "Appeal_to_Time",
        "Slogans",
        "Exaggeration-Minimisation",
    }


def test_neutral_text_gets_few_spans(technique_pipeline):
    text = "Talks resume in Vienna\n\nDelegations from the two countries met in Vienna on Tuesday, officials said. The next round is planned for March.\n"
    doc = technique_pipeline.analyze(text)
    assert len(doc.techniques.spans) <= 2


def test_classify_spans_returns_ptc_names(technique_pipeline, sample_text):
    doc = Document(id="s", text=sample_text)
    for analyzer in technique_pipeline.analyzers[:-1]:
        analyzer.process([doc])
    start = sample_text.index(sample_text.split()[0])
    names = technique_pipeline.analyzers[-1].classify_spans(
        doc, [(start, start + 20), (start + 30, start + 60)]
    )
    assert len(names) == 2 and set(names) <= set(ptc.TECHNIQUES)
    assert technique_pipeline.analyzers[-1].classify_spans(doc, []) == []


def test_packaged_model_card_and_config():
    path = tech.default_model_dir()
    config = json.loads((path / "config.json").read_text())
    assert config["sentence_labels"][:23] == tech.technique_names()
    assert (path / "card.md").read_text().count("PTC") >= 1


@pytest.mark.slow
def test_training_on_a_subset_is_deterministic(shared_data, tmp_path):
    from narrascope.training import techniques as trainer

    articles = trainer.load_ptc(shared_data)[:40]
    own = trainer.load_own()
    a = trainer.train(shared_data, tmp_path / "a", articles=articles, own=own, inner_folds=2)
    b = trainer.train(shared_data, tmp_path / "b", articles=articles, own=own, inner_folds=2)
    za, zb = np.load(a / "sentence.npz"), np.load(b / "sentence.npz")
    assert np.array_equal(za["coef"], zb["coef"]) and np.array_equal(
        za["thresholds"], zb["thresholds"]
    )
    scores = trainer.evaluate(tech.TechniqueModel(a), trainer.load_ptc(shared_data)[40:50])
    assert 0 <= scores["si_f1"] <= 1 and scores["spans"] > 0


def test_spans_need_a_content_word():
    assert tech.has_content_word("genocidal war")
    assert not tech.has_content_word("in the")
    assert not tech.has_content_word("2024")


def test_evidence_mode_gives_every_paragraph_label_a_span(tmp_path, sample_text):
    import shutil

    from narrascope.config import Config

    model = tmp_path / "model"
    shutil.copytree(tech.default_model_dir(), model)
    config = json.loads((model / "config.json").read_text())
    config["evidence_spans"] = "paragraph_labels"
    (model / "config.json").write_text(json.dumps(config))
    cfg = Config.load()
    cfg.options["techniques"] = {"model": str(model)}
    doc = Pipeline.from_config(cfg, only=["techniques"]).analyze(sample_text)
    spans = {(s.paragraph, s.technique) for s in doc.techniques.spans}
    labels = {(p.paragraph, label.label) for p in doc.techniques.paragraphs for label in p.labels}
    assert labels and labels <= spans
    assert doc.check_offsets() == []
