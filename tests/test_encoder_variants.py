"""The backbone's variants (int8 file, derived fp32 build) and its two padding modes."""

from __future__ import annotations

import numpy as np
import pytest

from narrascope import Pipeline
from narrascope.config import Config
from narrascope.encoders import variants
from narrascope.encoders.minilm import OnnxEncoder

TEXTS = [
    "Russia supplied drones to Iran.",
    "The ministers met in Brussels on Tuesday to discuss sanctions against the regime, "
    "a new package of export controls and the funding of air defence for Ukraine.",
    "Talks stalled.",
]


@pytest.fixture()
def cache(tmp_path, monkeypatch):
    monkeypatch.setenv("NARRASCOPE_CACHE", str(tmp_path))
    return tmp_path


def test_cpu_flags_are_reported():
    flags = variants.cpu_flags()
    assert flags and all(isinstance(f, str) and f for f in flags)


def test_auto_takes_fp32_when_the_cache_is_writable(cache, monkeypatch):
    assert variants.choose("auto") == "fp32"
    assert variants.choose("int8") == "int8"
    monkeypatch.setattr(variants.os, "access", lambda *a: False)
    assert variants.choose("auto") == "int8"
    with pytest.raises(ValueError, match="unknown encoder variant"):
        variants.choose("int4")


def test_fp32_build_is_derived_once_and_gives_the_same_vectors(cache):
    int8 = OnnxEncoder(variant="int8")
    fp32 = OnnxEncoder(variant="fp32")
    built = list((cache / "models").glob("*.onnx"))
    assert len(built) == 1 and built[0].stat().st_size > 50_000_000
    mtime = built[0].stat().st_mtime_ns
    again = OnnxEncoder(variant="fp32")
    assert built[0].stat().st_mtime_ns == mtime
    assert int8.name == fp32.name == again.name == "minilm-int8-onnx:model.onnx"
    a, b = int8.encode(TEXTS), fp32.encode(TEXTS)
    assert np.min(np.sum(a * b, axis=1)) > 0.9999


def test_dynamic_padding_is_another_model_and_independent_of_the_batch(cache):
    fixed = OnnxEncoder(variant="int8", padding="fixed")
    dynamic = OnnxEncoder(variant="int8", padding="dynamic", batch_size=8)
    assert dynamic.name == "minilm-onnx:model.onnx" != fixed.name
    together = dynamic.encode(TEXTS)
    alone = np.stack([dynamic.encode([t])[0] for t in TEXTS])
    # each text's vector ignores the padding added for longer texts in its batch
    assert np.min(np.sum(together * alone, axis=1)) > 0.9999
    assert np.allclose(np.linalg.norm(together, axis=1), 1.0, atol=1e-5)
    # the fixed mode averages over 128 padded positions: clearly different vectors
    assert np.mean(np.sum(fixed.encode(TEXTS) * together, axis=1)) < 0.9
    with pytest.raises(ValueError, match="unknown padding"):
        OnnxEncoder(variant="int8", padding="none")


def test_config_chooses_variant_and_padding(cache, tmp_path):
    cfg = tmp_path / "c.toml"
    cfg.write_text(
        '[pipeline]\nanalyzers = ["segmentation", "embeddings"]\n'
        '[encoder]\nvariant = "int8"\npadding = "fixed"\n',
        encoding="utf-8",
    )
    assert Config.load(cfg).encoder.padding == "fixed"
    encoder = Pipeline.from_config(cfg).analyzers[1].encoder
    assert (encoder.variant, encoder.padding) == ("int8", "fixed")
    default = Config.load().encoder
    assert (default.variant, default.padding) == ("auto", "dynamic")


def test_onnx_threads_do_not_spin_unless_configured(tmp_path) -> None:
    """Busy-waiting threads take CPU from the parse beside the backbone: off by default."""
    from narrascope.config import ConfigError

    key = "session.intra_op.allow_spinning"
    default = OnnxEncoder(padding="dynamic", variant="fp32")
    assert Config.load().encoder.spin_wait is False
    assert default._session.get_session_options().get_session_config_entry(key) == "0"
    spinning = OnnxEncoder(padding="dynamic", variant="fp32", spin_wait=True)
    assert spinning._session.get_session_options().get_session_config_entry(key) == "1"
    cfg = tmp_path / "c.toml"
    cfg.write_text('[pipeline]\nanalyzers = ["segmentation"]\n[encoder]\nspin_wait = "maybe"\n')
    with pytest.raises(ConfigError, match="spin_wait"):
        Config.load(cfg)
