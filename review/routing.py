"""The routing table as the web app shows and offers it: which department handles each violation
kind, and where leads past the criminal threshold go.

The rule itself is ``storage.queue_rules.QueueRules``: the scorer's department
(``scoring.DEFAULT_DEPARTMENTS`` or a rule pack's), overridden per installation by
``<MARKWATCH_HOME>/routing.yaml``. It is read on every use, so an edited file applies without a
restart; a bad file is refused with its reason.
"""

from __future__ import annotations

from scoring import DEFAULT_DEPARTMENTS, VIOLATIONS
from settings import Settings
from storage.queue_rules import CRIMINAL_THRESHOLD, QueueRules

HOME_DEPARTMENT = "网监分局"  # the branch itself: a lead can always be assigned back to it


def queue_rules(settings: Settings) -> QueueRules:
    return QueueRules.from_settings(settings, kinds=VIOLATIONS)


def routing_table(settings: Settings) -> dict[str, str]:
    """``{violation kind: department, "criminal_threshold": department}``, as leads are routed."""
    rules = queue_rules(settings)
    table = {
        kind: rules.department(kind, DEFAULT_DEPARTMENTS.get(kind), past_threshold=False)
        for kind in VIOLATIONS
    }
    table[CRIMINAL_THRESHOLD] = rules.department(None, None, past_threshold=True)
    return {kind: department for kind, department in table.items() if department}


def departments(table: dict[str, str]) -> list[str]:
    """Every department of a ``routing_table`` a lead can be assigned to, in order, without duplicates."""
    return list(dict.fromkeys([*table.values(), HOME_DEPARTMENT]))
