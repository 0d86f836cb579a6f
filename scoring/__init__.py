"""scoring — the pure scoring library of markwatch.

Owns: text normalisation (NFKC, case, traditional→simplified, confusables, separators), the lookalike
matcher for Chinese marks (shape, sound, numbers, insertion, omission, transposition, mixed script)
and Latin marks (weighted edits as dnstwist makes them, homoglyphs), its candidate index, goods
relevance (categories and Nice classes), counterfeit cue words, price signals (floor and median/MAD),
official image reuse, seller signals, the rule packs (banned pesticides, veterinary drugs, advertising
law, vehicle fuel), the logistic combiner with explained reasons, and its calibration.

Imports nothing of the project: no database, no network, no file writes. It reads only its own
bundled data (scoring/data/, scoring/rules/). Everything else comes in as arguments.

Public API: score, score_many, resemblance, Listing, Seller, Brand, Registry, Score, Reason,
ScoringContext, CombinerModel, DEFAULT_THRESHOLD, DEFAULT_DEPARTMENTS, VIOLATIONS;
scoring.records (parse_line, score_to_record); scoring.calibration (fit).
"""

from __future__ import annotations

from scoring.combiner import CombinerModel
from scoring.engine import DEFAULT_DEPARTMENTS, DEFAULT_THRESHOLD, score, score_many
from scoring.registry import Registry
from scoring.resemble import resemblance
from scoring.signals import ScoringContext
from scoring.types import MODEL_VERSION, VIOLATIONS, Brand, Listing, Reason, Score, Seller

__all__ = [
    "DEFAULT_DEPARTMENTS",
    "DEFAULT_THRESHOLD",
    "MODEL_VERSION",
    "VIOLATIONS",
    "Brand",
    "CombinerModel",
    "Listing",
    "Reason",
    "Registry",
    "Score",
    "ScoringContext",
    "Seller",
    "resemblance",
    "score",
    "score_many",
]
