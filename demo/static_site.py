"""demo-static: the server-rendered marketplace (home, categories, search, items, shops, robots.txt).

Every page ends with ``<div id="page-end"></div>`` after ``</main>``: a page without it was cut short.
Pages are rendered once and cached, because the crawler benchmark needs thousands of pages per second.
"""

from __future__ import annotations

import functools
import math
from pathlib import Path
from typing import Any
from urllib.parse import quote

import jinja2
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Route

from demo.catalogue import Catalogue, DemoListing
from demo.faults import FaultMiddleware, Faults
from demo.images import render_tile

PER_PAGE = 20
HERE = Path(__file__).parent
ROBOTS = "User-agent: *\nDisallow: /cart\nDisallow: /checkout\nAllow: /\n"

_env = jinja2.Environment(
    loader=jinja2.FileSystemLoader(HERE / "templates"),
    autoescape=True,  # catalogue text is hostile on purpose: everything is escaped
    trim_blocks=False,
)


def _page_arg(request: Request) -> int:
    try:
        return max(1, int(request.query_params.get("page", "1")))
    except ValueError:
        return 1


def _pages(total: int) -> int:
    return max(1, math.ceil(total / PER_PAGE))


def image_response(catalogue: Catalogue, name: str) -> Response:
    """``/img/<n>-<k>.png``: the k-th tile of listing n."""
    stem = name.removesuffix(".png")
    try:
        n, k = (int(p) for p in stem.split("-", 1))
        spec = catalogue.by_n[n].images[k - 1]
        if k < 1:
            raise IndexError(k)
    except (ValueError, KeyError, IndexError):
        return PlainTextResponse("图片不存在", status_code=404)
    return Response(render_tile(spec), media_type="image/png", headers={"cache-control": "max-age=86400"})


class StaticSite:
    def __init__(self, catalogue: Catalogue) -> None:
        self.cat = catalogue
        self.render = functools.lru_cache(maxsize=8192)(self._render)

    def _render(self, template: str, **kw: Any) -> str:
        return _env.get_template(template).render(**kw)

    def _html(self, template: str, status: int = 200, **kw: Any) -> HTMLResponse:
        return HTMLResponse(self.render(template, **kw), status_code=status)

    def not_found(self, text: str) -> HTMLResponse:
        return self._html("message.html", 404, heading="页面不存在", text=text, q="")

    async def home(self, request: Request) -> Response:
        return self._html(
            "home.html", categories=tuple(self.cat.categories()), featured=self.cat.listings[:12], q=""
        )

    def _list(
        self, items: list[DemoListing] | tuple[DemoListing, ...], page: int, base: str, **kw: Any
    ) -> Response:
        pages = _pages(len(items))
        chunk = tuple(items[(page - 1) * PER_PAGE : page * PER_PAGE])
        return self._html("list.html", items=chunk, page=page, pages=pages, total=len(items), base=base, **kw)

    async def category(self, request: Request) -> Response:
        slug = request.path_params["slug"]
        items = self.cat.by_category.get(slug)
        if items is None:
            return self.not_found(f"没有这个分类：{slug}")
        return self._list(
            tuple(items),
            _page_arg(request),
            f"/category/{slug}?",
            heading=self.cat.category_names[slug],
            list_kind="list-category",
            q="",
        )

    async def search(self, request: Request) -> Response:
        q = request.query_params.get("q", "").strip()
        items = tuple(self.cat.search(q))
        return self._list(
            items,
            _page_arg(request),
            f"/search?q={quote(q)}&",
            heading=f"“{q}”的搜索结果",
            list_kind="list-search",
            q=q,
        )

    async def item(self, request: Request) -> Response:
        x = self.cat.by_n.get(request.path_params["n"])
        if x is None:
            return self.not_found("商品不存在或已下架")
        return self._html("item.html", x=x, q="")

    async def shop(self, request: Request) -> Response:
        sid = request.path_params["sid"]
        s = self.cat.sellers.get(sid)
        if s is None:
            return self.not_found("店铺不存在")
        items = self.cat.by_seller[sid]
        page = _page_arg(request)
        return self._html(
            "shop.html",
            s=s,
            items=tuple(items[(page - 1) * PER_PAGE : page * PER_PAGE]),
            total=len(items),
            page=page,
            pages=_pages(len(items)),
            base=f"/shop/{sid}?",
            q="",
        )

    async def cart(self, request: Request) -> Response:
        return self._html("message.html", heading="购物车", text="请先登录", q="")

    async def robots(self, request: Request) -> Response:
        return PlainTextResponse(ROBOTS)

    async def image(self, request: Request) -> Response:
        return image_response(self.cat, request.path_params["name"])

    async def css(self, request: Request) -> Response:
        return Response((HERE / "static" / "site.css").read_bytes(), media_type="text/css")


def create_static_app(size: int = 300, seed: int = 7, faults: Faults | float = 0.0) -> FaultMiddleware:
    """The demo-static ASGI app, wrapped in its fault switch (reach it as ``app.faults``)."""
    site = StaticSite(Catalogue("demo-static", size, seed))
    app = Starlette(
        routes=[
            Route("/", site.home),
            Route("/category/{slug}", site.category),
            Route("/search", site.search),
            Route("/item/{n:int}", site.item),
            Route("/shop/{sid}", site.shop),
            Route("/cart", site.cart),
            Route("/robots.txt", site.robots),
            Route("/img/{name}", site.image),
            Route("/static/site.css", site.css),
            Route("/favicon.ico", lambda request: Response(status_code=204)),
        ]
    )
    switch = faults if isinstance(faults, Faults) else Faults(faults, seed)
    return FaultMiddleware(app, switch)
