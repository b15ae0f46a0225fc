"""Safe fetching over http(s) and main-text extraction from HTML (trafilatura).

Server-side request forgery guard: only http and https; every address a host name resolves to
must be public unless `allow_private`; redirects are followed by hand so each hop is checked
again; and the connection itself goes to an address checked at connect time, so a host name
that re-resolves to a private address between the check and the connection is still refused.
"""

from __future__ import annotations

import ipaddress
import socket
import time
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpcore
import httpx

from narrascope.document import Document, Failure
from narrascope.ingest.documents import build_document, join_title
from narrascope.ingest.files import sniff_kind
from narrascope.ingest.options import IngestOptions

SCHEMES = ("http", "https")
NAT64 = ipaddress.ip_network("64:ff9b::/96")


class FetchError(Exception):
    """A URL that could not be fetched; the message is the one-line reason."""


class Refused(FetchError):
    """A URL refused by policy (scheme or address), before any connection is made."""


@dataclass
class Fetched:
    url: str
    content_type: str
    content: bytes


def is_url(item: str) -> bool:
    """Whether an input names a URL (of any scheme) rather than a local path."""
    return "://" in item or item.lower().startswith(("file:", "data:", "javascript:", "mailto:"))


def _address_kind(ip: ipaddress.IPv4Address | ipaddress.IPv6Address) -> str | None:
    """Why an address is not public ('loopback', 'private', ...), or None when it is."""
    if isinstance(ip, ipaddress.IPv6Address):  # IPv6 forms that lead to an IPv4 address
        nat64 = ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF) if ip in NAT64 else None
        ip = ip.ipv4_mapped or ip.sixtofour or nat64 or ip
    for kind in ("loopback", "link_local", "multicast", "unspecified", "reserved", "private"):
        if getattr(ip, f"is_{kind}"):
            return kind.replace("_", "-")
    return None if ip.is_global else "non-public"


def resolve(host: str, port: int, allow_private: bool) -> list[str]:
    """The addresses `host` resolves to; all must be public unless `allow_private`."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (socket.gaierror, UnicodeError) as exc:
        raise FetchError(
            f"cannot resolve host {host!r}: {getattr(exc, 'strerror', None) or exc}"
        ) from None
    addresses = list(dict.fromkeys(str(info[4][0]) for info in infos))
    if not allow_private:
        for address in addresses:
            kind = _address_kind(ipaddress.ip_address(address.split("%")[0]))
            if kind:
                raise Refused(
                    f"refused: {host} resolves to {kind} address {address} (allow_private / --allow-private lifts this)"
                )
    return addresses


def scheme_problem(url: str) -> str | None:
    """Why a URL's scheme is refused (only http and https are fetched), or None."""
    scheme = urlsplit(url).scheme
    if scheme.lower() in SCHEMES:
        return None
    shown = f"{scheme}:" if scheme else "(none)"
    return f"refused: unsupported URL scheme {shown}; only http and https are fetched"


def check_url(url: str, allow_private: bool) -> None:
    """Refuse non-http(s) schemes and hosts on non-public addresses."""
    parts = urlsplit(url)
    problem = scheme_problem(url)
    if problem:
        raise Refused(problem)
    if not parts.hostname:
        raise Refused("refused: URL has no host")
    try:
        port = parts.port or (443 if parts.scheme.lower() == "https" else 80)
    except ValueError:
        raise Refused("refused: invalid port in URL") from None
    resolve(parts.hostname, port, allow_private)


class _GuardedBackend(httpcore.SyncBackend):
    """Connects only to checked public addresses (closes the DNS-rebinding gap)."""

    def connect_tcp(self, host, port, timeout=None, local_address=None, socket_options=None):  # type: ignore[no-untyped-def]
        try:
            addresses = resolve(host, port, allow_private=False)
        except FetchError as exc:
            raise httpcore.ConnectError(str(exc)) from None
        error: Exception | None = None
        for address in addresses:
            try:
                return super().connect_tcp(address, port, timeout, local_address, socket_options)
            except httpcore.ConnectError as exc:
                error = exc
        raise error or httpcore.ConnectError(f"cannot connect to {host}")


def _client(options: IngestOptions) -> httpx.Client:
    transport = httpx.HTTPTransport(retries=0)
    pool = getattr(transport, "_pool", None)
    if not options.allow_private and hasattr(pool, "_network_backend"):
        pool._network_backend = _GuardedBackend()  # type: ignore[union-attr]
    return httpx.Client(
        transport=transport,
        timeout=options.timeout,
        headers={"User-Agent": options.user_agent},
        follow_redirects=False,
        trust_env=False,  # a proxy would connect on our behalf, out of the guard's sight
    )


def fetch(url: str, options: IngestOptions) -> Fetched:
    """GET a URL, following up to `max_redirects` redirects, each hop checked; raises FetchError."""
    try:
        with _client(options) as client:
            for _ in range(options.max_redirects + 1):
                check_url(url, options.allow_private)
                with client.stream("GET", url, headers={"Accept-Encoding": ACCEPT}) as response:
                    if response.is_redirect:
                        url = str(response.url.join(response.headers["location"]))
                        continue
                    if response.status_code >= 400:
                        raise FetchError(
                            f"HTTP {response.status_code} {response.reason_phrase}".strip()
                        )
                    return Fetched(
                        url=str(response.url),
                        content_type=response.headers.get("content-type", "").lower(),
                        content=_read_limited(
                            decoded(
                                response.iter_raw(),
                                response.headers.get("content-encoding", ""),
                                options.max_bytes,
                            ),
                            options,
                        ),
                    )
            raise FetchError(f"too many redirects (more than {options.max_redirects})")
    except httpx.TimeoutException:
        raise FetchError(f"timed out after {options.timeout:g} s") from None
    except httpx.ConnectError as exc:
        reason = str(exc)
        raise FetchError(
            reason if reason.startswith("refused:") else f"cannot connect: {reason}"
        ) from None
    except httpx.HTTPError as exc:
        raise FetchError(f"{type(exc).__name__}: {exc}") from None


ACCEPT = "gzip, deflate"
_STEP = 1 << 16  # at most this many bytes come out of a decompressor per call


def decoded(raw: Iterator[bytes], content_encoding: str, max_bytes: int) -> Iterator[bytes]:
    """The body decoded layer by layer ('gzip, gzip' too) in bounded steps, never all at once.

    A few kilobytes of nested gzip can inflate to gigabytes; each layer here yields at most
    `_STEP` bytes per step, so the reader's `max_bytes` check stops it after `max_bytes`, not
    after the whole bomb is in memory (httpx inflates each received chunk in one piece).
    """
    chunks = raw
    codings = [c.strip().lower() for c in content_encoding.split(",") if c.strip()]
    for coding in reversed(codings):  # the last coding applied is undone first
        if coding == "identity":
            continue
        if coding not in ("gzip", "x-gzip", "deflate"):
            raise FetchError(f"unsupported Content-Encoding {coding!r} (accepted: {ACCEPT})")
        chunks = _inflate(chunks, coding != "deflate")
    return chunks


def _inflate(chunks: Iterator[bytes], gzip: bool) -> Iterator[bytes]:
    inflater = zlib.decompressobj(zlib.MAX_WBITS | (16 if gzip else 0))
    first = True
    try:
        for chunk in chunks:
            data = chunk
            while data:
                try:
                    out = inflater.decompress(data, _STEP)
                except zlib.error:
                    if gzip or not first:
                        raise
                    inflater = zlib.decompressobj(-zlib.MAX_WBITS)  # raw deflate, no zlib header
                    out = inflater.decompress(data, _STEP)
                first = False
                if out:
                    yield out
                data = inflater.unconsumed_tail
                while not data and len(out) == _STEP:  # output still pending inside zlib
                    out = inflater.decompress(b"", _STEP)
                    if out:
                        yield out
                if inflater.eof:
                    return
    except zlib.error as exc:
        raise FetchError(f"corrupt compressed response: {exc}") from None


def _read_limited(chunks: Iterator[bytes], options: IngestOptions) -> bytes:
    """The body, up to `max_bytes`, within `timeout` in all (a server sending slowly cannot stall us)."""
    deadline = time.monotonic() + options.timeout
    data = bytearray()
    for chunk in chunks:
        data += chunk
        if len(data) > options.max_bytes:
            raise FetchError(f"response larger than {options.max_bytes:,} bytes (max_bytes)")
        if time.monotonic() > deadline:
            raise FetchError(f"timed out after {options.timeout:g} s reading the response")
    return bytes(data)


def looks_like_feed(fetched: Fetched) -> bool:
    kind = fetched.content_type.split(";")[0].strip()
    if kind.endswith(("rss+xml", "atom+xml", "rdf+xml")):
        return True
    if "html" in kind:
        return False
    return sniff_kind(fetched.content[:2048]) == "feed"


def html_document(
    content: bytes | str,
    options: IngestOptions,
    *,
    id: str,
    input: str,
    url: str | None = None,
    warnings: list[str] | None = None,
) -> Document | Failure:
    """The main text and metadata of an HTML page; scripts and boilerplate are dropped, never run."""
    import trafilatura  # imported on first use: it takes about a second

    try:
        result = trafilatura.bare_extraction(
            content, url=url, with_metadata=True, include_comments=False, include_tables=True
        )
    except Exception as exc:  # trafilatura raises assorted lxml errors on broken markup
        return Failure(input=input, reason=f"cannot parse HTML: {type(exc).__name__}: {exc}")
    if isinstance(result, dict):  # trafilatura 1.x; 2.x returns a Document (pyproject: >=2)
        return Failure(
            input=input, reason="unsupported trafilatura version: install trafilatura>=2"
        )
    text = (result.text or "") if result is not None else ""
    if result is None or not text.strip():
        return Failure(input=input, reason="no article text found in the HTML")
    title = (result.title or "").strip()
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    while lines and title and lines[0] == title:  # trafilatura often repeats the headline
        lines.pop(0)
    return build_document(
        options,
        id=id,
        text=join_title(title, "\n".join(lines)),
        input=input,
        title=title or None,
        source=result.sitename or result.hostname,
        url=url or result.url,
        published=result.date,
        warnings=warnings,
    )


def html_to_text(fragment: str) -> str:
    """Plain text of a small HTML fragment (a feed entry's summary)."""
    import trafilatura

    return trafilatura.html2txt(f"<html><body>{fragment}</body></html>").strip()
