"""The routing table: which department handles each violation kind.

One table: ``scoring.DEFAULT_DEPARTMENTS`` (the bureau's work plan), overridden per installation by
``<MARKWATCH_HOME>/routing.yaml`` (a mapping ``violation: department``). The web app shows it on the
status page and offers its departments when a lead is assigned.
"""

from __future__ import annotations

from pathlib import Path

import yaml

from settings import Settings

# Departments that take leads by hand rather than by violation kind (criminal threshold, the branch itself).
TRANSFER_DEPARTMENT = "经检处"
HOME_DEPARTMENT = "网监分局"


def default_table() -> dict[str, str]:
    try:
        from scoring import DEFAULT_DEPARTMENTS
    except ImportError:  # scoring not installed in this checkout: the table is empty, assignments free
        return {}
    return dict(DEFAULT_DEPARTMENTS)


def routing_table(settings: Settings) -> dict[str, str]:
    table = default_table()
    override = Path(settings.home) / "routing.yaml"
    if override.exists():
        data = yaml.safe_load(override.read_text(encoding="utf-8")) or {}
        if isinstance(data, dict):
            table.update({str(k): str(v) for k, v in data.items() if v})
    return table


def departments(settings: Settings) -> list[str]:
    """Every department a lead can be assigned to, in table order, without duplicates."""
    names = list(dict.fromkeys([*routing_table(settings).values(), TRANSFER_DEPARTMENT, HOME_DEPARTMENT]))
    return names
