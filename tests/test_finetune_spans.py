"""Token labels and span decoding for the fine-tuned technique tagger (torch-free parts)."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope.encoders.layers import BertLayer
from narrascope.training.finetune.spans import (
    label_sentences,
    runs_to_spans,
    tokenise_sentences,
    widen_to_words,
)

TEXT = "A full-scale war began.\n\nThe regime lies, and rogue states cheer."


@pytest.fixture(scope="module")
def tokenizer():
    from tokenizers import Tokenizer

    from narrascope.encoders.minilm import _tokenizer_path

    tok = Tokenizer.from_file(str(_tokenizer_path()))
    tok.no_padding()
    return tok


def test_tokens_carry_article_offsets_and_overlap_labels(tokenizer) -> None:
    sentences = tokenise_sentences(tokenizer, "a1", TEXT)
    assert len(sentences) == 2
    second = sentences[1]
    words = [TEXT[a:b] for a, b in second.offsets if a != b]
    assert words[:3] == ["The", "regime", "lies"]
    start = TEXT.index("rogue states")
    label_sentences(
        sentences,
        [(start, start + len("rogue states"), "Loaded_Language")],
        ["X", "Loaded_Language"],
    )
    flagged = [TEXT[a:b] for (a, b), row in zip(second.offsets, second.targets) if row[-1] == 1]
    assert flagged == ["rogue", "states"]
    assert second.spans == [
        (
            [
                k
                for k, (a, b) in enumerate(second.offsets)
                if TEXT[a:b] in {"rogue", "states"} and a != b
            ],
            1,
        )
    ]
    assert not sentences[0].spans and sentences[0].targets.sum() == 0


def test_runs_become_whole_word_spans(tokenizer) -> None:
    sentence = tokenise_sentences(tokenizer, "a1", TEXT)[0]
    probs = np.zeros(len(sentence.ids))
    scale = next(k for k, (a, b) in enumerate(sentence.offsets) if TEXT[a:b] == "scale")
    probs[scale] = 0.9
    (span,) = runs_to_spans(probs, sentence.offsets, 0.5, TEXT)
    assert TEXT[span[0] : span[1]] == "full-scale"


def test_widen_to_words_never_cuts_a_word() -> None:
    text = "a critical tipping point now"
    start = text.index("ritical")
    s, e = widen_to_words(text, start, text.index("poi") + 3)
    assert text[s:e] == "critical tipping point"


def test_numpy_layer_matches_torch() -> None:
    torch = pytest.importorskip("torch")
    transformers = pytest.importorskip("transformers")
    from narrascope.encoders.layers import layer_arrays, load_layers

    config = transformers.BertConfig(hidden_size=32, num_attention_heads=4, intermediate_size=64)
    torch.manual_seed(0)
    layer = transformers.models.bert.modeling_bert.BertLayer(config).eval()
    state = {f"l.{k}": v.detach().numpy() for k, v in layer.state_dict().items()}
    arrays = {f"layer0.{k}": v for k, v in layer_arrays(state, "l.").items()}
    (mine,) = load_layers(arrays, 1, heads=4)
    assert isinstance(mine, BertLayer)
    x = torch.randn(2, 5, 32)
    mask = torch.ones(2, 5, dtype=torch.long)
    mask[1, 3:] = 0
    ext = (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min
    with torch.no_grad():
        out = layer(x, attention_mask=ext)
    ref = (out[0] if isinstance(out, tuple) else out).numpy()
    got = mine(x.numpy(), mask.numpy())
    assert np.abs(got - ref)[mask.numpy() == 1].max() < 1e-4
