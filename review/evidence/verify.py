"""Verify a sealed evidence packet: the signature over manifest.json, and every file against its hash."""

from __future__ import annotations

import hashlib
import io
import json
import struct
import zipfile
import zlib
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from review.evidence import keys
from review.evidence import timestamp as tsp
from review.evidence.packet import FORMAT, MANIFEST, PUBLIC_KEY, SIGNATURE, SIGNED_DIGEST, signature_file
from review.format import printable
from review.i18n import translate
from settings import Settings, get_settings

SHANGHAI = ZoneInfo("Asia/Shanghai")
MAX_ENTRY = 512 * 1024 * 1024  # bytes; a member larger than this is reported, not read (a ZIP bomb)


@dataclass
class VerifyReport:
    """What ``verify_packet`` found.

    ``ok``: the signature is good, it is by the expected key when one is known, and every file is as the
    manifest says. ``is_packet`` False: the input is not an evidence packet at all (not a ZIP, or no
    manifest.json). ``key_source`` says whose key signed it: ``pinned`` (the key given as
    ``expected_key``), ``installation`` (this machine's key: the packet was issued here), ``embedded``
    (nothing to compare with: only the public key inside the packet was used, so the signer is NOT
    identified — anyone can re-sign a packet with a key of their own), or ``other`` (a key that is not
    the expected one: the packet was re-signed elsewhere, not ok). ``expected_fingerprint`` is the
    fingerprint of the expected key, when one is known.
    """

    ok: bool = False
    is_packet: bool = True
    signature_valid: bool | None = None
    public_key: str | None = None
    fingerprint: str | None = None
    key_source: str | None = None  # pinned | installation | embedded | other
    expected_fingerprint: str | None = None
    pinned: bool = False  # the expected key came from ``expected_key`` (--key), not this installation
    changed: list[str] = field(default_factory=list)
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # one sentence each
    files_checked: int = 0
    manifest: dict[str, Any] | None = None
    # the RFC 3161 token over the manifest: None when the packet has none (``timestamp_note`` says why)
    timestamp: tsp.TokenCheck | None = None
    timestamp_note: dict[str, Any] = field(default_factory=dict)

    def lines(self, lang: str = "en") -> list[str]:
        """The report as sentences for a terminal or a page; names from the archive have their control
        characters shown escaped, so a member name cannot rewrite what the terminal shows. The trusted
        time's lines are in ``lang`` (review.i18n)."""
        return [printable(line) for line in self._sentences(lang)]

    def timestamp_lines(self, lang: str = "en") -> list[str]:
        """What the packet's trusted timestamp shows: the TSA's time and name, or plainly none."""
        found, note = self.timestamp, self.timestamp_note
        if found is None:
            if note.get("refused"):
                return [
                    translate("evidence.timestamp_refused", lang, tsa=note.get("tsa"), reason=note["refused"])
                ]
            return [translate("evidence.no_timestamp", lang)]
        if found.problem:
            return [translate("evidence.timestamp_invalid", lang, problem=found.problem)]
        at = found.time
        line = translate(
            "evidence.timestamp_valid" if found.trusted else "evidence.timestamp_unchecked",
            lang,
            tsa=found.tsa_name or "?",
            utc=at.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S") if at else "?",
            shanghai=at.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M:%S") if at else "?",
        )
        return [line]

    def _sentences(self, lang: str) -> list[str]:
        def t(key: str, **values: Any) -> str:
            return translate(f"verify.{key}", lang, **values)

        out: list[str] = []
        if not self.is_packet:
            return [t("not_packet", problem=p) for p in self.problems]
        if self.signature_valid and self.key_source == "other":
            expected = t("expected_pinned" if self.pinned else "expected_installation")
            out.append(
                t(
                    "sig_other",
                    fingerprint=self.fingerprint,
                    expected_fingerprint=self.expected_fingerprint,
                    expected=expected,
                )  # fmt: skip
            )
            if not self.pinned:
                out.append(t("note_other"))
        elif self.signature_valid:
            where = t(f"by_{self.key_source or 'embedded'}")
            out.append(t("sig_valid", where=where, fingerprint=self.fingerprint))
            if self.key_source == "embedded":
                out.append(t("unidentified_warning"))
        elif SIGNATURE in self.removed:
            out.append(t("sig_missing"))
        elif SIGNATURE in self.changed and MANIFEST not in self.changed:
            out.append(t("sig_changed"))
        else:
            out.append(t("sig_invalid"))
        if self.manifest is not None and self.signature_valid:
            out += self.timestamp_lines(lang)
        for kind, names in (("changed", self.changed), ("added", self.added), ("removed", self.removed)):
            out += [t(kind, name=name) for name in names]
        out += [t("problem", problem=p) for p in self.problems]
        if self.ok:
            out.append(
                t("intact_unidentified" if self.key_source == "embedded" else "intact", n=self.files_checked)
            )
        return out


def _grouped(compact_fingerprint: str) -> str:
    return " ".join(compact_fingerprint[i : i + 4] for i in range(0, len(compact_fingerprint), 4))


def _not_packet(reason: str) -> VerifyReport:
    return VerifyReport(ok=False, is_packet=False, problems=[reason])


def _u16(raw: bytes, at: int) -> int:
    return int(struct.unpack_from("<H", raw, at)[0])


def _u32(raw: bytes, at: int) -> int:
    return int(struct.unpack_from("<I", raw, at)[0])


def _stray_bytes(raw: bytes, infos: list[zipfile.ZipInfo]) -> str | None:
    """Why the ZIP holds more than its members, back to back from byte 0, then the central directory
    and its end record with no comment; None when it holds nothing else. A packet is written exactly
    so; bytes put before, between or after them are not covered by any hash and could carry anything.
    """
    end = raw.rfind(b"PK\x05\x06", max(0, len(raw) - 22 - 0xFFFF))
    if end < 0 or len(raw) - end < 22:
        return "the ZIP has no end record"
    if _u16(raw, end + 20) or end + 22 != len(raw):
        return f"{len(raw) - end - 22:,} byte(s) after the central directory (a ZIP comment or appended data)"
    directory_size, directory_at = _u32(raw, end + 12), _u32(raw, end + 16)
    if directory_at == 0xFFFFFFFF:
        return "the ZIP is a ZIP64 archive, which a packet never is"
    before = end - directory_size - directory_at
    if before:
        return f"{abs(before):,} byte(s) before the first file of the ZIP"
    position = 0
    for info in sorted(infos, key=lambda i: i.header_offset):
        if info.header_offset != position or raw[position : position + 4] != b"PK\x03\x04":
            return f"bytes that belong to no file before {info.filename} in the ZIP"
        position += 30 + _u16(raw, position + 26) + _u16(raw, position + 28) + info.compress_size
        if info.flag_bits & 0x08:  # a data descriptor follows the data: optional signature, crc, sizes
            position += (4 if raw[position : position + 4] == b"PK\x07\x08" else 0) + 12
    if position != directory_at:
        return "bytes that belong to no file between the last file and the central directory of the ZIP"
    return None


def verify_packet(
    data: bytes | str | Path,
    *,
    settings: Settings | None = None,
    expected_key: str | None = None,
    tsa_certificates: Path | None = None,
) -> VerifyReport:
    """Check a packet (bytes or a path). Never raises for a bad packet: the report says what is wrong.

    The time-stamp token, when the packet has one, must be over the manifest's SHA-256 and chain to
    ``tsa_certificates`` (PEM), else to MARKWATCH_TSA_CERTIFICATES, else only to its own certificate
    (``timestamp.trusted`` False: the TSA is not identified).

    The signer must be ``expected_key`` (the issuing installation's public key in hex, or its
    fingerprint) when given, else this installation's key when this machine has one; with neither, the
    signature is checked with the key inside the packet only (``key_source`` ``embedded``).
    Raises MarkwatchError when ``expected_key`` is neither a key nor a fingerprint, OSError when a path
    cannot be read.
    """
    pinned = None if expected_key is None else keys.expected_key(expected_key)
    raw = Path(data).read_bytes() if isinstance(data, (str, Path)) else bytes(data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        infos = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        return _not_packet(f"not a ZIP file ({exc})")
    names = [i.filename for i in infos]
    if MANIFEST not in names:
        return _not_packet("no manifest.json in the ZIP")

    report = VerifyReport()
    stray = _stray_bytes(raw, infos)
    if stray:
        report.problems.append(stray)
    seen = _note_duplicates(report, names)
    reader = _Reader(archive, report)
    manifest_bytes = reader.read(MANIFEST)
    try:
        manifest, expected, key_hex = _parse_manifest(manifest_bytes)
    except (ValueError, KeyError, TypeError) as exc:
        if SIGNATURE not in names:
            return _not_packet(f"manifest.json is not a markwatch evidence manifest ({exc})")
        report.signature_valid = False
        report.problems.append(f"manifest.json cannot be read as a manifest ({exc}): it was changed")
        report.changed.append(MANIFEST)
        return report
    report.manifest = manifest
    report.public_key = key_hex
    try:
        report.fingerprint = keys.fingerprint(key_hex)
    except ValueError:
        report.problems.append("the manifest's public key is not hex")

    _check_signature(report, reader, names, key_hex, manifest_bytes)
    _identify_signer(report, key_hex, pinned, settings)
    token_file = _check_timestamp(report, reader, names, manifest_bytes or b"", settings, tsa_certificates)
    _check_files(report, reader, names, seen, expected, key_hex, token_file)
    _check_archive(report, reader, seen)
    report.ok = bool(
        report.signature_valid
        and report.key_source != "other"
        and not (report.changed or report.added or report.removed or report.problems)
    )
    return report


def _note_duplicates(report: VerifyReport, names: list[str]) -> set[str]:
    """The member names; a second member with the same name is named: somebody appended one."""
    seen: set[str] = set()
    for name in names:
        if name in seen:
            report.added.append(name)
            report.problems.append(f"{name} appears more than once in the ZIP")
        seen.add(name)
    return seen


class _Reader:
    """Reads members of the packet, reporting (not raising) those too large or unreadable."""

    def __init__(self, archive: zipfile.ZipFile, report: VerifyReport) -> None:
        self.archive = archive
        self.report = report

    def read(self, name: str) -> bytes | None:
        info = self.archive.getinfo(name)
        if info.file_size > MAX_ENTRY:
            self.report.problems.append(f"{name} is {info.file_size:,} bytes, larger than any packet file")
            return None
        try:
            return self.archive.read(info)
        except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError, zlib.error) as exc:
            self.report.problems.append(f"{name} cannot be read ({exc})")  # a corrupt compressed stream too
            return None


def _parse_manifest(manifest_bytes: bytes | None) -> tuple[dict[str, Any], list[Any], str]:
    """The manifest, its file list and its public key; ValueError/KeyError/TypeError when it is not one."""
    manifest = json.loads(manifest_bytes or b"")
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise ValueError(f"format is not {FORMAT}")
    expected = manifest["files"]
    key_hex = manifest["signature"]["public_key"]
    if not isinstance(expected, list) or not isinstance(key_hex, str):
        raise ValueError("files or signature.public_key malformed")
    return manifest, expected, key_hex


def _check_signature(
    report: VerifyReport, reader: _Reader, names: list[str], key_hex: str, manifest_bytes: bytes | None
) -> None:
    """Whether manifest.sig signs the manifest, and which of the two was changed when it does not."""
    if SIGNATURE not in names:
        report.removed.append(SIGNATURE)
        report.signature_valid = False
        return
    sig_bytes = reader.read(SIGNATURE) or b""
    sig_lines = sig_bytes.decode("ascii", "replace").splitlines() or [""]
    try:
        signature = bytes.fromhex(sig_lines[0].strip())
    except ValueError:
        signature = b""
    signed_digest = None  # the manifest digest manifest.sig names (packets since 0.2; None before)
    for line in sig_lines[1:]:
        name, _, value = line.strip().partition(" ")
        if name == SIGNED_DIGEST:
            signed_digest = value.strip()
    manifest_digest = hashlib.sha256(manifest_bytes or b"").hexdigest()
    report.signature_valid = bool(
        manifest_bytes is not None and keys.signature_ok(key_hex, signature, manifest_bytes)
    )
    if report.signature_valid:
        as_issued = {signature_file(signature, manifest_bytes or b""), signature.hex().encode() + b"\n"}
        if sig_bytes not in as_issued:  # the manifest is intact: something else in manifest.sig moved
            report.changed.append(SIGNATURE)
    elif len(signature) != 64 or signed_digest == manifest_digest:
        # not an Ed25519 signature any more, or one edited under a manifest that is still the signed one
        report.changed.append(SIGNATURE)
    elif signed_digest is not None:
        report.changed.append(MANIFEST)  # the manifest is not the one manifest.sig was made for
    else:  # an older packet, without the digest: which of the two was edited cannot be told
        report.changed.append(MANIFEST)
        report.problems.append(
            "manifest.json or manifest.sig was changed: the signature does not match the manifest"
        )


def _identify_signer(
    report: VerifyReport, key_hex: str, pinned: str | None, settings: Settings | None
) -> None:
    """Whose key signed: the pinned one, this installation's, only the embedded one, or another."""
    local = None if pinned is not None else keys.existing_public_key_hex(settings)
    if pinned is None and local is None:
        report.key_source = "embedded"
    elif pinned is not None:
        report.key_source = "pinned" if keys.matches(key_hex, pinned) else "other"
        report.pinned = True
        report.expected_fingerprint = keys.fingerprint(pinned) if len(pinned) == 64 else _grouped(pinned)
    elif local is not None:
        report.key_source = "installation" if keys.matches(key_hex, local) else "other"
        report.expected_fingerprint = keys.fingerprint(local)


def _check_files(
    report: VerifyReport,
    reader: _Reader,
    names: list[str],
    seen: set[str],
    expected: list[Any],
    key_hex: str,
    token_file: str | None,
) -> None:
    """Every file against the manifest: changed, added and removed ones named."""
    listed: dict[str, dict[str, Any]] = {}
    for entry in expected:
        if isinstance(entry, dict) and isinstance(entry.get("name"), str):
            listed[entry["name"]] = entry
    for name, entry in listed.items():
        if name not in seen:
            report.removed.append(name)
            continue
        content = reader.read(name)
        if content is None:
            report.changed.append(name)
            continue
        report.files_checked += 1
        if hashlib.sha256(content).hexdigest() != entry.get("sha256") or len(content) != entry.get("size"):
            report.changed.append(name)
    for name in names:
        if name not in listed and name not in (MANIFEST, SIGNATURE, token_file) and name not in report.added:
            report.added.append(name)
    if PUBLIC_KEY in seen and PUBLIC_KEY not in report.changed:
        embedded = (reader.read(PUBLIC_KEY) or b"").decode("ascii", "replace").strip()
        if embedded != key_hex:
            report.problems.append("public_key.txt does not hold the key named in manifest.json")


def _check_timestamp(
    report: VerifyReport,
    reader: _Reader,
    names: list[str],
    manifest_bytes: bytes,
    settings: Settings | None,
    given: Path | None,
) -> str | None:
    """The time-stamp token the manifest names, checked against the manifest's hash; its file name."""
    note = (report.manifest or {}).get("timestamp")
    report.timestamp_note = note if isinstance(note, dict) else {}
    token_file = report.timestamp_note.get("token_file")
    if token_file != tsp.TOKEN:
        return None
    if token_file not in names:
        report.removed.append(token_file)
        report.timestamp = tsp.TokenCheck(problem=f"{token_file}, which the manifest names, was removed")
        return token_file
    roots = tsp.roots_for_verify(settings or get_settings(), given)
    report.timestamp = tsp.check(reader.read(token_file) or b"", manifest_bytes, roots)
    if report.timestamp.problem:
        report.changed.append(token_file)
    return token_file


def _check_archive(report: VerifyReport, reader: _Reader, seen: set[str]) -> None:
    """The WARC records in the packet's WACZ: each one whose digest does not match is named."""
    from review.evidence.wacz import check_records

    archive = (report.manifest or {}).get("archive")
    name = archive.get("file") if isinstance(archive, dict) else None
    if not isinstance(name, str) or name not in seen:
        return
    data = reader.read(name)
    if data is not None:
        report.problems += check_records(data, member=name)
