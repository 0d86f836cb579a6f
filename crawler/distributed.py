"""Distributed crawls: several crawler processes (on several hosts) share one Redis frontier.

scrapy-redis provides the shared scheduler queue and duplicate filter. What markwatch adds:

- **generations**: the processes that crawl a platform at the same time share one set of keys,
  ``markwatch:<platform>:<generation>:{requests,dupefilter}``. The first process to start opens a new
  generation (``SET NX`` on ``markwatch:<platform>:active``); the others join it; when the last one
  leaves, the generation closes, so the next crawl starts afresh instead of finding everything seen.
- **fingerprints that keep the URL fragment** (``/#/item/1`` ≠ ``/#/item/2`` in a single-page app);
- **staying open while a peer is busy**: a process whose queue is empty waits while another process
  still has pages in flight (they may add requests), instead of closing early.
"""

from __future__ import annotations

import logging
import os
import socket
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import DontCloseSpider
from scrapy.utils.request import fingerprint
from scrapy_redis.dupefilter import RFPDupeFilter

from crawler.settings import DEFAULTS

logger = logging.getLogger(__name__)

ACTIVE_TTL = 60  # s: a generation whose processes all died expires after this
BUSY_TTL_MS = 4000  # a process that stopped refreshing its busy mark is not waited for
KEEP_DAYS = 2  # the frontier of a closed generation is kept this long, for inspection


def redacted(url: str) -> str:
    """The Redis URL without its password (it goes into the crawl-run row)."""
    parts = urlsplit(url)
    if parts.password:
        host = parts.hostname or ""
        netloc = f"{parts.username or ''}:***@{host}" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc))
    return url


class FragmentRedisDupeFilter(RFPDupeFilter):
    """scrapy-redis's duplicate filter with fingerprints that keep the URL fragment."""

    def request_fingerprint(self, request: Any) -> str:
        return fingerprint(request, keep_fragments=True).hex()


class Generation:
    """This process's membership of the platform's current distributed crawl."""

    def __init__(self, redis_url: str, platform: str, number: int | None = None) -> None:
        """``number``: the generation this process has joined already (the crawl's extensions use it)."""
        import redis

        self.redis = redis.Redis.from_url(redis_url, socket_connect_timeout=5)
        self.prefix = f"markwatch:{platform}"
        self.member = f"{socket.gethostname()}:{os.getpid()}"
        self.number = number

    @property
    def keys(self) -> dict[str, str]:
        base = f"{self.prefix}:{self.number}"
        return {
            "requests": f"{base}:requests",
            "dupefilter": f"{base}:dupefilter",
            "workers": f"{base}:workers",
        }

    def join(self) -> int:
        active = f"{self.prefix}:active"
        for _ in range(10):
            current = self.redis.get(active)
            if current is not None:
                self.number = int(current)
                break
            candidate = int(self.redis.incr(f"{self.prefix}:generation"))
            if self.redis.set(active, candidate, nx=True, ex=ACTIVE_TTL):
                self.number = candidate
                break
        if self.number is None:
            raise RuntimeError("could not join or open a distributed crawl generation")
        self.redis.sadd(self.keys["workers"], self.member)
        self.redis.expire(self.keys["workers"], ACTIVE_TTL)
        return self.number

    def heartbeat(self, busy: bool) -> None:
        self.redis.expire(f"{self.prefix}:active", ACTIVE_TTL)
        self.redis.expire(self.keys["workers"], ACTIVE_TTL)
        if busy:
            self.redis.set(f"{self.prefix}:{self.number}:busy:{self.member}", 1, px=BUSY_TTL_MS)
        else:
            self.redis.delete(f"{self.prefix}:{self.number}:busy:{self.member}")

    def peers_busy(self) -> bool:
        mine = f"{self.prefix}:{self.number}:busy:{self.member}"
        return any(k.decode() != mine for k in self.redis.scan_iter(f"{self.prefix}:{self.number}:busy:*"))

    def queue_length(self) -> int:
        key = self.keys["requests"]
        kind = self.redis.type(key)
        kind = kind.decode() if isinstance(kind, bytes) else kind
        if kind == "zset":
            return int(self.redis.zcard(key))
        if kind == "list":
            return int(self.redis.llen(key))
        return 0

    def leave(self) -> None:
        self.redis.delete(f"{self.prefix}:{self.number}:busy:{self.member}")
        self.redis.srem(self.keys["workers"], self.member)
        if self.redis.scard(self.keys["workers"]) == 0:
            active = f"{self.prefix}:active"
            if self.redis.get(active) == str(self.number).encode():
                self.redis.delete(active)
            for key in (self.keys["requests"], self.keys["dupefilter"]):
                self.redis.expire(key, KEEP_DAYS * 86400)


def redis_settings(generation: Generation, redis_url: str) -> dict[str, Any]:
    """The Scrapy settings that put a crawl on the shared frontier."""
    return {
        "SCHEDULER": "scrapy_redis.scheduler.Scheduler",
        "SCHEDULER_PERSIST": True,  # peers are still using the queue when one process closes
        "SCHEDULER_QUEUE_CLASS": "scrapy_redis.queue.PriorityQueue",
        "SCHEDULER_QUEUE_KEY": generation.keys["requests"],
        "SCHEDULER_DUPEFILTER_KEY": generation.keys["dupefilter"],
        "DUPEFILTER_CLASS": "crawler.distributed.FragmentRedisDupeFilter",
        "REDIS_URL": redis_url,
        "MARKWATCH_GENERATION": generation.number,
    }


class KeepAlive:
    """Extension: heartbeat the generation; do not close while the shared queue has work or a peer is busy."""

    def __init__(self, crawler: Crawler, generation: Generation) -> None:
        self.crawler = crawler
        self.generation = generation
        self.loop: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> KeepAlive:
        from scrapy.exceptions import NotConfigured

        settings = crawler.settings
        number = settings.getint("MARKWATCH_GENERATION", DEFAULTS["MARKWATCH_GENERATION"])
        if not number:
            raise NotConfigured("not a distributed crawl")
        generation = Generation(settings["REDIS_URL"], settings["MARKWATCH_PLATFORM"], number=number)
        ext = cls(crawler, generation)
        crawler.signals.connect(ext.opened, signal=signals.spider_opened)
        crawler.signals.connect(ext.closed, signal=signals.spider_closed)
        crawler.signals.connect(ext.idle, signal=signals.spider_idle)
        return ext

    def opened(self, spider: Any) -> None:
        from twisted.internet import task

        self.loop = task.LoopingCall(self.beat)
        self.loop.start(0.25, now=True)

    def beat(self) -> None:
        engine = self.crawler.engine
        busy = False
        if engine is not None:
            try:
                busy = not engine.spider_is_idle()
            except Exception:  # noqa: BLE001 - engine internals differ between Scrapy versions
                busy = True
        try:
            self.generation.heartbeat(busy)
            if engine is not None and self.generation.queue_length() > 0:
                # peers added work: ask the engine for it now, not at its next 5-second heartbeat
                slot = getattr(engine, "_slot", None)
                if slot is not None:
                    slot.nextcall.schedule()
        except Exception as exc:  # noqa: BLE001 - Redis hiccup: the next beat tries again
            logger.warning("Redis heartbeat failed: %s", exc)

    def idle(self, spider: Any) -> None:
        try:
            if self.generation.queue_length() > 0 or self.generation.peers_busy():
                raise DontCloseSpider("peers are still crawling")
        except DontCloseSpider:
            raise
        except Exception as exc:  # noqa: BLE001
            logger.warning("Redis check failed at idle: %s", exc)

    def closed(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()
        try:
            self.generation.leave()
        except Exception as exc:  # noqa: BLE001
            logger.warning("could not leave the distributed crawl cleanly: %s", exc)
