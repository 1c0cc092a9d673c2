"""PC/SC card readers through pyscard: the only module of the library that imports it.

pyscard is optional here: without it (or without a running pcscd), ``is_usable()`` is False and
the kiosk offers to type the data instead. ``PcscCardReader`` is the real driver the kiosk uses;
``PcscTransport`` moves APDUs for it. Reader unplugged or pcscd gone: CardFault.READER_MISSING.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from devices.idcard.passive_auth import CscaStore
from devices.idcard.reader import EmrtdReader
from devices.idcard.types import CardError, CardFault

try:  # pyscard needs libpcsclite at import time: any failure means "no PC/SC here"
    from smartcard import scard as _scard
except Exception:  # noqa: BLE001
    _scard = None

scard: Any = _scard
logger = logging.getLogger(__name__)

#: Words in a reader's name that say it reads contactless cards: preferred when several are plugged.
CONTACTLESS_HINTS = ("contactless", "picc", "nfc", " cl ")
#: Longest single wait inside ``wait_for_card``, so an unplugged reader is noticed.
WAIT_SLICE_SECONDS = 1.0
#: After a failed exchange, how long pcscd may take to notice the card left.
REMOVAL_GRACE_SECONDS = 1.0


def pyscard_available() -> bool:
    return scard is not None


def _reader_gone_codes() -> set[int]:
    return {
        scard.SCARD_E_NO_SERVICE,
        scard.SCARD_E_SERVICE_STOPPED,
        scard.SCARD_E_NO_READERS_AVAILABLE,
        scard.SCARD_E_UNKNOWN_READER,
        scard.SCARD_E_READER_UNAVAILABLE,
    }


def _card_gone_codes() -> set[int]:
    return {scard.SCARD_W_REMOVED_CARD, scard.SCARD_E_NO_SMARTCARD, scard.SCARD_W_UNPOWERED_CARD}


def _message(hresult: int) -> str:
    try:
        return str(scard.SCardGetErrorMessage(hresult)).strip()
    except Exception:  # noqa: BLE001
        return f"PC/SC error {hresult & 0xFFFFFFFF:08X}"


class _Context:
    """A PC/SC context, released on exit."""

    def __init__(self) -> None:
        if scard is None:
            raise CardError(CardFault.READER_MISSING, "pyscard is not installed")
        hresult, self.handle = scard.SCardEstablishContext(scard.SCARD_SCOPE_USER)
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardError(CardFault.READER_MISSING, f"pcscd: {_message(hresult)}")

    def readers(self) -> list[str]:
        hresult, names = scard.SCardListReaders(self.handle, [])
        if hresult in (scard.SCARD_E_NO_READERS_AVAILABLE,) or (
            hresult == scard.SCARD_S_SUCCESS and not names
        ):
            return []
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardError(CardFault.READER_MISSING, f"pcscd: {_message(hresult)}")
        return list(names)

    def release(self) -> None:
        try:
            scard.SCardReleaseContext(self.handle)
        except Exception:  # noqa: BLE001 (the service may already be gone)
            pass

    def __enter__(self) -> _Context:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()


def list_readers() -> list[str]:
    """The PC/SC readers pcscd sees; CardError(READER_MISSING) without pyscard or pcscd."""
    with _Context() as context:
        return context.readers()


def is_usable() -> bool:
    """pyscard is installed and pcscd answers (returns at once)."""
    try:
        list_readers()
    except CardError:
        return False
    return True


def choose_reader(names: list[str], wanted: str | None) -> str:
    """The reader named ``wanted`` (exactly, else the first whose name contains it), or the first
    contactless one, or the first; CardError(READER_MISSING) when there is none."""
    if wanted:
        for name in names:
            if name == wanted:
                return name
        for name in names:
            if wanted.lower() in name.lower():
                return name
        raise CardError(CardFault.READER_MISSING, f"reader {wanted!r} is not plugged in")
    if not names:
        raise CardError(CardFault.READER_MISSING, "no card reader is plugged in")
    for name in names:
        if any(hint in f" {name.lower()} " for hint in CONTACTLESS_HINTS):
            return name
    return names[0]


class PcscTransport:
    """An ApduTransport to one PC/SC reader (by default the first contactless one).

    Blocking, one caller at a time (``PcscCardReader`` serializes); ``is_usable`` and
    ``card_present`` use a context of their own, so they may be called from another thread.
    """

    def __init__(self, reader: str | None = None) -> None:
        self._wanted = reader
        self._reader: str | None = None
        self._context: _Context | None = None
        self._card: int | None = None
        self._protocol: int | None = None

    @property
    def name(self) -> str:
        return self._reader or self._wanted or "PC/SC"

    def _resolve(self, context: _Context) -> str:
        self._reader = choose_reader(context.readers(), self._wanted)
        return self._reader

    def is_usable(self) -> bool:
        try:
            with _Context() as context:
                self._resolve(context)
        except CardError:
            return False
        return True

    def _state(self, context: _Context, reader: str, timeout_ms: int, known: int) -> int:
        """The reader's state bits after waiting up to ``timeout_ms`` for a change from ``known``."""
        hresult, states = scard.SCardGetStatusChange(context.handle, timeout_ms, [(reader, known)])
        if hresult == scard.SCARD_E_TIMEOUT:
            return known
        if hresult in _reader_gone_codes():
            raise CardError(CardFault.READER_MISSING, f"{reader}: {_message(hresult)}")
        if hresult != scard.SCARD_S_SUCCESS:
            raise CardError(CardFault.READER_MISSING, f"{reader}: {_message(hresult)}")
        state = int(states[0][1])
        if state & (scard.SCARD_STATE_UNKNOWN | scard.SCARD_STATE_UNAVAILABLE):
            raise CardError(CardFault.READER_MISSING, f"{reader} was unplugged")
        return state & ~scard.SCARD_STATE_CHANGED

    def card_present(self) -> bool:
        try:
            with _Context() as context:
                reader = self._resolve(context)
                return bool(
                    self._state(context, reader, 0, scard.SCARD_STATE_UNAWARE) & scard.SCARD_STATE_PRESENT
                )
        except CardError:
            return False

    def wait_for_card(self, timeout: float) -> bool:
        """Blocks until a card is on the reader (True) or ``timeout`` passes (False);
        CardError(READER_MISSING) when the reader or pcscd goes away meanwhile."""
        deadline = time.monotonic() + timeout
        with _Context() as context:
            reader = self._resolve(context)
            state = self._state(context, reader, 0, scard.SCARD_STATE_UNAWARE)
            while not state & scard.SCARD_STATE_PRESENT:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                state = self._state(context, reader, int(min(left, WAIT_SLICE_SECONDS) * 1000), state)
            return True

    def connect(self) -> bytes:
        self.disconnect()
        context = self._context = _Context()
        reader = self._resolve(context)
        hresult, card, protocol = scard.SCardConnect(
            context.handle,
            reader,
            scard.SCARD_SHARE_EXCLUSIVE,
            scard.SCARD_PROTOCOL_T0 | scard.SCARD_PROTOCOL_T1,
        )
        if hresult != scard.SCARD_S_SUCCESS:
            self._release()
            if hresult in _card_gone_codes():
                raise CardError(CardFault.NO_CARD, f"{reader}: no card")
            if hresult in _reader_gone_codes():
                raise CardError(CardFault.READER_MISSING, f"{reader}: {_message(hresult)}")
            raise CardError(CardFault.UNREADABLE, f"{reader}: {_message(hresult)}")
        self._card, self._protocol = card, protocol
        hresult, _name, _state, _protocol, atr = scard.SCardStatus(card)
        if hresult != scard.SCARD_S_SUCCESS:
            raise self._failure(hresult)
        return bytes(atr)

    def transmit(self, apdu: bytes) -> bytes:
        if self._card is None:
            raise CardError(CardFault.CARD_REMOVED, "not connected to a card")
        hresult, response = scard.SCardTransmit(self._card, self._protocol, list(apdu))
        if hresult != scard.SCARD_S_SUCCESS:
            raise self._failure(hresult)
        if len(response) < 2:
            # Some drivers (vpcd) report a link that broke mid-exchange as an empty answer.
            raise self._failure(scard.SCARD_E_NOT_TRANSACTED)
        return bytes(response)

    def _failure(self, hresult: int) -> CardError:
        """What a failed exchange means: the card left, the reader left, or the card misbehaved."""
        reader = self.name
        if hresult in _reader_gone_codes():
            return CardError(CardFault.READER_MISSING, f"{reader}: {_message(hresult)}")
        if hresult in _card_gone_codes():
            return CardError(CardFault.CARD_REMOVED, f"{reader}: the card was removed")
        # A broken link (vpcd, a card leaving the field) shows first as a failed transmit:
        # pcscd notices the card is gone on its next poll.
        deadline = time.monotonic() + REMOVAL_GRACE_SECONDS
        try:
            with _Context() as context:
                state = self._state(context, reader, 0, scard.SCARD_STATE_UNAWARE)
                while state & scard.SCARD_STATE_PRESENT and time.monotonic() < deadline:
                    state = self._state(context, reader, 200, state)
                if not state & scard.SCARD_STATE_PRESENT:
                    return CardError(CardFault.CARD_REMOVED, f"{reader}: the card was removed")
        except CardError as error:
            return error
        return CardError(CardFault.UNREADABLE, f"{reader}: {_message(hresult)}")

    def _release(self) -> None:
        if self._context is not None:
            self._context.release()
            self._context = None

    def disconnect(self) -> None:
        card, self._card = self._card, None
        if card is not None:
            try:
                scard.SCardDisconnect(card, scard.SCARD_RESET_CARD)  # no session outlives the read
            except Exception:  # noqa: BLE001 (the reader may be gone already)
                pass
        self._release()


class PcscCardReader(EmrtdReader):
    """The real contactless reader, through pcscd.

    Threads: ``wait_for_card`` (PC/SC's own monitoring, SCardGetStatusChange) and ``read`` block
    for seconds: call them off the UI thread. ``is_usable`` and ``readers`` return at once.
    ``reader`` names the PC/SC reader to use (exactly or a part of its name); by default the first
    contactless one, else the first.
    """

    def __init__(
        self,
        reader: str | None = None,
        csca: CscaStore | str | Path | None = None,
        *,
        extended_length: bool | None = None,
        randbytes: Callable[[int], bytes] = secrets.token_bytes,
    ) -> None:
        self._pcsc = PcscTransport(reader)
        super().__init__(self._pcsc, csca, extended_length=extended_length, randbytes=randbytes)
        self._wait_lock = threading.Lock()

    def is_usable(self) -> bool:
        return pyscard_available() and self._pcsc.is_usable()

    def readers(self) -> list[str]:
        try:
            return list_readers()
        except CardError:
            return []

    def wait_for_card(self, timeout: float) -> bool:
        with self._wait_lock:
            return self._pcsc.wait_for_card(timeout)
