"""Triage mode: a lead page opened from the queue remembers the queue's view (its filters, sort and
"new since" mark) as ``queue=`` in its address, offers the previous and next lead of that view, and
after a decision goes on to the next one (storage.search.neighbour_id), or back to the queue at its end.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import parse_qsl, urlencode

from sqlalchemy.orm import Session

from review.filters import FILTER_PARAMS, parse_filter, parse_new_since, parse_sort
from storage.models import User
from storage.search import neighbour_id, resolve_text

DEFAULT_VIEW = {"status": "open"}  # a lead opened from elsewhere: the queue's every open lead
MAX_VIEW_CHARS = 2000  # a queue address longer than this is not a view the queue page wrote


@dataclass(frozen=True)
class QueueView:
    """The queue view a lead page was opened from: its parameters (``params``) and as a query string."""

    params: dict[str, str]

    @property
    def query(self) -> str:
        return urlencode(self.params)

    def lead_url(self, lead_id: int, **extra: str) -> str:
        """A lead's page in this view (``extra``: a notice for it, such as ``done=confirm``)."""
        return f"/leads/{lead_id}?" + urlencode({"queue": self.query, **extra})

    def queue_url(self, **extra: str) -> str:
        return "/?" + urlencode({**self.params, **extra})


def queue_view(raw: str | None) -> QueueView:
    """The view named by a lead page's ``queue`` value (the queue's own query string); only the queue's
    filter parameters are kept, and an empty or unreadable value is the default view."""
    pairs = parse_qsl((raw or "")[:MAX_VIEW_CHARS], keep_blank_values=False)
    params = {k: v for k, v in pairs if k in FILTER_PARAMS}
    return QueueView(params or dict(DEFAULT_VIEW))


def neighbour(
    session: Session, user: User, view: QueueView, lead_id: int, tz: str, *, forward: bool
) -> int | None:
    """The next (``forward``) or previous lead after ``lead_id`` in ``view``'s order, as the queue page
    shows it to ``user`` (the same filters, role scope, sort and new-first part); None at either end.
    Raises BadInput (400) for a view whose parameters the queue page would refuse too."""
    filters = resolve_text(session=session, filters=parse_filter(view.params, user, percent=True, tz=tz))
    new_since = parse_new_since(view.params)
    return neighbour_id(
        session=session,
        filters=filters,
        lead_id=lead_id,
        sort=parse_sort(view.params),
        fresh_since=None if filters.since else new_since,
        forward=forward,
    )
