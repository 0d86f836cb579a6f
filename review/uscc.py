"""Unified social credit codes (统一社会信用代码, GB 32100-2015): validation and the issuing region.

A code is 18 characters from ``0-9`` and ``A-Z`` without I, O, Z, S, V::

    9 1 440300 192203821 6
    │ │ │      │         └ check character (weights 3^i mod 31, sum mod 31)
    │ │ │      └ organisation code (GB 11714), 9 characters
    │ │ └ administrative division of the registering authority (GB/T 2260), 6 digits
    │ └ institution type within that authority (1 企业, 2 个体工商户, ...)
    └ registration authority (9 工商/市场监管, 5 民政, 1 机构编制, ...)

``check(code)`` says whether a code is well formed and its check character right, and names the region
it was issued in from ``review/data/divisions.tsv`` (province and prefecture level), so a lead whose
shop is registered outside the bureau's area can be handed to the right bureau. A valid code is not
proof that the entity exists: that needs the national enterprise credit information system.

Imports only the standard library.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"  # 31 characters: no I, O, Z, S, V
WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
_VALUE = {c: i for i, c in enumerate(CHARSET)}

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
class UsccResult:
    """Whether a code is valid, the region it was issued in, and (when invalid) why, in Chinese."""

    valid: bool
    region: str | None
    reason: str | None
    code: str | None = None  # the code as checked (full-width forms and spaces normalised)
    authority: str | None = None  # 登记管理部门, e.g. 工商（市场监管）
    institution_type: str | None = None  # 机构类别, e.g. 企业
    division_code: str | None = None  # the 6-digit administrative division code


@lru_cache(maxsize=1)
def divisions() -> dict[str, str]:
    """Division code (2-digit province, 4-digit prefecture) → name, from review/data/divisions.tsv."""
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
    total = sum(_VALUE[c] * w for c, w in zip(first17, WEIGHTS, strict=True))
    return CHARSET[(31 - total % 31) % 31]


def normalise(code: str) -> str:
    """Full-width letters and digits to ASCII, spaces removed, upper case."""
    text = unicodedata.normalize("NFKC", code)
    return "".join(text.split()).upper()


def check(code: str) -> UsccResult:
    """Validate a unified social credit code; ``reason`` says in Chinese what is wrong with an invalid one."""
    if not isinstance(code, str) or not code.strip():
        return UsccResult(False, None, "统一社会信用代码为空")
    text = normalise(code)
    if len(text) != 18:
        return UsccResult(False, None, f"统一社会信用代码应为 18 位，实际为 {len(text)} 位", code=text)
    for position, char in enumerate(text, start=1):
        if char not in _VALUE:
            why = "（代码中不使用 I、O、Z、S、V）" if char in "IOZSV" else ""
            return UsccResult(
                False, None, f"第 {position} 位字符“{char}”不是统一社会信用代码允许的字符{why}", code=text
            )
    authority = AUTHORITIES.get(text[0])
    if authority is None:
        return UsccResult(False, None, f"第 1 位登记管理部门代码“{text[0]}”不存在", code=text)
    authority_name, types = authority
    institution_type = types.get(text[1])
    if institution_type is None:
        return UsccResult(
            False,
            None,
            f"第 2 位机构类别代码“{text[1]}”不属于登记管理部门“{authority_name}”",
            code=text,
            authority=authority_name,
        )
    division = text[2:8]
    if not division.isdigit():
        return UsccResult(
            False,
            None,
            f"第 3–8 位登记管理机关行政区划码“{division}”应为 6 位数字",
            code=text,
            authority=authority_name,
            institution_type=institution_type,
        )
    region = region_name(division)
    if region is None:
        return UsccResult(
            False,
            None,
            f"第 3–8 位登记管理机关行政区划码“{division}”不是有效的行政区划代码",
            code=text,
            authority=authority_name,
            institution_type=institution_type,
            division_code=division,
        )
    expected = check_character(text[:17])
    if text[17] != expected:
        return UsccResult(
            False,
            region,
            f"校验码错误：第 18 位应为“{expected}”，实际为“{text[17]}”（可能有字符抄错）",
            code=text,
            authority=authority_name,
            institution_type=institution_type,
            division_code=division,
        )
    return UsccResult(
        True,
        region,
        None,
        code=text,
        authority=authority_name,
        institution_type=institution_type,
        division_code=division,
    )
