"""Brands: the list, the brand-owner portal (register, upload official images) and admin approval.

A registration goes through ``brands.registry_file.parse_registry``, the very validation of the
registry file, so the portal cannot accept what `markwatch brands import` would refuse. New brands
are pending until an admin approves; the approval page shows the existing marks a new one resembles.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Annotated, Any

import yaml
from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from brands.marks import MarkConflict
from brands.service import conflicts_with_registered, save_brand, spec_from_brand
from review.blobs import image_response
from review.deps import AdminDep, BadInput, CsrfDep, SessionDep, UserDep, lang_of, render, require
from review.i18n import translate
from storage.brands import ImageRecord, get_brand
from storage.errors import MarkwatchError
from storage.models import Brand, BrandStatus, Role, User
from storage.users import brands_for_user, decide_brand, pending_brands

router = APIRouter(include_in_schema=False)
log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGES = 10
Registrar = Annotated[User, Depends(require(Role.admin.value, Role.brand_owner.value))]


Reason = str | Callable[[str], str]  # a text, or a text in the language given


@dataclass
class Refusal(Exception):
    """A registration refused, with every reason; ``texts(lang)`` says them in the page's language."""

    reasons: list[Reason]

    def texts(self, lang: str) -> list[str]:
        return [r if isinstance(r, str) else r(lang) for r in self.reasons]

    @property
    def messages(self) -> list[str]:
        """The reasons in English (the JSON API's language)."""
        return self.texts("en")


def _lines(text: str | None) -> list[str]:
    return [
        line.strip()
        for line in (text or "").replace(",", "\n").replace("，", "\n").splitlines()
        if line.strip()
    ]


def registration_entry(
    *,
    name: str,
    aliases: list[str],
    owner: str | None,
    registrations: list[dict[str, Any]],
    categories: list[str],
    price_floor: Any,
    authorized_sellers: list[str],
    unknown: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One brand as the registry file writes it; ``unknown`` keys go in too, for its validation to refuse."""
    entry: dict[str, Any] = {"name": name}
    if aliases:
        entry["aliases"] = aliases
    if owner:
        entry["owner"] = owner
    if registrations:
        entry["registrations"] = registrations
    if categories:
        entry["categories"] = categories
    if price_floor not in (None, ""):
        entry["price_floor"] = price_floor
    if authorized_sellers:
        entry["authorized_sellers"] = authorized_sellers
    entry.update(unknown or {})
    return entry


def register_brand(
    session: Session, db: Any, user: User, entry: dict[str, Any], images: list[tuple[str, bytes]], source: str
) -> Any:
    """Validate one brand entry like a registry file and store it pending; raises Refusal with reasons."""
    from brands.registry_file import RegistryFileError, parse_registry

    text = yaml.safe_dump({"brands": [entry]}, allow_unicode=True, sort_keys=False)
    try:
        parsed = parse_registry(text, source=source, base_dir=None)
    except RegistryFileError as exc:
        raise Refusal([p.message for p in exc.problems]) from exc
    spec = parsed.brands[0]
    if get_brand(session=session, name=spec.name) is not None:
        raise Refusal([f"brand {spec.name!r} exists already"])
    conflicts = conflicts_with_registered(session, spec, where="this registration")
    if conflicts:
        raise Refusal([functools.partial(conflict_text, c) for c in conflicts])
    records = [_image_record(db, filename, data) for filename, data in images[:MAX_IMAGES]]
    brand = save_brand(
        session,
        spec,
        records,
        status=BrandStatus.pending if user.role != Role.admin else BrandStatus.approved,
        submitted_by_id=user.id,
    )
    session.flush()
    return brand


def _image_record(db: Any, filename: str, data: bytes) -> ImageRecord:
    import imagehash
    from PIL import Image, UnidentifiedImageError

    if len(data) > MAX_IMAGE_BYTES:
        raise Refusal([f"{filename}: larger than 5 MB"])
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            kind = (image.format or "img").lower()
            phash = str(imagehash.phash(image))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise Refusal([f"{filename}: not an image"]) from exc
    sha = db.blobs.put(data)
    return ImageRecord(source_path=f"portal/{sha[:16]}.{kind}", sha256=sha, phash=phash)


@router.get("/brands")
def brands_page(request: Request, session: SessionDep, user: UserDep) -> Response:
    return render(
        request,
        "brands.html",
        brands=brands_for_user(session=session, user=user),
        can_register=user.role in (Role.admin, Role.brand_owner),
        problems=[],
        submitted=request.query_params.get("submitted"),
        form={},
    )


@router.post("/brands", dependencies=[CsrfDep])
async def register(request: Request, session: SessionDep, user: Registrar) -> Response:
    form = await request.form()

    def field(name: str) -> str:
        value = form.get(name)
        return value[:5000] if isinstance(value, str) else ""

    registrations: list[dict[str, Any]] = []
    for line in _lines(field("registrations").replace(",", "\n")):
        number, _, nice = line.partition(" ")
        nice = nice.strip()
        registrations.append({"number": number, "nice_class": int(nice) if nice.isdigit() else nice or None})
    entry = registration_entry(
        name=field("name").strip(),
        aliases=_lines(field("aliases")),
        owner=field("owner").strip() or None,
        registrations=registrations,
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
            form={
                k: field(k)
                for k in (
                    "name",
                    "aliases",
                    "owner",
                    "registrations",
                    "categories",
                    "price_floor",
                    "authorized_sellers",
                )
            },
        )
    session.commit()
    return RedirectResponse(f"/brands?submitted={brand.id}", status_code=303)


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


def resemblances(db: Any, brand: Any) -> list[dict[str, Any]] | None:
    """Approved marks that the new brand's marks resemble (the scorer's matcher); None: unavailable."""
    from brands.service import scoring_registry
    from scoring import resemblance

    try:
        registry = scoring_registry(db)
        found: list[dict[str, Any]] = []
        for mark in [m.text for m in brand.marks]:
            for item in resemblance(mark, registry) or []:
                found.append({"mark": mark, **_describe(item)})
        return found
    except Exception:  # noqa: BLE001 - the approval page must still load; the admin sees "unavailable"
        log.exception("resemblance check failed")
        return None


def _describe(item: Any) -> dict[str, Any]:
    if isinstance(item, tuple) and len(item) == 3:  # scoring.resemblance: (brand name, similarity, why)
        name, similarity, why = item
        return {
            "brand": str(name),
            "existing": str(name),
            "similarity": float(similarity),
            "detail": str(why),
        }
    get = item.get if isinstance(item, dict) else lambda k, d=None: getattr(item, k, d)
    other = get("brand") or get("name")
    other = getattr(other, "name", other)
    found = get("mark") or get("text") or get("found")
    found = getattr(found, "text", found)
    similarity = get("similarity") or get("sim") or get("score")
    return {
        "brand": str(other) if other is not None else None,
        "existing": str(found) if found is not None else None,
        "similarity": float(similarity) if isinstance(similarity, (int, float)) else None,
        "detail": str(get("detail") or "") or (None if other or found else str(item)),
    }


@router.get("/admin/approvals")
def approvals(request: Request, session: SessionDep, user: AdminDep) -> Response:
    return _approvals_page(request, session)


def _approvals_page(
    request: Request, session: Session, *, status_code: int = 200, refused: dict[int, Any] | None = None
) -> Response:
    db = request.app.state.db
    items = [
        (brand, submitter, resemblances(db, brand)) for brand, submitter in pending_brands(session=session)
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


def conflict_text(conflict: MarkConflict, lang: str) -> str:
    """A shared-mark conflict with a registered (approved) brand, in the page's language."""
    values = {
        "mark": conflict.mark,
        "other": conflict.first.name,
        "where": translate("status.approved", lang),
    }
    if conflict.classes:
        return translate(
            "marks.shared_overlap", lang, classes="、".join(str(c) for c in conflict.classes), **values
        )
    missing = conflict.second if not conflict.second.nice_classes else conflict.first
    return translate("marks.shared_no_class", lang, missing=missing.name, **values)


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
