"""The admin's users page: list users, disable or enable one, reset a password to a one-time one."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import Response

from review.deps import AdminDep, CsrfDep, SessionDep, render
from review.security import generate_password, hash_password
from storage.users import get_user, list_tokens, list_users, set_disabled, set_password_hash

router = APIRouter(include_in_schema=False)


def _page(request: Request, session: SessionDep, status_code: int = 200, **context: object) -> Response:
    rows = [
        (u, sum(1 for t in list_tokens(session=session, user=u) if not t.revoked))
        for u in list_users(session=session)
    ]
    context.setdefault("done", None)
    context.setdefault("one_time", None)
    return render(request, "users.html", status_code=status_code, rows=rows, **context)


@router.get("/admin/users")
def users_page(request: Request, session: SessionDep, user: AdminDep) -> Response:
    return _page(request, session)


@router.post("/admin/users/{user_id}", dependencies=[CsrfDep])
def change_user(
    request: Request,
    session: SessionDep,
    user: AdminDep,
    user_id: int,
    action: Annotated[str, Form(max_length=16)],
) -> Response:
    """``disable`` (ends every session; tokens stop working), ``enable``, or ``reset`` (a one-time
    password, shown once, that the user must change at the next login)."""
    target = get_user(session=session, user_id=user_id)
    if target is None:
        raise HTTPException(404, "error.404")
    if action not in ("disable", "enable", "reset"):
        raise HTTPException(400, "error.400")
    if target.id == user.id and action == "disable":
        return _page(request, session, status_code=400, done="users.not_yourself", who=target.name)
    one_time = None
    if action == "reset":
        one_time = generate_password()
        set_password_hash(session=session, user=target, password_hash=hash_password(one_time), one_time=True)
    else:
        set_disabled(session=session, user=target, disabled=action == "disable")
    session.commit()
    return _page(request, session, done=f"users.done_{action}", who=target.name, one_time=one_time)
