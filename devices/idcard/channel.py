"""One read's conversation with the chip: counts APDUs, applies secure messaging once it is open."""

from __future__ import annotations

import logging

from devices.idcard.apdu import CommandApdu, ResponseApdu
from devices.idcard.secure_messaging.sm import SecureChannel, SecureMessagingError
from devices.idcard.transport import ApduTransport
from devices.idcard.types import CardError, CardFault

logger = logging.getLogger(__name__)


class CardChannel:
    """Sends commands through a transport, protected when a session is open. Logs status words
    and sizes at debug level, never a payload."""

    def __init__(self, transport: ApduTransport, extended_length: bool = False) -> None:
        self._transport = transport
        self.secure: SecureChannel | None = None
        self.extended_length = extended_length
        self.apdus = 0

    def send(self, command: CommandApdu) -> ResponseApdu:
        secure = self.secure
        wire = secure.protect(command) if secure is not None else command
        raw = self._transport.transmit(wire.encode())
        self.apdus += 1
        try:
            response = ResponseApdu.parse(raw)
        except ValueError as error:
            raise CardError(CardFault.UNREADABLE, "the chip's answer is too short") from error
        if secure is not None:
            try:
                response = secure.unprotect(response)
            except SecureMessagingError as error:
                raise CardError(CardFault.UNREADABLE, f"secure messaging: {error}") from error
        logger.debug("INS %02X → %04X (%d bytes)", command.ins, response.sw, len(response.data))
        return response
