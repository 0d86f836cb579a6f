"""The scorer's compiled registry kept on disk, so that a process is ready to score 10,000 brands in
well under two seconds instead of parsing YAML and building the matcher's index again.

Two kinds of entry, both in ``<MARKWATCH_HOME>/cache/``:

- ``index-<key>``: the matcher's index (``scoring.registry.Registry.compiled``) for a set of brands,
  keyed by the brands' content hash (``Registry.digest``) and the scorer's version
  (``scoring.registry.scorer_version``: its source, bundled data and libraries). Used for the
  database's registry.
- ``file-<key>``: a registry file read, validated and compiled (``brands.scorer.registry_from_path``),
  keyed by the file's bytes, the code that validates it and the scorer's version; the official images
  it names are checked against the content hashes stored with it. Used by
  ``markwatch score --brands FILE``.

A change to any part of a key makes a new entry; an entry that cannot be used is rebuilt, never
trusted. The entries hold pickled Python objects, and unpickling runs code named in the data, so an
entry is used only when (1) the cache folder and its key file belong to this user and no one else may
write them, and (2) the entry's HMAC-SHA256 signature under that key (32 random bytes in
``cache/key``, readable by this user only) is right. A file written by anyone else, damaged, cut short
or made by another version fails one of the checks and is replaced. Entries are written to a temporary
file and renamed into place, so processes starting together never read half a file; old entries are
not removed (delete the folder at any time: it is only a cache).
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import hmac
import os
import secrets
import stat
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from scoring.registry import Registry
    from scoring.types import Brand

_MAGIC = b"markwatch cache 1\n"
_MAC_SIZE = 32


def cached_registry(brands: list[Brand], cache_dir: Path | None) -> Registry:
    """A Registry of ``brands`` with its index read from the cache (or built and stored there).
    ``cache_dir`` None: no cache, the index is built when first used."""
    from scoring.registry import Registry, scorer_version

    registry = Registry(brands)
    store = Store.open(cache_dir)
    if store is None:
        return registry
    name = f"index-{digest(scorer_version(), registry.digest())}"
    data = store.read(name)
    if data is None or not registry.use_compiled(data):
        store.write(name, registry.compiled())
    return registry


class Store:
    """Signed files in one folder that only this user may write."""

    def __init__(self, folder: Path, key: bytes) -> None:
        self.folder = folder
        self.key = key

    @classmethod
    def open(cls, folder: Path | None) -> Store | None:
        """The store in ``folder`` (created if missing), or None when it cannot be used safely."""
        if folder is None:
            return None
        try:
            folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            if not _private(folder.stat()):
                return None
            key = _key(folder / "key")
        except OSError:
            return None
        return cls(folder, key) if key is not None else None

    def read(self, name: str) -> bytes | None:
        """The payload of a signed entry; None when it is missing, foreign, damaged or badly signed."""
        path = self.folder / name
        try:
            with path.open("rb") as fh:
                if not _private(os.fstat(fh.fileno())):
                    return None
                data = fh.read()
        except OSError:
            return None
        head = len(_MAGIC) + _MAC_SIZE
        if len(data) < head or not data.startswith(_MAGIC):
            return None
        mac, payload = data[len(_MAGIC) : head], data[head:]
        if not hmac.compare_digest(mac, self._sign(name, payload)):
            return None
        return payload

    def write(self, name: str, payload: bytes) -> None:
        """Store an entry atomically (a temporary file renamed into place); a failure to write is not
        an error: the next process builds again."""
        with contextlib.suppress(OSError):
            _atomic_write(self.folder / name, _MAGIC + self._sign(name, payload) + payload)

    def _sign(self, name: str, payload: bytes) -> bytes:
        # the entry's name is signed too: a valid entry copied under another key's name is refused
        return hmac.new(self.key, name.encode("utf-8") + b"\0" + payload, hashlib.sha256).digest()


def _private(st: os.stat_result) -> bool:
    """Owned by this user, and no one else may write it."""
    return st.st_uid == os.getuid() and not st.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def _key(path: Path) -> bytes | None:
    """The signing key: created once (32 random bytes, mode 0600); None if the file is not private."""
    if not path.exists():
        with contextlib.suppress(FileExistsError):  # another process made it first: use theirs
            _atomic_write(path, secrets.token_bytes(32), replace=False)
    with path.open("rb") as fh:
        st = os.fstat(fh.fileno())
        if not _private(st) or st.st_mode & (stat.S_IRGRP | stat.S_IROTH):
            return None
        key = fh.read()
    return key if len(key) == 32 else None


def _atomic_write(path: Path, data: bytes, *, replace: bool = True) -> None:
    """Write ``data`` to a temporary file in the same folder (mode 0600) and move it to ``path``:
    readers see the old file or the whole new one. ``replace`` False: FileExistsError if ``path``
    exists (the first writer wins)."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        if replace:
            os.replace(tmp, path)
        else:
            os.link(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)  # gone after a replace; the link's other name after a link


def digest(*parts: str) -> str:
    return hashlib.blake2b("\n".join(parts).encode("utf-8"), digest_size=20).hexdigest()


def file_hash(path: Path) -> str | None:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError:
        return None


@functools.lru_cache(maxsize=1)
def validator_version() -> str:
    """A hash of the code that reads and validates a registry file (this package and safe_yaml)."""
    import storage.safe_yaml

    here = Path(__file__).resolve().parent
    h = hashlib.blake2b(digest_size=20)
    for path in [*sorted(here.glob("*.py")), Path(storage.safe_yaml.__file__)]:
        h.update(path.read_bytes())
    return h.hexdigest()
