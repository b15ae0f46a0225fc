"""Score a folder of official-format prediction files against a split's gold files.

The prediction files have fixed names: `subtask-1.txt`, `subtask-2.txt`, `subtask-3.txt`
(SemEval-2025 and SemEval-2023) and `si.txt`, `tc.txt` (PTC). A subtask is scored when both its
prediction file and its gold exist. `ids` restricts scoring to some documents (a fold).
"""

from __future__ import annotations

from collections.abc import Collection
from pathlib import Path

from narrascope.datasets import ptc, semeval2023, semeval2025
from narrascope.evaluation import metrics
from narrascope.evaluation.rows import Row

DATASETS = ("semeval2025", "semeval2023", "ptc")


def _keep(doc_id: str, ids: Collection[str] | None) -> bool:
    return ids is None or doc_id in ids


# --- SemEval-2025 -------------------------------------------------------------------------------


def score_semeval2025(
    pred_dir: Path,
    split: semeval2025.Split,
    taxonomy: semeval2025.Taxonomy | None = None,
    ids: Collection[str] | None = None,
    gold_split: dict[int, semeval2025.Split] | None = None,
) -> list[Row]:
    """Subtask 1 (roles), 2 (narratives) and 3 (explanations) where predictions and gold exist.

    `gold_split` maps a subtask to another release holding its gold (e.g. subtask 1 of
    train_oct16 when the split asked is train_dec4).
    """
    pred_dir = Path(pred_dir)
    gold_split = gold_split or {}
    rows: list[Row] = []
    s1 = gold_split.get(1, split)
    if (pred_dir / "subtask-1.txt").is_file() and s1.has_gold(1):
        rows += _roles(
            pred_dir / "subtask-1.txt", s1.gold_subtask1(), ids, _release_note(s1, split)
        )
    s2 = gold_split.get(2, split)
    if (pred_dir / "subtask-2.txt").is_file() and s2.has_gold(2):
        rows += _narratives(
            pred_dir / "subtask-2.txt", s2.gold_subtask2(), taxonomy, ids, _release_note(s2, split)
        )
    s3 = gold_split.get(3, split)
    if (pred_dir / "subtask-3.txt").is_file() and s3.has_gold(3):
        rows += _explanations(
            pred_dir / "subtask-3.txt", s3.gold_subtask3(), ids, _release_note(s3, split)
        )
    return rows


def _release_note(used: semeval2025.Split, asked: semeval2025.Split) -> str:
    return "" if used.folder == asked.folder else f"gold from release {used.name}"


def _roles(path: Path, gold_rows: list[semeval2025.EntityAnnotation], ids, note: str) -> list[Row]:
    gold = {a.key: (a.main_role, a.fine_roles) for a in gold_rows if _keep(a.doc_id, ids)}
    pred = {a.key: (a.main_role, a.fine_roles) for a in semeval2025.read_subtask1(path)}
    s = metrics.role_scores(gold, pred)
    docs = len({key[0] for key in gold})
    values = [
        ("subtask1.exact_match_ratio", s.exact_match_ratio),
        ("subtask1.fine_micro_precision", s.fine.precision),
        ("subtask1.fine_micro_recall", s.fine.recall),
        ("subtask1.fine_micro_f1", s.fine.f1),
        ("subtask1.main_role_accuracy", s.main_accuracy),
    ]
    return [
        Row(metric, value, docs, note=note, items=s.mentions, unit="mentions")
        for metric, value in values
    ]


def _narratives(path: Path, gold_rows, taxonomy, ids, note: str) -> list[Row]:
    gold = {k: v for k, v in gold_rows.items() if _keep(k, ids)}
    pred = semeval2025.read_subtask2(path)
    coarse_classes = taxonomy.narratives if taxonomy else None
    fine_classes = taxonomy.subnarratives if taxonomy else None
    coarse = metrics.f1_samples(
        {k: v.narratives for k, v in gold.items()},
        {k: v.narratives for k, v in pred.items()},
        coarse_classes,
    )
    fine = metrics.f1_samples(
        {k: v.subnarratives for k, v in gold.items()},
        {k: v.subnarratives for k, v in pred.items()},
        fine_classes,
    )
    return [
        Row("subtask2.f1_samples_coarse", coarse[0], len(gold), coarse[1], note),
        Row("subtask2.f1_samples_fine", fine[0], len(gold), fine[1], note),
    ]


def _explanations(path: Path, gold_rows, ids, note: str) -> list[Row]:
    from narrascope.evaluation.textsim import explanation_similarity

    gold = {k: v.explanation for k, v in gold_rows.items() if _keep(k, ids)}
    pred = {k: v.explanation for k, v in semeval2025.read_subtask3(path).items()}
    name, value, std = explanation_similarity(gold, pred)
    return [Row(f"subtask3.{name}", value, len(gold), std, note)]


# --- SemEval-2023 -------------------------------------------------------------------------------


def score_semeval2023(
    pred_dir: Path, split: semeval2023.Split2023, ids: Collection[str] | None = None
) -> list[Row]:
    """Genre (macro-F1, accuracy), frames and paragraph techniques (micro-F1 official, macro-F1)."""
    pred_dir = Path(pred_dir)
    rows: list[Row] = []
    if (pred_dir / "subtask-1.txt").is_file() and 1 in split.labels:
        genres = {
            k: v for k, v in semeval2023.read_genres(split.labels[1]).items() if _keep(k, ids)
        }
        genre_pred = semeval2023.read_genres(pred_dir / "subtask-1.txt")
        rows.append(
            Row("subtask1.genre_macro_f1", metrics.macro_f1_single(genres, genre_pred), len(genres))
        )
        rows.append(
            Row("subtask1.genre_accuracy", metrics.accuracy(genres, genre_pred), len(genres))
        )
    if (pred_dir / "subtask-2.txt").is_file() and 2 in split.labels:
        gold = {k: v for k, v in semeval2023.read_frames(split.labels[2]).items() if _keep(k, ids)}
        pred = semeval2023.read_frames(pred_dir / "subtask-2.txt")
        micro = metrics.micro_prf(gold, pred, semeval2023.FRAMES)
        rows.append(Row("subtask2.frames_micro_f1", micro.f1, len(gold)))
        rows.append(
            Row(
                "subtask2.frames_macro_f1",
                metrics.macro_f1_multilabel(gold, pred, semeval2023.FRAMES),
                len(gold),
            )
        )
    if (pred_dir / "subtask-3.txt").is_file() and 3 in split.labels:
        paragraphs = {
            k: v
            for k, v in semeval2023.read_paragraph_labels(split.labels[3]).items()
            if _keep(k[0], ids)
        }
        paragraph_pred = semeval2023.read_paragraph_labels(pred_dir / "subtask-3.txt")
        docs = len({k[0] for k in paragraphs})
        micro = metrics.micro_prf(paragraphs, paragraph_pred, semeval2023.TECHNIQUES)
        macro = metrics.macro_f1_multilabel(paragraphs, paragraph_pred, semeval2023.TECHNIQUES)
        rows.append(
            Row(
                "subtask3.techniques_micro_f1",
                micro.f1,
                docs,
                items=len(paragraphs),
                unit="paragraphs",
            )
        )
        rows.append(
            Row(
                "subtask3.techniques_macro_f1",
                macro,
                docs,
                items=len(paragraphs),
                unit="paragraphs",
            )
        )
    return rows


# --- PTC ----------------------------------------------------------------------------------------


def score_ptc(pred_dir: Path, split: ptc.PtcSplit, ids: Collection[str] | None = None) -> list[Row]:
    """Span identification (partial-overlap F1) and technique classification (micro-F1)."""
    pred_dir = Path(pred_dir)
    rows: list[Row] = []
    if (pred_dir / "si.txt").is_file() and split.si_labels:
        gold: dict[str, list[tuple[int, int]]] = {}
        for s in split.gold_spans():
            if _keep(s.article_id, ids):
                gold.setdefault(s.article_id, []).append((s.start, s.end))
        if ids is not None:
            for doc_id in ids:
                gold.setdefault(doc_id, [])
        pred: dict[str, list[tuple[int, int]]] = {}
        for s in ptc.read_spans(pred_dir / "si.txt"):
            if s.article_id in gold:
                pred.setdefault(s.article_id, []).append((s.start, s.end))
        prf = metrics.span_prf(gold, pred)
        n = len(gold)
        rows += [
            Row("si.span_precision", prf.precision, n),
            Row("si.span_recall", prf.recall, n),
            Row("si.span_f1", prf.f1, n),
        ]
    if (pred_dir / "tc.txt").is_file() and split.tc_labels:
        gold_tc = [
            (s.key, s.technique) for s in split.gold_techniques() if _keep(s.article_id, ids)
        ]
        articles = {key[0] for key, _ in gold_tc}
        pred_tc = [
            (s.key, s.technique)
            for s in ptc.read_technique_spans(pred_dir / "tc.txt")
            if s.article_id in articles
        ]
        micro, _ = metrics.technique_classification(gold_tc, pred_tc)
        rows.append(Row("tc.micro_f1", micro.f1, len(articles), items=len(gold_tc), unit="spans"))
    return rows


# --- one entry point ----------------------------------------------------------------------------


def score(
    dataset: str,
    pred_dir: Path,
    data: Path,
    split: str,
    lang: str = "EN",
    ids: Collection[str] | None = None,
) -> list[Row]:
    """Score prediction files in `pred_dir` against the gold of `split` in `data`."""
    if dataset == "semeval2025":
        found = semeval2025.find_split(data, lang, split)
        taxonomy = find_taxonomy(data)
        return score_semeval2025(pred_dir, found, taxonomy, ids)
    if dataset == "semeval2023":
        return score_semeval2023(pred_dir, semeval2023.find_split(data, split), ids)
    if dataset == "ptc":
        return score_ptc(pred_dir, ptc.find_split(data, split), ids)
    raise ValueError(f"unknown dataset {dataset!r}; choose from {', '.join(DATASETS)}")


def find_taxonomy(data: Path) -> semeval2025.Taxonomy | None:
    """The class lists under `data/taxonomy` or one level up (when `data` is a language folder)."""
    for folder in (Path(data), Path(data).parent):
        if (folder / "taxonomy" / "subtask2_narratives.txt").is_file():
            return semeval2025.read_taxonomy(folder)
    return None
