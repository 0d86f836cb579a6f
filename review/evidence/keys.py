"""The installation's Ed25519 signing key: created on first use under ``$MARKWATCH_HOME/keys/``.

The private key is a PKCS#8 PEM file readable by its owner only (mode 0600, in a 0700 directory);
the public key is shown in the app and embedded in every packet, so a packet verifies on any machine.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from settings import Settings, get_settings
from storage.errors import MarkwatchError

KEY_FILE = "evidence-ed25519.pem"


def key_path(settings: Settings | None = None) -> Path:
    settings = settings or get_settings()
    return Path(settings.home) / "keys" / KEY_FILE


def _load(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise MarkwatchError(
            f"the evidence signing key {path} is unreadable ({exc}); restore it from a backup "
            "(packets signed with it are verified by the public key inside them)"
        ) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise MarkwatchError(f"the evidence signing key {path} is not an Ed25519 key")
    return key


def installation_key(settings: Settings | None = None) -> Ed25519PrivateKey:
    """The installation's private key, created (once, atomically, mode 0600) on first use."""
    path = key_path(settings)
    if path.exists():
        return _load(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    os.chmod(path.parent, 0o700)
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(
        serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
    )
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-key-")  # mkstemp creates it 0600
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(pem)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, 0o600)
        try:
            os.link(tmp, path)  # fails if another process created the key first: then use theirs
        except FileExistsError:
            return _load(path)
    finally:
        Path(tmp).unlink(missing_ok=True)
    return key


def public_key_bytes(key: Ed25519PrivateKey) -> bytes:
    return key.public_key().public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_key_hex(settings: Settings | None = None) -> str:
    """The installation's public key as 64 hex digits (creating the key pair on first use)."""
    return public_key_bytes(installation_key(settings)).hex()


def existing_public_key_hex(settings: Settings | None = None) -> str | None:
    """The installation's public key if this machine has one; never creates a key."""
    path = key_path(settings)
    if not path.exists():
        return None
    return public_key_bytes(_load(path)).hex()


def fingerprint(public_key: str | None = None, settings: Settings | None = None) -> str:
    """A short form to compare by eye: the first 128 bits of sha256(raw public key), in groups of four.

    Without ``public_key``, the installation's own key.
    """
    key_hex = public_key if public_key is not None else public_key_hex(settings)
    digest = hashlib.sha256(bytes.fromhex(key_hex)).hexdigest()[:32]
    return " ".join(digest[i : i + 4] for i in range(0, 32, 4))


def expected_key(text: str) -> str:
    """A key to pin, normalised: 64 lower-case hex digits (a public key) or 32 (a fingerprint, no spaces).

    Takes a public key in hex or a fingerprint as ``fingerprint`` prints it (spaces between groups are
    optional). Raises MarkwatchError (exit 2) naming the text when it is neither.
    """
    compact = "".join(text.split()).lower()
    if len(compact) in (32, 64) and all(c in "0123456789abcdef" for c in compact):
        return compact
    raise MarkwatchError(
        f"the key to check the signer against ({text!r}) is neither a public key (64 hex digits) nor a "
        "fingerprint (32 hex digits in groups of four, as `markwatch evidence export` prints it)",
        key="err.not_a_key",
        text=text,
    )


def matches(public_key: str, expected: str) -> bool:
    """Whether hex ``public_key`` is the key ``expected`` (a normalised ``expected_key``) names."""
    if len(expected) == 64:
        return public_key.lower() == expected
    try:
        return fingerprint(public_key).replace(" ", "") == expected
    except ValueError:  # not hex: it names no key
        return False


def sign(data: bytes, settings: Settings | None = None) -> bytes:
    return installation_key(settings).sign(data)


def signature_ok(public_key: str, signature: bytes, data: bytes) -> bool:
    """Whether ``signature`` is the Ed25519 signature of ``data`` by the key with hex ``public_key``."""
    try:
        Ed25519PublicKey.from_public_bytes(bytes.fromhex(public_key)).verify(signature, data)
    except (InvalidSignature, ValueError):
        return False
    return True
