"""The Scrapy settings of a markwatch crawl, built from a platform profile and markwatch's settings.

Like a Scrapy project's settings.py, but a function: every crawl gets the politeness of its profile.
markwatch's own Scrapy settings (``MARKWATCH_*``) have their defaults in ``DEFAULTS``, and nowhere else:
a component reads one with ``DEFAULTS[name]`` as its fallback.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

from crawler.profiles import DEFAULT_POLITENESS, Profile

BOT_NAME = "markwatch"

DEFAULTS: dict[str, Any] = {
    "MARKWATCH_PLATFORM": "",  # the profile's name
    "MARKWATCH_CRAWL_RUN_ID": 0,  # the crawl-run row the recorder keeps; 0 = none (recorder off)
    "MARKWATCH_DONE_LOG": None,  # path of the resume log (detail pages stored); None = none
    "MARKWATCH_PROGRESS": False,  # draw the Rich progress bar on stderr
    "MARKWATCH_PROGRESS_WORDS": {},  # what the bar says (crawler.progress.BarWords), in the caller's language
    "MARKWATCH_SCORE": True,  # score and queue each stored listing
    "MARKWATCH_BROWSER": False,  # the profile renders pages in Chromium
    "MARKWATCH_PAGES_PER_CONTEXT": 300,  # browser pages before a context is retired (its memory grows)
    "MARKWATCH_REUSE_PAGES": True,  # detail pages: navigate an idle page to the next item, no new page
    "MARKWATCH_GOTO_WAIT_UNTIL": "domcontentloaded",  # render_page waits for the app itself
    "MARKWATCH_RETRIES": DEFAULT_POLITENESS["retries"],  # attempts after the first, per request
    "MARKWATCH_MAX_BACKOFF": DEFAULT_POLITENESS["max_delay"],  # s: longest wait before a retry
    "MARKWATCH_GENERATION": 0,  # the shared frontier's generation this process joined; 0 = not distributed
    "MARKWATCH_TOOL_VERSION": None,  # recorded with each snapshot; None = this installation's version
    "MARKWATCH_IMAGES": True,  # fetch, store and hash each listing's images
    "MARKWATCH_IMAGES_PER_LISTING": 8,  # a listing's first images, in page order
    "MARKWATCH_IMAGE_MAX_BYTES": 8 * 1024 * 1024,  # bytes per image: a bigger download is stopped
    # browser crawls: a listing's images that the page loaded for its screenshot are taken from the page
    "MARKWATCH_IMAGES_FROM_PAGE": True,
}

ITEM_PIPELINES = {
    "crawler.pipelines.NormalisePipeline": 100,
    "crawler.images.ListingImagesPipeline": 150,
    "crawler.pipelines.PersistPipeline": 200,
    "crawler.images.ListingImageRowsPipeline": 250,
    "crawler.pipelines.SnapshotPipeline": 300,
    "crawler.pipelines.ScreenshotPipeline": 400,
    "crawler.pipelines.ScorePipeline": 500,
}

COMPONENTS: dict[str, Any] = {
    "REQUEST_FINGERPRINTER_CLASS": "crawler.middlewares.FragmentFingerprinter",
    "DOWNLOADER_MIDDLEWARES": {
        "crawler.middlewares.PolitenessMiddleware": 550,
        "crawler.middlewares.BrowserContextMiddleware": 560,
        # confinement: before RedirectMiddleware (600) and MetaRefreshMiddleware (580) follow anything
        "crawler.confine.MetaRefreshCheckMiddleware": 585,
        "crawler.session.SessionStateMiddleware": 565,  # after the context kwargs are set
        "crawler.confine.ConfinementMiddleware": 610,
        "crawler.confine.ImageGateMiddleware": 50,  # before RobotsTxtMiddleware (100)
        # last before the download handler: every check above applies to an image taken from the page
        "crawler.images.PageImageMiddleware": 950,
    },
    "SPIDER_MIDDLEWARES": {"crawler.outcomes.PageOutcomeMiddleware": 100},
    "ITEM_PIPELINES": ITEM_PIPELINES,
    "EXTENSIONS": {
        "scrapy.extensions.remote_control.RemoteControl": None,  # no listening port for a crawl
        "scrapy.extensions.throttle.AutoThrottle": None,
        "scrapy.extensions.closespider.CloseSpider": None,
        "crawler.extensions.PageLimit": 0,  # CloseSpider counting pages, not images
        "crawler.middlewares.BrowserAwareThrottle": 0,
        "crawler.extensions.CrawlRunRecorder": 500,
        "crawler.distributed.KeepAlive": 510,
    },
    "SCHEDULER_PRIORITY_QUEUE": "scrapy.pqueues.DownloaderAwarePriorityQueue",
    "DEPTH_PRIORITY": 0,
    "COOKIES_ENABLED": True,
    "MEDIA_ALLOW_REDIRECTS": True,  # an image's redirect is followed, under confinement
    "HTTPERROR_ALLOWED_CODES": [],
    "TELNETCONSOLE_ENABLED": False,
    "REACTOR_THREADPOOL_MAXSIZE": 10,
    # a page yields one item or a page of links: Scrapy starts this many workers per response
    "CONCURRENT_ITEMS": 16,
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
    progress_words: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Settings for one crawl of ``profile``; ``extra`` overrides (distributed mode, benchmarks)."""
    settings: dict[str, Any] = {
        "BOT_NAME": BOT_NAME,
        "USER_AGENT": user_agent(),
        "ROBOTSTXT_OBEY": bool(profile.data.get("robots_txt", True)),
        **copy.deepcopy(COMPONENTS),  # a crawl may change its own nested dicts
        **log_settings(log_file),
        **politeness_settings(profile.politeness),
        **DEFAULTS,
        "MARKWATCH_PLATFORM": profile.name,
        "MARKWATCH_CRAWL_RUN_ID": run_id or 0,
        "MARKWATCH_BROWSER": profile.browser,
        "MARKWATCH_PROGRESS": progress,
        "MARKWATCH_PROGRESS_WORDS": dict(progress_words or {}),
        "MARKWATCH_SCORE": score,
        "MARKWATCH_RETRIES": int(profile.politeness["retries"]),
        "MARKWATCH_MAX_BACKOFF": float(profile.politeness["max_delay"]),
    }
    if job_dir is not None:
        # no JOBDIR: the frontier stays in memory (a resume walks the list pages again and skips the
        # done-log's detail pages), which spares pickling every request to disk
        settings["MARKWATCH_DONE_LOG"] = str(job_dir / "markwatch-done.txt")
    if max_pages:
        settings["CLOSESPIDER_PAGECOUNT"] = int(max_pages)
    if profile.browser:
        settings.update(browser_settings(profile.politeness))
    settings.update(extra or {})
    return settings


def log_settings(log_file: Path | None) -> dict[str, Any]:
    """Scrapy's log goes to ``log_file`` (appended), or nowhere."""
    return {
        "LOG_LEVEL": "INFO",
        "LOG_FILE": str(log_file) if log_file else None,
        "LOG_FILE_APPEND": True,
        "LOG_ENABLED": log_file is not None,
    }


def politeness_settings(politeness: dict[str, Any]) -> dict[str, Any]:
    """Concurrency, delays, throttling and timeouts from a profile's ``politeness`` section."""
    concurrency = int(politeness["concurrency"])
    return {
        "CONCURRENT_REQUESTS": max(concurrency * 2, 16),
        "CONCURRENT_REQUESTS_PER_DOMAIN": concurrency,
        "DOWNLOAD_DELAY": float(politeness["delay"]),
        "DOWNLOAD_TIMEOUT": float(politeness["timeout"]),
        "AUTOTHROTTLE_ENABLED": bool(politeness["autothrottle"]),
        "AUTOTHROTTLE_START_DELAY": max(float(politeness["delay"]), 0.0),
        "AUTOTHROTTLE_MAX_DELAY": float(politeness["max_delay"]),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": float(politeness["autothrottle_target"]),
        "RETRY_ENABLED": False,  # PolitenessMiddleware retries, with back-off and block detection
    }


def browser_settings(politeness: dict[str, Any]) -> dict[str, Any]:
    """scrapy-playwright as the download handler, for a profile whose pages need a browser."""
    from crawler.browser import launch_options

    concurrency = int(politeness["concurrency"])
    return {
        "DOWNLOAD_HANDLERS": {
            "http": "crawler.browser_handler.BrowserDownloadHandler",
            "https": "crawler.browser_handler.BrowserDownloadHandler",
        },
        "PLAYWRIGHT_BROWSER_TYPE": "chromium",
        "PLAYWRIGHT_LAUNCH_OPTIONS": launch_options(),
        "PLAYWRIGHT_ABORT_REQUEST": "crawler.browser.abort_request",
        # a request takes an idle page when it enters the downloader: no more requests may be there
        # than can download at once, or idle pages would run short and new ones pile up
        "CONCURRENT_REQUESTS": concurrency,
        # pages in use plus idle pooled pages (at most one per concurrent detail request)
        "PLAYWRIGHT_MAX_PAGES_PER_CONTEXT": concurrency * 2,
        "PLAYWRIGHT_MAX_CONTEXTS": 4,
        "PLAYWRIGHT_DEFAULT_NAVIGATION_TIMEOUT": float(politeness["timeout"]) * 1000,
    }
