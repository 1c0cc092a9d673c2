"""Text as a 1-bit image the printer's width: for a right-to-left part (Arabic) no code page has.

Arabic letters change shape with their neighbours and the line reads right to left; the
printer knows neither. Each wrapped line is shaped with ``arabic_reshaper`` (presentation
forms), put in visual order with python-bidi's ``get_display`` (its pure-Python algorithm,
which also mirrors brackets, rule L4), drawn with Pillow's basic layout (so Pillow does not
shape or reorder it a second time) and aligned to the right margin. A document's mark
("[x]", "[ ]") stands at the right end of its first line, where a right-to-left line starts.
"""

from __future__ import annotations

from functools import cache

import arabic_reshaper
from bidi.algorithm import get_display
from PIL import Image, ImageDraw, ImageFont

from devices.printer.types import MARKS, LineStyle, ReceiptLine

#: Text height in dots for each style: about font A's 24 dots for text, double for the title.
FONT_SIZES = {LineStyle.TITLE: 44, LineStyle.HEADING: 28}
TEXT_SIZE = 26
#: Blank dots kept at each side, so no glyph touches the paper's edge.
MARGIN = 8
#: From one line's top to the next, and from a line's top to its baseline, in em (text sizes).
LINE_PITCH, BASELINE = 1.5, 0.85


@cache
def _font(path: str, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(path, size, layout_engine=ImageFont.Layout.BASIC)


def visual(text: str, right_to_left: bool = True) -> str:
    """``text`` (logical order) as it is drawn left to right: shaped and reordered when RTL."""
    if not right_to_left:
        return text
    return str(get_display(arabic_reshaper.reshape(text), base_dir="R"))


def _wrap(text: str, font: ImageFont.FreeTypeFont, width: int, right_to_left: bool) -> list[str]:
    """Greedy word wrap measured in dots on the shaped text."""
    lines: list[str] = []
    current: list[str] = []
    for word in text.split():
        candidate = " ".join([*current, word])
        if current and font.getlength(visual(candidate, right_to_left)) > width:
            lines.append(" ".join(current))
            current = [word]
        else:
            current.append(word)
    if current:
        lines.append(" ".join(current))
    return lines or [""]


def text_image(
    lines: list[ReceiptLine], font_path: str, width: int, right_to_left: bool = True
) -> Image.Image:
    """``lines`` drawn in ``font_path`` on a white 1-bit image ``width`` dots wide; right-aligned
    when ``right_to_left`` (left-aligned otherwise). A heading is drawn bold, a title larger."""
    rows: list[tuple[str, ImageFont.FreeTypeFont, bool]] = []
    for line in lines:
        size = FONT_SIZES.get(line.style, TEXT_SIZE)
        font = _font(font_path, size)
        bold = line.style in (LineStyle.TITLE, LineStyle.HEADING)
        mark = MARKS.get(line.style, "")
        if not right_to_left:
            parts = _wrap(mark + line.text, font, width - 2 * MARGIN, False)
        else:
            # The mark is symmetric and kept whole: drawn after (right of) the shaped text.
            room = width - 2 * MARGIN - int(font.getlength(mark))
            parts = [visual(part) for part in _wrap(line.text, font, room, True)]
            parts[0] = f"{parts[0]} {mark.strip()}" if mark else parts[0]
        rows += [(part, font, bold) for part in parts]
    # Arabic glyphs reach about 0.75 em above the baseline and 0.45 em below (the dots under
    # beh and yeh): one line every 1.5 em, each baseline 0.85 em below its line's top.
    pitches = [round(font.size * LINE_PITCH) for _, font, _ in rows]
    image = Image.new("L", (width, sum(pitches) + MARGIN), 255)
    draw = ImageDraw.Draw(image)
    top = MARGIN // 2
    for (text, font, bold), pitch in zip(rows, pitches, strict=True):
        length = font.getlength(text)
        x = round(width - MARGIN - length) if right_to_left else MARGIN
        # Only a bold line is stroked (Pillow's stroking path is slower and needs none otherwise).
        bold_stroke = {"stroke_width": 1, "stroke_fill": 0} if bold else {}
        draw.text((x, top + round(font.size * BASELINE)), text, font=font, fill=0, anchor="ls", **bold_stroke)
        top += pitch
    # Thermal dots are on or off: a threshold keeps glyph edges sharp where dithering would fray them.
    return image.point(lambda value: 255 if value > 140 else 0, mode="1")
