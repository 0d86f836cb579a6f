"""Build scoring/data/known_words.txt and scoring/data/known_han_words.txt: words, names and brands
that people write (pestle, samson, nubia, applebees; 大白菜, 良品率, 百草园, 索爱), to tell a known word
from a lookalike made to imitate a mark.

Run once by a developer with wordfreq installed (``pip install wordfreq``; not needed at run time):
``python scoring/tools/build_known_words.py``. Keeps the words of wordfreq's large English list
(alphabetic, 3+ letters) and of its large Chinese list (2 to 6 Han characters) whose Zipf frequency
is at least MIN_ZIPF (about once in 30 million words). The lists come from web text, subtitles,
Wikipedia, news and books, so they hold names and brand names as people write them.

wordfreq's code is under the Apache License 2.0 and its word lists under CC BY-SA 4.0 (built from
Wikipedia, OpenSubtitles, Google Books Ngrams, Reddit, Twitter, SUBTLEX and other sources named in
wordfreq's README; its Chinese list is segmented with jieba, MIT). These derived lists are therefore
CC BY-SA 4.0 as well, with that attribution.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

from wordfreq import get_frequency_dict

MIN_ZIPF = 1.5
DATA = Path(__file__).resolve().parent.parent / "data"
_LATIN = re.compile(r"[a-z]{3,}")
_HAN = re.compile(r"[\u4e00-\u9fff]{2,6}")


def _write(path: Path, lang: str, pattern: re.Pattern[str]) -> None:
    freq = get_frequency_dict(lang, wordlist="large")
    words = sorted(w for w, f in freq.items() if pattern.fullmatch(w) and math.log10(f) + 9 >= MIN_ZIPF)
    header = f"# wordfreq large {lang} list, Zipf >= {MIN_ZIPF}; CC BY-SA 4.0 (see build_known_words.py)\n"
    path.write_text(header + "\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {path} ({path.stat().st_size} bytes)")


def main() -> None:
    _write(DATA / "known_words.txt", "en", _LATIN)
    _write(DATA / "known_han_words.txt", "zh", _HAN)


if __name__ == "__main__":
    main()
