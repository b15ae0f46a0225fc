"""Byte-exact text and TSV helpers shared by the dataset readers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path


def read_text(path: Path) -> str:
    """A file's text exactly as stored: UTF-8, `\\r` kept, a byte-order mark kept as U+FEFF.

    The organisers count offsets on this text (a leading BOM counts as one character).
    """
    with open(path, encoding="utf-8", newline="") as handle:
        return handle.read()


def read_rows(path: Path) -> Iterator[list[str]]:
    """Tab-separated rows of a label file; the line ending (LF or CRLF) is removed, blank lines skipped."""
    with open(path, encoding="utf-8", newline="") as handle:
        for line in handle:
            line = line.rstrip("\r\n")
            if line.strip():
                yield line.split("\t")


def write_rows(path: Path, rows: list[list[str]]) -> Path:
    """Write tab-separated rows with LF endings (the official scorers accept LF and CRLF)."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", encoding="utf-8", newline="") as handle:
        for row in rows:
            handle.write("\t".join(row) + "\n")
    return path


_ARTICLE = re.compile(r"^article(?P<id>[^.]+)\.txt$")


def read_article_folder(folder: Path) -> dict[str, str]:
    """`article<ID>.txt` files of a folder -> {ID: text}, in ID order."""
    texts: dict[str, str] = {}
    for path in sorted(Path(folder).iterdir()):
        match = _ARTICLE.match(path.name)
        if match and path.is_file():
            texts[match["id"]] = read_text(path)
    return texts
