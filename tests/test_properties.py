"""Properties of every parser of outside input (Hypothesis): whatever the input, no crash — only the
parser's own refusal (the error a user is shown), never another exception — and each run within a
bounded amount of memory. How many examples: the profile registered in conftest.py (``ci`` by default,
``HYPOTHESIS_PROFILE=long`` for many more)."""

from __future__ import annotations

import io
import json
import math
import tracemalloc
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from brands.registry_file import BRAND_KEYS, REGISTRATION_KEYS, FileRefused, parse_registry
from crawler.normalise import parse_count, parse_price
from crawler.profiles import HERE as PROFILES
from crawler.profiles import parse_profile
from scoring.records import parse_line
from scoring.types import VIOLATIONS, Listing
from storage.errors import MarkwatchError
from storage.queue_rules import read_routing

T = TypeVar("T")
MEMORY = 64 * 1024 * 1024  # bytes: the most one parse of a small input may allocate at its peak


def bounded(
    parse: Callable[..., T], *args: Any, refusals: tuple[type[Exception], ...], **kwargs: Any
) -> T | None:
    """``parse(*args)``: its result, or None when it refused with one of ``refusals``; any other
    exception fails the property, and so does a peak allocation over MEMORY (a YAML alias bomb, a
    number with a million digits)."""
    tracemalloc.start()
    try:
        return parse(*args, **kwargs)
    except refusals as exc:
        assert str(exc), "a refusal must say what was wrong"
        return None
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert peak < MEMORY, f"{peak:,} bytes at the peak"


# --- JSON-ish values, texts with the characters parsers trip on -------------------------------------------

TRICKY = st.sampled_from(
    [
        "\x00",
        "\ud800",
        "\u202e",
        "\x1b[2K",
        "=cmd|' /C calc'!A0",
        "康师傅",
        "１２３",
        "1e400",
        "-0",
        "NaN",
        "",
        " ",
    ]
)
TEXT = st.one_of(st.text(max_size=20), TRICKY, st.builds(lambda a, b: a + b, st.text(max_size=8), TRICKY))
NUMBER = st.one_of(
    st.integers(min_value=-(10**30), max_value=10**30),
    st.sampled_from([2**63, -(2**63) - 1, 10**400]),
    st.floats(allow_nan=True, allow_infinity=True),
)
SCALAR = st.one_of(st.none(), st.booleans(), NUMBER, TEXT)
# one level of lists and mappings: cheap to generate, and enough to reach every type check
VALUE = st.one_of(
    SCALAR, st.lists(SCALAR, max_size=3), st.dictionaries(st.text(max_size=5), SCALAR, max_size=3)
)

LISTING_KEYS = [
    "id",
    "title",
    "platform",
    "url",
    "price",
    "currency",
    "category",
    "sold",
    "description",
    "images",
    "image_hashes",
    "seen_at",
]
SELLER = st.fixed_dictionaries(
    {}, optional={k: SCALAR for k in ("id", "name", "url", "opened", "rating", "licence")}
)
RECORD = st.fixed_dictionaries(
    {}, optional={**{k: VALUE for k in LISTING_KEYS}, "seller": st.one_of(SELLER, VALUE)}
).map(lambda r: {"id": "p:1", "title": "康帅傅 方便面", **r})


# --- the listing record ---------------------------------------------------------------------------------


@given(RECORD)
def test_a_listing_record_is_parsed_or_refused_with_a_value_error(record: dict[str, Any]) -> None:
    listing = bounded(Listing.from_record, record, refusals=(ValueError,))
    if listing is not None:
        assert listing.id.strip() and listing.title.strip()
        assert listing.price is None or (math.isfinite(listing.price) and listing.price >= 0)
        assert listing.sold is None or listing.sold >= 0


@given(
    st.one_of(
        RECORD.map(lambda r: json.dumps(r, ensure_ascii=False, allow_nan=True, default=str)),
        st.text(max_size=80),
    )
)
def test_a_json_line_is_parsed_or_refused_with_a_value_error(line: str) -> None:
    bounded(parse_line, line, refusals=(ValueError,))


@given(st.binary(max_size=80), st.integers(min_value=0, max_value=200_000), st.sampled_from(["[", '{"a":']))
def test_bytes_and_deep_nesting_are_refused_with_a_value_error(raw: bytes, depth: int, opener: str) -> None:
    bounded(parse_line, raw, refusals=(ValueError,))
    bounded(parse_line, '{"id": "p:1", "title": "x", "sold": ' + opener * depth, refusals=(ValueError,))


# --- YAML files: the registry, a platform profile, routing.yaml ------------------------------------------

YAML_TOKENS = st.sampled_from(
    [
        "&a ",
        "&b ",
        "*a",
        "*b",
        "[",
        "]",
        "{",
        "}",
        ": ",
        "- ",
        "\n",
        "  ",
        "<<: ",
        "!!python/object:os.system ",
        "!!binary ",
        "? ",
        "|",
        ">",
        "'",
        '"',
        "#",
        "%YAML 1.1\n",
        "---\n",
        "...",
        "brands",
        "name",
        "aliases",
        "nice_class",
        "price_floor",
        "registrations",
        "康师傅",
        "1e400",
        "99999999999999999999",
        "-1",
        "~",
        "\t",
        "\x00",
    ]
)
YAML_SOUP = st.lists(st.one_of(YAML_TOKENS, st.text(max_size=6)), max_size=40).map("".join)


def alias_bomb(levels: int, width: int) -> str:
    lines = ["a0: &a0 [x]"]
    for n in range(1, levels):
        lines.append(f"a{n}: &a{n} [" + ", ".join([f"*a{n - 1}"] * width) + "]")
    return "\n".join(lines) + f"\nbrands:\n  - name: 康师傅\n    price_floor: *a{levels - 1}\n"


def brand_dicts() -> st.SearchStrategy[dict[str, Any]]:
    keys = st.sampled_from([*BRAND_KEYS, *REGISTRATION_KEYS])  # the file's own keys, nested ones too
    return st.dictionaries(st.one_of(keys, TEXT), VALUE, max_size=8)


def dumped(value: Any) -> str:
    return yaml.safe_dump(value, allow_unicode=True, default_flow_style=None)


REGISTRY_TEXT = st.one_of(
    YAML_SOUP,
    st.lists(brand_dicts(), max_size=3).map(lambda brands: dumped({"brands": brands})),
    st.builds(alias_bomb, st.integers(min_value=2, max_value=12), st.integers(min_value=2, max_value=12)),
)


@given(REGISTRY_TEXT)
def test_a_registry_file_is_parsed_or_refused_whole(text: str) -> None:
    bounded(parse_registry, text, source="品牌登记表.yaml", base_dir=None, refusals=(FileRefused,))


def mutated_profiles() -> st.SearchStrategy[str]:
    base = yaml.safe_load((PROFILES / "demo-static.yaml").read_text(encoding="utf-8"))

    def mutate(path: list[str], value: Any) -> str:
        data = json.loads(json.dumps(base))
        node = data
        for key in path[:-1]:
            node = node.setdefault(key, {}) if isinstance(node, dict) else node
        if isinstance(node, dict) and path:
            node[path[-1]] = value
        return dumped(data)

    keys = st.sampled_from(
        [
            "name",
            "base_url",
            "render",
            "start_urls",
            "search_url",
            "politeness",
            "concurrency",
            "delay",
            "navigation",
            "list",
            "detail",
            "fields",
            "price",
            "title",
            "items",
            "next_page",
            "page",
            "schedule",
            "seller",
        ]
    )
    return st.builds(mutate, st.lists(keys, min_size=1, max_size=3), VALUE)


@given(
    st.one_of(YAML_SOUP, mutated_profiles(), st.builds(alias_bomb, st.integers(2, 12), st.integers(2, 12)))
)
def test_a_profile_file_is_parsed_or_refused_whole(text: str) -> None:
    bounded(parse_profile, text, source="某平台.yaml", refusals=(FileRefused,))


@pytest.fixture(scope="module")
def routing_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("routing") / "routing.yaml"


ROUTING_TEXT = st.one_of(
    YAML_SOUP,
    st.dictionaries(
        st.one_of(st.sampled_from([*VIOLATIONS, "criminal_threshold"]), TEXT), VALUE, max_size=5
    ).map(dumped),
    st.builds(alias_bomb, st.integers(2, 12), st.integers(2, 12)),
)


def test_a_routing_file_is_read_or_refused_whole(routing_file: Path) -> None:
    @given(ROUTING_TEXT)
    def check(text: str) -> None:
        routing_file.write_text(text, encoding="utf-8", errors="surrogatepass")
        table = bounded(read_routing, routing_file, kinds=VIOLATIONS, refusals=(MarkwatchError,))
        if table is not None:
            assert all(isinstance(k, str) and isinstance(v, str) and v for k, v in table.items())

    check()


# --- prices and counts as pages show them -----------------------------------------------------------------

PRICE_TEXT = st.one_of(
    st.text(max_size=30),
    st.lists(
        st.sampled_from(
            [
                "¥",
                "￥",
                "EUR",
                "€",
                "US$",
                "1",
                "2",
                "9",
                "0",
                ",",
                ".",
                " ",
                "-",
                "~",
                "万",
                "w",
                "券后",
                "起",
                "1e400",
                "元",
                "月销",
                "+",
                "to",
                "至",
                "\u00a0",
            ]
        ),
        max_size=14,
    ).map("".join),
)


@given(PRICE_TEXT)
def test_a_price_text_gives_a_price_or_none(text: str) -> None:
    price = bounded(parse_price, text, refusals=())
    assert price is None or (isinstance(price, float) and math.isfinite(price) and price >= 0)


@given(PRICE_TEXT)
def test_a_count_text_gives_a_count_or_none(text: str) -> None:
    count = bounded(parse_count, text, refusals=())
    assert count is None or (isinstance(count, int) and count >= 0)


# --- evidence verify on mutated packets -------------------------------------------------------------------


def test_verify_reports_on_any_mutated_packet_and_passes_only_intact_contents(db) -> None:  # type: ignore[no-untyped-def]
    from test_evidence import EXPORTED, make_lead

    from review.evidence import build_packet, verify_packet

    packet = build_packet(db, make_lead(db), user_name="李调查", now=EXPORTED)
    with zipfile.ZipFile(io.BytesIO(packet)) as archive:
        original = {name: archive.read(name) for name in archive.namelist()}

    edits = st.lists(
        st.tuples(
            st.sampled_from(["flip", "cut", "insert"]),
            st.integers(0, len(packet) - 1),
            st.binary(min_size=1, max_size=8),
        ),
        min_size=1,
        max_size=4,
    )

    @given(edits)
    def check(changes: list[tuple[str, int, bytes]]) -> None:
        data = bytearray(packet)
        for kind, at, payload in changes:
            at %= max(len(data), 1)
            if kind == "flip":
                data[at] ^= payload[0] or 1
            elif kind == "cut":
                del data[at : at + len(payload) * 97]
            else:
                data[at:at] = payload
        report = bounded(verify_packet, bytes(data), refusals=())
        assert report is not None and report.lines()
        if report.ok:  # it may pass only when every member is what was issued
            with zipfile.ZipFile(io.BytesIO(bytes(data))) as archive:
                assert {name: archive.read(name) for name in archive.namelist()} == original

    check()


# --- the JSON API's bodies --------------------------------------------------------------------------------


def test_no_api_body_gets_a_500(db) -> None:  # type: ignore[no-untyped-def]
    from factories import make_brand, make_lead, make_user
    from fastapi.testclient import TestClient

    from review.app import create_app
    from review.security import new_api_token
    from storage.users import create_token

    with db.session() as s:
        make_brand(s, "康师傅")
        owner = make_user(s, "康师傅权利人", role="brand_owner", brands=("康师傅",))
        lead = make_lead(s).id
        token, digest, prefix = new_api_token()
        create_token(session=s, user=owner, token_hash=digest, prefix=prefix)
    client = TestClient(create_app(), raise_server_exceptions=False)
    headers = {"Authorization": f"Bearer {token}"}
    bodies = st.one_of(
        RECORD.map(lambda r: json.dumps(r, allow_nan=True, default=str).encode()),  # \ud800 escapes too
        brand_dicts().map(lambda b: json.dumps(b, allow_nan=True, default=str).encode()),
        st.binary(max_size=60),
        st.integers(0, 3000).map(lambda n: b"[" * n + b"]" * n),
    )
    types = st.sampled_from(["application/json", "text/plain", "application/x-www-form-urlencoded", ""])

    @given(st.sampled_from(["/api/v1/brands", f"/api/v1/leads/{lead}/decision"]), bodies, types)
    def check(path: str, body: bytes, content_type: str) -> None:
        sent = {**headers, **({"Content-Type": content_type} if content_type else {})}
        response = client.post(path, content=body, headers=sent)
        assert response.status_code < 500, (response.status_code, response.text[:300])

    check()
