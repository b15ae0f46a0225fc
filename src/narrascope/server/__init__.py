"""The web face of narrascope: analysis pages, the corpus dashboard and the REST API (FastAPI)."""

from narrascope.server.app import create_app
from narrascope.server.settings import ServerSettings

__all__ = ["ServerSettings", "create_app"]
