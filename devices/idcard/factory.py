"""``create_reader``: the card reader the configuration names ("simulated", "pcsc" or "none")."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from devices.idcard.types import AccessKey, CardError, CardFault, CardReader, IdentityDocument, ReadReport

READER_KINDS = ("simulated", "pcsc", "none")
_OPTIONS = {
    "simulated": {"card", "latency", "csca"},
    "pcsc": {"reader", "csca", "extended_length"},
    "none": set(),
}
SIMULATED_CARDS = ("cnie", "passport", "none")


class NoCardReader:
    """The reader of a kiosk without one: never usable, never sees a card."""

    def is_usable(self) -> bool:
        return False

    def readers(self) -> list[str]:
        return []

    def wait_for_card(self, timeout: float) -> bool:
        return False

    def read(self, key: AccessKey, with_photo: bool = True) -> tuple[IdentityDocument, ReadReport]:
        raise CardError(CardFault.READER_MISSING, "this kiosk has no card reader")


def create_reader(kind: str, **options: Any) -> CardReader:
    """The reader of ``kind``; ValueError for an unknown kind or option.

    * ``"simulated"``: the real protocol code over an in-process simulated chip. By default the
      demo card is on the reader: a French identity card (CNIe) of a fictitious person, Camille
      EXEMPLE, born 12 April 1990, opened with the CAN 123456. Options: ``card`` ("cnie",
      "passport": a BAC-only passport of the fictitious Dominique SPECIMEN, opened with the MRZ
      data "24FD91834,851103,330227"; or "none": an empty reader), ``latency`` (seconds added
      per APDU), ``csca`` (a CSCA file or directory; by default the simulation's own CSCA).
    * ``"pcsc"``: a contactless reader through pcscd (pyscard). Options: ``reader`` (a reader's
      name or part of it; by default the first contactless reader), ``csca`` (a CSCA certificate
      file, directory or master list for passive authentication), ``extended_length`` (True or
      False to override what the card's ATR says).
    * ``"none"``: a reader that is never usable (the kiosk offers to type the data instead).
    """
    if kind not in READER_KINDS:
        raise ValueError(f"unknown card reader type {kind!r}: choose one of {', '.join(READER_KINDS)}")
    unknown = set(options) - _OPTIONS[kind]
    if unknown:
        allowed = ", ".join(sorted(_OPTIONS[kind])) or "none"
        raise ValueError(
            f"unknown option(s) {', '.join(sorted(unknown))} for a {kind} reader (allowed: {allowed})"
        )
    csca = options.get("csca")
    if csca is not None and not Path(csca).exists():
        raise ValueError(f"CSCA path {csca} does not exist")
    if kind == "simulated":
        from devices.idcard.simulator import SimulatedCard, SimulatedCardReader

        card = options.get("card", "cnie")
        if card not in SIMULATED_CARDS:
            raise ValueError(f"unknown simulated card {card!r}: choose one of {', '.join(SIMULATED_CARDS)}")
        reader = SimulatedCardReader(csca=csca, latency=float(options.get("latency", 0.0)))
        if card == "cnie":
            reader.insert_card()
        elif card == "passport":
            reader.insert_card(SimulatedCard.passport())
        return reader
    if kind == "pcsc":
        from devices.idcard.pcsc import PcscCardReader

        return PcscCardReader(options.get("reader"), csca, extended_length=options.get("extended_length"))
    return NoCardReader()
