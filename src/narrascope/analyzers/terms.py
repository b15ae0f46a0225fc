"""Word n-gram counts of a document, counted once for every head of a batch that reads them.

The narrative and genre heads both weigh the article's word uni- and bigrams (TF-IDF); counting
them is most of their time, so the first one counts and the other reuses the counts from
`doc.cache` (cleared after the batch).
"""

from __future__ import annotations

from collections import Counter

from narrascope.analyzers import contracts
from narrascope.document import Document
from narrascope.text.tfidf import ngram_counts


def word_ngram_counts(doc: Document) -> Counter[str]:
    """The counts of `doc.text`'s word uni- and bigrams (do not modify: they are shared)."""
    if not contracts.WORD_NGRAMS.has(doc):
        contracts.WORD_NGRAMS.put(doc, ngram_counts(doc.text))
    return contracts.WORD_NGRAMS.get(doc)
