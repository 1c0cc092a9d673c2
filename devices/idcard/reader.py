"""``EmrtdReader``: the CardReader that reads an eMRTD chip over any APDU transport.

PACE first (the CAN, or the MRZ data), BAC when the chip has no EF.CardAccess; then EF.COM, DG1,
DG2 when asked, EF.SOD and passive authentication. Every failure becomes a ``CardError`` with its
``CardFault``. Logs say which protocol ran, how many APDUs and seconds it took and which fault
ended a read: never a name, number, date, CAN, MRZ or APDU payload.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

from devices.idcard import lds, mrz
from devices.idcard.apdu import StatusWord
from devices.idcard.channel import CardChannel
from devices.idcard.passive_auth import CscaStore, verify
from devices.idcard.secure_messaging import bac, card_access, pace
from devices.idcard.transport import ApduTransport, announces_extended_length
from devices.idcard.types import (
    AccessKey,
    Can,
    CardError,
    CardFault,
    IdentityDocument,
    MrzKey,
    PassiveAuthentication,
    ReadReport,
)

logger = logging.getLogger(__name__)

#: What a chip without PACE answers when asked for EF.CardAccess.
CARD_ACCESS_ABSENT = frozenset(
    {
        StatusWord.FILE_NOT_FOUND,
        StatusWord.SECURITY_STATUS_NOT_SATISFIED,
        StatusWord.INSTRUCTION_NOT_SUPPORTED,
        StatusWord.CLASS_NOT_SUPPORTED,
        0x6A86,
    }
)
#: How often ``wait_for_card`` looks for a card when the transport cannot wait by itself.
POLL_SECONDS = 0.05

RandomBytes = Callable[[int], bytes]


def load_csca(csca: CscaStore | str | Path | None) -> CscaStore | None:
    if csca is None or isinstance(csca, CscaStore):
        return csca
    return CscaStore.load(csca)


class EmrtdReader:
    """Reads identity documents through ``transport``.

    Threads: ``wait_for_card`` and ``read`` block for up to seconds (call them off the UI
    thread); reads are serialized by a lock. ``randbytes`` is injectable so that tests replay
    the ICAO worked examples byte for byte. ``extended_length`` forces extended-length reads on
    (True) or off (False); None trusts what the card's ATR says.
    """

    def __init__(
        self,
        transport: ApduTransport,
        csca: CscaStore | str | Path | None = None,
        *,
        extended_length: bool | None = None,
        randbytes: RandomBytes = secrets.token_bytes,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.transport = transport
        self.csca = load_csca(csca)
        self.extended_length = extended_length
        self._randbytes = randbytes
        self._clock = clock
        self._lock = threading.Lock()

    # -- CardReader -----------------------------------------------------------------------------

    def is_usable(self) -> bool:
        return self.transport.is_usable()

    def readers(self) -> list[str]:
        return [self.transport.name] if self.transport.is_usable() else []

    def wait_for_card(self, timeout: float) -> bool:
        deadline = self._clock() + timeout
        while True:
            if self.transport.card_present():
                return True
            if self._clock() >= deadline:
                return False
            time.sleep(POLL_SECONDS)

    def read(self, key: AccessKey, with_photo: bool = True) -> tuple[IdentityDocument, ReadReport]:
        with self._lock:
            started = self._clock()
            channel: CardChannel | None = None
            try:
                atr = self.transport.connect()
                extended = self.extended_length
                if extended is None:
                    extended = bool(announces_extended_length(atr))
                channel = CardChannel(self.transport, extended)
                document, protocol, authentication = self._read(channel, key, with_photo)
            except CardError as error:
                logger.info(
                    "card read failed: %s after %d APDUs", error.fault.value, channel.apdus if channel else 0
                )
                raise
            except Exception as error:  # a fault of this library or of a driver: still a CardError
                # Where, not what: an exception's message may quote the data it choked on.
                where = traceback.extract_tb(error.__traceback__)[-1]
                logger.error(
                    "card read failed unexpectedly: %s at %s:%s",
                    type(error).__name__,
                    Path(where.filename).name,
                    where.lineno,
                )
                raise CardError(CardFault.UNREADABLE, type(error).__name__) from error
            finally:
                self._disconnect()
            report = ReadReport(protocol, channel.apdus, self._clock() - started, authentication)
            logger.info(
                "card read: %s, %d APDUs, %.2f s, passive authentication %s",
                protocol,
                report.apdus,
                report.seconds,
                "passed" if authentication.passed else "not passed",
            )
            return document, report

    # -- the steps ------------------------------------------------------------------------------

    def _disconnect(self) -> None:
        try:
            self.transport.disconnect()
        except CardError:
            pass  # the card or reader is already gone: nothing left to close

    def _read(
        self, channel: CardChannel, key: AccessKey, with_photo: bool
    ) -> tuple[IdentityDocument, str, PassiveAuthentication]:
        protocol = self._open(channel, key)
        files = lds.FileReader(channel)
        try:
            com = files.read(lds.EF_COM)
            groups_listed = lds.parse_com(com) if com is not None else frozenset({1, 2})
            dg1 = files.read(lds.data_group(1))
            if dg1 is None:
                raise CardError(CardFault.UNREADABLE, "the chip has no DG1")
            document = lds.parse_dg1(dg1)
            groups = {1: dg1}
            photo = None
            if with_photo and 2 in groups_listed:
                dg2 = files.read(lds.data_group(2))
                if dg2 is not None:
                    groups[2] = dg2
                    photo = lds.parse_dg2(dg2)
            sod_file = files.read(lds.EF_SOD)
            if sod_file is None:
                raise CardError(CardFault.TAMPERED, "the chip has no EF.SOD")
            sod = lds.parse_sod(sod_file)
        except ValueError as error:
            # Parsers name the file and the fault, never the data.
            raise CardError(CardFault.UNREADABLE, str(error)) from error
        authentication = verify(sod, groups, self.csca)
        if not authentication.hashes_match or not authentication.signature_valid:
            raise CardError(CardFault.TAMPERED, authentication.detail)
        return replace(document, photo=photo), protocol, authentication

    def _open(self, channel: CardChannel, key: AccessKey) -> str:
        """Opens secure messaging (PACE, else BAC) and selects the eMRTD application."""
        infos = self._card_access(channel)
        chosen = card_access.choose(infos)
        if chosen is not None:
            password = (
                pace.Password.can(key.digits)
                if isinstance(key, Can)
                else pace.Password.mrz(mrz.mrz_information(key))
            )
            result = pace.establish(channel.send, password, chosen, self._randbytes, name_parameters=True)
            channel.secure = result.channel
            lds.select_application(channel)
            return chosen.label
        if isinstance(key, Can):
            detail = "unsupported PACE parameters" if infos else "no PACE: this document needs its MRZ"
            raise CardError(CardFault.UNKNOWN_DOCUMENT, detail)
        assert isinstance(key, MrzKey)
        lds.select_application(channel)
        channel.secure = bac.establish(channel.send, mrz.mrz_information(key), self._randbytes)
        return "BAC"

    @staticmethod
    def _card_access(channel: CardChannel) -> list[card_access.PaceInfo]:
        """EF.CardAccess's PACE parameter sets; [] when the chip has none (a BAC-only chip)."""
        # A chip without PACE may say "not found", "access denied" or "unknown instruction".
        content = lds.FileReader(channel).read(lds.EF_CARD_ACCESS, absent=CARD_ACCESS_ABSENT)
        if content is None:
            return []
        try:
            return card_access.parse(content)
        except ValueError as error:
            raise CardError(CardFault.UNREADABLE, str(error)) from error
