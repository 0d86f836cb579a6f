"""Build scoring/data/en_words.txt: common English words (to tell "play station" from a mark).

Run once by a developer with pyspellchecker installed (``pip install pyspellchecker``; not needed at
run time): ``python scoring/tools/build_english_words.py``. Keeps alphabetic words of 3+ letters
whose frequency in pyspellchecker's English list is at least MIN_FREQ.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import spellchecker

MIN_FREQ = 150
OUT = Path(__file__).resolve().parent.parent / "data" / "en_words.txt"


def main() -> None:
    path = Path(spellchecker.__file__).parent / "resources" / "en.json.gz"
    with gzip.open(path) as fh:
        freq = json.load(fh)
    words = sorted(
        w for w, f in freq.items() if f >= MIN_FREQ and w.isascii() and w.isalpha() and len(w) >= 3
    )
    OUT.write_text("\n".join(words) + "\n", encoding="utf-8")
    print(f"{len(words)} words -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
