"""Build scoring/data/shape.tsv: visually similar simplified characters (offline, needs a CJK font).

Run once by a developer: ``python scoring/tools/build_shape_table.py [FONT]``; the scorer only reads
the resulting file, so end users need no font. Each glyph of GB2312 levels 1 and 2 (6,763
characters) is rendered and blurred; two characters are compared on the whole glyph and on each half
(left, right, top, bottom) so that characters sharing a large component (粤/奥, 利/和) score well.
Each character's KEEP nearest neighbours above MIN_SIM are written, made symmetric (dense glyphs resemble
everything a little, so the rank cut matters more than the raw value).
"""

from __future__ import annotations

import contextlib
import sys
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw, ImageFilter, ImageFont

SIZE = 40
KEEP = 40  # neighbours kept per character
MIN_SIM = 0.72
OUT = Path(__file__).resolve().parent.parent / "data" / "shape.tsv"


def gb2312_chars() -> list[str]:
    chars = []
    for hi in range(0xB0, 0xF8):
        for lo in range(0xA1, 0xFF):
            with contextlib.suppress(UnicodeDecodeError):
                chars.append(bytes([hi, lo]).decode("gb2312"))
    return chars


def render(ch: str, font: ImageFont.FreeTypeFont) -> np.ndarray:
    img = Image.new("L", (SIZE, SIZE), 0)
    ImageDraw.Draw(img).text((SIZE // 2, SIZE // 2), ch, fill=255, font=font, anchor="mm")
    img = img.filter(ImageFilter.GaussianBlur(1.0))
    return np.asarray(img, dtype=np.float32)


def unit(m: np.ndarray) -> np.ndarray:
    m = m.reshape(len(m), -1)
    m = m - m.mean(axis=1, keepdims=True)
    return m / (np.linalg.norm(m, axis=1, keepdims=True) + 1e-6)


def main() -> None:
    font_path = sys.argv[1] if len(sys.argv) > 1 else "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"
    font = ImageFont.truetype(font_path, int(SIZE * 0.85))
    chars = gb2312_chars()
    glyphs = np.stack([render(c, font) for c in chars])
    h = SIZE // 2
    whole = unit(glyphs)
    parts = [unit(glyphs[:, :, :h]), unit(glyphs[:, :, h:]), unit(glyphs[:, :h, :]), unit(glyphs[:, h:, :])]
    # whole glyph, or the second-best half (two halves agree), or the best half (a shared large
    # component) slightly discounted; a lone shared radical is not enough because of the rank cut
    sim = whole @ whole.T
    halves = np.sort(np.stack([p @ p.T for p in parts]), axis=0)
    sim = np.maximum.reduce([sim, halves[-2], 0.85 * halves[-1] + 0.15 * halves[-2]])
    np.fill_diagonal(sim, -1.0)
    score = sim
    table: dict[str, dict[str, float]] = {}
    for i in range(len(chars)):
        row = score[i]
        idx = np.argpartition(-row, KEEP)[:KEEP]
        for j in idx:
            v = round(float(row[j]), 2)
            if v >= MIN_SIM:
                # symmetric: a pair kept by either character counts for both
                for a, b in ((chars[i], chars[j]), (chars[j], chars[i])):
                    r = table.setdefault(a, {})
                    r[b] = max(r.get(b, 0.0), v)
    lines = []
    for c in chars:
        if c in table:
            items = sorted(table[c].items(), key=lambda kv: -kv[1])
            lines.append(c + "\t" + " ".join(f"{d}{v:.2f}" for d, v in items))
    OUT.write_text(
        "# char<TAB>neighbour+similarity ... (built by scoring/tools/build_shape_table.py)\n"
        + "\n".join(lines)
        + "\n",
        encoding="utf-8",
    )
    print(f"{len(lines)} characters -> {OUT} ({OUT.stat().st_size} bytes)")


if __name__ == "__main__":
    main()
