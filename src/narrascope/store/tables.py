"""Relational tables derived from the `Document` model.

Every layer of a document becomes a table with one row per item, keyed by `article_id`,
`content_hash` and `idx` (the item's position in its layer). Columns come from the pydantic
models themselves: scalar fields become typed columns, nested lists and models become JSON
columns. A layer field added to `Document` later (a `list[Model]` or a `Model | None`) gets
its table without any change here; only a few layers are flattened by hand to be easier to
query (narratives, roles, techniques, frames).
"""

from __future__ import annotations

import json
import types
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

from narrascope.document import (
    Document,
    Explanation,
    LabelScore,
    NarrativeLabel,
    RoleMention,
    RoleProfile,
    TechniqueSpan,
)

KEY_COLUMNS: tuple[tuple[str, str], ...] = (
    ("article_id", "VARCHAR"),
    ("content_hash", "VARCHAR"),
    ("idx", "INTEGER"),
)

Row = dict[str, Any]


@dataclass(frozen=True)
class Table:
    """One table: its columns (name, SQL type), keys first, and how to turn a document into rows."""

    name: str
    columns: tuple[tuple[str, str], ...]
    rows: Callable[[Document], list[Row]]

    @property
    def column_names(self) -> list[str]:
        return [name for name, _ in self.columns]


def _layer(
    name: str, columns: tuple[tuple[str, str], ...], rows: Callable[[Document], list[Row]]
) -> Table:
    return Table(name, KEY_COLUMNS + columns, rows)


# --- column types from annotations -----------------------------------------------------------


def sql_type(annotation: Any) -> str:
    """The DuckDB type of a pydantic field annotation; anything nested is stored as JSON."""
    origin = get_origin(annotation)
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if all(a in (date, datetime) for a in args):
            return "TIMESTAMP"
        return sql_type(args[0]) if len(args) == 1 else "JSON"
    if origin is Literal:
        return "VARCHAR"
    if annotation is bool:
        return "BOOLEAN"
    if annotation is int:
        return "BIGINT"
    if annotation is float:
        return "DOUBLE"
    if annotation is str:
        return "VARCHAR"
    if annotation in (date, datetime):
        return "TIMESTAMP"
    return "JSON"


def model_columns(
    model: type[BaseModel], exclude: Iterable[str] = ()
) -> tuple[tuple[str, str], ...]:
    skip = set(exclude)
    return tuple(
        (name, sql_type(f.annotation)) for name, f in model.model_fields.items() if name not in skip
    )


def to_sql_value(value: Any, kind: str) -> Any:
    """A Python value as the column expects it (JSON text for nested values, naive UTC timestamps)."""
    if value is None:
        return None
    if kind == "JSON":
        if isinstance(value, BaseModel):
            return value.model_dump_json()
        return json.dumps(_plain(value), ensure_ascii=False, default=str)  # odd meta values as text
    if kind == "TIMESTAMP":
        return _timestamp(value)
    return value


def _plain(value: Any) -> Any:
    if isinstance(value, BaseModel):
        return value.model_dump(mode="json")
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value


def _timestamp(value: Any) -> datetime | None:
    if isinstance(value, datetime):
        try:
            return value.astimezone(UTC).replace(tzinfo=None) if value.tzinfo else value
        except OverflowError:  # beyond year 9999 (or before year 1) in UTC: no timestamp
            return None
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day)
    return None


CONVERTED_KINDS = ("JSON", "TIMESTAMP")  # the kinds whose values `to_sql_value` changes


@cache
def _split_columns(
    columns: tuple[tuple[str, str], ...],
) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...]]:
    """The names of the columns whose values are stored as they are, and the other columns."""
    plain = tuple(name for name, kind in columns if kind not in CONVERTED_KINDS)
    return plain, tuple((name, kind) for name, kind in columns if kind in CONVERTED_KINDS)


def _item_row(item: BaseModel, columns: tuple[tuple[str, str], ...], **extra: Any) -> Row:
    # the same values as `to_sql_value` on every column: the plain ones skip the call, which
    # was a third of the time of the store's rows (tens of thousands of items per batch)
    plain, converted = _split_columns(columns)
    row = {name: getattr(item, name, None) for name in plain if name not in extra}
    for name, kind in converted:
        if name not in extra:
            row[name] = to_sql_value(getattr(item, name, None), kind)
    row.update(extra)
    return row


def _keys(doc: Document, idx: int) -> Row:
    return {"article_id": doc.id, "content_hash": doc.content_hash, "idx": idx}


# --- tables ------------------------------------------------------------------------------------


def list_table(field: str, model: type[BaseModel]) -> Table:
    """A `list[Model]` layer: one row per item."""
    columns = model_columns(model)

    def rows(doc: Document) -> list[Row]:
        return [
            {**_keys(doc, i), **_item_row(item, columns)}
            for i, item in enumerate(getattr(doc, field))
        ]

    return _layer(field, columns, rows)


def single_table(field: str, model: type[BaseModel]) -> Table:
    """A `Model | None` layer: one row when it is filled."""
    columns = model_columns(model)

    def rows(doc: Document) -> list[Row]:
        value = getattr(doc, field)
        return [] if value is None else [{**_keys(doc, 0), **_item_row(value, columns)}]

    return _layer(field, columns, rows)


def _narratives() -> Table:
    columns = (("taxonomy", "VARCHAR"), ("domain", "VARCHAR"), *model_columns(NarrativeLabel))

    def rows(doc: Document) -> list[Row]:
        layer = doc.narratives
        if layer is None:
            return []
        labels = [*layer.narratives, *layer.subnarratives]
        return [
            {
                **_keys(doc, i),
                **_item_row(label, columns, taxonomy=layer.taxonomy, domain=layer.domain),
            }
            for i, label in enumerate(labels)
        ]

    return _layer("narratives", columns, rows)


def _explanations() -> Table:
    columns = (("taxonomy", "VARCHAR"), *model_columns(Explanation))

    def rows(doc: Document) -> list[Row]:
        layer = doc.narratives
        if layer is None or layer.explanation is None:
            return []
        return [{**_keys(doc, 0), **_item_row(layer.explanation, columns, taxonomy=layer.taxonomy)}]

    return _layer("explanations", columns, rows)


def _roles() -> Table:
    columns = model_columns(RoleProfile, exclude=("mentions",))

    def rows(doc: Document) -> list[Row]:
        return [{**_keys(doc, i), **_item_row(p, columns)} for i, p in enumerate(doc.roles)]

    return _layer("roles", columns, rows)


def _role_mentions() -> Table:
    columns = (
        ("profile", "INTEGER"),
        ("entity", "VARCHAR"),
        ("actor", "VARCHAR"),
        *model_columns(RoleMention),
    )

    def rows(doc: Document) -> list[Row]:
        out: list[Row] = []
        for p, profile in enumerate(doc.roles):
            for mention in profile.mentions:
                extra = {"profile": p, "entity": profile.entity, "actor": profile.actor}
                out.append({**_keys(doc, len(out)), **_item_row(mention, columns, **extra)})
        return out

    return _layer("role_mentions", columns, rows)


def _technique_spans() -> Table:
    columns = model_columns(TechniqueSpan)

    def rows(doc: Document) -> list[Row]:
        spans = doc.techniques.spans if doc.techniques else []
        return [{**_keys(doc, i), **_item_row(s, columns)} for i, s in enumerate(spans)]

    return _layer("technique_spans", columns, rows)


def _technique_paragraphs() -> Table:
    """One row per (paragraph, technique) so that counting techniques is a GROUP BY."""
    columns = (
        ("paragraph", "INTEGER"),
        ("start", "BIGINT"),
        ("end", "BIGINT"),
        *model_columns(LabelScore),
    )

    def rows(doc: Document) -> list[Row]:
        out: list[Row] = []
        for para in doc.techniques.paragraphs if doc.techniques else []:
            for label in para.labels:
                extra = {"paragraph": para.paragraph, "start": para.start, "end": para.end}
                out.append({**_keys(doc, len(out)), **_item_row(label, columns, **extra)})
        return out

    return _layer("technique_paragraphs", columns, rows)


def _frames() -> Table:
    """One row per scored frame; `selected` marks the frames the analyzer assigned."""
    columns = (*model_columns(LabelScore), ("selected", "BOOLEAN"))

    def rows(doc: Document) -> list[Row]:
        if doc.frames is None:
            return []
        scores = {s.label: s.score for s in doc.frames.scores}
        for label in doc.frames.labels:
            scores.setdefault(label, None)  # type: ignore[arg-type]
        chosen = set(doc.frames.labels)
        return [
            {**_keys(doc, i), "label": label, "score": score, "selected": label in chosen}
            for i, (label, score) in enumerate(scores.items())
        ]

    return _layer("frames", columns, rows)


# Document fields flattened by hand, and the tables they become.
SPECIAL: dict[str, tuple[Callable[[], Table], ...]] = {
    "narratives": (_narratives, _explanations),
    "roles": (_roles, _role_mentions),
    "techniques": (_technique_spans, _technique_paragraphs),
    "frames": (_frames,),
}


def _layer_model(annotation: Any) -> tuple[str, type[BaseModel]] | None:
    """('list', M) for list[M], ('single', M) for M | None, else None."""
    origin = get_origin(annotation)
    if origin is list:
        (arg,) = get_args(annotation)
        if isinstance(arg, type) and issubclass(arg, BaseModel):
            return "list", arg
    if origin in (Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        if len(args) == 1 and isinstance(args[0], type) and issubclass(args[0], BaseModel):
            return "single", args[0]
    return None


# Article-level fields kept out of the generic layer tables (stored as columns of `articles`).
ARTICLE_MODELS = {"language"}


def layer_tables() -> list[Table]:
    """Every layer table, in `Document` field order."""
    tables: list[Table] = []
    for name, field in Document.model_fields.items():
        if name in SPECIAL:
            tables.extend(make() for make in SPECIAL[name])
            continue
        if name in ARTICLE_MODELS:
            continue
        kind = _layer_model(field.annotation)
        if kind is None:  # a plain column of `articles`
            continue
        shape, model = kind
        tables.append(list_table(name, model) if shape == "list" else single_table(name, model))
    return tables


def _layer_fields() -> set[str]:
    return {
        n for n, f in Document.model_fields.items() if n in SPECIAL or _layer_model(f.annotation)
    }


def articles_table() -> Table:
    """One row per article: its scalar fields as columns, the rest as JSON, and the full result."""
    columns: list[tuple[str, str]] = [("article_id", "VARCHAR"), ("content_hash", "VARCHAR")]
    skip = {"id", "content_hash"} | (_layer_fields() - ARTICLE_MODELS)
    for name, field in Document.model_fields.items():
        if name in skip:
            continue
        if name == "language":
            columns += [("language", "VARCHAR"), ("language_score", "DOUBLE")]
        else:
            columns.append((name, sql_type(field.annotation)))
    columns += [("analysed_at", "TIMESTAMP"), ("result", "JSON")]
    fixed = tuple(columns)

    def rows(doc: Document) -> list[Row]:
        row: Row = {"article_id": doc.id, "content_hash": doc.content_hash}
        for name, kind in fixed[2:]:
            if name == "language":
                row[name] = doc.language.code if doc.language else None
            elif name == "language_score":
                row[name] = doc.language.score if doc.language else None
            elif name == "analysed_at":
                row[name] = datetime.now(UTC).replace(tzinfo=None)
            elif name == "result":
                row[name] = doc.to_json()
            else:
                row[name] = to_sql_value(getattr(doc, name), kind)
        return [row]

    return Table("articles", fixed, rows)


FAILURES = Table(
    "failures",
    (("input", "VARCHAR"), ("reason", "VARCHAR"), ("failed_at", "TIMESTAMP")),
    lambda doc: [],
)
