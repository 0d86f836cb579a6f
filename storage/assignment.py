"""Who works a lead: a reviewer claims it, an admin assigns it to someone, the assignee (or an admin)
releases it. Each change is an append-only review event on the lead (``claim``, ``assign_reviewer``,
``release``), and is made only when the lead's assignee is still the one the caller saw (compare and
set), so of two reviewers claiming at once one wins and the other is told who.

The assignee is not part of the lead's decision version: a claim does not refuse a decision made on the
page as it was. Who may claim or assign is the web app's rule (review.assignment)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from storage.errors import MarkwatchError
from storage.models import Lead, ReviewEvent, Role, User, utcnow

ASSIGN_ACTIONS = ("claim", "assign_reviewer", "release")
ASSIGNABLE_ROLES = (Role.admin.value, Role.reviewer.value, Role.investigator.value)


class AssigneeChanged(MarkwatchError):
    """The lead's assignee changed since the caller looked (``assignee_id``: who has it now)."""

    def __init__(self, lead: Lead) -> None:
        self.lead = lead
        self.assignee_id = lead.assignee_id
        super().__init__(f"lead #{lead.id} is now assigned to user {lead.assignee_id}")


def set_assignee(
    *,
    session: Session,
    lead: Lead,
    by_user_id: int,
    assignee_id: int | None,
    action: str,
    expected_assignee_id: int | None,
    note: str | None = None,
    now: datetime | None = None,
) -> ReviewEvent:
    """Make ``assignee_id`` (None: nobody) the lead's assignee if it is still ``expected_assignee_id``,
    with a review event by ``by_user_id``. Raises AssigneeChanged (the lead refreshed) otherwise, and
    MarkwatchError for an unknown action."""
    if action not in ASSIGN_ACTIONS:
        raise MarkwatchError(f"unknown action {action!r}; one of {', '.join(ASSIGN_ACTIONS)}")
    now = now or utcnow()
    session.flush()
    expected = (
        Lead.assignee_id.is_(None)
        if expected_assignee_id is None
        else Lead.assignee_id == expected_assignee_id
    )
    moved = session.execute(
        update(Lead)
        .where(Lead.id == lead.id, expected)
        .values(assignee_id=assignee_id)
        .execution_options(synchronize_session=False)
    )
    session.refresh(lead)
    if moved.rowcount != 1:  # type: ignore[attr-defined]
        raise AssigneeChanged(lead)
    event = ReviewEvent(
        lead_id=lead.id,
        user_id=by_user_id,
        at=now,
        action=action,
        note=(note or "").strip() or None,
        detail={
            "assignee_id": assignee_id,
            "assignee": _name(session, assignee_id),
            "was": expected_assignee_id,
        },
    )
    session.add(event)
    session.flush()
    return event


def _name(session: Session, user_id: int | None) -> str | None:
    user = session.get(User, user_id) if user_id is not None else None
    return user.name if user else None


def assignable_users(*, session: Session) -> list[User]:
    """The staff an admin may assign a lead to (enabled admins, reviewers, investigators), by name."""
    return list(
        session.scalars(
            select(User).where(User.role.in_(ASSIGNABLE_ROLES), User.disabled.is_(False)).order_by(User.name)
        )
    )
