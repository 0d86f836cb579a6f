"""The combiner: signal strengths (features, 0..1) → a calibrated risk with explained reasons.

risk = sigmoid(intercept + Σ weight_i · feature_i). Each reason's weight is its share of the risk
(positive contributions only), so the reasons of a score add up to its risk. The default weights
are set by hand for precision; ``scoring.calibration.fit`` learns new ones from reviewer decisions.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass, field

FEATURES = (
    "lookalike",
    "counterfeit_cue",
    "price_floor",
    "price_outlier",
    "image_reuse",
    "seller_new",
    "seller_blacklisted",
    "seller_many_brands",
    "banned_agri_input",
    "false_advertising",
    "substandard_fuel",
)

DEFAULT_WEIGHTS: dict[str, float] = {
    "lookalike": 9.0,
    "counterfeit_cue": 8.0,
    "price_floor": 7.0,
    "price_outlier": 6.0,
    "image_reuse": 7.0,
    "seller_new": 1.0,
    "seller_blacklisted": 3.5,
    "seller_many_brands": 0.8,
    "banned_agri_input": 9.0,
    "false_advertising": 9.0,
    "substandard_fuel": 9.0,
}
DEFAULT_INTERCEPT = -6.0


@dataclass(frozen=True)
class CombinerModel:
    """Weights of the logistic combiner; serialisable to JSON with a version string."""

    weights: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_WEIGHTS))
    intercept: float = DEFAULT_INTERCEPT
    version: str = "default-2026.11"
    threshold: float | None = None  # a fitted model may carry its own threshold
    n_examples: int = 0

    def logit(self, features: Mapping[str, float]) -> float:
        return self.intercept + sum(self.weights.get(k, 0.0) * v for k, v in features.items())

    def risk(self, features: Mapping[str, float]) -> float:
        z = self.logit(features)
        return 1.0 / (1.0 + math.exp(-max(-40.0, min(40.0, z))))

    def contributions(self, features: Mapping[str, float]) -> dict[str, float]:
        """Each feature's share of the risk (only features pushing the risk up)."""
        r = self.risk(features)
        pos = {
            k: self.weights.get(k, 0.0) * v for k, v in features.items() if self.weights.get(k, 0.0) * v > 0
        }
        total = sum(pos.values())
        if total <= 0:
            return {}
        return {k: r * c / total for k, c in pos.items()}

    def to_json(self) -> str:
        return json.dumps(
            {
                "format": "markwatch-combiner/1",
                "version": self.version,
                "intercept": self.intercept,
                "weights": dict(self.weights),
                "threshold": self.threshold,
                "n_examples": self.n_examples,
            },
            ensure_ascii=False,
            sort_keys=True,
        )

    @classmethod
    def from_json(cls, text: str) -> CombinerModel:
        """Raises ValueError for anything that is not a combiner model written by to_json."""
        try:
            d = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ValueError(f"combiner model is not JSON: {exc}") from None
        if not isinstance(d, dict) or d.get("format") != "markwatch-combiner/1":
            raise ValueError("not a markwatch combiner model (format markwatch-combiner/1)")
        weights = d.get("weights")
        if not isinstance(weights, dict) or not all(isinstance(v, (int, float)) for v in weights.values()):
            raise ValueError("combiner model: 'weights' must map feature names to numbers")
        return cls(
            weights={str(k): float(v) for k, v in weights.items()},
            intercept=float(d.get("intercept", DEFAULT_INTERCEPT)),
            version=str(d.get("version", "unknown")),
            threshold=d.get("threshold"),
            n_examples=int(d.get("n_examples", 0)),
        )


DEFAULT_MODEL = CombinerModel()
