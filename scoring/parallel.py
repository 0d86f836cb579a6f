"""Scoring with several processes, with the same scores as one.

A score depends on the listings before it (``score_many`` learns prices and the brands each seller
was flagged for), so the processes do not score: each computes ``engine.evidence_of`` for a batch of
listings (the matcher, most of the time), and the calling process scores in input order with that
evidence, learning as it goes. The registry and its index are built once, before the workers are
forked, and shared with them.
"""

from __future__ import annotations

import multiprocessing
from collections import deque
from collections.abc import Iterable, Iterator, Sequence
from multiprocessing.pool import AsyncResult, Pool
from types import TracebackType

from scoring.engine import Evidence, evidence_of
from scoring.registry import Registry
from scoring.types import Listing

# the registry the forked workers read (set in the parent before the fork; one pool at a time)
_registry: Registry | None = None


def _evidence_batch(listings: Sequence[Listing]) -> list[Evidence]:
    assert _registry is not None
    return [evidence_of(listing, _registry) for listing in listings]


class EvidenceWorkers:
    """``jobs`` worker processes computing the evidence of batches of listings, in order.

    Use as a context manager; ``map`` keeps at most two batches per worker in flight, so memory stays
    flat however long the input. Needs the ``fork`` start method (Linux, macOS)."""

    def __init__(self, registry: Registry, jobs: int) -> None:
        global _registry
        if jobs < 2:
            raise ValueError(f"jobs must be at least 2 for worker processes, not {jobs}")
        # build (or load) the index and the scorer's tables once, before the fork: the workers share them
        evidence_of(Listing(id="warm-up", title="康师傅 Master Kong 红烧牛肉面"), registry)
        _registry = registry
        self.jobs = jobs
        self._pool: Pool | None = multiprocessing.get_context("fork").Pool(jobs)

    def map(self, batches: Iterable[Sequence[Listing]]) -> Iterator[list[Evidence]]:
        """Each batch's evidence (one per listing, in order), batch after batch in input order."""
        assert self._pool is not None, "the workers are closed"
        pending: deque[AsyncResult[list[Evidence]]] = deque()
        for batch in batches:
            pending.append(self._pool.apply_async(_evidence_batch, (batch,)))
            if len(pending) >= 2 * self.jobs:
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()

    def close(self, *, wait: bool = True) -> None:
        """Stop the workers (``wait`` False: at once, work in flight dropped)."""
        if self._pool is None:
            return
        if wait:
            self._pool.close()
        else:
            self._pool.terminate()
        self._pool.join()
        self._pool = None

    def __enter__(self) -> EvidenceWorkers:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close(wait=exc_type is None)
