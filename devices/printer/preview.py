"""A picture of the receipt as the printer would print it (PNG), for the simulator and the docs.

It follows layout.py's order and wrapping, prints text as the code page would (a "œ" becomes
"oe"), and uses the very images layout.py sends: the QR codes and a right-to-left part.
Pillow's default font stands in for the printer's font A.
"""

from __future__ import annotations

import io
from importlib.resources import files

from PIL import Image, ImageDraw, ImageFont

from devices.printer.layout import is_right_to_left, qr_image
from devices.printer.profile import PrinterProfile
from devices.printer.qr import QrCode, checklist_code, url_code
from devices.printer.raster import text_image
from devices.printer.types import LineStyle, ReceiptDocument, ReceiptLine, wrap_centred, wrap_line

#: Dots between the paper's edge and the picture's, and between blocks.
PAPER_MARGIN = 12


def _latin_font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Noto Sans (a dependency of the kiosk, with every French letter and "€"); Pillow's own
    font when it is missing."""
    try:
        path = files("fontpkg_noto_sans") / "files" / "NotoSans[wdth,wght].ttf"
        return ImageFont.truetype(str(path), size, layout_engine=ImageFont.Layout.BASIC)
    except (ImportError, OSError):
        return ImageFont.load_default(size=size)


class _Picture:
    def __init__(self, profile: PrinterProfile, font_path: str | None) -> None:
        self.profile = profile
        self.font_path = font_path
        self.rows: list[Image.Image] = []
        cell = profile.dots / profile.columns
        self.font = _latin_font(round(cell * 1.7))
        self.title_font = _latin_font(round(cell * 3.2))

    def as_printed(self, text: str) -> str:
        code_page = self.profile.code_page
        return code_page.encode(text).decode(code_page.codec)

    def text(
        self, text: str, font: ImageFont.FreeTypeFont | ImageFont.ImageFont, centre: bool, bold: bool
    ) -> None:
        size = int(getattr(font, "size", 20))
        row = Image.new("L", (self.profile.dots, round(size * 1.45)), 255)
        draw = ImageDraw.Draw(row)
        text = self.as_printed(text)
        length = draw.textlength(text, font=font)
        x = (self.profile.dots - length) / 2 if centre else 0
        bold_stroke = {"stroke_width": 1, "stroke_fill": 0} if bold else {}
        draw.text((max(x, 0), round(size * 1.1)), text, font=font, fill=0, anchor="ls", **bold_stroke)
        self.rows.append(row)

    def lines(self, lines: list[ReceiptLine]) -> None:
        for line in lines:
            title = line.style is LineStyle.TITLE
            for part in wrap_line(line, self.profile.columns):
                bold = line.style in (LineStyle.TITLE, LineStyle.HEADING)
                self.text(part, self.title_font if title else self.font, centre=title, bold=bold)

    def centred(self, text: str) -> None:
        if not text:
            return
        if is_right_to_left(text) and self.font_path:
            self.rows.append(text_image([ReceiptLine(text)], self.font_path, self.profile.dots).convert("L"))
            return
        for part in wrap_centred(text, self.profile.columns):
            self.text(part, self.font, centre=True, bold=False)

    def qr(self, code: QrCode, caption: str) -> None:
        self.rows.append(Image.new("L", (self.profile.dots, PAPER_MARGIN), 255))
        image = qr_image(code, code.module_dots(self.profile.dots), self.profile.dots)
        self.rows.append(image.convert("L"))
        self.centred(caption)

    def image(self) -> Image.Image:
        height = sum(row.height for row in self.rows) + 2 * PAPER_MARGIN
        paper = Image.new("L", (self.profile.dots + 2 * PAPER_MARGIN, height), 255)
        y = PAPER_MARGIN
        for row in self.rows:
            paper.paste(row, (PAPER_MARGIN, y))
            y += row.height
        return paper


def preview_image(document: ReceiptDocument, profile: PrinterProfile) -> Image.Image:
    """The receipt as a greyscale picture, one pixel per printer dot."""
    translation = document.translation
    picture = _Picture(profile, translation.font if translation else None)
    picture.lines(document.lines)
    if translation is not None:
        picture.text("-" * profile.columns, picture.font, centre=False, bold=False)
        if translation.right_to_left and translation.font:
            picture.rows.append(
                text_image(translation.lines, translation.font, profile.dots, right_to_left=True).convert("L")
            )
        else:
            picture.lines(translation.lines)
    if document.qr_url:
        picture.qr(url_code(document.qr_url), document.qr_caption)
    if document.checklist:
        picture.qr(checklist_code(document.checklist), document.checklist_caption)
    for text in document.footer:
        picture.centred(text)
    return picture.image()


def preview_png(document: ReceiptDocument, profile: PrinterProfile) -> bytes:
    """The receipt as a PNG file's bytes."""
    out = io.BytesIO()
    preview_image(document, profile).save(out, format="PNG")
    return out.getvalue()
