"""The receipt printer's interface and plain types: what to print, and how printing fails."""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol

#: Characters per line on an 80 mm receipt printer in font A.
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
class ReceiptDocument:
    """A receipt: lines of text, then an optional QR code with its caption."""

    lines: list[ReceiptLine]
    qr_url: str | None = None
    qr_caption: str = ""
    footer: list[str] = field(default_factory=list)


class PrinterFault(Enum):
    PAPER_OUT = "paper_out"
    OFFLINE = "offline"
    COVER_OPEN = "cover_open"


class PrinterError(Exception):
    """Printing failed; ``fault`` says why, so the kiosk can tell the citizen in plain words."""

    def __init__(self, fault: PrinterFault, detail: str = "") -> None:
        super().__init__(f"{fault.value}: {detail}" if detail else fault.value)
        self.fault = fault


class ReceiptPrinter(Protocol):
    """A receipt printer. ``print_receipt`` blocks until the bytes are sent; call it off the UI thread."""

    def is_usable(self) -> bool: ...

    def status(self) -> str: ...

    def print_receipt(self, document: ReceiptDocument) -> None: ...


#: How a document line is marked on paper, where there is no colour.
MARKS = {LineStyle.CHECKED: "[x] ", LineStyle.MISSING: "[ ] "}


def receipt_text(document: ReceiptDocument) -> str:
    """The receipt as plain text, wrapped to the paper's width, as it will look on paper."""
    out: list[str] = []
    for line in document.lines:
        text = MARKS.get(line.style, "") + line.text
        if line.style is LineStyle.TITLE:
            out.extend(part.center(LINE_WIDTH) for part in textwrap.wrap(text, LINE_WIDTH))
        else:
            out.extend(textwrap.wrap(text, LINE_WIDTH, subsequent_indent="    ") or [""])
    if document.qr_url:
        out += ["", "[QR code]".center(LINE_WIDTH), document.qr_caption.center(LINE_WIDTH)]
    out += [part.center(LINE_WIDTH) for text in document.footer for part in textwrap.wrap(text, LINE_WIDTH)]
    return "\n".join(out)
