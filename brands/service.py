"""Import and export of the brand registry, and the registry (with what the scorer learned) as the
scorer sees it."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy.orm import Session

from brands.marks import MarkConflict, MarkHolder, find_conflicts
from brands.registry_file import (
    BrandSpec,
    Problem,
    RegistrationSpec,
    RegistryFile,
    RegistryFileError,
    brand_holder,
    dump_registry,
)
from brands.scorer import Scorer, image_phash, scoring_brand
from storage import Database
from storage.brands import ImageRecord, list_brands, upsert_brand
from storage.models import Brand, BrandStatus

if TYPE_CHECKING:
    from scoring.registry import Registry


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    dry_run: bool = False

    @property
    def total(self) -> int:
        return len(self.created) + len(self.updated) + len(self.unchanged)


def import_registry(db: Database, registry: RegistryFile, *, dry_run: bool = False) -> ImportReport:
    """Write every brand of a validated registry file in one transaction (update in place, never twice).

    Raises RegistryFileError, writing nothing, when a brand of the file holds a mark of an approved
    brand of the database (one the file does not replace) in an overlapping Nice class.
    """
    report = ImportReport(dry_run=dry_run)
    with db.session() as session:
        replaced = {spec.name for spec in registry.brands}
        conflicts = find_conflicts(
            [brand_holder(spec, f"{registry.source}:{spec.line}") for spec in registry.brands],
            registered_holders(session, exclude=replaced),
        )
        if conflicts:
            lines = {spec.name: spec.line for spec in registry.brands}
            raise RegistryFileError(
                [
                    Problem(registry.source, lines.get(c.second.name), c.message(), *_registered_conflict(c))
                    for c in conflicts
                ]
            )
        existing = {b.name: spec_from_brand(b) for b in list_brands(session=session)}
        for spec in registry.brands:
            before = existing.get(spec.name)
            if before is None:
                report.created.append(spec.name)
            elif before == spec:
                report.unchanged.append(spec.name)
            else:
                report.updated.append(spec.name)
        if dry_run:
            return report
        for spec in registry.brands:  # unchanged ones too: an image file may have new bytes
            images = [_store_image(db, registry.image_path(p), p) for p in spec.official_images]
            save_brand(session, spec, images, status=BrandStatus.approved)
    return report


def _registered_conflict(conflict: MarkConflict) -> tuple[str, tuple[tuple[str, str], ...]]:
    """A conflict with an approved brand as the catalogue says it: the brand's place is its status."""
    key, values = conflict.catalogue_entry()
    return key, (*values, ("status", BrandStatus.approved.value))


def registered_holders(
    session: Session, *, status: str = BrandStatus.approved, exclude: set[str] | frozenset[str] = frozenset()
) -> list[MarkHolder]:
    """The stored brands of one status (approved by default) as the shared-mark rule sees them."""
    where = "already registered" if status == BrandStatus.approved else f"registration {status}"
    return [
        MarkHolder(
            name=b.name,
            marks=tuple(m.text for m in b.marks),
            nice_classes=frozenset(r.nice_class for r in b.registrations),
            where=where,
        )
        for b in list_brands(session=session, status=status)
        if b.name not in exclude
    ]


def conflicts_with_registered(session: Session, spec: BrandSpec, *, where: str) -> list[MarkConflict]:
    """The approved brands (other than ``spec`` itself) that hold one of its marks in an overlapping
    class: a registration through the portal or the API, or an approval, is refused on any."""
    return find_conflicts([brand_holder(spec, where)], registered_holders(session, exclude={spec.name}))


def save_brand(
    session: Session,
    spec: BrandSpec,
    images: list[ImageRecord],
    *,
    status: str,
    submitted_by_id: int | None = None,
) -> Brand:
    """Store a validated brand entry (registry file or brand-owner portal) with its stored images."""
    brand, _ = upsert_brand(
        session=session,
        name=spec.name,
        owner=spec.owner,
        aliases=spec.aliases,
        registrations=[(r.number, r.nice_class, r.international) for r in spec.registrations],
        categories=spec.categories,
        price_floor=spec.price_floor,
        authorized_sellers=spec.authorized_sellers,
        official_images=images,
        status=status,
        submitted_by_id=submitted_by_id,
    )
    return brand


def _store_image(db: Database, path: Path, relative: str) -> ImageRecord:
    sha = db.blobs.put(path.read_bytes())
    return ImageRecord(source_path=relative, sha256=sha, phash=image_phash(path))


def spec_from_brand(brand: Brand) -> BrandSpec:
    """A stored brand in registry-file form."""
    return BrandSpec(
        name=brand.name,
        aliases=tuple(brand.aliases),
        owner=brand.owner,
        registrations=tuple(
            RegistrationSpec(r.number, r.nice_class, r.international) for r in brand.registrations
        ),
        categories=tuple(brand.categories or ()),
        price_floor=brand.policy.price_floor if brand.policy else None,
        authorized_sellers=tuple(s.name for s in brand.authorized_sellers),
        official_images=tuple(im.source_path for im in brand.official_images),
    )


def export_registry(db: Database, target: Path | None = None, *, status: str | None = None) -> str:
    """The registry as YAML; with a target file, also copy official images beside it, as named in it."""
    with db.session() as session:
        brands = list_brands(session=session, status=status)
        text = dump_registry([spec_from_brand(b) for b in brands])
        if target is not None:
            folder = Path(target).resolve().parent
            for brand in brands:
                for image in brand.official_images:
                    destination = (folder / image.source_path).resolve()
                    if not destination.is_relative_to(folder):  # validated at import; never trust twice
                        continue
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    destination.write_bytes(db.blobs.get(image.sha256))
            Path(target).write_text(text, encoding="utf-8")
    return text


def scoring_registry(
    db: Database, *, statuses: tuple[str, ...] = (BrandStatus.approved,), cache_dir: Path | None = None
) -> Registry:
    """The approved brands of the database (or those of the statuses given) as the scorer's Registry;
    with ``cache_dir`` its index is read from (or stored in) the cache of ``brands.index_cache``."""
    from brands.index_cache import cached_registry

    with db.session() as session:
        brands = [b for status in statuses for b in list_brands(session=session, status=status)]
        return cached_registry(
            [scoring_brand(spec_from_brand(b), tuple(im.phash for im in b.official_images)) for b in brands],
            cache_dir,
        )


def scorer_from_database(db: Database, registry: Registry | None = None) -> Scorer:
    """The approved registry (or the one given), the context pre-filled with the blacklist and the
    brands each seller was flagged for, and the newest combiner fitted by `markwatch model fit`."""
    with db.session() as session:
        return scorer_from_session(session, registry if registry is not None else scoring_registry(db))


def scorer_from_session(session: Session, registry: Registry) -> Scorer:
    """``scorer_from_database`` as ``session`` sees the database, for ``registry``."""
    from scoring import CombinerModel, ScoringContext
    from storage.scorer_memory import blacklisted_seller_ids, current_combiner_model, seller_brands

    context = ScoringContext(blacklisted_sellers=blacklisted_seller_ids(session=session))
    for seller, brand in seller_brands(session=session):
        context.add_seller_brand(seller, brand)
    stored = current_combiner_model(session=session)
    model = CombinerModel.from_json(stored.model_json) if stored else None
    return Scorer(registry=registry, context=context, model=model)
