"""The registry the scorer reads: the brands to protect and the matcher's candidate index over them."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from scoring.matcher import MarkIndex
from scoring.text import fold
from scoring.types import Brand


class Registry:
    """The brands to protect, with the candidate index the matcher uses (built on first use)."""

    def __init__(self, brands: Sequence[Brand]) -> None:
        self.brands: tuple[Brand, ...] = tuple(brands)
        self.by_name: dict[str, Brand] = {b.name: b for b in self.brands}
        self._index: MarkIndex | None = None
        self._owners: dict[str, tuple[int, ...]] | None = None
        # goods relevance per (category, the title's goods words, brand), kept with the registry
        # because it depends on the brands only
        self.relevance_cache: dict[tuple[str | None, tuple[str, ...], int], float] = {}

    def __len__(self) -> int:
        return len(self.brands)

    @staticmethod
    def mark_key(text: str) -> str:
        """The form under which two registered marks are the same mark (Dove and DOVE, 長城 and 长城)."""
        return fold(text).replace(" ", "")

    def owners(self, mark: str) -> tuple[int, ...]:
        """The brands (indexes into ``brands``) that registered this mark: several when owners in
        different Nice classes share it (Dove: 德芙 for chocolate, 多芬 for soap)."""
        if self._owners is None:
            owners: dict[str, list[int]] = {}
            for i, brand in enumerate(self.brands):
                for text in brand.marks:
                    got = owners.setdefault(self.mark_key(text), [])
                    if i not in got:
                        got.append(i)
            self._owners = {k: tuple(v) for k, v in owners.items()}
        return self._owners.get(self.mark_key(mark), ())

    @property
    def index(self) -> MarkIndex:
        """The matcher's candidate index, built once."""
        if self._index is None:
            self._index = MarkIndex(self.brands)
        return self._index

    @classmethod
    def from_yaml_dict(cls, data: Mapping[str, Any]) -> Registry:
        """Build a registry from the brand registry file format, already parsed (assumed valid).

        ``official_images`` paths cannot be hashed here (no file access); pass
        ``official_image_hashes`` (hex phash strings) in each brand entry to use image reuse.
        """
        brands = []
        for entry in data.get("brands") or []:
            regs = entry.get("registrations") or []
            brands.append(
                Brand(
                    name=str(entry["name"]),
                    aliases=tuple(str(a) for a in entry.get("aliases") or ()),
                    owner=entry.get("owner"),
                    categories=tuple(str(c) for c in entry.get("categories") or ()),
                    nice_classes=tuple(
                        sorted({int(r["nice_class"]) for r in regs if r.get("nice_class") is not None})
                    ),
                    price_floor=(
                        float(entry["price_floor"]) if entry.get("price_floor") is not None else None
                    ),
                    authorized_sellers=tuple(str(s) for s in entry.get("authorized_sellers") or ()),
                    official_image_hashes=tuple(str(h) for h in entry.get("official_image_hashes") or ()),
                )
            )
        return cls(brands)
