"""WARC files of captures: one gzip WARC per capture, written with warcio, kept in the blob store.

``write_warc`` is the one writer; the crawl (every detail page's snapshot, ``crawler.pipelines``) and the
evidence capture in Chromium (``crawler.capture``) both call it. A file holds, in this order:

- a ``warcinfo`` record: the software, and the capture's user agent, browser version and egress;
- for each HTTP exchange, a ``request`` record and its ``response`` record (the page first, then the
  page's images and other subresources as the browser received them);
- for each resource with no HTTP exchange of its own, a ``resource`` record: an image the crawl fetched
  (its bytes from the blob store), the full-page screenshot under ``urn:view:<page URL>`` (the name
  Webrecorder's tools give a page's screenshot).

Every record has its ``WARC-Target-URI`` (an address with Chinese in it percent-encoded, as a browser
sends it), ``WARC-Date`` (the moment it was fetched) and the block and
payload digests warcio computes (``sha1:`` base32, what ``warcio check`` and replay tools verify).

Bodies are kept as received after transfer decoding (Scrapy and Chromium hand them over decoded), so a
response's ``Content-Encoding`` and ``Transfer-Encoding`` headers are renamed ``X-Archive-Orig-…`` and
its ``Content-Length`` set to the body's length: the record then replays as the bytes it holds.
Session cookies never enter a WARC (``Cookie``, ``Set-Cookie``, ``Authorization`` are left out).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from http.client import responses as REASONS
from urllib.parse import urlsplit

from w3lib.url import safe_url_string
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from storage.blobs import BlobStore

SECRET_HEADERS = frozenset({"cookie", "set-cookie", "authorization", "proxy-authorization"})
DECODED_HEADERS = frozenset({"content-encoding", "transfer-encoding"})
SCREENSHOT_URI = "urn:view:"  # + the page's URL: a page's screenshot, as Webrecorder's tools name it

Headers = Mapping[str, str] | Sequence[tuple[str, str]]


@dataclass(frozen=True)
class Exchange:
    """One HTTP exchange as it happened: the request sent and the response received (body decoded)."""

    url: str
    status: int
    headers: Headers  # the response's
    body: bytes
    at: datetime  # when the response came (aware)
    method: str = "GET"
    request_headers: Headers = ()
    protocol: str = "HTTP/1.1"


@dataclass(frozen=True)
class Resource:
    """Bytes with no HTTP exchange of their own to show: an image kept by the crawl, a screenshot."""

    url: str
    content_type: str
    body: bytes
    at: datetime


@dataclass(frozen=True)
class CaptureInfo:
    """What the ``warcinfo`` record says about a capture."""

    software: str
    user_agent: str | None = None
    browser_version: str | None = None
    egress: str | None = None
    extra: Mapping[str, str] = field(default_factory=dict)


def _pairs(headers: Headers) -> list[tuple[str, str]]:
    items = headers.items() if isinstance(headers, Mapping) else headers
    return [(str(k), str(v)) for k, v in items if str(k).lower() not in SECRET_HEADERS]


def _response_headers(headers: Headers, body: bytes) -> list[tuple[str, str]]:
    kept: list[tuple[str, str]] = []
    for name, value in _pairs(headers):
        lower = name.lower()
        if lower in DECODED_HEADERS:
            kept.append((f"X-Archive-Orig-{name}", value))
        elif lower != "content-length":
            kept.append((name, value))
    kept.append(("Content-Length", str(len(body))))
    return kept


def _warc_date(at: datetime) -> str:
    if at.tzinfo is None:
        raise ValueError("naive datetime given for a WARC-Date; attach a timezone")
    return at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _request_path(url: str) -> str:
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def write_warc(
    *,
    exchanges: Iterable[Exchange],
    resources: Iterable[Resource] = (),
    info: CaptureInfo,
    filename: str = "capture.warc.gz",
) -> bytes:
    """The gzip WARC file of one capture: warcinfo, then request/response pairs, then resources."""
    out = io.BytesIO()
    writer = WARCWriter(out, gzip=True)
    fields = {"software": info.software, "format": "WARC File Format 1.0"}
    for key, value in (
        ("http-header-user-agent", info.user_agent),
        ("browser-version", info.browser_version),
        ("egress", info.egress),
        *info.extra.items(),
    ):
        if value:
            fields[key] = value
    writer.write_record(writer.create_warcinfo_record(filename, fields))
    for exchange in exchanges:
        url = safe_url_string(exchange.url)  # an IRI (Chinese query, IDN host) as the URI a client sends
        date = _warc_date(exchange.at)
        request_headers = _pairs(exchange.request_headers)
        host = urlsplit(url).netloc
        if host and not any(k.lower() == "host" for k, _ in request_headers):
            request_headers.insert(0, ("Host", host))
        request = writer.create_warc_record(
            url,
            "request",
            payload=io.BytesIO(b""),
            length=0,
            http_headers=StatusAndHeaders(
                f"{exchange.method} {_request_path(url)} {exchange.protocol}",
                request_headers,
                is_http_request=True,
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        reason = REASONS.get(exchange.status, "")
        response = writer.create_warc_record(
            url,
            "response",
            payload=io.BytesIO(exchange.body),
            length=len(exchange.body),
            http_headers=StatusAndHeaders(
                f"{exchange.status} {reason}".strip(),
                _response_headers(exchange.headers, exchange.body),
                protocol=exchange.protocol,
            ),
            warc_headers_dict={"WARC-Date": date},
        )
        writer.write_request_response_pair(request, response)
    for resource in resources:
        writer.write_record(
            writer.create_warc_record(
                safe_url_string(resource.url),
                "resource",
                payload=io.BytesIO(resource.body),
                length=len(resource.body),
                warc_content_type=resource.content_type,
                warc_headers_dict={"WARC-Date": _warc_date(resource.at)},
            )
        )
    return out.getvalue()


def store_warc(
    blobs: BlobStore,
    *,
    exchanges: Iterable[Exchange],
    resources: Iterable[Resource] = (),
    info: CaptureInfo,
) -> str:
    """Write the capture's WARC (``write_warc``) into the blob store; returns its sha256."""
    return blobs.put(write_warc(exchanges=exchanges, resources=resources, info=info))


def screenshot_uri(page_url: str) -> str:
    """The ``WARC-Target-URI`` of a page's full-page screenshot."""
    return SCREENSHOT_URI + page_url
