"""Label taxonomies as data files: narratives (domain -> narrative -> subnarrative) and entity roles.

A narrative taxonomy is a JSON file:

    {"name": "...", "other": "Other",
     "domains": [{"id": "URW", "name": "...",
                  "narratives": [{"name": "...", "description": "...", "examples": ["..."],
                                  "subnarratives": [{"name": "...", "description": "...", "examples": []}]}]}]}

Labels are spelled like the SemEval-2025 files: `"<domain>: <narrative>"` and
`"<domain>: <narrative>: <subnarrative>"`; `other` is the label for "none of these". The packaged
files are looked up by name (`semeval2025`, `example-sanctions`); any other argument is a path,
which is how users bring their own taxonomy (see docs/narratives.md).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

PACKAGED = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Label:
    """One narrative or subnarrative of a taxonomy."""

    label: str
    level: str  # "narrative" | "subnarrative"
    domain: str
    description: str
    examples: tuple[str, ...] = ()
    parent: str | None = None

    def prompt_texts(self) -> list[str]:
        """The texts that describe this label for zero-/few-shot matching: description + examples."""
        return [t for t in (self.description, *self.examples) if t.strip()]


@dataclass
class Taxonomy:
    name: str
    other: str
    domains: dict[str, str]
    labels: dict[str, Label] = field(default_factory=dict)
    path: Path | None = None

    @property
    def narratives(self) -> list[str]:
        return [k for k, v in self.labels.items() if v.level == "narrative"]

    @property
    def subnarratives(self) -> list[str]:
        return [k for k, v in self.labels.items() if v.level == "subnarrative"]

    def children(self, narrative: str) -> list[str]:
        return [k for k, v in self.labels.items() if v.parent == narrative]

    def parent(self, label: str) -> str | None:
        return self.labels[label].parent if label in self.labels else None

    def domain(self, label: str) -> str | None:
        return self.labels[label].domain if label in self.labels else None


def _check(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise ValueError(f"taxonomy {where}: {message}")


def parse_taxonomy(data: dict, where: str = "<dict>") -> Taxonomy:
    """Validate and index a taxonomy given as parsed JSON."""
    _check(
        isinstance(data.get("domains"), list) and data["domains"],
        where,
        "needs a non-empty 'domains' list",
    )
    tax = Taxonomy(
        name=str(data.get("name") or where), other=str(data.get("other", "Other")), domains={}
    )
    for dom in data["domains"]:
        dom_id = str(dom.get("id", "")).strip()
        _check(
            bool(dom_id) and ":" not in dom_id,
            where,
            f"domain id {dom_id!r} must be non-empty without ':'",
        )
        tax.domains[dom_id] = str(dom.get("name", dom_id))
        for nar in dom.get("narratives", []):
            name = str(nar.get("name", "")).strip()
            _check(bool(name), where, f"a narrative of {dom_id} has no name")
            label = f"{dom_id}: {name}"
            _check(label not in tax.labels, where, f"duplicate label {label!r}")
            tax.labels[label] = Label(
                label,
                "narrative",
                dom_id,
                str(nar.get("description", name)),
                tuple(nar.get("examples", ())),
            )
            for sub in nar.get("subnarratives", []):
                sub_name = str(sub.get("name", "")).strip()
                _check(bool(sub_name), where, f"a subnarrative of {label!r} has no name")
                sub_label = f"{label}: {sub_name}"
                _check(sub_label not in tax.labels, where, f"duplicate label {sub_label!r}")
                tax.labels[sub_label] = Label(
                    sub_label,
                    "subnarrative",
                    dom_id,
                    str(sub.get("description", sub_name)),
                    tuple(sub.get("examples", ())),
                    label,
                )
    _check(bool(tax.narratives), where, "defines no narratives")
    return tax


def taxonomy_path(name_or_path: str | Path) -> Path:
    candidate = PACKAGED / f"{name_or_path}.json"
    if isinstance(name_or_path, str) and "/" not in name_or_path and candidate.is_file():
        return candidate
    path = Path(name_or_path)
    if not path.is_file():
        raise FileNotFoundError(f"no taxonomy {name_or_path!r} (packaged: {', '.join(packaged())})")
    return path


@lru_cache(maxsize=16)
def _load(path: str) -> Taxonomy:
    tax = parse_taxonomy(json.loads(Path(path).read_text(encoding="utf-8")), where=path)
    tax.path = Path(path)
    return tax


def load_taxonomy(name_or_path: str | Path = "semeval2025") -> Taxonomy:
    """A packaged taxonomy by name, or a user's taxonomy file by path (parsed once per process)."""
    return _load(str(taxonomy_path(name_or_path).resolve()))


def packaged() -> list[str]:
    """Names of the packaged narrative taxonomies (files with a 'domains' list)."""
    return sorted(
        p.stem for p in PACKAGED.glob("*.json") if '"domains"' in p.read_text(encoding="utf-8")
    )


@dataclass(frozen=True)
class RoleTaxonomy:
    """Main roles and their fine roles; every fine role belongs to exactly one main role."""

    main_roles: tuple[str, ...]
    fine_roles: tuple[str, ...]
    main_of: dict[str, str]
    descriptions: dict[str, str]


@lru_cache(maxsize=1)
def load_roles() -> RoleTaxonomy:
    data = json.loads((PACKAGED / "roles.json").read_text(encoding="utf-8"))
    mains, fines, main_of, desc = [], [], {}, {}
    for main in data["main_roles"]:
        mains.append(main["name"])
        desc[main["name"]] = main["description"]
        for fine in main["fine_roles"]:
            fines.append(fine["name"])
            main_of[fine["name"]] = main["name"]
            desc[fine["name"]] = fine["description"]
    return RoleTaxonomy(tuple(mains), tuple(fines), main_of, desc)
