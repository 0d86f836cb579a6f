"""Trusted time on evidence packets: an RFC 3161 token over the manifest's hash from a local TSA.

The TSA is made by the test (tests/tsa.py: a throwaway CA and TSA certificate with ``openssl``, and
``openssl ts -reply`` behind a tiny HTTP server); make test installs openssl.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
from test_evidence import EXPORTED, make_lead, members, pdf_text, rezip
from tsa import TSA_NAME, LocalTSA, make_authority

from review.evidence import build_packet, verify_packet
from storage import Database

pytestmark = pytest.mark.skipif(not shutil.which("openssl"), reason="make test installs openssl")


@pytest.fixture
def tsa(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):  # type: ignore[no-untyped-def]
    with LocalTSA(tmp_path / "tsa") as authority:
        monkeypatch.setenv("MARKWATCH_TSA_URL", authority.url)
        monkeypatch.setenv("MARKWATCH_TSA_CERTIFICATES", str(authority.ca_pem))
        yield authority


def export(db: Database) -> bytes:
    return build_packet(db, make_lead(db), user_name="李调查", now=EXPORTED)


def test_without_a_tsa_the_packet_and_verify_say_there_is_no_trusted_time(db: Database, tmp_path: Path):
    packet = export(db)
    files = members(packet)
    assert "manifest.tsr" not in files
    assert json.loads(files["manifest.json"])["timestamp"] == {
        "tsa": None,
        "token_file": None,
        "refused": None,
    }
    assert "未加盖可信时间戳（未配置时间戳服务" in "".join(pdf_text(packet, tmp_path).split())

    report = verify_packet(packet)
    assert report.ok and report.timestamp is None
    assert any(line.startswith("no trusted timestamp") for line in report.lines())
    assert any(line.startswith("无可信时间戳") for line in report.lines("zh_CN"))


def test_a_tsa_token_over_the_manifest_verifies_with_the_tsas_time_and_name(
    db: Database, tsa: LocalTSA, tmp_path: Path
):
    packet = export(db)
    files = members(packet)
    assert list(files)[:3] == ["manifest.json", "manifest.sig", "manifest.tsr"]
    manifest = json.loads(files["manifest.json"])
    assert manifest["timestamp"] == {"tsa": tsa.url, "token_file": "manifest.tsr", "refused": None}
    assert "manifest.tsr" not in {f["name"] for f in manifest["files"]}  # it stamps the manifest
    assert "加盖RFC3161可信时间戳" in "".join(pdf_text(packet, tmp_path).split())

    report = verify_packet(packet)
    assert report.ok, report.lines()
    assert report.timestamp is not None and report.timestamp.trusted
    assert TSA_NAME in (report.timestamp.tsa_name or "")
    assert report.timestamp.time is not None and abs(report.timestamp.time.timestamp() - _now()) < 600
    line = next(line for line in report.lines() if line.startswith("trusted timestamp: valid"))
    assert TSA_NAME in line and "UTC" in line
    assert any(line.startswith("可信时间戳：有效") for line in report.lines("zh_CN"))


def test_the_token_checks_with_openssl_as_docs_show(db: Database, tsa: LocalTSA, tmp_path: Path):
    files = members(export(db))
    (tmp_path / "manifest.json").write_bytes(files["manifest.json"])
    (tmp_path / "manifest.tsr").write_bytes(files["manifest.tsr"])
    run = subprocess.run(
        [
            "openssl",
            "ts",
            "-verify",
            "-in",
            "manifest.tsr",
            "-data",
            "manifest.json",
            "-CAfile",
            str(tsa.ca_pem),
        ],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert run.returncode == 0 and "Verification: OK" in run.stdout, run.stderr


def test_without_the_tsas_root_verify_says_the_token_was_not_checked(
    db: Database, tsa: LocalTSA, monkeypatch: pytest.MonkeyPatch
):
    packet = export(db)
    monkeypatch.delenv("MARKWATCH_TSA_CERTIFICATES")
    report = verify_packet(packet)
    assert report.ok, (report.lines(), report.timestamp)
    assert report.timestamp is not None and not report.timestamp.trusted
    assert any(line.startswith("trusted timestamp: NOT CHECKED") for line in report.lines())
    assert not any(line.startswith("trusted timestamp: valid") for line in report.lines())


def test_a_token_from_another_authority_fails_against_the_trusted_root(
    db: Database, tsa: LocalTSA, tmp_path: Path
):
    packet = export(db)
    with LocalTSA(tmp_path / "other") as other:
        report = verify_packet(packet, tsa_certificates=other.ca_pem)
    assert not report.ok
    assert "changed: manifest.tsr" in report.lines()
    assert any(line.startswith("trusted timestamp: INVALID") for line in report.lines())


@pytest.mark.parametrize("mode", ["garbage", "error", "wrong_hash", "rejection"])
def test_a_bad_tsa_answer_is_refused_and_the_packet_says_it_has_no_trusted_time(
    db: Database, tsa: LocalTSA, tmp_path: Path, mode: str
):
    tsa.mode = mode
    packet = export(db)
    assert tsa.queries == 1
    files = members(packet)
    assert "manifest.tsr" not in files
    stamp = json.loads(files["manifest.json"])["timestamp"]
    assert stamp["tsa"] == tsa.url and stamp["token_file"] is None
    reason = {
        "garbage": "not an RFC 3161 reply",
        "error": "HTTP 500",
        "wrong_hash": "over another hash",
        "rejection": "refused the request",
    }[mode]
    assert reason in stamp["refused"]
    text = "".join(pdf_text(packet, tmp_path).split())
    assert "未给出有效的时间戳" in text and "加盖RFC3161可信时间戳" not in text

    report = verify_packet(packet)
    assert report.ok, report.lines()
    assert any(line.startswith("no trusted timestamp: the TSA") and reason in line for line in report.lines())


def test_an_unreachable_tsa_is_reported_and_the_packet_still_made(
    db: Database, monkeypatch: pytest.MonkeyPatch
):
    monkeypatch.setenv("MARKWATCH_TSA_URL", "http://127.0.0.1:9/tsa")  # the discard port: nothing listens
    packet = export(db)
    assert "could not be reached" in json.loads(members(packet)["manifest.json"])["timestamp"]["refused"]
    assert verify_packet(packet).ok


def test_a_swapped_or_removed_token_is_named(db: Database, tsa: LocalTSA):
    first = members(export(db))
    tsa.mode = "wrong_hash"
    wrong = tsa.reply(_query_for_other_hash())
    swapped = rezip({**first, "manifest.tsr": wrong})
    report = verify_packet(swapped)
    assert not report.ok and "changed: manifest.tsr" in report.lines()
    assert any("over another hash" in line for line in report.lines())

    removed = rezip({name: data for name, data in first.items() if name != "manifest.tsr"})
    report = verify_packet(removed)
    assert not report.ok and "removed: manifest.tsr" in report.lines()


def test_cli_verify_takes_the_tsa_root(cli, db: Database, tsa: LocalTSA, tmp_path: Path, monkeypatch):  # type: ignore[no-untyped-def]
    out = tmp_path / "证据包.zip"
    assert cli("evidence", "export", make_lead(db), "--out", out).exit_code == 0
    monkeypatch.delenv("MARKWATCH_TSA_CERTIFICATES")
    result = cli("evidence", "verify", out, "--tsa-certs", tsa.ca_pem)
    assert result.exit_code == 0, result.stdout
    assert "trusted timestamp: valid" in result.stdout and "NOT CHECKED" not in result.stdout
    assert cli("evidence", "verify", out, "--tsa-certs", tmp_path / "none.pem").exit_code == 2


def _query_for_other_hash() -> bytes:
    import hashlib

    other = hashlib.sha256("另一份清单".encode()).hexdigest()
    return subprocess.run(
        ["openssl", "ts", "-query", "-digest", other, "-sha256", "-cert"], capture_output=True, check=True
    ).stdout


def _now() -> float:
    import time

    return time.time()


def test_a_token_that_does_not_chain_to_the_configured_root_is_refused_at_export(
    db: Database, tsa: LocalTSA, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    other = tmp_path / "other-ca"
    make_authority(other)  # another CA: a root the TSA's certificate does not chain to
    monkeypatch.setenv("MARKWATCH_TSA_CERTIFICATES", str(other / "ca.pem"))
    packet = export(db)
    stamp = json.loads(members(packet)["manifest.json"])["timestamp"]
    assert "manifest.tsr" not in members(packet)
    assert stamp["token_file"] is None and "signature or certificate does not hold" in stamp["refused"]
