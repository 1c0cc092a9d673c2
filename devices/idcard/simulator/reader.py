"""``SimulatedCardReader``: the real reader code over an in-process simulated chip, for the demo and tests."""

from __future__ import annotations

import secrets
from collections import deque
from collections.abc import Callable
from pathlib import Path

from devices.idcard.passive_auth import CscaStore
from devices.idcard.reader import EmrtdReader
from devices.idcard.simulator.chip import SimulatedCard, SimulatedFault
from devices.idcard.simulator.pki import simulated_pki
from devices.idcard.simulator.transport import SIMULATED_READER_NAME, InProcessTransport
from devices.idcard.types import AccessKey, IdentityDocument, ReadReport

#: Reports the reader remembers (no personal data in them).
REMEMBERED_READS = 20


class SimulatedCardReader(EmrtdReader):
    """A CardReader whose card is simulated in this process: PACE, BAC, secure messaging and
    passive authentication all run for real, without pcscd.

    Injection (from any thread): ``insert_card(card=None)`` puts a card on the reader (by default
    the demo CNIe of the fictitious Camille EXEMPLE, CAN 123456; the same chip each time, so its
    try counter persists), ``remove_card()`` takes it off, ``set_fault(fault, after_apdus=12)``
    injects a ``SimulatedFault`` (or its value: "removed_mid_read", "tampered_dg1",
    "unknown_csca", "blocked", "not_an_emrtd"; None clears it) into the card now on the reader
    and every card inserted after. ``reports`` records the last reads' ReadReports.

    Passive authentication trusts the simulation's throw-away CSCA unless ``csca`` says otherwise.
    """

    def __init__(
        self,
        card: SimulatedCard | None = None,
        *,
        csca: CscaStore | str | Path | None = None,
        latency: float = 0.0,
        randbytes: Callable[[int], bytes] = secrets.token_bytes,
        extended_length: bool | None = None,
    ) -> None:
        self._simulated = InProcessTransport(SIMULATED_READER_NAME, latency)
        trusted = csca if csca is not None else CscaStore([simulated_pki().csca.certificate])
        super().__init__(self._simulated, trusted, extended_length=extended_length, randbytes=randbytes)
        self._demo_card: SimulatedCard | None = None
        self._fault: SimulatedFault | None = None
        self._fault_after = 12
        self.reports: deque[ReadReport] = deque(maxlen=REMEMBERED_READS)
        if card is not None:
            self.insert_card(card)

    @property
    def card(self) -> SimulatedCard | None:
        """The card on the reader now."""
        return self._simulated.card

    def demo_card(self) -> SimulatedCard:
        if self._demo_card is None:
            self._demo_card = SimulatedCard.cnie()
        return self._demo_card

    def insert_card(self, card: SimulatedCard | None = None) -> SimulatedCard:
        """Puts ``card`` (by default the demo CNIe) on the reader and returns it."""
        card = card or self.demo_card()
        if self._fault is not None or card.fault is not None:
            card.apply_fault(self._fault, self._fault_after)
        self._simulated.insert(card)
        return card

    def remove_card(self) -> None:
        self._simulated.remove()

    def set_fault(self, fault: SimulatedFault | str | None, after_apdus: int = 12) -> None:
        """Injects ``fault`` now and into every card inserted later; None clears it."""
        self._fault = SimulatedFault(fault) if isinstance(fault, str) else fault
        self._fault_after = after_apdus
        card = self._simulated.card
        if card is not None:
            card.apply_fault(self._fault, after_apdus)

    def wait_for_card(self, timeout: float) -> bool:
        return self._simulated.wait_for_card(timeout)

    def read(self, key: AccessKey, with_photo: bool = True) -> tuple[IdentityDocument, ReadReport]:
        document, report = super().read(key, with_photo)
        self.reports.append(report)
        return document, report
