"""The benchmark report renders every results file, ours and contributed ones."""

from __future__ import annotations

import json
from pathlib import Path

from narrascope.evaluation import report


def test_render_headline_and_contributed_rows(tmp_path: Path) -> None:
    results = tmp_path / "results"
    results.mkdir()
    (results / "cv-semeval2025-train_dec4.json").write_text(
        json.dumps(
            {
                "title": "Cross-validation",
                "command": "narrascope evaluate semeval2025 --cv 5",
                "evaluations": [
                    {
                        "dataset": "semeval2025",
                        "split": "train_dec4",
                        "system": "narrascope",
                        "folds": 5,
                        "messages": ["a note"],
                        "rows": [
                            {
                                "metric": "subtask2.f1_samples_fine",
                                "value": 0.3125,
                                "std": 0.01,
                                "documents": 399,
                                "note": "",
                            }
                        ],
                    },
                    {
                        "dataset": "semeval2025",
                        "split": "train_dec4",
                        "system": "all-other",
                        "folds": 5,
                        "messages": [],
                        "rows": [
                            {
                                "metric": "subtask2.f1_samples_fine",
                                "value": 0.05,
                                "std": 0.0,
                                "documents": 399,
                                "note": "",
                            }
                        ],
                    },
                ],
            }
        )
    )
    (results / "genre-dev.json").write_text(
        json.dumps(
            {
                "title": "Genre on the project's dev set",
                "command": "python -m narrascope.training.genre --dev",
                "rows": [
                    {
                        "dataset": "semeval2023",
                        "metric": "subtask1.genre_macro_f1",
                        "value": 0.61,
                        "documents": 30,
                    }
                ],
            }
        )
    )
    rows, files = report.load_results(results)
    text = report.render(rows, files)
    headline = text.split("## All measured rows")[0]
    assert "| SemEval-2025 T10 narratives (subtask 2) |" in headline
    assert "0.312 / —" in headline and "0.050 (all-other)" in headline
    assert "| SemEval-2023 T3 genre | macro-F1 | ~0.78 |" in headline and "0.610" in headline
    assert "`python -m narrascope.training.genre --dev`" in text
    assert "0.312 ± 0.010" in text and "- narrascope: a note" in text


def test_import_runs_merges_by_system(tmp_path: Path) -> None:
    def scores(system: str, value: float) -> dict:
        return {
            "dataset": "ptc",
            "split": "train",
            "system": system,
            "folds": 5,
            "command": f"cmd {system}",
            "messages": [],
            "rows": [{"metric": "tc.micro_f1", "value": value, "documents": 371}],
        }

    run = tmp_path / "run"
    for system, value in (("narrascope", 0.4), ("majority", 0.2)):
        (run / system).mkdir(parents=True)
        (run / system / "scores.json").write_text(json.dumps(scores(system, value)))
    results = tmp_path / "results"
    report.import_runs([run], results)
    (run / "narrascope" / "scores.json").write_text(json.dumps(scores("narrascope", 0.5)))
    report.import_runs([run / "narrascope"], results)
    saved = json.loads((results / "cv-ptc-train.json").read_text())
    assert [(e["system"], e["rows"][0]["value"]) for e in saved["evaluations"]] == [
        ("narrascope", 0.5),
        ("majority", 0.2),
    ]
    rows, files = report.load_results(results)
    assert "- `cmd narrascope`" in report.render(rows, files)
