"""Learning the combiner's weights from reviewer decisions (logistic regression).

``fit(examples)`` takes (features, confirmed) pairs — the ``Score.features`` stored with each
lead and whether the reviewer confirmed it — and returns a CombinerModel, or None when there are
too few decisions (fewer than MIN_EXAMPLES, or only one class), so that callers keep the defaults.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from scoring.combiner import DEFAULT_INTERCEPT, DEFAULT_WEIGHTS, FEATURES, CombinerModel

MIN_EXAMPLES = 30
MIN_PER_CLASS = 5


def fit(
    examples: Sequence[tuple[Mapping[str, float], bool]],
    *,
    prior_strength: float = 1.0,
    threshold_precision: float = 0.95,
) -> CombinerModel | None:
    """Fit a logistic combiner on reviewer decisions; None if there are too few of them.

    The defaults act as a prior: features never seen in the decisions keep their default weight.
    The returned model carries a threshold: the lowest risk at which precision on the decisions
    reaches ``threshold_precision`` (0.5 if none does).
    """
    if len(examples) < MIN_EXAMPLES:
        return None
    n_pos = sum(1 for _, y in examples if y)
    n_neg = len(examples) - n_pos
    if n_pos < MIN_PER_CLASS or n_neg < MIN_PER_CLASS:
        return None
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    names = [f for f in FEATURES if any(f in x for x, _ in examples)]
    extra = sorted({k for x, _ in examples for k in x} - set(FEATURES))
    names += extra
    X = np.array([[float(x.get(f, 0.0)) for f in names] for x, _ in examples])
    y = np.array([1 if label else 0 for _, label in examples])
    clf = LogisticRegression(C=1.0 / max(prior_strength, 1e-6), max_iter=1000)
    clf.fit(X, y)
    weights = dict(DEFAULT_WEIGHTS)
    for f, w in zip(names, clf.coef_[0], strict=True):
        weights[f] = float(w)
    model = CombinerModel(
        weights=weights,
        intercept=float(clf.intercept_[0]) if names else DEFAULT_INTERCEPT,
        version=f"fit-{dt.datetime.now(dt.UTC).strftime('%Y%m%dT%H%M%SZ')}-n{len(examples)}",
        n_examples=len(examples),
    )
    risks = sorted(((model.risk(x), y) for x, y in examples), key=lambda t: -t[0])
    threshold = 0.5
    tp = fp = 0
    best = None
    for r, label in risks:
        tp += 1 if label else 0
        fp += 0 if label else 1
        if tp / (tp + fp) >= threshold_precision:
            best = r
    if best is not None:
        threshold = max(0.05, min(0.95, best))
    return CombinerModel(model.weights, model.intercept, model.version, threshold, model.n_examples)
