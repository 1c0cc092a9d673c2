"""The receipt printer's interface and plain types: what to print, its status, and how printing fails."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

#: Characters per line on an 80 mm receipt printer in font A (the default profile's width).
LINE_WIDTH = 42


class LineStyle(Enum):
    TITLE = "title"  #: large and bold
    HEADING = "heading"  #: bold
    TEXT = "text"
    CHECKED = "checked"  #: a document the citizen has, printed with "[x]"
    MISSING = "missing"  #: a document still to find, printed with "[ ]"


@dataclass(frozen=True)
class ReceiptLine:
    """One line of a receipt; the printer wraps long lines."""

    text: str
    style: LineStyle = LineStyle.TEXT


@dataclass(frozen=True)
class ReceiptPart:
    """The receipt again in the citizen's language, printed after the French one (for the office)."""

    language: str
    lines: list[ReceiptLine]
    #: Written right to left (Arabic): no code page has it, so it is printed as an image.
    right_to_left: bool = False
    #: The font that draws this language (a path), for the image of a right-to-left part.
    font: str | None = None


@dataclass(frozen=True)
class ReceiptDocument:
    """A receipt: lines of text, then an optional QR code with its caption."""

    lines: list[ReceiptLine]
    qr_url: str | None = None
    qr_caption: str = ""
    footer: list[str] = field(default_factory=list)
    #: The same receipt in the citizen's language, when it is not French.
    translation: ReceiptPart | None = None
    #: The steps and documents as plain text for a second QR code a phone reads offline
    #: (no server, no personal data); "" for none. Longer than ``qr.CHECKLIST_MAX_BYTES`` in
    #: UTF-8, it is shortened at a line boundary (see ``devices.printer.qr.fit_checklist``).
    checklist: str = ""
    checklist_caption: str = ""


class PaperState(Enum):
    OK = "ok"
    NEAR_END = "near_end"  #: the near-end sensor sees the end of the roll coming: still prints
    OUT = "out"
    UNKNOWN = "unknown"  #: the transport cannot read the printer's answer back


class PrinterFault(Enum):
    PAPER_OUT = "paper_out"
    OFFLINE = "offline"  #: unreachable, switched off, or in error
    COVER_OPEN = "cover_open"


@dataclass(frozen=True)
class PrinterStatus:
    """What the printer says of itself (DLE EOT); None where it could not be read."""

    online: bool | None
    cover_open: bool | None
    paper: PaperState
    #: Where the printer is, as in the configuration ("tcp://10.0.0.5:9100", "sim://").
    address: str
    #: A short code saying why a value is missing or false ("connection_refused",
    #: "permission_denied", "no_answer", "driver_missing", ...); "" when all is read.
    detail: str = ""

    @property
    def fault(self) -> PrinterFault | None:
        """What stops it printing now, if anything (unknown is not a fault).

        The most precise cause wins: a printer whose cover is open or whose paper ran out also
        reports itself offline (DLE EOT 1, bit 3), and the person who fixes it needs the cause.
        """
        if self.cover_open:
            return PrinterFault.COVER_OPEN
        if self.paper is PaperState.OUT:
            return PrinterFault.PAPER_OUT
        if self.online is False:
            return PrinterFault.OFFLINE
        return None


class PrinterError(Exception):
    """Printing failed; ``fault`` says why, so the kiosk can tell the citizen in plain words.

    ``during``: the fault came while the receipt was being printed, so what came out may be
    incomplete (the kiosk offers to print again); otherwise nothing was printed.
    ``detail`` is a short code or the transport's own message, for logs and the fleet.
    """

    def __init__(self, fault: PrinterFault, detail: str = "", during: bool = False) -> None:
        super().__init__(f"{fault.value}: {detail}" if detail else fault.value)
        self.fault = fault
        self.detail = detail
        self.during = during


class ReceiptPrinter(Protocol):
    """A receipt printer. ``status`` and ``print_receipt`` may block (a network printer): call
    them off the UI thread."""

    def is_usable(self) -> bool: ...

    def status(self) -> PrinterStatus: ...

    def print_receipt(self, document: ReceiptDocument) -> None: ...


#: How a document line is marked on paper, where there is no colour.
MARKS = {LineStyle.CHECKED: "[x] ", LineStyle.MISSING: "[ ] "}
#: Wrapped lines of a marked or plain line start under its text, not under its mark.
CONTINUATION_INDENT = "    "


def wrap_line(line: ReceiptLine, columns: int) -> list[str]:
    """``line`` as it is printed on paper ``columns`` characters wide (font A).

    A title is printed double width, so it wraps at half the columns; other lines wrap with
    their continuation indented. An empty line stays one empty line.
    """
    text = MARKS.get(line.style, "") + line.text
    if line.style is LineStyle.TITLE:
        return textwrap.wrap(text, max(columns // 2, 1)) or [""]
    return textwrap.wrap(text, columns, subsequent_indent=CONTINUATION_INDENT) or [""]


def wrap_centred(text: str, columns: int) -> list[str]:
    """A centred line (caption, footer) wrapped to ``columns``; the printer centres each part."""
    return textwrap.wrap(text, columns) or [""]


def receipt_text(document: ReceiptDocument, width: int = LINE_WIDTH, with_translation: bool = False) -> str:
    """The receipt as plain text, wrapped to the paper's ``width`` in characters, as it will look
    on paper (a QR code is shown as "[QR code]").

    ``with_translation`` adds the part in the citizen's language (in logical order: a
    right-to-left part is printed as an image, which plain text cannot show).
    """
    out: list[str] = []

    def add(lines: list[ReceiptLine]) -> None:
        for line in lines:
            parts = wrap_line(line, width)
            if line.style is LineStyle.TITLE:
                parts = [part.center(width) for part in parts]
            out.extend(parts)

    add(document.lines)
    if with_translation and document.translation is not None:
        out += ["", "-" * width]
        add(document.translation.lines)
    for code, caption in (
        (document.qr_url, document.qr_caption),
        (document.checklist, document.checklist_caption),
    ):
        if code:
            out += ["", "[QR code]".center(width)]
            out += [part.center(width) for part in wrap_centred(caption, width)] if caption else []
    out += [part.center(width) for text in document.footer for part in wrap_centred(text, width)]
    return "\n".join(out)
