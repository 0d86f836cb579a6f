"""What the scorer is given that needs no database: the ``Scorer`` bundle, and a registry file (or its
validated form) turned into the scorer's ``Registry``, compiled once and then read from the cache of
``brands.index_cache``.

Apart from ``brands.service`` (import, export, the database's registry) so that `markwatch score
--brands FILE` starts without loading SQLAlchemy and the database models.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, BinaryIO

if TYPE_CHECKING:
    from brands.registry_file import BrandSpec, RegistryFile
    from scoring import CombinerModel, ScoringContext
    from scoring.registry import Registry
    from scoring.types import Brand as ScoringBrand


@dataclass(frozen=True)
class Scorer:
    """Everything `scoring.score_many` needs from the database: registry, learned context, fitted model."""

    registry: Registry
    context: ScoringContext
    model: CombinerModel | None


def registry_from_file(registry: RegistryFile) -> Registry:
    """A validated registry file as the scorer's Registry (official images hashed from the files)."""
    from scoring.registry import Registry

    return Registry(
        [
            scoring_brand(spec, tuple(image_phash(registry.image_path(p)) for p in spec.official_images))
            for spec in registry.brands
        ]
    )


def registry_from_path(path: Path, cache_dir: Path | None) -> Registry:
    """The registry file at ``path`` read, validated (``brands.registry_file.load_registry_file``,
    which raises ``RegistryFileError``) and compiled; or, when the same bytes were compiled before by
    the same code and the official images are unchanged, taken from the cache in ``cache_dir``
    (``brands.index_cache``; None: no cache)."""
    import pickle

    from brands import index_cache
    from scoring.registry import Registry, scorer_version

    store = index_cache.Store.open(cache_dir)
    try:
        raw = Path(path).read_bytes()
    except OSError:
        raw = None  # load_registry_file says what is wrong with the path
    if store is None or raw is None:
        return registry_from_file(_validated(path))
    key = index_cache.digest(
        scorer_version(), index_cache.validator_version(), hashlib.sha256(raw).hexdigest()
    )
    name = f"file-{key}"
    data = store.read(name)
    if data is not None:
        try:
            brands, images, compiled = pickle.loads(data)
            registry = Registry(brands)
            if all(index_cache.file_hash(Path(p)) == h for p, h in images) and registry.use_compiled(
                compiled
            ):
                return registry
        except Exception:  # noqa: BLE001, S110 - signed but unreadable (another layout): rebuilt below
            pass
    parsed = _validated(path)
    registry = registry_from_file(parsed)
    images = [
        (str(parsed.image_path(p)), index_cache.file_hash(parsed.image_path(p)))
        for spec in parsed.brands
        for p in spec.official_images
    ]
    store.write(
        name, pickle.dumps((registry.brands, images, registry.compiled()), protocol=pickle.HIGHEST_PROTOCOL)
    )
    return registry


def _validated(path: Path) -> RegistryFile:
    from brands.registry_file import load_registry_file  # YAML and Pillow: only when the cache cannot serve
    from scoring.registry import collector_paused

    with collector_paused():  # the YAML node tree of 10,000 brands, as for the index built from it
        return load_registry_file(path)


def scoring_brand(spec: BrandSpec, image_hashes: tuple[str, ...]) -> ScoringBrand:
    """A brand of the registry file format as the scorer sees it, with its official images' hashes."""
    from scoring.types import Brand as ScoringBrand  # lazily: the scorer loads its tables on import

    return ScoringBrand(
        name=spec.name,
        aliases=spec.aliases,
        owner=spec.owner,
        categories=spec.categories,
        nice_classes=tuple(sorted({r.nice_class for r in spec.registrations})),
        price_floor=spec.price_floor,
        authorized_sellers=spec.authorized_sellers,
        official_image_hashes=image_hashes,
    )


def image_phash(path: Path | BinaryIO) -> str:
    """The perceptual hash (imagehash.phash, hex) that image-reuse detection compares, of an image file
    or of image bytes in a file object (a crawled listing's image)."""
    import imagehash  # imported on first use: numpy and Pillow cost a scorer's start-up a fifth of a second
    from PIL import Image

    with Image.open(path) as image:
        return str(imagehash.phash(image))
