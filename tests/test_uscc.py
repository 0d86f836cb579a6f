"""Unified social credit codes (统一社会信用代码, GB 32100-2015): the check digit and the issuing region."""

from __future__ import annotations

import re

import pytest

from review.uscc import CHARSET, check, check_character, divisions, region_name

# Published codes of well-known companies: their check characters are right.
REAL = {
    "914403001922038216": "广东省深圳市",  # 华为技术有限公司
    "9144030071526726XG": "广东省深圳市",  # 深圳市腾讯计算机系统有限公司
    "91330100716105852F": "浙江省杭州市",  # 阿里巴巴（中国）有限公司
    "91110000802100433B": "北京市",
    "91350100M000100Y43": "福建省福州市",  # the example printed in GB 32100
}


@pytest.mark.parametrize(("code", "region"), sorted(REAL.items()))
def test_real_codes_are_valid_and_name_their_region(code: str, region: str):
    result = check(code)
    assert result.valid, result.reason
    assert result.region == region
    assert result.reason is None
    assert result.authority == "工商（市场监管）" and result.institution_type == "企业"


def test_every_single_character_substitution_is_caught():
    code = "914403001922038216"
    for position in range(18):
        for char in CHARSET:
            if char == code[position]:
                continue
            changed = code[:position] + char + code[position + 1 :]
            assert not check(changed).valid, changed


def test_a_wrong_check_character_says_which_it_should_be():
    result = check("914403001922038217")
    assert not result.valid
    assert result.reason == "校验码错误：第 18 位应为“6”，实际为“7”（可能有字符抄错）"
    assert result.region == "广东省深圳市"  # still useful for routing a lead with a typo


@pytest.mark.parametrize(
    ("code", "reason_part"),
    [
        ("", "为空"),
        ("91440300192203821", "应为 18 位，实际为 17 位"),
        ("9144030019220382166", "应为 18 位，实际为 19 位"),
        ("91440300192203821O", "第 18 位字符“O”"),
        ("914403001922038I16", "不使用 I、O、Z、S、V"),
        ("9144030019220382-6", "第 17 位字符“-”"),
        ("B14403001922038216", "第 1 位登记管理部门代码“B”不存在"),
        ("954403001922038216", "第 2 位机构类别代码“5”不属于登记管理部门“工商（市场监管）”"),
        ("9144A3001922038216", "应为 6 位数字"),
        ("919903001922038216", "不是有效的行政区划代码"),
        ("统一社会信用代码统一社会信用代码统一", "第 1 位字符“统”"),
    ],
)
def test_an_invalid_code_says_why_in_chinese(code: str, reason_part: str):
    result = check(code)
    assert not result.valid
    assert result.reason is not None and reason_part in result.reason


INVALID_EXAMPLES = {
    "empty": "",
    "length": "91440300192203821",
    "character": "9144030019220382-6",
    "excluded_character": "914403001922038I16",
    "authority": "B14403001922038216",
    "institution_type": "954403001922038216",
    "division_digits": "9144A3001922038216",
    "division_unknown": "919903001922038216",
    "check_digit": "914403001922038217",
}


@pytest.mark.parametrize(("reason_code", "code"), sorted(INVALID_EXAMPLES.items()))
def test_every_reason_has_a_code_and_reads_in_chinese_and_english(reason_code: str, code: str):
    result = check(code)
    assert result.reason_code == reason_code
    chinese, english = result.reason_in("zh_CN"), result.reason_in("en")
    assert chinese == result.reason and chinese != english
    assert english and not english.startswith("uscc.")  # a missing catalogue entry shows as its key
    assert not re.search(r"[\u4e00-\u9fff]", english.replace(result.authority or "", ""))


def test_english_check_digit_reason_names_both_characters():
    reason = check("914403001922038217").reason_in("en")
    assert reason == (
        "wrong check character: character 18 should be “6”, not “7” "
        "(a character may have been copied wrongly)"
    )


@pytest.mark.parametrize(
    "code",
    [
        "914403001922038217",  # wrong check character
        "91440300192203821O",  # a letter codes never use, in position 18
        "B14403001922038216",  # unknown registration authority
    ],
)
def test_the_region_is_named_whenever_the_division_is_known(code: str):
    result = check(code)
    assert not result.valid and result.region == "广东省深圳市" and result.division_code == "440300"


def test_full_width_characters_spaces_and_lower_case_are_normalised():
    assert check("９１４４０３００１９２２０３８２１６").valid
    assert check(" 9144 0300 1922 0382 16 ").valid
    assert check("9144030071526726xg").code == "9144030071526726XG"


def test_check_character_is_thirty_one_minus_the_weighted_sum_mod_31():
    # the remainder 0 case maps to "0", not to a 32nd character
    for first17 in ("91440300192203821", "12100000000000000", "Y1110000000000000"):
        value = {c: i for i, c in enumerate(CHARSET)}
        weights = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
        total = sum(value[c] * w for c, w in zip(first17, weights))
        assert check_character(first17) == CHARSET[(31 - total % 31) % 31]
        assert check(first17 + check_character(first17)).valid


def test_the_division_table_has_every_province_and_prefectures_under_them():
    table = divisions()
    provinces = {code: name for code, name in table.items() if len(code) == 2}
    assert len(provinces) == 34
    assert (
        provinces["32"] == "江苏省"
        and provinces["65"] == "新疆维吾尔自治区"
        and provinces["81"] == "香港特别行政区"
    )
    prefectures = {code: name for code, name in table.items() if len(code) == 4}
    assert len(prefectures) > 300
    assert all(code[:2] in provinces for code in prefectures)
    assert region_name("320500") == "江苏省苏州市"
    assert region_name("320508") == "江苏省苏州市"  # a county-level code resolves to its prefecture
    assert region_name("110105") == "北京市"  # 市辖区 placeholders resolve to the municipality
    assert region_name("100000") == "中央（国家级登记）"
    assert region_name("990000") is None


def test_a_central_registration_is_valid():
    first17 = "12100000400000624"  # 机构编制 / 事业单位, registered at national level
    result = check(first17 + check_character(first17))
    assert result.valid and result.region == "中央（国家级登记）" and result.institution_type == "事业单位"
