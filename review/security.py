"""Secrets and their checks: argon2 passwords, hashed API tokens, signed session cookies with a CSRF
nonce, and the login rate limiter (its failures kept in the database).

The session cookie is stateless: ``base64(json).hmac`` signed with the installation's key (created on
first use under MARKWATCH_HOME, mode 0600). It carries the user id, a fingerprint of the password hash
(so a password change ends every session), the user's session generation (logout, a password change
or disabling the user move it on, ending every session of that user), the CSRF nonce and when it was
issued.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from storage import users

if TYPE_CHECKING:
    from storage import Database

SESSION_COOKIE = "mw_session"
LANG_COOKIE = "mw_lang"
SESSION_MAX_AGE = 12 * 3600  # seconds: a working day, then log in again
TOKEN_PREFIX = "mwt_"

_hasher = PasswordHasher()


def hash_password(password: str) -> str:
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    if not password_hash:
        return False
    try:
        return _hasher.verify(password_hash, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


def generate_password() -> str:
    return secrets.token_urlsafe(12)


def new_api_token() -> tuple[str, str, str]:
    """(token, sha256 hex of it, display prefix): only the hash is stored."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    return token, hash_token(token), token[: len(TOKEN_PREFIX) + 6]


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def password_fingerprint(password_hash: str | None) -> str:
    return hashlib.sha256((password_hash or "").encode()).hexdigest()[:16]


def load_secret_key(home: Path) -> bytes:
    """The installation's cookie-signing key, created (0600) on first use."""
    path = Path(home) / "session.key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        # written whole under a temporary name, then linked into place: two web workers starting
        # together both end up reading the one key that won, never a half-written file
        tmp = path.with_name(f".session.key.{os.getpid()}")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        try:
            os.write(fd, secrets.token_bytes(32).hex().encode())
        finally:
            os.close(fd)
        try:
            os.link(tmp, path)
        except FileExistsError:
            pass
        finally:
            tmp.unlink()
    return bytes.fromhex(path.read_text().strip())


@dataclass
class SessionData:
    nonce: str = field(default_factory=lambda: secrets.token_urlsafe(24))  # the CSRF token
    user_id: int | None = None
    fingerprint: str | None = None
    issued: float = field(default_factory=time.time)
    generation: int = 0  # the user's session generation when issued: a later one ends this session


class SessionCodec:
    def __init__(self, key: bytes) -> None:
        self.key = key

    def _sign(self, payload: bytes) -> str:
        return (
            base64.urlsafe_b64encode(hmac.new(self.key, payload, hashlib.sha256).digest())
            .decode()
            .rstrip("=")
        )

    def dumps(self, data: SessionData) -> str:
        raw = json.dumps(
            {
                "n": data.nonce,
                "u": data.user_id,
                "f": data.fingerprint,
                "t": int(data.issued),
                "g": data.generation,
            },
            separators=(",", ":"),
        ).encode()
        payload = base64.urlsafe_b64encode(raw).decode().rstrip("=")
        return f"{payload}.{self._sign(payload.encode())}"

    def loads(self, value: str | None) -> SessionData | None:
        """The session in a cookie, or None when it is missing, forged or expired."""
        if not value or "." not in value or len(value) > 4096:
            return None
        payload, _, signature = value.partition(".")
        if not hmac.compare_digest(signature, self._sign(payload.encode())):
            return None
        try:
            data: dict[str, Any] = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
            session = SessionData(
                nonce=str(data["n"]),
                user_id=int(data["u"]) if data.get("u") is not None else None,
                fingerprint=data.get("f"),
                issued=float(data["t"]),
                generation=int(data.get("g", 0)),
            )
        except (ValueError, KeyError, TypeError):
            return None
        if time.time() - session.issued > SESSION_MAX_AGE:
            return None
        return session


def csrf_ok(session: SessionData | None, token: str | None) -> bool:
    return bool(session and token) and hmac.compare_digest(str(token), session.nonce)  # type: ignore[union-attr]


class LoginLimiter:
    """Failed logins per user name and per address in a sliding window; past the limit: refuse.

    The failures live in the database (``login_failures``), so every worker process of ``serve
    --workers N`` counts the same ones. Only failures make rows, and a failure is deleted once it has
    left the window (on the next failure), so names that are merely tried cost nothing.
    """

    def __init__(
        self,
        db: Database,
        per_user: int = 5,
        per_address: int = 20,
        window: float = 900.0,  # seconds
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.db = db
        self.per_user = per_user
        self.per_address = per_address
        self.window = window
        self._clock = clock

    def _now(self) -> datetime:
        return datetime.fromtimestamp(self._clock(), UTC)

    def __len__(self) -> int:
        """How many names and addresses have failures in the window."""
        with self.db.session() as session:
            return users.count_login_failure_keys(
                session=session, since=self._now() - timedelta(seconds=self.window)
            )

    def blocked(self, name: str, address: str) -> bool:
        since = self._now() - timedelta(seconds=self.window)
        with self.db.session() as session:
            return (
                users.count_login_failures(session=session, key=_user_key(name), since=since) >= self.per_user
                or users.count_login_failures(session=session, key=_address_key(address), since=since)
                >= self.per_address
            )

    def failed(self, name: str, address: str) -> None:
        now = self._now()
        with self.db.session() as session:
            users.record_login_failure(
                session=session,
                keys=[_user_key(name), _address_key(address)],
                at=now,
                forget_before=now - timedelta(seconds=self.window),
            )

    def succeeded(self, name: str) -> None:
        with self.db.session() as session:
            users.forget_login_failures(session=session, key=_user_key(name))


def _user_key(name: str) -> str:
    return "u:" + name.casefold()[:190]


def _address_key(address: str) -> str:
    return "a:" + address[:190]
