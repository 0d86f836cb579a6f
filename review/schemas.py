"""The JSON API's shapes: what a lead, a decision and a brand look like on /api/v1."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class ReasonPublic(BaseModel):
    signal: str
    weight: float
    detail: str


class EventPublic(BaseModel):
    at: datetime
    action: str
    user: str | None
    note: str | None


class LeadPublic(BaseModel):
    """A lead in the queue, with the listing fields a script needs to act on it."""

    id: int
    brand: str | None
    status: str
    risk: float
    violation: str | None
    department: str | None
    title: str
    url: str | None
    platform: str
    price: float | None = None
    currency: str = "CNY"
    sold: int | None = None
    seller: str | None = None
    seller_blacklisted: bool = False
    last_flagged_at: datetime
    transfer_review: bool | None = False  # None (like department) for a brand owner: internal
    version: int = 1  # send it back with a decision (field or If-Match): a lead changed since answers 409
    assignee: str | None = None  # who claimed it or was assigned it; None for a brand owner: internal


class StatusChangePublic(BaseModel):
    """When a lead's status became what it is: all a brand owner sees of the audit trail."""

    at: datetime
    status: str


class LeadDetail(LeadPublic):
    first_flagged_at: datetime
    estimated_sales: float | None
    reasons: list[ReasonPublic]
    events: list[EventPublic]  # the audit trail: empty for a brand owner
    history: list[StatusChangePublic]


class LeadList(BaseModel):
    total: int
    page: int
    per_page: int
    items: list[LeadPublic]


class DecisionIn(BaseModel):
    action: Literal["confirm", "dismiss", "assign", "escalate", "transfer", "reopen"]
    note: str | None = Field(default=None, max_length=2000)
    department: str | None = Field(default=None, max_length=32)
    version: int | None = Field(
        default=None, description="the lead's version the decision was made on (or the If-Match header)"
    )


class ConflictPublic(BaseModel):
    """409: the lead changed since the decision's version: how it is now, and the last change."""

    detail: str
    id: int
    status: str
    version: int
    changed_by: str | None  # None: the system (a re-score)
    changed_at: datetime | None
    action: str | None


# Unknown keys are let through to the registry file's validation, which refuses them by name with its
# "did you mean"; the published schema still says that no other key is allowed.
_REGISTRY_CHECKED = ConfigDict(extra="allow", json_schema_extra={"additionalProperties": False})


class RegistrationIn(BaseModel):
    model_config = _REGISTRY_CHECKED

    number: str | None = None
    nice_class: int
    international: bool = False  # a WIPO (Madrid) international registration number


class BrandCreate(BaseModel):
    """A brand registration, checked exactly like an entry of the registry file (unknown keys refused)."""

    model_config = _REGISTRY_CHECKED

    name: str = Field(max_length=200)
    aliases: list[str] = []
    owner: str | None = None
    registrations: list[RegistrationIn] = []
    categories: list[str] = []
    price_floor: float | None = None
    authorized_sellers: list[str] = []


class BrandPublic(BaseModel):
    id: int
    name: str
    aliases: list[str]
    owner: str | None
    # on registration: the approved or pending marks the new ones resemble (the admin sees them too)
    resembles: list[str] = []
    status: str
