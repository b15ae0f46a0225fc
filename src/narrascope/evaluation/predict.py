"""Run the pipeline over a benchmark split and write official-format prediction files.

Each subtask is predicted only when the analyzer it needs is registered; the others are skipped
with a message. Documents are built as `Document(id=<file name or article id>, text=<raw text>)`
so that offsets in the prediction files are offsets into the organisers' files.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from narrascope import registry
from narrascope.analyzers.explanation import explain
from narrascope.config import Config
from narrascope.datasets import ptc, semeval2023, semeval2025
from narrascope.document import Document, Explanation
from narrascope.pipeline import Pipeline


@dataclass
class PredictionRun:
    """What a prediction run wrote, what it skipped and which documents failed."""

    out: Path
    written: dict[str, Path] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)
    documents: int = 0


def _available(name: str) -> bool:
    return name in registry.available()


class CachedEncoder:
    """The backbone encoder behind the persistent vector cache: benchmark corpora are fixed, so
    cross-validation folds, repeated runs and the trainers encode each sentence once."""

    def __init__(self, encoder: Any) -> None:
        from narrascope.encoders.cache import VectorCache

        self.inner = encoder
        self.cache = VectorCache(encoder)

    def encode(self, texts: Any) -> Any:
        return self.cache.encode(list(texts))

    def __getattr__(self, name: str) -> Any:
        return getattr(self.inner, name)


def _pipeline(config: Config | None, only: list[str]) -> Pipeline:
    """The config's pipeline for `only`, its encoder behind the persistent vector cache. The
    language step runs whenever the config has it: it decides which model (or none) each layer
    uses for an article, as in `narrascope analyze`."""
    from narrascope.encoders import build_encoder

    config = config if config is not None else Config.load()
    if "language" in config.analyzers and "language" not in only:
        only = [*only, "language"]
    return Pipeline.from_config(
        config, only=only, encoder=CachedEncoder(build_encoder(config.encoder))
    )


def _usable(config: Config | None, names: list[str], run: PredictionRun) -> list[str]:
    """The analyzers among `names` that can be built (a missing model is a note, not a crash)."""
    usable = []
    for name in names:
        try:
            _pipeline(config, [name])
            usable.append(name)
        except Exception as exc:  # e.g. no packaged model yet
            run.messages.append(f"{name} analyzer unavailable: {type(exc).__name__}: {exc}")
    return usable


def _docs(texts: dict[str, str], ids: Collection[str] | None) -> list[Document]:
    return [
        Document(id=doc_id, text=text)
        for doc_id, text in texts.items()
        if ids is None or doc_id in ids
    ]


def run_batches(
    pipeline: Pipeline,
    docs: list[Document],
    after: Callable[[list[Document]], None] | None = None,
    failures: list[str] | None = None,
) -> list[Document]:
    """The pipeline over `docs` (`Pipeline.run`: a failing document is isolated), calling
    `after(batch)` while the cache is there; failures are noted in `failures` and left out."""
    done: list[Document] = []
    for result in pipeline.run(docs, after=after):
        if isinstance(result, Document):
            done.append(result)
        elif failures is not None:
            failures.append(f"{result.input}: {result.reason.removeprefix('analysis failed: ')}")
    return done


def _analyzer(pipeline: Pipeline, name: str) -> Any:
    return next(a for a in pipeline.analyzers if a.name == name)


# --- SemEval-2025 -------------------------------------------------------------------------------


def predict_semeval2025(
    split: semeval2025.Split,
    out: Path,
    config: Config | None = None,
    ids: Collection[str] | None = None,
    releases: dict[int, semeval2025.Split] | None = None,
) -> PredictionRun:
    """subtask-1.txt (roles of the given mentions), subtask-2.txt (narratives), subtask-3.txt.

    `releases` maps a subtask to another release whose documents (and, for subtask 1, mentions)
    it is predicted on, for a training split that lacks that subtask (see `resolve_releases`).
    """
    releases = releases or {}
    run = PredictionRun(Path(out))
    run.out.mkdir(parents=True, exist_ok=True)
    _semeval2025_narratives(releases.get(2, split), releases.get(3, split), run, config, ids)
    _semeval2025_roles(releases.get(1, split), run, config, ids)
    return run


def resolve_releases(split: semeval2025.Split) -> dict[int, semeval2025.Split]:
    """For each subtask whose gold the split lacks, another training release of the language
    that has it (the one with the most documents), so that every subtask with gold is evaluated."""
    found: dict[int, semeval2025.Split] = {}
    root = split.folder.parent
    others = []
    for folder in sorted(root.iterdir()) if root.is_dir() else []:
        if folder.is_dir() and folder != split.folder and folder.name.startswith("train"):
            try:
                others.append(semeval2025.find_split(root.parent, split.lang, folder.name))
            except FileNotFoundError:
                continue
    for n in (1, 2, 3):
        if split.has_gold(n):
            continue
        candidates = [o for o in others if o.has_gold(n)]
        if candidates:
            found[n] = max(candidates, key=lambda o: (len(o.documents()), o.name))
    return found


def _semeval2025_narratives(split2, split3, run: PredictionRun, config, ids) -> None:
    if not _available("narratives"):
        run.messages.append("subtask 2/3 skipped: no 'narratives' analyzer registered")
        return
    with_explanations = _available("explanation")
    if not with_explanations:
        run.messages.append("subtask 3 skipped: no 'explanation' analyzer registered")
    usable = _usable(
        config, ["narratives", "explanation"] if with_explanations else ["narratives"], run
    )
    if "narratives" not in usable:
        run.messages.append("subtask 2/3 skipped: the narratives analyzer cannot be built")
        return
    with_explanations = "explanation" in usable
    texts2 = split2.documents(2)
    texts3 = split3.documents(3) if with_explanations else {}
    docs = _docs({**texts3, **texts2}, ids)
    # subtask 3 names the dominant narrative to explain; the gold file's labels (not its texts) are that input
    given = (
        {k: (v.narrative, v.subnarrative) for k, v in split3.gold_subtask3().items() if v.narrative}
        if texts3 and split3.has_gold(3)
        else {}
    )
    if given:
        run.messages.append(
            "subtask 3: explanations of the dominant narrative the task gives (gold labels)"
        )
    explained: dict[str, Explanation] = {}

    def explain_given(batch: list[Document]) -> None:
        for doc in batch:
            if (
                doc.id in given
                and doc.narratives is not None
                and "explanation" not in doc.unavailable
            ):
                found = explain(doc, label=given[doc.id])
                if found is not None:
                    explained[doc.id] = found

    pipeline = _pipeline(
        config, ["narratives", "explanation"] if with_explanations else ["narratives"]
    )
    done = run_batches(pipeline, docs, after=explain_given, failures=run.failures)
    narratives, explanations = [], []
    skipped = {d.id: d.unavailable["narratives"] for d in done if "narratives" in d.unavailable}
    if skipped:
        reasons = ", ".join(sorted(set(skipped.values())))
        run.messages.append(
            f"subtask 2/3: {len(skipped)} documents not analysed (narratives unavailable: "
            f"{reasons}); they have no prediction rows"
        )
    for doc in done:
        if doc.id in skipped:
            continue
        layer = doc.narratives
        if doc.id in texts2:
            narr = tuple(dict.fromkeys(n.label for n in layer.narratives)) if layer else ()
            subs = tuple(dict.fromkeys(n.label for n in layer.subnarratives)) if layer else ()
            narratives.append(semeval2025.NarrativeAnnotation(doc.id, narr, subs))
        e = explained.get(doc.id) or (layer.explanation if layer else None)
        if doc.id in texts3 and e is not None:
            explanations.append(
                semeval2025.ExplanationAnnotation(doc.id, e.narrative, e.subnarrative, e.text)
            )
    run.documents = max(run.documents, len(done))
    run.written["subtask-2"] = semeval2025.write_subtask2(run.out / "subtask-2.txt", narratives)
    if with_explanations:
        run.written["subtask-3"] = semeval2025.write_subtask3(
            run.out / "subtask-3.txt", explanations
        )


def _semeval2025_roles(split, run: PredictionRun, config, ids) -> None:
    if not _available("roles"):
        run.messages.append("subtask 1 skipped: no 'roles' analyzer registered")
        return
    mentions: dict[str, list[semeval2025.EntityAnnotation]] = {}
    for m in split.subtask1_inputs():
        if ids is None or m.doc_id in ids:
            mentions.setdefault(m.doc_id, []).append(m)
    if not mentions:
        run.messages.append("subtask 1 skipped: the split has no entity mentions")
        return
    if not _usable(config, ["roles"], run):
        run.messages.append("subtask 1 skipped: the roles analyzer cannot be built")
        return
    texts = split.documents(1)
    docs = [Document(id=doc_id, text=texts[doc_id]) for doc_id in mentions if doc_id in texts]
    pipeline = _pipeline(config, ["roles"])
    roles = _analyzer(pipeline, "roles")
    rows: list[semeval2025.EntityAnnotation] = []

    skipped: dict[str, str] = {}

    def classify(batch: list[Document]) -> None:
        for doc in batch:
            if "roles" in doc.unavailable:  # no role model for the article's language
                skipped[doc.id] = doc.unavailable["roles"]
                continue
            given = mentions[doc.id]
            found = roles.classify_mentions(doc, [(m.start, m.end_exclusive) for m in given])
            for m, r in zip(given, found):
                fine = tuple(dict.fromkeys(f.label for f in r.fine_roles))
                rows.append(
                    semeval2025.EntityAnnotation(
                        m.doc_id, m.mention, m.start, m.end, r.main_role, fine
                    )
                )

    done = run_batches(pipeline, docs, after=classify, failures=run.failures)
    if skipped:
        reasons = ", ".join(sorted(set(skipped.values())))
        run.messages.append(
            f"subtask 1: {len(skipped)} documents not analysed (roles unavailable: {reasons})"
        )
    run.documents = max(run.documents, len(done))
    run.written["subtask-1"] = semeval2025.write_subtask1(run.out / "subtask-1.txt", rows)


# --- SemEval-2023 -------------------------------------------------------------------------------


def predict_semeval2023(
    split: semeval2023.Split2023,
    out: Path,
    config: Config | None = None,
    ids: Collection[str] | None = None,
) -> PredictionRun:
    """subtask-1.txt (genre), subtask-2.txt (frames), subtask-3.txt (paragraph techniques)."""
    run = PredictionRun(Path(out))
    run.out.mkdir(parents=True, exist_ok=True)
    wanted = {1: "genre", 2: "frames", 3: "techniques"}
    active = {
        n: name for n, name in wanted.items() if n in split.articles_dirs and _available(name)
    }
    usable = _usable(config, list(active.values()), run)
    active = {n: name for n, name in active.items() if name in usable}
    for n, name in wanted.items():
        if n not in active:
            reason = (
                "no articles for it in the split"
                if n not in split.articles_dirs
                else f"no usable '{name}' analyzer"
            )
            run.messages.append(f"subtask {n} skipped: {reason}")
    if not active:
        return run
    texts: dict[str, str] = {}
    for n in active:
        texts.update(split.articles(n))
    pipeline = _pipeline(config, list(active.values()))
    done = {doc.id: doc for doc in run_batches(pipeline, _docs(texts, ids), failures=run.failures)}
    run.documents = len(done)
    if 1 in active:
        genres = {
            i: genre.label
            for i in split.articles(1)
            if i in done and (genre := done[i].genre) is not None
        }
        run.written["subtask-1"] = semeval2023.write_genres(run.out / "subtask-1.txt", genres)
    if 2 in active:
        frames = {
            i: layer.labels if (layer := done[i].frames) is not None else []
            for i in split.articles(2)
            if i in done
        }
        run.written["subtask-2"] = semeval2023.write_frames(run.out / "subtask-2.txt", frames)
    if 3 in active:
        template = (
            semeval2023.read_template(split.template)
            if split.template
            else semeval2023.template_from_articles(split.articles(3))
        )
        labels = {
            (doc_id, line): paragraph_techniques(done[doc_id], line)
            for doc_id, line, _ in template
            if doc_id in done
        }
        run.written["subtask-3"] = semeval2023.write_paragraph_labels(
            run.out / "subtask-3.txt", labels
        )
    return run


def paragraph_techniques(doc: Document, line_number: int) -> list[str]:
    """The techniques our paragraphs overlapping file line `line_number` carry (23-name set)."""
    line = next((x for x in semeval2023.lines(doc.text) if x.number == line_number), None)
    if line is None or doc.techniques is None:
        return []
    found: list[str] = []
    for paragraph in doc.techniques.paragraphs:
        if paragraph.start < line.end and line.start < paragraph.end:
            found += [s.label for s in paragraph.labels if s.label in semeval2023.TECHNIQUES]
    return list(dict.fromkeys(found))


# --- PTC ----------------------------------------------------------------------------------------


def predict_ptc(
    split: ptc.PtcSplit, out: Path, config: Config | None = None, ids: Collection[str] | None = None
) -> PredictionRun:
    """si.txt (predicted propaganda spans) and tc.txt (technique of each template or gold span)."""
    run = PredictionRun(Path(out))
    run.out.mkdir(parents=True, exist_ok=True)
    if not _available("techniques") or not _usable(config, ["techniques"], run):
        run.messages.append("si/tc skipped: no usable 'techniques' analyzer")
        return run
    pipeline = _pipeline(config, ["techniques"])
    techniques = _analyzer(pipeline, "techniques")
    inputs: dict[str, list[ptc.TechniqueSpan]] = {}
    for s in split.tc_inputs():
        inputs.setdefault(s.article_id, []).append(s)
    can_classify = hasattr(techniques, "classify_spans")
    if not can_classify:
        run.messages.append("tc skipped: the 'techniques' analyzer has no classify_spans()")
    spans: list[ptc.SpanLabel] = []
    labelled: list[ptc.TechniqueSpan] = []

    def classify(batch: list[Document]) -> None:
        for doc in batch:
            if doc.techniques:
                found = sorted({(s.start, s.end) for s in doc.techniques.spans})
                spans.extend(ptc.SpanLabel(doc.id, a, b) for a, b in found)
            given = inputs.get(doc.id, [])
            if can_classify and given:
                names = techniques.classify_spans(doc, [(s.start, s.end) for s in given])
                labelled.extend(
                    ptc.TechniqueSpan(doc.id, name, s.start, s.end) for s, name in zip(given, names)
                )

    done = run_batches(
        pipeline, _docs(split.articles(), ids), after=classify, failures=run.failures
    )
    run.documents = len(done)
    run.written["si"] = ptc.write_spans(run.out / "si.txt", spans)
    if can_classify:
        run.written["tc"] = ptc.write_technique_spans(run.out / "tc.txt", labelled)
    return run


# --- one entry point ----------------------------------------------------------------------------


def open_split(dataset: str, data: Path, split: str, lang: str = "EN") -> Any:
    if dataset == "semeval2025":
        return semeval2025.find_split(data, lang, split)
    if dataset == "semeval2023":
        return semeval2023.find_split(data, split)
    if dataset == "ptc":
        return ptc.find_split(data, split)
    raise ValueError(f"unknown dataset {dataset!r}; choose from semeval2025, semeval2023, ptc")


def predict(
    dataset: str,
    data: Path,
    split: str,
    out: Path,
    lang: str = "EN",
    config: Config | None = None,
    ids: Iterable[str] | None = None,
) -> PredictionRun:
    """Predict every supported subtask of a split into `out` (fixed file names)."""
    found = open_split(dataset, data, split, lang)
    keep = set(ids) if ids is not None else None
    if dataset == "semeval2025":
        return predict_semeval2025(found, out, config, keep)
    if dataset == "semeval2023":
        return predict_semeval2023(found, out, config, keep)
    return predict_ptc(found, out, config, keep)
