"""A profile applied to one page: is it a list or a detail page, what fields does it hold, which links.

``PageReader(profile)`` compiles the profile's field chains once; ``kind``, ``detail``, ``results``,
``next_pages`` read a fetched page. The spider and ``markwatch platforms try`` both use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from crawler.extract import (
    STRUCTURED_FIELDS,
    Chain,
    Page,
    Source,
    compile_chain,
    contexts,
    fill_template,
    read_chain,
)
from crawler.profiles import Profile

LIST, DETAIL = "list", "detail"
MANY = frozenset({"images"})
LINK_SCHEMES = ("http", "https")


@dataclass
class Fields:
    """Field texts as a page showed them, and the source each came from (for ``platforms try``)."""

    raw: dict[str, Any] = field(default_factory=dict)  # title, price, ...; seller: {name, ...}
    sources: dict[str, str] = field(default_factory=dict)  # "price", "seller.name" → how it was read

    def get(self, key: str) -> Any:
        head, _, sub = key.partition(".")
        value = self.raw.get(head)
        return (value or {}).get(sub) if sub else value


@dataclass
class Result:
    """One result of a list page: where its detail page is, and what the list said about it."""

    url: str | None
    fields: Fields


@dataclass
class Refused:
    url: str
    reason: str


def _chains(section: dict[str, Any]) -> dict[str, Chain]:
    out: dict[str, Chain] = {}
    for key, value in (section.get("fields") or {}).items():
        if value is None:
            continue
        if key == "seller":
            for sub, sub_value in (value or {}).items():
                if sub_value is not None:
                    out[f"seller.{sub}"] = compile_chain(sub_value)
        else:
            out[key] = compile_chain(value)
    return out


class PageReader:
    """The profile's sources, compiled once, and the reading of list and detail pages."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        detail, listing = profile.section(DETAIL), profile.section(LIST)
        self.detail_fields = _chains(detail)
        self.list_fields = _chains(listing)
        self.detail_id = compile_chain(detail["id"]) if detail.get("id") else None
        self.items = compile_chain(listing["items"]) if listing.get("items") else None
        self.results_chain = compile_chain(listing["results"]) if listing.get("results") else None
        link = listing.get("link")
        self.link_template: str | None = (
            link.get("template") if isinstance(link, dict) and "template" in link else None
        )
        self.link = compile_chain(link) if link and self.link_template is None else None
        self.next_page = compile_chain(listing["next_page"]) if listing.get("next_page") else None
        self.pages: dict[str, Any] | None = listing.get("pages")
        self.list_only = bool(listing.get("only"))
        self.detail_pattern = re.compile(detail["url_pattern"]) if detail.get("url_pattern") else None
        self.list_pattern = re.compile(listing["url_pattern"]) if listing.get("url_pattern") else None

    # --- what kind of page ---------------------------------------------------------------------------

    def kind_of_url(self, url: str) -> str | None:
        """list or detail by the profile's url_pattern keys alone (before fetching), or None."""
        if self.detail_pattern is not None and self.detail_pattern.search(url):
            return DETAIL
        if self.list_pattern is not None and self.list_pattern.search(url):
            return LIST
        return None

    def kind(self, page: Page) -> str | None:
        """list or detail: by URL pattern, else by content (a detail id, else result links); None when
        the page is neither as the profile describes them."""
        by_url = self.kind_of_url(page.url)
        if by_url is not None:
            return by_url
        if self.detail_id is not None and read_chain(self.detail_id, page)[0]:
            return DETAIL
        if self.results(page):
            return LIST
        return None

    def has_content(self, page: Page) -> bool:
        """The page shows what the profile looks for (a detail id or result links): not a block page."""
        return bool(
            (self.detail_id is not None and read_chain(self.detail_id, page)[0]) or self.results(page)
        )

    # --- detail pages --------------------------------------------------------------------------------

    def external_id(self, page: Page) -> tuple[str | None, str | None]:
        value, source = read_chain(self.detail_id, page)
        return value, _label(source)

    def detail(self, page: Page, listed: Fields | None = None) -> Fields:
        """The detail page's fields; an empty one takes the list page's value (``listed``), then
        structured data (schema.org, OpenGraph) when the profile names no source for it."""
        out = self.read_fields(self.detail_fields, page, None)
        if listed is not None:
            for key, value in _flat(listed.raw).items():
                if value and not out.get(key):
                    _set(out, key, value, "list page: " + listed.sources.get(key, ""))
        for key in STRUCTURED_FIELDS:
            if key in self.detail_fields or out.get(key):
                continue
            if key == "currency" and not (
                out.get("price") and out.sources.get("price", "").startswith("schema")
            ):
                continue  # a currency is read from the price text; schema's only goes with schema's price
            if key == "brand" and not page.structured_ready():
                continue  # brand alone is not worth parsing the structured data of every page
            value = page.structured.get(key)
            if value:
                _set(out, key, value, "schema.org / OpenGraph (no selector in the profile)")
        return out

    def read_fields(self, chains: dict[str, Chain], page: Page, context: Any) -> Fields:
        out = Fields()
        for key, chain in chains.items():
            many = key in MANY
            value, source = read_chain(chain, page, context, many=many)
            if many and value:  # addresses (images): absolute, http(s) only (no data: placeholders)
                value = [u for u in (urljoin(page.url, v.strip()) for v in value) if not link_refusal(u)]
            if value:
                _set(out, key, value, _label(source))
            elif key == "seller.name" or key.startswith("seller."):
                out.raw.setdefault("seller", {})[key.split(".", 1)[1]] = None
            else:
                out.raw[key] = [] if many else None
        return out

    # --- list pages ----------------------------------------------------------------------------------

    def results(self, page: Page) -> list[Result]:
        """Each result of a list page, with its detail URL (absolute) and the list's fields for it."""
        if self.results_chain is None:
            value, _ = read_chain(self.items, page, many=True)
            return [Result(urljoin(page.url, href.strip()), Fields()) for href in value or []]
        out: list[Result] = []
        for context in contexts(self.results_chain, page):
            fields = self.read_fields(self.list_fields, page, context)
            url: str | None = None
            if self.link_template is not None:
                url = fill_template(self.link_template, _flat(fields.raw))
            elif self.link is not None:
                url, _ = read_chain(self.link, page, context)
            out.append(Result(urljoin(page.url, url.strip()) if url else None, fields))
        return out

    def next_pages(self, page: Page, *, page_number: int, query: str | None) -> list[str]:
        """The next list page: the next link, or the ``pages`` template's next number or offset."""
        out: list[str] = []
        value, _ = read_chain(self.next_page, page)
        if value:
            out.append(urljoin(page.url, value.strip()))
        if self.pages is not None and page_number < int(self.pages["max"]):
            nxt = page_number + 1
            step, first = int(self.pages["step"]), int(self.pages["first"])
            values = {"page": first + (nxt - 1) * step, "offset": (nxt - 1) * step, "query": query}
            if "{query}" not in self.pages["url"] or query:
                filled = fill_template(self.pages["url"], values)
                if filled:
                    out.append(urljoin(self.profile.base_url + "/", filled))
        return out


def link_refusal(url: str) -> str | None:
    """Why a link is not followed by its address alone (not http or https), or None."""
    scheme = urlsplit(url).scheme.lower()
    if scheme not in LINK_SCHEMES:
        return f"{scheme or 'no'} scheme: only http and https are followed"
    return None


def _label(source: Source | None) -> str:
    return source.label() if source is not None else ""


def _flat(raw: dict[str, Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in raw.items():
        if key == "seller" and isinstance(value, dict):
            out.update({f"seller.{k}": v for k, v in value.items()})
        else:
            out[key] = value
    return out


def _set(out: Fields, key: str, value: Any, label: str) -> None:
    head, _, sub = key.partition(".")
    if sub:
        out.raw.setdefault(head, {})[sub] = value
    else:
        out.raw[key] = value
    out.sources[key] = label
