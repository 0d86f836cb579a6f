"""Reading a page the way its profile describes it: the value of each field, and where it came from.

A field is a chain of sources tried in order; the first that yields a non-empty value wins. A source is
a selector (CSS, or XPath after ``xpath:``), a JMESPath over JSON embedded in a ``<script>``, the page's
URL, or a constant, each with its own processing (regex extract, replace, strip, join, absolute URL,
visible text only). When the profile names no source for title, price, currency, brand, images or the
seller's name, schema.org data (JSON-LD, microdata, OpenGraph, read with extruct) fills them.

Everything here is pure: a page in, texts out. The spider, ``markwatch platforms try`` and the tests call
the same functions, so what ``try`` prints is what a crawl stores.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any
from urllib.parse import quote, urljoin

import jmespath
from lxml import etree
from scrapy.http import TextResponse

from crawler.selectors import compile_selector

SOURCE_KINDS = ("css", "xpath", "json", "url", "const")
PROCESSING_KEYS = ("script", "re", "replace", "strip", "join", "absolute", "visible")
LD_JSON = "application/ld+json"
# fields structured data may fill when the profile names no source for them
STRUCTURED_FIELDS = ("title", "price", "currency", "brand", "images", "seller.name")
# elements hidden by their markup (the page's style sheets are not read): what "visible" leaves out
HIDDEN_CLASSES = frozenset(
    {"g-hdn", "hidden", "hide", "sr-only", "visually-hidden", "screen-reader-text", "u-hidden", "a-hidden"}
)
_SKIPPED_TAGS = frozenset({"script", "style", "noscript", "template"})
_ALL_TEXT = etree.XPath(".//text()")
_SCRIPTS = etree.XPath("//script")
_PLACEHOLDER = re.compile(r"\{([^{}]*)\}")
MALFORMED = object()  # the JSON after a script marker could not be read


class SpecError(ValueError):
    """A field description that cannot be used; ``key`` names the part that is wrong (for its line),
    ``entry`` the message's catalogue entry (review.i18n) and ``values`` what it names."""

    def __init__(self, message: str, key: str | None = None, *, entry: str, **values: object) -> None:
        super().__init__(message)
        self.key = key
        self.entry = entry
        self.values = {k: str(v) for k, v in values.items()}


@dataclass(frozen=True)
class Source:
    """One way of reading a value, with its processing."""

    kind: str  # css | xpath | json | url | const
    expr: str  # the selector, JMESPath, constant, or "" (url)
    script: str | None = None  # json: regex after which the JSON starts in a <script>, or LD_JSON
    regex: str | None = None  # keep the first match (its first group when it has one)
    replace: tuple[tuple[str, str], ...] = ()
    strip: str | None = None  # characters to strip ("" = whitespace)
    join: str | None = None  # join every match with this instead of keeping the first
    absolute: bool = False  # resolve against the page's URL
    visible: bool = False  # element text without hidden descendants

    def label(self) -> str:
        """How ``platforms try`` names this source."""
        if self.kind == "const":
            head = f"const {self.expr!r}"
        elif self.kind == "url":
            head = "url"
        elif self.kind == "json":
            head = f"json {self.expr}" + (f" in <script> after /{self.script}/" if self.script else "")
        else:
            head = f"{self.kind} {self.expr}"
        extras = [
            f"re /{self.regex}/" if self.regex else "",
            "replace" if self.replace else "",
            "visible" if self.visible else "",
            f"join {self.join!r}" if self.join is not None else "",
            "absolute" if self.absolute else "",
        ]
        extra = ", ".join(e for e in extras if e)
        return f"{head} ({extra})" if extra else head


Chain = tuple[Source, ...]


# --- compiling what a profile says ---------------------------------------------------------------------


def compile_chain(value: Any, *, selector_only: bool = False) -> Chain:
    """The sources of a field as a profile writes it: a selector, a mapping, or a list of either (tried in
    order). ``selector_only``: a constant or the page URL is refused (links, ids of results). Raises
    SpecError naming what is wrong."""
    items = value if isinstance(value, list) else [value]
    if not items:
        raise SpecError("an empty list: give at least one selector", entry="profile.source.empty_list")
    return tuple(_compile_source(item, selector_only=selector_only) for item in items)


def _compile_text_source(text: str) -> Source:
    # not cached here: compile_selector keeps the compiled expression, the one cache of a selector
    if text.startswith("xpath:"):
        return Source("xpath", _checked_selector(text))
    return Source("css", _checked_selector(text))


def _checked_selector(text: str) -> str:
    try:
        compile_selector(text)
    except ValueError as exc:
        kind = "XPath" if text.startswith("xpath:") else "CSS"
        raise SpecError(
            f"not a valid {kind} selector ({exc})", entry="profile.bad_selector", kind=kind, problem=exc
        ) from exc
    return text


def _compile_source(item: Any, *, selector_only: bool) -> Source:
    if isinstance(item, str):
        if not item.strip():
            raise SpecError("an empty selector", entry="profile.source.empty_selector")
        return _compile_text_source(item)
    if not isinstance(item, dict):
        raise SpecError(
            f"a selector (text) or a mapping such as {{css: ...}} is needed, not {item!r}",
            entry="profile.source.not_source",
            value=repr(item),
        )
    unknown = [k for k in item if k not in SOURCE_KINDS + PROCESSING_KEYS]
    if unknown:
        raise SpecError(
            f"unknown key {unknown[0]!r} (sources: {', '.join(SOURCE_KINDS)}; "
            f"processing: {', '.join(PROCESSING_KEYS)})",
            key=str(unknown[0]),
            entry="profile.source.unknown_key",
            word=unknown[0],
            sources=", ".join(SOURCE_KINDS),
            processing=", ".join(PROCESSING_KEYS),
        )
    kinds = [k for k in SOURCE_KINDS if k in item]
    if len(kinds) != 1:
        raise SpecError(
            f"give exactly one of {', '.join(SOURCE_KINDS)} (found {len(kinds)})",
            entry="profile.source.one_kind",
            kinds=", ".join(SOURCE_KINDS),
            found=len(kinds),
        )
    kind = kinds[0]
    if selector_only and kind in ("const", "url"):
        raise SpecError(
            f"{kind} is not allowed here: this needs a selector or a JSON path",
            key=kind,
            entry="profile.source.selector_needed",
            kind=kind,
        )
    raw = item[kind]
    if kind == "url":
        if raw is not True:
            raise SpecError(
                "write `url: true` (the page's address, usually with `re:`)",
                key=kind,
                entry="profile.source.url_true",
            )
        expr = ""
    elif kind == "const":
        if isinstance(raw, bool) or not isinstance(raw, (str, int, float)):
            raise SpecError(
                f"a constant must be text or a number, not {raw!r}",
                key=kind,
                entry="profile.source.const_type",
                value=repr(raw),
            )
        expr = str(raw)
    else:
        if not isinstance(raw, str) or not raw.strip():
            raise SpecError(
                f"{kind} must be a non-empty text", key=kind, entry="profile.source.empty_expr", kind=kind
            )
        expr = raw
    if kind == "css":
        if expr.startswith("xpath:"):
            raise SpecError(
                "write XPath under `xpath:`, not `css:`", key=kind, entry="profile.source.xpath_under_css"
            )
        _checked_selector(expr)
    elif kind == "xpath":
        expr = "xpath:" + expr
        _checked_selector(expr)
    elif kind == "json":
        try:
            jmespath.compile(expr)
        except jmespath.exceptions.JMESPathError as exc:
            raise SpecError(
                f"not a valid JMESPath ({exc})", key=kind, entry="profile.source.bad_jmespath", problem=exc
            ) from exc
    script = item.get("script")
    if script is not None:
        if kind != "json":
            raise SpecError(
                "script: belongs to a json source", key="script", entry="profile.source.script_needs_json"
            )
        if not isinstance(script, str) or not script:
            raise SpecError(
                "script must be a regex (the text after which the JSON starts)",
                key="script",
                entry="profile.source.script_not_regex",
            )
        if script != LD_JSON:
            _checked_regex(script, "script")
    regex = item.get("re")
    if regex is not None:
        if not isinstance(regex, str):
            raise SpecError(
                "re must be a regular expression (text)", key="re", entry="profile.source.re_not_text"
            )
        _checked_regex(regex, "re")
    replace = _replacements(item.get("replace"))
    strip = item.get("strip")
    if strip is True:
        strip = ""
    elif strip is not None and not isinstance(strip, str):
        raise SpecError(
            "strip must be true or the characters to strip", key="strip", entry="profile.source.bad_strip"
        )
    join = item.get("join")
    if join is not None and not isinstance(join, str):
        raise SpecError(
            'join must be the text put between matches (" " for a space)',
            key="join",
            entry="profile.source.bad_join",
        )
    for flag in ("absolute", "visible"):
        if flag in item and not isinstance(item[flag], bool):
            raise SpecError(
                f"{flag} must be true or false", key=flag, entry="profile.source.not_flag", flag=flag
            )
    if item.get("visible") and kind not in ("css", "xpath"):
        raise SpecError(
            "visible applies to elements found by a css or xpath selector",
            key="visible",
            entry="profile.source.visible_needs_selector",
        )
    return Source(
        kind=kind,
        expr=expr,
        script=script,
        regex=regex,
        replace=replace,
        strip=strip,
        join=join,
        absolute=bool(item.get("absolute")),
        visible=bool(item.get("visible")),
    )


def _checked_regex(pattern: str, key: str) -> None:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise SpecError(
            f"not a valid regular expression {pattern!r} ({exc})",
            key=key,
            entry="profile.source.bad_regex",
            pattern=repr(pattern),
            problem=exc,
        ) from exc


def _replacements(value: Any) -> tuple[tuple[str, str], ...]:
    if value is None:
        return ()
    pairs = value if value and isinstance(value[0], list) else [value]
    out = []
    for pair in pairs:
        if not isinstance(pair, list) or len(pair) != 2 or not all(isinstance(p, str) for p in pair):
            raise SpecError('replace is [regex, replacement] or a list of them, e.g. ["_\\\\d+x\\\\d+", ""]',
                            key="replace", entry="profile.source.bad_replace")  # fmt: skip
        _checked_regex(pair[0], "replace")
        out.append((pair[0], pair[1]))
    return tuple(out)


def template_names(template: str) -> list[str]:
    """The placeholders of a URL template (``/item.htm?id={id}`` → ``["id"]``)."""
    return _PLACEHOLDER.findall(template)


def fill_template(template: str, values: dict[str, Any]) -> str | None:
    """The template with each placeholder URL-quoted; None when one of them has no value."""
    out = template
    for name in template_names(template):
        value = values.get(name)
        if value is None or value == "":
            return None
        out = out.replace("{" + name + "}", quote(str(value).strip(), safe=""))
    return out


# --- reading a page ------------------------------------------------------------------------------------


class Page:
    """One fetched page, with what is expensive to read (scripts' JSON, structured data) read once."""

    def __init__(self, response: TextResponse) -> None:
        self.response = response
        self.url = response.url
        self.root = response.selector.root
        self._json: dict[str, Any] = {}
        self.json_errors: list[str] = []  # markers whose JSON was malformed

    @cached_property
    def scripts(self) -> list[etree._Element]:
        return list(_SCRIPTS(self.root))

    def json_after(self, marker: str) -> Any:
        """The JSON value that follows ``marker`` (a regex) in the page's scripts; MALFORMED when it
        cannot be read; None when no script has the marker. ``application/ld+json``: the list of every
        JSON-LD block."""
        if marker in self._json:
            return self._json[marker]
        if marker == LD_JSON:
            value: Any = []
            for script in self.scripts:
                if (script.get("type") or "").strip().lower() == LD_JSON:
                    try:
                        value.append(json.loads(script.text or ""))
                    except ValueError:
                        self.json_errors.append(marker)
        else:
            value = None
            pattern = re.compile(marker)
            for script in self.scripts:
                text = script.text or ""
                found = pattern.search(text)
                if found is None:
                    continue
                value = _json_at(text, found.end())
                if value is MALFORMED:
                    self.json_errors.append(marker)
                break
        self._json[marker] = value
        return value

    def structured_ready(self) -> bool:
        """Whether the structured data has been read already (for fields not worth reading it alone)."""
        return "structured" in self.__dict__

    @cached_property
    def structured(self) -> dict[str, str | list[str]]:
        """schema.org Product/Offer (JSON-LD, microdata) and OpenGraph, as field texts."""
        return structured_fields(self.response.text, self.url)


def _json_at(text: str, start: int) -> Any:
    """The JSON value starting at the first ``{`` or ``[`` at or after ``start``."""
    match = re.compile(r"[{\[]").search(text, start)
    if match is None:
        return MALFORMED
    try:
        value, _end = json.JSONDecoder().raw_decode(text, match.start())
    except ValueError:
        return MALFORMED
    return value


def read_chain(
    chain: Chain | None, page: Page, context: Any = None, *, many: bool = False
) -> tuple[Any, Source | None]:
    """The first non-empty value of the chain, and the source that gave it ((None, None) when none did).

    ``context``: an element or a JSON value (a list page's result) that selectors and JSON paths are read
    relative to; the whole page otherwise. ``many``: every match as a list (images), not only the first.
    """
    for source in chain or ():
        value = read_source(source, page, context, many=many)
        if value:
            return value, source
    return ([] if many else None), None


def read_source(source: Source, page: Page, context: Any = None, *, many: bool = False) -> Any:
    texts = [t for t in (_process(source, t) for t in _raw(source, page, context)) if t]
    if not texts:
        return [] if many else None
    if source.absolute:
        texts = [urljoin(page.url, t) for t in texts]
    if source.join is not None:
        joined = source.join.join(texts)
        return [joined] if many else joined
    return texts if many else texts[0]


def _raw(source: Source, page: Page, context: Any) -> Iterator[str]:
    if source.kind == "const":
        yield source.expr
    elif source.kind == "url":
        yield page.url
    elif source.kind == "json":
        if source.script:
            data = page.json_after(source.script)
            if data is MALFORMED or data is None:
                return
            documents = data if source.script == LD_JSON else [data]
        elif context is not None and not isinstance(context, etree._Element):
            documents = [context]
        else:
            return
        for document in documents:
            found = _jmespath(source.expr).search(document)
            hits = list(_flatten(found))
            if hits:
                yield from hits
                return
    else:
        root = context if isinstance(context, etree._Element) else page.root
        try:
            found = compile_selector(source.expr)(root)
        except etree.XPathError:
            return
        for hit in found if isinstance(found, list) else [found]:
            if isinstance(hit, etree._Element):
                yield visible_text(hit) if source.visible else " ".join(_ALL_TEXT(hit))
            elif isinstance(hit, bool):
                continue
            else:
                yield str(hit)


@lru_cache(maxsize=1024)
def _jmespath(expr: str) -> Any:
    return jmespath.compile(expr)


def _flatten(value: Any) -> Iterator[str]:
    if value is None or value == "" or isinstance(value, bool):
        return
    if isinstance(value, list):
        for v in value:
            yield from _flatten(v)
    elif isinstance(value, dict):
        yield json.dumps(value, ensure_ascii=False)
    else:
        yield str(value)


def _process(source: Source, text: str) -> str:
    if not (source.regex or source.replace or source.strip is not None):
        return text if text and not text.isspace() else ""
    if source.regex:
        found = re.search(source.regex, text)
        if found is None:
            return ""
        text = (
            next((g for g in found.groups() if g is not None), found.group(0))
            if found.groups()
            else found.group(0)
        )
    for pattern, replacement in source.replace:
        text = re.sub(pattern, replacement, text)
    text = text.strip(source.strip or None) if source.strip is not None else text
    return text if text.strip() else ""


def visible_text(element: etree._Element) -> str:
    """The element's text without what its markup hides (hidden, aria-hidden, display:none, hiding
    classes such as eBay's ``g-hdn``, scripts and styles)."""
    parts: list[str] = []

    def walk(el: etree._Element) -> None:
        if _hidden(el):
            return
        if el.text:
            parts.append(el.text)
        for child in el:
            walk(child)
            if child.tail:
                parts.append(child.tail)

    walk(element)
    return " ".join(p for p in parts if p.strip())


def _hidden(el: etree._Element) -> bool:
    if not isinstance(el.tag, str) or el.tag.lower() in _SKIPPED_TAGS:
        return True
    if el.get("hidden") is not None or (el.get("aria-hidden") or "").lower() == "true":
        return True
    style = (el.get("style") or "").replace(" ", "").lower()
    if "display:none" in style or "visibility:hidden" in style:
        return True
    return bool(HIDDEN_CLASSES.intersection((el.get("class") or "").split()))


def contexts(chain: Chain | None, page: Page) -> list[Any]:
    """What a list's ``results`` selects: elements (css, xpath) or JSON values (json), in page order."""
    for source in chain or ():
        if source.kind == "json":
            data = page.json_after(source.script) if source.script else None
            if data is None or data is MALFORMED:
                continue
            documents = data if source.script == LD_JSON else [data]
            for document in documents:
                found = _jmespath(source.expr).search(document)
                if isinstance(found, list) and found:
                    return found
        else:
            try:
                found = compile_selector(source.expr)(page.root)
            except etree.XPathError:
                continue
            elements = [
                e for e in (found if isinstance(found, list) else []) if isinstance(e, etree._Element)
            ]
            if elements:
                return elements
    return []


# --- structured data -----------------------------------------------------------------------------------

_STRUCTURED_HINTS = (b"application/ld+json", b"itemtype", b"og:")


def structured_fields(html: str, url: str) -> dict[str, str | list[str]]:
    """title, price, currency, brand, images and seller.name from schema.org Product/Offer (JSON-LD,
    microdata) and OpenGraph; {} when the page has none."""
    if not any(h.decode() in html for h in _STRUCTURED_HINTS):
        return {}
    import extruct

    try:
        data = extruct.extract(
            html, base_url=url, syntaxes=["json-ld", "microdata", "opengraph"], uniform=True, errors="ignore"
        )
    except Exception:  # noqa: BLE001 - hostile markup must not stop the crawl; the profile's own sources stand
        return {}
    out: dict[str, str | list[str]] = {}
    for product in _products(data.get("json-ld", []) + data.get("microdata", [])):
        _put(out, "title", product.get("name"))
        _put(out, "brand", _name(product.get("brand")))
        _put_images(out, product.get("image"))
        for offer in _as_list(product.get("offers")):
            if not isinstance(offer, dict):
                continue
            _put(out, "price", offer.get("lowPrice") or offer.get("price"))
            _put(out, "currency", offer.get("priceCurrency"))
            _put(out, "seller.name", _name(offer.get("seller")))
    for og in data.get("opengraph", []):
        _put(out, "title", og.get("og:title"))
        _put(out, "price", og.get("product:price:amount") or og.get("og:price:amount"))
        _put(out, "currency", og.get("product:price:currency") or og.get("og:price:currency"))
        _put(out, "brand", og.get("product:brand"))
        _put_images(out, og.get("og:image"))
    return out


def _products(items: Iterable[Any]) -> Iterator[dict[str, Any]]:
    for item in items:
        if not isinstance(item, dict):
            continue
        types = _as_list(item.get("@type"))
        if any(str(t).endswith("Product") for t in types):
            yield item
        for nested in _as_list(item.get("@graph")):
            yield from _products([nested])


def _as_list(value: Any) -> list[Any]:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _name(value: Any) -> Any:
    if isinstance(value, list):
        value = value[0] if value else None
    return value.get("name") if isinstance(value, dict) else value


def _put(out: dict[str, Any], key: str, value: Any) -> None:
    if key not in out and isinstance(value, (str, int, float)) and str(value).strip():
        out[key] = str(value).strip()


def _put_images(out: dict[str, Any], value: Any) -> None:
    if "images" in out:
        return
    urls = [(v.get("url") or v.get("contentUrl")) if isinstance(v, dict) else v for v in _as_list(value)]
    urls = list(dict.fromkeys(u for u in urls if isinstance(u, str) and u.strip()))
    if urls:
        out["images"] = urls


# --- a whole page --------------------------------------------------------------------------------------


@dataclass
class Extracted:
    """What a detail page (or a list page's result) said: field texts and the source of each."""

    external_id: str | None = None
    raw: dict[str, Any] = field(default_factory=dict)  # title, price, ..., seller: {name, ...}
    sources: dict[str, str] = field(default_factory=dict)  # "price" / "seller.name" → label
