"""Entity roles: how an article casts each actor (Protagonist / Antagonist / Innocent and 22 fine roles).

Each mention is described by entity-centred features, all from what the pipeline already has:
- `ctx`: backbone vectors of the mention's sentence, of every sentence mentioning the same entity
  and of the whole article;
- `bloc`: the entity's bloc (Russia, Ukraine, the West, other; from the actor gazetteer) crossed
  with the article vector, so one head can learn that the article's slant decides who is cast how;
- `lex`: hashed lexical cues from the spaCy parse (dependency relation, governing word, nearby
  words, the entity's own name);
- `cues`: hashed entity-centred cues (`role_cues`): agent or patient of which class of word
  (violence, deceit, protection, suffering, ...), and how the entity is described, for this
  mention and for the entity's other mentions in the article;
- `mention` (`mwin`): the backbone's token states pooled over the mention itself (and over a
  window of word pieces around it), and the mean of that over the entity's mentions
  (`mention_vectors`): which entity of a sentence the features are about;
- `rel`, `relc`: the relations (`relations` layer) the entity's actor takes part in, by type and
  direction, and crossed with the other side's bloc and aggressor camp (`role_relations`).
Which parts a model uses is stored in its package `config.json`. A head picks the main role and the fine
roles of that main role (the best one, plus any other above a threshold). Mentions of one entity
(same actor id when the `actors` layer ran, else the same grouped name) share one `RoleProfile`;
given mentions with the same surface form in an article share their main-role scores.
Entities that cannot act (weapons, treaties, headline phrases; `actorhood`) get no profile.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

import numpy as np

from narrascope import budget
from narrascope.analyzers import (
    actorhood,
    contracts,
    mention_vectors,
    role_cues,
    role_relations,
    roles_lang,
)
from narrascope.analyzers.base import Analyzer, language_of
from narrascope.analyzers.embeddings import sentence_vectors
from narrascope.analyzers.role_decision import (
    choose_roles,
    main_role_scores,
    mention_roles,
    profile_name,
    share_main_scores,
)
from narrascope.document import Document, LabelScore, RoleMention, RoleProfile
from narrascope.encoders import Encoder
from narrascope.models import ModelPackage, load_package, packaged_path
from narrascope.taxonomies import load_roles
from narrascope.text.hashing import FeatureHashing
from narrascope.text.parsed import first_entity_label, sentence_of

TASK = "roles"
PACKAGED_MODEL = packaged_path(TASK)
ROLE_ENTITY_LABELS = frozenset({"GPE", "ORG", "PERSON", "NORP"})
HASH_DIM = 2**11
WINDOW = 5
DENSE_PARTS = ("ctx", "bloc", "mention", "mwin")
TOKEN_PARTS = {
    "mention": 0,
    "mwin": 3,
}  # dense parts pooled from token states: window in word pieces
CUE_PARTS = ("lex", "cues", "side", *role_relations.RELATION_PARTS)
_HASHER = FeatureHashing(HASH_DIM)
_WORD = re.compile(r"\w+")


def _unit(v: np.ndarray) -> np.ndarray:
    return v / max(float(np.linalg.norm(v)), 1e-12)


def _sentence_starts(doc: Document) -> list[int]:
    """Sentence start offsets, built once per document and batch (not once per mention)."""
    cached = doc.cache.get("roles_sentence_starts")
    if cached is None or cached[0] is not doc.sentences or cached[1] != len(doc.sentences):
        cached = (doc.sentences, len(doc.sentences), [s.start for s in doc.sentences])
        doc.cache["roles_sentence_starts"] = cached
    return cached[2]


def sentence_index(doc: Document, offset: int) -> int:
    """The index of the sentence that contains (or precedes) a character offset."""
    return max(0, bisect.bisect_right(_sentence_starts(doc), offset) - 1)


def _folded(doc: Document) -> str:
    """The case-folded text, made once per document and batch."""
    cached = doc.cache.get("roles_folded")
    if cached is None or cached[0] is not doc.text:
        cached = (doc.text, doc.text.casefold())
        doc.cache["roles_folded"] = cached
    return cached[1]


def _surface_matches(doc: Document, needle: str, whole_words: bool) -> list[tuple[int, int]]:
    """Where a case-folded surface form occurs in the text (one scan per form and document)."""
    memo = doc.cache.setdefault("roles_surface", {})
    key = (needle, whole_words)
    if key not in memo:
        pattern = rf"(?<!\w){re.escape(needle)}(?!\w)" if whole_words else re.escape(needle)
        memo[key] = [(m.start(), m.end()) for m in re.finditer(pattern, _folded(doc))]
    return memo[key]


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
    cues += [
        f"dep={root.dep_}",
        f"head={head.lower_}",
        f"headdep={head.dep_}",
        f"dep+head={root.dep_}:{head.lower_}",
    ]
    if root.dep_ == "pobj" and head.head is not None:
        cues += [f"prep={head.lower_}:{head.head.lower_}", f"head2={head.head.lower_}"]
    if root.dep_ in {"poss", "compound", "amod"}:
        cues.append(f"modifies={head.lower_}")
    label = first_entity_label(span)
    if label is not None:
        cues.append(f"ent={label}")
    sent = sentence_of(parsed, span)
    left = parsed[max(sent.start, span.start - WINDOW) : span.start]
    right = parsed[span.end : min(sent.end, span.end + WINDOW)]
    cues += [f"l={t.lower_}" for t in left if t.is_alpha]
    cues += [f"r={t.lower_}" for t in right if t.is_alpha]
    cues += ["neg" for t in head.children if t.dep_ == "neg" and sent.start <= t.i < sent.end]
    return cues


def entity_spans(
    doc: Document, start: int, end: int, extra: list[tuple[int, int]] | None = None
) -> list[tuple[int, int]]:
    """Where the same entity is mentioned: the mention, its surface form anywhere, and `extra` spans."""
    spans = {(start, end), *(extra or [])}
    needle = doc.text[start:end].strip().casefold()
    if len(needle) >= 2:
        spans.update(_surface_matches(doc, needle, whole_words=True))
    return sorted(spans)


def entity_rows(doc: Document, mention: str, extra_offsets: list[int]) -> list[int]:
    """Sentences mentioning the same entity: its surface form anywhere, plus the given offsets."""
    rows = {sentence_index(doc, o) for o in extra_offsets}
    needle = mention.strip().casefold()
    if len(needle) >= 2:
        rows.update(sentence_index(doc, s) for s, _ in _surface_matches(doc, needle, False))
    return sorted(rows)


def mention_features(
    doc: Document,
    start: int,
    end: int,
    parsed: Any,
    same_entity: list[tuple[int, int]] | None = None,
    parts: tuple[str, ...] | None = None,
    group: str | None = None,
    encoder: Encoder | None = None,
) -> tuple[dict[str, np.ndarray], dict[str, list[str]]]:
    """Dense blocks and cue lists of one mention, by part name (see the module docstring); the
    costly `side` cues and the token-state parts only when `parts` (None: all but the
    token-state parts) asks for them; `encoder` gives token states the document lacks.

    `group` names the entity whose mentions `same_entity` lists; what depends only on the entity
    (its spans, sentences, the cues of its other mentions) is then computed once per entity, so
    an entity mentioned k times costs k, not k * k."""
    vectors = sentence_vectors(doc)
    dim = vectors.shape[1]
    mention = doc.text[start:end]
    memo = _cue_memo(doc)
    entity = _entity_context(doc, start, end, parsed, same_entity, group, vectors, memo)
    actor = role_cues.actor_of(mention)
    bloc = role_cues.bloc_of(actor)
    own = Counter(entity.cues_of((start, end), parsed, memo))
    others = sorted(c for c, n in entity.cues.items() if n > own[c])
    cues = {
        "lex": lexical_cues(parsed, start, end, mention),
        "cues": [
            *role_cues.mention_cues_cached(parsed, start, end, "m", memo),
            *others,
            f"bloc={bloc}",
            f"actor={actor}",
        ],
        "side": role_cues.side_cues(doc.text, parsed, bloc, memo)
        if parts is None or "side" in parts
        else [],
    }
    if parts is None or any(p in parts for p in role_relations.RELATION_PARTS):
        cues.update(
            role_relations.relation_cues(doc.relations, relation_actor(doc, start, end, actor))
        )
    token_parts = [p for p in TOKEN_PARTS if parts is not None and p in parts]
    if len(vectors) == 0:
        empty = {
            "ctx": np.zeros(3 * dim + 2, np.float32),
            "bloc": np.zeros(len(role_cues.BLOC_NAMES) * dim, np.float32),
        }
        return {**empty, **{p: np.zeros(2 * dim, np.float32) for p in token_parts}}, cues
    row = sentence_index(doc, start)
    article = _article_vector(doc, vectors)
    ctx = np.concatenate(
        [
            vectors[row],
            entity.mean,
            article,
            [math.log1p(len(entity.rows)) / 3.0, entity.rows[0] / max(len(vectors), 1)],
        ]
    )
    crossed = np.zeros((len(role_cues.BLOC_NAMES), dim), np.float32)
    crossed[role_cues.BLOC_NAMES.index(bloc)] = article
    dense = {"ctx": ctx.astype(np.float32), "bloc": crossed.ravel()}
    for part in token_parts:
        dense[part] = mention_vectors.mention_block(
            doc, (start, end), entity.spans, encoder, TOKEN_PARTS[part]
        )
    return dense, cues


def relation_actor(doc: Document, start: int, end: int, named: str | None) -> str | None:
    """The actor id the relations know a mention by: the overlapping actor mention's (when the
    `actors` layer ran), else the one its name gives."""
    found = _overlapping_actor(doc, start, end) if doc.actors else None
    return found.actor if found is not None else named


def _cue_memo(doc: Document) -> dict[str, Any]:
    if not contracts.ROLE_CUE_MEMO.has(doc):
        contracts.ROLE_CUE_MEMO.put(doc, {})
    return contracts.ROLE_CUE_MEMO.get(doc)


class _Entity:
    """What the features of a mention take from its whole entity: spans, their sentences and cues."""

    def __init__(
        self,
        doc: Document,
        spans: list[tuple[int, int]],
        parsed: Any,
        vectors: np.ndarray,
        memo: dict,
    ) -> None:
        self.spans = spans
        self.cues: Counter[str] = Counter()
        for span in spans:
            self.cues.update(self.cues_of(span, parsed, memo))
        self.rows = sorted({sentence_index(doc, s) for s, _ in spans})
        self.mean = _unit(vectors[self.rows].mean(axis=0)) if len(vectors) else np.zeros(0)

    @staticmethod
    def cues_of(span: tuple[int, int], parsed: Any, memo: dict) -> list[str]:
        return role_cues.mention_cues_cached(parsed, span[0], span[1], "e", memo)


def _entity_context(
    doc: Document,
    start: int,
    end: int,
    parsed: Any,
    same_entity: list[tuple[int, int]] | None,
    group: str | None,
    vectors: np.ndarray,
    memo: dict,
) -> _Entity:
    """The entity of a mention: `entity_spans` of it, shared by every mention that yields the same spans."""
    needle = doc.text[start:end].strip().casefold()
    if group is None and same_entity:  # an unnamed group: nothing to share safely
        return _Entity(doc, entity_spans(doc, start, end, same_entity), parsed, vectors, memo)
    key = ("entity", needle, group)
    if key not in memo:
        base = set(same_entity or [])
        if len(needle) >= 2:
            base.update(_surface_matches(doc, needle, whole_words=True))
        memo[key] = (base, {})
    base, built = memo[key]
    if (start, end) not in base:  # the spans of this mention differ: it is one more of them
        return _Entity(doc, sorted(base | {(start, end)}), parsed, vectors, memo)
    if "entity" not in built:
        built["entity"] = _Entity(doc, sorted(base), parsed, vectors, memo)
    return built["entity"]


def _article_vector(doc: Document, vectors: np.ndarray) -> np.ndarray:
    """The unit mean of the body sentences' vectors (all sentences when there is no body)."""
    cached = doc.cache.get("roles_article")
    if cached is None or cached[0] is not vectors:
        body = [i for i, s in enumerate(doc.sentences) if s.paragraph > 0] or list(
            range(len(vectors))
        )
        cached = (vectors, _unit(vectors[body].mean(axis=0)))
        doc.cache["roles_article"] = cached
    return cached[1]


def feature_matrix(
    rows: list[tuple[dict[str, np.ndarray], dict[str, list[str]]]], parts: tuple[str, ...]
) -> np.ndarray:
    """The chosen dense blocks, then the chosen cue lists hashed into one clipped block, one row per mention."""
    dense = [p for p in DENSE_PARTS if p in parts]
    cue_parts = [p for p in CUE_PARTS if p in parts]
    if not rows:
        return np.zeros((0, 0), np.float32)
    blocks = [np.stack([r[0][p] for r in rows]) for p in dense]
    if cue_parts:
        hashed = _HASHER.strings([[c for p in cue_parts for c in r[1][p]] for r in rows]).toarray()
        blocks.append(np.minimum(hashed, 1.0).astype(np.float32))
    return np.hstack(blocks).astype(np.float32)


def softmax(logits: np.ndarray) -> np.ndarray:
    e = np.exp(logits - logits.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


class RoleModel:
    """Main-role and fine-role heads on standardised mention features.

    `fine_head` "softmax": one multinomial head over the fine roles, whose probabilities summed by
    main role give the main-role scores; "ovr": a multinomial main-role head and one-vs-rest fine heads.
    """

    def __init__(self, package: ModelPackage) -> None:
        meta = package.config
        w = package.weights()
        self.main_roles: list[str] = meta["main_roles"]
        self.fine_roles: list[str] = meta["fine_roles"]
        self.threshold: float = meta["fine_threshold"]
        self.parts: tuple[str, ...] = tuple(meta.get("parts", ("ctx", "lex")))
        self.fine_head: str = meta.get("fine_head", "ovr")
        self.joint: bool = meta.get("decision", "main") == "joint"
        self.mean, self.scale = w["mean"], w["scale"]
        self.main_coef, self.main_intercept = w["main_coef"], w["main_intercept"]
        self.fine_coef, self.fine_intercept = w["fine_coef"], w["fine_intercept"]
        main_of = load_roles().main_of
        self.membership = np.array(
            [[main_of[f] == m for m in self.main_roles] for f in self.fine_roles], np.float32
        )

    def probabilities(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(n, 3) main-role probabilities and (n, 22) fine-role scores."""
        return head_probabilities(
            {
                "mean": self.mean,
                "scale": self.scale,
                "main_coef": self.main_coef,
                "main_intercept": self.main_intercept,
                "fine_coef": self.fine_coef,
                "fine_intercept": self.fine_intercept,
            },
            x,
            self.fine_head,
            self.membership,
        )


def head_probabilities(
    weights: dict[str, np.ndarray], x: np.ndarray, fine_head: str, membership: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Main-role probabilities and fine-role scores of feature rows under a weights dict (shared with training)."""
    xs = (x - weights["mean"]) / weights["scale"]
    fine_logits = xs @ weights["fine_coef"].T + weights["fine_intercept"]
    if fine_head == "softmax":
        fine = softmax(fine_logits)
        return fine @ membership, fine
    main = softmax(xs @ weights["main_coef"].T + weights["main_intercept"])
    return main, 1.0 / (1.0 + np.exp(-fine_logits))


def surface_key(mention: str) -> str:
    """Mentions of one entity in given-mention mode: same actor id, else the same case-folded name."""
    return role_cues.actor_of(mention) or mention.strip().casefold()


def load_model(path: str | Path | None, encoder: Encoder | None) -> RoleModel:
    """The package at `path` (None: the shipped one), checked against `encoder`, loaded once."""
    return _model(load_package(path, TASK, encoder))


@lru_cache(maxsize=4)
def _model(package: ModelPackage) -> RoleModel:
    return RoleModel(package)


def classify_mentions(
    doc: Document,
    spans: list[tuple[int, int]],
    role_model: RoleModel,
    encoder: Encoder | None = None,
) -> list[RoleMention]:
    """Roles of given mentions (end-exclusive offsets) in a parsed, segmented, embedded document.

    Given mentions of the same entity (same actor id or name) share their main-role scores;
    `encoder` gives token states the embeddings pass did not keep (models with `mention` parts)."""
    parsed = contracts.SPACY_PARSE.get(doc)
    rows = [
        mention_features(doc, s, e, parsed, parts=role_model.parts, encoder=encoder)
        for s, e in spans
    ]
    if not rows:
        return []
    main, fine = role_model.probabilities(feature_matrix(rows, role_model.parts))
    main = share_main_scores(main, [surface_key(doc.text[s:e]) for s, e in spans])
    return mention_roles(doc.text, spans, main, fine, role_model)


def group_key(doc: Document, start: int, end: int, entity: str) -> tuple[str, str | None]:
    """(profile name, actor id): mentions with the same actor id, else the same entity name, form one profile."""
    actor = _overlapping_actor(doc, start, end)
    return (actor.actor, actor.actor) if actor is not None else (entity, None)


def _overlapping_actor(doc: Document, start: int, end: int) -> Any:
    """The first actor (in layer order) overlapping [start, end), found by binary search."""
    cached = doc.cache.get("roles_actors")
    if cached is None or cached[0] is not doc.actors or cached[1] != len(doc.actors):
        order = sorted(range(len(doc.actors)), key=lambda i: doc.actors[i].start)
        longest = max((a.end - a.start for a in doc.actors), default=0)
        starts = [doc.actors[i].start for i in order]
        cached = (doc.actors, len(doc.actors), order, starts, longest)
        doc.cache["roles_actors"] = cached
    _, _, order, starts, longest = cached
    best = None
    j = bisect.bisect_left(starts, end) - 1  # actors starting before `end`
    while j >= 0 and starts[j] + longest > start:
        i = order[j]
        if doc.actors[i].end > start and (best is None or i < best):
            best = i
        j -= 1
    return doc.actors[best] if best is not None else None


class Roles(Analyzer):
    name = "roles"
    requires = (
        contracts.SENTENCES,
        contracts.ENTITIES,
        contracts.SPACY_PARSE,
        contracts.SENTENCE_VECTORS,
    )
    optional = (contracts.ACTORS, contracts.RELATIONS)
    produces = (contracts.ROLES,)
    uses_encoder = True

    def __init__(self, model: str = "", max_entities: int = 30, *, encoder: Encoder) -> None:
        self.model = load_model(model or None, encoder)
        self.encoder = encoder
        self.max_entities = max_entities
        # Russian, Bulgarian, Portuguese, Hindi: the backbone-free model over the actors layer
        self.language_model = roles_lang.load_model()

    def _language(self, doc: Document) -> str | None:
        """The article's language when the language model serves it (and English does not)."""
        code = language_of(doc)
        model = self.language_model
        return code if model is not None and code in model.languages else None

    def unavailable_reason(self, doc: Document, upstream: Iterable[str] = ()) -> str | None:
        if self._language(doc) is not None:  # needs no entities, parse or sentence vectors
            return None
        return super().unavailable_reason(doc, upstream)

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            code = self._language(doc)
            if code is not None and self.language_model is not None:
                doc.roles = roles_lang.profiles(doc, self.language_model, code, self.max_entities)
            else:
                doc.roles = self.profiles(doc)

    def classify_mentions(self, doc: Document, spans: list[tuple[int, int]]) -> list[RoleMention]:
        """Roles of given mentions (end-exclusive), with the model for the article's language."""
        code = self._language(doc)
        if code is not None and self.language_model is not None:
            return roles_lang.classify_mentions(doc, spans, self.language_model, code)
        return classify_mentions(doc, spans, self.model, self.encoder)

    def _scores(self, main: np.ndarray, fine: np.ndarray) -> np.ndarray:
        m = self.model
        return main_role_scores(main, fine, m.main_roles, m.fine_roles, m.joint)

    def profiles(self, doc: Document) -> list[RoleProfile]:
        groups: dict[str, list[int]] = defaultdict(list)
        actor_of: dict[str, str | None] = {}
        parsed = contracts.SPACY_PARSE.get(doc) if doc.entities else None
        mentions = [
            m
            for m in doc.entities
            if m.label in ROLE_ENTITY_LABELS
            and actorhood.is_actor(doc.text[m.start : m.end], parsed, m.start, m.end)
        ]
        for i, m in enumerate(mentions):
            key, actor = group_key(doc, m.start, m.end, m.entity)
            groups[key].append(i)
            actor_of[key] = actor
        for key in [
            k
            for k, idx in groups.items()
            if actorhood.headline_only(
                doc, [(mentions[i].start, mentions[i].end) for i in idx], actor_of[k]
            )
        ]:
            del groups[key]
        names = {
            key: profile_name([mentions[i].entity for i in idx]) for key, idx in groups.items()
        }
        # the most mentioned entities first; rarely mentioned ones beyond the cap are skipped
        keys = sorted(groups, key=lambda k: (-len(groups[k]), mentions[groups[k][0]].start))[
            : self.max_entities
        ]
        if not keys:
            return []
        spans, rows, owner = [], [], []
        for key in keys:
            budget.check()
            group_spans = [(mentions[i].start, mentions[i].end) for i in groups[key]]
            for start, end in group_spans:
                spans.append((start, end))
                rows.append(
                    mention_features(
                        doc,
                        start,
                        end,
                        parsed,
                        group_spans,
                        parts=self.model.parts,
                        group=key,
                        encoder=self.encoder,
                    )
                )
                owner.append(key)
        main, fine = self.model.probabilities(feature_matrix(rows, self.model.parts))
        profiles = []
        for key in keys:
            idx = [j for j, o in enumerate(owner) if o == key]
            mean_main, mean_fine = main[idx].mean(axis=0), fine[idx].mean(axis=0)
            chosen, fines = choose_roles(
                mean_main,
                mean_fine,
                self.model.main_roles,
                self.model.fine_roles,
                self.model.threshold,
                self.model.joint,
            )
            role_mentions = []
            for j in idx:
                m_role, m_fines = choose_roles(
                    main[j],
                    fine[j],
                    self.model.main_roles,
                    self.model.fine_roles,
                    self.model.threshold,
                    self.model.joint,
                )
                start, end = spans[j]
                role_mentions.append(
                    RoleMention(
                        start=start,
                        end=end,
                        text=doc.text[start:end],
                        main_role=m_role,
                        main_score=round(float(self._scores(main[j], fine[j]).max()), 4),
                        fine_roles=m_fines,
                    )
                )
            profiles.append(
                RoleProfile(
                    entity=names[key],
                    actor=actor_of[key],
                    main_role=chosen,
                    main_scores=[
                        LabelScore(label=r, score=round(float(s), 4))
                        for r, s in zip(self.model.main_roles, self._scores(mean_main, mean_fine))
                    ],
                    fine_roles=fines,
                    mentions=role_mentions,
                )
            )
        return profiles
