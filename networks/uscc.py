"""Unified social credit codes (统一社会信用代码, GB 32100-2015): validation and the issuing region.

A code is 18 characters from ``0-9`` and ``A-Z`` without I, O, Z, S, V::

    9 1 440300 192203821 6
    │ │ │      │         └ check character (weights 3^i mod 31, sum mod 31)
    │ │ │      └ organisation code (GB 11714), 9 characters
    │ │ └ administrative division of the registering authority (GB/T 2260), 6 digits
    │ └ institution type within that authority (1 企业, 2 个体工商户, ...)
    └ registration authority (9 工商/市场监管, 5 民政, 1 机构编制, ...)

``check(code)`` says whether a code is well formed and its check character right, and names the region
it was issued in from ``networks/data/divisions.tsv`` (province and prefecture level), so a lead whose
shop is registered outside the bureau's area can be handed to the right bureau. A valid code is not
proof that the entity exists: that needs the national enterprise credit information system.

Why a code is invalid is a reason code (``reason_code`` and ``details``); the web app words it in
both languages (``review.uscc``, messages in review/i18n.py). The check character is python-stdnum's
(``stdnum.cn.uscc``), as in the demo catalogue. This is the one copy of the algorithm: the web app and
the identity signals of seller networks (``networks.signals``) both call it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from stdnum.cn import uscc

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V

# Registration authority (position 1) → (name, {institution type (position 2) → name}).
AUTHORITIES: dict[str, tuple[str, dict[str, str]]] = {
    "1": ("机构编制", {"1": "机关", "2": "事业单位", "3": "中央编办直接管理机构编制的群众团体", "9": "其他"}),
    "2": ("外交", {"1": "外国常驻新闻机构", "9": "其他"}),
    "3": (
        "司法行政",
        {
            "1": "律师执业机构",
            "2": "公证处",
            "3": "基层法律服务所",
            "4": "司法鉴定机构",
            "5": "仲裁委员会",
            "9": "其他",
        },
    ),
    "4": ("文化", {"1": "外国在华文化中心", "9": "其他"}),
    "5": ("民政", {"1": "社会团体", "2": "民办非企业单位", "3": "基金会", "9": "其他"}),
    "6": (
        "旅游",
        {"1": "外国旅游部门常驻代表机构", "2": "港澳台地区旅游部门常驻内地（大陆）代表机构", "9": "其他"},
    ),
    "7": ("宗教", {"1": "宗教活动场所", "2": "宗教院校", "9": "其他"}),
    "8": ("工会", {"1": "基层工会", "9": "其他"}),
    "9": ("工商（市场监管）", {"1": "企业", "2": "个体工商户", "3": "农民专业合作社"}),
    "A": ("中央军委改革和编制办公室", {"1": "军队事业单位", "9": "其他"}),
    "N": ("农业", {"1": "组级集体经济组织", "2": "村级集体经济组织", "3": "乡镇级集体经济组织", "9": "其他"}),
    "Y": ("其他", {"1": "其他"}),
}

CENTRAL = "100000"  # national-level registration (中央)


@dataclass(frozen=True)
class UsccCheck:
    """Whether a code is valid, what of it could be read, and (when invalid) why, as a reason code.

    ``reason_code`` names a message (``uscc.<code>`` in review/i18n.py) filled with ``details``; the
    region is given whenever characters 3–8 are a known division, even when something else is wrong,
    so a lead can still be handed to the right bureau.
    """

    valid: bool
    region: str | None
    reason_code: str | None
    details: tuple[tuple[str, str], ...] = ()  # the values the reason's message names
    code: str | None = None  # the code as checked (full-width forms and spaces normalised)
    authority: str | None = None  # 登记管理部门, e.g. 工商（市场监管）
    institution_type: str | None = None  # 机构类别, e.g. 企业
    division_code: str | None = None  # the 6-digit administrative division code


@lru_cache(maxsize=1)
def divisions() -> dict[str, str]:
    """Division code (2-digit province, 4-digit prefecture) → name, from networks/data/divisions.tsv."""
    table: dict[str, str] = {}
    path = Path(__file__).resolve().parent / "data" / "divisions.tsv"
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line or line.startswith("#"):
            continue
        code, _, name = line.partition("\t")
        table[code] = name
    return table


def region_name(division_code: str) -> str | None:
    """``440300`` → ``广东省深圳市``; ``320000`` → ``江苏省``; None when the province is unknown."""
    if division_code == CENTRAL:
        return "中央（国家级登记）"
    table = divisions()
    province = table.get(division_code[:2])
    if province is None:
        return None
    prefecture = table.get(division_code[:4]) if division_code[2:4] != "00" else None
    return province + (prefecture or "")


def check_character(first17: str) -> str:
    """The 18th character for the first 17 (which must all be in ``CHARSET``)."""
    return uscc.calc_check_digit(first17)


def normalise(code: str) -> str:
    """Full-width letters and digits to ASCII, spaces removed, upper case."""
    text = unicodedata.normalize("NFKC", code)
    return "".join(text.split()).upper()


def check(code: str) -> UsccCheck:
    """Validate a unified social credit code; ``reason_code`` says what is wrong."""
    if not isinstance(code, str) or not code.strip():
        return UsccCheck(False, None, "empty")
    text = normalise(code)
    if len(text) != 18:
        return UsccCheck(False, None, "length", (("length", str(len(text))),), code=text)
    authority, types = AUTHORITIES.get(text[0], (None, {}))
    institution_type = types.get(text[1])
    division = text[2:8] if text[2:8].isdigit() else None
    region = region_name(division) if division else None
    reason_code, details = _problem(text, authority, institution_type, region)
    return UsccCheck(
        reason_code is None,
        region,
        reason_code,
        details,
        code=text,
        authority=authority,
        institution_type=institution_type,
        division_code=division,
    )


def _problem(
    text: str, authority: str | None, institution_type: str | None, region: str | None
) -> tuple[str | None, tuple[tuple[str, str], ...]]:
    """The first thing wrong with an 18-character code, as (reason code, details), or (None, ())."""
    for position, char in enumerate(text, start=1):
        if char not in CHARSET:
            reason = "excluded_character" if char in "IOZSV" else "character"
            return reason, (("position", str(position)), ("char", char))
    if authority is None:
        return "authority", (("char", text[0]),)
    if institution_type is None:
        return "institution_type", (("char", text[1]), ("authority_code", text[0]), ("authority", authority))
    if not text[2:8].isdigit():
        return "division_digits", (("division", text[2:8]),)
    if region is None:
        return "division_unknown", (("division", text[2:8]),)
    expected = check_character(text[:17])
    if text[17] != expected:
        return "check_digit", (("expected", expected), ("actual", text[17]))
    return None, ()
