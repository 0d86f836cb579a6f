"""Build a sealed evidence packet (a ZIP) for one lead; the format is the contract of docs/evidence.md."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import zipfile
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo

from review.format import spreadsheet_cell
from review.i18n import label, translate
from settings import Settings, get_settings, installed_version
from storage import Database
from storage import evidence as repo
from storage.errors import MarkwatchError, NotFound

FORMAT = "markwatch-evidence/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "public_key.txt"
SIGNED_DIGEST = "sha256"  # the label of manifest.sig's second line
SHANGHAI = ZoneInfo("Asia/Shanghai")


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat(timespec="seconds")


def _shanghai(moment: datetime) -> str:
    return moment.astimezone(SHANGHAI).isoformat(timespec="seconds")


def _shown(moment: datetime | None) -> str:
    """How a time is shown in the report: Asia/Shanghai, to the second."""
    return "—" if moment is None else moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S")


def _csv(header: list[str], rows: list[list[Any]]) -> bytes:
    """CSV in UTF-8 with a BOM, so that Excel opens the Chinese text correctly.

    Every cell goes through the exports' guard: scraped and typed text never becomes a formula.
    """
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([spreadsheet_cell(cell) for cell in row] for row in rows)
    return b"\xef\xbb\xbf" + text.getvalue().encode("utf-8")


def _json(value: Any) -> bytes:
    return (json.dumps(value, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def signature_file(signature: bytes, manifest_bytes: bytes) -> bytes:
    """manifest.sig: the signature in hex, then the SHA-256 of the manifest it signs.

    The second line lets a verifier tell an edited signature (the manifest still has the digest) from
    an edited manifest; it starts with a letter that is not a hex digit, so ``xxd -r -p`` stops there.
    """
    digest = hashlib.sha256(manifest_bytes).hexdigest()
    return f"{signature.hex()}\n{SIGNED_DIGEST} {digest}\n".encode("ascii")


def _zip(entries: list[tuple[str, bytes]], moment: datetime) -> bytes:
    """A ZIP whose bytes depend only on the entries and the moment: fixed order, times and attributes."""
    stamp = moment.astimezone(SHANGHAI).timetuple()[:6]  # ZIP times are local; the manifest has both zones
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in entries:
            info = zipfile.ZipInfo(name, date_time=stamp)
            info.create_system = 3
            info.external_attr = 0o644 << 16
            info.compress_type = (
                zipfile.ZIP_STORED
                if name.endswith((".png", ".pdf", ".jpg", ".gif", ".webp", ".wacz"))
                else zipfile.ZIP_DEFLATED
            )
            archive.writestr(info, data)
    return buffer.getvalue()


def _image_extension(data: bytes) -> str:
    """The file extension of stored image bytes, from the bytes (the address may say anything)."""
    for magic, ext in ((b"\x89PNG", "png"), (b"\xff\xd8\xff", "jpg"), (b"GIF8", "gif")):
        if data.startswith(magic):
            return ext
    return "webp" if data[:4] == b"RIFF" and data[8:12] == b"WEBP" else "bin"


def packet_file_name(lead_id: int, now: datetime, settings: Settings | None = None) -> str:
    """The file name of an export, the same from the web app, the API and the CLI."""
    zone = ZoneInfo((settings or get_settings()).timezone)
    return f"markwatch-lead-{lead_id}-{now.astimezone(zone).strftime('%Y%m%d-%H%M%S')}.zip"


def build_packet(
    db: Database,
    lead_id: int,
    *,
    user_name: str,
    now: datetime | None = None,
    via: str = "web",
    settings: Settings | None = None,
    witness: str | None = None,
    lang: str = "zh",
) -> bytes:
    """The sealed evidence packet (ZIP bytes) of a lead, recorded as an export.

    The export is written in one unit of work: the ZIP into the blob store, an EvidencePacket row with
    an EvidenceBlob row for every blob it references (so retention keeps them), and an append-only
    ReviewEvent ``evidence_export``. ``via`` says where the export came from (``web``, ``api``, ``cli``).
    ``witness`` is the second officer (见证人) named in the report: an active user other than ``user_name``.
    ``lang`` is the language of report.pdf (zh-CN unless "en"); the manifest and file names do not change.
    Raises storage.errors.NotFound for an unknown lead, InvalidWitness for a witness who cannot be one,
    MarkwatchError when no CJK font is installed.
    """
    from review.evidence import keys

    settings = settings or get_settings()
    now = now or datetime.now(UTC)
    if now.tzinfo is None:
        raise ValueError("build_packet: `now` must be timezone-aware")
    key_hex = keys.public_key_hex(settings)
    key_facts = {"algorithm": "Ed25519", "public_key": key_hex, "fingerprint": keys.fingerprint(key_hex)}
    exported = {
        "by": user_name,
        "via": via,
        "at_utc": _utc(now),
        "at_shanghai": _shanghai(now),
        **_officers(user_name, witness, settings),
    }
    tool = {"name": "markwatch", "version": installed_version()}

    with db.session() as session:
        lead = repo.get_lead_for_evidence(session=session, lead_id=lead_id)
        if lead is None:
            raise NotFound(
                f"no lead {lead_id}; the queue (`/` in the web app) lists the leads",
                key="err.no_lead_queue",
                id=lead_id,
            )
        _check_witness(session, witness, user_name)
        contents = _Contents(key_hex)
        facts = {
            **_gather(db, session, lead, contents, now),
            "exported": exported,
            "key": key_facts,
            "tool": tool,
            "now": now,
            "lang": lang,
        }
        # asked inside the (read-only) unit of work: a refusal renders the report again from the lead
        files, manifest_bytes, token = _sealed_and_stamped(lead, contents, facts, _manifest(facts), settings)
        entries = _ordered_entries(
            files, contents, manifest_bytes, keys.sign(manifest_bytes, settings), token
        )
        packet = _zip(entries, now)

    # written in a unit of work of its own: a read transaction that turned into a write after the
    # time spent above could fail on SQLite (WAL) when the crawler committed in the meantime
    zip_digest = db.blobs.put(packet)
    with db.session() as session:
        repo.record_export(
            session=session,
            lead_id=lead_id,
            user_name=user_name,
            zip_sha256=zip_digest,
            manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
            public_key=key_hex,
            blobs=contents.referenced | {zip_digest},
            detail={"via": via, "fingerprint": key_facts["fingerprint"], "files": len(entries)},
            at=now,
        )
    return packet


def _gather(db: Database, session: Any, lead: Any, contents: _Contents, now: datetime) -> dict[str, Any]:
    """The lead's facts, read in the export's unit of work; its files and blobs added to ``contents``."""
    score_facts, reasons = _score_facts(lead.score)
    contents.files.append(("reasons.json", _json({"score": score_facts, "reasons": reasons})))
    prices = repo.price_history(session=session, listing_id=lead.listing.id)
    contents.files.append(("price_history.csv", _price_csv(prices)))
    events = repo.audit_trail(session=session, lead_id=lead.id)
    contents.files.append(("audit.csv", _audit_csv(events)))
    snapshots = repo.listing_snapshots(session=session, listing_id=lead.listing.id)
    snapshot_facts = _add_snapshots(db, contents, snapshots)
    image_facts = _add_images(db, contents, session, lead.listing.id)
    return {
        "lead": _lead_facts(lead),
        "listing": _listing_facts(lead.listing),
        "score": score_facts,
        "reasons": reasons,
        "snapshot_facts": snapshot_facts,
        "snapshots": list(zip(snapshot_facts, snapshots, strict=True)),
        "image_facts": image_facts,
        "archive": _add_archive(db, contents, snapshots, snapshot_facts, lead, now),
        "events": events,
        "prices": prices,
        "pictures": contents.png + contents.images,
        "images": len(contents.images),
    }


def _manifest(facts: dict[str, Any]) -> dict[str, Any]:
    """manifest.json's content but for what sealing adds (the time-stamp plan and the file table)."""
    return {
        "format": FORMAT,
        "tool": facts["tool"],
        "exported": facts["exported"],
        "lead": facts["lead"],
        "listing": facts["listing"],
        "snapshots": facts["snapshot_facts"],
        "images": facts["image_facts"],
        "archive": facts["archive"],
        "signature": {**facts["key"], "signed_file": MANIFEST, "signature_file": SIGNATURE},
    }


class InvalidWitness(MarkwatchError):
    """The witness named for an export is not a second, active user."""


def _check_witness(session: Any, witness: str | None, user_name: str) -> None:
    if witness is None:
        return
    if witness == user_name:
        raise InvalidWitness(f"the witness must be a second officer, not the extractor {user_name!r}")
    if not repo.is_active_user(session=session, name=witness):
        raise InvalidWitness(f"no active user {witness!r} to act as witness (见证人); `markwatch user list`")


def _officers(user_name: str, witness: str | None, settings: Settings) -> dict[str, Any]:
    """Who extracted and who witnessed, with certificate numbers, for which body and where."""
    certificates = settings.officer_certificates
    return {
        "by_certificate": certificates.get(user_name),
        "witness": witness,
        "witness_certificate": certificates.get(witness) if witness else None,
        "bureau": settings.bureau or None,
        "place": settings.extraction_place or None,
    }


class _Contents:
    """The files of a packet being built, by kind, and the blobs they reference."""

    def __init__(self, key_hex: str) -> None:
        self.files: list[tuple[str, bytes]] = [(PUBLIC_KEY, (key_hex + "\n").encode("ascii"))]
        self.html: list[tuple[str, bytes]] = []
        self.png: list[tuple[str, bytes]] = []
        self.images: list[tuple[str, bytes]] = []
        self.archive: list[tuple[str, bytes]] = []
        self.referenced: set[str] = set()


def _score_facts(score: Any) -> tuple[dict[str, Any] | None, list[Any]]:
    """The score's facts and reasons for reasons.json, the manifest and the report."""
    if not score:
        return None, []
    facts = {
        "scored_at_utc": _utc(score.scored_at),
        "scored_at_shanghai": _shanghai(score.scored_at),
        "risk": score.risk,
        "flagged": score.flagged,
        "brand": score.brand_name,
        "violation": score.violation,
        "model_version": score.model_version,
    }
    return facts, list(score.reasons or [])


def _price_csv(prices: list[Any]) -> bytes:
    return _csv(
        ["观测时间（UTC）", "观测时间（北京时间）", "价格", "币种"],
        [[_utc(p.observed_at), _shanghai(p.observed_at), p.price, p.currency] for p in prices],
    )


def _audit_csv(events: list[Any]) -> bytes:
    system = translate("lead.system")
    return _csv(
        ["时间（UTC）", "时间（北京时间）", "操作人", "操作", "操作说明", "备注", "详情（JSON）"],
        [
            [
                _utc(e.at),
                _shanghai(e.at),
                _actor(e, name, system),
                e.action,
                label("action", e.action),
                e.note or "",
                json.dumps(e.detail or {}, ensure_ascii=False, sort_keys=True),
            ]
            for e, name in events
        ],
    )


def _actor(event: Any, name: str | None, system: str) -> str:
    """Who made an audit event: the user, else the name an export recorded (a CLI login), else the system."""
    return name or (event.detail or {}).get("by") or system


def _add_snapshots(db: Database, contents: _Contents, snapshots: list[Any]) -> list[dict[str, Any]]:
    """Each snapshot's page and screenshot as packet files, numbered oldest first; their facts."""
    snapshot_facts: list[dict[str, Any]] = []
    for n, snap in enumerate(snapshots, start=1):
        fact: dict[str, Any] = {
            "n": n,
            "url": snap.url,
            "final_url": snap.final_url,
            "fetched_at_utc": _utc(snap.fetched_at),
            "fetched_at_shanghai": _shanghai(snap.fetched_at),
            "http_status": snap.http_status,
            "headers": dict(snap.headers or {}),
            "tool_version": snap.tool_version,
            **_capture_facts(snap),
            "html": None,
            "html_sha256": snap.html_sha256,
            "screenshot": None,
            "screenshot_sha256": snap.screenshot_sha256,
            "missing": [],
        }
        for digest, folder, ext, sink, field in (
            (snap.html_sha256, "snapshots", "html", contents.html, "html"),
            (snap.screenshot_sha256, "screenshots", "png", contents.png, "screenshot"),
        ):
            if not digest:
                continue
            contents.referenced.add(digest)
            try:
                data = db.blobs.get(digest)
            except FileNotFoundError:
                fact["missing"].append(field)  # said in the manifest and the report, never hidden
                continue
            name = f"{folder}/{n}.{ext}"
            sink.append((name, data))
            fact[field] = name
        snapshot_facts.append(fact)
    contents.files.extend(contents.html)
    contents.files.extend(contents.png)
    return snapshot_facts


def _capture_facts(snap: Any) -> dict[str, Any]:
    """How a snapshot was taken: crawl or evidence capture, its environment, and why it failed if it did."""
    return {
        "capture": snap.capture,
        "failed_reason": snap.failed_reason,
        "attempts": snap.attempts,
        "user_agent": snap.user_agent,
        "browser_version": snap.browser_version,
        "egress": snap.egress,
        "warc": None,
        "warc_sha256": snap.warc_sha256,
    }


def _add_archive(
    db: Database,
    contents: _Contents,
    snapshots: list[Any],
    snapshot_facts: list[dict[str, Any]],
    lead: Any,
    now: datetime,
) -> dict[str, Any] | None:
    """The snapshots' WARC files as one WACZ (archive.wacz); its facts, or None when there is none."""
    from review.evidence.wacz import WACZ, WACZ_VERSION, Capture, build_wacz

    captures = []
    for snap, fact in zip(snapshots, snapshot_facts, strict=True):
        if not snap.warc_sha256:
            continue
        contents.referenced.add(snap.warc_sha256)
        try:
            warc = db.blobs.get(snap.warc_sha256)
        except FileNotFoundError:
            fact["missing"].append("warc")  # said in the manifest and the report, never hidden
            continue
        captures.append(Capture(fact["n"], warc, lead.listing.title))
        fact["warc"] = f"{WACZ}#archive/{fact['n']}.warc.gz"
    if not captures:
        return None
    title = f"markwatch MW-{lead.id}"
    contents.archive.append((WACZ, build_wacz(captures, title=title, created=now, software=_software())))
    contents.files.extend(contents.archive)
    return {"file": WACZ, "format": f"WACZ {WACZ_VERSION}", "warcs": len(captures)}


def _software() -> str:
    return f"markwatch {installed_version()}"


def _add_images(db: Database, contents: _Contents, session: Any, listing_id: int) -> list[dict[str, Any]]:
    """The listing's images as the crawler stored them (bytes as served, with their hashes); their facts."""
    from storage.images import listing_images

    image_facts: list[dict[str, Any]] = []
    for n, image in enumerate(listing_images(session=session, listing_id=listing_id), start=1):
        contents.referenced.add(image.sha256)
        image_fact: dict[str, Any] = {
            "n": n,
            "url": image.url,
            "sha256": image.sha256,
            "phash": image.phash,
            "first_seen_utc": _utc(image.first_seen),
            "last_seen_utc": _utc(image.last_seen),
            "file": None,
        }
        try:
            data = db.blobs.get(image.sha256)
        except FileNotFoundError:
            image_fact["missing"] = True  # said in the manifest, never hidden
        else:
            image_fact["file"] = f"images/{n}.{_image_extension(data)}"
            contents.images.append((image_fact["file"], data))
        image_facts.append(image_fact)
    contents.files.extend(contents.images)
    return image_facts


def _lead_facts(lead: Any) -> dict[str, Any]:
    from storage.queue import estimated_sales

    return {
        "id": lead.id,
        "status": lead.status,
        "risk": lead.risk,
        "violation": lead.violation,
        "department": lead.department,
        "brand": lead.brand.name if lead.brand else None,
        "first_flagged_at_utc": _utc(lead.first_flagged_at),
        "last_flagged_at_utc": _utc(lead.last_flagged_at),
        "transfer_review": lead.transfer_review,
        "estimated_sales": estimated_sales(lead.listing),
    }


def _listing_facts(listing: Any) -> dict[str, Any]:
    from review import uscc

    seller = listing.seller
    licence_check = None
    if seller is not None and seller.licence:
        result = uscc.check(seller.licence)
        licence_check = {"valid": result.valid, "region": result.region, "reason": result.reason}
    return {
        "platform": listing.platform.name,
        "platform_title": listing.platform.title,
        "external_id": listing.external_id,
        "url": listing.url,
        "title": listing.title,
        "price": listing.price,
        "currency": listing.currency,
        "category": listing.category,
        "sold": listing.sold,
        "description": listing.description,
        "images": list(listing.images or []),
        "first_seen_utc": _utc(listing.first_seen),
        "last_seen_utc": _utc(listing.last_seen),
        "seller": None
        if seller is None
        else {
            "id": seller.external_id,
            "name": seller.name,
            "url": seller.url,
            "opened": seller.opened.isoformat() if seller.opened else None,
            "rating": seller.rating,
            "licence": seller.licence,
            "licence_check": licence_check,
            "blacklisted": seller.blacklisted,
        },
    }


def _file_table(entries: list[tuple[str, bytes]]) -> list[dict[str, Any]]:
    return [{"name": n, "size": len(d), "sha256": hashlib.sha256(d).hexdigest()} for n, d in entries]


def _render(lead: Any, parts: dict[str, Any], settings: Settings) -> bytes:
    """report.pdf: the manifest's facts with labels and times as the report shows them.

    The report lists every file but itself and the manifest pair.
    """
    from review.evidence.report import render_report

    listing = lead.listing
    lang = parts["lang"]
    system = translate("lead.system", lang)
    now = parts["now"]
    return render_report(
        {
            "lead": {
                **parts["lead"],
                "status_label": label("status", lead.status, lang),
                "violation_label": label("violation", lead.violation, lang),
                "first_flagged_shanghai": _shown(lead.first_flagged_at),
                "last_flagged_shanghai": _shown(lead.last_flagged_at),
            },
            "listing": {
                **parts["listing"],
                "first_seen_shanghai": _shown(listing.first_seen),
                "last_seen_shanghai": _shown(listing.last_seen),
            },
            "score": parts["score"],
            "reasons": [
                {**r, "signal_label": label("signal", r.get("signal"), lang)} if isinstance(r, dict) else r
                for r in parts["reasons"]
            ],
            "pictures": parts["pictures"],
            "images": parts["images"],
            "archive": parts["archive"],
            "snapshots": [
                {
                    **s,
                    "fetched_at_shanghai": _shown(snap.fetched_at),
                    "fetched_at_utc": s["fetched_at_utc"].replace("+00:00", "Z"),
                }
                for s, snap in parts["snapshots"]
            ],
            "audit": [
                {
                    "at_shanghai": _shown(e.at),
                    "by": _actor(e, name, system),
                    "action": e.action,
                    "action_label": label("action", e.action, lang),
                    "department": (e.detail or {}).get("department"),
                    "note": e.note,
                }
                for e, name in parts["events"]
            ],
            "price_history": [
                {
                    "observed_at_shanghai": _shown(p.observed_at),
                    "price": p.price,
                    "currency": p.currency,
                }
                for p in parts["prices"]
            ],
            "files": parts["files"],
            "exported": {
                **parts["exported"],
                "at_utc": _utc(now).replace("+00:00", "Z"),
                "at_shanghai": _shown(now),
            },
            "key": parts["key"],
            "tool": parts["tool"],
            "timestamp": parts["timestamp"],
        },
        settings=settings,
        lang=lang,
    )


def _sealed_and_stamped(
    lead: Any, contents: _Contents, facts: dict[str, Any], manifest: dict[str, Any], settings: Settings
) -> tuple[list[tuple[str, bytes]], bytes, bytes | None]:
    """The packet's files with report.pdf, the manifest's bytes and the TSA's token over them (or None).

    The manifest says beforehand which token it gets; when the TSA gives none, the report and the
    manifest are made again saying so, with the reason.
    """
    from review.evidence import timestamp

    plan = timestamp.planned(settings)
    files, manifest_bytes = _sealed(lead, contents, facts, manifest, plan, settings)
    if not plan["token_file"]:
        return files, manifest_bytes, None
    try:
        return files, manifest_bytes, timestamp.request_token(manifest_bytes, settings)
    except timestamp.TimestampRefused as refusal:
        plan = timestamp.refused(plan, str(refusal))
    files, manifest_bytes = _sealed(lead, contents, facts, manifest, plan, settings)
    return files, manifest_bytes, None


def _sealed(
    lead: Any,
    contents: _Contents,
    facts: dict[str, Any],
    manifest: dict[str, Any],
    plan: dict[str, Any],
    settings: Settings,
) -> tuple[list[tuple[str, bytes]], bytes]:
    """report.pdf rendered for this time-stamp plan, and the manifest listing every file with it."""
    report = _render(lead, {**facts, "files": _file_table(contents.files), "timestamp": plan}, settings)
    files = [*contents.files, ("report.pdf", report)]
    return files, _json({**manifest, "timestamp": plan, "files": _file_table(files)})


def _ordered_entries(
    files: list[tuple[str, bytes]],
    contents: _Contents,
    manifest_bytes: bytes,
    signature: bytes,
    token: bytes | None,
) -> list[tuple[str, bytes]]:
    """The ZIP's members in the documented order: the manifest with its signature and time-stamp token,
    the fixed files, then the blobs."""
    from review.evidence.timestamp import TOKEN

    by_name = dict(files)
    if len(by_name) != len(files):
        raise MarkwatchError("internal error: two packet files share a name")  # pragma: no cover
    fixed = [PUBLIC_KEY, "report.pdf", "reasons.json", "price_history.csv", "audit.csv"]
    entries = [(MANIFEST, manifest_bytes), (SIGNATURE, signature_file(signature, manifest_bytes))]
    entries += [(TOKEN, token)] if token is not None else []
    entries += [(name, by_name[name]) for name in fixed]
    return entries + contents.html + contents.png + contents.images + contents.archive


# public names of the sealing steps, for the case packet (review/cases/packet.py), which holds lead
# packets and documents and is signed and verified exactly as a lead's packet
json_bytes = _json
file_table = _file_table
deterministic_zip = _zip
