"""Profile selectors: CSS (with ``::text`` / ``::attr()``) or XPath after ``xpath:``, compiled once.

A profile's expressions are few and run on every page, so each is translated (CSS → XPath, parsel's
translator) and compiled by lxml once per process instead of once per call; they run on the document
Scrapy's response has already parsed (``response.selector.root``). The profile validator compiles with
the same function, so an expression that passes validation is one the crawler can run.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

from lxml import etree
from parsel.csstranslator import css2xpath
from scrapy.http import TextResponse

# the EXSLT namespaces parsel offers, so that an XPath profile may use re:test() and set:distinct()
_NAMESPACES = {"re": "http://exslt.org/regular-expressions", "set": "http://exslt.org/sets"}
_ALL_TEXT = etree.XPath(".//text()")


@lru_cache(maxsize=1024)
def compile_selector(expr: str) -> etree.XPath:
    """The compiled form of a profile selector; raises ValueError (with the reason) for a bad one."""
    try:
        query = expr[len("xpath:") :] if expr.startswith("xpath:") else css2xpath(expr)
        return etree.XPath(query, namespaces=_NAMESPACES)
    except Exception as exc:  # cssselect and lxml raise several kinds for a bad expression
        raise ValueError(f"{type(exc).__name__}: {exc}") from exc


def select(response: TextResponse, expr: str) -> list[Any]:
    """What the selector finds: elements, or strings for ``::text``, ``::attr()`` and XPath strings."""
    try:
        found = compile_selector(expr)(response.selector.root)
    except (ValueError, etree.XPathError):
        return []
    return found if isinstance(found, list) else [found]


def texts(response: TextResponse, expr: str | None) -> list[str]:
    """Every match as text: an element's whole text content, or the string an expression selected."""
    if not expr:
        return []
    return [
        str(hit) if not isinstance(hit, etree._Element) else " ".join(_ALL_TEXT(hit))
        for hit in select(response, expr)
    ]


def first_text(response: TextResponse, expr: str | None) -> str | None:
    found = texts(response, expr)
    return found[0] if found else None
