"""The static backbone's own token path gives model2vec's ids and vectors exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from tokenizers import Tokenizer, models, normalizers, pre_tokenizers

from narrascope.analyzers.segmentation import Segmentation
from narrascope.document import Document
from narrascope.encoders.static import StaticEncoder
from narrascope.encoders.wordpiece import WordPieceCache, safe_marks

# sentences that take the fast split and sentences that must not (accents, CJK, control and
# zero-width characters, an added token written in the text, a word past WordPiece's 100
# characters, non-breaking spaces), with marks of both kinds
AWKWARD = [
    "Russia’s “special operation” — as the Kremlin calls it — began on 24 February 2022…",
    "NATO's chief, Jens Stoltenberg, said: \"We'll stand by Ukraine!\" (AP) #2 $5bn 50% a_b",
    "Plain words only",
    "",
    "   \t\n ",
    "Zelenskyy met Macron in Élysée Palace; café crème",
    "北京 said the 台湾 question is internal",
    "a\x00b c\x0bd e\u200bf soft\u00adhyphen non\u00a0breaking",
    "The [CLS] token and [SEP] and [UNK] in the text",
    "x" * 150 + " and " + "y" * 99,
    "UPPER lower MiXeD 123abc abc123 3.14 1,000 U.S. e-mail",
    "Вы сказали «нет» — и всё.",
    "‘quoted’ „low“ ‹single› •bullet′ 5″ wow‼ a·b ·",
    "~`!@#$%^&*()_+-={}|:<>?,./;'\\",
]


@pytest.fixture(scope="module")
def static() -> StaticEncoder:
    return StaticEncoder()


def reference_ids(tokenizer: Tokenizer, texts: list[str]) -> list[list[int]]:
    return [e.ids for e in tokenizer.encode_batch_fast(texts, add_special_tokens=False)]


def model2vec_vectors(encoder: StaticEncoder, texts: list[str]) -> np.ndarray:
    """What model2vec's own `encode` gives (the path the encoder takes for other models)."""
    vectors = encoder._model.encode(
        texts, max_length=encoder.max_tokens, normalize=True, use_multiprocessing=False
    )
    return np.asarray(vectors, dtype=np.float32)


def test_packaged_tokenizer_takes_the_fast_path(static: StaticEncoder) -> None:
    marks = safe_marks(static._model.tokenizer)
    assert marks is not None and static._pieces is not None
    assert {".", ",", "'", '"', "’", "“", "—", "…"} <= set(marks)
    # the special tokens' brackets send a sentence to the tokenizer
    assert "[" not in marks and "]" not in marks
    cache = static._pieces
    assert cache.plain("Russia’s drones, again.") and not cache.plain("The [CLS] token")
    assert not cache.plain("café") and not cache.plain("a\u00a0b")


def test_ids_are_the_tokenizers_on_awkward_sentences(static: StaticEncoder) -> None:
    tokenizer = static._model.tokenizer
    cache = static._pieces
    assert cache is not None
    # twice: the second call reads every plain piece from the cache
    assert cache.ids(AWKWARD) == reference_ids(cache.tokenizer, AWKWARD)
    assert cache.ids(AWKWARD) == reference_ids(cache.tokenizer, AWKWARD)
    # the packaged tokenizer (with model2vec's truncation) agrees below 512 tokens
    assert cache.ids(AWKWARD) == reference_ids(tokenizer, AWKWARD)
    assert sum(map(cache.plain, AWKWARD)) >= 5


def test_vectors_are_model2vecs_to_the_bit(static: StaticEncoder, sample_text: str) -> None:
    long_text = " ".join([sample_text] * 3)  # past the 512-token and 3,072-character cuts
    texts = [*AWKWARD, sample_text, long_text, "[UNK] [UNK]", "x" * 120]
    ours = static.encode(texts)
    theirs = model2vec_vectors(static, texts)
    assert ours.dtype == np.float32 and ours.shape == theirs.shape
    assert np.array_equal(ours.view(np.uint32), theirs.view(np.uint32))
    assert not ours[3].any() and not ours[-2].any()  # nothing to average: zeros, as model2vec


def test_vectors_of_real_articles_are_model2vecs(static: StaticEncoder, shared_data: Path) -> None:
    from narrascope.ingest import IngestOptions, iter_documents

    for lang in ("EN", "RU"):
        folder = shared_data / "semeval2025t10" / lang / "train_dec4" / "raw-documents"
        if not folder.is_dir():
            pytest.skip(f"{folder} not found")
        docs = [
            d for d in iter_documents([str(folder)], IngestOptions()) if isinstance(d, Document)
        ]
        docs = docs[:60]
        Segmentation().process(docs)
        texts = list(dict.fromkeys(d.sentence_text(s) for d in docs for s in d.sentences))
        texts += [d.text for d in docs[:10]]
        assert static._pieces is not None
        assert static._pieces.ids(texts) == reference_ids(static._pieces.tokenizer, texts)
        ours, theirs = static.encode(texts), model2vec_vectors(static, texts)
        assert np.array_equal(ours.view(np.uint32), theirs.view(np.uint32))


def test_other_tokenizers_keep_the_tokenizer() -> None:
    vocab = {"[UNK]": 0, "hello": 1, "world": 2, "##s": 3}
    word_level = Tokenizer(models.WordLevel(vocab, unk_token="[UNK]"))
    word_level.pre_tokenizer = pre_tokenizers.Whitespace()
    assert safe_marks(word_level) is None
    cased = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    cased.normalizer = normalizers.BertNormalizer(lowercase=False)
    cased.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    assert safe_marks(cased) is None
    bert = Tokenizer(models.WordPiece(vocab, unk_token="[UNK]"))
    bert.normalizer = normalizers.BertNormalizer(lowercase=True)
    bert.pre_tokenizer = pre_tokenizers.BertPreTokenizer()
    marks = safe_marks(bert)
    assert marks is not None and "." in marks
    bert.add_tokens(["hello"])  # an added word: any plain sentence could hold it
    assert safe_marks(bert) is None


def test_cache_is_bounded(static: StaticEncoder, monkeypatch: pytest.MonkeyPatch) -> None:
    from narrascope.encoders import wordpiece

    cache = WordPieceCache(static._model.tokenizer, safe_marks(static._model.tokenizer) or "")
    monkeypatch.setattr(wordpiece, "MAX_PIECES", 5)
    texts = ["one two three four", "five six seven eight nine"]
    assert cache.ids(texts[:1]) == reference_ids(cache.tokenizer, texts[:1])
    assert len(cache._ids) == 4
    # four kept and five new would pass the bound: the cache starts again with this call's
    assert cache.ids(texts[1:]) == reference_ids(cache.tokenizer, texts[1:])
    assert sorted(cache._ids) == sorted(texts[1].split())
