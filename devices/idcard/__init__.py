"""Identity documents (ICAO 9303): the reader's interface and types, its drivers and simulators."""

from devices.idcard.types import (
    AccessKey,
    Can,
    CardError,
    CardFault,
    CardReader,
    IdentityDocument,
    MrzKey,
    PassiveAuthentication,
    ReadReport,
)

__all__ = [
    "AccessKey",
    "Can",
    "CardError",
    "CardFault",
    "CardReader",
    "IdentityDocument",
    "MrzKey",
    "PassiveAuthentication",
    "ReadReport",
]
