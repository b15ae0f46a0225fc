"""Entity roles: how an article casts each actor (Protagonist / Antagonist / Innocent and 22 fine roles).

Each mention is described by entity-centred context, all from what the pipeline already has:
the backbone vectors of the mention's sentence, of every sentence mentioning the same entity and
of the whole article, plus cheap lexical cues from the spaCy parse (the mention's dependency
relation, the word that governs it, the words around it, the entity's own name), hashed into a
fixed-size vector. A multinomial head picks the main role; one-vs-rest heads score the fine
roles, and only fine roles of the chosen main role are kept (the best one, plus any other above
its threshold). Mentions of one entity (same actor id when the `actors` layer ran, else the same
grouped name) are averaged into one `RoleProfile`.
"""

from __future__ import annotations

import bisect
import json
import math
import re
from collections import Counter, defaultdict
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.feature_extraction import FeatureHasher

from narrascope.analyzers.base import Analyzer
from narrascope.analyzers.embeddings import sentence_vectors
from narrascope.document import Document, LabelScore, RoleMention, RoleProfile
from narrascope.taxonomies import load_roles

PACKAGED_MODEL = Path(__file__).resolve().parents[1] / "models" / "roles"
ROLE_ENTITY_LABELS = frozenset({"GPE", "ORG", "PERSON", "NORP"})
HASH_DIM = 2**11
WINDOW = 5
_HASHER = FeatureHasher(n_features=HASH_DIM, input_type="string", alternate_sign=False)
_WORD = re.compile(r"\w+")


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-12)


def sentence_index(doc: Document, offset: int) -> int:
    """The index of the sentence that contains (or precedes) a character offset."""
    starts = [s.start for s in doc.sentences]
    return max(0, bisect.bisect_right(starts, offset) - 1)


def lexical_cues(parsed: Any, start: int, end: int, mention: str) -> list[str]:
    """Hashable cue strings for one mention: its syntax, its governor, nearby words, its name."""
    cues = [f"m={w.lower()}" for w in _WORD.findall(mention)]
    if parsed is None:
        return cues
    span = parsed.char_span(start, end, alignment_mode="expand")
    if span is None or len(span) == 0:
        return cues
    root = span.root
    head = root.head
    cues += [f"dep={root.dep_}", f"head={head.lower_}", f"headdep={head.dep_}", f"dep+head={root.dep_}:{head.lower_}"]
    if root.dep_ == "pobj" and head.head is not None:
        cues += [f"prep={head.lower_}:{head.head.lower_}", f"head2={head.head.lower_}"]
    if root.dep_ in {"poss", "compound", "amod"}:
        cues.append(f"modifies={head.lower_}")
    if span.ents:
        cues.append(f"ent={span.ents[0].label_}")
    sent = span.sent
    left = parsed[max(sent.start, span.start - WINDOW) : span.start]
    right = parsed[span.end : min(sent.end, span.end + WINDOW)]
    cues += [f"l={t.lower_}" for t in left if t.is_alpha]
    cues += [f"r={t.lower_}" for t in right if t.is_alpha]
    cues += [f"neg" for t in sent if t.dep_ == "neg" and t.head == head]
    return cues


def entity_rows(doc: Document, mention: str, extra_offsets: list[int]) -> list[int]:
    """Sentences mentioning the same entity: its surface form anywhere, plus the given offsets."""
    rows = {sentence_index(doc, o) for o in extra_offsets}
    needle = mention.strip().casefold()
    if len(needle) >= 2:
        lowered = doc.text.casefold()
        for match in re.finditer(re.escape(needle), lowered):
            rows.add(sentence_index(doc, match.start()))
    return sorted(rows)


def mention_features(
    doc: Document, start: int, end: int, parsed: Any, same_entity_offsets: list[int] | None = None
) -> tuple[np.ndarray, list[str]]:
    """Dense context (sentence, entity sentences, article) and lexical cues of one mention."""
    vectors = sentence_vectors(doc)
    dim = vectors.shape[1] if vectors.ndim == 2 and len(vectors) else 384
    if len(vectors) == 0:
        return np.zeros(3 * dim + 2, np.float32), []
    row = sentence_index(doc, start)
    rows = entity_rows(doc, doc.text[start:end], [start, *(same_entity_offsets or [])])
    body = [i for i, s in enumerate(doc.sentences) if s.paragraph > 0] or list(range(len(vectors)))
    dense = np.concatenate(
        [
            vectors[row],
            _unit(vectors[rows].mean(axis=0)),
            _unit(vectors[body].mean(axis=0)),
            [math.log1p(len(rows)) / 3.0, rows[0] / max(len(vectors), 1)],
        ]
    ).astype(np.float32)
    return dense, lexical_cues(parsed, start, end, doc.text[start:end])


def feature_matrix(rows: list[tuple[np.ndarray, list[str]]]) -> np.ndarray:
    """Dense parts and hashed cues side by side, one row per mention."""
    if not rows:
        return np.zeros((0, HASH_DIM), np.float32)
    dense = np.stack([r[0] for r in rows])
    hashed = _HASHER.transform([r[1] for r in rows]).toarray().astype(np.float32)
    return np.hstack([dense, np.minimum(hashed, 1.0)])


class RoleModel:
    """Main-role and fine-role heads on standardised mention features."""

    def __init__(self, path: Path) -> None:
        meta = json.loads((path / "model.json").read_text(encoding="utf-8"))
        w = np.load(path / "weights.npz")
        self.main_roles: list[str] = meta["main_roles"]
        self.fine_roles: list[str] = meta["fine_roles"]
        self.threshold: float = meta["fine_threshold"]
        self.mean, self.scale = w["mean"], w["scale"]
        self.main_coef, self.main_intercept = w["main_coef"], w["main_intercept"]
        self.fine_coef, self.fine_intercept = w["fine_coef"], w["fine_intercept"]

    def probabilities(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(n, 3) main-role probabilities (softmax) and (n, 22) fine-role probabilities."""
        xs = (x - self.mean) / self.scale
        logits = xs @ self.main_coef.T + self.main_intercept
        main = np.exp(logits - logits.max(axis=1, keepdims=True))
        main /= main.sum(axis=1, keepdims=True)
        fine = 1.0 / (1.0 + np.exp(-(xs @ self.fine_coef.T + self.fine_intercept)))
        return main, fine


def choose_roles(main: np.ndarray, fine: np.ndarray, main_roles: list[str], fine_roles: list[str], threshold: float) -> tuple[str, list[LabelScore]]:
    """The main role, and its fine roles: the best one always, others at or above `threshold`."""
    main_of = load_roles().main_of
    chosen = main_roles[int(np.argmax(main))]
    candidates = sorted(
        ((fine_roles[j], float(fine[j])) for j in range(len(fine_roles)) if main_of[fine_roles[j]] == chosen),
        key=lambda kv: -kv[1],
    )
    kept = [c for i, c in enumerate(candidates) if i == 0 or c[1] >= threshold]
    return chosen, [LabelScore(label=label, score=round(score, 4)) for label, score in kept]


@lru_cache(maxsize=4)
def load_model(path: str) -> RoleModel:
    return RoleModel(Path(path))


def _parse(doc: Document, model: str = "en_core_web_sm") -> Any:
    """The spaCy parse: reused from the `entities` analyzer, or made once here when it did not run."""
    if "spacy" not in doc.cache:
        from narrascope.analyzers.entities import load_spacy

        doc.cache["spacy"] = load_spacy(model, True)(doc.text)
    return doc.cache["spacy"]


def classify_mentions(
    doc: Document, spans: list[tuple[int, int]], model: str | Path | None = None, groups: list[list[int]] | None = None
) -> list[RoleMention]:
    """Roles of given mentions (end-exclusive offsets) in a segmented, embedded document.

    `groups[i]` may list other offsets where mention i's entity is mentioned (entity context).
    """
    role_model = load_model(str(Path(model or PACKAGED_MODEL).resolve()))
    parsed = _parse(doc)
    rows = [mention_features(doc, s, e, parsed, groups[i] if groups else None) for i, (s, e) in enumerate(spans)]
    if not rows:
        return []
    main, fine = role_model.probabilities(feature_matrix(rows))
    out = []
    for (start, end), m, f in zip(spans, main, fine):
        chosen, fines = choose_roles(m, f, role_model.main_roles, role_model.fine_roles, role_model.threshold)
        out.append(
            RoleMention(start=start, end=end, text=doc.text[start:end], main_role=chosen,
                        main_score=round(float(m.max()), 4), fine_roles=fines)
        )
    return out


def group_key(doc: Document, start: int, end: int, entity: str) -> tuple[str, str | None]:
    """(profile name, actor id): mentions with the same actor id, else the same entity name, form one profile."""
    for actor in doc.actors:
        if actor.start < end and start < actor.end:
            return actor.actor, actor.actor
    return entity, None


def profile_name(names: list[str]) -> str:
    """The name a profile is shown under: the most frequent of its mentions' names, then the shortest
    (a headline that NER took for a place must not name the profile of the country it mentions)."""
    counts = Counter(names)
    return min(counts, key=lambda name: (-counts[name], len(name), name))


class Roles(Analyzer):
    name = "roles"
    requires = ("segmentation", "entities", "embeddings")
    produces = ("roles",)

    def __init__(self, model: str = "", max_entities: int = 30) -> None:
        self.path = Path(model) if model else PACKAGED_MODEL
        if not (self.path / "model.json").is_file():
            raise FileNotFoundError(f"roles: no model at {self.path}; run `narrascope train roles`")
        self.model = load_model(str(self.path.resolve()))
        self.max_entities = max_entities

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            doc.roles = self.profiles(doc)

    def classify_mentions(self, doc: Document, spans: list[tuple[int, int]]) -> list[RoleMention]:
        """Roles of given mentions (end-exclusive), with this analyzer's model."""
        return classify_mentions(doc, spans, self.path)

    def profiles(self, doc: Document) -> list[RoleProfile]:
        groups: dict[str, list[int]] = defaultdict(list)
        actor_of: dict[str, str | None] = {}
        mentions = [m for m in doc.entities if m.label in ROLE_ENTITY_LABELS]
        for i, m in enumerate(mentions):
            key, actor = group_key(doc, m.start, m.end, m.entity)
            groups[key].append(i)
            actor_of[key] = actor
        names = {key: profile_name([mentions[i].entity for i in idx]) for key, idx in groups.items()}
        # the most mentioned entities first; rarely mentioned ones beyond the cap are skipped
        keys = sorted(groups, key=lambda k: (-len(groups[k]), mentions[groups[k][0]].start))[: self.max_entities]
        if not keys:
            return []
        parsed = _parse(doc)
        spans, rows, owner = [], [], []
        for key in keys:
            offsets = [mentions[i].start for i in groups[key]]
            for i in groups[key]:
                m = mentions[i]
                spans.append((m.start, m.end))
                rows.append(mention_features(doc, m.start, m.end, parsed, offsets))
                owner.append(key)
        main, fine = self.model.probabilities(feature_matrix(rows))
        profiles = []
        for key in keys:
            idx = [j for j, o in enumerate(owner) if o == key]
            mean_main, mean_fine = main[idx].mean(axis=0), fine[idx].mean(axis=0)
            chosen, fines = choose_roles(mean_main, mean_fine, self.model.main_roles, self.model.fine_roles, self.model.threshold)
            role_mentions = []
            for j in idx:
                m_role, m_fines = choose_roles(main[j], fine[j], self.model.main_roles, self.model.fine_roles, self.model.threshold)
                start, end = spans[j]
                role_mentions.append(
                    RoleMention(start=start, end=end, text=doc.text[start:end], main_role=m_role,
                                main_score=round(float(main[j].max()), 4), fine_roles=m_fines)
                )
            profiles.append(
                RoleProfile(
                    entity=names[key], actor=actor_of[key], main_role=chosen,
                    main_scores=[LabelScore(label=r, score=round(float(s), 4)) for r, s in zip(self.model.main_roles, mean_main)],
                    fine_roles=fines, mentions=role_mentions,
                )
            )
        return profiles
