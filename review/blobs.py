"""Stored blobs as the web app serves them: a blob or 404, and images only when they are images."""

from __future__ import annotations

from fastapi import HTTPException
from fastapi.responses import Response

from storage import Database

IMAGE_CSP = "default-src 'none'; sandbox"


def blob_or_404(db: Database, sha256: str | None) -> bytes:
    """The blob's bytes; 404 when there is none or its file is gone (pruned, or another machine's)."""
    if not sha256:
        raise HTTPException(404, "error.404")
    try:
        return db.blobs.get(sha256)
    except FileNotFoundError:
        raise HTTPException(404, "error.404") from None


def image_media_type(data: bytes) -> str | None:
    """``image/png``, ``image/jpeg``, ``image/gif`` or ``image/webp`` (marketplaces serve listing images
    in all four) by the file's magic bytes; None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n":
        return "image/png"
    if data[:3] == b"\xff\xd8\xff":
        return "image/jpeg"
    if data[:6] in (b"GIF87a", b"GIF89a"):
        return "image/gif"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "image/webp"
    return None


def image_response(db: Database, sha256: str | None) -> Response:
    """A stored PNG or JPEG, sandboxed and never sniffed; 404 for a missing blob or anything else
    (a browser must never guess what a stored file is)."""
    data = blob_or_404(db, sha256)
    media = image_media_type(data)
    if media is None:
        raise HTTPException(404, "error.404")
    return Response(
        data,
        media_type=media,
        headers={"X-Content-Type-Options": "nosniff", "Content-Security-Policy": IMAGE_CSP},
    )
