"""Who may claim, assign and release a lead (storage.assignment makes the change and its audit event):
any staff member claims an unclaimed lead for themselves; an admin assigns a lead to any enabled staff
member; the assignee or an admin releases it. A brand owner does none of these."""

from __future__ import annotations

from fastapi import HTTPException
from sqlalchemy.orm import Session

from review.deps import STAFF, BadInput
from storage.assignment import ASSIGN_ACTIONS, AssigneeChanged, assignable_users, set_assignee
from storage.models import Lead, Role, User

__all__ = ["AssigneeChanged", "assignable_users", "change_assignee"]


def change_assignee(
    session: Session, user: User, lead: Lead, *, action: str, assignee_id: int | None, was: int | None
) -> None:
    """``action`` by ``user`` on ``lead``: ``claim`` (for themselves), ``assign_reviewer`` (an admin, to
    ``assignee_id``) or ``release``; ``was``: the assignee the page showed. 403 for a role that may not,
    400 naming a bad value; AssigneeChanged (a 303 back to the page) when someone else got there first."""
    if action not in ASSIGN_ACTIONS:
        raise BadInput("action", "one_of", value=action, choices=", ".join(ASSIGN_ACTIONS))
    if user.role not in STAFF:
        raise HTTPException(403, "error.403")
    if action == "claim":
        if lead.assignee_id == user.id:
            return  # already theirs: nothing to record
        target: int | None = user.id
        was = None  # a claim takes only an unclaimed lead; a claimed one is the assignee's or an admin's
    elif action == "assign_reviewer":
        if user.role != Role.admin.value:
            raise HTTPException(403, "error.403")
        staff = assignable_users(session=session)
        if assignee_id not in {u.id for u in staff}:
            raise BadInput(
                "assignee", "one_of", value=str(assignee_id), choices="、".join(u.name for u in staff)
            )
        target = assignee_id
    else:
        if lead.assignee_id != user.id and user.role != Role.admin.value:
            raise HTTPException(403, "error.403")
        target = None
    set_assignee(
        session=session,
        lead=lead,
        by_user_id=user.id,
        assignee_id=target,
        action=action,
        expected_assignee_id=was,
    )
