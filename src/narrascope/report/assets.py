"""The report's stylesheet and script as strings, for inlining (the report) or serving (the web app)."""

from __future__ import annotations

from functools import cache
from importlib import resources

from narrascope.report.spans import MAX_ROWS


def _read(name: str) -> str:
    return resources.files("narrascope.report").joinpath(name).read_text(encoding="utf-8")


def _row_rules() -> str:
    """Row depths of the underlines and line heights that leave room for them.

    A mark in row r draws its bar r pitches below the text; a paragraph whose marks need n rows
    gets lines tall enough that the deepest bar clears the next line.
    """
    rules = [
        f".r{r} {{ padding-bottom: calc(1px + {r} * var(--pitch)); }}" for r in range(MAX_ROWS)
    ]
    rules += [
        f".rows-{n} {{ line-height: max(1.65em, calc(1.15em + {n} * var(--pitch) + 5px)); "
        f"padding-bottom: calc({n} * var(--pitch) / 2); }}"
        for n in range(1, MAX_ROWS + 1)
    ]
    return "\n".join(rules) + "\n"


@cache
def css() -> str:
    return _read("report.css") + _row_rules()


@cache
def js() -> str:
    return _read("report.js")
