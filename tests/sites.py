"""A tiny marketplace for crawler tests: fixed pages on 127.0.0.1, each request recorded.

``Site({"/": (200, {"Content-Type": "text/html"}, b"...")})`` serves those answers (anything else is
404) in a thread; ``site.url`` is its address and ``site.requests`` the paths asked, in order.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

Answer = tuple[int, dict[str, str], bytes]
HTML = {"Content-Type": "text/html; charset=utf-8"}


def html(body: str) -> Answer:
    page = f"<!doctype html><html><head><meta charset='utf-8'></head><body>{body}</body></html>"
    return 200, HTML, page.encode()


class Site:
    def __init__(self, routes: dict[str, Answer]) -> None:
        self.routes = dict(routes)
        self.requests: list[str] = []
        site = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:  # noqa: N802 - the stdlib's name
                site.requests.append(self.path)
                status, headers, body = site.routes.get(self.path) or (404, HTML, b"<h1>not here</h1>")
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the crawler stopped reading (a download bigger than it accepts)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __enter__(self) -> Site:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()
