"""Logging in and out, changing one's password, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from review.deps import PASSWORD_PAGE, CsrfDep, SessionDep, UserDep, optional_user, render, safe_next
from review.security import SessionData, hash_password, password_fingerprint, verify_password
from storage.models import User
from storage.users import end_sessions, get_user_by_name, set_password_hash

router = APIRouter(include_in_schema=False)


@router.get("/login")
def login_page(
    request: Request, user: Annotated[User | None, Depends(optional_user)], next: str | None = None
) -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return render(request, "login.html", next=safe_next(next), error=None)


@router.post("/login", dependencies=[CsrfDep])
def login(
    request: Request,
    session: SessionDep,
    name: Annotated[str, Form(max_length=100)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form()] = "/",
) -> Response:
    limiter = request.app.state.limiter
    address = request.client.host if request.client else "?"
    name = name.strip()
    if limiter.blocked(name, address):
        return render(request, "login.html", status_code=429, next=safe_next(next), error="login.limited")
    user = get_user_by_name(session=session, name=name)
    if user is None or user.disabled or not verify_password(user.password_hash, password):
        limiter.failed(name, address)
        return render(request, "login.html", status_code=401, next=safe_next(next), error="login.failed")
    limiter.succeeded(name)
    # a new session (and CSRF nonce) at login: a token planted before login is worth nothing after it
    start_session(request, user)
    if user.must_change_password:
        return RedirectResponse(PASSWORD_PAGE, status_code=303)
    return RedirectResponse(safe_next(next), status_code=303)


def start_session(request: Request, user: User) -> None:
    """A new session (and CSRF nonce) for the user, in its current session generation."""
    request.state.session = SessionData(
        user_id=user.id,
        fingerprint=password_fingerprint(user.password_hash),
        generation=user.session_generation,
    )
    request.state.session_changed = True


@router.post("/logout", dependencies=[CsrfDep])
def logout(
    request: Request, session: SessionDep, user: Annotated[User | None, Depends(optional_user)]
) -> Response:
    if user is not None and not request.state.via_token:
        end_sessions(session=session, user=user)  # a cookie copied before logout is worth nothing after it
        session.commit()
    request.state.session = SessionData()
    request.state.session_changed = True
    return RedirectResponse("/login", status_code=303)


MIN_PASSWORD = 8  # characters


@router.get(PASSWORD_PAGE)
def password_page(request: Request, user: UserDep) -> Response:
    return render(request, "account_password.html", error=None, forced=user.must_change_password)


@router.post(PASSWORD_PAGE, dependencies=[CsrfDep])
def change_password(
    request: Request,
    session: SessionDep,
    user: UserDep,
    current: Annotated[str, Form(max_length=1000)],
    new: Annotated[str, Form(max_length=1000)],
    repeat: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Change one's own password: every other session of the user ends; this one goes on."""
    error = None
    if not verify_password(user.password_hash, current):
        error = "password.wrong_current"
    elif len(new) < MIN_PASSWORD:
        error = "password.too_short"
    elif new != repeat:
        error = "password.mismatch"
    elif new == current:
        error = "password.same"
    if error:
        return render(
            request, "account_password.html", status_code=400, error=error, forced=user.must_change_password
        )
    set_password_hash(session=session, user=user, password_hash=hash_password(new))
    session.commit()
    start_session(request, user)
    return RedirectResponse("/", status_code=303)


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str | None = None) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    lang = "en" if code.lower().startswith("en") else "zh_CN"
    response.set_cookie("mw_lang", lang, max_age=365 * 86400, httponly=True, samesite="lax", path="/")
    return response
