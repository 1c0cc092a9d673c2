"""A card reader for the plain journey's tests: a card and its CAN, or a fault, chosen by the test.

The protocol itself (PACE, BAC, secure messaging) is tested in tests/idcard/ against the chip
simulator; this fake only stands for "a read that gives this document, or fails so".
"""

from __future__ import annotations

import datetime as dt

from devices.idcard import AccessKey, Can, CardError, CardFault, IdentityDocument, ReadReport

ANNE_MARTIN = IdentityDocument(
    document_code="ID",
    issuing_state="FRA",
    document_number="X4RTBPFW4",
    surname="MARTIN",
    given_names="ANNE<MARIE",
    nationality="FRA",
    birth_date=dt.date(1980, 5, 3),
    sex="F",
    expiry_date=dt.date(2031, 3, 1),
    photo=None,
)


class FakeCardReader:
    """Gives ``document`` for the right ``can``; ``fault`` (when set) fails every read."""

    def __init__(self, document: IdentityDocument = ANNE_MARTIN, can: str = "123456") -> None:
        self.document = document
        self.can = can
        self.usable = True
        self.fault: CardFault | None = None
        self.tries_left = 3
        self.reads = 0

    def is_usable(self) -> bool:
        return self.usable

    def readers(self) -> list[str]:
        return ["Fake reader"] if self.usable else []

    def wait_for_card(self, timeout: float) -> bool:
        return self.fault is not CardFault.NO_CARD

    def read(self, key: AccessKey, with_photo: bool = True) -> tuple[IdentityDocument, ReadReport]:
        self.reads += 1
        if self.fault is not None:
            raise CardError(self.fault)
        if not isinstance(key, Can) or key.digits != self.can:
            self.tries_left -= 1
            raise CardError(CardFault.WRONG_KEY, tries_left=self.tries_left)
        return self.document, ReadReport("fake", apdus=0, seconds=0.0, passive_authentication=None)
