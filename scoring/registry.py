"""The registry the scorer reads: the brands to protect and the matcher's candidate index over them.

The index of 10,000 brands takes seconds to build; ``Registry.compiled`` turns a built index into bytes
and ``Registry.use_compiled`` takes it back, so that a caller may keep it on disk (scoring itself writes
no file: ``brands.index_cache`` does). The bytes name the ``scorer_version`` and the registry's
``digest`` they were built for, and are refused for any other.
"""

from __future__ import annotations

import functools
import gc
import hashlib
import marshal
import pickle
import platform
import sys
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from importlib import metadata
from pathlib import Path
from typing import Any

from scoring.matcher import MarkIndex
from scoring.signals import CueIndex, shared_cue_index
from scoring.text import fold, han_to_pinyin
from scoring.types import Brand

# a listing's category and the goods words of its title; a brand's categories and Nice classes
ListingGoods = tuple[str | None, tuple[str, ...]]
BrandGoods = tuple[tuple[str, ...], tuple[int, ...]]


class RelevanceCache:
    """Goods relevance (scoring.engine) of listings whose category names goods, by the brand's goods:
    what the category alone says (``verdicts``), and where it says nothing, the relevance by the
    listing's goods (``values``). A listing finds its tables once for all the brands found in it.
    Emptied when it holds ``limit`` values."""

    def __init__(self, limit: int = 500_000) -> None:
        self.limit = limit
        self._verdicts: dict[str, dict[BrandGoods, float | None]] = {}
        self._values: dict[ListingGoods, dict[BrandGoods, float]] = {}
        self._size = 0

    def verdicts(self, category: str) -> dict[BrandGoods, float | None]:
        """signals.category_verdict of this category, by brand goods (add to it with ``put``)."""
        return self._table(self._verdicts, category)

    def values(self, listing: ListingGoods) -> dict[BrandGoods, float]:
        """signals.relevance of listings with these goods, by brand goods (add to it with ``put``)."""
        return self._table(self._values, listing)

    def _table(self, tables: dict[Any, dict[BrandGoods, Any]], key: Any) -> dict[BrandGoods, Any]:
        got = tables.get(key)
        if got is None:
            if self._size >= self.limit:
                self._verdicts.clear()
                self._values.clear()
                self._size = 0
            got = tables[key] = {}
        return got

    def put(self, table: dict[BrandGoods, Any], brand: BrandGoods, value: float | None) -> None:
        table[brand] = value
        self._size += 1


class Registry:
    """The brands to protect, with the candidate index the matcher uses (built on first use)."""

    def __init__(self, brands: Sequence[Brand]) -> None:
        self.brands: tuple[Brand, ...] = tuple(brands)
        self.by_name: dict[str, Brand] = {b.name: b for b in self.brands}
        self._index: MarkIndex | None = None
        self._owners: dict[str, tuple[int, ...]] | None = None
        self._cue_index: CueIndex | None = None
        self._pinyin: dict[str, str] = {}  # han_to_pinyin of the Chinese marks' forms
        # goods relevance (scoring.engine), kept with the registry for as long as it is used
        self.relevance_cache = RelevanceCache()

    def __len__(self) -> int:
        return len(self.brands)

    @staticmethod
    def mark_key(text: str) -> str:
        """The form under which two registered marks are the same mark (Dove and DOVE, 長城 and 长城)."""
        return fold(text).replace(" ", "")

    def owners(self, mark: str) -> tuple[int, ...]:
        """The brands (indexes into ``brands``) that registered this mark: several when owners in
        different Nice classes share it (Dove: 德芙 for chocolate, 多芬 for soap)."""
        return self._owner_table().get(self.mark_key(mark), ())

    def _owner_table(self) -> dict[str, tuple[int, ...]]:
        """mark_key -> the brands that registered it (built once, or kept with the compiled index)."""
        if self._owners is None:
            owners: dict[str, list[int]] = {}
            for i, brand in enumerate(self.brands):
                for text in brand.marks:
                    got = owners.setdefault(self.mark_key(text), [])
                    if i not in got:
                        got.append(i)
            self._owners = {k: tuple(v) for k, v in owners.items()}
        return self._owners

    @property
    def index(self) -> MarkIndex:
        """The matcher's candidate index, built once."""
        if self._index is None:
            with collector_paused():
                self._index = MarkIndex(self.brands)
        return self._index

    @property
    def cue_index(self) -> CueIndex:
        """The index of the pinyin cue search (scoring.signals.pinyin_cues): the one kept with the
        compiled index, else the one shared by every registry."""
        if self._cue_index is None:
            self._cue_index = shared_cue_index()
        return self._cue_index

    def mark_pinyin(self, form: str) -> str:
        """han_to_pinyin of a Chinese mark's form (Mark.form), kept with the compiled index: a new
        process is spared pypinyin's phrase dictionary."""
        got = self._pinyin.get(form)
        if got is None:
            got = self._pinyin[form] = han_to_pinyin(form)
        return got

    def digest(self) -> str:
        """The content hash of what the index is built from: every brand's marks, in order (hex)."""
        h = hashlib.blake2b(digest_size=20)
        for brand in self.brands:
            h.update(repr(brand.marks).encode("utf-8"))
            h.update(b"\n")
        return h.hexdigest()

    def compiled(self) -> bytes:
        """The index (built now if it was not) as bytes for ``use_compiled``: a header naming the scorer
        version and this registry's digest, then the index's tables (without the brands)."""
        with collector_paused():
            state = self.index.with_close_marks().tables()
            state[_CUE_INDEX] = self.cue_index
            state[_OWNERS] = self._owner_table()
            state[_MARK_PINYIN] = {
                m.form: self.mark_pinyin(m.form) for m in self.index.marks if m.script == "han"
            }
            return _header(scorer_version(), self.digest()) + _dump_tables(state)

    def use_compiled(self, data: bytes) -> bool:
        """Take the index from ``compiled`` bytes; False (and nothing changed) unless they were made by
        this scorer version for a registry of the same digest.

        The bytes are unpickled: pass only bytes this installation wrote itself and kept where no one
        else can write (``brands.index_cache`` signs them and checks the signature first)."""
        header = _header(scorer_version(), self.digest())
        if not data.startswith(header):
            return False
        try:
            with collector_paused():
                state = _load_tables(data[len(header) :])
        except Exception:  # noqa: BLE001 - a damaged file: the caller rebuilds the index
            return False
        if not (
            isinstance(state, dict)
            and isinstance(state.get(_CUE_INDEX), CueIndex)
            and isinstance(state.get(_MARK_PINYIN), dict)
            and isinstance(state.get(_OWNERS), dict)
        ):
            return False
        self._cue_index = state.pop(_CUE_INDEX)
        self._owners = state.pop(_OWNERS)
        self._pinyin = state.pop(_MARK_PINYIN)
        self._index = MarkIndex(self.brands, state)
        return True

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


@contextmanager
def collector_paused() -> Iterator[None]:
    """No garbage collection in the block (as it was after it): building, compiling or loading an
    index makes a few hundred thousand containers and no garbage, and the collector's full passes
    would walk them again and again while they are made (a third of a cold start)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


_MAGIC = b"markwatch compiled index 3\n"
# beside the index's tables, the compiled bytes keep the pinyin cue search's index and the marks' pinyin
# (a new process is spared pypinyin's phrase dictionary and the shape table) and the marks' owners (the
# folding of every mark), under names no table has
_CUE_INDEX = "cue_index"
_MARK_PINYIN = "mark_pinyin"
_OWNERS = "mark_owners"


def _dump_tables(state: dict[str, Any]) -> bytes:
    """The index's tables as bytes: those of plain dicts, lists, tuples, sets, strings and numbers with
    marshal, which reads the Latin keys' few hundred thousand entries about half again as fast as
    pickle; the rest (the marks, a defaultdict) with pickle."""
    plain, other = {}, {}
    for name, table in state.items():
        try:
            plain[name] = marshal.dumps(_shared_values(table))
        except ValueError:  # an instance of a class (or of a subclass of dict): pickle writes it
            other[name] = table
    return marshal.dumps((plain, pickle.dumps(other, protocol=pickle.HIGHEST_PROTOCOL)))


def _shared_values(table: Any) -> Any:
    """A dict whose equal tuple values are one object (every key of a mark maps to the same (mark,)), so
    that they are written, and read back, once."""
    if type(table) is not dict:
        return table
    one: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    return {k: one.setdefault(v, v) if type(v) is tuple else v for k, v in table.items()}


def _load_tables(data: bytes) -> dict[str, Any]:
    plain, other = marshal.loads(data)
    return {**{name: marshal.loads(table) for name, table in plain.items()}, **pickle.loads(other)}


def _header(version: str, digest: str) -> bytes:
    return _MAGIC + f"{version} {digest}\n".encode("ascii")


@functools.lru_cache(maxsize=1)
def scorer_version() -> str:
    """A hash of everything the index depends on besides the brands: the scoring package's source and
    bundled data, the versions of the libraries it builds keys with, and the Python version (hex)."""
    h = hashlib.blake2b(digest_size=20)
    root = Path(__file__).resolve().parent
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in {".py", ".tsv", ".txt", ".yaml"})
    for path in files:
        h.update(str(path.relative_to(root)).encode("utf-8"))
        h.update(path.read_bytes())
    for dist in ("pypinyin", "rapidfuzz", "opencc-python-reimplemented"):
        try:
            h.update(f"{dist} {metadata.version(dist)}".encode())
        except metadata.PackageNotFoundError:
            h.update(f"{dist} none".encode())
    h.update(f"{platform.python_implementation()} {sys.version_info[:2]}".encode())
    return h.hexdigest()
