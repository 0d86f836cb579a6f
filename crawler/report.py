"""What a crawl tells its user besides its counters: refusals by reason and warnings, kept in the
crawler's stats so the crawl-run recorder writes them into the crawl-run row and the summary.
"""

from __future__ import annotations

import logging
from typing import Any

logger = logging.getLogger(__name__)

REFUSED = "markwatch/refused/"  # + reason: a request the crawl would not make
WARNINGS = "markwatch/warnings"  # a list of sentences
WARNINGS_KEPT = 20  # the first ones are kept word for word; the rest are counted
WARNINGS_MORE = "markwatch/warnings_more"


def refused(crawler: Any, reason: str) -> None:
    """Count one refused request (``offsite``, ``scheme``, ``redirect:offsite``, ``image:not_an_image``…)."""
    crawler.stats.inc_value(REFUSED + reason)


def warn(crawler: Any, message: str) -> None:
    """A warning for the terminal and the crawl-run row (and the log)."""
    logger.warning(message)
    kept = crawler.stats.get_value(WARNINGS)
    if kept is None:
        kept = []
        crawler.stats.set_value(WARNINGS, kept)
    if len(kept) < WARNINGS_KEPT:
        kept.append(message)
    else:
        crawler.stats.inc_value(WARNINGS_MORE)


def refusals(stats: dict[str, Any]) -> dict[str, int]:
    """The refusals by reason in a crawl's stats."""
    return {k[len(REFUSED) :]: int(v) for k, v in stats.items() if k.startswith(REFUSED)}


def warnings(stats: dict[str, Any]) -> list[str]:
    """The warnings in a crawl's stats (the first ones, and how many more there were)."""
    kept = list(stats.get(WARNINGS) or [])
    more = int(stats.get(WARNINGS_MORE) or 0)
    return kept + ([f"… and {more} more warning(s) in the crawl log"] if more else [])
