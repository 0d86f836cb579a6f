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
from brands.registry_file import BRAND_KEYS, Problem
from brands.service import conflicts_with_registered, save_brand, spec_from_brand
from review.blobs import image_response
from review.deps import AdminDep, BadInput, CsrfDep, SessionDep, UserDep, lang_of, render, require
from review.i18n import translate
from storage.brands import ImageRecord, get_brand, list_brands
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
        raise Refusal(
            [functools.partial(problem_text, p) if p.key else p.message for p in exc.problems]
        ) from exc
    spec = parsed.brands[0]
    if get_brand(session=session, name=spec.name) is not None:
        raise Refusal([functools.partial(translate, "brands.exists", name=spec.name)])
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
        raise Refusal([functools.partial(translate, "brands.too_large", name=filename[:100])])
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.verify()
        with Image.open(io.BytesIO(data)) as image:
            kind = (image.format or "img").lower()
            phash = str(imagehash.phash(image))
    except (UnidentifiedImageError, OSError, ValueError) as exc:
        raise Refusal([functools.partial(translate, "brands.bad_image", name=filename[:100])]) from exc
    sha = db.blobs.put(data)
    return ImageRecord(source_path=f"portal/{sha[:16]}.{kind}", sha256=sha, phash=phash)


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


def problem_text(problem: Problem, lang: str) -> str:
    """A registry-file problem in the page's language, the field named as the form names it."""
    values = dict(problem.values)
    if "field" in values:
        values["field"] = translate(f"field.{values['field']}", lang)
    return translate(problem.key or "", lang, **values)


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


def marks_registry(db: Any) -> Any:
    """Approved and pending brands as the scorer's Registry: a registration is compared with both, so
    the order of approval does not decide which of two lookalikes gets in."""
    from brands.service import scoring_registry

    return scoring_registry(db, statuses=(BrandStatus.approved, BrandStatus.pending))


def resemblances(db: Any, brand: Brand, registry: Any | None = None) -> list[dict[str, Any]] | None:
    """The approved and pending brands whose marks the brand's marks resemble (the scorer's squatting
    check), most similar first; None when the check failed (the page still loads and says so)."""
    from scoring import resemblance

    try:
        registry = registry if registry is not None else marks_registry(db)
        with db.session() as session:
            pending = {b.name for b in list_brands(session=session, status=BrandStatus.pending)}
        found: list[dict[str, Any]] = []
        for mark in [m.text for m in brand.marks]:
            for other, similarity, why in resemblance(mark, registry):
                if other != brand.name:
                    found.append(
                        {
                            "mark": mark,
                            "brand": other,
                            "existing": other,
                            "similarity": float(similarity),
                            "detail": why,
                            "pending": other in pending,
                        }
                    )
        return found
    except Exception:  # noqa: BLE001 - the approval page must still load; the admin sees "unavailable"
        log.exception("resemblance check failed")
        return None


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
