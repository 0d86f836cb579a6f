"""Build scoring/data/confusables.tsv: letters of other scripts and decorated Latin letters that look
like a basic Latin letter (Cyrillic а, Greek ο, ə, ɽ, ṉ, ṭ …), one ``char<TAB>letter`` per line.

Run once by a developer with confusable_homoglyphs installed (``pip install confusable-homoglyphs``;
not needed at run time): ``python scoring/tools/build_confusables.py``. The source is the Unicode
TR39 confusables data (confusables.txt) as shipped in confusable_homoglyphs' ``confusables.json``
(package under the MIT licence; the Unicode data under the Unicode License v3). A character is mapped
when, in that order:

1. TR39 lists it as confusable with a basic Latin letter (а → a, ο → o, ⍺ → a);
2. it is confusable with a character that is such a letter once its accents are removed (ɽ ≈ r̨ → r),
   or with one that step 1 maps;
3. it is a Latin letter whose Unicode name says which letter it is (LATIN SMALL LETTER TURNED E → e,
   LATIN SMALL LETTER N WITH LINE BELOW → n), for the Latin blocks where sellers find decorated
   letters.

Han, kana and Hangul are left out (the matcher has its own tables for those), and so are digits and
signs (leetspeak is scoring.text's own small table).
"""

from __future__ import annotations

import re
import unicodedata
from pathlib import Path

from confusable_homoglyphs import confusables

OUT = Path(__file__).resolve().parent.parent / "data" / "confusables.tsv"
_ASCII_LETTER = re.compile(r"[a-z]")
_NAME = re.compile(
    r"LATIN (?:SMALL|CAPITAL) LETTER "
    r"(?:(?:TURNED|REVERSED|INVERTED|SMALL CAPITAL|DOTLESS|SCRIPT|CLOSED|OPEN|LONG|BARRED|SIDEWAYS) )*"
    r"([A-Z])\b"
)
# Latin-1 Supplement to Latin Extended-B, IPA, phonetic extensions, Latin Extended Additional,
# Latin Extended-C/-D/-E, letter-like symbols
_LATIN_BLOCKS = (
    (0x00C0, 0x024F),
    (0x0250, 0x02AF),
    (0x1D00, 0x1DBF),
    (0x1E00, 0x1EFF),
    (0x2C60, 0x2C7F),
    (0xA720, 0xA7FF),
    (0xAB30, 0xAB6F),
)


def _excluded(c: str) -> bool:
    if len(c) != 1:
        return True
    o = ord(c)
    return (
        o < 0x80
        or 0x2E80 <= o <= 0x9FFF  # CJK, kana
        or 0xAC00 <= o <= 0xD7AF  # Hangul
        or 0xF900 <= o <= 0xFAFF
        or o >= 0x20000
        or not unicodedata.category(c).startswith("L")
    )


def _base(s: str) -> str:
    s = "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c))
    return s.replace("\u200e", "").casefold()


def build() -> dict[str, str]:
    data = confusables.confusables_data
    table: dict[str, str] = {}
    for key, entries in data.items():  # step 1: homoglyphs listed under a basic Latin letter
        k = key.casefold()
        if len(k) == 1 and _ASCII_LETTER.fullmatch(k):
            for e in entries:
                c = e["c"].replace("\u200e", "")
                for x in (c, c.casefold()):  # titles are case-folded first (Cyrillic Н → н ≈ h)
                    if not _excluded(x):
                        table.setdefault(x, k)
    _hop(data, table)
    for lo, hi in _LATIN_BLOCKS:  # step 3: the letter a Latin letter's name gives
        for o in range(lo, hi + 1):
            c = chr(o)
            if c in table or _excluded(c):
                continue
            b = _base(c)
            if len(b) == 1 and _ASCII_LETTER.fullmatch(b):
                continue  # accents only: folded at run time by removing them
            m = _NAME.match(unicodedata.name(c, ""))
            if m:
                table[c] = m.group(1).lower()
    _hop(data, table)  # again, through the letters step 3 named (ə ≈ ǝ, a turned e)
    return table


def _hop(data: dict[str, list[dict[str, str]]], table: dict[str, str]) -> None:
    """Step 2: a character confusable with an accented basic letter, or with a mapped character."""
    for key, entries in data.items():
        if _excluded(key) or key in table:
            continue
        for e in entries:
            b = _base(e["c"])
            target = b if len(b) == 1 and _ASCII_LETTER.fullmatch(b) else table.get(e["c"])
            if target:
                table[key] = target
                break


def main() -> None:
    table = build()
    lines = [f"{c}\t{t}" for c, t in sorted(table.items())]
    header = "# TR39 confusables (confusable_homoglyphs) and Latin letter names; see build_confusables.py\n"
    OUT.write_text(header + "\n".join(lines) + "\n", encoding="utf-8")
    print(f"{len(lines)} characters -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
