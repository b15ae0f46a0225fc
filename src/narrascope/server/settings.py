"""Server settings: the API token, limits and the corpus path, from the environment and the config file.

The token comes from `NARRASCOPE_API_TOKEN` or the `[server]` table of the config file (the
environment wins). Without a token, anyone who can reach the server can write to the corpus, so
`narrascope serve` then refuses to listen on anything but loopback.
"""

from __future__ import annotations

import ipaddress
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

TOKEN_ENV = "NARRASCOPE_API_TOKEN"


@dataclass(frozen=True)
class ServerSettings:
    token: str | None = None
    db: Path | None = None
    config: Path | None = None
    protect_reads: bool = False  # reads need the token too (only meaningful with a token)
    open_analysis: bool = False  # with a token: analysing without storing needs no token
    max_body_bytes: int = 2_000_000  # whole request body, uploads included
    max_batch: int = 32  # documents per batch request or upload
    max_text_chars: int = 200_000  # characters per document
    max_pending: int = 256  # documents waiting for analysis before the server answers 503
    batch_size: int = 16  # documents the pipeline analyses together
    analysis_timeout: float = 60.0  # seconds one analysis may take before it is stopped (504)
    allow_private_urls: bool = False  # fetch URLs that resolve to loopback/private addresses
    page_size: int = 50
    # DNS names the server answers to (IP addresses and localhost always work); any other Host
    # header is refused, so a rebound DNS name cannot reach a server on this machine
    allowed_hosts: tuple[str, ...] = ()

    @classmethod
    def load(
        cls,
        config: Path | None = None,
        db: Path | None = None,
        env: Mapping[str, str] | None = None,
        **overrides: Any,
    ) -> ServerSettings:
        """Defaults, then the config file's `[server]` table, then the environment, then overrides."""
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        if config is not None:
            table = tomllib.loads(Path(config).read_text(encoding="utf-8")).get("server", {})
            known = {f.name for f in fields(cls)} - {"db", "config"}
            unknown = sorted(set(table) - known)
            if unknown:
                raise ValueError(f"{config}: unknown [server] settings: {', '.join(unknown)}")
            values.update(table)
        if env.get(TOKEN_ENV):
            values["token"] = env[TOKEN_ENV]
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(config=config, db=db, **values)
        if settings.token is not None and not settings.token.strip():
            settings = replace(settings, token=None)
        return settings


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (localhost, 127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False
