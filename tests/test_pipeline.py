import numpy as np
import pytest

from narrascope import Document, Pipeline, analyze
from narrascope.analyzers.embeddings import document_vector, paragraph_vectors
from narrascope.config import Config


def test_default_pipeline_fills_core_layers(sample_text):
    doc = analyze(sample_text)
    assert doc.language is not None and doc.language.code == "en"
    assert len(doc.paragraphs) >= 5 and len(doc.sentences) > len(doc.paragraphs)
    labels = {(e.text, e.label) for e in doc.entities}
    assert any(text == "Russia" for text, _ in labels)
    assert doc.check_offsets() == []
    assert doc.analyzers[:2] == ["segmentation", "language"]


def test_offsets_are_checked():
    doc = Document(id="x", text="Russia attacked.")
    from narrascope.document import EntityMention

    doc.entities = [EntityMention(start=0, end=6, text="Russa", label="GPE", entity="Russia")]
    assert doc.check_offsets() and "Russa" in doc.check_offsets()[0]


def test_embeddings_shared_and_cleared_after_batch(sample_text):
    pipe = Pipeline.from_config(only=["embeddings"])
    assert pipe.names == ["segmentation", "embeddings"]
    doc = Document(id="a", text=sample_text)
    pipe.analyzers[0].process([doc])
    pipe.analyzers[1].process([doc])
    para = paragraph_vectors(doc)
    assert para.shape == (len(doc.paragraphs), 384)
    assert np.allclose(np.linalg.norm(para, axis=1), 1.0, atol=1e-4)
    assert document_vector(doc).shape == (384,)


def test_config_order_is_validated(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[pipeline]\nanalyzers = ["embeddings", "segmentation"]\n')
    with pytest.raises(ValueError, match="runs after it"):
        Pipeline.from_config(Config.load(cfg))


def test_unknown_analyzer_is_a_clear_error(tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text('[pipeline]\nanalyzers = ["nope"]\n')
    with pytest.raises(ValueError, match="unknown analyzer .nope."):
        Pipeline.from_config(cfg)
