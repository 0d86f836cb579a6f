"""Dependencies shared by the routers: the database session, the current user, roles, CSRF, rendering."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import Depends, HTTPException, Request
from fastapi.responses import HTMLResponse
from sqlalchemy.orm import Session

from review import format as fmt
from review.i18n import MESSAGES, label, normalise, translate
from review.security import csrf_ok, password_fingerprint
from storage.models import Role, User
from storage.users import brand_scope, get_user, user_for_token

STAFF = (Role.admin.value, Role.reviewer.value, Role.investigator.value)
DECIDERS: dict[str, tuple[str, ...]] = {
    "confirm": (Role.admin.value, Role.reviewer.value),
    "dismiss": (Role.admin.value, Role.reviewer.value),
    "assign": (Role.admin.value, Role.reviewer.value),
    "escalate": (Role.admin.value, Role.reviewer.value, Role.investigator.value),
    "transfer": (Role.admin.value, Role.reviewer.value, Role.investigator.value),
}
EVIDENCE_ROLES = STAFF


class BadInput(HTTPException):
    """A query or form value that cannot be used: 400, naming the parameter and what is wrong with it.

    ``problem`` names a catalogue message ``input.<problem>`` (review/i18n.py) filled with ``values``:
    a page shows it in the page's language, the JSON API in English (``detail``).
    """

    def __init__(self, param: str, problem: str, **values: object) -> None:
        value = values.get("value")
        if isinstance(value, str):
            values["value"] = value[:40]  # scraped or typed text: enough to recognise it
        self.param, self.problem, self.values = param, problem, values
        super().__init__(400, self.message("en", param))

    def message(self, lang: str, param: str | None = None) -> str:
        return translate(
            f"input.{self.problem}", lang, param=param or param_label(self.param, lang), **self.values
        )


def param_label(name: str, lang: str) -> str:
    """A parameter as a page names it: ``起始日期（from）``, ``From date (from)``; unknown ones as is."""
    key = f"param.{name}"
    if key not in MESSAGES:
        return name
    return translate(key, lang) + (f"（{name}）" if normalise(lang) != "en" else f" ({name})")


class LoginRequired(Exception):
    """A page needs a logged-in user: the app answers with a redirect to /login."""


class PasswordChangeRequired(Exception):
    """The user logged in with a one-time password: every page answers with the change-password page."""


PASSWORD_PAGE = "/account/password"


def get_session(request: Request) -> Iterator[Session]:
    """One session per request; handlers commit what they write, anything else is rolled back."""
    with Session(request.app.state.db.engine, expire_on_commit=False) as session:
        yield session


SessionDep = Annotated[Session, Depends(get_session)]


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization") or ""
    scheme, _, token = header.partition(" ")
    return token.strip() if scheme.lower() == "bearer" and token.strip() else None


def optional_user(request: Request, session: SessionDep) -> User | None:
    from review.security import hash_token

    token = _bearer(request)
    if token is not None:
        user = user_for_token(session=session, token_hash=hash_token(token))
        if user is None:
            raise HTTPException(401, "invalid or revoked API token", headers={"WWW-Authenticate": "Bearer"})
        session.commit()  # last_used_at
        request.state.via_token = True
        request.state.user = user
        return user
    data = request.state.session
    if data.user_id is None:
        return None
    user = get_user(session=session, user_id=data.user_id)
    if (
        user is None
        or user.disabled
        or data.generation != user.session_generation
        or data.fingerprint != password_fingerprint(user.password_hash)
    ):
        return None
    request.state.user = user
    return user


def current_user(request: Request, user: Annotated[User | None, Depends(optional_user)]) -> User:
    if user is None:
        if request.url.path.startswith("/api/"):
            raise HTTPException(
                401, "log in or send Authorization: Bearer TOKEN", headers={"WWW-Authenticate": "Bearer"}
            )
        raise LoginRequired()
    if user.must_change_password and not request.state.via_token and request.url.path != PASSWORD_PAGE:
        if request.url.path.startswith("/api/"):
            raise HTTPException(403, "error.password_change")
        raise PasswordChangeRequired()
    return user


UserDep = Annotated[User, Depends(current_user)]


def require(*roles: str) -> Callable[[User], User]:
    """A dependency that lets only these roles through (403 otherwise)."""

    def check(user: UserDep) -> User:
        if user.role not in roles:
            raise HTTPException(403, "error.403")
        return user

    return check


StaffDep = Annotated[User, Depends(require(*STAFF))]
AdminDep = Annotated[User, Depends(require(Role.admin.value))]


async def csrf_protect(request: Request) -> None:
    """Refuse a state-changing request from a browser session without the session's CSRF token.

    Bearer-token requests carry no ambient credential and need none. Forms send ``csrf_token``;
    scripts using the session send the header ``X-CSRF-Token``.
    """
    if _bearer(request) is not None:
        return
    token = request.headers.get("x-csrf-token")
    if token is None:
        content_type = request.headers.get("content-type", "")
        if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            value = form.get("csrf_token")
            token = value if isinstance(value, str) else None
    if not csrf_ok(request.state.session, token):
        raise HTTPException(403, "error.csrf")


CsrfDep = Depends(csrf_protect)

JSON_MAX_DEPTH = 32  # arrays and objects inside each other; the deepest body the API takes needs 3
BODY_METHODS = ("POST", "PUT", "PATCH")


def json_depth(value: object, limit: int = JSON_MAX_DEPTH) -> int:
    """How deep arrays and objects nest in a parsed JSON value, counted up to ``limit + 1`` at most."""
    deepest, todo = 0, [(value, 1)]
    while todo:
        item, depth = todo.pop()
        if isinstance(item, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > limit:
                return deepest
            todo.extend((child, depth + 1) for child in (item.values() if isinstance(item, dict) else item))
    return deepest


def has_lone_surrogate(value: object) -> bool:
    """Whether a parsed JSON value holds a string (or key) with a lone surrogate (``"\\ud800"``): not
    Unicode text, so it can be neither stored nor answered in UTF-8."""
    todo = [value]
    while todo:
        item = todo.pop()
        if isinstance(item, str):
            if any("\ud800" <= ch <= "\udfff" for ch in item):
                return True
        elif isinstance(item, dict):
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, list):
            todo.extend(item)
    return False


async def json_body(request: Request) -> None:
    """An API body is JSON (else 415) nested at most JSON_MAX_DEPTH deep, of Unicode text (else 422).

    FastAPI hands a body of any other type to the route as bytes, and a deep one reaches code that
    recurses over it; both are refused here, before any route sees them.
    """
    if request.method not in BODY_METHODS:
        return
    body = await request.body()
    media = request.headers.get("content-type", "").split(";")[0].strip().lower()
    if not body:
        return  # no body at all: the route's own validation says what is missing
    if media != "application/json" and not media.endswith("+json"):
        raise HTTPException(415, "error.415")
    value = await request.json()
    if json_depth(value) > JSON_MAX_DEPTH:
        raise HTTPException(422, "error.too_deep")
    if has_lone_surrogate(value):
        raise HTTPException(422, "error.not_text")


JsonBodyDep = Depends(json_body)


def sees_internals(user: User | None) -> bool:
    """Staff see the audit trail, departments and the criminal threshold; a brand owner sees none of them."""
    return user is not None and user.role != Role.brand_owner


def scope_of(user: User) -> tuple[int, ...] | None:
    scope = brand_scope(user)
    return None if scope is None else tuple(scope)


def lang_of(request: Request) -> str:
    cookie = request.cookies.get("mw_lang")
    if cookie:
        return normalise(cookie)
    user = getattr(request.state, "user", None)
    return normalise(user.locale if user is not None else None)


def safe_next(value: str | None, default: str = "/") -> str:
    """A local path to go back to; anything that could leave the site becomes ``default``."""
    if not value or not value.startswith("/") or value.startswith("//") or "\\" in value or "\n" in value:
        return default
    return value


def render(request: Request, template: str, status_code: int = 200, **context: Any) -> HTMLResponse:
    lang = lang_of(request)
    settings = request.app.state.settings

    def t(key: str, **values: Any) -> str:
        return translate(key, lang, **values)

    def query_with(**changes: Any) -> str:
        params = {k: v for k, v in request.query_params.items() if k != "page"}
        for k, v in changes.items():
            if v is None:
                params.pop(k, None)
            else:
                params[k] = str(v)
        return "?" + urlencode(params)

    base = {
        "request": request,
        "t": t,
        "lang": lang,
        "label": lambda prefix, value: label(prefix, value, lang),
        "user": getattr(request.state, "user", None),
        "internal": sees_internals(getattr(request.state, "user", None)),
        "csrf_token": request.state.session.nonce,
        "money": fmt.money,
        "when": lambda value: fmt.local_time(value, settings.timezone),
        "percent": fmt.percent,
        "number": fmt.number,
        "reason_detail": fmt.reason_detail,
        "query_with": query_with,
        "STAFF": STAFF,
        "DECIDERS": DECIDERS,
    }
    base.update(context)
    return request.app.state.templates.TemplateResponse(request, template, base, status_code=status_code)
