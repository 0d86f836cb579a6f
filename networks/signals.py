"""Identity signals in what a shop shows: its licence (USCC), phones, WeChat and QQ ids, e-mail, return
or shop addresses, its name, and its listings' image hashes.

Sellers hide contacts from the platform's filters: 微❤ / 薇信 / V信 / 加威 for WeChat, 扣扣 / 企鹅 for
QQ, digits spaced or dashed (``1 3 8-0013-8000``), full-width (１３８…), written as Chinese numerals
(一三八〇〇…, 幺 and 两 included) or broken by symbols and zero-width characters, ``at``/``dot``/艾特/点
for e-mail. ``clean`` undoes the character tricks once (NFKC, control and zero-width characters);
the readers below undo the spacing tricks. Ordinary numbers are not phones: a mobile number is
exactly 11 digits starting 1[3-9] (or +86 and those), a landline a 0-led area code group and 7–8
digits, never next to a currency sign or a unit (¥138, 138元, 2026年), so prices, dates, model numbers
and barcodes are left alone.

Scraped text is hostile: every text is cut to ``MAX_TEXT`` characters before any pattern runs, every
pattern has bounded repetition, each text yields at most ``MAX_PER_KIND`` values of a kind, and ``raw``
excerpts are short with control characters shown escaped.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from networks.uscc import check as check_uscc

MAX_TEXT = 20_000  # characters of one text read for signals
MAX_PER_KIND = 20  # values of one kind taken from one text
RAW_CONTEXT = 24  # characters either side of a match kept in its excerpt
MAX_RAW = 120  # characters of an excerpt

CN_DIGITS = {
    "〇": "0", "零": "0", "○": "0", "洞": "0",
    "一": "1", "壹": "1", "幺": "1", "么": "1",
    "二": "2", "贰": "2", "两": "2",
    "三": "3", "叁": "3",
    "四": "4", "肆": "4",
    "五": "5", "伍": "5",
    "六": "6", "陆": "6",
    "七": "7", "柒": "7", "拐": "7",
    "八": "8", "捌": "8",
    "九": "9", "玖": "9", "勾": "9",
}  # fmt: skip
# between two digit groups of one number (at most MAX_GAP of them in a row); symbols (❤ ★ ☎) too
SEPARATORS = set(" \t-‐‑‒–—―_.·•・*/\\|~+,，、:：()（）[]【】'\"“”")
MAX_GAP = 3
CURRENCY = set("¥￥$€£")
UNITS = set("元块角分件个只年月日号次%袋瓶盒箱斤克gGkKmMlL岁人天")  # a number followed by these is a quantity

_ZERO_WIDTH = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff\u00ad\ufe0e\ufe0f"), None)


@dataclass(frozen=True)
class Found:
    """One signal read: its kind, normalised value, the excerpt it was read from, and where."""

    kind: str
    value: str
    raw: str
    source: str
    detail: dict[str, Any] = field(default_factory=dict)


def clean(text: Any) -> str:
    """Text as signals are read from it: bounded, NFKC (full-width forms to ASCII, ① to 1, ＠ to @),
    zero-width characters removed, other control and format characters to spaces (newlines kept)."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFKC", text[:MAX_TEXT].translate(_ZERO_WIDTH))
    return "".join(ch if ch == "\n" or unicodedata.category(ch)[0] != "C" else " " for ch in text[:MAX_TEXT])


def excerpt(text: str, start: int, end: int) -> str:
    """The match with a little context, bounded, control characters escaped (never executed or kept)."""
    piece = text[max(0, start - RAW_CONTEXT) : end + RAW_CONTEXT][:MAX_RAW]
    return "".join(
        ch if unicodedata.category(ch)[0] != "C" else ch.encode("unicode_escape").decode("ascii")
        for ch in piece.replace("\n", " ")
    )


# --- digits written with tricks -------------------------------------------------------------------


def _digit(ch: str) -> str | None:
    if "0" <= ch <= "9":
        return ch
    return CN_DIGITS.get(ch)


def _is_separator(ch: str) -> bool:
    return ch in SEPARATORS or unicodedata.category(ch) in ("So", "Sk", "Sm", "Zs")


@dataclass(frozen=True)
class _Run:
    """Digit groups separated by separators: ``groups[i]`` spans ``spans[i]`` of the text."""

    groups: tuple[str, ...]
    spans: tuple[tuple[int, int], ...]


def _runs(text: str, start: int = 0, *, once: bool = False) -> Iterator[_Run]:
    """Maximal runs of digit groups (ASCII or Chinese digits) joined by short separator gaps."""
    i, n = start, len(text)
    while i < n:
        if _digit(text[i]) is None:
            if once:
                return
            i += 1
            continue
        groups: list[str] = []
        spans: list[tuple[int, int]] = []
        while i < n:
            j = i
            digits = []
            while j < n and (d := _digit(text[j])) is not None:
                digits.append(d)
                j += 1
            groups.append("".join(digits))
            spans.append((i, j))
            k = j
            while k < n and k - j < MAX_GAP and _is_separator(text[k]):
                k += 1
            if k == j or k >= n or _digit(text[k]) is None:
                i = j
                break
            i = k
        yield _Run(tuple(groups), tuple(spans))
        if once:
            return


def _quantity_edge(text: str, run: _Run, first: int, last: int) -> bool:
    """The groups first..last sit next to a currency sign before or a unit after: a price or count."""
    begin, end = run.spans[first][0], run.spans[last][1]
    before = text[begin - 1] if begin > 0 else ""
    after = text[end] if end < len(text) else ""
    return before in CURRENCY or after in UNITS


def _phone(digits: str) -> str | None:
    """A mobile or landline number in ``digits`` (86 prefix dropped), or None."""
    for prefix in ("0086", "86"):
        if digits.startswith(prefix) and len(digits) == len(prefix) + 11 and digits[len(prefix)] == "1":
            digits = digits[len(prefix) :]
    if len(digits) == 11 and digits[0] == "1" and digits[1] in "3456789":
        return digits
    return None


def _landline(groups: tuple[str, ...]) -> str | None:
    """``0755-88886666``, ``(021) 1234 5678``: a 0-led area code as its own group, then 7–8 digits."""
    area, rest = groups[0], "".join(groups[1:])
    if not (area.startswith("0") and area[1:2] != "0"):
        return None
    if len(area) == 3 and area[1] not in "12" or len(area) not in (3, 4):
        return None
    if len(rest) in (7, 8) and rest[0] not in "01":
        return area + rest
    return None


def phones(text: str, source: str = "text") -> list[Found]:
    """Mobile and landline numbers, however spaced or written (``text`` already ``clean``)."""
    found: dict[str, Found] = {}
    for run in _runs(text):
        for first in range(len(run.groups)):
            for last in range(first, len(run.groups)):
                joined = "".join(run.groups[first : last + 1])
                if len(joined) > 15:
                    break
                number = _phone(joined) or (_landline(run.groups[first : last + 1]) if last > first else None)
                if number and not _quantity_edge(text, run, first, last) and number not in found:
                    span = (run.spans[first][0], run.spans[last][1])
                    found[number] = Found("phone", number, excerpt(text, *span), source)
        if len(found) >= MAX_PER_KIND:
            break
    return list(found.values())[:MAX_PER_KIND]


def _digits_at(text: str, position: int) -> str:
    """The digits of the run that starts at ``position`` (separators skipped), or ''."""
    for run in _runs(text, position, once=True):
        return "".join(run.groups)
    return ""


# --- keyword contacts ---------------------------------------------------------------------------------

_LATIN_BEFORE = r"(?<![a-z0-9])"
WECHAT_WORDS = (
    r"(?:(?:加\s{0,2})?(?:[微薇威徽维唯]\s{0,2}[信❤♥♡❥💗💕💓😘]|[vV]\s{0,2}信|[vV]\s{0,2}[❤♥♡])"
    r"|加\s{0,2}[vV威薇微]" + rf"|{_LATIN_BEFORE}(?:wei\s?xin|wechat|vx|wx|v)(?=\s{{0,2}}[:=号]))"
)
QQ_WORDS = (
    rf"(?:{_LATIN_BEFORE}q\s?q|扣\s{{0,2}}扣|抠\s{{0,2}}抠|企\s{{0,2}}鹅|球\s{{0,2}}球"
    + rf"|{_LATIN_BEFORE}q(?=\s{{0,2}}[:=号]))"
)
LEAD = r"[\s:=号是为码id\-~>]{0,6}"
_WECHAT = re.compile(rf"({WECHAT_WORDS})(?:号|id)?{LEAD}", re.IGNORECASE)
_WECHAT_ID = re.compile(r"[a-z][a-z0-9_-]{5,19}(?![a-z0-9_-])", re.IGNORECASE)
_QQ = re.compile(rf"({QQ_WORDS}){LEAD}", re.IGNORECASE)


def wechat_ids(text: str, source: str = "text") -> list[Found]:
    """WeChat ids after a WeChat word (微信, 薇信, 微❤, V信, 加威, vx, wx…): a WeChat id (6–20
    characters, a letter first) or a number (a phone used as the id)."""
    found: dict[str, Found] = {}
    for match in _WECHAT.finditer(text):
        start = match.end()
        ident = _WECHAT_ID.match(text, start)
        value = (
            ident.group(0).lower()
            if ident
            else _phone(_digits_at(text, start))
            if start < len(text)
            else None
        )
        if value and value not in found:
            end = ident.end() if ident else start + 20
            found[value] = Found("wechat", value, excerpt(text, match.start(), end), source)
            if len(found) >= MAX_PER_KIND:
                break
    return list(found.values())


def qq_numbers(text: str, source: str = "text") -> list[Found]:
    """QQ numbers after a QQ word (QQ, 扣扣, 企鹅, Q号…): 5–11 digits, however written, not 0-led."""
    found: dict[str, Found] = {}
    for match in _QQ.finditer(text):
        digits = _digits_at(text, match.end()) if match.end() < len(text) else ""
        if 5 <= len(digits) <= 11 and digits[0] != "0" and digits not in found:
            found[digits] = Found("qq", digits, excerpt(text, match.start(), match.end() + 16), source)
            if len(found) >= MAX_PER_KIND:
                break
    return list(found.values())


_AT = (
    r"(?:\s{0,2}@\s{0,2}|\s{0,2}[(\[（【]\s{0,2}(?:at|艾特|圈a)\s{0,2}[)\]）】]\s{0,2}"
    r"|\s{1,2}at\s{1,2}|\s{0,2}(?:艾特|圈a)\s{0,2})"
)
_DOT = (
    r"(?:\s{0,2}\.\s{0,2}|\s{0,2}[(\[（【]\s{0,2}(?:dot|点)\s{0,2}[)\]）】]\s{0,2}"
    r"|\s{1,2}dot\s{1,2}|\s{0,2}点\s{0,2})"
)
_LABEL = r"[a-z0-9](?:[a-z0-9-]{0,30}[a-z0-9])?"
_EMAIL = re.compile(
    rf"(?<![a-z0-9._%+-])([a-z0-9][a-z0-9._%+-]{{0,40}}){_AT}({_LABEL}(?:{_DOT}{_LABEL}){{0,3}}){_DOT}"
    r"(com|cn|net|org|top|vip|xyz|cc|info|hk|tw|io|me)(?![a-z0-9])",
    re.IGNORECASE,
)
_DOT_SPLIT = re.compile(_DOT, re.IGNORECASE)


def emails(text: str, source: str = "text") -> list[Found]:
    """E-mail addresses, with ``at``/``(at)``/艾特 for @ and ``dot``/点 for the dots."""
    found: dict[str, Found] = {}
    for match in _EMAIL.finditer(text):
        domain = ".".join(_DOT_SPLIT.split(match.group(2)))
        value = f"{match.group(1)}@{domain}.{match.group(3)}".lower()
        if value not in found:
            found[value] = Found("email", value, excerpt(text, match.start(), match.end()), source)
            if len(found) >= MAX_PER_KIND:
                break
    return list(found.values())


_USCC_IN_TEXT = re.compile(
    r"(?<![0-9A-Z])([0-9A-HJ-NP-RTUW-Y]{2}[0-9]{6}[0-9A-HJ-NP-RTUW-Y]{10})(?![0-9A-Z])"
)


def usccs(text: str, source: str = "text") -> list[Found]:
    """Unified social credit codes whose check character is right, with their issuing region."""
    found: dict[str, Found] = {}
    upper = text.upper()
    for match in _USCC_IN_TEXT.finditer(upper):
        result = check_uscc(match.group(1))
        if result.valid and result.code and result.code not in found:
            found[result.code] = Found(
                "uscc", result.code, excerpt(text, match.start(), match.end()), source, _uscc_detail(result)
            )
            if len(found) >= MAX_PER_KIND:
                break
    return list(found.values())


def licence(code: Any, source: str = "licence") -> Found | None:
    """A shop's licence field as a signal when it is a valid USCC (an invalid code is no evidence)."""
    text = clean(code)
    result = check_uscc(text) if text.strip() else None
    if result is None or not result.valid or not result.code:
        return None
    return Found("uscc", result.code, excerpt(text, 0, len(text)), source, _uscc_detail(result))


def _uscc_detail(result: Any) -> dict[str, Any]:
    return {"region": result.region, "division": result.division_code}


# --- addresses and shop names -------------------------------------------------------------------------

ADDRESS_WORDS = (
    r"(?:退货地址|退换货地址|寄回地址|售后地址|发货地址|公司地址|店铺地址|经营地址|联系地址|地址|住所)"
)
_ADDRESS = re.compile(rf"{ADDRESS_WORDS}\s{{0,3}}[:：]\s{{0,3}}([^\n;；。|]{{4,80}})")
_ADDRESS_LABEL = re.compile(rf"^{ADDRESS_WORDS}\s{{0,3}}[:：]?")
_ADDRESS_TAIL = re.compile(r"(收件人|联系人|收货人|电话|手机|tel|邮编|\(|（).*$", re.IGNORECASE)
_NOT_ADDRESS_CHARS = re.compile(r"[\s,，、.·:：\-—_()（）\[\]【】\"'“”]+")
MIN_ADDRESS = 8  # characters of a normalised address: shorter ones (a city alone) are no evidence


def normalise_address(text: Any) -> str | None:
    """An address compared as text: no spaces or punctuation, no 中国 prefix, nothing after the
    recipient or phone, lower case; None when too short to tell places apart."""
    value = _ADDRESS_TAIL.sub("", _ADDRESS_LABEL.sub("", clean(text)[:200].strip(), count=1))
    value = _NOT_ADDRESS_CHARS.sub("", value).lower()
    value = value.removeprefix("中国")
    return value if len(value) >= MIN_ADDRESS else None


def addresses(text: str, source: str = "text") -> list[Found]:
    """Addresses after an address label (退货地址：…, 地址：…)."""
    found: dict[str, Found] = {}
    for match in _ADDRESS.finditer(text):
        value = normalise_address(match.group(1))
        if value and value not in found:
            found[value] = Found("address", value, excerpt(text, match.start(), match.end()), source)
            if len(found) >= MAX_PER_KIND:
                break
    return list(found.values())


# longest first: 旗舰店 goes before 店
SHOP_WORDS = sorted(
    (
        "官方旗舰店", "旗舰店", "专营店", "号店", "分店", "专卖店", "直营店", "企业店", "官方店", "授权店",
        "体验店", "工厂店", "品牌店", "精品店", "折扣店", "网店", "小店", "店铺", "商行", "商城", "商店",
        "官方", "旗舰", "专营", "专卖", "直营", "正品", "店", "铺", "flagship", "official", "store", "shop",
        "mall", "online", "the",
    ),
    key=len,
    reverse=True,
)  # fmt: skip
_SHOP_WORDS = re.compile("|".join(map(re.escape, SHOP_WORDS)), re.IGNORECASE)
_NAME_NOISE = re.compile(r"[\W_\d]+")
MIN_SHOP_NAME = 2


def normalise_shop_name(name: Any) -> str | None:
    """A shop name without its generic shop words (旗舰店, 专营店, 官方, 店, shop, store…), digits,
    spaces and punctuation, lower case; None when nothing distinctive is left (a generic name is no
    evidence)."""
    text = clean(name)[:300].lower()
    value = _NAME_NOISE.sub("", _SHOP_WORDS.sub("", text))
    return value if len(value) >= MIN_SHOP_NAME else None


# --- all of it ---------------------------------------------------------------------------------------


def in_text(text: Any, source: str) -> list[Found]:
    """Every contact, licence and address signal in one text."""
    cleaned = clean(text)
    if not cleaned.strip():
        return []
    return [
        *phones(cleaned, source),
        *wechat_ids(cleaned, source),
        *qq_numbers(cleaned, source),
        *emails(cleaned, source),
        *usccs(cleaned, source),
        *addresses(cleaned, source),
    ]


def of_listing(
    *,
    title: Any = None,
    description: Any = None,
    seller_name: Any = None,
    seller_licence: Any = None,
    shop: Mapping[str, Any] | None = None,
    image_hashes: Iterable[Any] = (),
) -> list[Found]:
    """The signals a listing page shows: its texts, its shop's name, licence, address and contact lines
    (``shop``: the page's shop fields as extracted, e.g. ``{"address": ..., "contact": ...}``), and the
    perceptual hashes of its images. One per kind and value."""
    found: list[Found] = [*in_text(title, "title"), *in_text(description, "description")]
    shop = shop or {}
    for key in ("contact", "licence_page", "about"):
        found += in_text(shop.get(key), "shop")
    address = shop.get("address")
    if isinstance(address, str) and (value := normalise_address(address)):
        found.append(Found("address", value, excerpt(clean(address), 0, MAX_RAW), "shop"))
    if (code := licence(seller_licence or shop.get("licence"))) is not None:
        found.append(code)
    if (name := normalise_shop_name(seller_name)) is not None:
        found.append(Found("shop_name", name, excerpt(clean(seller_name), 0, MAX_RAW), "seller"))
    for phash in image_hashes:
        if isinstance(phash, str) and 8 <= len(phash) <= 64 and all(c in "0123456789abcdef" for c in phash):
            found.append(Found("image_phash", phash, phash, "image"))
    unique: dict[tuple[str, str], Found] = {}
    for item in found:
        unique.setdefault((item.kind, item.value), item)
    return list(unique.values())
