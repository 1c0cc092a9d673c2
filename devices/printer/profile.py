"""What a printer model can do, from python-escpos's capability database: width, QR, cutter, code page."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from escpos.capabilities import get_profile

from devices.printer.codepage import CodePage, choose_code_page

#: The paper widths the kiosk prints on, in millimetres.
PAPER_WIDTHS = (58, 80)
#: The python-escpos profile used for each paper width when the configuration names none:
#: an Epson TM-T88V for 80 mm (42 columns, 512 dots, native QR, cutter) and the generic
#: "POS-58" (POS-5890: 32 columns, 384 dots, no native QR, no cutter) for 58 mm.
DEFAULT_PROFILES = {80: "TM-T88V", 58: "POS-5890"}
#: Printable dots when a profile does not say: the narrowest common printer of each width.
DEFAULT_DOTS = {80: 512, 58: 384}


@dataclass(frozen=True)
class PrinterProfile:
    """The facts layout needs about one printer model."""

    #: python-escpos's profile name ("TM-T88V"), as given to its printer classes.
    name: str
    paper_mm: int
    #: Characters per line in font A (32 on 58 mm; 42 or 48 on 80 mm, by model).
    columns: int
    #: Printable width in dots: images (QR codes, right-to-left text) are made this wide at most.
    dots: int
    #: The printer draws QR codes itself (GS ( k); otherwise they are sent as images.
    native_qr: bool
    #: The printer has a cutter (GS V); otherwise the receipt is fed past the tear bar.
    cutter: bool
    code_page: CodePage


@cache
def printer_profile(
    paper_mm: int = 80, profile: str | None = None, columns: int | None = None
) -> PrinterProfile:
    """The profile of the printer: python-escpos's ``profile`` by name, or the default one for
    ``paper_mm``; ``columns`` overrides the model's font A width (a printer set to 42 columns).

    Raises ValueError (a plain message) for an unknown width or profile name.
    """
    if paper_mm not in PAPER_WIDTHS:
        raise ValueError(f"paper width {paper_mm} mm is not supported (expected 58 or 80)")
    name = profile or DEFAULT_PROFILES[paper_mm]
    try:
        escpos_profile = get_profile(name)
    except KeyError:
        raise ValueError(f"unknown printer profile {name!r} (a python-escpos profile name)") from None
    data = escpos_profile.profile_data
    width_dots = data.get("media", {}).get("width", {}).get("pixels")
    dots = width_dots if isinstance(width_dots, int) else DEFAULT_DOTS[paper_mm]
    font_a_columns = escpos_profile.get_columns(0)
    if columns is not None and not 16 <= columns <= 64:
        raise ValueError(f"columns {columns} is out of range (16 to 64)")
    return PrinterProfile(
        name=name,
        paper_mm=paper_mm,
        columns=columns or font_a_columns,
        dots=dots,
        native_qr=bool(escpos_profile.supports("qrCode")),
        cutter=bool(escpos_profile.supports("paperFullCut") or escpos_profile.supports("paperPartCut")),
        code_page=choose_code_page(escpos_profile.get_code_pages()),
    )
