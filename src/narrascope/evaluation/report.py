"""Regenerate docs/benchmarks.md: our measured numbers beside the published reference results.

    python -m narrascope.evaluation.report [--data ../shared/data] [--skip-cv] [--skip-throughput]

Steps: (1) cross-validate narrascope and the baselines on SemEval-2025 T10 (EN, train_dec4) and
PTC (train) and save the results under docs/results/; (2) run benchmarks/throughput.py on
English SemEval-2025 articles and save its output there too; (3) render every
docs/results/*.json (ours and those other parts of the project contribute, see
docs/evaluation.md for the file format) into docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from narrascope.evaluation.harness import cross_validate

ROOT = Path(__file__).resolve().parents[3]
RESULTS = ROOT / "docs" / "results"
OUT = ROOT / "docs" / "benchmarks.md"


@dataclass(frozen=True)
class Reference:
    """A published result (English) and the metric key our harness reports for the same task."""

    task: str
    metric_name: str
    published: str
    note: str
    dataset: str
    metrics: tuple[str, ...]


# Published reference results, as summarised in the product brief.
REFERENCES: tuple[Reference, ...] = (
    Reference(
        "SemEval-2025 T10 narratives (subtask 2)",
        "F1-samples fine / coarse",
        "~0.43 / 0.55",
        "GPT-4o-class LLM prompting",
        "semeval2025",
        ("subtask2.f1_samples_fine", "subtask2.f1_samples_coarse"),
    ),
    Reference(
        "SemEval-2025 T10 entity roles (subtask 1)",
        "exact match ratio, fine roles",
        "~0.40–0.50",
        "LoRA-tuned 8B LLMs; XLM-R close",
        "semeval2025",
        ("subtask1.exact_match_ratio",),
    ),
    Reference(
        "SemEval-2023 T3 genre",
        "macro-F1",
        "~0.78",
        "fine-tuned RoBERTa-class",
        "semeval2023",
        ("subtask1.genre_macro_f1",),
    ),
    Reference(
        "SemEval-2023 T3 frames",
        "micro-F1",
        "~0.58",
        "RoBERTa/XLM-R-large ensembles",
        "semeval2023",
        ("subtask2.frames_micro_f1",),
    ),
    Reference(
        "SemEval-2023 T3 techniques (paragraph)",
        "micro-F1",
        "0.376",
        "XLM-R-large",
        "semeval2023",
        ("subtask3.techniques_micro_f1",),
    ),
    Reference(
        "SemEval-2020 T11 span identification",
        "span F1",
        "~0.52",
        "ensembles of transformers",
        "ptc",
        ("si.span_f1",),
    ),
    Reference(
        "SemEval-2020 T11 technique classification",
        "micro-F1",
        "~0.62",
        "RoBERTa ensembles",
        "ptc",
        ("tc.micro_f1",),
    ),
)


@dataclass(frozen=True)
class ResultRow:
    source: str
    command: str
    task: str
    dataset: str
    system: str
    metric: str
    value: float
    std: float | None
    documents: int | None
    note: str


# --- steps 1 and 2: measure -------------------------------------------------------------------


def run_cross_validation(data: Path, folds: int, results: Path) -> None:
    jobs = [
        (
            "semeval2025",
            data / "semeval2025t10",
            "train_dec4",
            "EN",
            ("narrascope", "all-other", "majority", "tfidf-logreg"),
        ),
        ("ptc", data / "ptc2020", "train", "EN", ("narrascope", "majority")),
    ]
    for dataset, folder, split, lang, systems in jobs:
        if not folder.is_dir():
            print(f"skip {dataset}: {folder} not found", file=sys.stderr)
            continue
        rel = _relative(folder)
        command = (
            f"narrascope evaluate {dataset} --data {rel} --split {split}"
            + (f" --lang {lang}" if dataset == "semeval2025" else "")
            + f" --cv {folds} "
            + " ".join(f"--system {s}" for s in systems)
        )
        print(f"running: {command}", file=sys.stderr)
        started = time.perf_counter()
        evaluations = cross_validate(
            dataset,
            folder,
            split,
            Path(tempfile.mkdtemp(prefix=f"narrascope-cv-{dataset}-")),
            folds,
            lang,
            systems=systems,
            command=command,
        )
        print(f"{dataset}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
        save_evaluations(results, [e.to_dict() for e in evaluations])


def save_evaluations(results: Path, evaluations: list[dict]) -> list[Path]:
    """Merge evaluations (the content of `scores.json` files) into docs/results/cv-<dataset>-<split>.json,
    replacing earlier results of the same system."""
    written = []
    groups: dict[tuple[str, str], list[dict]] = {}
    for e in evaluations:
        groups.setdefault((e["dataset"], e["split"]), []).append(e)
    for (dataset, split), items in sorted(groups.items()):
        path = results / f"cv-{dataset}-{split}.json"
        payload = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        kept = [
            e
            for e in payload.get("evaluations", [])
            if e["system"] not in {i["system"] for i in items}
        ]
        order = ["narrascope", "all-other", "majority", "tfidf-logreg"]
        merged = sorted(
            kept + items,
            key=lambda e: (order.index(e["system"]) if e["system"] in order else 99, e["system"]),
        )
        payload = {
            "title": f"Cross-validation on {dataset} {split}",
            "measured": time.strftime("%Y-%m-%d"),
            "evaluations": merged,
        }
        _write_json(path, payload)
        written.append(path)
    return written


def import_runs(folders: list[Path], results: Path) -> None:
    """Save the `scores.json` files of earlier `narrascope evaluate` runs (one folder per run)."""
    evaluations = []
    for folder in folders:
        for path in sorted(Path(folder).glob("*/scores.json")) + sorted(
            Path(folder).glob("scores.json")
        ):
            evaluations.append(json.loads(path.read_text(encoding="utf-8")))
    for path in save_evaluations(results, evaluations):
        print(f"updated {path}", file=sys.stderr)


def run_throughput(data: Path, limit: int, results: Path) -> None:
    script = ROOT / "benchmarks" / "throughput.py"
    corpus = data / "semeval2025t10" / "EN" / "train_dec4" / "raw-documents"
    if not script.is_file() or not corpus.is_dir():
        print("skip throughput: benchmarks/throughput.py or the corpus is missing", file=sys.stderr)
        return
    args = [sys.executable, str(script), str(corpus), "--limit", str(limit)]
    command = f"python benchmarks/throughput.py {_relative(corpus)} --limit {limit}"
    print(f"running: {command}", file=sys.stderr)
    done = subprocess.run(args, cwd=ROOT, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        print(f"throughput failed: {done.stderr.strip()[-500:]}", file=sys.stderr)
        return
    output = done.stdout.strip()
    rows: list[dict[str, object]] = []
    payload = {
        "title": "Throughput (full default pipeline against the backbone pass)",
        "command": command,
        "measured": time.strftime("%Y-%m-%d"),
        "output": output,
        "rows": rows,
    }
    rate = re.search(r"throughput\s+([\d.]+) articles/s", output)
    ratio = re.search(r"pipeline/backbone = ([\d.]+)", output)
    if rate:
        rows.append(
            {
                "task": "throughput",
                "metric": "articles_per_second",
                "value": float(rate.group(1)),
                "documents": limit,
                "note": "wall clock on a shared 2-core machine (see the load average below)",
            }
        )
    per_cpu = re.search(r"([\d.]+) articles per CPU-second", output)
    if per_cpu:
        rows.append(
            {
                "task": "throughput",
                "metric": "articles_per_cpu_second",
                "value": float(per_cpu.group(1)),
                "documents": limit,
                "note": "CPU time, less sensitive to machine load",
            }
        )
    if ratio:
        rows.append(
            {
                "task": "throughput",
                "metric": "pipeline_over_backbone_time",
                "value": float(ratio.group(1)),
                "documents": limit,
            }
        )
    _write_json(results / "throughput.json", payload)


# --- step 3: render ---------------------------------------------------------------------------


def load_results(results: Path) -> tuple[list[ResultRow], list[dict]]:
    """Every row of every results file, and the files themselves (for their raw outputs)."""
    rows: list[ResultRow] = []
    files = []
    for path in sorted(results.glob("*.json")):
        payload = json.loads(path.read_text(encoding="utf-8"))
        payload["_name"] = path.name
        files.append(payload)
        command = payload.get("command", "")
        for e in payload.get("evaluations", []):
            task = f"{e['dataset']} {e['split']}" + (
                f", {e['folds']}-fold CV" if e.get("folds") else ""
            )
            for r in e["rows"]:
                note = "; ".join(
                    x
                    for x in (
                        f"{r['items']} {r.get('unit', '')}" if r.get("items") is not None else "",
                        r.get("note", ""),
                    )
                    if x
                )
                rows.append(
                    ResultRow(
                        path.name,
                        e.get("command") or command,
                        task,
                        e["dataset"],
                        e["system"],
                        r["metric"],
                        r["value"],
                        r.get("std"),
                        r.get("documents"),
                        note,
                    )
                )
        for r in payload.get("rows", []):
            rows.append(
                ResultRow(
                    path.name,
                    r.get("command", command),
                    r.get("task", payload.get("title", path.stem)),
                    r.get("dataset", ""),
                    r.get("system", "narrascope"),
                    r["metric"],
                    float(r["value"]),
                    r.get("std"),
                    r.get("documents"),
                    r.get("note", ""),
                )
            )
    return rows, files


def _fmt(value: float, std: float | None = None) -> str:
    return f"{value:.3f}" + (f" ± {std:.3f}" if std is not None else "")


def _lookup(rows: list[ResultRow], dataset: str, metric: str, system: str) -> ResultRow | None:
    return next(
        (r for r in rows if r.dataset == dataset and r.metric == metric and r.system == system),
        None,
    )


def render(rows: list[ResultRow], files: list[dict]) -> str:
    lines = [
        "# Benchmarks",
        "",
        "Generated by `python -m narrascope.evaluation.report` from the files in `docs/results/`;",
        "do not edit by hand. Metric definitions: [evaluation.md](evaluation.md). Our numbers are",
        "cross-validated on the labelled training data in `../shared/data` (retraining per fold) or",
        "measured on the project's own held-out sets; the published numbers are official test-set",
        "results, so the two columns are indicative, not a like-for-like comparison.",
        "",
        "## Headline: ours beside the published results (English)",
        "",
        "| task | metric | best published | note | narrascope | best baseline |",
        "|---|---|---|---|---|---|",
    ]
    for ref in REFERENCES:
        ours, base = [], []
        for metric in ref.metrics:
            row = _lookup(rows, ref.dataset, metric, "narrascope")
            ours.append(_fmt(row.value) if row else "—")
            baselines = [
                r
                for r in rows
                if r.dataset == ref.dataset and r.metric == metric and r.system != "narrascope"
            ]
            best = max(baselines, key=lambda r: r.value, default=None)
            base.append(f"{_fmt(best.value)} ({best.system})" if best else "—")
        lines.append(
            f"| {ref.task} | {ref.metric_name} | {ref.published} | {ref.note} | {' / '.join(ours)} | {' / '.join(base)} |"
        )
    lines += [
        "",
        "A dash means no measured number yet (no model, or no data to measure it on here).",
        "",
    ]

    lines += ["## All measured rows", ""]
    for payload in files:
        file_rows = [r for r in rows if r.source == payload["_name"]]
        if not file_rows and not payload.get("output"):
            continue
        lines += [f"### {payload.get('title', payload['_name'])}", ""]
        if payload.get("command"):
            lines += [
                f"Command: `{payload['command']}`"
                + (f" (measured {payload['measured']})" if payload.get("measured") else ""),
                "",
            ]
        if file_rows:
            lines += [
                "| task | system | metric | value | documents | note |",
                "|---|---|---|---|---|---|",
            ]
            for r in file_rows:
                docs = "" if r.documents is None else str(r.documents)
                lines.append(
                    f"| {r.task} | {r.system} | {r.metric} | {_fmt(r.value, r.std)} | {docs} | {r.note} |"
                )
            lines.append("")
        commands = list(
            dict.fromkeys(
                e.get("command", "") for e in payload.get("evaluations", []) if e.get("command")
            )
        )
        if commands:
            lines += ["Commands:", ""] + [f"- `{c}`" for c in commands] + [""]
        by_message: dict[str, list[str]] = {}
        for e in payload.get("evaluations", []):
            for message in e.get("messages", []):
                by_message.setdefault(message, []).append(e["system"])
        lines += [f"- {', '.join(systems)}: {message}" for message, systems in by_message.items()]
        if by_message:
            lines.append("")
        if payload.get("output"):
            lines += ["```", payload["output"], "```", ""]
    return "\n".join(lines).rstrip() + "\n"


def _relative(path: Path) -> str:
    """The path as seen from the project root (`../shared/...`), also when `shared` is a link."""
    for candidate in (path.absolute(), path.resolve()):
        try:
            return str(Path("..") / candidate.relative_to(ROOT.parent))
        except ValueError:
            continue
    return str(path)


def _write_json(path: Path, payload: dict) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Regenerate docs/benchmarks.md.")
    parser.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    parser.add_argument("--results", type=Path, default=RESULTS)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--throughput-limit", type=int, default=40)
    parser.add_argument(
        "--skip-cv", action="store_true", help="keep the saved cross-validation results"
    )
    parser.add_argument(
        "--skip-throughput", action="store_true", help="keep the saved throughput results"
    )
    parser.add_argument(
        "--import-run",
        type=Path,
        nargs="*",
        default=[],
        help="instead of re-running cross-validation, save the scores.json of these `narrascope evaluate --out` folders",
    )
    args = parser.parse_args(argv)
    if args.import_run:
        import_runs(args.import_run, args.results)
        args.skip_cv = True
    if not args.skip_cv:
        run_cross_validation(args.data, args.folds, args.results)
    if not args.skip_throughput:
        run_throughput(args.data, args.throughput_limit, args.results)
    rows, files = load_results(args.results)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(rows, files), encoding="utf-8")
    print(f"wrote {args.out} ({len(rows)} rows from {len(files)} result files)")


if __name__ == "__main__":
    main()
