"""Analysis time against text length: every analyzer must stay near-linear.

    python benchmarks/long_texts.py [--lengths 5000,20000,...] [--config FILE] [--only A,B]

Builds texts of the given lengths (default up to 2,000,000 characters) by repeating the shipped
example article paragraph by paragraph, runs the configured pipeline on each text alone, and
prints a table: characters, seconds per analyzer, total seconds, and microseconds per character.
Near-linear means the last column stays roughly flat as the length grows 400-fold; a column that
grows with the length points at the analyzer with a quadratic part.
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from narrascope import Document, Pipeline

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "arms-pipeline-op-ed.txt"
DEFAULT_LENGTHS = (5_000, 20_000, 100_000, 500_000, 2_000_000)


SHAPES = ("paragraphs", "one-line", "run-on")


def long_text(length: int, shape: str = "paragraphs") -> str:
    """The example's paragraphs repeated (numbered, so no two paragraphs are identical) up to `length`.

    `one-line` joins them into one paragraph; `run-on` also turns every full stop into a comma,
    so the whole text is one sentence (the worst case for anything done per sentence)."""
    paragraphs = [p for p in EXAMPLE.read_text(encoding="utf-8").split("\n\n") if p.strip()]
    title, body = paragraphs[0], paragraphs[1:]
    parts, size, i = [title], len(title), 0
    while size < length:
        paragraph = f"{body[i % len(body)]} (Part {i}.)"
        parts.append(paragraph)
        size += len(paragraph) + 2
        i += 1
    text = "\n\n".join(parts)[:length]
    if shape in ("one-line", "run-on"):
        text = text.replace("\n", " ")
    if shape == "run-on":
        text = text.replace(". ", ", ").replace("? ", ", ").replace("! ", ", ")
    return text


def timed_run(pipeline: Pipeline, text: str) -> dict[str, float]:
    """CPU seconds of each analyzer on one document (CPU time: steadier than wall time on a shared machine)."""
    doc = Document(id="long", text=text)
    times: dict[str, float] = {}
    for analyzer in pipeline.analyzers:
        start = time.process_time()
        analyzer.process([doc])
        times[analyzer.name] = time.process_time() - start
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lengths", default=",".join(map(str, DEFAULT_LENGTHS)))
    parser.add_argument("--config", type=Path, default=None)
    parser.add_argument("--shape", choices=SHAPES, default="paragraphs")
    parser.add_argument(
        "--only", default=None, help="comma-separated analyzers (and what they need)"
    )
    args = parser.parse_args()
    only = args.only.split(",") if args.only else None
    pipeline = Pipeline.from_config(args.config, only=only)
    pipeline.config.max_chars = 10**9
    timed_run(pipeline, long_text(2_000))  # warm-up: models and caches load outside the timing
    names = pipeline.names
    print(f"shape: {args.shape}; CPU seconds per analyzer")
    print("| chars | " + " | ".join(names) + " | total s | µs/char |")
    print("|" + "---:|" * (len(names) + 3))
    for length in (int(x) for x in args.lengths.split(",")):
        times = timed_run(pipeline, long_text(length, args.shape))
        total = sum(times.values())
        cells = " | ".join(f"{times[n]:.2f}" for n in names)
        print(f"| {length:,} | {cells} | {total:.1f} | {total / length * 1e6:.0f} |", flush=True)


if __name__ == "__main__":
    main()
