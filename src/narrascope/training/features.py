"""Shared training-time code for the narrative and role heads: corpus reading and cached vectors.

Training uses exactly the features the analyzers see at run time: the article is segmented by
`narrascope.text.segment` and every sentence is encoded by the shared backbone. Vectors come
from the persistent `VectorCache`, so a corpus is encoded once for all trainings and CV folds.

The SemEval-2025 Task 10 files are read through `narrascope.datasets.semeval2025` (texts exactly
as stored, `\\r` and a leading BOM kept). What these helpers add on top of those readers:
- a language whose release lacks the gold file is skipped (no error), and so is a gold row whose
  document is not in `raw-documents/` (only `*.txt` files are documents there);
- label lists are sorted (the readers keep file order), and subtask-1 ends are made exclusive
  (`RoleGold.end`; the files and `EntityAnnotation.end` are inclusive);
- only subtask-1 rows with a main role and at least one fine role are kept (empty cells ignored);
- differences from the former hand-written loops, none of which occurs in the released data:
  a repeated subtask-2 id now gives one article (its last row), a subtask-2 row with fewer than
  three columns gives an article without labels instead of none, a subtask-1 row with fewer than
  four columns raises `ValueError`, and rows are split on `\\n`/`\\r` only.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from narrascope.analyzers import contracts
from narrascope.datasets import semeval2025
from narrascope.datasets._io import read_text  # noqa: F401  (re-exported: part of this module's API)
from narrascope.document import Document
from narrascope.text.segment import segment
from narrascope.training.vectors import encoder_cache

LANGUAGES = ("EN", "BG", "HI", "PT", "RU")


def task_folder(data: Path) -> Path:
    """Accept the shared data root or its semeval2025t10 folder."""
    data = Path(data)
    return data / "semeval2025t10" if (data / "semeval2025t10").is_dir() else data


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
            contracts.SENTENCE_VECTORS.put(doc, self.vectors)
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


def _release(
    data: Path, lang: str, release: str, subtask: int
) -> tuple[Path | None, dict[str, str]]:
    """The subtask's gold file in a language's training release and the release's raw documents."""
    folder = Path(data) / lang / release
    gold = folder / f"subtask-{subtask}-annotations.txt"
    if not gold.is_file():
        return None, {}
    return gold, semeval2025.read_documents(folder / "raw-documents")


def read_narrative_articles(
    data: Path, languages: Iterable[str] = ("EN",), exclude_ids: Collection[str] | None = None
) -> list[Article]:
    """Subtask-2 articles with gold narratives from each language's `train_dec4` release, sorted by id."""
    exclude = set(exclude_ids or ())
    articles = []
    for lang in languages:
        gold, texts = _release(data, lang, "train_dec4", 2)
        if gold is None:
            continue
        for doc_id, labels in semeval2025.read_subtask2(gold).items():
            if doc_id in texts and doc_id not in exclude:
                articles.append(
                    Article(
                        doc_id,
                        lang,
                        texts[doc_id],
                        sorted(labels.narratives),
                        sorted(labels.subnarratives),
                    )
                )
    return sorted(articles, key=lambda a: a.id)


def read_role_mentions(
    data: Path, languages: Iterable[str] = ("EN",), exclude_ids: Collection[str] | None = None
) -> tuple[dict[str, Article], list[RoleGold]]:
    """Subtask-1 articles and their annotated mentions from each language's `train_oct16` release
    (Russian, which has none, from `train_dec4`)."""
    exclude = set(exclude_ids or ())
    articles: dict[str, Article] = {}
    mentions: list[RoleGold] = []
    for lang in languages:
        gold, texts = _release(data, lang, "train_oct16", 1)
        if gold is None:
            gold, texts = _release(data, lang, "train_dec4", 1)
        if gold is None:
            continue
        for m in semeval2025.read_subtask1(gold):
            if m.doc_id in exclude or m.doc_id not in texts or not (m.main_role and m.fine_roles):
                continue
            if m.doc_id not in articles:
                articles[m.doc_id] = Article(m.doc_id, lang, texts[m.doc_id])
            mentions.append(
                RoleGold(
                    m.doc_id,
                    m.start,
                    m.end_exclusive,
                    m.mention,
                    m.main_role,
                    sorted(set(m.fine_roles)),
                )
            )
    mentions.sort(key=lambda m: (m.article, m.start, m.end))
    return dict(sorted(articles.items())), mentions


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
    cache = encoder_cache()
    vectors = cache.encode(texts) if texts else np.zeros((0, cache.encoder.dimension), np.float32)
    for article, (a, b) in zip(articles, spans):
        article.vectors = vectors[a:b]


def encode_texts(texts: list[str]) -> np.ndarray:
    """Backbone vectors of short texts (label descriptions), through the same cache."""
    return encoder_cache().encode(texts)


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
