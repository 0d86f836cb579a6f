"""Switchable hostility for the demo sites: 500s, 429s, slow answers, truncated pages, a captcha page.

Each request draws from a seeded RNG: with probability ``rate`` it gets one fault, chosen uniformly
from the enabled kinds. Draws are independent, so no fault is permanent: asking again later succeeds
with probability 1 - rate. ``/robots.txt``, ``/__faults``, ``/static/`` and ``/img/`` never fault.
``POST /__faults?rate=0.1[&kinds=error,throttle]`` changes the rate at run time; ``GET /__faults``
shows it with the number of faults served by kind. Every faulted response carries ``X-Demo-Fault: <kind>``
(a crawler ignores it; tests classify responses by it instead of by status codes or the clock).
"""

from __future__ import annotations

import asyncio
import json
import random
import threading
from collections import Counter
from typing import Any
from urllib.parse import parse_qs

FAULT_KINDS: tuple[str, ...] = ("error", "throttle", "slow", "truncate", "captcha")
EXEMPT_PREFIXES = ("/robots.txt", "/__faults", "/static/", "/img/", "/favicon.ico")
SLOW_SECONDS = (0.5, 2.0)
FAULT_HEADER = b"x-demo-fault"  # names the injected fault on every faulted response, so tests need no clock

CAPTCHA_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>安全验证</title></head>
<body class="verify-page">
<div class="verify-box">
<div id="captcha">请完成安全验证</div>
<p class="verify-tip">访问过于频繁，请拖动下方滑块完成验证（滑块验证）</p>
<div class="slider-track"><span class="slider-btn">&gt;&gt;</span>
<span class="slider-text">向右拖动滑块</span></div>
</div>
</body></html>
"""
ERROR_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>服务器错误</title></head>
<body><div class="error-page">服务器开小差了，请稍后再试（500）</div></body></html>
"""
THROTTLE_PAGE = """<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>请求过于频繁</title></head>
<body><div class="error-page">请求过于频繁，请稍后再试（429）</div></body></html>
"""


class Faults:
    """The fault switch of one server: a rate, the enabled kinds, a seeded RNG and counters."""

    def __init__(self, rate: float = 0.0, seed: int = 7, kinds: tuple[str, ...] = FAULT_KINDS) -> None:
        self._lock = threading.Lock()
        self.rng = random.Random(f"markwatch-demo-faults:{seed}")
        self.counts: Counter[str] = Counter()
        self.rate = 0.0
        self.kinds = FAULT_KINDS
        self.hold_limit: int | None = None  # after this many answered requests, hold the rest
        self.answered = 0
        self.held = 0  # requests waiting for the hold to be lifted
        self.set(rate, kinds)

    def hold_after(self, requests: int | None) -> None:
        """Answer ``requests`` more requests, then hold every further one until ``hold_after(None)``.

        A test gets a crawl stopped half-way for certain (to kill it there), with no clock involved.
        """
        with self._lock:
            self.hold_limit, self.answered = requests, 0

    def admit(self) -> bool:
        """Whether a request may be answered now; False counts it as held."""
        with self._lock:
            if self.hold_limit is None or self.answered < self.hold_limit:
                self.answered += 1
                return True
            self.held += 1
            return False

    async def wait_released(self) -> None:
        while True:
            await asyncio.sleep(0.02)
            with self._lock:
                if self.hold_limit is None:
                    self.held -= 1
                    return

    def set(self, rate: float, kinds: tuple[str, ...] | list[str] | None = None) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"fault rate must be between 0 and 1, not {rate}")
        kinds = tuple(kinds) if kinds else FAULT_KINDS
        unknown = [k for k in kinds if k not in FAULT_KINDS]
        if unknown:
            raise ValueError(f"unknown fault kinds {unknown}; known: {', '.join(FAULT_KINDS)}")
        with self._lock:
            self.rate, self.kinds = rate, kinds

    def draw(self) -> tuple[str | None, float]:
        """(fault kind or None, a uniform number for the fault's own choices)."""
        with self._lock:
            if self.rate <= 0.0 or self.rng.random() >= self.rate:
                return None, 0.0
            kind = self.rng.choice(self.kinds)
            self.counts[kind] += 1
            return kind, self.rng.random()

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "rate": self.rate,
                "kinds": list(self.kinds),
                "served": dict(self.counts),
                "held": self.held,
            }


def truncation_point(body: bytes, u: float) -> int:
    """Where to cut: always before ``</main>`` (or the ``page-end`` marker), so the cut is detectable."""
    end = body.find(b"</main>")
    if end < 0:
        end = body.find(b'<div id="page-end"')
    if end < 0:
        end = int(len(body) * 0.9)
    start = min(int(len(body) * 0.3), max(end - 1, 0))
    return start + int((end - start) * u)


async def _send_page(
    send: Any, status: int, body: str, extra: list[tuple[bytes, bytes]] | None = None
) -> None:
    data = body.encode("utf-8")
    headers = [(b"content-type", b"text/html; charset=utf-8"), (b"content-length", str(len(data)).encode())]
    await send({"type": "http.response.start", "status": status, "headers": headers + (extra or [])})
    await send({"type": "http.response.body", "body": data})


class FaultMiddleware:
    """ASGI middleware that serves ``/__faults`` and injects the faults of a ``Faults`` switch."""

    def __init__(self, app: Any, faults: Faults) -> None:
        self.app = app
        self.faults = faults

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path == "/__faults":
            await self._admin(scope, send)
            return
        if path.startswith(EXEMPT_PREFIXES):
            await self.app(scope, receive, send)
            return
        if not self.faults.admit():
            await self.faults.wait_released()
        kind, u = self.faults.draw()
        if kind is None:
            await self.app(scope, receive, send)
            return
        marked = [(FAULT_HEADER, kind.encode())]
        if kind == "error":
            await _send_page(send, 500, ERROR_PAGE, marked)
        elif kind == "throttle":
            await _send_page(send, 429, THROTTLE_PAGE, [(b"retry-after", b"1"), *marked])
        elif kind == "captcha":
            await _send_page(send, 200, CAPTCHA_PAGE, [(b"cache-control", b"no-store"), *marked])
        elif kind == "slow":
            await asyncio.sleep(SLOW_SECONDS[0] + (SLOW_SECONDS[1] - SLOW_SECONDS[0]) * u)

            async def send_marked(message: dict[str, Any]) -> None:
                if message["type"] == "http.response.start":
                    message = {**message, "headers": [*message.get("headers", []), *marked]}
                await send(message)

            await self.app(scope, receive, send_marked)
        else:
            await self._truncated(scope, receive, send, u)

    async def _truncated(self, scope: dict[str, Any], receive: Any, send: Any, u: float) -> None:
        start: dict[str, Any] = {}
        chunks: list[bytes] = []

        async def capture(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                start.update(message)
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))

        await self.app(scope, receive, capture)
        body = b"".join(chunks)
        if start.get("status", 200) == 200 and len(body) > 1:
            body = body[: truncation_point(body, u)]
        headers = [(k, v) for k, v in start.get("headers", []) if k.lower() != b"content-length"]
        headers += [(b"content-length", str(len(body)).encode()), (FAULT_HEADER, b"truncate")]
        await send({"type": "http.response.start", "status": start.get("status", 200), "headers": headers})
        await send({"type": "http.response.body", "body": body})

    async def _admin(self, scope: dict[str, Any], send: Any) -> None:
        status = 200
        if scope["method"] == "POST":
            query = parse_qs(scope.get("query_string", b"").decode())
            try:
                rate = float(query.get("rate", ["0"])[0])
                kinds = [k for k in ",".join(query.get("kinds", [])).split(",") if k]
                self.faults.set(rate, kinds or None)
                answer: dict[str, Any] = self.faults.state()
            except ValueError as exc:
                status, answer = 400, {"error": str(exc)}
        else:
            answer = self.faults.state()
        data = json.dumps(answer, ensure_ascii=False).encode()
        headers = [(b"content-type", b"application/json"), (b"content-length", str(len(data)).encode())]
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": data})
