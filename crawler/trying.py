"""``markwatch platforms try PROFILE URL|FILE``: one page read with a profile, as the crawler would read it.

Like ``scrapy parse``: whether the page is a list or a detail page, each field's text and the source
(selector or fallback) that gave it, the value the crawl would store, the result links, the next page,
and the links that would be refused and why. The reading is the spider's own (``crawler.pages``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scrapy.http import HtmlResponse, Request

from crawler import normalise as n
from crawler.confine import Confinement
from crawler.extract import Page
from crawler.pages import DETAIL, LIST, PageReader
from crawler.profiles import Profile
from storage.errors import MarkwatchError

FETCH_TIMEOUT = 30.0  # s
REFUSALS = {  # the crawl's confinement verdicts, as try explains them
    "scheme": "not http or https: never followed",
    "offsite": "not one of the platform's hosts (base_url, start/search/detail addresses, hosts)",
    "private_address": "a loopback or private address, and the platform's own address is not one",
}
MAX_PAGE_BYTES = 20 * 1024 * 1024


@dataclass
class TryReport:
    """What one page gave."""

    url: str
    kind: str | None  # list | detail | None (neither, as the profile describes them)
    kind_reason: str
    fields: list[dict[str, Any]] = field(default_factory=list)  # name, text, source, value
    results: list[dict[str, Any]] = field(default_factory=list)  # url, fields
    next_pages: list[str] = field(default_factory=list)
    refused: list[dict[str, str]] = field(default_factory=list)  # url, reason
    malformed_json: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "url": self.url,
            "kind": self.kind,
            "kind_reason": self.kind_reason,
            "fields": self.fields,
            "results": self.results,
            "next_pages": self.next_pages,
            "refused": self.refused,
            "malformed_json": self.malformed_json,
        }


def load_page(target: str, *, as_url: str | None, profile: Profile) -> HtmlResponse:
    """The page: fetched when ``target`` is an http(s) address, else read from that file (its address is
    ``as_url``, default the profile's base URL). Raises MarkwatchError naming what went wrong."""
    if target.lower().startswith(("http://", "https://")):
        import httpx

        try:
            with httpx.Client(follow_redirects=True, timeout=FETCH_TIMEOUT) as client:
                answer = client.get(target, headers={"User-Agent": "markwatch (platforms try)"})
        except httpx.HTTPError as exc:
            raise MarkwatchError(
                f"cannot fetch {target}: {type(exc).__name__}: {exc}",
                key="err.cannot_fetch",
                target=target,
                reason=f"{type(exc).__name__}: {exc}",
            ) from exc
        body, url = answer.content[:MAX_PAGE_BYTES], str(answer.url)
        headers = {"Content-Type": answer.headers.get("content-type", "text/html")}
    else:
        if "://" in target:
            raise MarkwatchError(
                f"{target}: only http(s) addresses are fetched; give a saved page as a file",
                key="err.only_http",
                target=target,
            )
        path = Path(target)
        try:
            body = path.read_bytes()[:MAX_PAGE_BYTES]
        except OSError as exc:
            raise MarkwatchError(
                f"cannot read {path}: {exc.strerror}", key="err.cannot_read", path=path, reason=exc.strerror
            ) from exc
        url = as_url or profile.base_url + "/"
        headers = {}
    return HtmlResponse(url, body=body, headers=headers, request=Request(url))


def try_page(profile: Profile, response: HtmlResponse, *, query: str | None = None) -> TryReport:
    """Read one page with ``profile`` and say what each part of the profile found."""
    reader = PageReader(profile)
    page = Page(response)
    kind = reader.kind(page)
    by_url = reader.kind_of_url(page.url)
    if by_url is not None:
        reason = f"its address matches {by_url}.url_pattern"
    elif kind == DETAIL:
        reason = "detail.id found a listing id"
    elif kind == LIST:
        reason = "the list found results"
    else:
        reason = "neither detail.id nor the list's results found anything"
    report = TryReport(url=page.url, kind=kind, kind_reason=reason)
    if kind != LIST:
        external_id, source = reader.external_id(page)
        report.fields.append(
            {"name": "id", "text": external_id, "source": source or "", "value": external_id}
        )
        fields = reader.detail(page)
        price_text = fields.raw.get("price")
        for name in _names(reader.detail_fields, fields.raw):
            text = fields.get(name)
            source = fields.sources.get(name, "")
            report.fields.append({"name": name, "text": text, "source": source, "value": _value(name, text)})
        stated = n.currency_code(fields.raw.get("currency"))
        default = stated or profile.data.get("currency") or "CNY"
        currency = n.currency_of(price_text, default=default) if price_text or stated else None
        report.fields.append({"name": "→ currency stored", "text": None, "source": "", "value": currency})
    if kind != DETAIL:
        confinement = Confinement.of_profile(profile.data)
        for result in reader.results(page):
            report.results.append({"url": result.url, "fields": _flat(result.fields.raw)})
            if result.url and (why := confinement.verdict(result.url)):
                report.refused.append({"url": result.url, "reason": REFUSALS.get(why, why)})
        report.next_pages = reader.next_pages(page, page_number=1, query=query)
        for url in report.next_pages:
            if why := confinement.verdict(url):
                report.refused.append({"url": url, "reason": REFUSALS.get(why, why)})
    report.malformed_json = sorted(set(page.json_errors))
    return report


def _names(chains: dict[str, Any], raw: dict[str, Any]) -> list[str]:
    names = list(chains)
    for key in ("title", "price", "currency", "brand", "images", "seller.name"):
        head, _, sub = key.partition(".")
        present = (raw.get(head) or {}).get(sub) if sub else raw.get(head)
        if key not in names and present:
            names.append(key)
    return names


def _value(name: str, text: Any) -> Any:
    if text is None or text == []:
        return None
    if name == "price":
        return n.parse_price(text)
    if name == "sold":
        return n.parse_count(text)
    if name == "seller.opened":
        return n.parse_date(text)
    if name == "seller.rating":
        return n.parse_rating(text)
    if isinstance(text, list):
        return text
    return n.clean_text(str(text))


def _flat(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if isinstance(value, dict):
            out.update({f"{key}.{k}": v for k, v in value.items() if v})
        elif value:
            out[key] = value
    return out
