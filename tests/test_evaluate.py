"""The evaluation harness end to end: folds, scoring of prediction files, predict/evaluate commands.

Learned analyzers are replaced by small rule-based test doubles registered for the test only, so
the harness's wiring (documents, offsets, file formats, pairing by id) is checked independently
of any model's quality.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from narrascope import registry, training
from narrascope.analyzers import contracts
from narrascope.analyzers.base import Analyzer
from narrascope.cli import app
from narrascope.datasets import semeval2023, semeval2025
from narrascope.document import (
    Document,
    FrameLayer,
    Genre,
    LabelScore,
    NarrativeLabel,
    NarrativeLayer,
    ParagraphTechniques,
    RoleMention,
    TechniqueLayer,
)
from narrascope.evaluation import harness, scoring
from narrascope.evaluation.predict import (
    paragraph_techniques,
    resolve_releases,
)

FIXTURES = Path(__file__).parent / "fixtures"
runner = CliRunner()


# --- test doubles ------------------------------------------------------------------------------


class Double(Analyzer):
    """Takes whatever options the packaged config gives the real analyzer (e.g. `model`)."""

    def __init__(self, **options: object) -> None:
        self.options = options


class KeywordGenre(Double):
    name = "genre"
    requires = (contracts.SENTENCES,)

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            label = "opinion" if "must" in doc.text else "reporting"
            doc.genre = Genre(label=label, score=1.0)


class KeywordFrames(Double):
    name = "frames"
    requires = (contracts.SENTENCES,)

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            doc.frames = FrameLayer(
                labels=["Security_and_defense"]
                if "arms" in doc.text or "tyrant" in doc.text
                else []
            )


class KeywordTechniques(Double):
    name = "techniques"
    requires = (contracts.SENTENCES,)

    def process(self, docs: list[Document]) -> None:
        for doc in docs:
            paragraphs = []
            for p in doc.paragraphs:
                text = doc.paragraph_text(p)
                labels = (
                    [LabelScore(label="Loaded_Language", score=1.0)] if "disgrace" in text else []
                )
                paragraphs.append(
                    ParagraphTechniques(paragraph=p.index, start=p.start, end=p.end, labels=labels)
                )
            doc.techniques = TechniqueLayer(paragraphs=paragraphs)


class KeywordNarratives(Analyzer):
    name = "narratives"
    requires = (contracts.SENTENCES,)
    models_used: list[str] = []

    def __init__(self, model: str = "", **options: object) -> None:
        self.models_used.append(model)

    def process(self, docs: list[Document]) -> None:
        narrative = "URW: Blaming the war on others rather than the invader"
        for doc in docs:
            layer = NarrativeLayer(taxonomy="test")
            if "Kyiv" in doc.text:
                layer.narratives = [NarrativeLabel(label=narrative, level="narrative", score=1.0)]
                layer.subnarratives = [
                    NarrativeLabel(
                        label=f"{narrative}: Ukraine is the aggressor",
                        level="subnarrative",
                        score=1.0,
                    )
                ]
            doc.narratives = layer


class FirstLetterRoles(Double):
    name = "roles"
    requires = (contracts.SENTENCES,)

    def process(self, docs: list[Document]) -> None:
        pass

    def classify_mentions(self, doc: Document, spans: list[tuple[int, int]]) -> list[RoleMention]:
        assert doc.paragraphs, "segmentation must have run"
        return [
            RoleMention(
                start=s,
                end=e,
                text=doc.text[s:e],
                main_role="Innocent" if doc.text[s:e].islower() else "Antagonist",
                main_score=1.0,
                fine_roles=[
                    LabelScore(
                        label="Victim" if doc.text[s:e].islower() else "Instigator", score=1.0
                    )
                ],
            )
            for s, e in spans
        ]


@pytest.fixture()
def doubles(monkeypatch: pytest.MonkeyPatch) -> None:
    for cls in (
        KeywordGenre,
        KeywordFrames,
        KeywordTechniques,
        KeywordNarratives,
        FirstLetterRoles,
    ):
        monkeypatch.setitem(registry._custom, cls.name, cls)
    # the real explanation analyzer reads the real narratives model's evidence: keep it out here
    # (the packaged config still names it, so it stays registered)
    from narrascope.evaluation import predict

    monkeypatch.setattr(
        predict, "_available", lambda name: name in set(registry.available()) - {"explanation"}
    )


# --- folds -------------------------------------------------------------------------------------


def test_kfold_is_deterministic_and_partitions() -> None:
    ids = [f"d{i}" for i in range(11)]
    folds = harness.kfold(list(reversed(ids)), 3, seed=1)
    assert folds == harness.kfold(ids, 3, seed=1)
    assert sorted(x for f in folds for x in f) == sorted(ids)
    assert sorted(len(f) for f in folds) == [3, 4, 4]
    assert folds != harness.kfold(ids, 3, seed=2)
    with pytest.raises(ValueError):
        harness.kfold(ids[:2], 3)


# --- scoring perfect predictions ---------------------------------------------------------------


def test_perfect_semeval2023_predictions_score_one(tmp_path: Path) -> None:
    data = FIXTURES / "semeval2023" / "en"
    for n in (1, 2, 3):
        shutil.copy(data / f"dev-labels-subtask-{n}.txt", tmp_path / f"subtask-{n}.txt")
    rows = {r.metric: r for r in scoring.score("semeval2023", tmp_path, data, "dev")}
    assert set(rows) == {
        "subtask1.genre_macro_f1",
        "subtask1.genre_accuracy",
        "subtask2.frames_micro_f1",
        "subtask2.frames_macro_f1",
        "subtask3.techniques_micro_f1",
        "subtask3.techniques_macro_f1",
    }
    assert all(r.value == pytest.approx(1.0) for r in rows.values())
    assert rows["subtask3.techniques_micro_f1"].documents == 3


def test_perfect_semeval2025_predictions_score_one(tmp_path: Path) -> None:
    data = FIXTURES / "semeval2025"
    split = semeval2025.find_split(data, "EN", "train")
    semeval2025.write_subtask1(tmp_path / "subtask-1.txt", split.gold_subtask1())
    semeval2025.write_subtask2(tmp_path / "subtask-2.txt", split.gold_subtask2())
    semeval2025.write_subtask3(tmp_path / "subtask-3.txt", split.gold_subtask3())
    rows = {r.metric: r.value for r in scoring.score("semeval2025", tmp_path, data, "train", "EN")}
    for metric in (
        "subtask1.exact_match_ratio",
        "subtask1.fine_micro_f1",
        "subtask1.main_role_accuracy",
        "subtask2.f1_samples_coarse",
        "subtask2.f1_samples_fine",
    ):
        assert rows[metric] == pytest.approx(1.0), metric
    assert rows["subtask3.explanation_cosine_minilm"] == pytest.approx(1.0, abs=1e-3)


def test_perfect_ptc_predictions_score_one(tmp_path: Path) -> None:
    data = FIXTURES / "ptc"
    (tmp_path / "si.txt").write_text(
        "".join(p.read_text() for p in sorted((data / "dev-labels-task-si").iterdir()))
    )
    (tmp_path / "tc.txt").write_text(
        "".join(p.read_text() for p in sorted((data / "dev-labels-task-flc-tc").iterdir()))
    )
    rows = {r.metric: r.value for r in scoring.score("ptc", tmp_path, data, "dev")}
    assert rows["si.span_f1"] == pytest.approx(1.0) and rows["tc.micro_f1"] == pytest.approx(1.0)


def test_predictions_are_paired_by_id_not_order(tmp_path: Path) -> None:
    data = FIXTURES / "semeval2023" / "en"
    lines = (data / "dev-labels-subtask-1.txt").read_text().splitlines(keepends=True)
    (tmp_path / "subtask-1.txt").write_text("".join(reversed(lines)))
    rows = {r.metric: r.value for r in scoring.score("semeval2023", tmp_path, data, "dev")}
    assert rows["subtask1.genre_accuracy"] == 1.0


# --- predict / evaluate ------------------------------------------------------------------------


def test_paragraph_techniques_map_file_lines() -> None:
    text = "Title\r\n\r\nA disgrace.\r\nPlain.\r\n"
    doc = Document(id="1", text=text)
    start = text.index("A disgrace.")
    doc.techniques = TechniqueLayer(
        paragraphs=[
            ParagraphTechniques(
                paragraph=1,
                start=start,
                end=start + 11,
                labels=[LabelScore(label="Doubt", score=1.0)],
            )
        ]
    )
    assert paragraph_techniques(doc, 3) == ["Doubt"]
    assert paragraph_techniques(doc, 4) == [] and paragraph_techniques(doc, 2) == []


def test_evaluate_semeval2023_command(doubles: None, tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(
        app,
        [
            "evaluate",
            "semeval2023",
            "--data",
            str(FIXTURES / "semeval2023" / "en"),
            "--split",
            "dev",
            "--out",
            str(out),
        ],
    )
    assert result.exit_code == 0, result.output
    for metric in (
        "subtask1.genre_macro_f1",
        "subtask2.frames_micro_f1",
        "subtask3.techniques_micro_f1",
    ):
        assert metric in result.output
    saved = json.loads((out / "narrascope" / "scores.json").read_text())
    rows = {r["metric"]: r["value"] for r in saved["rows"]}
    # the keyword doubles get genre of 7001 (reporting) and 7002 (opinion) right, 7003 wrong
    assert rows["subtask1.genre_accuracy"] == pytest.approx(2 / 3)
    # techniques: one gold Loaded_Language paragraph found, no false positive; 7 gold labels in all
    assert rows["subtask3.techniques_micro_f1"] == pytest.approx(2 * 1 / (1 + 7))
    labels = semeval2023.read_paragraph_labels(out / "narrascope" / "subtask-3.txt")
    assert labels[("7001", 4)] == ("Loaded_Language",) and len(labels) == 9


def test_predict_semeval2025_dev_layout_with_given_mentions(doubles: None, tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "predict",
            "semeval2025",
            "--data",
            str(FIXTURES / "semeval2025"),
            "--split",
            "dev",
            "--lang",
            "EN",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    roles = semeval2025.read_subtask1(tmp_path / "subtask-1.txt")
    inputs = semeval2025.find_split(FIXTURES / "semeval2025", "EN", "dev").subtask1_inputs()
    assert [r.key for r in roles] == [
        m.key for m in inputs
    ]  # inclusive ends written back unchanged
    assert {r.mention: r.main_role for r in roles}["civilians"] == "Innocent"
    narratives = semeval2025.read_subtask2(tmp_path / "subtask-2.txt")
    assert narratives["EN_CC_900004.txt"].narratives == ("Other",)
    assert narratives["EN_UA_900001.txt"].subnarratives == (
        "URW: Blaming the war on others rather than the invader: Ukraine is the aggressor",
    )


def test_evaluate_official_dev_layout_one_command(tmp_path: Path) -> None:
    result = runner.invoke(
        app,
        [
            "evaluate",
            "semeval2025",
            "--data",
            str(FIXTURES / "semeval2025"),
            "--split",
            "dev",
            "--lang",
            "EN",
            "--system",
            "all-other",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    rows = {
        r["metric"]: r
        for r in json.loads((tmp_path / "all-other" / "scores.json").read_text())["rows"]
    }
    # one of the four documents is Other: per-document F1 = 1 there, 0 elsewhere
    assert rows["subtask2.f1_samples_coarse"]["value"] == pytest.approx(0.25)
    assert rows["subtask2.f1_samples_coarse"]["documents"] == 4


def test_score_existing_predictions_command(tmp_path: Path) -> None:
    data = FIXTURES / "semeval2025"
    shutil.copy(data / "EN" / "dev" / "subtask-2-annotations.txt", tmp_path / "subtask-2.txt")
    result = runner.invoke(
        app,
        [
            "evaluate",
            "semeval2025",
            "--data",
            str(data),
            "--split",
            "dev",
            "--predictions",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "subtask2.f1_samples_fine" in result.output and "1.0000" in result.output


def test_cross_validation_with_baselines_and_doubles(
    doubles: None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    trained: list[tuple[str, Path, list[str]]] = []

    def fake_train(task: str, data: Path, out: Path, *, exclude_ids=None, seed: int = 0) -> Path:
        out.mkdir(parents=True, exist_ok=True)
        trained.append((task, out, list(exclude_ids)))
        return out

    # only narratives is trainable here: roles (subtask 1) must be left out of narrascope's rows
    monkeypatch.setattr(training, "TRAINERS", {"narratives": "unused:train"})
    monkeypatch.setattr(training, "train", fake_train)
    KeywordNarratives.models_used.clear()
    results = harness.cross_validate(
        "semeval2025",
        FIXTURES / "semeval2025",
        "train",
        tmp_path,
        k=2,
        lang="EN",
        systems=("all-other", "majority", "tfidf-logreg", "narrascope"),
    )
    by_system = {r.system: {row.metric: row for row in r.rows} for r in results}
    assert by_system["all-other"]["subtask2.f1_samples_coarse"].value == pytest.approx(0.25)
    assert by_system["all-other"]["subtask2.f1_samples_coarse"].documents == 4
    assert "subtask1.exact_match_ratio" in by_system["majority"]
    assert "subtask2.f1_samples_fine" in by_system["tfidf-logreg"]
    ours = by_system["narrascope"]
    assert "subtask2.f1_samples_fine" in ours and not any(m.startswith("subtask1.") for m in ours)
    assert any("roles: no trainer registered" in m for m in results[-1].messages)
    # one retraining per fold, each without exactly its held-out documents, and the pipeline used it
    folds = harness.kfold(
        sorted(semeval2025.find_split(FIXTURES / "semeval2025", "EN", "train").documents()), 2
    )
    assert [t[2] for t in trained] == folds
    assert list(dict.fromkeys(KeywordNarratives.models_used)) == [str(t[1]) for t in trained]
    assert (tmp_path / "tfidf-logreg" / "scores.json").is_file()


def test_resolve_releases_uses_another_training_release(shared_data: Path) -> None:
    split = semeval2025.find_split(shared_data / "semeval2025t10", "EN", "train_dec4")
    releases = resolve_releases(split)
    assert (
        releases[1].name == "train_oct16"
        and releases[3].name == "train_oct16"
        and 2 not in releases
    )


def test_all_other_cross_validation_on_real_data(shared_data: Path, tmp_path: Path) -> None:
    root = shared_data / "semeval2025t10"
    results = harness.cross_validate(
        "semeval2025", root, "train_dec4", tmp_path, k=5, lang="EN", systems=("all-other",)
    )
    rows = {r.metric: r for r in results[0].rows}
    gold = semeval2025.find_split(root, "EN", "train_dec4").gold_subtask2()
    # per document: 1 when the gold is exactly {Other}, else 0; folds are near-equal so the mean of
    # fold means is close to the overall share
    share = sum(set(a.narratives) == {"Other"} for a in gold.values()) / len(gold)
    assert rows["subtask2.f1_samples_coarse"].documents == len(gold) == 399
    assert rows["subtask2.f1_samples_coarse"].value == pytest.approx(share, abs=0.01)


def test_rescore_reads_fold_predictions(tmp_path: Path) -> None:
    first = harness.cross_validate(
        "semeval2025", FIXTURES / "semeval2025", "train", tmp_path, k=2, systems=("majority",)
    )
    (tmp_path / "majority" / "fold-1" / "predictions" / "subtask-1.txt").unlink()
    result = runner.invoke(
        app,
        [
            "evaluate",
            "semeval2025",
            "--data",
            str(FIXTURES / "semeval2025"),
            "--split",
            "train",
            "--cv",
            "2",
            "--rescore",
            "--system",
            "majority",
            "--out",
            str(tmp_path),
        ],
    )
    assert result.exit_code == 0, result.output
    saved = json.loads((tmp_path / "majority" / "scores.json").read_text())
    assert saved["folds"] == 1 and any("only 1 of 2 folds" in m for m in saved["messages"])
    assert first[0].rows[0].items == 5  # all five mentions were scored over the two folds
