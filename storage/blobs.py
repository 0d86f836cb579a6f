"""Content-addressed blob store: snapshots, screenshots, images and packets, named by their sha256.

A blob lives at ``<root>/ab/cd/<sha256>``. It is written atomically (temporary file, fsync, rename),
stored once however often it is put, and only ever addressed by a digest this module computed or
validated: never by a path that a user or a scraped page supplied.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path

_SHA256 = re.compile(r"^[0-9a-f]{64}$")


class BlobStore:
    def __init__(self, root: Path) -> None:
        self.root = Path(root)

    def path(self, sha256: str) -> Path:
        """Where the blob with this digest lives; raises ValueError for anything but a sha256 hex digest."""
        if not isinstance(sha256, str) or not _SHA256.match(sha256):
            raise ValueError(f"not a sha256 digest: {sha256!r}")
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def put(self, data: bytes) -> str:
        """Store the bytes (once) and return their sha256."""
        digest = hashlib.sha256(data).hexdigest()
        target = self.path(digest)
        if target.exists():
            return digest
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return digest

    def get(self, sha256: str) -> bytes:
        """The blob's bytes; raises FileNotFoundError when it is not stored."""
        return self.path(sha256).read_bytes()

    def exists(self, sha256: str) -> bool:
        return self.path(sha256).exists()

    def delete(self, sha256: str) -> bool:
        """Remove a blob (retention); returns whether it was there."""
        try:
            self.path(sha256).unlink()
            return True
        except FileNotFoundError:
            return False

    def count(self) -> int:
        if not self.root.exists():
            return 0
        return sum(1 for p in self.root.glob("??/??/*") if _SHA256.match(p.name))
