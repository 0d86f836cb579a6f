"""Brand registration, the service behind the portal and the API: a registration is validated as a
registry-file entry (``brands.registry_file.parse_registry``, so the portal cannot accept what
`markwatch brands import` would refuse), checked against every approved and pending mark, and stored
pending; refusals and conflicts are said in the page's language.

Imports brands, scoring, storage and review's own helpers (i18n, blobs); no routes.
"""

from __future__ import annotations

import functools
import io
import logging
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import yaml
from sqlalchemy.orm import Session

from brands.marks import MarkConflict
from brands.registry_file import Problem
from brands.service import conflicts_with_registered, save_brand
from review.i18n import MESSAGES, translate
from storage.brands import ImageRecord, get_brand, list_brands
from storage.models import Brand, BrandStatus, Role, User

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_IMAGES = 10
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


def problem_text(problem: Problem, lang: str, *, in_file: bool = False) -> str:
    """A registry-file problem in the page's language, the field named as the form names it; ``in_file``:
    for the reader of the file itself (the command line), in the catalogue's wording for a file where the
    form's would give the wrong advice (``<key>.in_file``)."""
    values = dict(problem.values)
    if "field" in values:
        values["field"] = translate(f"field.{values['field']}", lang)
    if "status" in values:  # a brand of the database, where a file's brand has its file and line
        values["where"] = translate(f"status.{values.pop('status')}", lang)
    key = problem.key or ""
    if in_file and f"{key}.in_file" in MESSAGES:
        key = f"{key}.in_file"
    return translate(key, lang, **values)


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


def conflict_text(conflict: MarkConflict, lang: str) -> str:
    """A shared-mark conflict with a registered (approved) brand, in the page's language."""
    key, values = conflict.catalogue_entry(where=translate("status.approved", lang))
    return translate(key, lang, **dict(values))
