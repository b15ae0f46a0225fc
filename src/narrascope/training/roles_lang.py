"""Train and cross-validate the backbone-free role model for BG, HI, PT and RU (and EN as a check).

Mentions are the SemEval-2025 Task 10 subtask-1 gold mentions of all five languages
(`train_oct16`; Russian from `train_dec4`), pooled: one model, features from
`analyzers.roles_lang`. Cross-validation is per language, 5 folds grouped by article: the
held-out fold is always of that language, and with `pooled` every other language's mentions
stay in the training part. Beside it, the majority baseline of the language's training folds.

`python -m narrascope.training.roles_lang DATA --lang BG,HI,PT,RU,EN --C 1,3` prints one line
per language and option set; `--train OUT` writes `OUT/model.json`, `weights.npz`, `card.md`.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import GroupKFold

from narrascope.analyzers.roles import choose_roles, share_main_scores
from narrascope.analyzers.roles_lang import (
    features,
    head_scores,
    make_vectorizers,
    mention_actor,
    near_tokens,
    quantise,
    wide_window,
)
from narrascope.taxonomies import load_roles
from narrascope.training import SEMEVAL_TERMS
from narrascope.training.features import RoleGold, read_role_mentions, task_folder
from narrascope.training.narratives_lang import fit_heads_dual

LANGUAGES = ("EN", "BG", "HI", "PT", "RU")
SERVED = ("bg", "hi", "pt", "ru")  # English keeps the MiniLM role model
DEFAULTS: dict = {"C": 1.0, "pooled": True, "max_chars": 30000, "max_words": 20000}


@dataclass
class Mentions:
    """Gold mentions with their language and feature texts, built once for every fit."""

    gold: list[RoleGold]
    lang: list[str]
    wide: list[str]
    near: list[str]

    @classmethod
    def build(cls, gold: list[RoleGold], langs: list[str], texts: list[str]) -> Mentions:
        """From mentions, their lower-case language codes and their articles' texts."""
        return cls(
            gold,
            langs,
            [wide_window(t, m.start, m.end) for t, m in zip(texts, gold)],
            [
                near_tokens(t, m.start, m.end, mention_actor(m.text, lang), lang)
                for t, m, lang in zip(texts, gold, langs)
            ],
        )


def read_mentions(data: Path, languages: tuple[str, ...] = LANGUAGES) -> Mentions:
    """Every language's subtask-1 gold mentions (`train_oct16`; Russian `train_dec4`)."""
    articles, gold = read_role_mentions(task_folder(data), languages)
    return Mentions.build(
        gold,
        [articles[m.article].language.lower() for m in gold],
        [articles[m.article].text for m in gold],
    )


def fit(mentions: Mentions, rows: np.ndarray, options: dict) -> dict:
    """Vectorizers and heads on `rows`: a softmax main-role head, and per fine role a logistic
    head over the mentions of its main role (as the English trainer does), all L2-penalised
    with `C`; the fine heads of one main role are solved together in the row space
    (`narratives_lang.fit_heads_dual`, the same optimum as one fit per head)."""
    roles = load_roles()
    chars, words = make_vectorizers(options["max_chars"], options["max_words"])
    x = (
        sparse.hstack(
            [
                chars.fit_transform([mentions.wide[i] for i in rows]),
                words.fit_transform([mentions.near[i] for i in rows]),
            ]
        )
        / np.sqrt(2)
    ).tocsr()
    gold = [mentions.gold[i] for i in rows]
    main_y = np.array([m.main_role for m in gold])
    head = LogisticRegression(C=options["C"], max_iter=2000).fit(x, main_y)
    width = x.shape[1]
    main_coef = np.zeros((len(roles.main_roles), width), np.float32)
    main_intercept = np.full(len(roles.main_roles), -10.0, np.float32)
    classes = list(head.classes_)
    coefs = head.coef_ if len(classes) > 2 else np.vstack([-head.coef_[0], head.coef_[0]]) / 2
    biases = (
        head.intercept_
        if len(classes) > 2
        else np.array([-head.intercept_[0], head.intercept_[0]]) / 2
    )
    for c, row, bias in zip(classes, coefs, biases):
        k = roles.main_roles.index(c)
        main_coef[k], main_intercept[k] = row, bias
    fine_coef = np.zeros((len(roles.fine_roles), width), np.float32)
    fine_intercept = np.full(len(roles.fine_roles), -8.0, np.float32)
    for main in roles.main_roles:
        same = main_y == main
        owned = [j for j, f in enumerate(roles.fine_roles) if roles.main_of[f] == main]
        if not same.any():
            continue
        y = np.array(
            [[roles.fine_roles[j] in m.fine_roles for j in owned] for m, s in zip(gold, same) if s],
            dtype=int,
        )
        coef, intercept = fit_heads_dual(x[same], y, options["C"], balanced=False)
        for col, j in enumerate(owned):
            if y[:, col].all():  # the only fine role seen for its main role
                fine_intercept[j] = 8.0
            elif y[:, col].any():
                fine_coef[j], fine_intercept[j] = coef[col], intercept[col]
    return {
        "chars": chars,
        "words": words,
        "main_coef": main_coef,
        "main_intercept": main_intercept,
        "fine_coef": fine_coef,
        "fine_intercept": fine_intercept,
    }


def predict(model: dict, mentions: Mentions, rows: np.ndarray) -> list[tuple[str, set[str]]]:
    """Decisions as the analyzer makes them; mentions of one entity in an article share main scores."""
    roles = load_roles()
    x = features(
        model["chars"],
        model["words"],
        [mentions.wide[i] for i in rows],
        [mentions.near[i] for i in rows],
    )
    main, fine = head_scores(
        x,
        model["main_coef"],
        model["main_intercept"],
        model["fine_coef"],
        model["fine_intercept"],
    )
    gold = [mentions.gold[i] for i in rows]
    keys = [
        f"{m.article}|{mention_actor(m.text, lang) or m.text.strip().casefold()}"
        for m, lang in zip(gold, [mentions.lang[i] for i in rows])
    ]
    main = share_main_scores(main, keys)
    out = []
    for m, f in zip(main, fine):
        chosen, fines = choose_roles(
            m, f, list(roles.main_roles), list(roles.fine_roles), 1.0, joint=True
        )
        out.append((chosen, {s.label for s in fines}))
    return out


def scores(gold: list[RoleGold], pred: list[tuple[str, set[str]]]) -> dict[str, float]:
    """Main-role accuracy and fine-role exact match (as `training.roles.scores`)."""
    return {
        "main_accuracy": float(np.mean([g.main_role == p[0] for g, p in zip(gold, pred)])),
        "fine_exact_match": float(np.mean([set(g.fine_roles) == p[1] for g, p in zip(gold, pred)])),
    }


def cross_validate(
    mentions: Mentions, lang: str, folds: int = 5, **options: object
) -> dict[str, float]:
    """Grouped K-fold CV on one language's mentions, beside its majority baseline (fold means)."""
    opts = {**DEFAULTS, **options}
    code = lang.lower()
    own = np.array([i for i, g in enumerate(mentions.lang) if g == code])
    others = np.array([i for i, g in enumerate(mentions.lang) if g != code], dtype=int)
    groups = np.array([mentions.gold[i].article for i in own])
    results, baseline = [], []
    for train_idx, test_idx in GroupKFold(folds).split(own, groups=groups):
        rows = np.concatenate([own[train_idx], others]) if opts["pooled"] else own[train_idx]
        model = fit(mentions, rows, opts)
        gold = [mentions.gold[i] for i in own[test_idx]]
        results.append(scores(gold, predict(model, mentions, own[test_idx])))
        train_gold = [mentions.gold[i] for i in own[train_idx]]
        main = Counter(m.main_role for m in train_gold).most_common(1)[0][0]
        fine = Counter(tuple(m.fine_roles) for m in train_gold).most_common(1)[0][0]
        baseline.append(scores(gold, [(main, set(fine))] * len(gold)))
    out = {k: float(np.mean([r[k] for r in results])) for k in results[0]}
    out["fine_exact_match_std"] = float(np.std([r["fine_exact_match"] for r in results]))
    out.update({f"majority_{k}": float(np.mean([r[k] for r in baseline])) for k in baseline[0]})
    out["mentions"] = len(own)
    out["articles"] = len(set(groups))
    return out


def train(data: Path, out: Path, metrics: list[dict] | None = None, **options: object) -> Path:
    """Fit on every language's mentions and write the package `analyzers.roles_lang` loads,
    with its card (`metrics`: the CV rows of the shipped options, as `main` prints them)."""
    opts = {**DEFAULTS, **options}
    started = time.process_time()
    mentions = read_mentions(data)
    model = fit(mentions, np.arange(len(mentions.gold)), opts)
    seconds = time.process_time() - started
    write_model(out, model, mentions, opts, seconds)
    (out / "card.md").write_text(card(mentions, opts, metrics or [], seconds), encoding="utf-8")
    return out


def card(mentions: Mentions, options: dict, metrics: list[dict], seconds: float) -> str:
    """The model card: features, data and terms, per-language CV beside the majority baseline."""
    counts = Counter(mentions.lang)
    rows = [
        f"| {r['lang'].lower()} | {r['mentions']} | {r['fine_exact_match']:.3f} "
        f"(± {r['fine_exact_match_std']:.3f}) | {r['majority_fine_exact_match']:.3f} | "
        f"{r['main_accuracy']:.3f} | {r['majority_main_accuracy']:.3f} |"
        for r in metrics
    ]
    return CARD.format(
        mentions=len(mentions.gold),
        counts=", ".join(f"{code} {n}" for code, n in sorted(counts.items())),
        options=json.dumps(options),
        C=options["C"],
        seconds=seconds,
        rows="\n".join(rows) or "| (not measured) | | | | | |",
        terms=SEMEVAL_TERMS,
    )


CARD = """# Entity-role model for Russian, Bulgarian, Portuguese and Hindi (`roles-lang`)

Main role (Protagonist / Antagonist / Innocent) and fine role (one of 22) of an actor mention,
without the sentence backbone or a parse (`narrascope.analyzers.roles_lang`): character 3-5-gram
TF-IDF of 300 characters each side of the mention (the mention left out), the 8 words on each
side tagged by side, the mention's own words, and its actor id, bloc and language. A softmax
main-role head; per fine role a logistic head over the mentions of its main role; the English
model's joint decision. Served languages: bg, hi, pt, ru (English keeps its MiniLM model).

## Data and its terms
SemEval-2025 Task 10 subtask 1 gold mentions of all five languages, pooled ({mentions}: {counts});
`train_oct16`, Russian from `train_dec4` (its only release with subtask 1). Terms: {terms}.

Options: `{options}`. Weights: `weights.npz` (idf of both vocabularies, int8 heads with one scale
per head, float32 intercepts); `model.json` (labels, decision, vocabularies).
Training time: {seconds:.0f} CPU-seconds.

## Cross-validated quality (5 folds grouped by article per language, fold means)

Every fold trains on the other languages' mentions too; the baseline is the majority main role
and fine-role set of the language's training folds.

| language | mentions | fine exact match | majority | main-role accuracy | majority |
|---|---|---|---|---|---|
{rows}

Command: `OPENBLAS_NUM_THREADS=1 python -m narrascope.training.roles_lang ../shared/data
--lang BG,HI,PT,RU,EN --C {C} --pooled 1` (the grid and how C was chosen: docs/languages.md).
The test splits were not used.

Rebuild: `OPENBLAS_NUM_THREADS=1 python -m narrascope.training.roles_lang ../shared/data --C {C}
--train src/narrascope/models/roles-lang --metrics CV_OUTPUT` (deterministic).

## Known limits
- In an article only actors on the language's name lists get a profile (people and
  organisations missing from the lists get none).
- The features see which words surround a mention, not who does what to whom: a sentence that
  quotes an accusation reads like the accusation.
- Main-role accuracy is below the majority baseline where one main role dominates a language's
  data (see the table); fine exact match, the task's measure, is above it in every language.
"""


def write_model(out: Path, model: dict, mentions: Mentions, options: dict, seconds: float) -> Path:
    """`model.json` (labels, decision, vocabularies) and `weights.npz` (idf, int8 heads)."""
    roles = load_roles()
    out.mkdir(parents=True, exist_ok=True)
    main_coef, main_scale = quantise(model["main_coef"])
    fine_coef, fine_scale = quantise(model["fine_coef"])
    np.savez_compressed(
        out / "weights.npz",
        chars_idf=model["chars"].idf_.astype(np.float32),
        words_idf=model["words"].idf_.astype(np.float32),
        main_coef=main_coef,
        main_scale=main_scale,
        main_intercept=model["main_intercept"],
        fine_coef=fine_coef,
        fine_scale=fine_scale,
        fine_intercept=model["fine_intercept"],
    )
    meta = {
        "task": "roles",
        "languages": list(SERVED),
        "main_roles": list(roles.main_roles),
        "fine_roles": list(roles.fine_roles),
        "decision": {"rule": "joint", "fine_threshold": 1.0},
        "options": options,
        "mentions": dict(sorted(Counter(mentions.lang).items())),
        "training_cpu_seconds": round(seconds, 1),
        **{
            name: sorted(model[name].vocabulary_, key=model[name].vocabulary_.get)
            for name in ("chars", "words")
        },
    }
    (out / "model.json").write_text(json.dumps(meta, ensure_ascii=False) + "\n", encoding="utf-8")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", type=Path)
    parser.add_argument("--lang", default="BG,HI,PT,RU,EN")
    parser.add_argument("--C", default=str(DEFAULTS["C"]), help="comma-separated values")
    parser.add_argument("--pooled", default="1", help="comma-separated 1/0")
    parser.add_argument("--train", type=Path, help="write the model here instead of CV")
    parser.add_argument(
        "--metrics", type=Path, help="with --train: CV output (JSON lines) for the card"
    )
    args = parser.parse_args()
    if args.train:
        rows = []
        if args.metrics:
            lines = args.metrics.read_text(encoding="utf-8").splitlines()
            rows = [
                r
                for r in (json.loads(line) for line in lines if line.startswith("{"))
                if r["C"] == float(args.C) and r["pooled"]
            ]
        print(train(args.data, args.train, rows, C=float(args.C)), flush=True)
        return
    mentions = read_mentions(args.data)
    for c, pooled, lang in itertools.product(
        args.C.split(","), args.pooled.split(","), args.lang.split(",")
    ):
        started = time.process_time()
        row = cross_validate(mentions, lang, C=float(c), pooled=pooled == "1")
        row = {"lang": lang, "C": float(c), "pooled": pooled == "1", **row}
        row["cpu_seconds"] = time.process_time() - started
        print(
            json.dumps({k: round(v, 4) if isinstance(v, float) else v for k, v in row.items()}),
            flush=True,
        )


if __name__ == "__main__":
    from narrascope.threads import one_blas_thread

    with one_blas_thread():  # L-BFGS on many BLAS threads crawls on a busy machine
        main()
