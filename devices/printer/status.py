"""The printer's real-time status (DLE EOT n): the commands, and what their answer bytes mean.

Each answer is one byte whose bits 1 and 4 are always 1 and bit 7 always 0 (``0b0xx1xx1x``);
a byte that does not look so is not an answer (a stray byte) and counts as unread.

- DLE EOT 1, printer status: bit 3 set = offline. A printer whose cover is open or whose paper
  ran out is offline too, so the offline cause is read as well.
- DLE EOT 2, offline cause: bit 2 = cover open; bit 5 = printing stopped at the paper's end;
  bit 6 = an error occurred.
- DLE EOT 4, paper roll sensor: bits 2-3 = near end; bits 5-6 = paper out.

python-escpos's ``is_online()`` and ``paper_status()`` read 1 and 4 as well, but take an empty
answer for "offline" and "paper OK": here no answer stays unknown (None).
"""

from __future__ import annotations

from escpos.constants import RT_STATUS

from devices.printer.types import PaperState, PrinterStatus

#: The DLE EOT requests, by what they ask.
PRINTER_STATUS = RT_STATUS + b"\x01"
OFFLINE_CAUSE = RT_STATUS + b"\x02"
PAPER_SENSOR = RT_STATUS + b"\x04"

#: Fixed bits of every answer: bits 1 and 4 set, bit 7 clear.
_FIXED_MASK, _FIXED_VALUE = 0x93, 0x12
OFFLINE_BIT = 0x08
COVER_OPEN_BIT = 0x04
STOPPED_AT_PAPER_END_BIT = 0x20
ERROR_BIT = 0x40
NEAR_END_BITS = 0x0C
PAPER_OUT_BITS = 0x60


def answer(value: int | None) -> int | None:
    """``value`` if it is a well-formed status byte, else None."""
    return value if value is not None and value & _FIXED_MASK == _FIXED_VALUE else None


def last_answer(reply: bytes) -> int | None:
    """The last well-formed status byte of ``reply`` (earlier ones are stale), or None."""
    for value in reversed(reply):
        if answer(value) is not None:
            return value
    return None


def paper_state(paper_sensor: int | None, offline_cause: int | None = None) -> PaperState:
    cause, sensor = answer(offline_cause), answer(paper_sensor)
    if cause is not None and cause & STOPPED_AT_PAPER_END_BIT:
        return PaperState.OUT
    if sensor is None:
        return PaperState.UNKNOWN
    if sensor & PAPER_OUT_BITS:
        return PaperState.OUT
    if sensor & NEAR_END_BITS:
        return PaperState.NEAR_END
    return PaperState.OK


def parse_status(
    printer: int | None, offline_cause: int | None, paper_sensor: int | None, address: str, detail: str = ""
) -> PrinterStatus:
    """The status from the answers to DLE EOT 1, 2 and 4 (None for a request not answered)."""
    state, cause = answer(printer), answer(offline_cause)
    online = None if state is None else not state & OFFLINE_BIT
    cover_open = None if cause is None else bool(cause & COVER_OPEN_BIT)
    if online is None and not detail:
        detail = "no_answer"
    return PrinterStatus(online, cover_open, paper_state(paper_sensor, offline_cause), address, detail)
