"""A full disk is reported as such ("No space left on device"), and what was committed stays."""

from __future__ import annotations

import errno
import os
import subprocess
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from narrascope.cli.app import app
from narrascope.document import Document
from narrascope.store import Store

runner = CliRunner()


def article(i: int) -> Document:
    return Document(id=f"a{i}", text=f"Report {i}\n\n" + f"Troops moved {i} times. " * 200)


class FullDiskConnection:
    """A real DuckDB connection whose commit fails as DuckDB's does on a full disk (ENOSPC):
    the transaction is gone, and the error names the cause."""

    def __init__(self, con: duckdb.DuckDBPyConnection) -> None:
        self._con = con

    def __getattr__(self, name: str):  # noqa: ANN204
        return getattr(self._con, name)

    def commit(self) -> None:
        self._con.rollback()
        raise duckdb.IOException(
            f'Could not write file "x.duckdb.wal": {os.strerror(errno.ENOSPC)}'
        )


def test_injected_enospc_surfaces_the_cause_and_keeps_the_store(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    with Store(path) as store:
        store.write([article(1)])
        real = store.con
        store.con = FullDiskConnection(real)  # type: ignore[assignment]
        with pytest.raises(duckdb.Error) as caught:
            store.write([article(2), article(3)])
        assert "No space left on device" in str(caught.value)
        assert "cannot rollback" not in str(caught.value)
        store.con = real
        assert store.count() == 1 and store.get("a1").text == article(1).text


@pytest.fixture()
def tiny_disk(tmp_path: Path):  # noqa: ANN201
    """A 1 MiB tmpfs (needs root and mount; skipped elsewhere)."""
    mount = tmp_path / "tiny"
    mount.mkdir()
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", str(mount)], capture_output=True
    )
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here (needs root)")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def test_analyze_into_a_full_disk_says_so(tmp_path: Path, tiny_disk: Path) -> None:
    folder = tmp_path / "corpus"
    folder.mkdir()
    for i in range(120):
        (folder / f"a{i:03d}.txt").write_text(article(i).text, encoding="utf-8")
    config = tmp_path / "light.toml"
    config.write_text('[pipeline]\nanalyzers = ["segmentation"]\nbatch_size = 8\n')
    db = tiny_disk / "c.duckdb"
    result = runner.invoke(
        app, ["analyze", str(folder), "--db", str(db), "--config", str(config), "-q"]
    )
    assert result.exit_code == 1, result.output
    assert "No space left on device" in result.stderr, result.stderr
    assert "cannot rollback" not in result.stderr
    with Store(db, read_only=True) as store:  # the store held: what was committed reads back
        n = store.count()
        assert 0 < n < 120
        assert all(d.text == article(int(d.id[1:4])).text for d in store.iter_documents())
