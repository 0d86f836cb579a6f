"""The queue's facet counts, computed beside the page's rows and kept a while (``CountsCache``)."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor

from fastapi import Request
from sqlalchemy.orm import Session

from storage.search import QueueFilter, facet_base, facet_combos, queue_counts


class CountsCache:
    """Facet counts scan many leads: the grouped scan (``facet_combos``) is kept TTL seconds per set of
    non-facet filters, so switching platform, brand, violation, department or status reuses it. The
    list and its total are always exact; the cache is dropped when someone decides on a lead here."""

    TTL = 60.0

    def __init__(self) -> None:
        self._entries: dict[QueueFilter, tuple[float, list[tuple[object, ...]]]] = {}  # by facet_base
        self._counts: dict[QueueFilter, tuple[float, dict[str, list[tuple[str, int]]]]] = {}  # by view
        self._lock = threading.Lock()

    def get(self, session: Session, filters: QueueFilter) -> dict[str, list[tuple[str, int]]]:
        now = time.monotonic()
        key = facet_base(filters)
        with self._lock:
            done = self._counts.get(filters)
            hit = self._entries.get(key)
        if done is not None and now - done[0] < self.TTL:
            return done[1]
        if hit is not None and now - hit[0] < self.TTL:
            combos = hit[1]
        else:
            combos = facet_combos(session=session, filters=filters)
        counts = queue_counts(session=session, filters=filters, combos=combos)
        with self._lock:
            if len(self._entries) > 256 or len(self._counts) > 1024:
                self._entries.clear()
                self._counts.clear()
            if hit is None or now - hit[0] >= self.TTL:
                self._entries[key] = (now, combos)
            self._counts[filters] = (now, counts)
        return counts

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()
            self._counts.clear()


def cached_counts(
    request: Request, session: Session, filters: QueueFilter
) -> dict[str, list[tuple[str, int]]]:
    cache = getattr(request.app.state, "counts_cache", None)
    if cache is None:
        cache = request.app.state.counts_cache = CountsCache()
    return cache.get(session, filters)


# The facet counts and the page's rows are independent reads: the counts run on a connection of their
# own in one of these threads, beside the page's queries (SQLite's WAL lets readers run side by side,
# and both drivers release the GIL while the database works), so a page costs the slower of the two.
_COUNTERS = ThreadPoolExecutor(max_workers=4, thread_name_prefix="queue-counts")


def counts_alongside(request: Request, filters: QueueFilter) -> Future[dict[str, list[tuple[str, int]]]]:
    engine = request.app.state.db.engine

    def count() -> dict[str, list[tuple[str, int]]]:
        with Session(engine) as session:
            return cached_counts(request, session, filters)

    return _COUNTERS.submit(count)


def invalidate_counts(request: Request) -> None:
    cache = getattr(request.app.state, "counts_cache", None)
    if cache is not None:
        cache.clear()
