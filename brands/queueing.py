"""The one path from a listing to a lead: score it with the installation's scorer and put it in the
review queue by the installation's rules.

Every path that scores stored listings goes through ``score_and_queue``: the crawler's score step,
the scheduler's score job, `markwatch score --queue` and the web app's re-scoring after a seller is
blacklisted. They build their ``ScoreQueue`` the same way (``score_queue`` or
``score_queue_in_session``), so each scores with the same registry, fitted combiner model, context
(blacklist, the brands each seller was flagged for, prices seen so far) and threshold, and routes with
the same ``storage.queue_rules.QueueRules``. The same call keeps the listings' identity signals and their
sellers' networks up to date (``networks.build.observe``), so every path that queues also links shops.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from brands.scorer import Scorer
from settings import Settings
from storage.queue_rules import QueueRules

# the database side (SQLAlchemy, the models) is imported where it is used: a ScoreQueue over a registry
# file (`markwatch score --brands FILE`) needs none of it
if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from scoring.engine import Evidence
    from scoring.registry import Registry
    from scoring.types import Listing as ScoringListing
    from scoring.types import Score
    from storage import Database
    from storage.models import Lead, Listing


@dataclass(frozen=True)
class ScoreQueue:
    """What scoring and queueing need: the scorer (registry, context, model), threshold and rules.

    The context is shared by every call, so prices and seller brands learned from one batch serve the
    next, as in one ``scoring.score_many`` run."""

    scorer: Scorer
    rules: QueueRules
    threshold: float | None

    def score(
        self, listings: Iterable[ScoringListing], *, evidence: Iterable[Evidence] | None = None
    ) -> Iterator[Score]:
        """Score listings in order, learning as ``scoring.score_many`` does (nothing is stored).
        ``evidence``: each listing's ``scoring.engine.evidence_of``, computed by worker processes."""
        from scoring import score_many

        return score_many(
            listings,
            self.scorer.registry,
            context=self.scorer.context,
            threshold=self.threshold,
            model=self.scorer.model,
            evidence=evidence,
        )


@dataclass(frozen=True)
class Queued:
    """One listing's outcome: its score and its lead (None: not flagged and never was)."""

    score: Score
    lead: Lead | None

    @property
    def queued(self) -> bool:
        """Flagged, and so in the queue (a new lead, or an existing one updated or reopened)."""
        return bool(self.score.flagged and self.lead is not None)


def score_queue(db: Database, settings: Settings, *, registry: Registry | None = None) -> ScoreQueue:
    """The installation's ScoreQueue: the approved registry (or ``registry``), the blacklist, seller
    history and newest fitted model as committed in ``db``, and the settings' threshold and rules."""
    with db.session() as session:
        return score_queue_in_session(
            session, settings, registry=registry or _registry(db, settings.cache_dir)
        )


def score_queue_in_session(session: Session, settings: Settings, *, registry: Registry) -> ScoreQueue:
    """``score_queue`` as ``session`` sees the database (a blacklisting not yet committed included)."""
    from brands.service import scorer_from_session
    from scoring.types import VIOLATIONS

    return ScoreQueue(
        scorer=scorer_from_session(session, registry),
        rules=QueueRules.from_settings(settings, kinds=VIOLATIONS),
        threshold=settings.scoring_threshold,
    )


def _registry(db: Database, cache_dir: Path) -> Registry:
    from brands.service import scoring_registry

    return scoring_registry(db, cache_dir=cache_dir)


def scoring_listing(row: Listing) -> ScoringListing:
    """A stored listing (with its platform and seller loaded) as the scorer reads it."""
    from scoring.types import Listing as ScoringListing
    from storage.listings import listing_record

    return ScoringListing.from_record(listing_record(row))


def score_and_queue(
    session: Session,
    rows: Sequence[Listing],
    path: ScoreQueue,
    *,
    listings: Sequence[ScoringListing] | None = None,
    evidence: Sequence[Evidence] | None = None,
) -> list[Queued]:
    """Score each stored listing in order and record it (``storage.queue.record_score``): its score
    row, and its lead created, updated or reopened when flagged; then read the listings' identity
    signals into the seller networks (``networks.build.observe``). One outcome per row, in order.

    ``listings``: the rows as the scorer reads them, when the caller has them already (the crawler's
    record as written, the command line's parsed input); else built from the rows, whose platform and
    seller must then be loaded. ``evidence``: what worker processes found in them
    (``scoring.parallel``), one per row.
    """
    from storage.queue import record_score

    scored = path.score(
        listings if listings is not None else (scoring_listing(row) for row in rows), evidence=evidence
    )
    outcomes = []
    for row, score in zip(rows, scored, strict=True):
        lead = record_score(session=session, listing=row, score=score, rules=path.rules)
        outcomes.append(Queued(score=score, lead=lead))
    from networks.build import observe  # imported here: networkx costs `markwatch score` 0.3 s of start-up

    observe(session, rows)
    return outcomes
