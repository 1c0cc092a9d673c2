"""The card reader's interface and plain types: what a read gives, how it fails (no pyscard here)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import Enum
from typing import Protocol


@dataclass(frozen=True)
class Can:
    """The 6-digit card access number printed on the front of the French identity card (CNIe)."""

    digits: str

    def __post_init__(self) -> None:
        if len(self.digits) != 6 or not self.digits.isdigit():
            raise ValueError("a CAN is 6 digits")

    def __repr__(self) -> str:
        return "Can(******)"  # never in a log or a traceback


@dataclass(frozen=True)
class MrzKey:
    """The MRZ information that opens BAC or PACE: document number, birth and expiry dates."""

    document_number: str
    birth_date: dt.date
    expiry_date: dt.date

    def __repr__(self) -> str:
        return "MrzKey(***)"  # never in a log or a traceback


#: What opens the chip: the CAN the citizen types, or the MRZ data.
AccessKey = Can | MrzKey


@dataclass(frozen=True)
class IdentityDocument:
    """What was read from DG1 (or from the MRZ of a card without a chip). Memory only: never
    logged, written or sent; the session's end drops it."""

    #: The MRZ's document code: "ID" (identity card), "P" (passport), "IR" (residence permit)...
    document_code: str
    issuing_state: str
    document_number: str
    surname: str
    given_names: str
    nationality: str
    birth_date: dt.date | None
    #: "F", "M" or "X" (unspecified).
    sex: str
    expiry_date: dt.date | None
    #: DG2's face image (JPEG or JPEG 2000 bytes), only to show the citizen it is their card.
    photo: bytes | None = field(default=None, repr=False)

    def __repr__(self) -> str:
        return f"IdentityDocument({self.document_code}, ***)"  # never in a log or a traceback


@dataclass(frozen=True)
class PassiveAuthentication:
    """Whether the data read is the data the issuing state signed (ICAO 9303 part 11)."""

    #: Every data group read has the hash that EF.SOD lists.
    hashes_match: bool
    #: EF.SOD's signature verifies with its document signer certificate.
    signature_valid: bool
    #: The document signer chains to a trusted CSCA; None when no CSCA list was given.
    csca_trusted: bool | None
    detail: str = ""

    @property
    def passed(self) -> bool:
        return self.hashes_match and self.signature_valid and self.csca_trusted is not False


@dataclass(frozen=True)
class ReadReport:
    """How a read went, for IT staff: no personal data."""

    #: "PACE ECDH-GM AES-128 brainpoolP256r1", "BAC", or "MRZ only".
    protocol: str
    apdus: int
    seconds: float
    passive_authentication: PassiveAuthentication | None


class CardFault(Enum):
    WRONG_KEY = "wrong_key"  #: the CAN (or MRZ data) does not open the chip
    BLOCKED = "blocked"  #: too many wrong tries: the chip refuses the CAN
    CARD_REMOVED = "card_removed"  #: the card left the reader during the read
    NO_CARD = "no_card"  #: no card came within the time given
    UNREADABLE = "unreadable"  #: the chip answers, but not as an eMRTD should
    UNKNOWN_DOCUMENT = "unknown_document"
    TAMPERED = "tampered"  #: passive authentication failed: the data is not what was signed
    READER_MISSING = "reader_missing"


class CardError(Exception):
    """A read failed; ``fault`` says why, so the kiosk can tell the citizen in plain words."""

    def __init__(self, fault: CardFault, detail: str = "", tries_left: int | None = None) -> None:
        super().__init__(f"{fault.value}: {detail}" if detail else fault.value)
        self.fault = fault
        #: After a wrong CAN: how many more tries the chip allows, when it says so.
        self.tries_left = tries_left


class CardReader(Protocol):
    """A contactless identity-document reader.

    Threads: ``wait_for_card`` and ``read`` block (up to seconds): call them off the UI thread.
    ``is_usable`` and ``readers`` return at once.
    """

    def is_usable(self) -> bool:
        """The reader (and for PC/SC, pcscd) is there and answers."""
        ...

    def readers(self) -> list[str]:
        """The names of the readers seen."""
        ...

    def wait_for_card(self, timeout: float) -> bool:
        """Block until a card is on the reader (True) or ``timeout`` seconds passed (False)."""
        ...

    def read(self, key: AccessKey, with_photo: bool = True) -> tuple[IdentityDocument, ReadReport]:
        """Open the chip with ``key`` (PACE, else BAC), read DG1 (and DG2), check EF.SOD.

        Raises CardError with the fault; never returns partial data.
        """
        ...
