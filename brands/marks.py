"""The shared-mark rule: one mark (a brand's name or an alias) may belong to several brands only when
their Nice classes do not overlap, as trademark law allows (Dove: 德芙 chocolate in class 30, 多芬
soap in class 3). Two marks are the same mark when their folded forms are equal.

One rule for every way a brand gets in: the registry file, `brands import` against the database, the
brand-owner portal and API, and admin approval.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass


def mark_key(mark: str) -> str:
    """The form in which two marks are compared: the scorer's own fold (NFKC, case, traditional to
    simplified), so that two marks the scorer cannot tell apart are one mark here too."""
    from scoring.text import fold  # the registry and the scorer must agree on what "the same mark" is

    return fold(mark).strip()


@dataclass(frozen=True)
class MarkHolder:
    """A brand as the rule sees it: its marks, its Nice classes, and where it was written."""

    name: str
    marks: tuple[str, ...]
    nice_classes: frozenset[int]
    where: str  # "FILE:LINE", or a phrase such as "the database (approved)"


@dataclass(frozen=True)
class MarkConflict:
    """The same mark held by two brands whose classes overlap (or one of which lists no class)."""

    mark: str
    first: MarkHolder
    second: MarkHolder
    classes: tuple[int, ...]  # the overlap; empty when a brand lists no Nice class

    def message(self) -> str:
        """English, naming both brands by where they are written, the mark and the class."""
        both = (
            f"brand {self.second.name!r} ({self.second.where}) and brand {self.first.name!r} "
            f"({self.first.where}) both hold the mark {self.mark!r}"
        )
        if self.classes:
            classes = ", ".join(str(c) for c in self.classes)
            return (
                f"{both} in Nice class {classes}; a mark may be shared only between brands whose "
                "classes do not overlap — merge the two brands or remove the mark from one"
            )
        missing = self.second if not self.second.nice_classes else self.first
        return (
            f"{both}, and brand {missing.name!r} lists no Nice class; a mark may be shared only between "
            "brands that list their registrations' classes and whose classes do not overlap"
        )

    def catalogue_entry(self, where: str | None = None) -> tuple[str, tuple[tuple[str, str], ...]]:
        """The message's entry in the translation catalogue (review.i18n) and its values, for readers in
        another language; ``where`` names the first brand's place as they know it (default: where it is
        written)."""
        values = (("mark", self.mark), ("other", self.first.name), ("where", where or self.first.where))
        if self.classes:
            return "marks.shared_overlap", (*values, ("classes", "、".join(str(c) for c in self.classes)))
        missing = self.second if not self.second.nice_classes else self.first
        return "marks.shared_no_class", (*values, ("missing", missing.name))


def overlap(a: MarkHolder, b: MarkHolder) -> tuple[int, ...] | None:
    """The classes two holders of one mark share; () when one lists none (it claims every class);
    None when they may share the mark."""
    if not a.nice_classes or not b.nice_classes:
        return ()
    common = a.nice_classes & b.nice_classes
    return tuple(sorted(common)) if common else None


def find_conflicts(new: Sequence[MarkHolder], existing: Iterable[MarkHolder] = ()) -> list[MarkConflict]:
    """Every pair of different brands holding one mark with overlapping classes: among ``new``, and
    between ``new`` and ``existing`` (brands already accepted, not compared among themselves). A brand
    is identified by its name; one pair of brands is reported once, with the first mark they share."""
    holders_of: dict[str, list[MarkHolder]] = {}
    for holder in existing:
        for key in {mark_key(m) for m in holder.marks}:
            holders_of.setdefault(key, []).append(holder)
    conflicts: list[MarkConflict] = []
    reported: set[tuple[str, str]] = set()
    for holder in new:
        seen: set[str] = set()
        for mark in holder.marks:
            key = mark_key(mark)
            if key in seen:
                continue
            seen.add(key)
            for other in holders_of.get(key, ()):
                pair = (other.name, holder.name)
                if other.name == holder.name or pair in reported:
                    continue
                classes = overlap(other, holder)
                if classes is not None:
                    reported.add(pair)
                    conflicts.append(MarkConflict(mark=mark, first=other, second=holder, classes=classes))
            holders_of.setdefault(key, []).append(holder)
    return conflicts
