"""The project's own relation annotations: labels and character offsets, never article text.

Each annotated article has one file `data/annotations/relations/labels/<doc_id>.jsonl` (an empty
file means the article was read completely and holds no relation). A record:

    {"doc_id", "start", "end", "source", "type", "target", "object_spans": [[s, e], ...],
     "modality", "attribution", "note"}

`start`/`end` delimit the evidence sentence and `object_spans` the object phrase(s), as
character offsets into `open(path, newline="", encoding="utf-8").read()` of the article under
`../shared/data`. Texts are resolved at load time, so the repository holds no excerpt.

Annotators work from drafts that name a sentence by its number and the object by its words:

    python -m narrascope.annotation.relations show DOC_ID          # numbered sentences
    python -m narrascope.annotation.relations convert DRAFT.jsonl  # -> labels/DOC_ID.jsonl
    python -m narrascope.annotation.relations check                # validate every label file
    python -m narrascope.annotation.relations stats                # counts per split and type
"""

from __future__ import annotations

import json
import re
import sys
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from narrascope.document import MODALITIES, RELATION_TYPES
from narrascope.text.segment import segment

HERE = Path(__file__).resolve().parent.parent / "data" / "annotations" / "relations"
LABELS = HERE / "labels"
MANIFEST = HERE / "manifest.jsonl"
DEFAULT_DATA = Path("../shared/data")

TYPES = frozenset(RELATION_TYPES)
ORGANISATIONS = frozenset(
    {"UN", "UNSC", "NATO", "EU", "IAEA", "G7", "G20", "AU", "IMF", "WB", "ICC", "EAEU", "OSCE"}
    | {"ASEAN", "BRICS", "CSTO", "SCO", "OPEC", "WHO", "ICJ", "ARAB_LEAGUE", "GCC", "OAS"}
)
ARMED_GROUPS = frozenset(
    {"HAMAS", "HEZBOLLAH", "HOUTHIS", "WAGNER", "DPR", "LPR", "ISIS", "TALIBAN", "AL_QAEDA"}
    | {"PIJ", "AZOV", "RDK", "KURDISH_YPG", "PKK"}
)
STATE_ID = re.compile(r"^[A-Z]{3}$")
INSTRUMENT_ID = re.compile(r"^[A-Z][A-Z0-9_]{1,40}$")


@dataclass(frozen=True)
class Relation:
    """One annotated relation, with its texts resolved from the article."""

    doc_id: str
    source: str
    type: str
    target: str
    modality: str
    attribution: str
    start: int
    end: int
    sentence: str
    objects: tuple[str, ...]
    note: str

    @property
    def triple(self) -> tuple[str, str, str]:
        return (self.source, self.type, self.target)


def manifest() -> list[dict[str, str]]:
    lines = MANIFEST.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def read_article(path: str, data_root: Path = DEFAULT_DATA) -> str:
    with open(data_root / path, encoding="utf-8", newline="") as f:
        return f.read()


def sentences(text: str) -> list[tuple[int, int]]:
    """Sentence spans as the segmenter cuts them (the guideline's splitter)."""
    return [(s.start, s.end) for s in segment(text)[1]]


def _actor_ok(actor: str, type_: str, role: str) -> bool:
    if type_ == "violates" and role == "target":
        return bool(INSTRUMENT_ID.match(actor))
    return bool(STATE_ID.match(actor)) or actor in ORGANISATIONS or actor in ARMED_GROUPS


def validate(record: dict[str, object], text: str) -> list[str]:
    """Problems with one stored record against its article text (empty when valid)."""
    problems = []
    type_ = str(record.get("type"))
    if type_ not in TYPES:
        problems.append(f"unknown type {type_!r}")
    if record.get("modality") not in MODALITIES:
        problems.append(f"unknown modality {record.get('modality')!r}")
    for role in ("source", "target"):
        if not _actor_ok(str(record.get(role, "")), type_, role):
            problems.append(f"bad {role} id {record.get(role)!r}")
    if record.get("source") == record.get("target"):
        problems.append("source equals target")
    start, end = int(record["start"]), int(record["end"])  # type: ignore[call-overload]
    if not 0 <= start < end <= len(text) or text[start:end] != text[start:end].strip():
        problems.append(f"bad sentence span {start}-{end}")
    for s, e in record.get("object_spans", []):  # type: ignore[attr-defined]
        if not start <= s < e <= end:
            problems.append(f"object span {s}-{e} outside the sentence")
    return problems


def convert(draft: Path, data_root: Path = DEFAULT_DATA) -> Path:
    """Turn a draft (sentence numbers, object words) into a label file of offsets only."""
    rows = [json.loads(line) for line in draft.read_text(encoding="utf-8").splitlines() if line]
    paths = {m["doc_id"]: m["path"] for m in manifest()}
    doc_id = rows[0]["doc_id"] if rows else draft.stem
    if any(r["doc_id"] != doc_id for r in rows):
        raise ValueError(f"{draft}: one article per draft")
    if doc_id not in paths:
        raise ValueError(f"{doc_id} is not in the relations manifest")
    text = read_article(paths[doc_id], data_root)
    spans = sentences(text)
    out, seen, problems = [], set(), []
    for n, row in enumerate(rows, 1):
        start, end = spans[int(row["sent"])]
        sentence = text[start:end]
        object_spans = []
        for phrase in [p.strip() for p in row.get("object", "").split(";") if p.strip()]:
            at = sentence.find(phrase)
            if at < 0:
                problems.append(f"line {n}: object {phrase!r} is not in sentence {row['sent']}")
                continue
            object_spans.append([start + at, start + at + len(phrase)])
        record = {
            "doc_id": doc_id,
            "start": start,
            "end": end,
            "source": row["source"],
            "type": row["type"],
            "target": row["target"],
            "object_spans": object_spans,
            "modality": row["modality"],
            "attribution": row.get("attribution", ""),
            "note": row.get("note", ""),
        }
        key = (start, record["source"], record["type"], record["target"], record["modality"])
        if key in seen:
            problems.append(f"line {n}: duplicate record {key}")
        seen.add(key)
        problems += [f"line {n}: {p}" for p in validate(record, text)]
        out.append(record)
    if problems:
        raise ValueError(f"{draft}:\n  " + "\n  ".join(problems))
    LABELS.mkdir(parents=True, exist_ok=True)
    target = LABELS / f"{doc_id}.jsonl"
    target.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in out), "utf-8")
    return target


def load(split: str | None = None, data_root: Path = DEFAULT_DATA) -> dict[str, list[Relation]]:
    """Annotated articles (of one split, or all) -> their relations with texts resolved."""
    result: dict[str, list[Relation]] = {}
    for entry in manifest():
        label_file = LABELS / f"{entry['doc_id']}.jsonl"
        if (split and entry["split"] != split) or not label_file.exists():
            continue
        text = read_article(entry["path"], data_root)
        records = [json.loads(x) for x in label_file.read_text(encoding="utf-8").splitlines() if x]
        result[entry["doc_id"]] = [
            Relation(
                doc_id=r["doc_id"],
                source=r["source"],
                type=r["type"],
                target=r["target"],
                modality=r["modality"],
                attribution=r["attribution"],
                start=r["start"],
                end=r["end"],
                sentence=text[r["start"] : r["end"]],
                objects=tuple(text[s:e] for s, e in r["object_spans"]),
                note=r["note"],
            )
            for r in records
        ]
    return result


def _show(doc_id: str, data_root: Path) -> None:
    paths = {m["doc_id"]: m["path"] for m in manifest()}
    text = read_article(paths[doc_id], data_root)
    for k, (start, end) in enumerate(sentences(text)):
        print(f"[{k}] {text[start:end]}")


def _check(data_root: Path) -> int:
    paths = {m["doc_id"]: m["path"] for m in manifest()}
    bad = 0
    for label_file in sorted(LABELS.glob("*.jsonl")):
        doc_id = label_file.stem
        if doc_id not in paths:
            print(f"{label_file.name}: not in the manifest")
            bad += 1
            continue
        text = read_article(paths[doc_id], data_root)
        for n, line in enumerate(label_file.read_text(encoding="utf-8").splitlines(), 1):
            for problem in validate(json.loads(line), text):
                print(f"{label_file.name}:{n}: {problem}")
                bad += 1
    return bad


def _stats() -> None:
    split_of = {m["doc_id"]: m["split"] for m in manifest()}
    docs: Counter[str] = Counter()
    records: Counter[tuple[str, str]] = Counter()
    for label_file in LABELS.glob("*.jsonl"):
        split = split_of.get(label_file.stem, "?")
        docs[split] += 1
        for line in label_file.read_text(encoding="utf-8").splitlines():
            records[(split, json.loads(line)["type"])] += 1
    for split in sorted(docs):
        total = sum(v for (s, _), v in records.items() if s == split)
        print(f"{split}: {docs[split]} articles, {total} relations")
        for (s, type_), v in sorted(records.items()):
            if s == split:
                print(f"  {type_:22} {v}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if not args:
        print(__doc__)
        return 2
    data_root = DEFAULT_DATA
    if "--data" in args:
        at = args.index("--data")
        data_root = Path(args[at + 1])
        del args[at : at + 2]
    command, rest = args[0], args[1:]
    if command == "show":
        _show(rest[0], data_root)
    elif command == "convert":
        for draft in rest:
            print(f"wrote {convert(Path(draft), data_root)}")
    elif command == "check":
        bad = _check(data_root)
        print(f"{bad} problems")
        return 1 if bad else 0
    elif command == "stats":
        _stats()
    else:
        print(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
