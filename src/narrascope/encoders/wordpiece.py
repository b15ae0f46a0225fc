"""The static backbone's token ids without the tokenizer's per-sentence cost, where that is exact.

The `tokenizers` library spends about 90 µs on each news sentence (normalising, splitting,
building an `Encoding` object with offsets and masks), which was a quarter of the fast profile's
CPU. For a BERT-style tokenizer (lower-casing `BertNormalizer`, `BertPreTokenizer`, `WordPiece`)
a sentence written only with ASCII letters and digits, spaces and a checked set of punctuation
marks splits into runs of letters and digits and single punctuation marks, and each piece's
WordPiece ids depend on the piece alone. `WordPieceCache` splits such sentences with one regular
expression and looks the pieces up in a dictionary filled from the tokenizer's own WordPiece
model the first time a piece is seen; any other sentence goes to the tokenizer as before. The
ids are the same (`tests/test_static_tokens.py` compares them on real articles).
"""

from __future__ import annotations

import json
import re
import string
from collections.abc import Sequence
from itertools import chain
from typing import Any

# marks a news text uses besides ASCII: quotes, dashes, ellipsis, bullets, primes
CANDIDATE_MARKS = string.punctuation + "‘’‚“”„–—…•′″‼«»‹›·"
MAX_PIECES = 500_000  # the cache is emptied when it grows past this many pieces


def _splits_alone(tokenizer: Any, mark: str) -> bool:
    """Whether the tokenizer keeps `mark` as it is and always makes it a piece of its own."""
    if tokenizer.normalizer.normalize_str(mark) != mark:
        return False
    pieces = [p for p, _ in tokenizer.pre_tokenizer.pre_tokenize_str(f"a{mark}b{mark}{mark}")]
    return pieces == ["a", mark, "b", mark, mark]


def safe_marks(tokenizer: Any) -> str | None:
    """The punctuation marks the fast split may handle for this tokenizer; None when the
    tokenizer is not a lower-casing BERT WordPiece tokenizer (then every sentence goes to it)."""
    spec = json.loads(tokenizer.to_str())
    normalizer, pre, model = spec.get("normalizer"), spec.get("pre_tokenizer"), spec.get("model")
    if not (
        normalizer
        and normalizer.get("type") == "BertNormalizer"
        and normalizer.get("lowercase")
        and normalizer.get("clean_text")
        and pre
        and pre.get("type") == "BertPreTokenizer"
        and model
        and model.get("type") == "WordPiece"
    ):
        return None
    if [p for p, _ in tokenizer.pre_tokenizer.pre_tokenize_str("Ab1 c\td\ne\rf")] != [
        "Ab1",
        "c",
        "d",
        "e",
        "f",
    ] or tokenizer.normalizer.normalize_str("AZ az 09") != "az az 09":
        return None
    marks = {m for m in CANDIDATE_MARKS if _splits_alone(tokenizer, m)}
    # an added token (e.g. "[CLS]") is matched in the raw text: a sentence that could contain
    # one must go to the tokenizer, so the marks each one is written with are left out of the
    # fast alphabet (an added token of letters and digits only turns the fast split off)
    for added in spec.get("added_tokens") or []:
        outside = [c for c in added["content"] if not c.isascii() or not c.isalnum()]
        if not outside:
            return None
        marks -= set(outside)
    return "".join(sorted(marks))


class WordPieceCache:
    """Token ids of many sentences: the fast split for plain sentences, the tokenizer for the rest."""

    def __init__(self, tokenizer: Any, marks: str) -> None:
        from tokenizers import Tokenizer

        # an own copy without truncation or padding (the caller truncates the ids)
        self.tokenizer = Tokenizer.from_str(tokenizer.to_str())
        self.tokenizer.no_truncation()
        self.tokenizer.no_padding()
        chars = re.escape(marks)
        self._plain = re.compile(rf"[A-Za-z0-9 \t\n\r{chars}]*")
        self._pieces = re.compile(rf"[a-z0-9]+|[{chars}]")
        self._ids: dict[str, list[int]] = {}

    def plain(self, text: str) -> bool:
        """Whether `text` can take the fast split."""
        return self._plain.fullmatch(text) is not None

    def ids(self, texts: Sequence[str]) -> list[list[int]]:
        """The token ids of each text (no special tokens, no truncation)."""
        split = [self._pieces.findall(t.lower()) if self.plain(t) else None for t in texts]
        new = set(chain.from_iterable(p for p in split if p is not None)).difference(self._ids)
        if len(self._ids) + len(new) > MAX_PIECES:
            self._ids.clear()
            new = set(chain.from_iterable(p for p in split if p is not None))
        # a piece not seen before: its WordPiece ids from the tokenizer's model (the piece is
        # normalised and split already; the whole tokenizer costs four times as much per call)
        wordpiece = self.tokenizer.model.tokenize
        self._ids.update((piece, [t.id for t in wordpiece(piece)]) for piece in new)
        rest = [i for i, pieces in enumerate(split) if pieces is None]
        others = self.tokenizer.encode_batch_fast(
            [texts[i] for i in rest], add_special_tokens=False
        )
        ids = dict(zip(rest, (e.ids for e in others)))
        lookup = self._ids.__getitem__
        return [
            ids[i] if pieces is None else list(chain.from_iterable(map(lookup, pieces)))
            for i, pieces in enumerate(split)
        ]
