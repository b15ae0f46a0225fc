"""What every route shares: the `Runtime` (settings, queue, store) and the page security headers.

Kept apart from `app` so that the routers (`api`, `pages`) and the app that mounts them do not
import each other.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence

from narrascope.document import Document, Failure
from narrascope.server.analysis import AnalysisQueue
from narrascope.server.corpus import Corpus
from narrascope.server.settings import ServerSettings

SECURITY_HEADERS = {
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
        "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    # same-origin: links to other sites get no referrer, and the page's own form posts carry
    # its Origin (with no-referrer browsers send `Origin: null`, which is refused as foreign)
    "Referrer-Policy": "same-origin",
}


class Runtime:
    """What the routes share: settings, the analysis queue, and the store when there is one."""

    def __init__(self, settings: ServerSettings, queue: AnalysisQueue, store=None) -> None:  # noqa: ANN001
        self.settings = settings
        self.queue = queue
        self.store = store
        self.corpus = Corpus(store.con) if store is not None else None
        self._write_lock = threading.Lock()
        self._profile_queues: dict[str, AnalysisQueue] = {}

    def queue_for(self, profile: str | None) -> AnalysisQueue:
        """The queue whose pipeline runs `profile` (None: the server's own pipeline). Another
        profile's pipeline is built on its first request, with the same limits."""
        if profile is None or self.queue.load().config.profile == profile:
            return self.queue
        with self._write_lock:
            if profile not in self._profile_queues:
                from narrascope.config import Config
                from narrascope.pipeline import Pipeline

                config = Config.load(profile=profile)
                self._profile_queues[profile] = AnalysisQueue(
                    lambda: Pipeline.from_config(config),
                    self.queue.batch_size,
                    self.queue.max_pending,
                    self.queue.time_budget,
                )
            return self._profile_queues[profile]

    async def stop_profiles(self) -> None:
        for queue in self._profile_queues.values():
            await queue.stop()

    def save(self, docs: list[Document], failures: Sequence[Failure] = ()) -> dict[str, str]:
        """Store analysed documents (one writer at a time; blocking: call from a worker thread).

        When the batch is refused, each document is stored on its own, so one bad item cannot
        keep the others out; returns the reason for each document id still refused."""
        if self.store is None:
            raise RuntimeError("no store")
        refused: dict[str, str] = {}
        with self._write_lock:
            try:
                try:
                    self.store.write(docs, list(failures))
                except Exception:
                    if len(docs) < 2:
                        raise
                    for doc in docs:
                        try:
                            self.store.write([doc])
                        except Exception as exc:  # noqa: BLE001 - reported per item
                            refused[doc.id] = f"{type(exc).__name__}: {exc}"
                    if len(refused) == len(docs):
                        raise
            finally:
                if self.corpus is not None:
                    self.corpus.invalidate()
        return refused
