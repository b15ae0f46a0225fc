"""The typed document that flows through the pipeline.

One `Document` per article. Analyzers fill its layers; every layer item that points into the
text carries `start`/`end` character offsets into `Document.text` (end exclusive) and, where it
quotes text, `text[start:end]` equals the quote. `Document.check_offsets()` verifies that.

Transient state shared between analyzers (the spaCy parse, the backbone's vectors) lives in
private attributes and is never serialised.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterator
from datetime import date, datetime
from typing import Any, Literal, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr

SCHEMA_VERSION = "1.2"


class Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Span(Model):
    """A range of the article text: `text == document.text[start:end]`."""

    start: int
    end: int
    text: str


class Paragraph(Model):
    index: int
    start: int
    end: int


class Sentence(Model):
    index: int
    paragraph: int
    start: int
    end: int


class LabelScore(Model):
    label: str
    score: float


class Language(Model):
    code: str
    score: float


class EntityMention(Span):
    """A named-entity mention; `entity` groups mentions of the same thing within the article."""

    label: str
    entity: str
    actor: str | None = None


# --- narratives, roles, explanation -------------------------------------------------------


class NarrativeLabel(Model):
    label: str
    level: Literal["narrative", "subnarrative"]
    parent: str | None = None
    score: float
    evidence: list[Span] = Field(default_factory=list)


class Explanation(Model):
    narrative: str
    subnarrative: str | None = None
    text: str
    evidence: list[Span] = Field(default_factory=list)


class NarrativeLayer(Model):
    taxonomy: str
    domain: str | None = None
    narratives: list[NarrativeLabel] = Field(default_factory=list)
    subnarratives: list[NarrativeLabel] = Field(default_factory=list)
    # narratives the article came closest to without being chosen, best first: context for a
    # reader (above all when the decision is "Other"), never predictions
    candidates: list[NarrativeLabel] = Field(default_factory=list)
    explanation: Explanation | None = None


class RoleMention(Span):
    main_role: str
    main_score: float
    fine_roles: list[LabelScore] = Field(default_factory=list)


class RoleProfile(Model):
    """All mentions of one entity in an article and the roles the article casts it in."""

    entity: str
    actor: str | None = None
    main_role: str
    main_scores: list[LabelScore] = Field(default_factory=list)
    fine_roles: list[LabelScore] = Field(default_factory=list)
    mentions: list[RoleMention] = Field(default_factory=list)


# --- persuasion techniques, genre, frames -------------------------------------------------


class TechniqueSpan(Span):
    technique: str
    score: float
    paragraph: int


class ParagraphTechniques(Model):
    paragraph: int
    start: int
    end: int
    labels: list[LabelScore] = Field(default_factory=list)


class TechniqueLayer(Model):
    paragraphs: list[ParagraphTechniques] = Field(default_factory=list)
    spans: list[TechniqueSpan] = Field(default_factory=list)


class Genre(Model):
    label: str
    score: float
    scores: list[LabelScore] = Field(default_factory=list)


class FrameLayer(Model):
    labels: list[str] = Field(default_factory=list)
    scores: list[LabelScore] = Field(default_factory=list)


# --- actors, relations, claims -------------------------------------------------------------

Modality = Literal[
    "asserted", "reported", "alleged", "planned", "hypothetical", "called_for", "denied"
]
MODALITIES: tuple[str, ...] = get_args(Modality)
# the ten relation types of the guideline, in the order the learned model's heads use
RELATION_TYPES = (
    "supplies_weapons",
    "military_cooperation",
    "attacks",
    "threatens",
    "accuses_condemns",
    "sanctions",
    "violates",
    "negotiates",
    "supports",
    "demands",
)


class ActorMention(Span):
    """A mention normalised to an actor id (ISO-3166 alpha-3, an organisation or armed-group id)."""

    actor: str
    kind: Literal["state", "organisation", "armed_group", "bloc"]
    entity_index: int | None = None


class Relation(Model):
    source: str
    type: str
    target: str
    object: str = ""
    modality: Modality = "asserted"
    attribution: str = ""
    start: int
    end: int
    sentence: str
    confidence: float = 1.0
    trigger: Span | None = None


class Claim(Span):
    kind: Literal["factual", "opinion", "call_to_action"]
    modality: Modality = "asserted"
    attribution: str = ""
    score: float = 0.0


# --- the document --------------------------------------------------------------------------


class Failure(Model):
    """An input that could not be analysed, with a one-line reason."""

    input: str
    reason: str

    @classmethod
    def of(cls, doc: Document, reason: str | BaseException) -> Failure:
        """The failure of an analysed document: named by its input (else its id); an exception
        becomes a one-line 'analysis failed: Type: message'."""
        if isinstance(reason, BaseException):
            reason = f"analysis failed: {type(reason).__name__}: {reason}"
        return cls(input=str(doc.meta.get("input", doc.id)), reason=reason)


class Document(Model):
    """An article and the layers analysers add to it."""

    schema_version: str = SCHEMA_VERSION
    id: str
    title: str = ""
    text: str
    source: str | None = None
    url: str | None = None
    published: date | datetime | None = None
    language: Language | None = None
    content_hash: str = ""
    meta: dict[str, Any] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)

    paragraphs: list[Paragraph] = Field(default_factory=list)
    sentences: list[Sentence] = Field(default_factory=list)
    entities: list[EntityMention] = Field(default_factory=list)
    narratives: NarrativeLayer | None = None
    roles: list[RoleProfile] = Field(default_factory=list)
    techniques: TechniqueLayer | None = None
    genre: Genre | None = None
    frames: FrameLayer | None = None
    actors: list[ActorMention] = Field(default_factory=list)
    relations: list[Relation] = Field(default_factory=list)
    claims: list[Claim] = Field(default_factory=list)
    analyzers: list[str] = Field(default_factory=list)
    # layers the pipeline ran but could not compute for this article, with the reason
    # (e.g. {"relations": "language ru"}): an empty layer here means "not analysed", not "none found"
    unavailable: dict[str, str] = Field(default_factory=dict)

    _cache: dict[str, Any] = PrivateAttr(default_factory=dict)

    def model_post_init(self, __context: Any) -> None:
        if not self.content_hash:
            self.content_hash = content_hash(self.text)

    @property
    def cache(self) -> dict[str, Any]:
        """Transient per-document state shared by analyzers (parse, vectors); never serialised.

        Read from pydantic's store of private attributes directly: `self._cache` goes through
        `BaseModel.__getattr__`, a few microseconds on every vector or parse lookup."""
        private = self.__pydantic_private__
        return private["_cache"] if private is not None else self._cache

    def span(self, start: int, end: int) -> Span:
        return Span(start=start, end=end, text=self.text[start:end])

    def sentence_text(self, sentence: Sentence) -> str:
        return self.text[sentence.start : sentence.end]

    def paragraph_text(self, paragraph: Paragraph) -> str:
        return self.text[paragraph.start : paragraph.end]

    def iter_spans(self) -> Iterator[tuple[str, Any]]:
        """Every object in the layers that carries offsets, with the layer it belongs to."""
        yield from _walk("document", self, root=True)

    def check_offsets(self) -> list[str]:
        """Offsets that fall outside the text or quotes that differ from the text they point at."""
        problems: list[str] = []
        n = len(self.text)
        for where, item in self.iter_spans():
            start, end = item.start, item.end
            if not (0 <= start <= end <= n):
                problems.append(f"{where}: [{start}, {end}) outside text of length {n}")
                continue
            quoted = (
                getattr(item, "text", None) if not isinstance(item, Relation) else item.sentence
            )
            if isinstance(quoted, str) and quoted != self.text[start:end]:
                problems.append(f"{where}: quote {quoted[:40]!r} != text[{start}:{end}]")
        return problems

    def to_json(self) -> str:
        return self.model_dump_json(exclude_none=False)


def _walk(where: str, obj: Any, root: bool = False) -> Iterator[tuple[str, Any]]:
    if isinstance(obj, BaseModel):
        if not root and hasattr(obj, "start") and hasattr(obj, "end"):
            yield where, obj
        for name in type(obj).model_fields:
            if root and name == "text":
                continue
            yield from _walk(f"{where}.{name}", getattr(obj, name))
    elif isinstance(obj, list):
        for i, item in enumerate(obj):
            yield from _walk(f"{where}[{i}]", item)


_WS = re.compile(r"\s+")


def normalise_for_hash(text: str) -> str:
    """Case, Unicode form and whitespace do not make two articles different."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def content_hash(text: str) -> str:
    return hashlib.sha256(normalise_for_hash(text).encode("utf-8")).hexdigest()[:32]


def result_json_schema() -> dict[str, Any]:
    """The JSON schema of one result document (what `narrascope schema` prints)."""
    schema = Document.model_json_schema()
    schema["$id"] = f"urn:narrascope:document:{SCHEMA_VERSION}"
    schema["title"] = f"narrascope document {SCHEMA_VERSION}"
    return schema
