"""Which platforms are crawled: enabling and disabling them (built-in and added profiles alike).

A platform added with ``platforms add`` is enabled when added. A built-in profile is stored on first
use; the bundled demo profiles are enabled until disabled, every other built-in profile (the real
marketplaces) is disabled until enabled: a fresh installation never crawls a marketplace by itself.
A disabled platform is skipped by ``markwatch run`` and the scheduler, and ``markwatch crawl`` of it is
refused with a message saying how to enable it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from storage.errors import MarkwatchError, NotFound

if TYPE_CHECKING:
    from crawler.profiles import Profile
    from storage import Database

BUILTIN_MARK = "_builtin"  # in a stored profile: a copy of a built-in one, not the user's


def is_enabled(db: Database, name: str) -> bool:
    """Whether ``name`` is crawled by ``run`` and the scheduler; raises NotFound for an unknown platform."""
    from crawler.profiles import DEMOS, builtin_profile
    from storage.crawl import get_platform

    with db.session() as session:
        row = get_platform(session=session, name=name)
        if row is not None and row.profile:
            return bool(row.enabled)
    if builtin_profile(name) is None:
        raise NotFound(
            f"no platform profile named {name!r}; see `markwatch platforms list`",
            key="err.no_platform_profile",
            name=name,
        )
    return name in DEMOS


def set_enabled(db: Database, name: str, enabled: bool) -> bool:
    """Enable or disable a platform (a built-in one is stored with its profile first); returns whether
    it changed. Raises NotFound for an unknown platform."""
    from storage.crawl import get_platform

    was = is_enabled(db, name)
    resolve_profile(db, name)  # a built-in profile is stored on first use
    with db.session() as session:
        row = get_platform(session=session, name=name)
        if row is None:
            raise MarkwatchError(
                f"platform {name!r} has no profile to crawl; add one: `platforms add`",
                key="err.platform_without_profile",
                name=name,
            )
        row.enabled = enabled
    return was != enabled


def enabled_platforms(db: Database) -> list[str]:
    """Every platform ``run`` crawls: the enabled built-in ones (in their order), then the enabled added
    ones (by name)."""
    from crawler.profiles import BUILTIN, DEMOS
    from storage.crawl import list_platforms

    with db.session() as session:
        rows = {p.name: p for p in list_platforms(session=session) if p.profile}
    builtins = [n for n in BUILTIN if (rows[n].enabled if n in rows else n in DEMOS)]
    added = [n for n, p in sorted(rows.items()) if n not in BUILTIN and p.enabled]
    return builtins + added


def resolve_profile(db: Database, platform_name: str) -> Profile:
    """The platform's profile: the one `platforms add` stored, else a built-in one (stored on first use)."""
    from sqlalchemy.exc import IntegrityError

    from crawler.profiles import DEMOS, Profile, builtin_profile
    from storage.crawl import get_platform, upsert_platform

    for attempt in range(3):
        try:
            with db.session() as session:
                row = get_platform(session=session, name=platform_name)
                if row is not None and row.profile and not row.profile.get(BUILTIN_MARK):
                    return Profile(dict(row.profile))  # added with `platforms add`: it wins
                builtin = builtin_profile(platform_name)
                if builtin is None:
                    from storage.errors import NotFound

                    raise NotFound(
                        f"no platform profile named {platform_name!r}; see `markwatch platforms list`, "
                        "or add one with `markwatch platforms add PROFILE.yaml`",
                        key="err.no_platform_profile_to_add",
                        name=platform_name,
                    )
                row, created = upsert_platform(
                    session=session,
                    name=builtin.name,
                    title=builtin.title,
                    render=builtin.render,
                    profile=builtin.data | {BUILTIN_MARK: True},  # refreshed from the file on every crawl
                )
                if created:  # a real marketplace's profile is disabled until enabled
                    row.enabled = builtin.name in DEMOS
                return builtin
        except IntegrityError:  # a crawler process next to this one stored it first
            if attempt == 2:
                raise
    raise AssertionError("unreachable")
