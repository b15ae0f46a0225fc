"""What analyzers exchange: the document fields they fill and the typed cache keys they share.

Every analyzer declares `requires` (inputs an earlier analyzer must produce), `optional` (inputs
it uses when an earlier analyzer produced them) and `produces`, all from this module. `Pipeline`
checks the declarations when it is built, so a pipeline with a missing or misplaced step fails
before any document is read, naming the analyzer, the input and who produces it.

Intermediate results that are not part of the output document (the spaCy parse, the sentence
vectors, the narrative scores) travel in `doc.cache` under the `CacheKey`s below: `KEY.get(doc)`
raises a clear error when the value is missing instead of silently returning a default.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Generic, TypeVar

if TYPE_CHECKING:
    from collections import Counter

    import numpy as np

    from narrascope.document import Document
    from narrascope.relations.mentions import Mentions

T = TypeVar("T")


class MissingInput(RuntimeError):
    """An analyzer ran without an input its contract promised (a bug in a custom pipeline)."""


@dataclass(frozen=True)
class DocField:
    """A field of the output `Document` (dotted for a nested one)."""

    name: str
    description: str

    def __str__(self) -> str:
        return f"doc.{self.name}"


@dataclass(frozen=True)
class CacheKey(Generic[T]):
    """A typed entry of `doc.cache`: intermediate results shared between analyzers of a batch."""

    name: str
    description: str

    def __str__(self) -> str:
        return f"cache[{self.name}]"

    def get(self, doc: Document) -> T:
        try:
            return doc.cache[self.name]
        except KeyError:
            raise MissingInput(
                f"{self} is missing for document {doc.id!r}: {self.description} "
                f"(is the analyzer that produces it in the pipeline, before this one?)"
            ) from None

    def put(self, doc: Document, value: T) -> None:
        doc.cache[self.name] = value

    def has(self, doc: Document) -> bool:
        return self.name in doc.cache


Requirement = DocField | CacheKey[Any]

# --- document fields ------------------------------------------------------------------------

PARAGRAPHS = DocField("paragraphs", "paragraph offsets")
SENTENCES = DocField("sentences", "sentence offsets")
LANGUAGE = DocField("language", "the detected language")
ENTITIES = DocField("entities", "named-entity mentions")
ACTORS = DocField("actors", "actor mentions linked to the gazetteer")
RELATIONS = DocField("relations", "relations between actors")
CLAIMS = DocField("claims", "check-worthy claims")
NARRATIVES = DocField("narratives", "narratives and subnarratives")
EXPLANATION = DocField("narratives.explanation", "the explanation of the dominant narrative")
ROLES = DocField("roles", "role profiles of entities")
TECHNIQUES = DocField("techniques", "persuasion techniques")
GENRE = DocField("genre", "the article's genre")
FRAMES = DocField("frames", "policy frames")

# --- cache keys -----------------------------------------------------------------------------

SPACY_PARSE: CacheKey[Any] = CacheKey("spacy", "the spaCy parse of doc.text")
MENTIONS: CacheKey[Mentions] = CacheKey(
    "mentions", "gazetteer mentions (actors, places, weapons) over the parse"
)
SENTENCE_VECTORS: CacheKey[np.ndarray] = CacheKey(
    "sentence_vectors", "(n_sentences, dimension) unit vectors of the pipeline's encoder"
)
TOKEN_STATES: CacheKey[list[Any]] = CacheKey(
    "token_states",
    "per sentence, the backbone's token states and offsets (encoders.minilm.TokenStates), "
    "when the encoder gives them",
)
NARRATIVE_SCORES: CacheKey[dict[str, float]] = CacheKey(
    "narrative_scores", "the score of every label of the narrative taxonomy"
)
NARRATIVE_DIRECTIONS: CacheKey[dict[str, np.ndarray]] = CacheKey(
    "narrative_label_vectors", "per label, the direction its evidence was chosen by"
)
WORD_NGRAMS: CacheKey[Counter[str]] = CacheKey(
    "word_ngrams", "word uni- and bigram counts of doc.text (a memo: counted once per batch)"
)
ROLE_CUE_MEMO: CacheKey[dict[str, Any]] = CacheKey(
    "role_cues", "the roles analyzer's own memo of parse cues (private to it)"
)
