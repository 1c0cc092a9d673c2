"""What the reader needs from a way to reach a card (PC/SC, the simulator), and what an ATR says."""

from __future__ import annotations

from typing import Protocol


class ApduTransport(Protocol):
    """Moves APDU bytes to one card slot and back. Blocking; one caller at a time.

    Failures are raised as ``CardError``: ``NO_CARD`` (nothing to connect to), ``CARD_REMOVED``
    (the card left during an exchange), ``READER_MISSING`` (the reader or its service is gone).
    """

    @property
    def name(self) -> str:
        """The reader's name, for IT staff."""
        ...

    def is_usable(self) -> bool:
        """The reader is there and answers (returns at once)."""
        ...

    def card_present(self) -> bool:
        """A card is on the reader now (returns at once)."""
        ...

    def connect(self) -> bytes:
        """Powers the card and returns its ATR (for contactless cards, the one the reader builds)."""
        ...

    def transmit(self, apdu: bytes) -> bytes:
        """Sends one command APDU and returns the response APDU (data and status word)."""
        ...

    def disconnect(self) -> None:
        """Ends the exchange and resets the card, so no opened session outlives the read."""
        ...


def historical_bytes(atr: bytes) -> bytes:
    """The historical bytes of an ATR (ISO/IEC 7816-3 §8.2); b'' when the ATR is malformed."""
    if len(atr) < 2:
        return b""
    count = atr[1] & 0x0F
    indicator = atr[1] >> 4
    offset = 2
    while True:
        offset += bin(indicator & 0x0F).count("1")
        if not indicator & 0x08:  # no TDi: the interface bytes end here
            break
        if offset - 1 >= len(atr):
            return b""
        indicator = atr[offset - 1] >> 4
    if offset + count > len(atr):
        return b""
    return bytes(atr[offset : offset + count])


def announces_extended_length(atr: bytes) -> bool | None:
    """What the ATR's card capabilities (compact-TLV tag 7, third byte, bit 7) say about extended
    Lc/Le fields; None when the ATR does not say."""
    history = historical_bytes(atr)
    if not history or history[0] != 0x80:
        return None
    offset = 1
    while offset < len(history):
        tag, length = history[offset] >> 4, history[offset] & 0x0F
        value = history[offset + 1 : offset + 1 + length]
        if tag == 0x7 and len(value) == 3:
            return bool(value[2] & 0x40)
        offset += 1 + length
    return None


def contactless_atr(historical: bytes) -> bytes:
    """The ATR a PC/SC reader builds for a contactless card (PC/SC part 3 §3.1.3.2.3)."""
    body = bytes([0x80 | len(historical), 0x80, 0x01]) + historical
    check = 0
    for byte in body:
        check ^= byte
    return b"\x3b" + body + bytes([check])
