"""Brands: the list, the brand-owner portal (register, upload official images) and admin approval.

The registration itself is ``review.registrations``. New brands are pending until an admin approves;
the approval page shows the existing marks a new one resembles.
"""

from __future__ import annotations

import logging
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from brands.registry_file import BRAND_KEYS
from brands.service import conflicts_with_registered, spec_from_brand
from review.blobs import image_response
from review.deps import AdminDep, BadInput, CsrfDep, SessionDep, UserDep, lang_of, render, require
from review.registrations import (
    MAX_IMAGE_BYTES,
    Refusal,
    conflict_text,
    marks_registry,
    register_brand,
    registration_entry,
    resemblances,
)
from storage.errors import MarkwatchError
from storage.models import Brand, BrandStatus, Role, User
from storage.users import brands_for_user, decide_brand, pending_brands

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)

Registrar = Annotated[User, Depends(require(Role.admin.value, Role.brand_owner.value))]


def _lines(text: str | None) -> list[str]:
    return [
        line.strip()
        for line in (text or "").replace(",", "\n").replace("，", "\n").splitlines()
        if line.strip()
    ]


@router.get("/brands")
def brands_page(request: Request, session: SessionDep, user: UserDep) -> Response:
    brands = brands_for_user(session=session, user=user)
    submitted = request.query_params.get("submitted")
    just_submitted = next((b for b in brands if str(b.id) == submitted), None)
    return render(
        request,
        "brands.html",
        brands=brands,
        can_register=user.role in (Role.admin, Role.brand_owner),
        problems=[],
        submitted=just_submitted.name if just_submitted else None,
        # the registrant is warned on submit, as the admin will be on the approval card
        resembles=resemblances(request.app.state.db, just_submitted) if just_submitted else [],
        form={},
    )


@router.post("/brands", dependencies=[CsrfDep])
async def register(request: Request, session: SessionDep, user: Registrar) -> Response:
    form = await request.form()

    def field(name: str) -> str:
        value = form.get(name)
        return value[:5000] if isinstance(value, str) else ""

    entry = registration_entry(
        name=field("name").strip(),
        aliases=_lines(field("aliases")),
        owner=field("owner").strip() or None,
        registrations=[_registration(line) for line in _lines(field("registrations"))],
        categories=_lines(field("categories")),
        price_floor=_number(field("price_floor")),
        authorized_sellers=_lines(field("authorized_sellers")),
    )
    images = []
    for upload in form.getlist("images"):
        if isinstance(upload, str) or not getattr(upload, "filename", None):
            continue
        images.append((upload.filename or "image", await upload.read(MAX_IMAGE_BYTES + 1)))
    try:
        brand = register_brand(session, request.app.state.db, user, entry, images, source="form")
    except Refusal as refusal:
        session.rollback()
        return render(
            request,
            "brands.html",
            status_code=400,
            brands=brands_for_user(session=session, user=user),
            can_register=True,
            problems=refusal.texts(lang_of(request)),
            submitted=None,
            form={k: field(k) for k in BRAND_KEYS if k != "official_images"},  # images are not echoed
        )
    session.commit()
    return RedirectResponse(f"/brands?submitted={brand.id}", status_code=303)


INTERNATIONAL_WORDS = {"国际", "马德里", "international", "madrid"}


def _registration(line: str) -> dict[str, Any]:
    """One line of the form's registrations: ``NUMBER CLASS``, then ``国际`` for a Madrid number."""
    words = line.split()
    international = bool(words) and words[-1].casefold() in INTERNATIONAL_WORDS
    if international:
        words = words[:-1]
    entry: dict[str, Any] = {"number": words[0] if words else ""}
    nice = " ".join(words[1:])
    if nice:  # else the registry's validation says the class is missing
        entry["nice_class"] = int(nice) if nice.isdigit() else nice
    if international:
        entry["international"] = True
    return entry


def _number(text: str) -> Any:
    text = text.strip()
    if not text:
        return None
    try:
        return float(text)
    except ValueError:
        return text  # the registry validation names it


@router.get("/brands/{brand_id}/images/{position}")
def brand_image(
    request: Request, brand_id: int, position: int, session: SessionDep, user: UserDep
) -> Response:
    brand = next((b for b in brands_for_user(session=session, user=user) if b.id == brand_id), None)
    if brand is None or not 0 <= position < len(brand.official_images):
        raise HTTPException(404, "error.404")
    return image_response(request.app.state.db, brand.official_images[position].sha256)


# --- approval ----------------------------------------------------------------------------------------------


@router.get("/admin/approvals")
def approvals(request: Request, session: SessionDep, user: AdminDep) -> Response:
    return _approvals_page(request, session)


def _approvals_page(
    request: Request, session: Session, *, status_code: int = 200, refused: dict[int, Any] | None = None
) -> Response:
    db = request.app.state.db
    registry = marks_registry(db)
    items = [
        (brand, submitter, resemblances(db, brand, registry))
        for brand, submitter in pending_brands(session=session)
    ]
    lang = lang_of(request)
    return render(
        request,
        "approvals.html",
        status_code=status_code,
        items=items,
        refused=refused or {},
        conflict_text=lambda c: conflict_text(c, lang),
    )


@router.post("/admin/brands/{brand_id}/decision", dependencies=[CsrfDep])
def approve(
    request: Request,
    brand_id: int,
    session: SessionDep,
    user: AdminDep,
    action: Annotated[str, Form()],
    note: Annotated[str, Form(max_length=2000)] = "",
) -> Response:
    if action not in ("approve", "reject"):
        raise BadInput("action", "one_of", value=action, choices="approve, reject")
    brand = session.get(Brand, brand_id)
    if action == "approve" and brand is not None and brand.status == BrandStatus.pending:
        conflicts = conflicts_with_registered(session, spec_from_brand(brand), where="this registration")
        if conflicts:  # approving would give two brands one mark in one class
            return _approvals_page(request, session, status_code=409, refused={brand.id: conflicts})
    try:
        decide_brand(
            session=session, brand_id=brand_id, approve=action == "approve", admin=user, note=note or None
        )
    except MarkwatchError:
        raise HTTPException(404, "error.404") from None
    session.commit()
    return RedirectResponse("/admin/approvals", status_code=303)
