"""Bearer-token checks and the request body size limit.

Writes (storing, batches, uploads) need `Authorization: Bearer <token>` when a token is
configured; reads need it only with `protect_reads`. Browser forms cannot set headers, so page
forms may send the token as a `token` form field instead.
"""

from __future__ import annotations

import hmac
import json

from fastapi import HTTPException, Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from narrascope.server.settings import ServerSettings


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    return value.strip() if scheme.lower() == "bearer" and value.strip() else None


def token_matches(settings: ServerSettings, given: str | None) -> bool:
    if settings.token is None:
        return True
    return given is not None and hmac.compare_digest(given.encode(), settings.token.encode())


def check_write(request: Request, form_token: str | None = None) -> None:
    """Raise 401 unless the request may write (no token configured, or the right one given)."""
    settings: ServerSettings = request.app.state.settings
    given = _bearer(request) or form_token
    if not token_matches(settings, given):
        reason = (
            "this operation writes: send 'Authorization: Bearer <token>'"
            if given is None
            else "wrong API token"
        )
        raise HTTPException(401, reason, headers={"WWW-Authenticate": "Bearer"})


def require_read(request: Request) -> None:
    """FastAPI dependency: reads are open unless the server protects them."""
    settings: ServerSettings = request.app.state.settings
    if settings.protect_reads and not token_matches(settings, _bearer(request)):
        raise HTTPException(
            401,
            "reads need 'Authorization: Bearer <token>' on this server",
            headers={"WWW-Authenticate": "Bearer"},
        )


def require_write(request: Request) -> None:
    """FastAPI dependency for endpoints that always write."""
    check_write(request)


def check_same_origin(request: Request) -> None:
    """Refuse form posts from other sites' pages (a page elsewhere could post to a loopback server)."""
    origin = request.headers.get("origin")
    if origin and origin != "null":
        host = origin.split("://", 1)[-1]
        if host != request.headers.get("host"):
            raise HTTPException(403, "cross-origin form submission refused")


class _TooLarge(HTTPException):
    """Raised from `receive`; an HTTPException so that body parsing passes it on unchanged."""

    def __init__(self, max_bytes: int) -> None:
        super().__init__(413, f"request body over the limit of {max_bytes} bytes")


class BodyLimit:
    """ASGI middleware: answer 413 once a request body exceeds `max_bytes` (declared or streamed)."""

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > self.max_bytes
            except ValueError:
                await _reject(send, 400, "invalid Content-Length header")
                return
            if too_big:
                await _reject(send, 413, f"request body over the limit of {self.max_bytes} bytes")
                return
        seen = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise _TooLarge(self.max_bytes)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _reject(send, 413, f"request body over the limit of {self.max_bytes} bytes")


async def _reject(send: Send, status: int, reason: str) -> None:
    body = json.dumps({"error": reason}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
