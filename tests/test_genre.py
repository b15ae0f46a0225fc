"""Genre: the project's own examples and dev set, and the analyzer on real articles."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope import Pipeline
from narrascope.analyzers.genre import GENRES
from narrascope.training.own_data import load_jsonl


def test_examples_and_dev_set_cover_every_genre_and_stay_apart():
    train = load_jsonl("genre.jsonl")
    dev = load_jsonl("dev.jsonl")
    assert {r["label"] for r in train} == set(GENRES)
    assert {r["genre"] for r in dev} == set(GENRES)
    train_texts = {r["text"] for r in train}
    assert not any(p["text"] in train_texts for r in dev for p in r["paragraphs"])


@pytest.fixture(scope="module")
def genre_pipeline():
    return Pipeline.from_config(only=["genre"])


def test_op_ed_is_opinion_with_scores(genre_pipeline, sample_text):
    doc = genre_pipeline.analyze(sample_text)
    assert doc.genre is not None and doc.genre.label == "opinion"
    scores = {s.label: s.score for s in doc.genre.scores}
    assert set(scores) == set(GENRES)
    assert sum(scores.values()) == pytest.approx(1.0, abs=1e-3)
    assert doc.genre.score == max(scores.values())


def test_wire_report_is_reporting(genre_pipeline):
    text = (
        "Navy intercepts arms shipment\n\n"
        "ADEN, May 2 (Reuters) - The navy intercepted a boat carrying rifles and anti-tank missiles off the coast on Thursday, a military spokesman said.\n"
        "The cargo included 2,000 rifles, the spokesman told reporters. The crew of six was detained, according to a statement from the coast guard.\n"
    )
    assert genre_pipeline.analyze(text).genre.label == "reporting"


def test_empty_text_has_no_genre(genre_pipeline):
    assert genre_pipeline.analyze("   \n").genre is None


def test_annotations_have_a_label_and_a_fold_for_every_article():
    from narrascope.training.genre import annotation_rows

    manifest = annotation_rows("manifest.jsonl")
    labels = {
        r["doc_id"]: r["genre"]
        for name in ("labels-ptc.jsonl", "labels-semeval2025.jsonl")
        for r in annotation_rows(name)
    }
    assert len(manifest) == 420 and {r["doc_id"] for r in manifest} == set(labels)
    assert {r["fold"] for r in manifest} == set(range(5))
    assert set(labels.values()) <= set(GENRES)
    assert not any("/test" in r["path"] or "test-articles" in r["path"] for r in manifest)


def test_feature_parts_have_fixed_widths():
    from narrascope.analyzers.embeddings import SENTENCE_VECTORS
    from narrascope.analyzers.genre import genre_features
    from narrascope.document import Document
    from narrascope.text.features import DIMENSION
    from narrascope.text.segment import segment

    text = "A title\n\nFirst sentence here. Second one there. We must act now!\n"
    doc = Document(id="d", text=text)
    doc.paragraphs, doc.sentences = segment(text)
    vectors = np.eye(len(doc.sentences), 384, dtype=np.float32)
    SENTENCE_VECTORS.put(doc, vectors)
    assert genre_features(doc, ("style",)).shape == (DIMENSION,)
    both = genre_features(doc, ("vec", "style", "title", "lead"))
    assert both.shape == (384 * 3 + DIMENSION,)
    title = genre_features(doc, ("title",))
    assert np.allclose(title, vectors[0])  # the title line is the first sentence
    with pytest.raises(ValueError):
        genre_features(doc, ("nonsense",))


def test_measures_report_macro_f1_over_present_genres_and_confusion():
    from narrascope.training.genre import measures

    gold = np.array(["opinion", "opinion", "reporting", "reporting"] * 5)
    pred = np.array(["opinion", "reporting", "reporting", "reporting"] * 5)
    folds = np.repeat(np.arange(5), 4)
    m = measures(gold, pred, folds)
    # opinion: P 1, R 0.5, F1 2/3; reporting: P 2/3, R 1, F1 0.8; satire absent from gold
    assert m["macro_f1"] == pytest.approx((2 / 3 + 0.8) / 2)
    assert m["per_class"]["opinion"]["recall"] == pytest.approx(0.5)
    assert set(m["per_class"]) == {"opinion", "reporting"}
    assert m["confusion"]["rows_gold_columns_predicted"][0] == [5, 5, 0]


@pytest.mark.slow
def test_real_articles_resolve_from_the_shared_data(shared_data):
    from narrascope.training.genre import real_articles

    articles = real_articles(shared_data)
    assert len(articles) == 420 and all(a.text.strip() for a in articles)
    assert {a.genre for a in articles} == {"opinion", "reporting"}


def test_exported_head_scores_like_the_fitted_one(tmp_path):
    import json

    from narrascope.analyzers.genre import GenreModel
    from narrascope.document import Document
    from narrascope.encoders import EncoderIdentity
    from narrascope.models import write_meta
    from narrascope.text.segment import segment
    from narrascope.training.genre import export, fit, matrix

    texts = [
        "Talks resume\n\nThe ministry said talks would resume on Monday, a spokesman said.\n",
        "Act now\n\nWe must stop this reckless war now! Why do our leaders wait?\n",
        "Minister declares war on Mondays\n\nIn a stunning move, the minister banned Mondays.\n",
        "Ships detained\n\nThe coast guard said it detained two ships, according to a statement.\n",
        "Shame on them\n\nI say it plainly: this policy is a disgrace and must end.\n",
        "Parliament votes to abolish gravity\n\nLawmakers voted to abolish gravity on Tuesday.\n",
    ]
    y = np.array(["reporting", "opinion", "satire"] * 2)
    docs = []
    for i, text in enumerate(texts):
        doc = Document(id=str(i), text=text)
        doc.paragraphs, doc.sentences = segment(text)
        docs.append(doc)
    dense = matrix(docs, ("style",))
    head = fit(texts, dense, y, True, 10.0, 0)
    np.savez_compressed(tmp_path / "weights.npz", **export(head))
    (tmp_path / "config.json").write_text(
        json.dumps({"labels": list(GENRES), "parts": ["style", "tfidf"]})
    )
    write_meta(
        tmp_path,
        task="genre",
        labels=list(GENRES),
        encoder=EncoderIdentity("test-encoder", 384),
        data="six test texts",
        terms="test",
        metrics={},
        command="test",
    )
    model = GenreModel(tmp_path)
    expected = head.model.predict_proba(head.rows(texts, dense))
    order = [list(head.model.classes_).index(g) for g in GENRES]
    for doc, row in zip(docs, expected):
        assert np.allclose(model.scores(doc), row[order], atol=1e-4)


def test_batch_scores_are_the_per_article_scores(sample_text):
    from narrascope.document import Document

    pipeline = Pipeline.from_config(only=["genre"])
    texts = [
        sample_text,
        "Navy intercepts arms shipment\n\nADEN (Reuters) - The navy intercepted a boat, a spokesman said.",
        "   \n",
        "Satire\n\nLocal man declares himself minister of vibes; parliament applauds politely.",
    ]
    batch = list(pipeline.run([Document(id=str(i), text=t) for i, t in enumerate(texts)]))
    genre = next(a for a in pipeline.analyzers if a.name == "genre")
    assert genre.model.terms is not None  # the shipped head reads TF-IDF terms
    for doc in batch:
        alone = genre.model.predict(doc) if doc.sentences else None  # weighs its own terms
        assert doc.genre == alone
    assert batch[2].genre is None and batch[0].genre is not None
