"""Build scoring/data/words.txt: common Chinese words, used to tell a lookalike from an ordinary word.

Run once by a developer with jieba installed (``pip install jieba``; not needed at run time):
``python scoring/tools/build_word_list.py``. Keeps words of 2-4 Han characters whose jieba
frequency is at least MIN_FREQ, one per line as ``word<TAB>frequency<TAB>part of speech``
(ns place, nr person, ...).
"""

from __future__ import annotations

import re
from pathlib import Path

import jieba

MIN_FREQ = 5
OUT = Path(__file__).resolve().parent.parent / "data" / "words.txt"
HAN = re.compile(r"^[\u4e00-\u9fff]{2,4}$")


def main() -> None:
    dict_path = Path(jieba.__file__).parent / "dict.txt"
    words: dict[str, str] = {}
    for line in dict_path.read_text(encoding="utf-8").splitlines():
        parts = line.split()
        if len(parts) >= 2 and HAN.match(parts[0]) and int(parts[1]) >= MIN_FREQ:
            tag = parts[2] if len(parts) > 2 else "x"
            words[parts[0]] = f"{parts[0]}\t{parts[1]}\t{tag}"
    OUT.write_text("\n".join(words[w] for w in sorted(words)) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
