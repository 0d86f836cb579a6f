"""Queue filters from query parameters: what the queue page, its exports and the JSON API show."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, date, datetime

from review import format as fmt
from review.deps import BadInput, scope_of
from storage.models import LeadStatus, User
from storage.search import DEFAULT_SORT, SORTS, QueueFilter

FILTER_PARAMS = (
    "platform",
    "brand",
    "violation",
    "department",
    "status",
    "risk_min",
    "risk_max",
    "from",
    "to",
    "since",
    "q",
    "sort",
    "new_since",
    "mine",
)
STATUSES = ("open", "all", *(s.value for s in LeadStatus))


def _risk(value: str | None, *, percent: bool, name: str) -> float | None:
    if value is None or value.strip() == "":
        return None
    try:
        number = float(value)
    except ValueError:
        raise BadInput(name, "not_a_number", value=value) from None
    number = number / 100 if percent else number
    if not 0 <= number <= 1:
        raise BadInput(name, "out_of_range", value=value, low=0, high=100 if percent else 1)
    return number


def _day(value: str | None, name: str) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise BadInput(name, "not_a_date", value=value) from None


def _time(value: str, name: str) -> datetime:
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise BadInput(name, "not_a_time", value=value) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def parse_sort(params: Mapping[str, str]) -> str:
    """The queue's order: a SORTS key, "-" first for descending; riskiest first when not given."""
    sort = params.get("sort") or DEFAULT_SORT
    if sort.lstrip("-") not in SORTS or sort.count("-") > 1:
        choices = ", ".join(f"{k}, -{k}" for k in SORTS)
        raise BadInput("sort", "one_of", value=sort, choices=choices)
    return sort


def parse_new_since(params: Mapping[str, str]) -> datetime | None:
    """The previous visit: leads flagged at or after it are new, shown first and marked (not a filter)."""
    raw = params.get("new_since")
    return _time(raw, "new_since") if raw else None


def parse_filter(params: Mapping[str, str], user: User, *, percent: bool, tz: str) -> QueueFilter:
    """A queue filter from query parameters (the page, the exports and the API share it)."""
    status = params.get("status") or "open"
    if status not in STATUSES:
        raise BadInput("status", "one_of", value=status, choices=", ".join(STATUSES))
    since_raw = params.get("since")
    since = None
    if since_raw and since_raw != "all":
        since = _time(since_raw, "since")
    day_from, day_to = _day(params.get("from"), "from"), _day(params.get("to"), "to")
    text = (params.get("q") or "").strip()[:200] or None
    return QueueFilter(
        platform=params.get("platform") or None,
        brand=params.get("brand") or None,
        violation=params.get("violation") or None,
        department=params.get("department") or None,
        status=status,
        risk_min=_risk(params.get("risk_min"), percent=percent, name="risk_min"),
        risk_max=_risk(params.get("risk_max"), percent=percent, name="risk_max"),
        flagged_from=fmt.day_start_utc(day_from, tz) if day_from else None,
        flagged_to=fmt.day_end_utc(day_to, tz) if day_to else None,
        since=since,
        text=text,
        scope=scope_of(user),
        assignee_id=user.id if params.get("mine") == "1" else None,
    )
