"""The embedded corpus store: articles and every layer in one DuckDB file.

Each `write` is one transaction: the rows of the given articles are deleted from every table
and inserted again, then committed. DuckDB's write-ahead log makes a committed batch survive
Ctrl-C or kill -9, and a rerun asks `hashes()` which articles are already there (resume).
Rows go in as one column array per table column (DuckDB's NumPy scan), one INSERT per table
and batch; Arrow tables would do the same, but pyarrow imports pandas on its first conversion
(0.4-0.7 s of a run's first batch), which a NumPy column does not.

Article ids are unique across runs: a different article (another content hash) arriving under
an id the store already holds is stored as a new version, `ID#HASH12`, unless the writer asks
to `update` (replace) it. A stored article is never replaced silently by a different one.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import numpy as np

from narrascope.atomic import atomic_path
from narrascope.document import Document, Failure
from narrascope.store.tables import FAILURES, Row, Table, articles_table, layer_tables

# the Python values each column type accepts (besides None); DuckDB would turn anything else
# into text silently, so `column_array` refuses it
PYTHON_TYPES: dict[str, type | tuple[type, ...]] = {
    "VARCHAR": str,
    "JSON": str,
    "BIGINT": int,
    "INTEGER": int,
    "DOUBLE": (float, int),
    "BOOLEAN": bool,
    "TIMESTAMP": datetime,
}
EXPORT_FORMATS = ("jsonl", "csv", "parquet")


class StoreError(Exception):
    """The store file cannot be opened or used (locked by another writer, not a DuckDB file...)."""


def _open_error(path: Path, exc: duckdb.Error) -> str:
    """One line saying why a store cannot be opened: in use elsewhere, not a store, or DuckDB's reason."""
    first = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "lock" in first.lower():
        holder = re.search(r"\(PID (\d+)\)", first)
        by = f" (process {holder.group(1)})" if holder else ""
        return (
            f"{path}: the store is in use by another process{by}; stop it "
            "(e.g. `narrascope serve`), or work on a copy of the file"
        )
    if "not a valid duckdb" in first.lower() or "database file" in first.lower():
        return f"{path}: not a DuckDB corpus store (corrupt, or another kind of file)"
    return f"{path}: cannot open store: {first}"


def _version_id(article_id: str, content_hash: str, short: bool) -> str:
    """The id of another version of an article: its id and (the start of) its content hash."""
    return f"{article_id}#{content_hash[:12] if short else content_hash}"


def column_array(table: str, name: str, kind: str, rows: list[Row]) -> np.ndarray:
    """One column of `rows` (a missing key is NULL) as a NumPy object array for DuckDB to scan;
    a value of another Python type than the column's is an error, not a silent conversion."""
    values = [row.get(name) for row in rows]
    expected = PYTHON_TYPES[kind]
    for value in values:
        if value is not None and not isinstance(value, expected):
            raise TypeError(f"{table}.{name}: a {type(value).__name__} value in a {kind} column")
    column = np.empty(len(values), dtype=object)
    column[:] = values
    return column


def _quote(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class Store:
    """A DuckDB corpus file. Use as a context manager, or call `close()`."""

    def __init__(self, path: str | Path, read_only: bool = False) -> None:
        self.path = Path(path)
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no such store")
        try:
            self.con = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(_open_error(self.path, exc)) from None
        self.read_only = read_only
        self.tables: list[Table] = [articles_table(), *layer_tables()]
        if not read_only:
            self._create_tables()

    # --- set-up -------------------------------------------------------------------------------

    def _create_tables(self) -> None:
        """Create missing tables; add columns that newer layer models brought (never drop any)."""
        for table in [*self.tables, FAILURES]:
            columns = ", ".join(f"{_quote(n)} {t}" for n, t in table.columns)
            self.con.execute(f"CREATE TABLE IF NOT EXISTS {_quote(table.name)} ({columns})")
            existing = {
                row[1]
                for row in self.con.execute(f"PRAGMA table_info({_quote(table.name)})").fetchall()
            }
            for name, kind in table.columns:
                if name not in existing:
                    self.con.execute(
                        f"ALTER TABLE {_quote(table.name)} ADD COLUMN {_quote(name)} {kind}"
                    )

    def table_names(self) -> list[str]:
        return [t.name for t in self.tables] + [FAILURES.name]

    # --- writing ------------------------------------------------------------------------------

    def claim_ids(self, docs: Sequence[Document], update: bool = False) -> None:
        """Give every document an id no other article holds, renaming in place (with a warning).

        A document whose id is stored (or earlier in `docs`) with other content becomes a new
        version `ID#HASH12`; with `update`, a stored article of that id is replaced instead.
        The same content under the same id is the same article: it simply replaces its rows.
        """
        if not docs:
            return
        wanted = {doc.id for doc in docs}
        wanted |= {
            _version_id(doc.id, doc.content_hash, short) for doc in docs for short in (True, False)
        }
        owners: dict[str, str] = dict(
            self.con.execute(
                "SELECT article_id, content_hash FROM articles WHERE article_id IN (SELECT unnest($1))",
                [sorted(wanted)],
            ).fetchall()
        )
        claimed: dict[str, str] = {}  # ids taken earlier in this batch
        for doc in docs:
            owner = claimed.get(doc.id, None if update else owners.get(doc.id))
            if owner is None or owner == doc.content_hash:
                claimed[doc.id] = doc.content_hash
                continue
            original = doc.id
            for short in (True, False):
                doc.id = _version_id(original, doc.content_hash, short)
                other = claimed.get(doc.id, owners.get(doc.id))
                if other is None or other == doc.content_hash:
                    break
            claimed[doc.id] = doc.content_hash
            doc.warnings.append(
                f"id {original!r} is held by another article; stored as a new version {doc.id!r}"
                " (use --update to replace it)"
            )

    def write(
        self, docs: Sequence[Document], failures: Sequence[Failure] = (), update: bool = False
    ) -> None:
        """Store analysed documents and failures, atomically.

        Ids are claimed first (`claim_ids`): an article never silently replaces a different one.
        """
        if self.read_only:
            raise StoreError(f"{self.path}: opened read-only")
        self.claim_ids(docs, update)
        latest = {doc.id: doc for doc in docs}  # a repeated id now means the same content
        batch = list(latest.values())
        self.con.begin()
        try:
            if batch:
                ids = list(latest)
                # rows of an article are only ever written with its `articles` row, so if none of
                # these ids is stored there is nothing to delete anywhere (the common case)
                stored = self.con.execute(
                    "SELECT 1 FROM articles WHERE article_id IN (SELECT unnest($1)) LIMIT 1", [ids]
                ).fetchone()
                if stored:
                    for table in self.tables:
                        self.con.execute(
                            f"DELETE FROM {_quote(table.name)} WHERE article_id IN (SELECT unnest($1))",
                            [ids],
                        )
                for table in self.tables:
                    self._insert(table, [row for doc in batch for row in table.rows(doc)])
            if failures:
                now = datetime.now(UTC).replace(tzinfo=None)
                self._insert(
                    FAILURES,
                    [{"input": f.input, "reason": f.reason, "failed_at": now} for f in failures],
                )
            self.con.commit()
        except BaseException as exc:
            self._rollback_after(exc)
            raise

    def _rollback_after(self, error: BaseException) -> None:
        """Roll back after `error`, never hiding it: a failed commit (disk full) has often ended
        the transaction already, and the rollback's own error would replace the root cause."""
        try:
            self.con.rollback()
        except duckdb.Error as rollback_error:
            error.add_note(f"(the rollback after it failed too: {rollback_error})")

    def _insert(self, table: Table, rows: list[Row]) -> None:
        if not rows:
            return
        data = {name: column_array(table.name, name, kind, rows) for name, kind in table.columns}
        columns = ", ".join(_quote(n) for n in table.column_names)
        self.con.register("_narrascope_rows", data)
        try:
            self.con.execute(
                f"INSERT INTO {_quote(table.name)} ({columns}) SELECT {columns} FROM _narrascope_rows"
            )
        finally:
            self.con.unregister("_narrascope_rows")

    # --- reading ------------------------------------------------------------------------------

    def hashes(self) -> set[str]:
        """Content hashes of every stored article (for resuming a run)."""
        return {h for (h,) in self.con.execute("SELECT content_hash FROM articles").fetchall()}

    def has_hash(self, content_hash: str) -> bool:
        return (
            self.con.execute(
                "SELECT 1 FROM articles WHERE content_hash = ? LIMIT 1", [content_hash]
            ).fetchone()
            is not None
        )

    def count(self, table: str = "articles") -> int:
        self._check_table(table)
        return int(self.con.execute(f"SELECT count(*) FROM {_quote(table)}").fetchone()[0])  # type: ignore[index]

    def get(self, article_id: str) -> Document:
        row = self.con.execute(
            "SELECT result FROM articles WHERE article_id = ?", [article_id]
        ).fetchone()
        if row is None:
            raise KeyError(article_id)
        return Document.model_validate_json(row[0])

    def iter_documents(
        self, ids: Iterable[str] | None = None, chunk: int = 256
    ) -> Iterator[Document]:
        """Stored documents in the order they were stored (or only those with the given ids)."""
        if ids is None:
            cursor = self.con.cursor().execute(
                "SELECT result FROM articles ORDER BY analysed_at, article_id"
            )
        else:
            cursor = self.con.cursor().execute(
                "SELECT result FROM articles WHERE article_id IN (SELECT unnest($1)) ORDER BY analysed_at, article_id",
                [list(ids)],
            )
        while rows := cursor.fetchmany(chunk):
            for (result,) in rows:
                yield Document.model_validate_json(result)

    def failures(self) -> list[Failure]:
        rows = self.con.execute("SELECT input, reason FROM failures ORDER BY failed_at").fetchall()
        return [Failure(input=i, reason=r) for i, r in rows]

    def query(self, sql: str, params: Sequence[Any] | None = None) -> list[tuple[Any, ...]]:
        return self.con.execute(sql, params or []).fetchall()

    # --- export -------------------------------------------------------------------------------

    def export(
        self, path: str | Path, fmt: str = "jsonl", table: str = "articles", raw: bool = False
    ) -> int:
        """Write one table to a file; returns the number of rows.

        `jsonl` of `articles` writes the full result documents (as `analyze --out` does); of any
        other table, its rows as JSON objects. csv and parquet use DuckDB's COPY. In csv, a text
        cell that a spreadsheet would run as a formula (starting with `=`, `+`, `-`, `@`, a tab
        or a carriage return) gets a leading `'`, unless `raw`.
        """
        if fmt not in EXPORT_FORMATS:
            raise ValueError(f"unknown format {fmt!r}; use one of {', '.join(EXPORT_FORMATS)}")
        self._check_table(table)
        with atomic_path(path) as temp:  # an existing file is replaced only by a complete export
            if fmt == "jsonl" and table == "articles":
                n = 0
                cursor = self.con.cursor().execute(
                    "SELECT result FROM articles ORDER BY analysed_at, article_id"
                )
                with temp.open("w", encoding="utf-8") as out:
                    while rows := cursor.fetchmany(1024):
                        out.writelines(result + "\n" for (result,) in rows)
                        n += len(rows)
                return n
            options = {
                "jsonl": "FORMAT json",
                "csv": "FORMAT csv, HEADER",
                "parquet": "FORMAT parquet",
            }[fmt]
            target = str(temp).replace("'", "''")
            columns = "*" if fmt != "csv" or raw else self._neutralised_columns(table)
            self.con.execute(
                f"COPY (SELECT {columns} FROM {_quote(table)} ORDER BY ALL) TO '{target}' ({options})"
            )
            return self.count(table)

    def _neutralised_columns(self, table: str) -> str:
        """The table's columns, text ones wrapped so that no cell starts like a spreadsheet formula."""
        parts = []
        for row in self.con.execute(f"PRAGMA table_info({_quote(table)})").fetchall():
            column, kind = _quote(row[1]), str(row[2]).upper()
            if kind in ("VARCHAR", "JSON"):
                text = f"CAST({column} AS VARCHAR)"
                parts.append(
                    f"CASE WHEN regexp_matches({text}, '^[-=+@\\t\\r]') "
                    f"THEN chr(39) || {text} ELSE {text} END AS {column}"
                )
            else:
                parts.append(column)
        return ", ".join(parts)

    def _check_table(self, table: str) -> None:
        if table not in self.table_names():
            raise ValueError(f"unknown table {table!r}; tables: {', '.join(self.table_names())}")

    # --- lifetime -----------------------------------------------------------------------------

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
