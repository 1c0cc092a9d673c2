"""Command and response APDUs (ISO/IEC 7816-3/-4), short and extended length, and their status words."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

#: Largest data field of a short command, and largest Le of a short and of an extended one.
SHORT_MAX_LC = 255
SHORT_MAX_LE = 256
EXTENDED_MAX_LC = 65535
EXTENDED_MAX_LE = 65536


class StatusWord(IntEnum):
    """The status words this library acts on."""

    SUCCESS = 0x9000
    END_OF_FILE = 0x6282  #: fewer bytes than asked: the end of the file came first
    AUTHENTICATION_FAILED = 0x6300
    WRONG_LENGTH = 0x6700
    SECURITY_STATUS_NOT_SATISFIED = 0x6982
    AUTHENTICATION_BLOCKED = 0x6983  #: the password (CAN, PIN) is blocked
    REFERENCE_DATA_UNUSABLE = 0x6984
    CONDITIONS_NOT_SATISFIED = 0x6985
    SM_DATA_MISSING = 0x6987
    SM_DATA_INCORRECT = 0x6988
    WRONG_DATA = 0x6A80
    FILE_NOT_FOUND = 0x6A82
    REFERENCE_NOT_FOUND = 0x6A88
    WRONG_PARAMETERS = 0x6B00  #: for READ BINARY: the offset is past the end of the file
    INSTRUCTION_NOT_SUPPORTED = 0x6D00
    CLASS_NOT_SUPPORTED = 0x6E00
    NO_PRECISE_DIAGNOSIS = 0x6F00


def tries_left(status: int) -> int | None:
    """The counter of a 63Cx warning ("x more tries"), else None."""
    if status & 0xFFF0 == 0x63C0:
        return status & 0x0F
    return None


def _le_bytes(le: int, extended: bool, with_lc: bool) -> bytes:
    if extended:
        encoded = (le % EXTENDED_MAX_LE).to_bytes(2, "big")
        return encoded if with_lc else b"\x00" + encoded
    return bytes([le % SHORT_MAX_LE])


@dataclass(frozen=True)
class CommandApdu:
    """A command: header, optional data, optional Le (1–65536; 256 and 65536 encode as zeros)."""

    cla: int
    ins: int
    p1: int
    p2: int
    data: bytes = b""
    le: int | None = None
    #: Force the extended form even when the short one would do.
    force_extended: bool = False

    def __post_init__(self) -> None:
        for name in ("cla", "ins", "p1", "p2"):
            if not 0 <= getattr(self, name) <= 0xFF:
                raise ValueError(f"{name} is one byte")
        if len(self.data) > EXTENDED_MAX_LC:
            raise ValueError("command data too long")
        if self.le is not None and not 1 <= self.le <= EXTENDED_MAX_LE:
            raise ValueError("Le is 1 to 65536")

    @property
    def extended(self) -> bool:
        return (
            self.force_extended
            or len(self.data) > SHORT_MAX_LC
            or (self.le is not None and self.le > SHORT_MAX_LE)
        )

    @property
    def header(self) -> bytes:
        return bytes([self.cla, self.ins, self.p1, self.p2])

    def encode(self) -> bytes:
        out = bytearray(self.header)
        extended = self.extended
        if self.data:
            out += len(self.data).to_bytes(3, "big") if extended else bytes([len(self.data)])
            out += self.data
        if self.le is not None:
            out += _le_bytes(self.le, extended, with_lc=bool(self.data))
        return bytes(out)

    @classmethod
    def parse(cls, raw: bytes) -> CommandApdu:
        """The command in ``raw``; ValueError if its length fields do not add up."""
        if len(raw) < 4:
            raise ValueError("a command has at least 4 bytes")
        cla, ins, p1, p2 = raw[:4]
        body = raw[4:]
        if not body:
            return cls(cla, ins, p1, p2)
        if len(body) == 1:
            return cls(cla, ins, p1, p2, le=body[0] or SHORT_MAX_LE)
        if body[0] != 0:
            lc = body[0]
            if len(body) == 1 + lc:
                return cls(cla, ins, p1, p2, bytes(body[1:]))
            if len(body) == 2 + lc:
                return cls(cla, ins, p1, p2, bytes(body[1:-1]), body[-1] or SHORT_MAX_LE)
            raise ValueError("short command: Lc does not match the data")
        # Extended: 00 then two bytes.
        if len(body) == 3:
            return cls(
                cla, ins, p1, p2, le=int.from_bytes(body[1:3], "big") or EXTENDED_MAX_LE, force_extended=True
            )
        if len(body) < 3:
            raise ValueError("truncated extended length")
        lc = int.from_bytes(body[1:3], "big")
        if lc == 0:
            raise ValueError("extended command with an empty Lc")
        if len(body) == 3 + lc:
            return cls(cla, ins, p1, p2, bytes(body[3:]), force_extended=True)
        if len(body) == 5 + lc:
            le = int.from_bytes(body[-2:], "big") or EXTENDED_MAX_LE
            return cls(cla, ins, p1, p2, bytes(body[3:-2]), le, force_extended=True)
        raise ValueError("extended command: Lc does not match the data")


@dataclass(frozen=True)
class ResponseApdu:
    """A response: data and the two status bytes."""

    data: bytes
    sw: int

    @property
    def ok(self) -> bool:
        return self.sw == StatusWord.SUCCESS

    def encode(self) -> bytes:
        return self.data + self.sw.to_bytes(2, "big")

    @classmethod
    def parse(cls, raw: bytes) -> ResponseApdu:
        if len(raw) < 2:
            raise ValueError("a response has at least its 2 status bytes")
        return cls(bytes(raw[:-2]), int.from_bytes(raw[-2:], "big"))

    @classmethod
    def status(cls, sw: int) -> ResponseApdu:
        return cls(b"", sw)
