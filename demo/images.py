"""Generated product tiles: a coloured square with two lines of text, made on request and cached."""

from __future__ import annotations

import colorsys
import functools
import hashlib
import io
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

from demo.catalogue import ImageSpec

TILE = 240  # pixels, square

# CJK fonts commonly present on Debian/Ubuntu/macOS/Windows; without one, Latin text still renders.
FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/noto-cjk/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/msyh.ttc",
)


@functools.lru_cache(maxsize=8)
def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    for path in FONT_CANDIDATES:
        if Path(path).exists():
            try:
                return ImageFont.truetype(path, size)
            except OSError:
                continue
    return ImageFont.load_default(size=size)


def _rgb(hue: int, lightness: float, saturation: float) -> tuple[int, int, int]:
    r, g, b = colorsys.hls_to_rgb(hue / 360, lightness, saturation)
    return int(r * 255), int(g * 255), int(b * 255)


@functools.lru_cache(maxsize=4096)
def render_tile(spec: ImageSpec) -> bytes:
    """The PNG bytes of a tile; the same spec always gives the same bytes."""
    img = Image.new("RGB", (TILE, TILE), _rgb(spec.hue, 0.85, 0.55))
    draw = ImageDraw.Draw(img)
    draw.rectangle((14, 14, TILE - 15, TILE - 15), outline=_rgb(spec.hue, 0.35, 0.6), width=4)
    draw.ellipse((70, 40, 170, 120), fill=_rgb(spec.hue, 0.55, 0.65))
    # a product's own shapes, drawn from what the tile shows: two different products' photos differ
    # as real ones do (the same layout alone would give many different tiles one perceptual hash)
    shapes = random.Random(hashlib.sha256(f"{spec.line1}|{spec.line2}|{spec.hue}".encode()).digest())
    for _ in range(4):
        x, y = shapes.randrange(14, TILE - 60), shapes.randrange(14, TILE - 60)
        w, h = shapes.randrange(30, 110), shapes.randrange(30, 110)
        box = (x, y, min(x + w, TILE - 15), min(y + h, TILE - 15))
        fill = _rgb((spec.hue + shapes.randrange(0, 120)) % 360, shapes.choice((0.15, 0.35, 0.7, 0.95)), 0.6)
        (draw.rectangle if shapes.random() < 0.5 else draw.ellipse)(box, fill=fill)
    for text, y, size in ((spec.line1, 150, 30), (spec.line2, 195, 20)):
        font = _font(size)
        text = text[:12]
        width = draw.textlength(text, font=font)
        draw.text(((TILE - width) / 2, y - size / 2), text, fill=_rgb(spec.hue, 0.2, 0.5), font=font)
    buf = io.BytesIO()
    img.save(buf, format="PNG", optimize=True)
    return buf.getvalue()
