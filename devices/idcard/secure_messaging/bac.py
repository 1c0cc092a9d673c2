"""Basic Access Control (ICAO 9303-11 §4.3): keys from the MRZ, mutual authentication, session keys."""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from devices.idcard.apdu import CommandApdu, ResponseApdu, StatusWord
from devices.idcard.secure_messaging.primitives import (
    KDF_ENCRYPTION,
    KDF_MAC,
    TDES_SUITE,
    kdf,
    pad,
    retail_mac,
    tdes_decrypt,
    tdes_encrypt,
)
from devices.idcard.secure_messaging.sm import SecureChannel
from devices.idcard.types import CardError, CardFault

#: Sends a plain command to the chip and returns its response.
Transmit = Callable[[CommandApdu], ResponseApdu]
#: ``randbytes(n)``: n random bytes (injectable so that tests replay the worked examples).
RandomBytes = Callable[[int], bytes]

GET_CHALLENGE = CommandApdu(0x00, 0x84, 0x00, 0x00, le=8)


@dataclass(frozen=True)
class BacKeys:
    k_enc: bytes
    k_mac: bytes


def key_seed(mrz_information: str) -> bytes:
    """Kseed: the first 16 bytes of SHA-1 over the MRZ information."""
    return hashlib.sha1(mrz_information.encode("ascii")).digest()[:16]


def document_keys(mrz_information: str) -> BacKeys:
    seed = key_seed(mrz_information)
    return BacKeys(kdf(seed, KDF_ENCRYPTION, TDES_SUITE), kdf(seed, KDF_MAC, TDES_SUITE))


def session_channel(k_ifd: bytes, k_ic: bytes, rnd_ic: bytes, rnd_ifd: bytes) -> SecureChannel:
    """The session keys from K.IFD ⊕ K.IC, and the counter from the two challenges' low halves."""
    seed = bytes(a ^ b for a, b in zip(k_ifd, k_ic, strict=True))
    ssc = int.from_bytes(rnd_ic[4:] + rnd_ifd[4:], "big")
    return SecureChannel(
        TDES_SUITE, kdf(seed, KDF_ENCRYPTION, TDES_SUITE), kdf(seed, KDF_MAC, TDES_SUITE), ssc
    )


def seal(keys: BacKeys, plain: bytes) -> bytes:
    """E(K.enc, plain) ‖ MAC(K.mac, E(...)): the 40 bytes each side sends."""
    cryptogram = tdes_encrypt(keys.k_enc, plain)
    return cryptogram + retail_mac(keys.k_mac, pad(cryptogram, 8))


def open_sealed(keys: BacKeys, sealed: bytes) -> bytes:
    """The plain 32 bytes of a sealed message; ValueError when its MAC is wrong."""
    if len(sealed) != 40:
        raise ValueError("a BAC cryptogram is 40 bytes")
    cryptogram, mac = sealed[:32], sealed[32:]
    if not hmac.compare_digest(retail_mac(keys.k_mac, pad(cryptogram, 8)), mac):
        raise ValueError("wrong MAC")
    return tdes_decrypt(keys.k_enc, cryptogram)


def external_authenticate(sealed: bytes) -> CommandApdu:
    return CommandApdu(0x00, 0x82, 0x00, 0x00, sealed, le=40)


def establish(transmit: Transmit, mrz_information: str, randbytes: RandomBytes) -> SecureChannel:
    """Runs BAC with the chip and returns the opened session; CardError when the MRZ is wrong."""
    keys = document_keys(mrz_information)
    challenge = transmit(GET_CHALLENGE)
    if not challenge.ok or len(challenge.data) != 8:
        raise CardError(CardFault.UNREADABLE, f"GET CHALLENGE answered {challenge.sw:04X}")
    rnd_ic = challenge.data
    rnd_ifd = randbytes(8)
    k_ifd = randbytes(16)
    answer = transmit(external_authenticate(seal(keys, rnd_ifd + rnd_ic + k_ifd)))
    if answer.sw in (StatusWord.AUTHENTICATION_FAILED, StatusWord.SECURITY_STATUS_NOT_SATISFIED):
        raise CardError(CardFault.WRONG_KEY, "BAC: the MRZ data does not open the chip")
    if not answer.ok:
        raise CardError(CardFault.UNREADABLE, f"EXTERNAL AUTHENTICATE answered {answer.sw:04X}")
    try:
        plain = open_sealed(keys, answer.data)
    except ValueError as error:
        raise CardError(CardFault.UNREADABLE, "BAC: the chip's answer does not verify") from error
    if plain[:8] != rnd_ic or plain[8:16] != rnd_ifd:
        raise CardError(CardFault.UNREADABLE, "BAC: the chip's answer does not match the challenge")
    return session_channel(k_ifd, plain[16:32], rnd_ic, rnd_ifd)
