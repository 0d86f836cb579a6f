"""The compiled registry kept on disk (brands.index_cache, brands.scorer.registry_from_path): used
when the registry and the scorer are the same, rebuilt when either changed, and never trusted when
damaged, foreign or badly placed."""

from __future__ import annotations

import multiprocessing
import os
from pathlib import Path

import pytest

import scoring
from brands import index_cache
from brands.scorer import registry_from_path
from scoring import matcher
from scoring.types import Listing

REGISTRY = """\
brands:
  - name: 康师傅
    aliases: [Master Kong]
    registrations: [{number: "1234567", nice_class: 30}]
    categories: [方便面]
  - name: Nike
    aliases: [耐克]
    registrations: [{number: "7654321", nice_class: 25}]
    categories: [运动鞋]
"""

LOOKALIKE = Listing(id="1", title="康帅傅 红烧牛肉面 5连包", price=9.9, category="方便面")
OTHER = Listing(id="2", title="Adldas 男士跑鞋", price=99, category="运动鞋")


@pytest.fixture
def builds(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """How many times a registry's index was built (not read from the cache), and of how many brands."""
    import scoring.registry

    counted: list[int] = []

    def counting(brands, tables=None):  # type: ignore[no-untyped-def]
        if tables is None:
            counted.append(len(brands))
        return matcher.MarkIndex(brands, tables)

    monkeypatch.setattr(scoring.registry, "MarkIndex", counting)
    return counted


def registry_file(tmp_path: Path, text: str = REGISTRY) -> Path:
    path = tmp_path / "brands.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def brand_of(registry: scoring.Registry, listing: Listing) -> str | None:
    return scoring.score(listing, registry).brand


def test_the_second_start_reads_the_compiled_registry_and_scores_the_same(tmp_path, builds):
    cache = tmp_path / "cache"
    first = registry_from_path(registry_file(tmp_path), cache)
    assert brand_of(first, LOOKALIKE) == "康师傅" and builds == [2]
    second = registry_from_path(registry_file(tmp_path), cache)
    assert brand_of(second, LOOKALIKE) == "康师傅" and builds == [2]  # not built again
    assert scoring.score(LOOKALIKE, second) == scoring.score(LOOKALIKE, first)
    assert oct(cache.stat().st_mode & 0o777) == "0o700"
    assert all(oct(p.stat().st_mode & 0o777) == "0o600" for p in cache.iterdir())


def test_the_index_read_back_has_every_table_of_the_built_one_with_its_type(tmp_path):
    built = registry_from_path(registry_file(tmp_path), tmp_path / "cache").index.tables()
    read = registry_from_path(registry_file(tmp_path), tmp_path / "cache").index.tables()
    assert read == built
    assert {name: type(table) for name, table in read.items()} == {
        name: type(table) for name, table in built.items()
    }


def test_a_changed_registry_file_is_compiled_again(tmp_path, builds):
    cache = tmp_path / "cache"
    assert brand_of(registry_from_path(registry_file(tmp_path), cache), OTHER) is None
    changed = REGISTRY + "  - name: Adidas\n    aliases: [阿迪达斯]\n    categories: [运动鞋]\n"
    registry = registry_from_path(registry_file(tmp_path, changed), cache)
    assert brand_of(registry, OTHER) == "Adidas" and builds == [2, 3]


def test_a_registry_file_with_an_error_is_refused_though_a_good_one_was_cached(tmp_path):
    from brands.registry_file import RegistryFileError

    cache = tmp_path / "cache"
    registry_from_path(registry_file(tmp_path), cache)
    with pytest.raises(RegistryFileError, match="nice_class"):
        registry_from_path(registry_file(tmp_path, REGISTRY.replace("30}", "99}")), cache)


def test_another_scorer_version_builds_again(tmp_path, builds, monkeypatch):
    cache = tmp_path / "cache"
    registry_from_path(registry_file(tmp_path), cache)
    monkeypatch.setattr(index_cache, "validator_version", lambda: "another validator")
    registry_from_path(registry_file(tmp_path), cache)
    import scoring.registry

    monkeypatch.setattr(scoring.registry, "scorer_version", lambda: "another scorer")
    registry = registry_from_path(registry_file(tmp_path), cache)
    assert builds == [2, 2, 2]
    assert brand_of(registry, LOOKALIKE) == "康师傅"


def test_the_database_registry_index_is_cached_by_its_brands(tmp_path, builds):
    cache = tmp_path / "cache"
    brands = [scoring.Brand("康师傅", ("Master Kong",), categories=("方便面",))]
    index_cache.cached_registry(brands, cache)
    assert brand_of(index_cache.cached_registry(brands, cache), LOOKALIKE) == "康师傅"
    other = [scoring.Brand("Nike", ("耐克",), categories=("运动鞋",))]
    assert brand_of(index_cache.cached_registry(other, cache), LOOKALIKE) is None
    assert builds == [1, 1]


@pytest.mark.parametrize(
    "damage",
    [
        lambda data: data[: len(data) // 2],  # cut short
        lambda data: b"",
        lambda data: data[:-10] + b"0123456789",  # payload changed: the signature no longer matches
        lambda data: b"not a cache file at all",
    ],
)
def test_a_damaged_cache_file_is_rebuilt_not_crashed_on(tmp_path, builds, damage):
    cache = tmp_path / "cache"
    registry_from_path(registry_file(tmp_path), cache)
    (entry,) = [p for p in cache.iterdir() if p.name.startswith("file-")]
    entry.write_bytes(damage(entry.read_bytes()))
    registry = registry_from_path(registry_file(tmp_path), cache)
    assert brand_of(registry, LOOKALIKE) == "康师傅" and builds == [2, 2]
    assert registry_from_path(registry_file(tmp_path), cache) and builds == [2, 2]  # rewritten


def test_an_entry_signed_with_another_key_is_not_unpickled(tmp_path, builds, monkeypatch):
    """Someone who can write the file but not read the key cannot make markwatch load their pickle."""
    monkeypatch.chdir(tmp_path)
    cache = tmp_path / "cache"
    registry_from_path(registry_file(tmp_path), cache)
    (entry,) = [p for p in cache.iterdir() if p.name.startswith("file-")]
    index_cache.Store(cache, b"k" * 32).write(entry.name, b"cos\nsystem\n(S'touch pwned'\ntR.")
    registry = registry_from_path(registry_file(tmp_path), cache)
    assert brand_of(registry, LOOKALIKE) == "康师傅" and builds == [2, 2]
    assert not (tmp_path / "pwned").exists()


def test_a_cache_folder_others_may_write_is_not_used(tmp_path, builds):
    cache = tmp_path / "cache"
    cache.mkdir()
    os.chmod(cache, 0o777)
    for _ in range(2):
        registry = registry_from_path(registry_file(tmp_path), cache)
        assert brand_of(registry, LOOKALIKE) == "康师傅"
    assert builds == [2, 2] and list(cache.iterdir()) == []


def _start(args: tuple[str, str]) -> str | None:
    path, cache = args
    return brand_of(registry_from_path(Path(path), Path(cache)), LOOKALIKE)


def test_processes_starting_together_share_one_cache_safely(tmp_path):
    cache = tmp_path / "cache"
    path = registry_file(tmp_path)
    with multiprocessing.get_context("fork").Pool(4) as pool:
        assert pool.map(_start, [(str(path), str(cache))] * 8) == ["康师傅"] * 8
    names = sorted(p.name for p in cache.iterdir())
    assert names[0] == "file-" + names[0][5:] and len(names) == 2  # one entry and the key, no leftovers
    store = index_cache.Store.open(cache)
    assert store is not None and store.read(names[0]) is not None
