"""Narratives and subnarratives of an article, with scores, hierarchy and paragraph evidence.

Two ways to score a taxonomy's labels, both on the shared backbone's sentence vectors (no extra
transformer pass):

* **trained** (the packaged SemEval-2025 model): per-label logistic heads over a document
  feature vector (mean sentence vector + how closely the article's best sentences match each
  label's description), mixed with per-label logistic heads over the article's TF-IDF vector;
  besides the labels, a head for "Other" (the article pushes none of the narratives);
* **zero-/few-shot** (any taxonomy file a user brings): each label is scored by how closely the
  article's best-matching sentences resemble the label's description and examples.

Two decisions, both hierarchical (a subnarrative implies its narrative; the domain comes first):

* **ranked** (the packaged model, `decide_ranked`): "Other" when its head reaches the model's
  gate, else the domain's subnarratives ranked within the article, keeping those close to the
  best one; chosen because F1 per article rewards one right label over many guesses;
* **thresholds** (zero-shot, or an explicit `threshold`): narratives of the domain above their
  thresholds, then their subnarratives; a narrative with no subnarrative above threshold gets
  "<narrative>: Other" (when the taxonomy has it), and an article with nothing above threshold
  is labelled "Other".

The layer also lists the best narratives that were not chosen (`candidates`), with evidence, so
a reader sees what an article labelled "Other" came closest to.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property, lru_cache
from typing import Any

import numpy as np

from narrascope.analyzers import contracts, narratives_lang
from narrascope.analyzers.base import Analyzer, language_of
from narrascope.analyzers.embeddings import paragraph_vectors, sentence_vectors
from narrascope.analyzers.terms import word_ngram_counts
from narrascope.document import Document, NarrativeLabel, NarrativeLayer
from narrascope.encoders import Encoder, identity
from narrascope.models import ModelPackage, load_package, packaged_path
from narrascope.taxonomies import Taxonomy, load_taxonomy
from narrascope.text.tfidf import TermWeights, ngram_counts

TASK = "narratives"
PACKAGED_MODEL = packaged_path(TASK)
TOP_K = 3
EVIDENCE_PARAGRAPHS = 2
CANDIDATES = 3


def _unit(matrix: np.ndarray) -> np.ndarray:
    return matrix / np.maximum(np.linalg.norm(matrix, axis=-1, keepdims=True), 1e-12)


def body_rows(vectors: np.ndarray, paragraphs: list[int]) -> np.ndarray:
    """Sentence vectors without the title (paragraph 0), unless the title is all there is."""
    keep = [i for i, p in enumerate(paragraphs) if p > 0]
    return vectors[keep] if keep else vectors


def label_similarity(
    vectors: np.ndarray, label_vectors: np.ndarray, k: int = TOP_K
) -> tuple[np.ndarray, np.ndarray]:
    """Per label: the best sentence's cosine and the mean of the top-k sentences' cosines."""
    if len(vectors) == 0:
        zeros = np.zeros(len(label_vectors), np.float32)
        return zeros, zeros
    sims = vectors @ label_vectors.T
    top = -np.sort(-sims, axis=0)[: min(k, len(sims))]
    return top[0], top.mean(axis=0)


def doc_features(
    vectors: np.ndarray, label_vectors: np.ndarray, kind: str = "mean+sim"
) -> np.ndarray:
    """One article's feature vector from its (body) sentence vectors.

    `kind` names the parts, joined by '+': `mean` (normalised mean vector), `max` (max-pooled
    vector), `sim` (best and top-k similarity to each label description).
    """
    dim = label_vectors.shape[1]
    parts: list[np.ndarray] = []
    for part in kind.split("+"):
        if part == "mean":
            parts.append(_unit(vectors.mean(axis=0)) if len(vectors) else np.zeros(dim, np.float32))
        elif part == "max":
            parts.append(vectors.max(axis=0) if len(vectors) else np.zeros(dim, np.float32))
        elif part == "sim":
            parts.extend(label_similarity(vectors, label_vectors))
        else:
            raise ValueError(f"unknown feature part {part!r}")
    return np.concatenate(parts).astype(np.float32)


TFIDF_OPTIONS = {"ngram_range": (1, 2), "sublinear_tf": True, "lowercase": True}


def tfidf_transform(
    texts: list[str], vocabulary: list[str], idf: np.ndarray, counter: Any = None
) -> Any:
    """TF-IDF rows (sparse, L2-normalised, sublinear tf) over a fixed vocabulary and idf: the
    same numbers as scikit-learn's TfidfVectorizer fitted with these settings. Pass a `counter`
    (a CountVectorizer over `vocabulary`) to reuse it across calls."""
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.preprocessing import normalize

    if counter is None:
        counter = CountVectorizer(
            vocabulary=vocabulary, ngram_range=TFIDF_OPTIONS["ngram_range"], lowercase=True
        )
    x = counter.transform(texts).astype(np.float64)
    x.data = 1.0 + np.log(x.data)
    x = x.multiply(np.asarray(idf, dtype=np.float64)).tocsr()
    return normalize(x)


@dataclass
class Decision:
    domain: str | None
    narratives: dict[str, float]
    subnarratives: dict[str, float]


def decide(
    taxonomy: Taxonomy,
    scores: dict[str, float],
    thresholds: dict[str, float],
    domain_scores: dict[str, float] | None = None,
) -> Decision:
    """The hierarchical decision over per-label scores (see the module docstring)."""
    other = taxonomy.other
    domain: str | None
    if domain_scores:
        domain = max(sorted(domain_scores), key=lambda d: domain_scores[d])
    else:  # the domain whose best narrative scores highest
        best = max(taxonomy.narratives, key=lambda n: scores.get(n, 0.0))
        domain = taxonomy.domain(best)
    narratives: dict[str, float] = {}
    subs: dict[str, float] = {}
    for label in taxonomy.narratives:
        if taxonomy.domain(label) == domain and scores.get(label, 0.0) >= thresholds.get(
            label, 0.5
        ):
            narratives[label] = scores[label]
    for label in taxonomy.subnarratives:
        if label.endswith(": Other") or taxonomy.domain(label) != domain:
            continue
        if scores.get(label, 0.0) >= thresholds.get(label, 0.5):
            subs[label] = scores[label]
            parent = taxonomy.parent(label)
            if parent and parent not in narratives:
                narratives[parent] = max(scores.get(parent, 0.0), scores[label])
    for label, score in narratives.items():
        if not any(taxonomy.parent(s) == label for s in subs):
            fallback = f"{label}: {other}"
            if fallback in taxonomy.labels:
                subs[fallback] = score
    if not narratives:
        best = max(taxonomy.narratives, key=lambda n: scores.get(n, 0.0))
        return Decision(
            domain, {other: 1.0 - scores.get(best, 0.0)}, {other: 1.0 - scores.get(best, 0.0)}
        )
    return Decision(domain, narratives, subs)


def decide_ranked(
    taxonomy: Taxonomy,
    scores: dict[str, float],
    other_gate: float,
    relative: float,
    domain_scores: dict[str, float] | None = None,
) -> Decision:
    """The decision of a model with an "Other" head, ranking labels within the article.

    F1 per article rewards one right label far more than many guesses, and four in ten articles
    push no narrative at all, so: "Other" when its head reaches `other_gate`; otherwise the
    domain's subnarratives (specific ones and "<narrative>: Other") ranked by score, keeping the
    best and every one within `relative` of it. Narratives are the parents of what is kept.
    """
    other = taxonomy.other
    domain: str | None
    if domain_scores:
        domain = max(sorted(domain_scores), key=lambda d: domain_scores[d])
    else:
        domain = taxonomy.domain(max(taxonomy.narratives, key=lambda n: scores.get(n, 0.0)))
    if scores.get(other, 0.0) >= other_gate:
        return Decision(domain, {other: scores[other]}, {other: scores[other]})
    candidates = sorted(
        (
            label
            for label in taxonomy.subnarratives
            if taxonomy.domain(label) == domain and label in scores
        ),
        key=lambda label: (-scores[label], label),
    )
    if not candidates:
        return Decision(domain, {other: 1.0}, {other: 1.0})
    top = scores[candidates[0]]
    subs = {label: scores[label] for label in candidates if scores[label] >= relative * top}
    narratives: dict[str, float] = {}
    for label, score in subs.items():
        parent = taxonomy.parent(label)
        if parent:
            narratives[parent] = max(narratives.get(parent, 0.0), scores.get(parent, 0.0), score)
    return Decision(domain, narratives, subs)


def decide_rule(taxonomy: Taxonomy, scores: dict[str, float], rule: dict) -> Decision:
    """The decision a saved model names: `{"rule": "ranked", "other_gate": g, "relative": r}`
    (`decide_ranked`) or `{"rule": "threshold", "threshold": t}` (`decide` with one threshold
    for every label: "Other" when no narrative or subnarrative of the domain reaches it)."""
    if rule["rule"] == "ranked":
        return decide_ranked(taxonomy, scores, rule["other_gate"], rule["relative"])
    if rule["rule"] == "threshold":
        t = float(rule["threshold"])
        return decide(taxonomy, scores, {label: t for label in taxonomy.labels})
    raise ValueError(f"unknown decision rule {rule['rule']!r}")


def specific_directions(vectors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    """Label directions minus what all labels share, so each points at what is specific to it
    (otherwise every label's evidence is the article's most on-topic paragraph)."""
    if len(vectors) < 2:
        return vectors
    common = np.mean(list(vectors.values()), axis=0)
    return {label: _unit(v - common) for label, v in vectors.items()}


class NarrativeModel:
    """A trained narrative model package: labels, thresholds, vocabulary in its config; weights."""

    def __init__(self, package: ModelPackage) -> None:
        meta = package.config
        weights = package.weights()
        self.path = package.path
        self.labels: list[str] = meta["labels"]
        self.domains: list[str] = meta["domains"]
        self.features: str = meta["features"]
        self.thresholds: dict[str, float] = meta["thresholds"]
        self.taxonomy_name: str = meta["taxonomy"]
        self.label_vectors = weights["label_vectors"]
        self.evidence_vectors = weights["evidence_vectors"]
        self.mean, self.scale = weights["mean"], weights["scale"]
        self.coef, self.intercept = weights["coef"], weights["intercept"]
        self.domain_coef, self.domain_intercept = (
            weights["domain_coef"],
            weights["domain_intercept"],
        )
        self.decision: dict[str, Any] = meta.get("decision", {"rule": "thresholds"})
        self.tfidf_weight: float = meta.get("tfidf_weight", 0.0)
        if self.tfidf_weight > 0:
            self.vocabulary: list[str] = meta["tfidf_vocabulary"]
            self.idf = weights["idf"]
            self.tfidf_coef = weights["tfidf_coef"].astype(np.float32)
            self._tfidf_coef_t = np.ascontiguousarray(self.tfidf_coef.T)
            self.terms = TermWeights(self.vocabulary, self.idf)
            self.tfidf_intercept = weights["tfidf_intercept"]

    def features_of(self, vectors: np.ndarray) -> np.ndarray:
        return (doc_features(vectors, self.label_vectors, self.features) - self.mean) / self.scale

    def tfidf_probs(self, texts: list[str], grams: list[Counter[str]] | None = None) -> np.ndarray:
        """The TF-IDF heads' probabilities for several articles at once (one row each, one
        product for the batch); `grams`: the texts' word n-gram counts, when counted already.
        The weights are those of `tfidf_transform` (the training-time vectoriser), up to the
        order of floating-point sums."""
        t = self.terms.matrix(grams if grams is not None else [ngram_counts(x) for x in texts])
        return 1.0 / (1.0 + np.exp(-(np.asarray(t @ self._tfidf_coef_t) + self.tfidf_intercept)))

    def score(
        self, vectors: np.ndarray, text: str = "", tfidf_probs: np.ndarray | None = None
    ) -> tuple[dict[str, float], dict[str, float]]:
        """Label and domain probabilities of one article (body sentence vectors and raw text;
        `tfidf_probs`: its row of `tfidf_probs`, when the batch computed them already)."""
        x = self.features_of(vectors)
        probs = 1.0 / (1.0 + np.exp(-(self.coef @ x + self.intercept)))
        if self.tfidf_weight > 0:
            t_probs = tfidf_probs if tfidf_probs is not None else self.tfidf_probs([text])[0]
            probs = (1 - self.tfidf_weight) * probs + self.tfidf_weight * t_probs
        logits = self.domain_coef @ x + self.domain_intercept
        dom = np.exp(logits - logits.max())
        dom /= dom.sum()
        return dict(zip(self.labels, probs.tolist())), dict(zip(self.domains, dom.tolist()))


@lru_cache(maxsize=4)
def _model(package: ModelPackage) -> NarrativeModel:
    return NarrativeModel(package)


@lru_cache(maxsize=8)
def zero_shot_vectors(
    taxonomy_path: str, encoder: Encoder
) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Labels, one prompt vector per prompt text, and each prompt's label index, for a user taxonomy."""
    taxonomy = load_taxonomy(taxonomy_path)
    labels = tuple(taxonomy.labels)
    texts, owners = [], []
    for i, label in enumerate(labels):
        for text in taxonomy.labels[label].prompt_texts():
            texts.append(text)
            owners.append(i)
    return labels, encoder.encode(texts), np.asarray(owners)


def zero_shot_scores(
    vectors: np.ndarray,
    taxonomy_path: str,
    encoder: Encoder,
    margin: float = 0.06,
    floor: float = 0.3,
    scale: float = 60.0,
) -> dict[str, float]:
    """Per label: how close the article's top-k sentence similarity to the label's best prompt
    comes to the best label's, squashed into (0, 1).

    Similarities between on-topic sentences and any description of the topic are all fairly
    high, so labels compete within the article: the best label scores about 0.97, a label
    `margin` below it 0.5 (0.06 scored best of 0.03-0.15 on the English SemEval training
    articles, docs/narratives.md). Articles whose best similarity is under `floor` (off-topic) score low
    everywhere and come out as "Other".
    """
    labels, prompts, owners = zero_shot_vectors(taxonomy_path, encoder)
    if len(vectors) == 0:
        return {label: 0.0 for label in labels}
    _, top = label_similarity(vectors, prompts)
    per_label = np.full(len(labels), -1.0)
    np.maximum.at(per_label, owners, top)
    relative = 1.0 / (1.0 + np.exp(-scale * (per_label - per_label.max() + margin)))
    on_topic = 1.0 / (1.0 + np.exp(-12.0 * (per_label.max() - floor)))
    return dict(zip(labels, (relative * on_topic).tolist()))


class Narratives(Analyzer):
    name = "narratives"
    requires = (contracts.SENTENCES, contracts.PARAGRAPHS, contracts.SENTENCE_VECTORS)
    produces = (contracts.NARRATIVES, contracts.NARRATIVE_SCORES, contracts.NARRATIVE_DIRECTIONS)
    uses_encoder = True

    def __init__(
        self,
        model: str = "",
        taxonomy: str = "semeval2025",
        threshold: float | None = None,
        margin: float = 0.06,
        *,
        encoder: Encoder,
    ) -> None:
        """`model`: a model package (default: the shipped one); `taxonomy`: a packaged name or
        a path — a taxonomy the model was not trained on is scored zero-/few-shot with the
        pipeline's `encoder`; `threshold`: one threshold for every label (default: the model's
        tuned ones, 0.5 zero-shot)."""
        self.taxonomy = load_taxonomy(taxonomy)
        self.encoder = encoder
        self.model: NarrativeModel | None = None
        package = load_package(model or None, TASK, None)
        if package.config["taxonomy"] == self.taxonomy.name:
            package.check_encoder(identity(encoder))
            self.model = _model(package)
        elif model:
            raise ValueError(
                f"narratives: the model at {model} was trained on taxonomy "
                f"{package.config['taxonomy']!r}, not {self.taxonomy.name!r}"
            )
        self.threshold = threshold
        self.margin = margin
        # other languages: their own TF-IDF models, for the packaged taxonomy only
        self.language_models = (
            narratives_lang.load_models() if self.taxonomy.name == "semeval2025" else {}
        )

    @property
    def zero_shot(self) -> bool:
        return self.model is None

    def unavailable_reason(self, doc: Document, upstream: Iterable[str] = ()) -> str | None:
        if language_of(doc) in self.language_models:  # needs no sentence vectors
            return None
        return super().unavailable_reason(doc, upstream)

    def process(self, docs: list[Document]) -> None:
        own = [doc for doc in docs if language_of(doc) not in self.language_models]
        tfidf = (  # the TF-IDF heads score the whole batch in one product
            self.model.tfidf_probs(
                [doc.text for doc in own], [word_ngram_counts(doc) for doc in own]
            )
            if self.model is not None and self.model.tfidf_weight > 0 and own
            else None
        )
        rows = {id(doc): i for i, doc in enumerate(own)}
        for doc in docs:
            model = self.language_models.get(language_of(doc) or "")
            if model is not None:
                doc.narratives = narratives_lang.analyse(doc, model, self.taxonomy, decide_rule)
            else:
                doc.narratives = self.analyse(doc, None if tfidf is None else tfidf[rows[id(doc)]])

    def analyse(self, doc: Document, tfidf_probs: np.ndarray | None = None) -> NarrativeLayer:
        vectors = body_rows(sentence_vectors(doc), [s.paragraph for s in doc.sentences])
        domain_scores = None
        if self.model is not None:
            scores, domain_scores = self.model.score(vectors, doc.text, tfidf_probs)
            thresholds = dict(self.model.thresholds)
        else:
            assert self.taxonomy.path is not None
            scores = zero_shot_scores(
                vectors, str(self.taxonomy.path), self.encoder, margin=self.margin
            )
            thresholds = {}
        label_vectors = self._directions
        if self.threshold is not None:
            thresholds = {label: self.threshold for label in scores}
        rule: dict[str, Any] = (
            self.model.decision if self.model is not None else {"rule": "thresholds"}
        )
        if rule["rule"] == "ranked" and self.threshold is None:
            decision = decide_ranked(
                self.taxonomy, scores, rule["other_gate"], rule["relative"], domain_scores
            )
        else:
            decision = decide(self.taxonomy, scores, thresholds, domain_scores)
        layer = NarrativeLayer(taxonomy=self.taxonomy.name, domain=decision.domain)
        paragraphs = paragraph_vectors(doc) if doc.paragraphs else np.zeros((0, 1))
        for label, score in sorted(decision.narratives.items(), key=lambda kv: -kv[1]):
            evidence = (
                self._evidence(doc, paragraphs, label, decision.subnarratives)
                if label != self.taxonomy.other
                else []
            )
            layer.narratives.append(
                NarrativeLabel(
                    label=label, level="narrative", score=round(score, 4), evidence=evidence
                )
            )
        for label, score in sorted(decision.subnarratives.items(), key=lambda kv: -kv[1]):
            parent = self.taxonomy.parent(label)
            evidence = (
                self._evidence(doc, paragraphs, label, {}) if label != self.taxonomy.other else []
            )
            layer.subnarratives.append(
                NarrativeLabel(
                    label=label,
                    level="subnarrative",
                    parent=parent,
                    score=round(score, 4),
                    evidence=evidence,
                )
            )
        for label in self._candidates(scores, decision):
            evidence = self._evidence(doc, paragraphs, label, {})
            layer.candidates.append(
                NarrativeLabel(
                    label=label, level="narrative", score=round(scores[label], 4), evidence=evidence
                )
            )
        contracts.NARRATIVE_SCORES.put(doc, scores)
        contracts.NARRATIVE_DIRECTIONS.put(doc, label_vectors)
        return layer

    def _candidates(self, scores: dict[str, float], decision: Decision) -> list[str]:
        """The best-scoring narratives that were not chosen, in the decided domain."""
        domain = decision.domain
        pool = [
            n
            for n in self.taxonomy.narratives
            if n in scores
            and n not in decision.narratives
            and (domain is None or self.taxonomy.domain(n) == domain)
        ]
        return sorted(pool, key=lambda n: (-scores[n], n))[:CANDIDATES]

    @cached_property
    def _directions(self) -> dict[str, np.ndarray]:
        """Evidence directions per label, the same for every article: computed once."""
        if self.model is not None:
            return specific_directions(dict(zip(self.model.labels, self.model.evidence_vectors)))
        return specific_directions(self._prompt_centroids())

    def _prompt_centroids(self) -> dict[str, np.ndarray]:
        assert self.taxonomy.path is not None
        labels, prompts, owners = zero_shot_vectors(str(self.taxonomy.path), self.encoder)
        return {
            label: _unit(prompts[owners == i].mean(axis=0))
            for i, label in enumerate(labels)
            if (owners == i).any()
        }

    @cached_property
    def _label_directions(self) -> dict[str, np.ndarray]:
        """Each label's evidence direction as a unit vector (what `_evidence` scores paragraphs
        against when no subnarrative of the label was chosen), computed once."""
        return {
            label: _unit(vector + np.zeros_like(vector))
            for label, vector in self._directions.items()
        }

    def _evidence(
        self, doc: Document, paragraphs: np.ndarray, label: str, subs: dict[str, float]
    ) -> list[Any]:
        """The body paragraphs closest to the label (and its chosen subnarratives)."""
        label_vectors = self._directions
        if label not in label_vectors or len(paragraphs) == 0:
            return []
        chosen = [
            label_vectors[s]
            for s in subs
            if self.taxonomy.parent(s) == label and s in label_vectors
        ]
        direction = (
            _unit(label_vectors[label] + sum(chosen, np.zeros_like(label_vectors[label])))
            if chosen
            else self._label_directions[label]
        )
        ranked = np.argsort(-(paragraphs @ direction))
        if len(paragraphs) > 1:  # the title is evidence only when it is all there is
            ranked = ranked[ranked > 0]
        return [
            doc.span(doc.paragraphs[i].start, doc.paragraphs[i].end)
            for i in ranked[:EVIDENCE_PARAGRAPHS].tolist()
        ]
