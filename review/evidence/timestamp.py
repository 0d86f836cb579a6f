"""Trusted time for a packet: an RFC 3161 time-stamp token over the SHA-256 of manifest.json.

The token comes from the time-stamping authority at ``MARKWATCH_TSA_URL`` (rfc3161-client builds the
query and checks the answer) and is kept in the packet as ``manifest.tsr``, the TSA's whole DER reply, so
``openssl ts -verify`` reads it too. ``MARKWATCH_TSA_CERTIFICATES`` (a PEM file: the TSA's root CA and any
intermediates) is what the TSA's certificate must chain to; without it only the token's hash and nonce
are checked, not its signature, and verify says that the token was not checked. An answer that is not a
granted token over the hash asked for is refused (``TimestampRefused``, naming why); the packet is then
made without one.
"""

from __future__ import annotations

import hashlib
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from settings import Settings
from storage.errors import MarkwatchError

TOKEN = "manifest.tsr"
MAX_REPLY = 1024 * 1024  # bytes: a time-stamp reply is a few KB; more is not one


class TimestampRefused(MarkwatchError):
    """The TSA did not give a valid token over the manifest's hash; the message says why."""


def planned(settings: Settings) -> dict[str, Any]:
    """The manifest's ``timestamp`` entry before the TSA is asked: the token file, or plainly none."""
    if not settings.tsa_url:
        return {"tsa": None, "token_file": None, "refused": None}
    return {"tsa": settings.tsa_url, "token_file": TOKEN, "refused": None}


def refused(plan: dict[str, Any], reason: str) -> dict[str, Any]:
    """The ``timestamp`` entry of a packet whose TSA answered with no valid token."""
    return {**plan, "token_file": None, "refused": reason}


def request_token(manifest_bytes: bytes, settings: Settings) -> bytes:
    """The TSA's DER reply granting a token over sha256(manifest_bytes), checked; else TimestampRefused."""
    from rfc3161_client import HashAlgorithm, TimestampRequestBuilder

    url = settings.tsa_url or ""
    query = TimestampRequestBuilder().data(manifest_bytes).hash_algorithm(HashAlgorithm.SHA256).build()
    request = urllib.request.Request(
        url,
        data=query.as_bytes(),
        headers={"Content-Type": "application/timestamp-query", "Accept": "application/timestamp-reply"},
    )
    try:
        with urllib.request.urlopen(request, timeout=settings.tsa_timeout) as answer:  # noqa: S310 - a setting
            reply = answer.read(MAX_REPLY + 1)
    except urllib.error.HTTPError as exc:
        raise TimestampRefused(f"the TSA at {url} answered HTTP {exc.code}") from exc
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise TimestampRefused(f"the TSA at {url} could not be reached ({exc})") from exc
    if len(reply) > MAX_REPLY:
        raise TimestampRefused(f"the TSA at {url} answered more than {MAX_REPLY:,} bytes")
    found = check(reply, manifest_bytes, _roots_file(settings), nonce=query.nonce)
    if found.problem:
        raise TimestampRefused(f"the TSA at {url} answered with no valid token: {found.problem}")
    return reply


@dataclass
class TokenCheck:
    """What a token says and whether it holds: ``problem`` is None when it is a good token over the hash.

    ``trusted``: the token's signature holds and the TSA's certificate chains to the given roots; False
    when no roots were given: then only the hash (and the nonce) were checked, not who signed it.
    """

    problem: str | None = None
    tsa_name: str | None = None
    time: datetime | None = None
    trusted: bool = False


def check(
    reply: bytes, manifest_bytes: bytes, roots_pem: bytes | None, nonce: int | None = None
) -> TokenCheck:
    """Check a DER time-stamp reply against manifest_bytes and the roots (PEM); never raises."""
    from rfc3161_client import PKIStatus, VerificationError, VerifierBuilder, decode_timestamp_response

    try:
        response = decode_timestamp_response(reply)
    except ValueError as exc:
        return TokenCheck(problem=f"not an RFC 3161 reply ({_short(exc)})")
    if response.status not in (PKIStatus.GRANTED, PKIStatus.GRANTED_WITH_MODS):
        text = "; ".join(response.status_string) or "no reason given"
        return TokenCheck(problem=f"the TSA refused the request (PKI status {response.status}: {text})")
    try:
        info = response.tst_info
        imprint = info.message_imprint
        signers = _certificates(response)
    except ValueError as exc:
        return TokenCheck(problem=f"the reply holds no readable token ({_short(exc)})")
    found = TokenCheck(tsa_name=_tsa_name(info, signers), time=info.gen_time)
    if imprint.message != hashlib.sha256(manifest_bytes).digest():
        found.problem = "the token is over another hash, not this manifest's SHA-256"
        return found
    if nonce is not None and info.nonce != nonce:
        found.problem = "the token does not answer this request (another nonce)"
        return found
    if not roots_pem:  # nothing to chain the TSA's certificate to: its signature cannot be checked
        return found
    builder = VerifierBuilder(nonce=nonce)
    for root in _load_roots(roots_pem):
        builder = builder.add_root_certificate(root)
    try:
        builder.build().verify(response, imprint.message)
    except (VerificationError, ValueError) as exc:
        found.problem = f"the token's signature or certificate does not hold ({_short(exc)})"
        return found
    found.trusted = True
    return found


def roots_for_verify(settings: Settings | None, given: Path | None) -> bytes | None:
    """The PEM certificates a verifier trusts: ``given`` (``--tsa-certs``), else the installation's."""
    if given is not None:
        return given.read_bytes()
    return _roots_file(settings) if settings is not None else None


def _roots_file(settings: Settings) -> bytes | None:
    path = settings.tsa_certificates
    if path is None:
        return None
    try:
        return Path(path).read_bytes()
    except OSError as exc:
        raise MarkwatchError(
            f"MARKWATCH_TSA_CERTIFICATES={path} cannot be read ({exc.strerror or exc})",
            key="err.tsa_certificates_unreadable",
            path=path,
            reason=exc.strerror or exc,
        ) from exc


def _load_roots(pem: bytes) -> list[Any]:
    from cryptography import x509

    try:
        return list(x509.load_pem_x509_certificates(pem))
    except ValueError as exc:
        raise MarkwatchError(
            f"the TSA certificates are not PEM certificates ({_short(exc)})",
            key="err.tsa_certificates_not_pem",
            reason=_short(exc),
        ) from exc


def _certificates(response: Any) -> list[Any]:
    from cryptography import x509

    return [x509.load_der_x509_certificate(der) for der in response.signed_data.certificates]


def _tsa_name(info: Any, certificates: list[Any]) -> str | None:
    """The TSA's name in the token, else the subject of the certificate it carries."""
    try:
        name = info.name
    except ValueError:
        name = None
    value = getattr(name, "value", None)
    if value is not None:
        return value.rfc4514_string() if hasattr(value, "rfc4514_string") else str(value)
    return certificates[0].subject.rfc4514_string() if certificates else None


def _short(exc: Exception) -> str:
    return str(exc)[:200]
