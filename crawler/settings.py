"""The Scrapy settings of a markwatch crawl, built from a platform profile and markwatch's settings.

Like a Scrapy project's settings.py, but a function: every crawl gets the politeness of its profile.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from crawler.profiles import Profile

BOT_NAME = "markwatch"
PAGES_PER_CONTEXT = 100  # browser pages before a context is retired (memory)
REUSE_PAGES = True  # detail pages: navigate an idle page to the next item instead of opening a new one
PROGRESS_INTERVAL = 0.5  # s between progress-bar and crawl-run row updates

ITEM_PIPELINES = {
    "crawler.pipelines.NormalisePipeline": 100,
    "crawler.images.ListingImagesPipeline": 150,
    "crawler.pipelines.PersistPipeline": 200,
    "crawler.images.ListingImageRowsPipeline": 250,
    "crawler.pipelines.SnapshotPipeline": 300,
    "crawler.pipelines.ScreenshotPipeline": 400,
    "crawler.pipelines.ScorePipeline": 500,
}


def user_agent() -> str:
    from crawler.pipelines import tool_version

    return f"Mozilla/5.0 (compatible; {tool_version().split()[0]}; market supervision crawler)"


def scrapy_settings(
    profile: Profile,
    *,
    run_id: int | None,
    job_dir: Path | None,
    max_pages: int | None = None,
    log_file: Path | None = None,
    progress: bool = False,
    score: bool = True,
    extra: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """Settings for one crawl of ``profile``; ``extra`` overrides (distributed mode, benchmarks)."""
    pol = profile.politeness
    concurrency = int(pol["concurrency"])
    settings: dict[str, Any] = {
        "BOT_NAME": BOT_NAME,
        "USER_AGENT": user_agent(),
        "ROBOTSTXT_OBEY": bool(profile.data.get("robots_txt", True)),
        "TELNETCONSOLE_ENABLED": False,
        "LOG_LEVEL": "INFO",
        "LOG_FILE": str(log_file) if log_file else None,
        "LOG_FILE_APPEND": True,
        "LOG_ENABLED": log_file is not None,
        "CONCURRENT_REQUESTS": max(concurrency * 2, 16),
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": float(pol["delay"]),
        "DOWNLOAD_TIMEOUT": float(pol["timeout"]),
        "AUTOTHROTTLE_ENABLED": bool(pol["autothrottle"]),
        "AUTOTHROTTLE_START_DELAY": max(float(pol["delay"]), 0.0),
        "AUTOTHROTTLE_MAX_DELAY": float(pol["max_delay"]),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(pol["autothrottle_target"]),
        "RETRY_ENABLED": False,  # PolitenessMiddleware retries, with back-off and block detection
        "MARKWATCH_RETRIES": int(pol["retries"]),
        "MARKWATCH_MAX_BACKOFF": float(pol["max_delay"]),
        "REQUEST_FINGERPRINTER_CLASS": "crawler.middlewares.FragmentFingerprinter",
        "DOWNLOADER_MIDDLEWARES": {
            "crawler.middlewares.PolitenessMiddleware": 550,
            "crawler.middlewares.BrowserContextMiddleware": 560,
            # confinement: before RedirectMiddleware (600) sees a redirect, after MetaRefresh (580)
            "crawler.confine.MetaRefreshCheckMiddleware": 575,
            "crawler.confine.ConfinementMiddleware": 610,
        },
        "SPIDER_MIDDLEWARES": {"crawler.outcomes.PageOutcomeMiddleware": 100},
        "ITEM_PIPELINES": dict(ITEM_PIPELINES),
        "EXTENSIONS": {
            "scrapy.extensions.remote_control.RemoteControl": None,  # no listening port for a crawl
            "scrapy.extensions.throttle.AutoThrottle": None,
            "crawler.middlewares.BrowserAwareThrottle": 0,
            "crawler.run.CrawlRunRecorder": 500,
            "crawler.distributed.KeepAlive": 510,
        },
        "MARKWATCH_CRAWL_RUN_ID": run_id or 0,
        "MARKWATCH_BROWSER": profile.browser,
        "MARKWATCH_PROGRESS": progress,
        "MARKWATCH_SCORE": score,
        "MARKWATCH_PAGES_PER_CONTEXT": PAGES_PER_CONTEXT,
        "MARKWATCH_REUSE_PAGES": REUSE_PAGES,
        "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
        "DEPTH_PRIORITY": 0,
        "COOKIES_ENABLED": True,
        "MEDIA_ALLOW_REDIRECTS": True,  # an image's redirect is followed, under confinement
        "HTTPERROR_ALLOWED_CODES": [],
        "REACTOR_THREADPOOL_MAXSIZE": 10,
        # a page yields one item or a page of links: Scrapy starts this many workers per response
        "CONCURRENT_ITEMS": 16,
    }
    if job_dir is not None:
        # no JOBDIR: the frontier stays in memory (a resume walks the list pages again and skips the
        # done-log's detail pages), which spares pickling every request to disk
        settings["MARKWATCH_DONE_LOG"] = str(job_dir / "markwatch-done.txt")
    if max_pages:
        settings["CLOSESPIDER_PAGECOUNT"] = int(max_pages)
    if profile.browser:
        from crawler.browser import launch_options

        settings.update(
            {
                "DOWNLOAD_HANDLERS": {
                    "http": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
                    "https": "scrapy_playwright.handler.ScrapyPlaywrightDownloadHandler",
                },
                "PLAYWRIGHT_BROWSER_TYPE": "chromium",
                "PLAYWRIGHT_LAUNCH_OPTIONS": launch_options(),
                "PLAYWRIGHT_ABORT_REQUEST": "crawler.browser.abort_request",
                # a request takes an idle page when it enters the downloader: no more requests may be
                # there than can download at once, or idle pages would run short and new ones pile up
                "CONCURRENT_REQUESTS": concurrency,
                # pages in use plus idle pooled pages (at most one per concurrent detail request)
                "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": concurrency * 2,
                "PLAYWRIGHT_MAX_CONTEXTS": 4,
                "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": float(pol["timeout"]) * 1000,
            }
        )
    settings.update(extra or {})
    return settings
