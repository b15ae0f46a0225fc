"""Options for reading articles: which files, which record fields, size limits, network safety."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, field_validator

DEFAULT_GLOB = [
    "*.txt",
    "*.html",
    "*.htm",
    "*.jsonl",
    "*.csv",
    "*.xml",
    "*.rss",
    "*.atom",
    "*.jsonl.gz",
    "*.csv.gz",
]


def _as_list(value: object) -> object:
    """Accept 'a|b', 'a,b' or a list, so a CLI flag and a config file can say the same thing."""
    if isinstance(value, str):
        return [part.strip() for part in value.replace("|", ",").split(",") if part.strip()]
    return value


class IngestOptions(BaseModel):
    """How `iter_documents` reads its inputs.

    Field options name the JSONL/CSV column holding each value; a list (or 'a|b') gives
    alternatives tried in order.
    """

    model_config = ConfigDict(extra="forbid")

    glob: list[str] = Field(default_factory=lambda: list(DEFAULT_GLOB))
    text_field: list[str] = Field(default_factory=lambda: ["text"])
    title_field: list[str] = Field(default_factory=lambda: ["title"])
    date_field: list[str] = Field(default_factory=lambda: ["date", "published"])
    source_field: list[str] = Field(default_factory=lambda: ["source"])
    url_field: list[str] = Field(default_factory=lambda: ["url"])
    id_field: list[str] = Field(default_factory=lambda: ["id"])
    language_field: list[str] = Field(default_factory=lambda: ["language"])

    max_chars: int = Field(
        2_000_000, gt=0, description="Longest article text accepted, in characters."
    )
    max_bytes: int = Field(
        50_000_000, gt=0, description="Largest download or HTML/feed file read, in bytes."
    )
    allow_private: bool = Field(
        False, description="Fetch URLs on loopback/private/link-local addresses."
    )
    timeout: float = Field(20.0, gt=0, description="Seconds per HTTP request.")
    user_agent: str = "narrascope/0.1 (+https://github.com/narrascope/narrascope)"
    max_redirects: int = Field(10, ge=0)
    fetch_feed_entries: bool = Field(
        True, description="Fetch each feed entry's link; else use its summary."
    )
    max_feed_entries: int | None = Field(None, gt=0)
    fetch_workers: int = Field(4, ge=1, description="Feed entry pages fetched at the same time.")

    @field_validator(
        "glob",
        "text_field",
        "title_field",
        "date_field",
        "source_field",
        "url_field",
        "id_field",
        "language_field",
        mode="before",
    )
    @classmethod
    def _split(cls, value: object) -> object:
        return _as_list(value)
