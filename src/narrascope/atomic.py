"""Output files that are replaced whole or not at all.

Every output (JSONL results, the HTML report, an export, a graph) is written to a hidden temporary
file in the destination's folder and renamed over the destination only when it is committed, so
a run that fails, is interrupted before producing anything, or produces nothing never leaves an
empty or half-written file in place of an existing one. The rename is atomic on one filesystem,
which is why the temporary file lives in the same folder.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO


class AtomicFile:
    """A temporary sibling of `path`; `commit()` renames it onto `path`, `discard()` removes it."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        try:
            fd, name = tempfile.mkstemp(
                prefix=f".{self.path.name}.", suffix=".part", dir=self.path.parent
            )
        except OSError as exc:  # name the destination, not the temporary file
            raise OSError(exc.errno, exc.strerror, str(self.path)) from None
        os.close(fd)
        self.temp = Path(name)
        self.done = False

    def open(self) -> IO[str]:
        """The temporary file, open for writing UTF-8 text."""
        return self.temp.open("w", encoding="utf-8")

    def commit(self) -> None:
        if self.done:
            return
        _give_default_mode(self.temp)
        try:
            os.replace(self.temp, self.path)
        except OSError as exc:
            self.discard()
            raise OSError(exc.errno, exc.strerror, str(self.path)) from None
        self.done = True

    def discard(self) -> None:
        if self.done:
            return
        with contextlib.suppress(FileNotFoundError):
            self.temp.unlink()
        self.done = True


@contextlib.contextmanager
def atomic_path(path: str | Path) -> Iterator[Path]:
    """A temporary path to write to; renamed onto `path` when the block ends normally."""
    out = AtomicFile(path)
    try:
        yield out.temp
    except BaseException:
        out.discard()
        raise
    out.commit()


@contextlib.contextmanager
def atomic_text(path: str | Path) -> Iterator[IO[str]]:
    """A text file to write to; replaces `path` when the block ends normally."""
    with atomic_path(path) as temp, temp.open("w", encoding="utf-8") as handle:
        yield handle


def _read_umask() -> int:
    umask = os.umask(0)
    os.umask(umask)
    return umask


_UMASK = _read_umask()  # read once, at import: setting it later would race with other threads


def _give_default_mode(path: Path) -> None:
    """mkstemp creates files readable by their owner only; give the mode a plain open() would."""
    with contextlib.suppress(OSError):
        os.chmod(path, 0o666 & ~_UMASK)
