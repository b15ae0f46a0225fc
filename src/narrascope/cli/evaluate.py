"""`narrascope evaluate DATASET`: predict a benchmark split, score it with the official metrics,
print a table and write it as JSON beside the predictions."""

from __future__ import annotations

import shlex
import sys
from pathlib import Path

import typer

from narrascope.cli.app import app
from narrascope.config import Config


@app.command()
def evaluate(
    dataset: str = typer.Argument(..., help="semeval2025 | semeval2023 | ptc | relations"),
    data: Path = typer.Option(
        ..., "--data", help="The dataset folder (for semeval2023: the language folder)."
    ),
    split: str = typer.Option(
        "", "--split", help="Split with gold labels, e.g. train_dec4, dev (relations: dev)."
    ),
    lang: str = typer.Option("EN", "--lang", help="Language folder (semeval2025)."),
    out: Path | None = typer.Option(
        None,
        "--out",
        help="Folder for predictions and scores.json (default: a folder under ./eval-runs).",
    ),
    cv: int = typer.Option(
        0, "--cv", help="K-fold cross-validation, retraining the models per fold."
    ),
    seed: int = typer.Option(0, "--seed", help="Seed of the fold split and the trainers."),
    system: list[str] = typer.Option(
        ["narrascope"], "--system", help="Systems to score: narrascope, a baseline name, or all."
    ),
    predictions: Path | None = typer.Option(
        None, "--predictions", help="Score these existing prediction files instead of predicting."
    ),
    rescore: bool = typer.Option(
        False, "--rescore", help="With --cv: score the fold predictions already under --out."
    ),
    config: Path | None = typer.Option(None, "--config", help="Pipeline config (TOML)."),
) -> None:
    """Score narrascope (or a baseline) on a benchmark split with the organisers' metrics."""
    from narrascope.evaluation import harness, scoring
    from narrascope.evaluation.table import print_results

    command = "narrascope " + " ".join(shlex.quote(a) for a in sys.argv[1:])
    if dataset == "relations":
        _relations(data, split or "dev", out, command)
        return
    if not split:
        typer.echo("error: --split is required for this dataset", err=True)
        raise typer.Exit(2)
    cfg = Config.load(config) if config else None
    target = out or Path("eval-runs") / (
        f"{dataset}-{lang.lower()}-{split}" + (f"-cv{cv}" if cv else "")
    )
    if system == ["all"]:
        from narrascope.evaluation.systems import systems_for

        system = list(systems_for(dataset))
    try:
        if predictions is not None:
            rows = scoring.score(dataset, predictions, data, split, lang)
            result = harness.Evaluation(dataset, split, "predictions", rows, command=command)
            harness.write_results(result, predictions)
            results = [result]
        elif cv and rescore:
            results = harness.rescore_cross_validation(
                dataset, data, split, target, cv, lang, system, seed, command
            )
        elif cv:
            results = harness.cross_validate(
                dataset, data, split, target, cv, lang, cfg, system, seed, command
            )
        else:
            results = [
                harness.evaluate(dataset, data, split, target / s, lang, cfg, s, command)
                for s in system
            ]
    except (FileNotFoundError, ValueError) as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    print_results(results)
    if not any(r.rows for r in results):
        raise typer.Exit(1)


def _relations(data: Path, split: str, out: Path | None, command: str) -> None:
    """The learned extractor and the rules on the project's relation annotations."""
    from narrascope.evaluation.relations_dev import write_results
    from narrascope.training.relations import evaluate as evaluate_split

    if split not in ("dev", "train"):
        typer.echo("error: relations splits are dev and train", err=True)
        raise typer.Exit(2)
    if not data.exists():
        typer.echo(f"error: {data}: no such data folder", err=True)
        raise typer.Exit(2)
    scores = evaluate_split(data, split)
    target = out or Path("docs/results") / f"relations-{split}.json"
    write_results(scores, target, split, command)
    for system, s in scores.items():
        t = s["triples"]
        typer.echo(
            f"{system}: P={t['precision']:.3f} R={t['recall']:.3f} F1={t['f1']:.3f} "
            f"(tp={t['tp']} fp={t['fp']} fn={t['fn']}); modality {s['modality_accuracy']:.3f}, "
            f"attribution {s['attribution_accuracy']:.3f} on {s['matched_records']} matched records"
        )
    typer.echo(f"wrote {target}")
