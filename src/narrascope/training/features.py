"""Shared training-time code for the narrative and role heads: corpus reading and cached vectors.

Training uses exactly the features the analyzers see at run time: the article is segmented by
`narrascope.text.segment` and every sentence is encoded by the shared backbone. Vectors come
from the persistent `VectorCache`, so a corpus is encoded once for all trainings and CV folds.

The SemEval-2025 Task 10 files are read directly here (title line, blank line, body; subtask-1
offsets have an inclusive end and count `\\r`, so files are opened with `newline=''`).
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import numpy as np

from narrascope.document import Document
from narrascope.text.segment import segment

LANGUAGES = ("EN", "BG", "HI", "PT", "RU")


@dataclass
class Article:
    """One training article: text, segmentation and (once encoded) its sentence vectors."""

    id: str
    language: str
    text: str
    narratives: list[str] = field(default_factory=list)
    subnarratives: list[str] = field(default_factory=list)
    vectors: np.ndarray | None = None

    def document(self) -> Document:
        """The article as a pipeline `Document`, segmented, with its vectors in the cache."""
        doc = Document(id=self.id, text=self.text)
        doc.paragraphs, doc.sentences = segment(self.text)
        if self.vectors is not None:
            doc.cache["sentence_vectors"] = self.vectors
        return doc


@dataclass
class RoleGold:
    """One annotated entity mention (subtask 1): offsets end-exclusive here."""

    article: str
    start: int
    end: int
    text: str
    main_role: str
    fine_roles: list[str]


def read_text(path: Path) -> str:
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def _split_labels(field_: str) -> list[str]:
    return sorted({x.strip() for x in field_.split(";") if x.strip()})


def read_narrative_articles(
    data: Path, languages: Iterable[str] = ("EN",), exclude_ids: Collection[str] | None = None
) -> list[Article]:
    """Subtask-2 articles with gold narratives from each language's `train_dec4` release, sorted by id."""
    exclude = set(exclude_ids or ())
    articles = []
    for lang in languages:
        folder = Path(data) / lang / "train_dec4"
        annotations = folder / "subtask-2-annotations.txt"
        if not annotations.is_file():
            continue
        for line in annotations.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 3 or parts[0] in exclude:
                continue
            path = folder / "raw-documents" / parts[0]
            if not path.is_file():
                continue
            articles.append(
                Article(parts[0], lang, read_text(path), _split_labels(parts[1]), _split_labels(parts[2]))
            )
    return sorted(articles, key=lambda a: a.id)


def read_role_mentions(
    data: Path, languages: Iterable[str] = ("EN",), exclude_ids: Collection[str] | None = None
) -> tuple[dict[str, Article], list[RoleGold]]:
    """Subtask-1 articles and their annotated mentions from each language's `train_oct16` release."""
    exclude = set(exclude_ids or ())
    articles: dict[str, Article] = {}
    mentions: list[RoleGold] = []
    for lang in languages:
        folder = Path(data) / lang / "train_oct16"
        annotations = folder / "subtask-1-annotations.txt"
        if not annotations.is_file():
            continue
        for line in annotations.read_text(encoding="utf-8").splitlines():
            parts = line.split("\t")
            if len(parts) < 6 or parts[0] in exclude:
                continue
            if parts[0] not in articles:
                path = folder / "raw-documents" / parts[0]
                if not path.is_file():
                    continue
                articles[parts[0]] = Article(parts[0], lang, read_text(path))
            start, end = int(parts[2]), int(parts[3]) + 1
            mentions.append(RoleGold(parts[0], start, end, parts[1], parts[4], sorted(set(parts[5:]))))
    mentions.sort(key=lambda m: (m.article, m.start, m.end))
    return dict(sorted(articles.items())), mentions


@lru_cache(maxsize=1)
def _vector_cache():  # type: ignore[no-untyped-def]
    from narrascope.encoders.cache import VectorCache
    from narrascope.encoders.minilm import get_encoder

    return VectorCache(get_encoder())


def encode_articles(articles: Iterable[Article]) -> None:
    """Fill `article.vectors` with the backbone's sentence vectors (cached on disk)."""
    articles = list(articles)
    texts: list[str] = []
    spans: list[tuple[int, int]] = []
    for article in articles:
        _, sentences = segment(article.text)
        start = len(texts)
        texts.extend(article.text[s.start : s.end] for s in sentences)
        spans.append((start, len(texts)))
    vectors = _vector_cache().encode(texts) if texts else np.zeros((0, 384), np.float32)
    for article, (a, b) in zip(articles, spans):
        article.vectors = vectors[a:b]


def encode_texts(texts: list[str]) -> np.ndarray:
    """Backbone vectors of short texts (label descriptions), through the same cache."""
    return _vector_cache().encode(texts)


def main(data: str, languages: str = "EN") -> None:
    """Warm the vector cache for a corpus: `python -m narrascope.training.features DATA EN,BG`."""
    for lang in languages.split(","):
        articles = read_narrative_articles(Path(data), [lang])
        extra, _ = read_role_mentions(Path(data), [lang])
        known = {a.id for a in articles}
        articles += [a for a in extra.values() if a.id not in known]
        encode_articles(articles)
        print(f"{lang}: {len(articles)} articles encoded", flush=True)


if __name__ == "__main__":
    import sys

    main(*sys.argv[1:])
