"""A throwaway RFC 3161 time-stamping authority for tests, made with the ``openssl`` command.

``LocalTSA(tmp_path)`` makes a CA and a TSA certificate (critical extended key usage timeStamping), and
serves on 127.0.0.1 in a thread. ``mode`` says how it answers a time-stamp query: ``good`` (``openssl
ts -reply`` to the query), ``garbage`` (bytes that are no response), ``error`` (HTTP 500),
``wrong_hash`` (a valid token, but over another hash) or ``rejection`` (a TSA status "rejection").
``tsa.ca_pem`` is the CA certificate file a verifier trusts; ``tsa.queries`` counts the queries.
"""

from __future__ import annotations

import hashlib
import subprocess
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

TSA_NAME = "markwatch 测试时间戳服务"

CONFIG = """\
[ req ]
distinguished_name = dn
prompt = no
utf8 = yes
string_mask = utf8only
[ dn ]
CN = placeholder
[ ca_ext ]
basicConstraints = critical,CA:true
keyUsage = critical,keyCertSign,cRLSign
subjectKeyIdentifier = hash
[ tsa_ext ]
basicConstraints = critical,CA:false
keyUsage = critical,digitalSignature,nonRepudiation
extendedKeyUsage = critical,timeStamping
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
[ tsa ]
default_tsa = tsa_config
[ tsa_config ]
dir = {dir}
serial = $dir/serial
signer_cert = $dir/tsa.pem
signer_key = $dir/tsa.key
signer_digest = sha256
default_policy = 1.2.3.4.1
digests = sha256, sha384, sha512
accuracy = secs:1
ordering = no
tsa_name = yes
ess_cert_id_chain = no
ess_cert_id_alg = sha256
"""


def _openssl(*args: str, data: bytes | None = None) -> bytes:
    done = subprocess.run(["openssl", *args], input=data, capture_output=True, check=False)
    if done.returncode:
        raise RuntimeError(f"openssl {' '.join(args)}: {done.stderr.decode(errors='replace')}")
    return done.stdout


def make_authority(folder: Path, name: str = TSA_NAME) -> Path:
    """A CA and a TSA certificate signed by it in ``folder``; returns the openssl config that uses them."""
    folder.mkdir(parents=True, exist_ok=True)
    config = folder / "ts.cnf"
    config.write_text(CONFIG.replace("{dir}", str(folder)), encoding="utf-8")
    (folder / "serial").write_text("01\n")
    for key in ("ca.key", "tsa.key"):
        _openssl(
            "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", str(folder / key)
        )
    _openssl(
        "req", "-config", str(config), "-new", "-x509", "-key", str(folder / "ca.key"), "-subj",
        "/CN=markwatch test root CA", "-extensions", "ca_ext", "-days", "3650",
        "-out", str(folder / "ca.pem"),
    )  # fmt: skip
    _openssl(
        "req", "-config", str(config), "-new", "-key", str(folder / "tsa.key"), "-subj", f"/CN={name}/O=测试",
        "-utf8", "-out", str(folder / "tsa.csr"),
    )  # fmt: skip
    _openssl(
        "x509", "-req", "-in", str(folder / "tsa.csr"), "-CA", str(folder / "ca.pem"), "-CAkey",
        str(folder / "ca.key"), "-CAcreateserial", "-days", "3650", "-extfile", str(config), "-extensions",
        "tsa_ext", "-out", str(folder / "tsa.pem"),
    )  # fmt: skip
    return config


class LocalTSA:
    def __init__(self, folder: Path, mode: str = "good") -> None:
        self.folder = folder
        self.config = make_authority(folder)
        self.mode = mode
        self.queries = 0
        tsa = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802 - the stdlib's name
                query = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                tsa.queries += 1
                status, body = tsa.answer(query)
                self.send_response(status)
                self.send_header("Content-Type", "application/timestamp-reply")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_address[1]}/tsa"

    @property
    def ca_pem(self) -> Path:
        return self.folder / "ca.pem"

    def reply(self, query: bytes) -> bytes:
        """``openssl ts -reply`` to a DER query (its nonce and hash kept)."""
        path = self.folder / "query.tsq"
        path.write_bytes(query)
        return _openssl("ts", "-reply", "-config", str(self.config), "-queryfile", str(path))

    def answer(self, query: bytes) -> tuple[int, bytes]:
        if self.mode == "garbage":
            return 200, "<html>时间戳服务维护中</html>".encode()
        if self.mode == "error":
            return 500, b"internal error"
        if self.mode == "wrong_hash":
            other = hashlib.sha256(b"some other manifest").hexdigest()
            query = _openssl("ts", "-query", "-digest", other, "-sha256", "-cert")
        if self.mode == "rejection":
            return 200, _rejection()
        return 200, self.reply(query)

    def __enter__(self) -> LocalTSA:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()


def _rejection() -> bytes:
    """A TimeStampResp with PKIStatus rejection (2) and no token: SEQUENCE { SEQUENCE { INTEGER 2 } }."""
    return bytes.fromhex("3005" + "3003" + "020102")
