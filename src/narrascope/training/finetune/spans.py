"""Token-level training examples for technique spans: sentences, word pieces and their labels.

Each PTC article is cut into the pipeline's sentences; each sentence is tokenised with the
backbone's WordPiece tokenizer (character offsets kept). A token is labelled with every technique
whose gold span overlaps it, plus an `any` flag; each gold span also gives one span example
(the tokens it covers, in the sentence where it starts) for the technique classifier.
Torch-free, so the same code prepares inference inputs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from tokenizers import Tokenizer

from narrascope.text.segment import segment


@dataclass
class SentenceExample:
    """One tokenised sentence of an article, with per-token technique targets."""

    article_id: str
    start: int  # sentence start in the article
    ids: list[int]
    offsets: list[tuple[int, int]]  # per token, article character offsets; (0, 0) for specials
    targets: np.ndarray  # (n_tokens, n_techniques + 1): techniques, then `any`
    spans: list[tuple[list[int], int]] = field(default_factory=list)  # (token indices, class)


def tokenise_sentences(
    tokenizer: Tokenizer, article_id: str, text: str, max_tokens: int = 128
) -> list[SentenceExample]:
    """The article's sentences as token sequences with article-level character offsets."""
    bounds = [(s.start, s.end) for s in segment(text)[1]]
    tokenizer.no_padding()  # real lengths: padding is added per batch
    tokenizer.enable_truncation(max_length=max_tokens)
    encodings = tokenizer.encode_batch([text[s:e] for s, e in bounds])
    out = []
    for (start, _), enc in zip(bounds, encodings):
        offsets = [
            (0, 0) if special else (start + a, start + b)
            for (a, b), special in zip(enc.offsets, enc.special_tokens_mask)
        ]
        out.append(
            SentenceExample(article_id, start, list(enc.ids), offsets, np.zeros((0, 0), np.float32))
        )
    return out


def label_sentences(
    sentences: list[SentenceExample],
    spans: list[tuple[int, int, str]],
    classes: list[str],
) -> None:
    """Fill token targets and span examples from gold `(start, end, technique)` spans."""
    index = {c: k for k, c in enumerate(classes)}
    for sent in sentences:
        targets = np.zeros((len(sent.ids), len(classes) + 1), np.float32)
        for t, (a, b) in enumerate(sent.offsets):
            if a == b:
                continue
            for s, e, label in spans:
                if a < e and b > s:
                    targets[t, index[label]] = 1.0
                    targets[t, -1] = 1.0
        sent.targets = targets
    for s, e, label in spans:
        for sent in sentences:
            covered = [t for t, (a, b) in enumerate(sent.offsets) if a != b and a < e and b > s]
            if covered:  # the first sentence the span touches
                sent.spans.append((covered, index[label]))
                break


def runs_to_spans(
    probs: np.ndarray, offsets: list[tuple[int, int]], threshold: float, text: str
) -> list[tuple[int, int]]:
    """Character spans from runs of tokens whose `any` probability reaches the threshold.

    Word pieces are never split: a run is widened to whole words, so a span never cuts a word
    ("scale" inside "full-scale" becomes the whole token run's words).
    """
    spans: list[tuple[int, int]] = []
    run: list[int] = []
    for t, p in enumerate(list(probs) + [0.0]):
        real = t < len(offsets) and offsets[t][0] != offsets[t][1]
        if real and p >= threshold:
            run.append(t)
            continue
        if run:
            spans.append((offsets[run[0]][0], offsets[run[-1]][1]))
            run = []
    return [widen_to_words(text, s, e) for s, e in spans]


def widen_to_words(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend `[start, end)` so it neither starts nor ends inside a word (hyphenated words whole)."""

    def inside(k: int) -> bool:
        return text[k].isalnum() or text[k] in "-'’" and 0 < k < len(text) - 1

    while start > 0 and inside(start - 1):
        start -= 1
    while end < len(text) and inside(end):
        end += 1
    while start < end and not text[start].isalnum():
        start += 1
    while end > start and not (text[end - 1].isalnum() or text[end - 1] in ".!?\"'”’)"):
        end -= 1
    return start, end
