"""e5 vectors of the SemEval-2025 training articles, cached on disk and resumable.

Encoding a language's `train_dec4` articles with multilingual-e5-small takes minutes to tens of
minutes on a CPU, so the vectors go to `<cache>/<lang>.npz` (article ids, vectors and the time
spent), written after every few articles: an interrupted run continues where it stopped and
nothing is encoded twice. Whole articles are encoded (one "passage" each), or with `--sentences K`
only the text up to the end of the article's K-th sentence (the title counts as one), which
bounds the cost; keep such vectors in a cache of their own.

`python -m narrascope.training.e5_vectors DATA --lang HI,EN --cache DIR [--sentences K]`
"""

from __future__ import annotations

import argparse
import os
import time
from pathlib import Path

import numpy as np

from narrascope.encoders.e5 import DIMENSION, get_e5_encoder, prefix
from narrascope.training.features import Article, read_narrative_articles, task_folder

STATS = ("cpu_seconds", "wall_seconds", "tokens", "characters")


def load_vectors(cache: Path, lang: str) -> dict:
    """The cached arrays of `lang` (empty arrays when nothing is cached yet)."""
    path = Path(cache) / f"{lang.lower()}.npz"
    if not path.is_file():
        return {
            "ids": np.array([], dtype=str),
            "vectors": np.zeros((0, DIMENSION), np.float32),
            **{k: np.zeros(0) for k in STATS},
        }
    with np.load(path) as z:
        return {k: z[k] for k in z.files}


def _save(cache: Path, lang: str, arrays: dict) -> None:
    path = Path(cache) / f"{lang.lower()}.npz"
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp.npz")
    np.savez(tmp, **arrays)
    os.replace(tmp, path)  # never leave a half-written cache behind


def encode_articles(
    articles: list[Article], cache: Path, lang: str, chunk: int = 4, sentences: int | None = None
) -> dict:
    """Encode the articles not yet in `cache`, `chunk` at a time, saving after each chunk;
    `sentences`: encode only each article's first sentences (see `prefix`)."""
    arrays = load_vectors(cache, lang)
    done = set(arrays["ids"].tolist())
    todo = [a for a in articles if a.id not in done]
    if not todo:
        return arrays
    encoder = get_e5_encoder()
    for start in range(0, len(todo), chunk):
        batch = todo[start : start + chunk]
        texts = [prefix(a.text, sentences) for a in batch]
        wall, cpu = time.perf_counter(), time.process_time()
        vectors = encoder.encode(texts)
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        # time spent is shared evenly by the chunk's articles (per-article timing is not needed)
        new = {
            "ids": np.array([a.id for a in batch]),
            "vectors": vectors,
            "cpu_seconds": np.full(len(batch), cpu / len(batch)),
            "wall_seconds": np.full(len(batch), wall / len(batch)),
            "tokens": np.array([encoder.token_count(t) for t in texts], dtype=np.float64),
            "characters": np.array([len(t) for t in texts], dtype=np.float64),
        }
        arrays = {k: np.concatenate([arrays[k], new[k]]) for k in new}
        _save(cache, lang, arrays)
    return arrays


def article_vectors(articles: list[Article], cache: Path, lang: str) -> np.ndarray:
    """The cached vectors of `articles`, in their order (all must be cached)."""
    arrays = load_vectors(cache, lang)
    row = {doc_id: i for i, doc_id in enumerate(arrays["ids"].tolist())}
    missing = [a.id for a in articles if a.id not in row]
    if missing:
        raise KeyError(
            f"{len(missing)} {lang} articles have no cached e5 vector in {cache} "
            f"(run python -m narrascope.training.e5_vectors first), e.g. {missing[0]}"
        )
    return arrays["vectors"][[row[a.id] for a in articles]]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--lang", default="HI,EN,BG,PT,RU")
    parser.add_argument("--cache", type=Path, required=True)
    parser.add_argument("--sentences", type=int, help="encode only the first K sentences")
    args = parser.parse_args()
    for lang in args.lang.split(","):
        articles = read_narrative_articles(task_folder(args.data), [lang])
        arrays = encode_articles(articles, args.cache, lang, sentences=args.sentences)
        n = len(arrays["ids"])
        cpu = float(arrays["cpu_seconds"].sum())
        print(
            f"{lang}: {n} articles, {arrays['tokens'].sum():.0f} tokens, {cpu:.0f} CPU-s, "
            f"{n / max(cpu, 1e-9):.3f} articles and {arrays['tokens'].sum() / max(cpu, 1e-9):.0f} "
            "tokens per CPU-second",
            flush=True,
        )


if __name__ == "__main__":
    main()
