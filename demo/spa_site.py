"""demo-spa: the single-page marketplace. The HTML shell has no listing content; ``/static/spa.js``
fetches ``/api/items`` and ``/api/item/<n>`` and renders the grid ("加载更多" and infinite scroll) and
the hash-routed views ``#/``, ``#/search?q=…``, ``#/category/<slug>``, ``#/item/<n>``.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, PlainTextResponse, Response
from starlette.routing import Route

from demo.catalogue import Catalogue, DemoListing
from demo.faults import FaultMiddleware, Faults
from demo.static_site import ROBOTS, image_response

PER_PAGE = 20
MAX_PER_PAGE = 100
HERE = Path(__file__).parent

SHELL = """<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>好物集 演示商城</title>
<link rel="stylesheet" href="/static/site.css">
</head>
<body data-state="boot">
<header class="site-header"><a class="logo" href="#/">好物集</a>
<form id="search-form" class="search-form">
<input id="search-input" class="search-input" type="search" name="q" placeholder="搜索商品、品牌">
<button class="search-btn" type="submit">搜索</button></form></header>
<main id="app" class="spa-root"><noscript>请启用 JavaScript 后浏览本站</noscript>
<div class="loading">加载中…</div></main>
<div id="page-end"></div>
<script src="/static/spa.js"></script>
</body>
</html>
"""


def summary(x: DemoListing) -> dict[str, Any]:
    return {
        "n": x.n,
        "id": x.id,
        "title": x.title,
        "price": x.price,
        "price_display": x.price_display,
        "sold_display": x.sold_display,
        "thumb": f"/img/{x.n}-1.png",
        "seller": {"id": x.seller.id, "name": x.seller.name},
    }


def detail(x: DemoListing) -> dict[str, Any]:
    return {
        "n": x.n,
        "id": x.id,
        "title": x.title,
        "price": x.price,
        "currency": x.currency,
        "price_display": x.price_display,
        "price_orig_display": x.price_orig_display,
        "sold": x.sold,
        "sold_display": x.sold_display,
        "category": x.category,
        "category_slug": x.category_slug,
        "seller": x.seller.page(),
        "description": x.description,
        "images": [f"/img/{x.n}-{k}.png" for k in range(1, len(x.images) + 1)],
    }


def _int(request: Request, name: str, default: int) -> int:
    try:
        return int(request.query_params.get(name, default))
    except ValueError:
        return default


class SpaSite:
    def __init__(self, catalogue: Catalogue) -> None:
        self.cat = catalogue
        self.js = (HERE / "static" / "spa.js").read_bytes()
        self.css = (HERE / "static" / "site.css").read_bytes()

    async def shell(self, request: Request) -> Response:
        return HTMLResponse(SHELL)

    async def items(self, request: Request) -> Response:
        q = request.query_params.get("q", "").strip()
        slug = request.query_params.get("category", "")
        items: list[DemoListing] | tuple[DemoListing, ...]
        if q:
            items = self.cat.search(q)
        elif slug:
            items = self.cat.by_category.get(slug, [])
        else:
            items = self.cat.listings
        page = max(1, _int(request, "page", 1))
        per = min(MAX_PER_PAGE, max(1, _int(request, "per_page", PER_PAGE)))
        pages = max(1, math.ceil(len(items) / per))
        chunk = items[(page - 1) * per : page * per]
        return JSONResponse(
            {
                "page": page,
                "per_page": per,
                "total": len(items),
                "pages": pages,
                "next": page + 1 if page < pages else None,
                "items": [summary(x) for x in chunk],
            }
        )

    async def item(self, request: Request) -> Response:
        x = self.cat.by_n.get(request.path_params["n"])
        if x is None:
            return JSONResponse({"error": "商品不存在或已下架"}, status_code=404)
        return JSONResponse(detail(x))

    async def categories(self, request: Request) -> Response:
        return JSONResponse([{"slug": s, "name": n, "count": c} for s, n, c in self.cat.categories()])

    async def script(self, request: Request) -> Response:
        return Response(self.js, media_type="application/javascript; charset=utf-8")

    async def stylesheet(self, request: Request) -> Response:
        return Response(self.css, media_type="text/css")

    async def robots(self, request: Request) -> Response:
        return PlainTextResponse(ROBOTS)

    async def image(self, request: Request) -> Response:
        return image_response(self.cat, request.path_params["name"])


def create_spa_app(size: int = 300, seed: int = 7, faults: Faults | float = 0.0) -> FaultMiddleware:
    """The demo-spa ASGI app, wrapped in its fault switch (reach it as ``app.faults``)."""
    site = SpaSite(Catalogue("demo-spa", size, seed))
    app = Starlette(
        routes=[
            Route("/", site.shell),
            Route("/api/items", site.items),
            Route("/api/item/{n:int}", site.item),
            Route("/api/categories", site.categories),
            Route("/static/spa.js", site.script),
            Route("/static/site.css", site.stylesheet),
            Route("/robots.txt", site.robots),
            Route("/img/{name}", site.image),
            Route("/favicon.ico", lambda request: Response(status_code=204)),
        ]
    )
    switch = faults if isinstance(faults, Faults) else Faults(faults, seed + 1)
    return FaultMiddleware(app, switch)
