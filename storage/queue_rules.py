"""The review queue's rules (settings and the routing table), apart from ``storage.queue`` so that a
process that only scores a file (`markwatch score --brands`) reads them without loading the database
models.
"""

from __future__ import annotations

import difflib
from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from settings import Settings
from storage import safe_yaml
from storage.errors import MarkwatchError
from storage.safe_yaml import shorten

COUNTERFEIT = "counterfeit_mark"
CRIMINAL_THRESHOLD = "criminal_threshold"  # the routing table's entry for leads past the threshold
TRANSFER_DEPARTMENT = "经检处"  # its default (the bureau's work plan); also where transfers to the police go
ROUTING_FILE = "routing.yaml"


@dataclass(frozen=True)
class QueueRules:
    """An installation's rules for leads entering the queue: its settings and its routing table."""

    reflag_margin: float = 0.15  # risk rise that brings a dismissed lead back
    criminal_threshold: float = 50_000.0  # estimated sales (CNY) of counterfeit goods
    routing: Mapping[str, str] = field(default_factory=dict)  # violation kind or CRIMINAL_THRESHOLD → dept

    @classmethod
    def from_settings(cls, settings: Settings, *, kinds: Collection[str]) -> QueueRules:
        """The settings' rules with ``<home>/routing.yaml``, whose keys must be among ``kinds``."""
        return cls(
            reflag_margin=settings.queue_reflag_margin,
            criminal_threshold=settings.criminal_threshold_cny,
            routing=read_routing(Path(settings.home) / ROUTING_FILE, kinds=kinds),
        )

    def department(self, violation: str | None, suggested: str | None, *, past_threshold: bool) -> str | None:
        """Where a lead goes: the threshold's department past it, else its kind's, else ``suggested``."""
        if past_threshold:
            return self.routing.get(CRIMINAL_THRESHOLD, TRANSFER_DEPARTMENT)
        return self.routing.get(violation, suggested) if violation else suggested


def read_routing(path: Path, *, kinds: Collection[str]) -> dict[str, str]:
    """A routing file (``violation kind: department``); {} when there is none. Refused whole when bad."""
    if not path.exists():
        return {}
    try:
        data = safe_yaml.load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise MarkwatchError(f"{path}: not a readable YAML file ({exc})") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise MarkwatchError(f"{path}: expected a mapping 'violation kind: department'")
    allowed = [*kinds, CRIMINAL_THRESHOLD]
    problems = []
    for key, value in data.items():
        if key not in allowed:
            hint = difflib.get_close_matches(str(key)[:100], allowed, n=1)
            problems.append(
                f"unknown violation kind {shorten(key)}" + (f" (did you mean {hint[0]!r}?)" if hint else "")
            )
        elif not isinstance(value, str) or not value.strip():
            problems.append(f"{key}: the department must be a name, not {shorten(value)}")
    if problems:
        known = ", ".join(allowed)
        raise MarkwatchError(f"{path}: " + "; ".join(problems) + f". Known kinds: {known}")
    return {str(k): v.strip() for k, v in data.items()}
