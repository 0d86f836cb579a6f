"""Serve both demo marketplaces: ``serve(...)`` blocks (``markwatch demo serve``); ``DemoServers`` runs
them in a background thread on given or ephemeral ports (tests, ``markwatch run``).

``python -m demo.server [--size N] [--seed S] [--faults RATE] [--static-port P] [--spa-port P]`` runs
them in their own process, which is what a crawl benchmark should use (no shared GIL with the crawler).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import socket
import threading
import time
import urllib.request
from collections.abc import Iterator
from typing import Any

import uvicorn

from demo import PORTS
from demo.catalogue import catalogue_records
from demo.faults import Faults
from demo.spa_site import create_spa_app
from demo.static_site import create_static_app

BACKLOG = 2048  # the crawler benchmark opens many connections at once


def _bind(host: str, port: int) -> socket.socket:
    # IPPROTO_TCP explicitly: asyncio only sets TCP_NODELAY on accepted sockets whose proto says TCP,
    # and without it every keep-alive response waits 40 ms for a delayed ACK
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port} ({exc.strerror}); is another demo running?") from exc
    sock.listen(BACKLOG)
    sock.setblocking(False)
    return sock


def _bind_all(host: str, ports: tuple[int, ...]) -> list[socket.socket]:
    """A listening socket on each port, or none: the ones bound already are closed if a later one fails."""
    socks: list[socket.socket] = []
    try:
        for port in ports:
            socks.append(_bind(host, port))
    except OSError:
        for sock in socks:
            sock.close()
        raise
    return socks


def _server(app: Any) -> uvicorn.Server:
    config = uvicorn.Config(
        app,
        log_level="warning",
        access_log=False,
        backlog=BACKLOG,
        lifespan="off",
        timeout_graceful_shutdown=1,
        server_header=False,
    )
    return uvicorn.Server(config)


class DemoServers:
    """Both demo sites in a background thread. Port 0 picks a free port; read ``static_url``/``spa_url``.

    >>> with DemoServers(size=50) as demo:
    ...     demo.set_faults(0.1)
    ...     urls = [r["url"] for r in demo.records()]
    """

    def __init__(
        self,
        size: int = 300,
        seed: int = 7,
        faults: float = 0.0,
        host: str = "127.0.0.1",
        static_port: int = 0,
        spa_port: int = 0,
    ) -> None:
        self.size, self.seed, self.host = size, seed, host
        self.static_faults = Faults(faults, seed)
        self.spa_faults = Faults(faults, seed + 1)
        self._ports = (static_port, spa_port)
        self._thread: threading.Thread | None = None
        self._servers: list[uvicorn.Server] = []
        self.static_port = self.spa_port = 0

    @property
    def static_url(self) -> str:
        return f"http://{self.host}:{self.static_port}"

    @property
    def spa_url(self) -> str:
        return f"http://{self.host}:{self.spa_port}"

    def set_faults(self, rate: float, kinds: list[str] | tuple[str, ...] | None = None) -> None:
        """Change the fault rate (and optionally the kinds) of both sites, effective at once."""
        self.static_faults.set(rate, kinds)
        self.spa_faults.set(rate, kinds)

    def hold_after(self, requests: int | None) -> None:
        """Each site answers ``requests`` more requests, then holds the rest until ``hold_after(None)``."""
        self.static_faults.hold_after(requests)
        self.spa_faults.hold_after(requests)

    def held(self) -> int:
        """How many requests the two sites are holding now."""
        return self.static_faults.held + self.spa_faults.held

    def records(self, platform: str | None = None) -> Iterator[dict[str, Any]]:
        """The ground truth with the URLs of these running servers."""
        return catalogue_records(
            platform,
            self.size,
            self.seed,
            host=self.host,
            static_port=self.static_port,
            spa_port=self.spa_port,
        )

    def start(self) -> DemoServers:
        socks = _bind_all(self.host, self._ports)
        self.static_port, self.spa_port = (s.getsockname()[1] for s in socks)
        apps = [
            create_static_app(self.size, self.seed, self.static_faults),
            create_spa_app(self.size, self.seed, self.spa_faults),
        ]
        self._servers = [_server(app) for app in apps]

        async def main() -> None:
            await asyncio.gather(
                *(srv.serve(sockets=[s]) for srv, s in zip(self._servers, socks, strict=True))
            )

        self._thread = threading.Thread(
            target=asyncio.run, args=(main(),), name="markwatch-demo", daemon=True
        )
        self._thread.start()
        deadline = time.monotonic() + 10
        while not all(s.started for s in self._servers):
            if time.monotonic() > deadline or not self._thread.is_alive():
                self.close()
                raise RuntimeError("the demo marketplaces did not start")
            time.sleep(0.01)
        return self

    def close(self) -> None:
        for s in self._servers:
            s.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
            self._thread = None

    def __enter__(self) -> DemoServers:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()


def serve(
    static_port: int = PORTS["demo-static"],
    spa_port: int = PORTS["demo-spa"],
    host: str = "127.0.0.1",
    size: int = 300,
    seed: int = 7,
    faults: float = 0.0,
) -> None:
    """Serve both demo marketplaces until interrupted (Ctrl-C)."""
    with DemoServers(size, seed, faults, host, static_port, spa_port) as demo:
        print(f"demo-static: {demo.static_url}/", flush=True)
        print(f"demo-spa:    {demo.spa_url}/", flush=True)
        print(f"{size} listings per site, seed {seed}, faults {faults}; Ctrl-C to stop", flush=True)
        try:
            while demo._thread is not None and demo._thread.is_alive():
                time.sleep(0.5)
        except KeyboardInterrupt:
            pass


def set_remote_faults(base_url: str, rate: float, kinds: list[str] | None = None) -> dict[str, Any]:
    """``POST /__faults`` on a running demo site (e.g. one started in another process)."""
    query = f"rate={rate}" + (f"&kinds={','.join(kinds)}" if kinds else "")
    req = urllib.request.Request(f"{base_url.rstrip('/')}/__faults?{query}", method="POST", data=b"")
    with urllib.request.urlopen(req, timeout=5) as res:
        return json.loads(res.read())


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m demo.server", description="markwatch 演示商城")
    p.add_argument("--size", type=int, default=300)
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--faults", type=float, default=0.0)
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--static-port", type=int, default=PORTS["demo-static"])
    p.add_argument("--spa-port", type=int, default=PORTS["demo-spa"])
    a = p.parse_args(argv)
    serve(a.static_port, a.spa_port, a.host, a.size, a.seed, a.faults)


if __name__ == "__main__":
    main()
