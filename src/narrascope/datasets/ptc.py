"""SemEval-2020 Task 11 (Propaganda Techniques Corpus v2) files.

Articles are `article<ID>.txt` (the id is the number in the name). Span identification (SI)
labels are `id<TAB>start<TAB>end`; technique classification (TC) labels are
`id<TAB>technique<TAB>start<TAB>end`; ends are exclusive. Labels come either as one file per
article in a folder (`<split>-labels-task-si/`, `<split>-labels-task-flc-tc/`) or all in one file
(`<split>-task-si.labels`, `<split>-task-flc-tc.labels`). The TC template has `?` as technique.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from narrascope.datasets._io import read_article_folder, read_rows, write_rows

# The 14 technique classes of the shared task (some merge several of the original 18).
TECHNIQUES: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_fear-prejudice",
    "Bandwagon,Reductio_ad_hitlerum",
    "Black-and-White_Fallacy",
    "Causal_Oversimplification",
    "Doubt",
    "Exaggeration,Minimisation",
    "Flag-Waving",
    "Loaded_Language",
    "Name_Calling,Labeling",
    "Repetition",
    "Slogans",
    "Thought-terminating_Cliches",
    "Whataboutism,Straw_Men,Red_Herring",
)
UNKNOWN = "?"


@dataclass(frozen=True)
class SpanLabel:
    """A propaganda span (SI): `[start, end)` in the article text."""

    article_id: str
    start: int
    end: int


@dataclass(frozen=True)
class TechniqueSpan:
    """A span with its technique (TC); `technique` is `?` in templates."""

    article_id: str
    technique: str
    start: int
    end: int

    @property
    def key(self) -> tuple[str, int, int]:
        return (self.article_id, self.start, self.end)


@dataclass
class PtcSplit:
    """Where the files of one split live; label paths are None when the split has no gold."""

    folder: Path
    name: str
    articles_dir: Path
    si_labels: Path | None = None
    tc_labels: Path | None = None
    tc_template: Path | None = None

    def articles(self) -> dict[str, str]:
        return read_articles(self.articles_dir)

    def gold_spans(self) -> list[SpanLabel]:
        return read_spans(self.si_labels) if self.si_labels else []

    def gold_techniques(self) -> list[TechniqueSpan]:
        return read_technique_spans(self.tc_labels) if self.tc_labels else []

    def tc_inputs(self) -> list[TechniqueSpan]:
        """The spans to classify: the template, else the gold spans with `?` as technique."""
        if self.tc_template:
            return read_technique_spans(self.tc_template)
        return [
            TechniqueSpan(s.article_id, UNKNOWN, s.start, s.end) for s in self.gold_techniques()
        ]


def read_articles(folder: Path) -> dict[str, str]:
    """`article<ID>.txt` -> {ID: raw text}."""
    return read_article_folder(folder)


def _label_files(path: Path) -> list[Path]:
    path = Path(path)
    return (
        sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
        if path.is_dir()
        else [path]
    )


def read_spans(path: Path) -> list[SpanLabel]:
    """SI labels from one file or a folder of per-article files."""
    spans = []
    for file in _label_files(path):
        for cols in read_rows(file):
            spans.append(SpanLabel(cols[0], int(cols[1]), int(cols[2])))
    return spans


def read_technique_spans(path: Path) -> list[TechniqueSpan]:
    """TC labels (or the TC template) from one file or a folder of per-article files."""
    spans = []
    for file in _label_files(path):
        for cols in read_rows(file):
            spans.append(TechniqueSpan(cols[0], cols[1], int(cols[2]), int(cols[3])))
    return spans


def find_split(data: Path, split: str) -> PtcSplit:
    """Locate `<data>/<split>-articles/` and whatever label files or template the split has."""
    data = Path(data)
    articles = data / f"{split}-articles"
    if not articles.is_dir():
        raise FileNotFoundError(f"no {split}-articles/ folder under {data}")
    found = PtcSplit(folder=data, name=split, articles_dir=articles)
    for candidate in (data / f"{split}-labels-task-si", data / f"{split}-task-si.labels"):
        if candidate.exists():
            found.si_labels = candidate
            break
    for candidate in (data / f"{split}-labels-task-flc-tc", data / f"{split}-task-flc-tc.labels"):
        if candidate.exists():
            found.tc_labels = candidate
            break
    template = data / f"{split}-task-tc-template.out"
    if template.is_file():
        found.tc_template = template
    return found


def write_spans(path: Path, spans: Iterable[SpanLabel]) -> Path:
    return write_rows(path, [[s.article_id, str(s.start), str(s.end)] for s in spans])


def write_technique_spans(path: Path, spans: Iterable[TechniqueSpan]) -> Path:
    return write_rows(path, [[s.article_id, s.technique, str(s.start), str(s.end)] for s in spans])
