"""The packet's web archive: the lead's capture WARCs (storage.warc) as one WACZ 1.1.1 file.

Layout (WACZ 1.1.1, the format ReplayWeb.page and pywb open): ``archive/<n>.warc.gz`` (the WARC of the
packet's n-th snapshot, byte for byte as stored; stored, not deflated, so replay can seek in it),
``indexes/index.cdx`` (CDXJ lines made by cdxj-indexer, sorted), ``pages/pages.jsonl`` (each capture's
page, the first response of its WARC), ``datapackage.json`` (every file's sha256 and size) and
``datapackage-digest.json`` (the sha256 of datapackage.json). The webrecorder ``wacz`` tool is not used:
it is a command line that prints as it works, stamps its files with the current time and pulls in
frictionless; this module writes the same layout with the two libraries it is built on.

``check_records`` reads a WACZ back with warcio and names each record (WARC-Record-ID, target URI)
whose block or payload digest does not match, and each file whose hash differs from datapackage.json.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

WACZ = "archive.wacz"
WACZ_VERSION = "1.1.1"
PAGES_HEADER = {"format": "json-pages-1.0", "id": "pages", "title": "All Pages"}


@dataclass(frozen=True)
class Capture:
    """One WARC for the archive: the packet's snapshot number, the WARC bytes, and a page title."""

    n: int
    warc: bytes
    title: str | None = None


def build_wacz(captures: list[Capture], *, title: str, created: datetime, software: str) -> bytes:
    """The WACZ bytes of these captures; the same captures and moment give the same bytes."""
    archives = [(f"archive/{c.n}.warc.gz", c.warc) for c in captures]
    pages = [_page(c, name) for c, name in zip(captures, (n for n, _ in archives), strict=True)]
    files = [
        *archives,
        ("indexes/index.cdx", _index(archives)),
        ("pages/pages.jsonl", _jsonl([PAGES_HEADER, *[p for p in pages if p]])),
    ]
    main = next((p for p in pages if p), None)
    package = _datapackage(files, title=title, created=created, software=software, main=main)
    digest = {"path": "datapackage.json", "hash": "sha256:" + hashlib.sha256(package).hexdigest()}
    files += [("datapackage.json", package), ("datapackage-digest.json", _json(digest))]
    return _zip(files, created)


def _index(archives: list[tuple[str, bytes]]) -> bytes:
    """CDXJ lines of every response, resource and metadata record, sorted by SURT key and time."""
    from cdxj_indexer.main import CDXJIndexer

    lines: list[str] = []
    for name, data in archives:
        out = io.StringIO()
        CDXJIndexer(out, [io.BytesIO(data)], filename=name.removeprefix("archive/")).process_all()
        lines += out.getvalue().splitlines(keepends=True)
    return "".join(sorted(lines)).encode("utf-8")


def _page(capture: Capture, name: str) -> dict[str, Any] | None:
    """The page of a capture: its WARC's first response (the page, written before its subresources)."""
    from warcio.archiveiterator import ArchiveIterator

    for record in ArchiveIterator(io.BytesIO(capture.warc)):
        if record.rec_type == "response":
            date = record.rec_headers.get_header("WARC-Date") or ""
            page = {
                "id": f"page-{capture.n}",
                "url": record.rec_headers.get_header("WARC-Target-URI"),
                "ts": date,
                "title": capture.title or "",
            }
            return page
    return None


def _datapackage(
    files: list[tuple[str, bytes]],
    *,
    title: str,
    created: datetime,
    software: str,
    main: dict[str, Any] | None,
) -> bytes:
    stamp = created.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    package: dict[str, Any] = {
        "profile": "data-package",
        "wacz_version": WACZ_VERSION,
        "title": title,
        "created": stamp,
        "modified": stamp,
        "software": software,
        "resources": [
            {
                "name": name.rsplit("/", 1)[-1],
                "path": name,
                "hash": "sha256:" + hashlib.sha256(data).hexdigest(),
                "bytes": len(data),
            }
            for name, data in files
        ],
    }
    if main:
        package["mainPageURL"] = main["url"]
        package["mainPageDate"] = main["ts"]
    return _json(package)


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _jsonl(rows: list[dict[str, Any]]) -> bytes:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows).encode("utf-8")


def _zip(files: list[tuple[str, bytes]], moment: datetime) -> bytes:
    stamp = moment.astimezone(UTC).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            info.compress_type = zipfile.ZIP_STORED if name.startswith("archive/") else zipfile.ZIP_DEFLATED
            archive.writestr(info, data)
    return buffer.getvalue()


# --- reading it back -------------------------------------------------------------------------------------


def check_records(wacz: bytes, *, member: str = WACZ) -> list[str]:
    """Problems of a WACZ, one sentence each: a WARC record whose digest does not match (named by its
    WARC-Record-ID and target URI), a file whose sha256 is not the one datapackage.json gives, a WACZ or
    WARC that cannot be read. Empty when every record and file is as written. Never raises."""
    from warcio.exceptions import ArchiveLoadFailed

    try:
        archive = zipfile.ZipFile(io.BytesIO(wacz))
        names = archive.namelist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        return [f"{member} is not a WACZ (ZIP) file ({exc})"]
    problems = _package_problems(archive, names, member)
    for name in names:
        if not name.startswith("archive/"):
            continue
        try:
            problems += _record_problems(archive.read(name), f"{member}/{name}")
        except (ArchiveLoadFailed, zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
            problems.append(f"{member}/{name}: the WARC cannot be read ({str(exc)[:200]})")
    return problems


def _record_problems(warc: bytes, where: str) -> list[str]:
    from warcio.archiveiterator import ArchiveIterator

    problems: list[str] = []
    for record in ArchiveIterator(io.BytesIO(warc), check_digests=True):
        stream = record.content_stream()
        while stream.read(1024 * 1024):
            pass
        if record.digest_checker.passed is False:
            record_id = record.rec_headers.get_header("WARC-Record-ID")
            uri = record.rec_headers.get_header("WARC-Target-URI") or "(no target URI)"
            what = "; ".join(record.digest_checker.problems)
            problems.append(f"WARC record {record_id} ({record.rec_type} {uri}) in {where}: {what}")
    return problems


def _package_problems(archive: zipfile.ZipFile, names: list[str], member: str) -> list[str]:
    if "datapackage.json" not in names:
        return [f"{member} has no datapackage.json"]
    try:
        package = json.loads(archive.read("datapackage.json"))
        resources = package["resources"]
    except (ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        return [f"{member}/datapackage.json cannot be read ({str(exc)[:200]})"]
    problems = []
    for resource in resources if isinstance(resources, list) else []:
        path = resource.get("path") if isinstance(resource, dict) else None
        if not isinstance(path, str) or path not in names:
            problems.append(f"{member}/{path}: listed in datapackage.json, not in the WACZ")
            continue
        if "sha256:" + hashlib.sha256(archive.read(path)).hexdigest() != resource.get("hash"):
            problems.append(f"{member}/{path}: its sha256 is not the one datapackage.json gives")
    return problems
