"""The block ciphers, MACs, padding and key derivation of ICAO 9303 part 11 (3DES and AES)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import Enum

from cryptography.hazmat.decrepit.ciphers.algorithms import TripleDES
from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

#: The counters of the key derivation function (ICAO 9303-11 §9.7.1).
KDF_ENCRYPTION = 1
KDF_MAC = 2
KDF_PASSWORD = 3


class CipherKind(Enum):
    """The secure messaging cipher a protocol agreed on."""

    TDES = "3DES"
    AES = "AES"


@dataclass(frozen=True)
class CipherSuite:
    """A cipher and its key length: what the PACE OID (or BAC) names for secure messaging."""

    kind: CipherKind
    #: Key length in bytes: 16 for 3DES (two keys), 16, 24 or 32 for AES.
    key_length: int

    @property
    def block_size(self) -> int:
        return 8 if self.kind is CipherKind.TDES else 16

    @property
    def label(self) -> str:
        return "3DES" if self.kind is CipherKind.TDES else f"AES-{self.key_length * 8}"


TDES_SUITE = CipherSuite(CipherKind.TDES, 16)


def pad(data: bytes, block_size: int) -> bytes:
    """ISO/IEC 9797-1 padding method 2: 0x80 then zeros up to a whole block (always adds)."""
    padded = data + b"\x80"
    return padded + bytes(-len(padded) % block_size)


def unpad(data: bytes) -> bytes:
    """Removes padding method 2; ValueError when there is none."""
    stripped = data.rstrip(b"\x00")
    if not stripped or stripped[-1] != 0x80:
        raise ValueError("bad padding")
    return stripped[:-1]


def adjust_parity(key: bytes) -> bytes:
    """Sets each DES key byte's least significant bit so that the byte has odd parity."""
    out = bytearray()
    for byte in key:
        high = byte & 0xFE
        out.append(high | (bin(high).count("1") + 1) % 2)
    return bytes(out)


def _tdes_key(key: bytes) -> bytes:
    # Two-key 3DES (K1, K2, K1): cryptography wants the 24-byte form.
    if len(key) == 16:
        return key + key[:8]
    if len(key) == 8:
        return key * 3
    return key


def tdes_encrypt(key: bytes, data: bytes, iv: bytes = bytes(8)) -> bytes:
    encryptor = Cipher(TripleDES(_tdes_key(key)), modes.CBC(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def tdes_decrypt(key: bytes, data: bytes, iv: bytes = bytes(8)) -> bytes:
    decryptor = Cipher(TripleDES(_tdes_key(key)), modes.CBC(iv)).decryptor()
    return decryptor.update(data) + decryptor.finalize()


def aes_encrypt(key: bytes, data: bytes, iv: bytes = bytes(16)) -> bytes:
    encryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).encryptor()
    return encryptor.update(data) + encryptor.finalize()


def aes_decrypt(key: bytes, data: bytes, iv: bytes = bytes(16)) -> bytes:
    decryptor = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return decryptor.update(data) + decryptor.finalize()


def aes_ecb_block(key: bytes, block: bytes) -> bytes:
    encryptor = Cipher(algorithms.AES(key), modes.ECB()).encryptor()
    return encryptor.update(block) + encryptor.finalize()


def retail_mac(key: bytes, data: bytes) -> bytes:
    """ISO/IEC 9797-1 MAC algorithm 3 (DES, final 3DES) over already padded data: 8 bytes."""
    if len(data) % 8:
        raise ValueError("the data to MAC must be padded")
    key_a, key_b = key[:8], key[8:16]
    chained = tdes_encrypt(key_a, data)[-8:]  # single-DES CBC with Ka
    decryptor = Cipher(TripleDES(key_b * 3), modes.ECB()).decryptor()
    step = decryptor.update(chained) + decryptor.finalize()
    encryptor = Cipher(TripleDES(key_a * 3), modes.ECB()).encryptor()
    return encryptor.update(step) + encryptor.finalize()


def aes_cmac(key: bytes, data: bytes) -> bytes:
    """AES-CMAC truncated to 8 bytes, as ICAO 9303 uses it."""
    mac = cmac.CMAC(algorithms.AES(key))
    mac.update(data)
    return mac.finalize()[:8]


def encrypt(suite: CipherSuite, key: bytes, data: bytes, iv: bytes | None = None) -> bytes:
    if suite.kind is CipherKind.TDES:
        return tdes_encrypt(key, data, iv or bytes(8))
    return aes_encrypt(key, data, iv or bytes(16))


def decrypt(suite: CipherSuite, key: bytes, data: bytes, iv: bytes | None = None) -> bytes:
    if len(data) % suite.block_size:
        raise ValueError("the cryptogram is not a whole number of blocks")
    if suite.kind is CipherKind.TDES:
        return tdes_decrypt(key, data, iv or bytes(8))
    return aes_decrypt(key, data, iv or bytes(16))


def mac(suite: CipherSuite, key: bytes, data: bytes) -> bytes:
    """The 8-byte MAC of ``data``, padded here for 3DES (method 2); CMAC pads by itself."""
    if suite.kind is CipherKind.TDES:
        return retail_mac(key, pad(data, 8))
    return aes_cmac(key, data)


def kdf(secret: bytes, counter: int, suite: CipherSuite) -> bytes:
    """ICAO 9303-11 §9.7.1: H(secret ‖ counter as 4 bytes), cut to the key length.

    SHA-1 for 3DES and AES-128, SHA-256 for AES-192 and AES-256; 3DES keys are parity adjusted.
    """
    message = secret + counter.to_bytes(4, "big")
    if suite.kind is CipherKind.TDES:
        return adjust_parity(hashlib.sha1(message).digest()[:16])
    if suite.key_length == 16:
        return hashlib.sha1(message).digest()[:16]
    return hashlib.sha256(message).digest()[: suite.key_length]
