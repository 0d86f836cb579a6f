"""Logging in and out, and the language switch."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from review.deps import CsrfDep, SessionDep, optional_user, render, safe_next
from review.security import SessionData, password_fingerprint, verify_password
from storage.models import User
from storage.users import get_user_by_name

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
    request.state.session = SessionData(user_id=user.id, fingerprint=password_fingerprint(user.password_hash))
    request.state.session_changed = True
    return RedirectResponse(safe_next(next), status_code=303)


@router.post("/logout", dependencies=[CsrfDep])
def logout(request: Request) -> Response:
    request.state.session = SessionData()
    request.state.session_changed = True
    return RedirectResponse("/login", status_code=303)


@router.get("/lang/{code}")
def switch_language(request: Request, code: str, next: str | None = None) -> Response:
    response = RedirectResponse(safe_next(next), status_code=303)
    lang = "en" if code.lower().startswith("en") else "zh_CN"
    response.set_cookie("mw_lang", lang, max_age=365 * 86400, httponly=True, samesite="lax", path="/")
    return response
