"""Entity roles in Russian, Bulgarian, Portuguese and Hindi articles, without the sentence backbone.

The English role model reads MiniLM vectors and a spaCy parse, neither of which exists for these
languages. This model reads only the text around a mention: character 3-5 grams of a wide window
(so inflected forms share features), the words just left and right of the mention (tagged by
side), the mention's own words, and its actor id, bloc and language. One main-role head and one
head per fine role (competing within its main role) sit over those features; the decision is the
English model's (`roles.choose_roles`, joint). An article's entities are its actors (from the
`actors` layer's name lists): mentions of one actor id form one profile.

Models are trained by `training.roles_lang` and live in `models/roles-lang/`.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from functools import cached_property, lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from scipy import sparse

if TYPE_CHECKING:  # imported where used: an English-only run never loads scikit-learn
    from sklearn.feature_extraction.text import TfidfVectorizer

from narrascope.analyzers.role_cues import actor_of, bloc_of
from narrascope.analyzers.role_decision import (
    choose_roles,
    main_role_scores,
    mention_roles,
    profile_name,
    share_main_scores,
)
from narrascope.document import Document, LabelScore, RoleMention, RoleProfile
from narrascope.text.actor_names import find_actor_names

PACKAGED = Path(__file__).resolve().parents[1] / "models" / "roles-lang"
WIDE = 300  # characters each side for the character n-grams
NEAR = 8  # words each side, tagged by side
_WORD = re.compile(r"[\w\u0900-\u097F]+")


def mention_actor(text: str, lang: str) -> str | None:
    """The actor id a mention's own text names, from the language's name list (else the English
    gazetteer, for Latin-script names)."""
    found = find_actor_names(text, lang) if lang != "en" else []
    return found[0].actor if found else actor_of(text)


def wide_window(text: str, start: int, end: int) -> str:
    """The text around a mention, the mention itself left out (its name is a feature of its own)."""
    return text[max(0, start - WIDE) : start] + " " + text[end : end + WIDE]


def near_tokens(text: str, start: int, end: int, actor: str | None, lang: str) -> str:
    """Space-separated tokens: nearby words by side, the mention's words, actor, bloc, language."""
    left = _WORD.findall(text[max(0, start - 200) : start].lower())[-NEAR:]
    right = _WORD.findall(text[end : end + 200].lower())[:NEAR]
    bloc = bloc_of(actor)
    tokens = [f"l_{w}" for w in left] + [f"r_{w}" for w in right]
    tokens += [f"m_{w}" for w in _WORD.findall(text[start:end].lower())]
    tokens += [f"a_{actor or 'none'}", f"b_{bloc}", f"g_{lang}", f"bg_{bloc}_{lang}"]
    return " ".join(tokens)


def make_vectorizers(max_chars: int, max_words: int) -> tuple[TfidfVectorizer, TfidfVectorizer]:
    from sklearn.feature_extraction.text import TfidfVectorizer

    chars = TfidfVectorizer(
        analyzer="char_wb", ngram_range=(3, 5), min_df=2, sublinear_tf=True, max_features=max_chars
    )
    words = TfidfVectorizer(
        token_pattern=r"\S+", lowercase=False, min_df=2, sublinear_tf=True, max_features=max_words
    )
    return chars, words


def features(
    chars: TfidfVectorizer, words: TfidfVectorizer, wide: list[str], near: list[str]
) -> sparse.csr_matrix:
    """Both TF-IDF blocks side by side, each unit length, scaled so a row has unit norm."""
    return (sparse.hstack([chars.transform(wide), words.transform(near)]) / np.sqrt(2)).tocsr()


def _restore(analyzer: str, ngrams: tuple[int, int], vocabulary: list[str], idf: np.ndarray):  # type: ignore[no-untyped-def]
    from sklearn.feature_extraction.text import TfidfVectorizer

    kwargs = {"token_pattern": r"\S+", "lowercase": False} if analyzer == "word" else {}
    vectorizer = TfidfVectorizer(
        analyzer=analyzer,
        ngram_range=ngrams,
        sublinear_tf=True,
        vocabulary=vocabulary,
        **kwargs,  # type: ignore[arg-type]
    )
    vectorizer.idf_ = np.asarray(idf, dtype=np.float64)
    return vectorizer


class LanguageRoleModel:
    """The pooled role heads for the languages listed in its `model.json`."""

    def __init__(self, path: Path) -> None:
        meta = json.loads((path / "model.json").read_text(encoding="utf-8"))
        weights = np.load(path / "weights.npz")
        self.languages: tuple[str, ...] = tuple(meta["languages"])
        self.main_roles: list[str] = meta["main_roles"]
        self.fine_roles: list[str] = meta["fine_roles"]
        self.threshold: float = meta["decision"]["fine_threshold"]
        self.joint: bool = meta["decision"]["rule"] == "joint"
        self._vocabularies = {"chars": meta["chars"], "words": meta["words"]}
        self._idf = {"chars": weights["chars_idf"], "words": weights["words_idf"]}
        self.main_coef = _dequantise(weights["main_coef"], weights["main_scale"])
        self.main_intercept = weights["main_intercept"].astype(np.float32)
        self.fine_coef = _dequantise(weights["fine_coef"], weights["fine_scale"])
        self.fine_intercept = weights["fine_intercept"].astype(np.float32)

    @cached_property
    def chars(self) -> Any:
        """Built on first use (it imports scikit-learn, which English articles never need)."""
        return _restore("char_wb", (3, 5), self._vocabularies["chars"], self._idf["chars"])

    @cached_property
    def words(self) -> Any:
        return _restore("word", (1, 1), self._vocabularies["words"], self._idf["words"])

    def probabilities(
        self, text: str, spans: list[tuple[int, int, str | None]], lang: str
    ) -> tuple[np.ndarray, np.ndarray]:
        """Main-role probabilities (softmax) and fine-role scores (sigmoid) of mentions
        (start, end, actor id) of one text."""
        x = features(
            self.chars,
            self.words,
            [wide_window(text, s, e) for s, e, _ in spans],
            [near_tokens(text, s, e, a, lang) for s, e, a in spans],
        )
        return head_scores(
            x, self.main_coef, self.main_intercept, self.fine_coef, self.fine_intercept
        )


def head_scores(
    x: sparse.csr_matrix,
    main_coef: np.ndarray,
    main_intercept: np.ndarray,
    fine_coef: np.ndarray,
    fine_intercept: np.ndarray,
) -> tuple[np.ndarray, np.ndarray]:
    """Softmax over the main-role logits, sigmoid of each fine head (shared with training)."""
    logits = np.asarray(x @ main_coef.T) + main_intercept
    logits -= logits.max(axis=1, keepdims=True)
    main = np.exp(logits)
    main /= main.sum(axis=1, keepdims=True)
    fine = 1.0 / (1.0 + np.exp(-(np.asarray(x @ fine_coef.T) + fine_intercept)))
    return main, fine


def quantise(coef: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """int8 weights with one scale per head (row): a quarter of float32's size."""
    scale = np.maximum(np.abs(coef).max(axis=1), 1e-12) / 127.0
    return np.round(coef / scale[:, None]).astype(np.int8), scale.astype(np.float32)


def _dequantise(coef: np.ndarray, scale: np.ndarray) -> np.ndarray:
    return coef.astype(np.float32) * scale[:, None]


@lru_cache(maxsize=2)
def load_model(folder: Path = PACKAGED) -> LanguageRoleModel | None:
    """The packaged model, or None when none is packaged."""
    return LanguageRoleModel(folder) if (folder / "model.json").is_file() else None


def profiles(
    doc: Document, model: LanguageRoleModel, lang: str, max_entities: int = 30
) -> list[RoleProfile]:
    """One role profile per actor id among the article's actors (most mentioned first; the
    language's name lists are read here when no `actors` step ran before)."""
    from narrascope.analyzers.actors import names_in

    actors = doc.actors or names_in(doc.text, lang)
    groups: dict[str, list[int]] = defaultdict(list)
    for i, actor in enumerate(actors):
        groups[actor.actor].append(i)
    keys = sorted(groups, key=lambda k: (-len(groups[k]), actors[groups[k][0]].start))
    keys = keys[:max_entities]
    if not keys:
        return []
    order = [i for key in keys for i in groups[key]]
    spans: list[tuple[int, int, str | None]] = [
        (actors[i].start, actors[i].end, actors[i].actor) for i in order
    ]
    main, fine = model.probabilities(doc.text, spans, lang)
    row = {i: j for j, i in enumerate(order)}

    def decide(m: np.ndarray, f: np.ndarray) -> tuple[str, list[LabelScore], np.ndarray]:
        chosen, fines = choose_roles(
            m, f, model.main_roles, model.fine_roles, model.threshold, model.joint
        )
        return (
            chosen,
            fines,
            main_role_scores(m, f, model.main_roles, model.fine_roles, model.joint),
        )

    out = []
    for key in keys:
        idx = [row[i] for i in groups[key]]
        chosen, fines, scores = decide(main[idx].mean(axis=0), fine[idx].mean(axis=0))
        mentions = []
        for i in groups[key]:
            m_role, m_fines, m_scores = decide(main[row[i]], fine[row[i]])
            actor = actors[i]
            mentions.append(
                RoleMention(
                    start=actor.start,
                    end=actor.end,
                    text=doc.text[actor.start : actor.end],
                    main_role=m_role,
                    main_score=round(float(m_scores.max()), 4),
                    fine_roles=m_fines,
                )
            )
        out.append(
            RoleProfile(
                entity=profile_name([actors[i].text for i in groups[key]]),
                actor=key,
                main_role=chosen,
                main_scores=[
                    LabelScore(label=r, score=round(float(s), 4))
                    for r, s in zip(model.main_roles, scores)
                ],
                fine_roles=fines,
                mentions=mentions,
            )
        )
    return out


def classify_mentions(
    doc: Document, spans: list[tuple[int, int]], model: LanguageRoleModel, lang: str
) -> list[RoleMention]:
    """Roles of given mentions (end-exclusive offsets); mentions naming the same actor (or, without
    one, the same case-folded name) share their main-role scores, as in training."""
    if not spans:
        return []
    actors = [mention_actor(doc.text[s:e], lang) for s, e in spans]
    main, fine = model.probabilities(
        doc.text, [(s, e, a) for (s, e), a in zip(spans, actors)], lang
    )
    keys = [a or doc.text[s:e].strip().casefold() for (s, e), a in zip(spans, actors)]
    main = share_main_scores(main, keys)
    return mention_roles(doc.text, spans, main, fine, model)
