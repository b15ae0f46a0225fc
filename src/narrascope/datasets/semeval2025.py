"""SemEval-2025 Task 10 files: documents, entity roles (subtask 1), narratives (subtask 2),
explanations (subtask 3), the narrative taxonomy, and writers for predictions.

Layout of a language folder `<data>/<L>/<split>/`: training releases keep documents in
`raw-documents/`, dev/test releases in `subtask-N-documents/`; gold files are
`subtask-N-annotations.txt`; the subtask-1 input (mentions without roles) is
`subtask-1-entity-mentions.txt`. Subtask-1 offsets are character offsets with an INCLUSIVE end,
counted on the raw text (carriage returns and a leading byte-order mark included).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from narrascope.datasets._io import read_rows, read_text, write_rows

OTHER = "Other"
MAIN_ROLES = ("Protagonist", "Antagonist", "Innocent")


@dataclass(frozen=True)
class EntityAnnotation:
    """One entity mention (subtask 1). `end` is inclusive as in the files; roles empty for inputs."""

    doc_id: str
    mention: str
    start: int
    end: int
    main_role: str | None = None
    fine_roles: tuple[str, ...] = ()

    @property
    def end_exclusive(self) -> int:
        return self.end + 1

    @property
    def key(self) -> tuple[str, int, int]:
        """What pairs a prediction with its gold mention."""
        return (self.doc_id, self.start, self.end)


@dataclass(frozen=True)
class NarrativeAnnotation:
    """Narratives and subnarratives of one document (subtask 2); `["Other"]` when none."""

    doc_id: str
    narratives: tuple[str, ...]
    subnarratives: tuple[str, ...]


@dataclass(frozen=True)
class ExplanationAnnotation:
    """Dominant narrative, subnarrative (None for `none`) and a free-text explanation (subtask 3)."""

    doc_id: str
    narrative: str | None
    subnarrative: str | None
    explanation: str


@dataclass(frozen=True)
class Taxonomy:
    """The class lists of subtask 2, in file order (both contain `Other`)."""

    narratives: tuple[str, ...]
    subnarratives: tuple[str, ...]

    def parent(self, subnarrative: str) -> str:
        """The narrative a subnarrative belongs to (`"URW: A: b"` -> `"URW: A"`); `Other` stays `Other`."""
        owners = [n for n in self.narratives if subnarrative.startswith(n + ": ")]
        if owners:
            return max(owners, key=len)
        return subnarrative.rsplit(": ", 1)[0] if subnarrative.count(": ") >= 2 else subnarrative


@dataclass
class Split:
    """Where the files of one language and split live; any of them may be missing."""

    folder: Path
    lang: str
    name: str
    document_dirs: dict[int | None, Path] = field(default_factory=dict)
    annotations: dict[int, Path] = field(default_factory=dict)
    mentions: Path | None = None
    dominant_narratives: Path | None = None

    def documents(self, subtask: int | None = None) -> dict[str, str]:
        """Document texts by file name: the subtask's own folder if it has one, else all folders."""
        if subtask in self.document_dirs:
            return read_documents(self.document_dirs[subtask])
        texts: dict[str, str] = {}
        for folder in self.document_dirs.values():
            for doc_id, text in read_documents(folder).items():
                texts.setdefault(doc_id, text)
        return dict(sorted(texts.items()))

    def has_gold(self, subtask: int) -> bool:
        return subtask in self.annotations

    def subtask1_inputs(self) -> list[EntityAnnotation]:
        """The mentions to classify: the input file, else the gold file's first four columns."""
        if self.mentions is not None:
            return read_subtask1(self.mentions)
        if 1 in self.annotations:
            return [
                EntityAnnotation(a.doc_id, a.mention, a.start, a.end)
                for a in read_subtask1(self.annotations[1])
            ]
        return []

    def gold_subtask1(self) -> list[EntityAnnotation]:
        return read_subtask1(self.annotations[1]) if 1 in self.annotations else []

    def gold_subtask2(self) -> dict[str, NarrativeAnnotation]:
        return read_subtask2(self.annotations[2]) if 2 in self.annotations else {}

    def gold_subtask3(self) -> dict[str, ExplanationAnnotation]:
        return read_subtask3(self.annotations[3]) if 3 in self.annotations else {}


def read_documents(folder: Path) -> dict[str, str]:
    """`*.txt` files of a folder -> {file name (e.g. "EN_UA_001.txt"): raw text}."""
    return {p.name: read_text(p) for p in sorted(Path(folder).glob("*.txt")) if p.is_file()}


def find_split(data: Path, lang: str, split: str) -> Split:
    """Locate the files of `<data>/<lang>/<split>/` (or `data` itself when it is that folder)."""
    data = Path(data)
    folder = data / lang / split
    if not folder.is_dir():
        if (data / split).is_dir():
            folder = data / split
        elif data.is_dir() and data.name == split:
            folder = data
        else:
            raise FileNotFoundError(f"no split {split!r} for language {lang!r} under {data}")
    found = Split(folder=folder, lang=lang, name=split)
    if (folder / "raw-documents").is_dir():
        found.document_dirs[None] = folder / "raw-documents"
    for n in (1, 2, 3):
        if (folder / f"subtask-{n}-documents").is_dir():
            found.document_dirs[n] = folder / f"subtask-{n}-documents"
        if (folder / f"subtask-{n}-annotations.txt").is_file():
            found.annotations[n] = folder / f"subtask-{n}-annotations.txt"
    if (folder / "subtask-1-entity-mentions.txt").is_file():
        found.mentions = folder / "subtask-1-entity-mentions.txt"
    if (folder / "subtask-3-dominant-narratives.txt").is_file():
        found.dominant_narratives = folder / "subtask-3-dominant-narratives.txt"
    if not found.document_dirs:
        raise FileNotFoundError(f"{folder}: no raw-documents/ or subtask-N-documents/ folder")
    return found


def read_subtask1(path: Path) -> list[EntityAnnotation]:
    """`id, mention, start, end(inclusive)[, main_role, fine_role, ...]` rows."""
    rows = []
    for cols in read_rows(path):
        if len(cols) < 4:
            raise ValueError(f"{path}: subtask-1 row needs at least 4 columns: {cols!r}")
        main = cols[4] if len(cols) > 4 and cols[4] else None
        fine = tuple(c for c in cols[5:] if c)
        rows.append(EntityAnnotation(cols[0], cols[1], int(cols[2]), int(cols[3]), main, fine))
    return rows


def read_subtask2(path: Path) -> dict[str, NarrativeAnnotation]:
    """`id<TAB>narratives;...<TAB>subnarratives;...` rows -> {id: annotation} (duplicates kept once)."""
    out: dict[str, NarrativeAnnotation] = {}
    for cols in read_rows(path):
        cols += [""] * (3 - len(cols))
        out[cols[0]] = NarrativeAnnotation(cols[0], _split_labels(cols[1]), _split_labels(cols[2]))
    return out


def read_subtask3(path: Path) -> dict[str, ExplanationAnnotation]:
    """Gold rows `id, narrative, subnarrative|none, explanation`, or prediction rows `id, explanation`."""
    out: dict[str, ExplanationAnnotation] = {}
    for cols in read_rows(path):
        if len(cols) >= 4:
            sub = None if cols[2].strip().lower() == "none" else cols[2]
            out[cols[0]] = ExplanationAnnotation(cols[0], cols[1], sub, "\t".join(cols[3:]))
        elif len(cols) == 3:  # the dominant-narrative input of a dev/test release
            sub = None if cols[2].strip().lower() == "none" else cols[2]
            out[cols[0]] = ExplanationAnnotation(cols[0], cols[1], sub, "")
        else:
            out[cols[0]] = ExplanationAnnotation(
                cols[0], None, None, cols[1] if len(cols) > 1 else ""
            )
    return out


def read_taxonomy(data: Path) -> Taxonomy:
    """The class lists under `<data>/taxonomy/` (or `data` itself when it is that folder)."""
    folder = Path(data)
    if (folder / "taxonomy").is_dir():
        folder = folder / "taxonomy"

    def labels(name: str) -> tuple[str, ...]:
        lines = read_text(folder / name).splitlines()
        return tuple(dict.fromkeys(line.strip() for line in lines if line.strip()))

    return Taxonomy(labels("subtask2_narratives.txt"), labels("subtask2_subnarratives.txt"))


def _split_labels(cell: str) -> tuple[str, ...]:
    return tuple(dict.fromkeys(label.strip() for label in cell.split(";") if label.strip()))


# --- writers (prediction files in the official formats) ---------------------------------------


def write_subtask1(path: Path, rows: Iterable[EntityAnnotation]) -> Path:
    """`id, mention, start, end(inclusive), main_role, fine_role...` per mention."""
    lines = []
    for a in rows:
        lines.append(
            [a.doc_id, a.mention, str(a.start), str(a.end), a.main_role or "", *a.fine_roles]
        )
    return write_rows(path, lines)


def write_subtask2(
    path: Path, rows: Mapping[str, NarrativeAnnotation] | Iterable[NarrativeAnnotation]
) -> Path:
    """`id<TAB>narr;narr<TAB>sub;sub`, `Other` for an empty list."""
    items = rows.values() if isinstance(rows, Mapping) else rows
    lines = [
        [a.doc_id, ";".join(a.narratives) or OTHER, ";".join(a.subnarratives) or OTHER]
        for a in items
    ]
    return write_rows(path, lines)


def write_subtask3(
    path: Path, rows: Mapping[str, ExplanationAnnotation] | Iterable[ExplanationAnnotation]
) -> Path:
    """Prediction rows `id<TAB>explanation` (tabs and line breaks in the text become spaces)."""
    items = rows.values() if isinstance(rows, Mapping) else rows
    return write_rows(path, [[a.doc_id, " ".join(a.explanation.split())] for a in items])
