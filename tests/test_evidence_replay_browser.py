"""A packet's archive.wacz replays in ReplayWeb.page (Webrecorder's replay, in Chromium, offline): the
captured page shows with its images, served from the WACZ alone.

ReplayWeb.page's two files (ui.js, sw.js) come from its npm package, which ``make test`` puts in
``.venv/replaywebpage/`` (or ``MARKWATCH_REPLAYWEBPAGE`` names a folder that holds them).
"""

from __future__ import annotations

import os
import threading
import time
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest
from test_evidence import EXPORTED, members
from test_evidence_wacz import IMAGES, PAGE, make_captured_lead

from crawler.browser import CHROMIUM_ARGS
from review.evidence import build_packet
from settings import get_settings
from storage import Database

ROOT = Path(__file__).resolve().parents[1]
# The replay app's page, as ReplayWeb.page's service worker serves it at replayBase. The embed opens its
# frame there as soon as the worker is registered, often before the worker is active, so the frame comes
# from this server; when the worker takes the frame over before it has loaded, the embed does not reload
# it and adds ui.js to whatever the server gave, which must then hold <replay-app-main>.
REPLAY_APP = (
    "<!doctype html><html><head><meta charset='utf-8'><script src='/ui.js'></script></head>"
    "<body><replay-app-main></replay-app-main></body></html>"
)


def replay_files() -> Path:
    folder = Path(os.environ.get("MARKWATCH_REPLAYWEBPAGE") or ROOT / ".venv" / "replaywebpage")
    if not (folder / "ui.js").is_file() or not (folder / "sw.js").is_file():
        pytest.skip(f"ReplayWeb.page's ui.js and sw.js are not in {folder}: make test fetches them with npm")
    return folder


def test_the_packets_wacz_replays_the_page_with_its_images_in_replayweb_page(db: Database, tmp_path: Path):
    folder = replay_files()
    executable = get_settings().chromium_executable
    if executable is None:
        pytest.skip("no Chromium on this machine (set MARKWATCH_CHROMIUM)")
    from playwright.sync_api import sync_playwright

    wacz = members(build_packet(db, make_captured_lead(db), user_name="李调查", now=EXPORTED))["archive.wacz"]
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><script src='/ui.js'></script></head><body>"
        f"<replay-web-page source='/archive.wacz' url='{PAGE}' replayBase='/replay/'"
        " style='display:block;height:700px'></replay-web-page></body></html>"
    )
    site = tmp_path / "site"
    (site / "replay").mkdir(parents=True)
    (site / "index.html").write_text(html, encoding="utf-8")
    (site / "replay" / "index.html").write_text(REPLAY_APP, encoding="utf-8")
    (site / "ui.js").write_bytes((folder / "ui.js").read_bytes())
    (site / "replay" / "sw.js").write_bytes((folder / "sw.js").read_bytes())
    (site / "archive.wacz").write_bytes(wacz)
    with _Folder(site) as base, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        page = browser.new_page()
        page.goto(base + "/index.html")
        replayed = None
        deadline = time.time() + 60  # the service worker loads the WACZ, then the page renders
        while replayed is None and time.time() < deadline:
            for frame in page.frames:
                if "/replay/w/" in frame.url and "康帅傅 红烧牛肉面" in _text(frame):
                    replayed = frame
            page.wait_for_timeout(500)  # lets Playwright take in the frames the app attached
        assert replayed is not None, [f.url for f in page.frames]
        widths = replayed.wait_for_function(
            "() => { const w = Array.from(document.images).map(i => i.complete ? i.naturalWidth : 0);"
            " return w.length && w.every(x => x > 0) ? w : null; }",
            timeout=30_000,
        ).json_value()
        sources = replayed.evaluate("() => Array.from(document.images).map(i => i.src)")
        browser.close()
    assert widths == [320, 320, 320]  # the captured images, from the WARC records
    assert all(src.endswith(url.removeprefix("http://")) for src, url in zip(sources, IMAGES, strict=True))


class _Folder:
    """A folder served over HTTP on 127.0.0.1 (GET and HEAD, as a web server serves files)."""

    def __init__(self, folder: Path) -> None:
        class Quiet(SimpleHTTPRequestHandler):
            def __init__(self, *args: Any, **kwargs: Any) -> None:
                super().__init__(*args, directory=str(folder), **kwargs)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        return f"http://127.0.0.1:{self.server.server_address[1]}"

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _text(frame) -> str:  # type: ignore[no-untyped-def]
    try:
        return str(frame.inner_text("body", timeout=1000))
    except Exception:  # noqa: BLE001 - a frame still loading or gone: try again
        return ""
