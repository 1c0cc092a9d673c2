"""The receipt's QR codes: how much a code may hold, and how big its modules are printed.

A phone reads a printed QR code reliably when its modules are at least about 0.35 mm (3 dots
at 203 dpi) and the code is not denser than version ~20. That bounds what the checklist code
may hold: ``CHECKLIST_MAX_BYTES`` of UTF-8 at error-correction level L is a version 17 code
(85 modules), printed with 4-dot modules on 58 mm paper and 5-dot ones on 80 mm. The citizen
photographs it at the kiosk, so level L (7 % recovery) is enough; the online service's URL is
short and gets level M (15 %), as it may be scanned later from a crumpled receipt.
"""

from __future__ import annotations

import qrcode
from escpos.constants import QR_ECLEVEL_L, QR_ECLEVEL_M
from qrcode.constants import ERROR_CORRECT_L, ERROR_CORRECT_M

#: The most the checklist code holds, in bytes of UTF-8 (about 600 French characters, about 300
#: Arabic ones). A longer checklist is shortened at a line boundary (``fit_checklist``).
CHECKLIST_MAX_BYTES = 600
#: The most the URL code holds, in bytes: a longer URL is refused (it cannot be shortened).
URL_MAX_BYTES = 300
#: Marks a checklist that was shortened (the rest is on the paper receipt).
SHORTENED_MARK = "…"
#: Module size bounds in dots: below 3 a phone struggles; above 8 the code only wastes paper.
MIN_MODULE_DOTS, MAX_MODULE_DOTS = 3, 8
#: The quiet zone around a code, in modules (the printer and our image both leave it).
QUIET_ZONE = 4


class QrCode:
    """One code to print: its payload and error-correction level (python-escpos and qrcode forms)."""

    def __init__(self, payload: str, level: str) -> None:
        self.payload = payload
        self.level = level

    @property
    def escpos_level(self) -> int:
        return QR_ECLEVEL_L if self.level == "L" else QR_ECLEVEL_M

    @property
    def modules(self) -> int:
        """Modules per side, without the quiet zone (the version the data needs)."""
        code = qrcode.QRCode(error_correction=ERROR_CORRECT_L if self.level == "L" else ERROR_CORRECT_M)
        code.add_data(self.payload.encode("utf-8"))
        code.make(fit=True)
        return int(code.version) * 4 + 17

    def module_dots(self, paper_dots: int) -> int:
        """The module size, in dots, that fits the code and its quiet zone on ``paper_dots``."""
        fits = paper_dots // (self.modules + 2 * QUIET_ZONE)
        return max(MIN_MODULE_DOTS, min(MAX_MODULE_DOTS, fits))


def url_code(url: str) -> QrCode:
    """The online service's code. Raises ValueError for a URL over ``URL_MAX_BYTES``."""
    if len(url.encode("utf-8")) > URL_MAX_BYTES:
        raise ValueError(
            f"QR URL is {len(url.encode('utf-8'))} bytes; at most {URL_MAX_BYTES} print readably"
        )
    return QrCode(url, "M")


def checklist_code(checklist: str) -> QrCode:
    """The checklist's code, shortened to ``CHECKLIST_MAX_BYTES`` if need be."""
    return QrCode(fit_checklist(checklist), "L")


def fit_checklist(text: str, limit: int = CHECKLIST_MAX_BYTES) -> str:
    """``text`` if it fits in ``limit`` bytes of UTF-8; else its first whole lines that fit, then a
    line with "…" (the first line cut at a character boundary if even it does not fit)."""
    if len(text.encode("utf-8")) <= limit:
        return text
    room = limit - len(("\n" + SHORTENED_MARK).encode("utf-8"))
    kept: list[str] = []
    used = 0
    for line in text.split("\n"):
        cost = len(line.encode("utf-8")) + (1 if kept else 0)
        if used + cost > room:
            break
        kept.append(line)
        used += cost
    if not kept:
        first = text.split("\n", 1)[0].encode("utf-8")[:room]
        kept = [first.decode("utf-8", errors="ignore")]
    return "\n".join(kept + [SHORTENED_MARK])
