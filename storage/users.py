"""Repository functions for people and access: users, their brand scope, API tokens.

Passwords and tokens arrive here already hashed (argon2 for passwords, sha256 for tokens, done by
review.security); this module never sees a secret in clear.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session, selectinload

from storage.errors import MarkwatchError, NotFound
from storage.models import ApiToken, Brand, LoginFailure, Role, User, utcnow

ROLES = tuple(r.value for r in Role)


def get_user(*, session: Session, user_id: int) -> User | None:
    """The user with this id and its brand scope loaded, or None."""
    return session.scalars(
        select(User).options(selectinload(User.brands)).where(User.id == user_id)
    ).one_or_none()


def get_user_by_name(*, session: Session, name: str) -> User | None:
    return session.scalars(
        select(User).options(selectinload(User.brands)).where(User.name == name)
    ).one_or_none()


def list_users(*, session: Session) -> list[User]:
    return list(session.scalars(select(User).options(selectinload(User.brands)).order_by(User.name)))


def create_user(
    *,
    session: Session,
    name: str,
    role: str,
    password_hash: str | None,
    brand_names: Sequence[str] = (),
    locale: str = "zh_CN",
) -> User:
    """Add a user; raises MarkwatchError for a taken name, an unknown role or an unknown brand."""
    name = name.strip()
    if not name:
        raise MarkwatchError("a user needs a name", key="err.user_no_name")
    if role not in ROLES:
        choices = ", ".join(ROLES)
        raise MarkwatchError(
            f"unknown role {role!r}; choose one of {choices}", key="err.user_role", role=role, choices=choices
        )
    if get_user_by_name(session=session, name=name) is not None:
        raise MarkwatchError(
            f"a user named {name!r} already exists; choose another name", key="err.user_exists", name=name
        )
    if role == Role.brand_owner and not brand_names:
        raise MarkwatchError(
            "a brand_owner needs at least one --brand NAME (the brands whose leads it may see)",
            key="err.user_needs_brand",
        )
    if role != Role.brand_owner and brand_names:
        raise MarkwatchError("--brand applies only to the brand_owner role", key="err.user_brand_role")
    brands = []
    for brand_name in brand_names:
        brand = session.scalars(select(Brand).where(Brand.name == brand_name)).one_or_none()
        if brand is None:
            raise NotFound(
                f"no brand named {brand_name!r}; `markwatch brands list` shows the registered ones",
                key="cli.no_brand",
                name=brand_name,
            )
        brands.append(brand)
    user = User(name=name, role=role, password_hash=password_hash, locale=locale, brands=brands)
    session.add(user)
    session.flush()
    return user


def set_password_hash(*, session: Session, user: User, password_hash: str, one_time: bool = False) -> None:
    """A new password: every session of the user ends; ``one_time`` makes the user change it at login."""
    user.password_hash = password_hash
    user.must_change_password = one_time
    end_sessions(session=session, user=user)


def end_sessions(*, session: Session, user: User) -> None:
    """End every session of the user (its cookies name an older generation from now on)."""
    session.execute(
        update(User).where(User.id == user.id).values(session_generation=User.session_generation + 1)
    )
    session.refresh(user, ["session_generation"])


def set_disabled(*, session: Session, user: User, disabled: bool) -> None:
    """Disable (ending every session; its API tokens stop working) or enable a user."""
    user.disabled = disabled
    session.flush()
    if disabled:
        end_sessions(session=session, user=user)


def list_tokens(*, session: Session, user: User) -> list[ApiToken]:
    """The user's API tokens, newest first (revoked ones too, marked)."""
    return list(
        session.scalars(
            select(ApiToken)
            .where(ApiToken.user_id == user.id)
            .order_by(ApiToken.created_at.desc(), ApiToken.id.desc())
        )
    )


def revoke_tokens(*, session: Session, user: User, prefix: str | None) -> list[ApiToken]:
    """Revoke the user's unrevoked tokens starting with ``prefix`` (every one when None); returns them.

    Raises NotFound when no unrevoked token of the user matches.
    """
    query = select(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked.is_(False))
    tokens = [t for t in session.scalars(query) if prefix is None or t.prefix.startswith(prefix)]
    if not tokens:
        raise NotFound(
            f"{user.name!r} has no active token"
            + (f" starting with {prefix!r}" if prefix else "")
            + f"; `markwatch users tokens {user.name}` lists them",
            key="err.no_token_starting" if prefix else "err.no_token",
            name=user.name,
            prefix=prefix or "",
        )
    for token in tokens:
        token.revoked = True
    session.flush()
    return tokens


# --- failed logins: the limiter every worker process shares ------------------------------------------


def count_login_failures(*, session: Session, key: str, since: datetime) -> int:
    """Failures recorded under ``key`` at or after ``since``."""
    return int(
        session.scalar(
            select(func.count())
            .select_from(LoginFailure)
            .where(LoginFailure.key == key, LoginFailure.at >= since)
        )
        or 0
    )


def record_login_failure(
    *, session: Session, keys: Sequence[str], at: datetime, forget_before: datetime
) -> None:
    """One failure under each key; failures older than ``forget_before`` are deleted on the way."""
    session.execute(delete(LoginFailure).where(LoginFailure.at < forget_before))
    session.add_all(LoginFailure(key=key, at=at) for key in keys)
    session.flush()


def forget_login_failures(*, session: Session, key: str) -> None:
    session.execute(delete(LoginFailure).where(LoginFailure.key == key))


def count_login_failure_keys(*, session: Session, since: datetime) -> int:
    """How many names and addresses have failures at or after ``since``."""
    return int(
        session.scalar(select(func.count(func.distinct(LoginFailure.key))).where(LoginFailure.at >= since))
        or 0
    )


def add_user_brand(*, session: Session, user: User, brand: Brand) -> None:
    """Widen a brand owner's scope (a brand it registered through the portal)."""
    if brand not in user.brands:
        user.brands.append(brand)
        session.flush()


def brand_scope(user: User) -> list[int] | None:
    """The brand ids a user may see: None means every brand (staff), a list limits a brand owner."""
    if user.role == Role.brand_owner:
        return [b.id for b in user.brands]
    return None


def mark_queue_visit(*, session: Session, user_id: int, at: datetime | None = None) -> datetime | None:
    """Record a visit to the queue; returns the previous visit (what "since last visit" means)."""
    previous = session.scalar(select(User.last_queue_visit_at).where(User.id == user_id))
    session.execute(update(User).where(User.id == user_id).values(last_queue_visit_at=at or utcnow()))
    return previous


def create_token(*, session: Session, user: User, token_hash: str, prefix: str) -> ApiToken:
    row = ApiToken(user_id=user.id, token_hash=token_hash, prefix=prefix)
    session.add(row)
    session.flush()
    return row


def user_for_token(*, session: Session, token_hash: str) -> User | None:
    """The enabled user owning an unrevoked token with this hash (and note the use), or None."""
    token = session.scalars(
        select(ApiToken).where(ApiToken.token_hash == token_hash, ApiToken.revoked.is_(False))
    ).one_or_none()
    if token is None:
        return None
    token.last_used_at = utcnow()
    user = get_user(session=session, user_id=token.user_id)
    if user is None or user.disabled:
        return None
    return user


# --- brand-owner portal ------------------------------------------------------------------------------


def brands_for_user(*, session: Session, user: User) -> list[Brand]:
    """What the brands page lists: a brand owner's own brands and submissions; everything for staff."""
    from storage.models import Role as _Role

    query = select(Brand).options(selectinload(Brand.marks)).order_by(Brand.status, Brand.name)
    if user.role == _Role.brand_owner:
        own = [b.id for b in user.brands] or [-1]
        query = query.where((Brand.id.in_(own)) | (Brand.submitted_by_id == user.id))
    return list(session.scalars(query))


def pending_brands(*, session: Session) -> list[tuple[Brand, str | None]]:
    """Brands waiting for an admin, oldest first, with the name of whoever submitted each."""
    query = (
        select(Brand, User.name)
        .outerjoin(User, User.id == Brand.submitted_by_id)
        .options(
            selectinload(Brand.marks), selectinload(Brand.registrations), selectinload(Brand.official_images)
        )
        .where(Brand.status == "pending")
        .order_by(Brand.created_at, Brand.id)
    )
    return [(b, n) for b, n in session.execute(query)]


def decide_brand(*, session: Session, brand_id: int, approve: bool, admin: User, note: str | None) -> Brand:
    """Approve or reject a pending brand; an approved brand joins its submitter's scope."""
    brand = session.get(Brand, brand_id)
    if brand is None or brand.status != "pending":
        raise NotFound("no pending brand with that id")
    brand.status = "approved" if approve else "rejected"
    brand.decided_by_id = admin.id
    brand.decision_note = note
    if approve and brand.submitted_by_id is not None:
        submitter = get_user(session=session, user_id=brand.submitted_by_id)
        if submitter is not None and submitter.role == Role.brand_owner:
            add_user_brand(session=session, user=submitter, brand=brand)
    session.flush()
    return brand
