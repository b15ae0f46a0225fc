"""Bearer-token checks, cross-site request checks and the request body size limit.

Writes (storing, batches, uploads) need `Authorization: Bearer <token>` when a token is
configured; reads need it only with `protect_reads`. Browser forms cannot set headers, so page
forms may send the token as a `token` form field instead.

Pages on other sites can make a browser send requests here (a loopback server without a token
included), so `RequestGuard` refuses, before any route runs: a `Host` header outside the allowed
hosts (DNS rebinding), and any state-changing request (not GET/HEAD/OPTIONS) whose `Origin` is
another origin or `null` (sandboxed frames), or that the browser marks `Sec-Fetch-Site:
cross-site`. Page forms also carry a CSRF token that must match a SameSite=Strict cookie.
"""

from __future__ import annotations

import hmac
import ipaddress
import json
import secrets
from typing import Any
from urllib.parse import urlsplit

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


def check_compute(request: Request, form_token: str | None = None) -> None:
    """Raise 401 unless the request may run an analysis: with a token configured, analysis needs
    it too (it costs the server CPU time), unless the config sets `open_analysis = true`."""
    settings: ServerSettings = request.app.state.settings
    if settings.token is None or settings.open_analysis:
        return
    given = _bearer(request) or form_token
    if not token_matches(settings, given):
        reason = (
            "analysis needs 'Authorization: Bearer <token>' on this server"
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


CSRF_COOKIE = "narrascope_csrf"
CSRF_FIELD = "csrf"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token(request: Request) -> tuple[str, bool]:
    """The page's CSRF token: the cookie's, or a new one (then True: the cookie must be set)."""
    token = request.cookies.get(CSRF_COOKIE, "")
    if len(token) >= 32:
        return token, False
    return secrets.token_urlsafe(32), True


def set_csrf_cookie(response: Any, token: str) -> None:
    response.set_cookie(CSRF_COOKIE, token, httponly=True, samesite="strict", path="/")


def check_csrf(request: Request, given: str | None) -> None:
    """Raise 403 unless the form's token matches the cookie (a page elsewhere can know neither)."""
    cookie = request.cookies.get(CSRF_COOKIE, "")
    if not (cookie and given and hmac.compare_digest(cookie.encode(), given.encode())):
        raise HTTPException(
            403,
            "the form is out of date or was sent from another site: reload the page and try again",
        )


def host_name(host: str) -> str:
    """'Example.org:8000' -> 'example.org'; '[::1]:8000' -> '::1'."""
    try:
        return (urlsplit(f"//{host}").hostname or "").lower()
    except ValueError:
        return ""


def host_allowed(name: str, allowed_hosts: frozenset[str]) -> bool:
    """IP addresses and localhost always; a DNS name only when configured (no DNS rebinding)."""
    if name == "localhost" or name in allowed_hosts:
        return True
    try:
        ipaddress.ip_address(name)
        return True
    except ValueError:
        return False


def cross_site_reason(scope: Scope, allowed_hosts: frozenset[str]) -> tuple[int, str] | None:
    """(status, reason) when the request must be refused as cross-site, else None."""
    headers = {
        k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers") or []
    }
    host = headers.get("host", "")
    if not host_allowed(host_name(host), allowed_hosts):
        return 421, f"host {host[:100]!r} is not served here: add it to allowed_hosts in [server]"
    if scope.get("method", "GET").upper() in SAFE_METHODS:
        return None
    origin = headers.get("origin")
    if origin is not None:
        if origin.strip().lower() == "null" or urlsplit(origin).netloc.lower() != host.lower():
            return (
                403,
                "cross-origin request refused: send it from this server's own pages or without an Origin header",
            )
    elif headers.get("sec-fetch-site", "") in ("cross-site", "same-site"):
        return 403, "cross-site request refused"
    return None


class RequestGuard:
    """ASGI middleware: refuse foreign `Host` headers and cross-origin state-changing requests."""

    def __init__(self, app: ASGIApp, allowed_hosts: frozenset[str]) -> None:
        self.app = app
        self.allowed_hosts = allowed_hosts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            refused = cross_site_reason(scope, self.allowed_hosts)
            if refused is not None:
                await _reject(send, *refused)
                return
        await self.app(scope, receive, send)


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
