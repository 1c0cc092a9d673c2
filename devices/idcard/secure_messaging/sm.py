"""Secure messaging (ICAO 9303-11 §9.8): wrapping commands and unwrapping responses, 3DES or AES.

Both ends of the channel are here: the terminal's ``protect``/``unprotect`` and the chip's
``unprotect_command``/``protect_response`` (the simulator's chip uses the latter). The send
sequence counter is incremented before every MAC, command and response alike.
"""

from __future__ import annotations

import hmac

from devices.idcard import tlv
from devices.idcard.apdu import EXTENDED_MAX_LE, SHORT_MAX_LC, SHORT_MAX_LE, CommandApdu, ResponseApdu
from devices.idcard.secure_messaging.primitives import (
    CipherKind,
    CipherSuite,
    aes_cmac,
    aes_ecb_block,
    decrypt,
    encrypt,
    pad,
    retail_mac,
    unpad,
)

#: The secure-messaging data objects.
DO_CRYPTOGRAM_ODD = 0x85  #: encrypted data of an odd-INS command (BER-TLV data, no padding byte)
DO_CRYPTOGRAM = 0x87  #: padding-content indicator 01, then the encrypted data
DO_LE = 0x97
DO_STATUS = 0x99
DO_MAC = 0x8E
#: Masked CLA bits that say "secure messaging, header authenticated".
SM_CLA_BITS = 0x0C


class SecureMessagingError(ValueError):
    """A protected message does not verify or decode (wrong MAC, bad padding, missing object)."""


class SecureChannel:
    """Keys and send sequence counter of an opened session. Not thread-safe: one read at a time."""

    def __init__(self, suite: CipherSuite, ks_enc: bytes, ks_mac: bytes, ssc: int = 0) -> None:
        self.suite = suite
        self._ks_enc = ks_enc
        self._ks_mac = ks_mac
        self.ssc = ssc

    # -- the shared arithmetic --------------------------------------------------------------

    def _ssc_bytes(self) -> bytes:
        return self.ssc.to_bytes(self.suite.block_size, "big")

    def _next(self) -> bytes:
        self.ssc = (self.ssc + 1) % (1 << (8 * self.suite.block_size))
        return self._ssc_bytes()

    def _iv(self, ssc: bytes) -> bytes:
        if self.suite.kind is CipherKind.TDES:
            return bytes(8)
        return aes_ecb_block(self._ks_enc, ssc)

    def _mac(self, data: bytes) -> bytes:
        padded = pad(data, self.suite.block_size)
        if self.suite.kind is CipherKind.TDES:
            return retail_mac(self._ks_mac, padded)
        return aes_cmac(self._ks_mac, padded)

    def _encrypt(self, ssc: bytes, data: bytes) -> bytes:
        return encrypt(self.suite, self._ks_enc, pad(data, self.suite.block_size), self._iv(ssc))

    def _decrypt(self, ssc: bytes, cryptogram: bytes) -> bytes:
        try:
            return unpad(decrypt(self.suite, self._ks_enc, cryptogram, self._iv(ssc)))
        except ValueError as error:
            raise SecureMessagingError("the cryptogram does not decrypt") from error

    def _cryptogram_object(self, ssc: bytes, ins: int, data: bytes) -> bytes:
        if not data:
            return b""
        if ins & 1:
            return tlv.encode(DO_CRYPTOGRAM_ODD, self._encrypt(ssc, data))
        return tlv.encode(DO_CRYPTOGRAM, b"\x01" + self._encrypt(ssc, data))

    def _read_cryptogram(self, ssc: bytes, objects: dict[int, bytes]) -> bytes:
        if DO_CRYPTOGRAM in objects:
            value = objects[DO_CRYPTOGRAM]
            if not value or value[0] != 0x01:
                raise SecureMessagingError("unknown padding-content indicator")
            return self._decrypt(ssc, value[1:])
        if DO_CRYPTOGRAM_ODD in objects:
            return self._decrypt(ssc, objects[DO_CRYPTOGRAM_ODD])
        return b""

    @staticmethod
    def _objects(data: bytes) -> tuple[dict[int, bytes], bytes]:
        """The data objects by tag, and the bytes the MAC covers (all objects before DO8E)."""
        objects: dict[int, bytes] = {}
        offset = 0
        covered_end = None
        try:
            while offset < len(data):
                start = offset
                item, offset = tlv.read(data, offset)
                if item.tag in objects:
                    raise SecureMessagingError("a data object appears twice")
                objects[item.tag] = item.value
                if item.tag == DO_MAC:
                    covered_end = start
        except ValueError as error:
            raise SecureMessagingError("malformed secure-messaging data") from error
        if covered_end is None:
            raise SecureMessagingError("no MAC")
        return objects, data[:covered_end]

    def _check_mac(self, expected_input: bytes, mac: bytes) -> None:
        if not hmac.compare_digest(self._mac(expected_input), mac):
            raise SecureMessagingError("wrong MAC")

    # -- the terminal's side ----------------------------------------------------------------

    def protect(self, command: CommandApdu) -> CommandApdu:
        """The protected form of a plain command (advances the counter)."""
        ssc = self._next()
        cla = command.cla | SM_CLA_BITS
        header = bytes([cla, command.ins, command.p1, command.p2])
        objects = self._cryptogram_object(ssc, command.ins, command.data)
        if command.le is not None:
            le_value = command.le % (EXTENDED_MAX_LE if command.extended else SHORT_MAX_LE)
            width = 2 if command.extended else 1
            objects += tlv.encode(DO_LE, le_value.to_bytes(width, "big"))
        mac = self._mac(ssc + pad(header, self.suite.block_size) + objects)
        body = objects + tlv.encode(DO_MAC, mac)
        extended = command.extended or len(body) > SHORT_MAX_LC
        return CommandApdu(
            cla,
            command.ins,
            command.p1,
            command.p2,
            body,
            EXTENDED_MAX_LE if extended else SHORT_MAX_LE,
            force_extended=extended,
        )

    def unprotect(self, response: ResponseApdu) -> ResponseApdu:
        """The plain response (advances the counter); SecureMessagingError if it does not verify.

        A chip that refuses a protected command outright answers with a bare status word and no
        MAC (6987, 6988): that comes back as it is, and the session is over.
        """
        ssc = self._next()
        if not response.data:
            return response
        objects, covered = self._objects(response.data)
        self._check_mac(ssc + covered, objects[DO_MAC])
        status = objects.get(DO_STATUS)
        if status is None or len(status) != 2:
            raise SecureMessagingError("no protected status word")
        return ResponseApdu(self._read_cryptogram(ssc, objects), int.from_bytes(status, "big"))

    # -- the chip's side --------------------------------------------------------------------

    def unprotect_command(self, command: CommandApdu) -> CommandApdu:
        """The plain command a terminal protected (advances the counter)."""
        ssc = self._next()
        if command.cla & SM_CLA_BITS != SM_CLA_BITS:
            raise SecureMessagingError("not a protected command")
        objects, covered = self._objects(command.data)
        header = pad(command.header, self.suite.block_size)
        self._check_mac(ssc + header + covered, objects[DO_MAC])
        le: int | None = None
        if DO_LE in objects:
            raw = objects[DO_LE]
            if len(raw) not in (1, 2):
                raise SecureMessagingError("bad Le object")
            le = int.from_bytes(raw, "big") or (SHORT_MAX_LE if len(raw) == 1 else EXTENDED_MAX_LE)
        data = self._read_cryptogram(ssc, objects)
        return CommandApdu(
            command.cla & ~SM_CLA_BITS & 0xFF,
            command.ins,
            command.p1,
            command.p2,
            data,
            le,
            force_extended=command.extended and (le or 0) > SHORT_MAX_LE,
        )

    def protect_response(self, response: ResponseApdu, ins: int = 0) -> ResponseApdu:
        """The protected form of the chip's plain response (advances the counter)."""
        ssc = self._next()
        objects = self._cryptogram_object(ssc, ins, response.data)
        objects += tlv.encode(DO_STATUS, response.sw.to_bytes(2, "big"))
        mac = self._mac(ssc + objects)
        return ResponseApdu(objects + tlv.encode(DO_MAC, mac), response.sw)
