"""SemEval-2023 Task 3 files (genre, frames, persuasion techniques), from the official format.

A language folder (the official bundle's `data/en/`) holds, for split in train|dev|test:
`<split>-articles-subtask-N/article<ID>.txt` (title, blank line, body, one paragraph per line),
`<split>-labels-subtask-1.txt` (`ID<TAB>genre`), `<split>-labels-subtask-2.txt`
(`ID<TAB>frame,frame`), `<split>-labels-subtask-3.txt` (`ID<TAB>line<TAB>tech,tech`, one row per
non-blank line; `line` is the 1-based line number in the file counting blank lines, the title
is line 1), templates `ID<TAB>line<TAB>text`, and span files
`<split>-labels-subtask-3-spans/article<ID>-labels-subtask-3.txt` (`ID<TAB>tech<TAB>start<TAB>end`,
end exclusive).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from narrascope.datasets._io import read_article_folder, read_rows, write_rows

GENRES: tuple[str, ...] = ("opinion", "reporting", "satire")

FRAMES: tuple[str, ...] = (
    "Economic",
    "Capacity_and_resources",
    "Morality",
    "Fairness_and_equality",
    "Legality_Constitutionality_and_jurisprudence",
    "Policy_prescription_and_evaluation",
    "Crime_and_punishment",
    "Security_and_defense",
    "Health_and_safety",
    "Quality_of_life",
    "Cultural_identity",
    "Public_opinion",
    "Political",
    "External_regulation_and_reputation",
)

TECHNIQUES: tuple[str, ...] = (
    "Appeal_to_Authority",
    "Appeal_to_Popularity",
    "Appeal_to_Values",
    "Appeal_to_Fear-Prejudice",
    "Flag_Waving",
    "Causal_Oversimplification",
    "False_Dilemma-No_Choice",
    "Consequential_Oversimplification",
    "Straw_Man",
    "Red_Herring",
    "Whataboutism",
    "Slogans",
    "Appeal_to_Time",
    "Conversation_Killer",
    "Loaded_Language",
    "Repetition",
    "Exaggeration-Minimisation",
    "Obfuscation-Vagueness-Confusion",
    "Name_Calling-Labeling",
    "Doubt",
    "Guilt_by_Association",
    "Appeal_to_Hypocrisy",
    "Questioning_the_Reputation",
)


@dataclass(frozen=True)
class Line:
    """A non-blank line of an article: its 1-based line number and `[start, end)` offsets."""

    number: int
    start: int
    end: int


@dataclass(frozen=True)
class SpanLabel:
    article_id: str
    technique: str
    start: int
    end: int


@dataclass
class Split2023:
    """Where the files of one split live (any may be missing; tests have no labels)."""

    folder: Path
    name: str
    articles_dirs: dict[int, Path] = field(default_factory=dict)
    labels: dict[int, Path] = field(default_factory=dict)
    template: Path | None = None
    spans: Path | None = None

    def articles(self, subtask: int | None = None) -> dict[str, str]:
        """The subtask's articles, or all of them (union over subtasks) when `subtask` is None."""
        if subtask is not None:
            return (
                read_articles(self.articles_dirs[subtask]) if subtask in self.articles_dirs else {}
            )
        texts: dict[str, str] = {}
        for n in sorted(self.articles_dirs):
            for doc_id, text in read_articles(self.articles_dirs[n]).items():
                texts.setdefault(doc_id, text)
        return dict(sorted(texts.items()))


def read_articles(folder: Path) -> dict[str, str]:
    """`article<ID>.txt` -> {ID: raw text}."""
    return read_article_folder(folder)


def lines(text: str) -> list[Line]:
    """The non-blank lines of a text with their 1-based line numbers (blank lines count)."""
    out: list[Line] = []
    start = 0
    for number, raw in enumerate(text.split("\n"), start=1):
        content = raw[:-1] if raw.endswith("\r") else raw
        if content.strip():
            out.append(Line(number, start, start + len(content)))
        start += len(raw) + 1
    return out


def find_split(data: Path, split: str) -> Split2023:
    """Locate the files of `split` in a language folder laid out as the official release."""
    data = Path(data)
    found = Split2023(folder=data, name=split)
    for n in (1, 2, 3):
        if (data / f"{split}-articles-subtask-{n}").is_dir():
            found.articles_dirs[n] = data / f"{split}-articles-subtask-{n}"
        if (data / f"{split}-labels-subtask-{n}.txt").is_file():
            found.labels[n] = data / f"{split}-labels-subtask-{n}.txt"
    templates = sorted(data.glob(f"{split}*subtask-3*template*"))
    if templates:
        found.template = templates[0]
    if (data / f"{split}-labels-subtask-3-spans").is_dir():
        found.spans = data / f"{split}-labels-subtask-3-spans"
    if not found.articles_dirs:
        raise FileNotFoundError(f"no {split}-articles-subtask-N/ folder under {data}")
    return found


def read_genres(path: Path) -> dict[str, str]:
    """Subtask 1: `ID<TAB>genre`."""
    return {cols[0]: cols[1].strip() for cols in read_rows(path) if len(cols) >= 2}


def read_frames(path: Path) -> dict[str, tuple[str, ...]]:
    """Subtask 2: `ID<TAB>frame,frame,...` (an empty cell = no frame)."""
    return {cols[0]: _comma_list(cols[1] if len(cols) > 1 else "") for cols in read_rows(path)}


def read_paragraph_labels(path: Path) -> dict[tuple[str, int], tuple[str, ...]]:
    """Subtask 3: `ID<TAB>line<TAB>tech,tech` -> {(ID, line): techniques}; empty = none."""
    return {
        (cols[0], int(cols[1])): _comma_list(cols[2] if len(cols) > 2 else "")
        for cols in read_rows(path)
    }


def read_template(path: Path) -> list[tuple[str, int, str]]:
    """Subtask-3 template rows `ID<TAB>line<TAB>text`."""
    return [(cols[0], int(cols[1]), "\t".join(cols[2:])) for cols in read_rows(path)]


def template_from_articles(articles: Mapping[str, str]) -> list[tuple[str, int, str]]:
    """The rows a template would have: every non-blank line of every article."""
    return [
        (doc_id, line.number, text[line.start : line.end])
        for doc_id, text in articles.items()
        for line in lines(text)
    ]


def read_span_labels(path: Path) -> list[SpanLabel]:
    """Span files `ID<TAB>technique<TAB>start<TAB>end` (one file or a folder of them)."""
    path = Path(path)
    files = sorted(p for p in path.iterdir() if p.is_file()) if path.is_dir() else [path]
    return [SpanLabel(c[0], c[1], int(c[2]), int(c[3])) for f in files for c in read_rows(f)]


def _comma_list(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(x.strip() for x in cell.split(",") if x.strip()))


# --- writers ---------------------------------------------------------------------------------


def write_genres(path: Path, labels: Mapping[str, str]) -> Path:
    return write_rows(path, [[doc_id, label] for doc_id, label in labels.items()])


def write_frames(path: Path, labels: Mapping[str, Iterable[str]]) -> Path:
    return write_rows(path, [[doc_id, ",".join(frames)] for doc_id, frames in labels.items()])


def write_paragraph_labels(path: Path, labels: Mapping[tuple[str, int], Iterable[str]]) -> Path:
    return write_rows(
        path, [[doc_id, str(line), ",".join(techs)] for (doc_id, line), techs in labels.items()]
    )


def write_span_labels(path: Path, spans: Iterable[SpanLabel]) -> Path:
    return write_rows(path, [[s.article_id, s.technique, str(s.start), str(s.end)] for s in spans])
