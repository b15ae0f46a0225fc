"""Readers and writers for the shared-task benchmarks narrascope is measured on.

Every reader opens files with `newline=''` so that carriage returns are kept and character
offsets from the organisers' files apply to `Document.text` unchanged.

- `semeval2025`: SemEval-2025 Task 10 (entity framing, narratives, explanations).
- `semeval2023`: SemEval-2023 Task 3 (genre, frames, paragraph persuasion techniques, spans).
- `ptc`: SemEval-2020 Task 11, the Propaganda Techniques Corpus (span identification and
  technique classification).
"""
