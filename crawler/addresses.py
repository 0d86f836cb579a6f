"""Address rules shared by profile validation and confinement: what a base URL and a host entry may be,
and which hosts are loopback, link-local or private. Imports nothing of the crawler."""

from __future__ import annotations

import ipaddress
import re
import socket
from typing import Any
from urllib.parse import urlsplit

from storage.errors import MarkwatchError

SCHEMES = ("http", "https")
_HOST = re.compile(r"^(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$")


def check_base_url(url: str, *, what: str = "--base-url") -> str:
    """``url`` without a trailing slash if it is an absolute http(s) address; else MarkwatchError (exit 2)
    naming the problem."""
    text = (url or "").strip()
    parts = urlsplit(text)
    example = "like http://127.0.0.1:8801 or https://shop.example.cn"
    if parts.scheme.lower() not in SCHEMES or not parts.netloc:
        if "://" not in text:
            problem = "it has no scheme (http:// or https://)"
        elif parts.scheme.lower() not in SCHEMES:
            problem = f"{parts.scheme}: addresses are never crawled"
        else:
            problem = "it has no host"
        raise MarkwatchError(f"{what} must be an absolute http(s) address {example}; {text!r}: {problem}")
    try:
        parts.port  # noqa: B018 - raises ValueError for a port that is not a number in range
    except ValueError:
        raise MarkwatchError(f"{what} {text!r}: the port is not a number from 1 to 65535") from None
    if not parts.hostname:
        raise MarkwatchError(f"{what} must be an absolute http(s) address {example}; {text!r} has no host")
    return text.rstrip("/")


def valid_host_pattern(text: str) -> bool:
    """A profile's ``hosts`` entry: ``item.example.cn``, ``127.0.0.1:8801`` or ``*.example.cn``."""
    return bool(_HOST.match(text.lower()))


def is_private_host(host: str) -> bool:
    """Loopback, link-local, private, reserved or unspecified, written as an address (any form the
    resolver accepts: ``127.1``, ``2130706433``, ``[::1]``) or as ``localhost``."""
    host = host.strip("[]").lower().rstrip(".")
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address: Any = ipaddress.ip_address(host)
    except ValueError:
        try:
            address = ipaddress.ip_address(socket.inet_aton(host))  # 127.1, 0x7f.1, 2130706433
        except (OSError, ValueError):
            return False
    if getattr(address, "ipv4_mapped", None):
        address = address.ipv4_mapped
    return bool(
        address.is_private
        or address.is_loopback
        or address.is_link_local
        or address.is_reserved
        or address.is_unspecified
        or address.is_multicast
    )
