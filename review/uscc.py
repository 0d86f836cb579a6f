"""Unified social credit codes (统一社会信用代码) as the web app shows them: the check itself is
``networks.uscc`` (the one copy of the algorithm and the division table); this module adds the
reason in the reader's language from the one catalogue (review/i18n.py).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

from networks.uscc import CENTRAL, CHARSET, UsccCheck, check_character, divisions, normalise, region_name
from networks.uscc import check as _check
from review.i18n import DEFAULT_LANG, translate

__all__ = [
    "CENTRAL",
    "CHARSET",
    "UsccResult",
    "check",
    "check_character",
    "divisions",
    "normalise",
    "region_name",
]


@dataclass(frozen=True)
class UsccResult(UsccCheck):
    """``networks.uscc.UsccCheck`` with its reason in words: ``reason_in(lang)`` fills the catalogue's
    ``uscc.<reason_code>`` message with ``details``."""

    def reason_in(self, lang: str = DEFAULT_LANG) -> str | None:
        """Why the code is invalid, in ``lang`` (zh_CN or en); None for a valid code."""
        if self.reason_code is None:
            return None
        return translate(f"uscc.{self.reason_code}", lang, **dict(self.details))

    @property
    def reason(self) -> str | None:
        """Why the code is invalid, in Chinese."""
        return self.reason_in(DEFAULT_LANG)


def check(code: str) -> UsccResult:
    """Validate a unified social credit code (``networks.uscc.check``), its reason readable."""
    result = _check(code)
    return UsccResult(**{f.name: getattr(result, f.name) for f in dataclasses.fields(result)})
