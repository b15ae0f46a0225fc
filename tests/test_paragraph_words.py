"""Paragraph word heads: the run-time scores equal the training-time ones, and they move labels."""

import numpy as np

from narrascope.analyzers import techniques as tech
from narrascope.document import Document
from narrascope.text.segment import segment
from narrascope.text.tfidf import TermWeights
from narrascope.training.techniques import fit_word_heads

TEXTS = [
    "these traitors and thugs sold the country",
    "act now, before it is too late for all of us",
    "the weather report for tuesday is mild",
    "the thugs in the capital are traitors again",
    "we must act now or never, time is running out",
    "rain is expected on tuesday afternoon",
]
GOLD = np.array([[1, 0], [0, 1], [0, 0], [1, 0], [0, 1], [0, 0]])


def words_from(heads, weight: float, threshold: float = 0.5) -> tech.ParagraphWords:
    terms = heads.vectorizer.get_feature_names_out().astype(str)
    return tech.ParagraphWords(
        TermWeights(terms, heads.vectorizer.idf_),
        heads.coef.astype(np.float32),
        heads.intercept.astype(np.float32),
        weight,
        np.array([threshold, threshold], np.float32),
        {},
    )


def test_run_time_word_scores_equal_the_training_ones():
    heads = fit_word_heads(TEXTS * 2, np.vstack([GOLD, GOLD]))
    words = words_from(heads, 0.5)
    expected = heads.scores(TEXTS)
    got = np.vstack([words.scores(t) for t in TEXTS])
    np.testing.assert_allclose(got, expected, atol=1e-5)
    assert (got[GOLD == 1] > 0.5).all() and (got[GOLD == 0] < 0.5).all()


def test_a_label_without_positives_scores_about_zero():
    heads = fit_word_heads(TEXTS * 2, np.vstack([GOLD, GOLD]) * np.array([1, 0]))
    assert words_from(heads, 1.0).scores(TEXTS[1])[1] < 1e-6


def test_word_heads_decide_paragraph_labels_by_their_weight():
    heads = fit_word_heads(TEXTS * 2, np.vstack([GOLD, GOLD]))
    text = "These traitors and thugs sold the country.\n\nThe weather report for Tuesday is mild."
    doc = Document(id="t", text=text)
    doc.paragraphs, doc.sentences = segment(text)
    scores = np.zeros((len(doc.sentences), 3))  # the sentence head sees nothing
    names = ["Name_Calling-Labeling", "Appeal_to_Time"]
    alone = tech.label_paragraphs(doc, scores, names, np.array([0.5, 0.5]), None, 3)
    assert [p.labels for p in alone] == [[], []]
    # with word heads, their own thresholds decide (the sentence thresholds are for spans)
    mixed = tech.label_paragraphs(doc, scores, names, np.zeros(2), words_from(heads, 1.0), 3)
    assert [[x.label for x in p.labels] for p in mixed] == [["Name_Calling-Labeling"], []]
    half = tech.label_paragraphs(doc, scores, names, np.zeros(2), words_from(heads, 0.5, 0.2), 3)
    assert [[x.label for x in p.labels] for p in half] == [["Name_Calling-Labeling"], []]
    assert abs(half[0].labels[0].score - mixed[0].labels[0].score / 2) < 2e-4


class HashedVectors:
    """A stand-in encoder cache: a fixed pseudo-random vector per text."""

    def encode(self, texts):
        return np.vstack(
            [np.random.default_rng(abs(hash(t)) % 2**32).normal(size=384) for t in texts]
        ).astype(np.float32)


def test_paragraphs_only_cross_validation_scores_and_counts(monkeypatch):
    from narrascope.training import techniques as trainer

    cache = HashedVectors()
    articles = []
    for i in range(8):
        text = (
            f"These traitors and thugs sold the country {i}.\n\n"
            f"The weather report for Tuesday is mild {i}.\n\n"
            f"Act now, before it is too late for all of us {i}."
        )
        start = text.index("traitors")
        spans = [(start, start + len("traitors and thugs"), "Name_Calling,Labeling")]
        articles.append(trainer.Article(trainer.make_doc(f"a{i}", text, cache), spans))
    monkeypatch.setattr(trainer, "encoder_cache", lambda: cache)
    monkeypatch.setattr(trainer, "load_ptc", lambda data, cache=None: articles)
    monkeypatch.setattr(trainer, "load_own", lambda cache=None: [])
    result = trainer.paragraph_cross_validate(None, folds=2)
    assert len(result["paragraph_fold_f1_prevalence"]) == 2
    assert result["paragraph_micro_f1_prevalence"] > 0.5  # the words give the label away
    (row,) = [r for r in result["prevalence"] if r["technique"] == "Name_Calling-Labeling"]
    assert row["gold"] == round(8 / 24, 4)
