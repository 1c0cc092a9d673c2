"""The in-process transport: a simulated card on a simulated reader, no pcscd involved."""

from __future__ import annotations

import threading
import time

from devices.idcard.simulator.chip import CardGone, SimulatedCard
from devices.idcard.types import CardError, CardFault

#: The simulated reader's name.
SIMULATED_READER_NAME = "Lecteur simulé"


class InProcessTransport:
    """An ApduTransport whose card is a ``SimulatedCard`` in this process.

    ``insert``/``remove`` may be called from any thread (a test, the demo's controls) while a read
    runs on another; ``latency`` adds seconds per APDU, like a contactless link.
    """

    def __init__(self, name: str = SIMULATED_READER_NAME, latency: float = 0.0) -> None:
        self._name = name
        self.latency = latency
        self._card: SimulatedCard | None = None
        self._changed = threading.Condition()

    @property
    def name(self) -> str:
        return self._name

    @property
    def card(self) -> SimulatedCard | None:
        return self._card

    def insert(self, card: SimulatedCard) -> None:
        with self._changed:
            card.enter()
            self._card = card
            self._changed.notify_all()

    def remove(self) -> None:
        with self._changed:
            if self._card is not None:
                self._card.leave()
            self._card = None
            self._changed.notify_all()

    def is_usable(self) -> bool:
        return True

    def card_present(self) -> bool:
        card = self._card
        return card is not None and card.present

    def wait_for_card(self, timeout: float) -> bool:
        with self._changed:
            return self._changed.wait_for(self.card_present, timeout)

    def connect(self) -> bytes:
        card = self._card
        if card is None or not card.present:
            raise CardError(CardFault.NO_CARD, "no card on the simulated reader")
        card.power_on()
        return card.atr

    def transmit(self, apdu: bytes) -> bytes:
        card = self._card
        if card is None:
            raise CardError(CardFault.CARD_REMOVED, "the card left the simulated reader")
        if self.latency:
            time.sleep(self.latency)
        try:
            return card.process(apdu)
        except CardGone:
            with self._changed:
                if self._card is card:
                    self._card = None
                self._changed.notify_all()
            raise CardError(CardFault.CARD_REMOVED, "the card left the simulated reader") from None

    def disconnect(self) -> None:
        card = self._card
        if card is not None:
            card.power_off()
