#!/usr/bin/env python3
"""Make the stand-in pictures of the sample book: images/fig-1.jpg ... fig-4.jpg.

The newspaper photos of the source page were not kept, so each speech shows a plain
placeholder instead: 1200x800 px, light grey, a thin darker frame, the large text
图片暂缺 ("picture missing") and a smaller line 原图未随稿保存 · 此为占位图 ("the original
photo was not kept with the text; this is a stand-in"), plus a small file label.
Baseline JPEG, quality 85, RGB (untagged, i.e. sRGB), no EXIF or other metadata.

Needs Pillow and Debian's fonts-noto-cjk (Noto Serif CJK, face index 2 = SC).
Re-run from anywhere:   python3 book/images/make-stand-ins.py
It overwrites the four files next to this script; output is the same on every run.
"""
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

FONT = "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"
FACE_SC = 2  # Noto Serif CJK SC inside the collection
W, H = 1200, 800
BG, FRAME, INK, GREY = (232, 232, 232), (150, 150, 150), (90, 90, 90), (140, 140, 140)
OUT = Path(__file__).resolve().parent


def centred(draw, y, text, font, fill):
    left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
    draw.text(((W - (right - left)) / 2 - left, y - top), text, font=font, fill=fill)


def make(n):
    img = Image.new("RGB", (W, H), BG)
    d = ImageDraw.Draw(img)
    d.rectangle([24, 24, W - 25, H - 25], outline=FRAME, width=3)
    big = ImageFont.truetype(FONT, 150, index=FACE_SC)
    small = ImageFont.truetype(FONT, 46, index=FACE_SC)
    label = ImageFont.truetype(FONT, 30, index=FACE_SC)
    centred(d, 250, "图片暂缺", big, INK)
    centred(d, 470, "原图未随稿保存 · 此为占位图", small, INK)
    centred(d, 690, f"stand-in · fig-{n}", label, GREY)
    img.save(OUT / f"fig-{n}.jpg", "JPEG", quality=85, optimize=True, progressive=False)


if __name__ == "__main__":
    for n in range(1, 5):
        make(n)
        print(OUT / f"fig-{n}.jpg")
