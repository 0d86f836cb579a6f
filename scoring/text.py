"""Text normalisation and the character knowledge the matcher uses.

- ``fold``: NFKC (full-width to half-width), case folding, traditional to simplified (OpenCC tables).
- ``latin_fold``: look-alike letters of other scripts and decorated Latin letters to basic Latin, from
  the Unicode TR39 confusables data (``data/confusables.tsv``), accents removed;
- ``skeleton``: a Latin confusable skeleton in the spirit of Unicode TR39 (the letters above, 0/o,
  1/l/I, rn/m, vv/w).
- ``Segments``: a title cut into Han and Latin runs, with separators and decorations between single
  characters (N-I-K-E, 阿*迪*达*斯, 任 天 堂) recognised so that a spaced-out mark is seen whole.
- pinyin with fuzzy classes (z/zh, c/ch, s/sh, n/l, f/h, an/ang, en/eng, in/ing), tones ignored;
- per-character visual similarity from the bundled table ``data/shape.tsv``;
- a common-word list ``data/words.txt`` (to tell an ordinary word from a lookalike), and the large
  dictionaries of known words, names and brands ``data/known_words.txt`` / ``known_han_words.txt``.
"""

from __future__ import annotations

import functools
import json
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

DATA = Path(__file__).resolve().parent / "data"

# ---------------------------------------------------------------- folding

_T2S: dict[int, str] | None = None


def _t2s_table() -> dict[int, str]:
    global _T2S
    if _T2S is None:
        import opencc

        path = Path(opencc.__file__).parent / "dictionary" / "TSCharacters.txt"
        table: dict[int, str] = {}
        for line in path.read_text(encoding="utf-8").splitlines():
            parts = line.split()
            if len(parts) >= 2 and len(parts[0]) == 1:
                table[ord(parts[0])] = parts[1]
        _T2S = table
    return _T2S


@functools.lru_cache(maxsize=131072)
def fold(text: str) -> str:
    """NFKC, lower case, traditional characters to simplified (character by character)."""
    text = unicodedata.normalize("NFKC", text).casefold()
    return text.translate(_t2s_table())


# ---------------------------------------------------------------- Latin skeleton

_LEET = {
    # digits and signs that stand for letters (leetspeak; TR39 has no such mapping for lower case)
    "0": "o",
    "1": "l",
    "3": "e",
    "4": "a",
    "5": "s",
    "7": "t",
    "8": "b",
    "9": "g",
    "$": "s",
    "@": "a",
    "|": "l",
    "!": "l",
    "€": "e",
}


@functools.lru_cache(maxsize=1)
def confusable_letters() -> dict[str, str]:
    """Letters of other scripts and decorated Latin letters → the basic Latin letter they look like
    (Cyrillic а, Greek ο, ə, ɽ), from the Unicode TR39 confusables data (data/confusables.tsv, built by
    scoring/tools/build_confusables.py)."""
    table: dict[str, str] = {}
    with open(DATA / "confusables.tsv", encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                c, _, letter = line.rstrip("\n").partition("\t")
                table[c] = letter
    return table


@functools.lru_cache(maxsize=1)
def _confusable() -> dict[str, str]:
    return {**confusable_letters(), **_LEET}


_SKEL_CHARS = {"i": "l", "j": "l"}  # TR39 folds I/l/1; i and l are the classic swap (NOKLA)
_SKEL_TABLE = str.maketrans(_SKEL_CHARS)


def strip_accents(text: str) -> str:
    if text.isascii():
        return text  # nothing to decompose
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def latin_fold(text: str) -> str:
    """Map confusable letters of other scripts to Latin and strip accents (keeps digits). A sign that
    stands for a letter ($ony, N!ke, |phone) counts only when it touches a letter: a pipe or an
    exclamation mark between spaces is punctuation."""
    # word by word, each word remembered (titles repeat their words): a space is neither a letter nor
    # a sign for one, and nothing decomposes across it, so each word folds as it would in the whole
    if " " not in text:
        return _latin_fold_word(text)
    return " ".join(map(_latin_fold_word, text.split(" ")))


@functools.lru_cache(maxsize=65536)
def _latin_fold_word(text: str) -> str:
    if text.isascii() and text.isalnum():
        return text  # letters and digits only, kept as they are (most words)
    text = strip_accents(text)
    letters = confusable_letters()
    out = []
    n = len(text)
    for i, c in enumerate(text):
        if c.isascii() and c.isalnum():
            out.append(c)
            continue
        m = letters.get(c)
        if m is not None and (_latin_like(text, i - 1, letters) or _latin_like(text, i + 1, letters)):
            out.append(m)  # a look-alike letter among Latin letters (Nіke, Arəwaṉa), not inside Arabic
        elif (
            c in _LEET
            and not c.isdigit()
            and ((i > 0 and text[i - 1].isalpha()) or (i + 1 < n and text[i + 1].isalpha()))
        ):
            out.append(_LEET[c])
        else:
            out.append(c)
    return "".join(out)


def _latin_like(text: str, i: int, letters: dict[str, str]) -> bool:
    if not 0 <= i < len(text):
        return False
    c = text[i]
    return (c.isascii() and c.isalpha()) or c in letters


@functools.lru_cache(maxsize=65536)
def skeleton(word: str) -> str:
    """A confusable skeleton of a Latin word: 0→o, 1/i/l→l, rn→m, vv→w, accents and look-alike
    letters of other scripts folded. Two words with the same skeleton look the same."""
    w = strip_accents(word.casefold()).translate(_confusable_table())
    w = w.replace("rn", "m").replace("vv", "w").replace("cl", "d")
    return w.translate(_SKEL_TABLE)


@functools.lru_cache(maxsize=1)
def _confusable_table() -> dict[int, str]:
    """_confusable() for str.translate (its keys are single characters)."""
    return {ord(c): letter for c, letter in _confusable().items()}


# ---------------------------------------------------------------- segmentation


def is_han(c: str) -> bool:
    o = ord(c)
    return 0x4E00 <= o <= 0x9FFF or 0x3400 <= o <= 0x4DBF or 0x20000 <= o <= 0x2A6DF


def is_latin(c: str) -> bool:
    return c.isascii() and c.isalnum()


@dataclass
class HanRun:
    """Han characters of a title in order; ``gap_before[i]`` is True when something separated
    character i from the previous one; ``start`` is the index in the folded title."""

    chars: str
    gap_before: list[bool]
    pos: list[int]


@dataclass
class Segments:
    folded: str
    han: HanRun
    latin: list[tuple[str, int, int]]  # (word, start, end) in folded text, after collapsing
    latin_collapsed: set[int]  # indices into latin of words rebuilt from spaced-out letters


_LATIN_RUN = re.compile(r"[a-z0-9]+")
# a Latin word of one letter or digit, with which every run of spaced-out letters starts
_LONE_LATIN = re.compile(r"(?<![a-z0-9])[a-z0-9](?![a-z0-9])")


def segment(raw: str) -> Segments:
    """Fold a title and cut it into a Han stream and Latin words (spaced-out letters joined)."""
    folded = latin_fold(fold(raw))
    chars, gaps, pos = [], [], []
    gap = False
    n = len(folded)
    for i, c in enumerate(folded):
        # is_han, the common block compared in place (a call per character costs a quarter of the loop)
        if "\u4e00" <= c <= "\u9fff" or (c >= "\u3400" and is_han(c)):
            chars.append(c)
            gaps.append(gap)
            pos.append(i)
            gap = False
        elif c in _KANA_HAN and not _is_kana(folded, i - 1) and not _is_kana(folded, i + 1):
            # a lone katakana among Chinese text is the Han character it copies (士カ架 for 士力架);
            # in Japanese words the kana stand in runs
            chars.append(_KANA_HAN[c])
            gaps.append(gap)
            pos.append(i)
            gap = False
        elif (
            c in _DIGIT_HAN
            and i + 1 < n
            and is_han(folded[i + 1])
            and (i == 0 or not (folded[i - 1].isalnum() or folded[i - 1] == "."))
        ):
            # a lone digit leading Han characters reads as the numeral (6个核桃 → 六个核桃)
            chars.append(_DIGIT_HAN[c])
            gaps.append(gap)
            pos.append(i)
            gap = False
        else:
            gap = True
    words = [(m.group(), m.start(), m.end()) for m in _LATIN_RUN.finditer(folded)]
    if _LONE_LATIN.search(folded) is None:
        return Segments(folded, HanRun("".join(chars), gaps, pos), words, set())  # nothing to join
    # join runs of single letters separated only by separators: k i t k a t, c.o.c.a, n-i-k-e
    out: list[tuple[str, int, int]] = []
    collapsed: set[int] = set()
    i = 0
    while i < len(words):
        j = i
        sep = None  # one separator throughout a run: N-I-K-E C.O.C.A is two words
        while (
            j + 1 < len(words)
            and len(words[j][0]) == 1
            and len(words[j + 1][0]) <= 2
            and _only_separators(folded[words[j][2] : words[j + 1][1]])
            and sep in (None, folded[words[j][2] : words[j + 1][1]])
        ):
            sep = folded[words[j][2] : words[j + 1][1]]
            j += 1
        if j - i >= 2 or (j - i >= 1 and len(words[j][0]) == 1 and j - i + 1 >= 3):
            out.append(("".join(w for w, _, _ in words[i : j + 1]), words[i][1], words[j][2]))
            collapsed.add(len(out) - 1)
            i = j + 1
        else:
            out.append(words[i])
            i += 1
    return Segments(folded, HanRun("".join(chars), gaps, pos), out, collapsed)


def _is_kana(text: str, i: int) -> bool:
    return 0 <= i < len(text) and 0x3040 <= ord(text[i]) <= 0x30FF


def _only_separators(s: str) -> bool:
    return 0 < len(s) <= 3 and not any(c.isalnum() or is_han(c) for c in s)


# ---------------------------------------------------------------- pinyin

_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"))
_FUZZY_FINALS = (("iang", "ian"), ("uang", "uan"), ("ang", "an"), ("eng", "en"), ("ing", "in"), ("ong", "on"))


@functools.lru_cache(maxsize=65536)
def pinyins(c: str) -> tuple[str, ...]:
    """Tone-less readings of one Han character (all heteronyms), e.g. 乐 → ('le', 'yue')."""
    raw = _char_readings().get(ord(c))
    if raw is None:
        return ()
    return tuple(dict.fromkeys(r for r in map(_toneless, raw.split(",")) if r.isascii() and r.isalpha()))


# the combining tone marks of pinyin (ā á ǎ à, NFD); the diaeresis of ü and the circumflex of ê stay
_TONE_MARKS = dict.fromkeys(map(ord, "\u0304\u0301\u030c\u0300"))


def _toneless(reading: str) -> str:
    """A reading of pypinyin's table without its tone, ü as v (lǜ → lv, ḿ → m), as pypinyin's NORMAL
    style writes it."""
    bare = unicodedata.normalize("NFD", reading).translate(_TONE_MARKS)
    return unicodedata.normalize("NFC", bare).replace("ü", "v")


@functools.lru_cache(maxsize=1)
def _char_readings() -> dict[int, str]:
    """pypinyin's table of each character's readings (code point → 'lè,yuè'), read from its data file:
    importing pypinyin loads its phrase dictionary too, a third of a second that a character's readings
    do not need. The same readings as ``pypinyin.pinyin(c, Style.NORMAL, heteronym=True)`` (a test
    compares every character)."""
    from importlib.util import find_spec

    spec = find_spec("pypinyin")
    folder = spec.submodule_search_locations if spec is not None else None
    table = Path(next(iter(folder))) / "pinyin_dict.json" if folder else None
    if table is None or not table.is_file():  # a pypinyin that keeps the table elsewhere: import it
        from pypinyin.pinyin_dict import pinyin_dict

        return dict(pinyin_dict)
    raw = json.loads(table.read_text(encoding="utf-8"))
    return {int(k): v for k, v in raw.items()}


@functools.lru_cache(maxsize=4096)
def fuzzy(syllable: str) -> str:
    """The fuzzy class of a syllable: z/zh, c/ch, s/sh, n/l, f/h, an/ang, en/eng, in/ing merged."""
    s = syllable
    for a, b in _FUZZY_INITIALS[:3]:
        if s.startswith(a):
            s = b + s[len(a) :]
            break
    else:
        if s.startswith("l"):
            s = "n" + s[1:]
        elif s.startswith("h"):
            s = "f" + s[1:]
    for a, b in _FUZZY_FINALS:
        if s.endswith(a):
            s = s[: -len(a)] + b
            break
    return s


@functools.lru_cache(maxsize=65536)
def fuzzy_keys(c: str) -> frozenset[str]:
    return frozenset(fuzzy(p) for p in pinyins(c))


@functools.lru_cache(maxsize=1)
def syllables() -> frozenset[str]:
    """Every tone-less pinyin syllable (of the GB2312 characters)."""
    out: set[str] = set()
    for c in shape_table():
        out.update(pinyins(c))
    return frozenset(out)


def pinyin_initials(text: str) -> str:
    """The first letters of the pinyin of a Han string (first reading), e.g. 娃哈哈 → 'whh'."""
    return "".join(p[0] for p in _plain_pinyin(text) if p)


def han_to_pinyin(text: str) -> str:
    """Compact tone-less pinyin of a Han string (first reading), e.g. 娃哈哈 → 'wahaha'."""
    return "".join(_plain_pinyin(text)).replace("ü", "v")


@functools.lru_cache(maxsize=65536)
def _plain_pinyin(text: str) -> tuple[str, ...]:
    """Tone-less syllables of a Han string (first reading), one pypinyin call shared by the initials
    and the compact pinyin of the same mark or word."""
    from pypinyin import Style, lazy_pinyin

    return tuple(lazy_pinyin(text, style=Style.NORMAL, errors="ignore"))


# ---------------------------------------------------------------- shape


class _ShapeTable(dict):  # type: ignore[type-arg]
    """char -> {look-alike: similarity}; each row is parsed on first use (fast start-up)."""

    def __init__(self, raw: dict[str, str]) -> None:
        super().__init__()
        self._raw = raw

    def __missing__(self, c: str) -> dict[str, float]:
        rest = self._raw.get(c)
        if rest is None:
            raise KeyError(c)
        row = {item[0]: float(item[1:]) for item in rest.split(" ") if item}
        self[c] = row
        return row

    def get(self, c: str, default=None):  # type: ignore[no-untyped-def]
        try:
            return self[c]
        except KeyError:
            return default

    def __contains__(self, c: object) -> bool:
        return c in self._raw

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def items(self):  # type: ignore[no-untyped-def]
        return ((c, self[c]) for c in self._raw)


@functools.lru_cache(maxsize=1)
def shape_table() -> dict[str, dict[str, float]]:
    """char -> {visually similar char: similarity 0..1}, symmetric, from data/shape.tsv."""
    raw: dict[str, str] = {}
    with open(DATA / "shape.tsv", encoding="utf-8") as fh:
        for line in fh:
            if not line.startswith("#"):
                c, _, rest = line.rstrip("\n").partition("\t")
                raw[c] = rest
    return _ShapeTable(raw)


def shape_sim(a: str, b: str) -> float:
    """Visual similarity of two Han characters, 0 (unrelated) .. 1 (near identical)."""
    if a == b:
        return 1.0
    return shape_table().get(a, {}).get(b, 0.0)


# ---------------------------------------------------------------- common words


@functools.lru_cache(maxsize=1)
def word_table() -> dict[str, tuple[int, str]]:
    table: dict[str, tuple[int, str]] = {}
    with open(DATA / "words.txt", encoding="utf-8") as fh:
        for line in fh:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                table[parts[0]] = (int(parts[1]), parts[2])
    return table


def word_info(w: str) -> tuple[int, str] | None:
    """(frequency, part of speech) of a common Chinese word, or None."""
    return word_table().get(w)


_DIGIT_HAN = dict(zip("0123456789", "零一二三四五六七八九", strict=True))
# katakana that Unicode TR39 lists as confusable with a Han character (カ/力, エ/工, ロ/口 …); not
# ー (一), which Chinese titles use as a dash
_KANA_HAN = dict(zip("カエロニハトタヒ", "力工口二八卜夕匕", strict=True))
NUMERALS = frozenset("零一二三四五六七八九十百千万两壹贰叁肆伍陆柒捌玖拾")


@functools.lru_cache(maxsize=1)
def english_words() -> frozenset[str]:
    with open(DATA / "en_words.txt", encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip())


def is_english_word(w: str) -> bool:
    """Is w (lower case) a common English word (play, station, switch, tide)?"""
    return w in english_words()


def _read_words(name: str) -> frozenset[str]:
    with open(DATA / name, encoding="utf-8") as fh:
        return frozenset(line.strip() for line in fh if line.strip() and not line.startswith("#"))


@functools.lru_cache(maxsize=1)
def known_words() -> frozenset[str]:
    """Latin words, names and brands people write (wordfreq's large English list, data/known_words.txt)."""
    return _read_words("known_words.txt")


@functools.lru_cache(maxsize=1)
def known_han_words() -> frozenset[str]:
    """Chinese words and names people write (wordfreq's large Chinese list, data/known_han_words.txt)."""
    return _read_words("known_han_words.txt")


def is_known_word(w: str) -> bool:
    """Is w (folded) a word, name or brand of the large dictionaries (pestle, samson, 大白菜, 索爱)?"""
    return w in (known_han_words() if w[:1] and is_han(w[0]) else known_words())


# radicals and components, and the everyday characters sellers type in their place
COMPONENT_FORMS: dict[str, tuple[str, ...]] = {
    "氵": ("水",),
    "亻": ("人",),
    "扌": ("手",),
    "讠": ("言",),
    "钅": ("金",),
    "纟": ("丝", "系"),
    "忄": ("心",),
    "饣": ("食",),
    "犭": ("犬",),
    "礻": ("示",),
    "衤": ("衣",),
    "艹": ("草",),
    "刂": ("刀",),
    "冫": ("二",),
    "阝": ("耳",),
    "灬": ("火",),
    "火": ("火",),
    "王": ("王", "玉"),
    "月": ("月", "肉"),
    "木": ("木",),
    "隹": ("住", "佳"),
    "攵": ("文",),
    "欠": ("欠",),
    "宀": ("穴",),
    "口": ("口",),
    "日": ("日",),
    "目": ("目",),
    "禾": ("禾",),
    "米": ("米",),
    "石": ("石",),
    "土": ("土", "士"),
    "女": ("女",),
    "子": ("子",),
    "马": ("马",),
    "鸟": ("鸟",),
    "贝": ("贝",),
    "车": ("车",),
    "足": ("足",),
    "⻊": ("足",),
    "虫": ("虫",),
    "舟": ("舟",),
    "勹": ("勺",),
    "彡": ("三",),
    "寸": ("寸",),
    "力": ("力",),
    "又": ("又",),
    "页": ("页",),
}


@functools.lru_cache(maxsize=1)
def split_table() -> dict[tuple[str, str], str]:
    """(left, right) → the character they compose side by side (周, 隹 → 雕), from data/splits.tsv.

    A part may also be written as a close look-alike (周住 for 雕: 住 ≈ 隹)."""
    exact: dict[tuple[str, str], str] = {}
    with open(DATA / "splits.tsv", encoding="utf-8") as fh:
        for line in fh:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 3:
                exact.setdefault((parts[1], parts[2]), parts[0])
    table = dict(exact)
    # a component may be written as the ordinary character it comes from (氵→水, 隹→住)
    for (left, right), c in exact.items():
        for l2 in COMPONENT_FORMS.get(left, ()):
            table.setdefault((l2, right), c)
            for r2 in COMPONENT_FORMS.get(right, ()):
                table.setdefault((l2, r2), c)
        for r2 in COMPONENT_FORMS.get(right, ()):
            table.setdefault((left, r2), c)
    shapes = shape_table()
    for (left, right), c in exact.items():
        for r2, v in shapes.get(right, {}).items():
            if v >= 0.9:
                table.setdefault((left, r2), c)
        for l2, v in shapes.get(left, {}).items():
            if v >= 0.9:
                table.setdefault((l2, right), c)
    return table
