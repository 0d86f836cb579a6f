"""Repository functions for people and access: users, their brand scope, API tokens.

Passwords and tokens arrive here already hashed (argon2 for passwords, sha256 for tokens, done by
review.security); this module never sees a secret in clear.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, selectinload

from storage.errors import MarkwatchError, NotFound
from storage.models import ApiToken, Brand, Role, User, utcnow

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
        raise MarkwatchError("a user needs a name")
    if role not in ROLES:
        raise MarkwatchError(f"unknown role {role!r}; choose one of {', '.join(ROLES)}")
    if get_user_by_name(session=session, name=name) is not None:
        raise MarkwatchError(f"a user named {name!r} already exists; choose another name")
    if role == Role.brand_owner and not brand_names:
        raise MarkwatchError(
            "a brand_owner needs at least one --brand NAME (the brands whose leads it may see)"
        )
    if role != Role.brand_owner and brand_names:
        raise MarkwatchError("--brand applies only to the brand_owner role")
    brands = []
    for brand_name in brand_names:
        brand = session.scalars(select(Brand).where(Brand.name == brand_name)).one_or_none()
        if brand is None:
            raise NotFound(
                f"no brand named {brand_name!r}; `markwatch brands list` shows the registered ones"
            )
        brands.append(brand)
    user = User(name=name, role=role, password_hash=password_hash, locale=locale, brands=brands)
    session.add(user)
    session.flush()
    return user


def set_password_hash(*, session: Session, user: User, password_hash: str) -> None:
    user.password_hash = password_hash
    session.flush()


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
