"""Normalisation: full width, case, traditional characters, confusables, separators, pinyin, shape."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from scoring import latin
from scoring.text import (
    fold,
    fuzzy,
    is_english_word,
    pinyins,
    segment,
    shape_sim,
    shape_table,
    skeleton,
    split_table,
    word_info,
)


def test_fold_full_width_case_and_traditional():
    assert fold("ＵＧＧ Ｏｒｅｏ") == "ugg oreo"
    assert fold("海飛絲 臺灣") == "海飞丝 台湾"


def test_skeleton_folds_confusables():
    assert skeleton("NOKLA") == skeleton("nokia")
    assert skeleton("N1KE") == skeleton("nike")
    assert skeleton("G00GLE") == skeleton("google")
    assert skeleton("rnicrosoft") == skeleton("microsoft")
    assert skeleton("vvalmart") == skeleton("walmart")
    assert skeleton("Αpple") == skeleton("apple")  # Greek capital alpha
    assert skeleton("Sony") != skeleton("Sonos")


def test_spaced_out_letters_are_joined():
    seg = segment("K I T K A T 威化 N-I-K-E C.O.C.A")
    assert [w for w, _, _ in seg.latin] == ["kitkat", "nike", "coca"]
    assert segment("iPhone 15 Pro").latin[0][0] == "iphone"


def test_han_stream_remembers_separators():
    seg = segment("雪 碧 柠檬味")
    assert seg.han.chars == "雪碧柠檬味" and seg.han.gap_before[:3] == [False, True, True]


def test_pinyin_ignores_tones_and_merges_fuzzy_classes():
    assert pinyins("乐") == ("le", "yue")
    assert fuzzy("zhang") == fuzzy("zang") == fuzzy("zan")
    assert fuzzy("lan") == fuzzy("nan") and fuzzy("fu") == fuzzy("hu") and fuzzy("qing") == fuzzy("qin")


def test_character_readings_are_pypinyins_for_every_character():
    # pinyins reads pypinyin's character table itself (importing pypinyin loads its phrase dictionary)
    from pypinyin import Style, pinyin
    from pypinyin.constants import PINYIN_DICT

    def pypinyins(c):
        got = pinyin(c, style=Style.NORMAL, heteronym=True, errors="ignore", strict=False)
        return (
            tuple(dict.fromkeys(r.replace("ü", "v") for r in got[0] if r.isascii() and r.isalpha()))
            if got
            else ()
        )

    chars = [chr(k) for k in PINYIN_DICT] + list("a1 。〇ー々") + ["\U0002ebe0"]
    assert [c for c in chars if pinyins(c) != pypinyins(c)] == []
    assert pinyins("绿") == ("lv", "lu") and pinyins("嗯") == ("n", "ng") and pinyins("。") == ()


def test_shape_table_knows_famous_confusions_and_not_unrelated_pairs():
    for a, b in ["粤奥", "士土", "帅师", "雷雪", "扬场", "洽治", "日白", "泰秦"]:
        assert shape_sim(a, b) >= 0.8, (a, b)
    for a, b in ["雪碧", "牛马", "天地"]:
        assert shape_sim(a, b) < 0.72, (a, b)


def test_shape_similarities_lie_between_0_and_1():
    # the matcher compares short insertion and omission windows by equality: it relies on two different
    # characters being at most 0.92 alike (scoring.matcher._NEAREST), the most a shape similarity of 1
    # gives
    values = [v for _, row in shape_table().items() for v in row.values()]
    assert values and all(0.0 <= v <= 1.0 for v in values)


def test_split_characters_table():
    table = split_table()
    assert table[("周", "隹")] == "雕" and table[("周", "住")] == "雕" and table[("白", "勺")] == "的"


def test_word_lists():
    assert word_info("健康") is not None and word_info("茅台镇")[1] == "ns"  # type: ignore[index]
    assert word_info("康帅傅") is None
    assert is_english_word("station") and not is_english_word("adidas")


def test_weighted_edit_distance_prefers_cheap_edits():
    assert latin.similarity("nlke", "nike") > latin.similarity("nuke", "nike")  # l/i look alike
    assert latin.similarity("nkie", "nike") > latin.similarity("nxye", "nike")  # transposition is cheap
    assert latin.similarity("niike", "nike") > latin.similarity("nirke", "nike")  # repetition is cheap
    assert latin.similarity("nikr", "nike") > latin.similarity("nikz", "nike")  # keyboard neighbour
    assert latin.visual_key("adidas") == latin.visual_key("obibos")


def _textbook_distance(s: str, t: str) -> float:
    """The weighted optimal-string-alignment recurrence written plainly, cell by cell."""
    ds, dt = latin._indels(s), latin._indels(t)
    d = [[0.0] * (len(t) + 1) for _ in range(len(s) + 1)]
    for i in range(1, len(s) + 1):
        d[i][0] = d[i - 1][0] + ds[i - 1]
    for j in range(1, len(t) + 1):
        d[0][j] = d[0][j - 1] + dt[j - 1]
    for i in range(1, len(s) + 1):
        for j in range(1, len(t) + 1):
            best = min(
                d[i - 1][j - 1] + latin.sub_cost(s[i - 1], t[j - 1]),
                d[i - 1][j] + ds[i - 1],
                d[i][j - 1] + dt[j - 1],
            )
            if i > 1 and j > 1 and s[i - 1] == t[j - 2] and s[i - 2] == t[j - 1] and s[i - 1] != t[j - 1]:
                best = min(best, d[i - 2][j - 2] + 0.6)
            d[i][j] = best
    return d[len(s)][len(t)]


@settings(max_examples=400, deadline=None)
@given(st.text("nikeadsbo1l", min_size=1, max_size=9), st.text("nikeadsbo1l", min_size=1, max_size=9))
def test_the_fast_distance_equals_the_textbook_recurrence(word: str, mark: str):
    # small alphabets force swaps, repeated letters and look-alike letters
    assert latin.distance(word, mark) == pytest.approx(_textbook_distance(word, mark), abs=1e-9)
