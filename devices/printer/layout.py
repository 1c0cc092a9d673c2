"""The receipt as ESC/POS, through python-escpos: all formatting lives here; transports only move bytes.

What a receipt is made of, in order: ESC @ (reset); ESC t n (the code page, chosen once, see
codepage.py); the French lines, wrapped to the paper's columns; the part in the citizen's
language (as text, or as an image for a right-to-left script); the online service's QR code
and its caption; the checklist's QR code and its caption; the footer; a feed and a cut.

Text goes out through ``Escpos._raw`` already encoded for the chosen code page, never through
python-escpos's ``text()``, whose automatic code-page switching would choose for us.
"""

from __future__ import annotations

import unicodedata

import qrcode
from escpos.escpos import Escpos
from escpos.printer import Dummy
from PIL import Image
from qrcode.constants import ERROR_CORRECT_L, ERROR_CORRECT_M

from devices.printer.profile import DEFAULT_PROFILES, PrinterProfile, printer_profile
from devices.printer.qr import QUIET_ZONE, QrCode, checklist_code, url_code
from devices.printer.raster import text_image
from devices.printer.types import (
    LineStyle,
    ReceiptDocument,
    ReceiptLine,
    ReceiptPart,
    wrap_centred,
    wrap_line,
)

#: The profile of the receipt printer when none is given (80 mm, Epson TM-T88V).
PROFILE = DEFAULT_PROFILES[80]


def is_right_to_left(text: str) -> bool:
    """Whether ``text`` has letters of a right-to-left script (Arabic, Hebrew)."""
    return any(unicodedata.bidirectional(character) in ("R", "AL") for character in text)


class _Receipt:
    """Writes one document to one python-escpos printer object."""

    def __init__(self, printer: Escpos, profile: PrinterProfile, font: str | None) -> None:
        self.printer = printer
        self.profile = profile
        #: The font for text no code page has (the translation's own font), if any.
        self.font = font

    def text(self, text: str) -> None:
        self.printer._raw(self.profile.code_page.encode(text) + b"\n")

    def style(self, style: LineStyle) -> None:
        if style is LineStyle.TITLE:
            self.printer.set(align="center", bold=True, double_height=True, double_width=True)
        elif style is LineStyle.HEADING:
            self.printer.set(align="left", bold=True, normal_textsize=True)
        else:
            self.printer.set(align="left", bold=False, normal_textsize=True)

    def lines(self, lines: list[ReceiptLine]) -> None:
        for line in lines:
            self.style(line.style)
            for part in wrap_line(line, self.profile.columns):
                self.text(part)

    def centred(self, text: str) -> None:
        """A caption or footer line, centred; as an image when its script has no code page."""
        if not text:
            return
        self.printer.set(align="center", bold=False, normal_textsize=True)
        if is_right_to_left(text) and self.font:
            self.image(text_image([ReceiptLine(text)], self.font, self.profile.dots))
            return
        for part in wrap_centred(text, self.profile.columns):
            self.text(part)

    def image(self, image: Image.Image) -> None:
        """A raster image (GS v 0), as wide as the paper's printable dots at most."""
        self.printer.image(image, impl="bitImageRaster")

    def part(self, part: ReceiptPart) -> None:
        """The receipt in the citizen's language, after a rule: an image for a right-to-left
        script or any text the code page cannot hold (when the part names a font), else text."""
        self.printer.set(align="left", bold=False, normal_textsize=True)
        self.text("-" * self.profile.columns)
        as_image = part.right_to_left or (
            part.font is not None and not all(self.profile.code_page.covers(line.text) for line in part.lines)
        )
        if not as_image:
            self.lines(part.lines)
            return
        if part.font is None:
            raise ValueError(
                f"the {part.language!r} part is right to left: ReceiptPart.font must name a font"
            )
        self.image(text_image(part.lines, part.font, self.profile.dots, right_to_left=part.right_to_left))

    def qr(self, code: QrCode, caption: str) -> None:
        """A QR code, centred: the printer's own (GS ( k) where it has one, else an image."""
        self.printer.set(align="center", bold=False, normal_textsize=True)
        self.printer._raw(b"\n")
        size = code.module_dots(self.profile.dots)
        if self.profile.native_qr:
            self.printer.qr(code.payload, ec=code.escpos_level, size=size, native=True)
        else:
            self.image(qr_image(code, size, self.profile.dots))
        self.centred(caption)

    def finish(self) -> None:
        """Feed six lines (ESC d 6) and cut (GS V 0); a model without a cutter (its profile says
        so) only feeds, past its tear bar."""
        self.printer.set(align="left", bold=False, normal_textsize=True)
        self.printer.cut()


def qr_image(code: QrCode, module_dots: int, width: int) -> Image.Image:
    """``code`` drawn with ``module_dots``-dot modules, centred on a white image ``width`` dots wide."""
    maker = qrcode.QRCode(
        error_correction=ERROR_CORRECT_L if code.level == "L" else ERROR_CORRECT_M,
        box_size=module_dots,
        border=QUIET_ZONE,
    )
    maker.add_data(code.payload.encode("utf-8"))
    maker.make(fit=True)
    drawn = maker.make_image().get_image().convert("1")
    if drawn.width > width:
        raise ValueError(f"QR code of {drawn.width} dots does not fit {width} dots of paper")
    canvas = Image.new("1", (width, drawn.height), 1)
    canvas.paste(drawn, ((width - drawn.width) // 2, 0))
    return canvas


def render(document: ReceiptDocument, printer: Escpos, profile: PrinterProfile | None = None) -> None:
    """Write ``document`` to any python-escpos printer object (all formatting lives here).

    Raises ValueError for a document that cannot be printed as asked (a right-to-left part
    without a font, a URL too long for a readable QR code): nothing is sent then, when
    ``printer`` is a Dummy, as ``to_bytes`` uses.
    """
    profile = profile or printer_profile(80)
    translation = document.translation
    receipt = _Receipt(printer, profile, translation.font if translation else None)
    printer.hw("INIT")
    printer._raw(profile.code_page.select)
    receipt.lines(document.lines)
    if translation is not None:
        receipt.part(translation)
    if document.qr_url:
        receipt.qr(url_code(document.qr_url), document.qr_caption)
    if document.checklist:
        receipt.qr(checklist_code(document.checklist), document.checklist_caption)
    for text in document.footer:
        receipt.centred(text)
    receipt.finish()


def to_bytes(document: ReceiptDocument, profile: PrinterProfile | None = None) -> bytes:
    """The ESC/POS bytes of ``document`` for ``profile`` (80 mm TM-T88V by default), through
    python-escpos's Dummy printer: what every transport sends, byte for byte."""
    profile = profile or printer_profile(80)
    dummy = Dummy(profile=profile.name)
    render(document, dummy, profile)
    return dummy.output
