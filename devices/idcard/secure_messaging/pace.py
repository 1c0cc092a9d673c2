"""PACE with the generic mapping (ICAO 9303-11 §4.4): the terminal's side, and the chip's arithmetic.

The password is the CAN (its ASCII digits) or the MRZ information (SHA-1 of it). The chip's nonce
is decrypted with Kπ, mapped onto a new generator (s·G + H), an ephemeral key agreement on it
gives the session keys, and the tokens prove each side has them.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable
from dataclasses import dataclass

from devices.idcard import tlv
from devices.idcard.apdu import CommandApdu, ResponseApdu, StatusWord, tries_left
from devices.idcard.secure_messaging.card_access import PaceAlgorithm, PaceInfo
from devices.idcard.secure_messaging.domain_parameters import DomainParameters, EllipticCurve, ModularGroup
from devices.idcard.secure_messaging.primitives import (
    KDF_ENCRYPTION,
    KDF_MAC,
    KDF_PASSWORD,
    CipherSuite,
    decrypt,
    kdf,
    mac,
)
from devices.idcard.secure_messaging.sm import SecureChannel
from devices.idcard.types import CardError, CardFault

Transmit = Callable[[CommandApdu], ResponseApdu]
RandomBytes = Callable[[int], bytes]

#: MSE:Set AT's password references.
PASSWORD_MRZ = 0x01
PASSWORD_CAN = 0x02

#: GENERAL AUTHENTICATE's data objects, in the order of the four steps.
TAG_DYNAMIC_AUTHENTICATION = 0x7C
TAG_NONCE = 0x80
TAG_MAP_TERMINAL, TAG_MAP_CHIP = 0x81, 0x82
TAG_KEY_TERMINAL, TAG_KEY_CHIP = 0x83, 0x84
TAG_TOKEN_TERMINAL, TAG_TOKEN_CHIP = 0x85, 0x86
TAG_PUBLIC_KEY = 0x7F49


@dataclass(frozen=True)
class Password:
    """What the citizen gives: its reference (CAN or MRZ) and the bytes π."""

    reference: int
    secret: bytes

    @classmethod
    def can(cls, digits: str) -> Password:
        return cls(PASSWORD_CAN, digits.encode("ascii"))

    @classmethod
    def mrz(cls, mrz_information: str) -> Password:
        return cls(PASSWORD_MRZ, hashlib.sha1(mrz_information.encode("ascii")).digest())

    def key(self, suite: CipherSuite) -> bytes:
        """Kπ = KDF(π, 3)."""
        return kdf(self.secret, KDF_PASSWORD, suite)


def random_scalar(limit: int, randbytes: RandomBytes) -> int:
    """A private key in [1, limit - 1], drawn from ``randbytes`` (rejection sampling)."""
    size = (limit.bit_length() + 7) // 8
    while True:
        candidate = int.from_bytes(randbytes(size), "big")
        if 1 <= candidate < limit:
            return candidate


class Mapper:
    """The arithmetic of one domain (curve or group), the same for the terminal and the chip."""

    def __init__(self, domain: DomainParameters) -> None:
        self.domain = domain

    @property
    def order(self) -> int:
        return self.domain.n if isinstance(self.domain, EllipticCurve) else self.domain.q

    def public_key(self, private: int, generator: object) -> bytes:
        domain = self.domain
        if isinstance(domain, EllipticCurve):
            return domain.encode(domain.multiply(private, generator))  # type: ignore[arg-type]
        assert isinstance(generator, int)
        return domain.encode(pow(generator, private, domain.p))

    @property
    def generator(self) -> object:
        domain = self.domain
        return domain.generator if isinstance(domain, EllipticCurve) else domain.g

    def shared(self, private: int, public: bytes) -> object:
        """private · public (ValueError when ``public`` is not a valid key or the result is neutral)."""
        domain = self.domain
        if isinstance(domain, EllipticCurve):
            point = domain.multiply(private, domain.decode(public))
            if point is None:
                raise ValueError("the shared point is at infinity")
            return point
        assert isinstance(domain, ModularGroup)
        return pow(domain.decode(public), private, domain.p)

    def map_generator(self, nonce: bytes, shared: object) -> object:
        """Generic mapping: G̃ = s·G + H (elliptic) or g̃ = g^s · h (modular)."""
        s = int.from_bytes(nonce, "big")
        domain = self.domain
        if isinstance(domain, EllipticCurve):
            mapped = domain.add(domain.multiply(s, domain.generator), shared)  # type: ignore[arg-type]
            if mapped is None:
                raise ValueError("the mapped generator is at infinity")
            return mapped
        assert isinstance(shared, int)
        return pow(domain.g, s, domain.p) * shared % domain.p

    def secret_bytes(self, shared: object) -> bytes:
        """The shared secret for the KDF: the x-coordinate, or the group element."""
        domain = self.domain
        if isinstance(domain, EllipticCurve):
            assert isinstance(shared, tuple)
            return shared[0].to_bytes(domain.size, "big")
        assert isinstance(shared, int)
        return domain.encode(shared)

    def public_key_object(self, algorithm: PaceAlgorithm, public: bytes) -> bytes:
        """7F49 { 06 OID, 86 point | 84 y }: what the authentication tokens MAC."""
        key_tag = 0x86 if isinstance(self.domain, EllipticCurve) else 0x84
        return tlv.encode(TAG_PUBLIC_KEY, tlv.encode(0x06, algorithm.oid_bytes) + tlv.encode(key_tag, public))


def session_keys(suite: CipherSuite, secret: bytes) -> tuple[bytes, bytes]:
    return kdf(secret, KDF_ENCRYPTION, suite), kdf(secret, KDF_MAC, suite)


def token(algorithm: PaceAlgorithm, mapper: Mapper, ks_mac: bytes, other_public: bytes) -> bytes:
    """T = MAC(KSmac, the other side's public key object)."""
    return mac(algorithm.suite, ks_mac, mapper.public_key_object(algorithm, other_public))


def mse_set_at(info: PaceInfo, password: Password, name_parameters: bool) -> CommandApdu:
    data = tlv.encode(0x80, info.algorithm.oid_bytes) + tlv.encode(0x83, bytes([password.reference]))
    if name_parameters and info.parameter_id is not None:
        data += tlv.encode(0x84, bytes([info.parameter_id]))
    return CommandApdu(0x00, 0x22, 0xC1, 0xA4, data)


def general_authenticate(tag: int, value: bytes | None, last: bool) -> CommandApdu:
    inner = b"" if value is None else tlv.encode(tag, value)
    return CommandApdu(
        0x00 if last else 0x10, 0x86, 0x00, 0x00, tlv.encode(TAG_DYNAMIC_AUTHENTICATION, inner), le=256
    )


def _fault_of(status: int, step: str) -> CardError:
    left = tries_left(status)
    if status in (StatusWord.AUTHENTICATION_BLOCKED, StatusWord.REFERENCE_DATA_UNUSABLE) or left == 0:
        return CardError(CardFault.BLOCKED, f"PACE {step}: the password is blocked", tries_left=0)
    if left is not None or status == StatusWord.AUTHENTICATION_FAILED:
        return CardError(CardFault.WRONG_KEY, f"PACE {step}: wrong password", tries_left=left)
    return CardError(CardFault.UNREADABLE, f"PACE {step} answered {status:04X}")


def _dynamic_data(response: ResponseApdu, tag: int, step: str) -> bytes:
    if not response.ok:
        raise _fault_of(response.sw, step)
    try:
        outer = tlv.decode_one(response.data, TAG_DYNAMIC_AUTHENTICATION)
        value = tlv.find(outer.value, tag)
    except ValueError as error:
        raise CardError(CardFault.UNREADABLE, f"PACE {step}: malformed answer") from error
    if value is None:
        raise CardError(CardFault.UNREADABLE, f"PACE {step}: the answer lacks its data")
    return value


@dataclass(frozen=True)
class PaceResult:
    channel: SecureChannel
    #: A warning the chip gave at MSE:Set AT (63Cx): tries left before this successful run.
    tries_left_before: int | None


def establish(
    transmit: Transmit,
    password: Password,
    info: PaceInfo,
    randbytes: RandomBytes,
    name_parameters: bool = True,
) -> PaceResult:
    """Runs PACE-GM with the chip; CardError(WRONG_KEY / BLOCKED / UNREADABLE) when it fails."""
    algorithm = info.algorithm
    domain = info.domain_parameters
    if domain is None or not info.supported:
        raise CardError(CardFault.UNKNOWN_DOCUMENT, f"unsupported PACE parameters: {info.label}")
    mapper = Mapper(domain)
    suite = algorithm.suite

    answer = transmit(mse_set_at(info, password, name_parameters))
    warning = tries_left(answer.sw)
    if not answer.ok and (warning is None or warning == 0):
        raise _fault_of(answer.sw, "MSE:Set AT")

    encrypted_nonce = _dynamic_data(
        transmit(general_authenticate(TAG_NONCE, None, last=False)), TAG_NONCE, "nonce"
    )
    try:
        nonce = decrypt(suite, password.key(suite), encrypted_nonce)
    except ValueError as error:
        raise CardError(CardFault.UNREADABLE, "PACE: the encrypted nonce is malformed") from error

    map_private = random_scalar(mapper.order, randbytes)
    map_public = mapper.public_key(map_private, mapper.generator)
    chip_map_public = _dynamic_data(
        transmit(general_authenticate(TAG_MAP_TERMINAL, map_public, last=False)), TAG_MAP_CHIP, "mapping"
    )
    try:
        mapped = mapper.map_generator(nonce, mapper.shared(map_private, chip_map_public))
    except ValueError as error:
        raise CardError(CardFault.UNREADABLE, "PACE: the chip's mapping key is invalid") from error

    key_private = random_scalar(mapper.order, randbytes)
    key_public = mapper.public_key(key_private, mapped)
    chip_key_public = _dynamic_data(
        transmit(general_authenticate(TAG_KEY_TERMINAL, key_public, last=False)),
        TAG_KEY_CHIP,
        "key agreement",
    )
    if hmac.compare_digest(chip_key_public, key_public):
        raise CardError(CardFault.UNREADABLE, "PACE: the chip echoed the terminal's key")
    try:
        secret = mapper.secret_bytes(mapper.shared(key_private, chip_key_public))
    except ValueError as error:
        raise CardError(CardFault.UNREADABLE, "PACE: the chip's ephemeral key is invalid") from error
    ks_enc, ks_mac = session_keys(suite, secret)

    terminal_token = token(algorithm, mapper, ks_mac, chip_key_public)
    chip_token = _dynamic_data(
        transmit(general_authenticate(TAG_TOKEN_TERMINAL, terminal_token, last=True)),
        TAG_TOKEN_CHIP,
        "mutual authentication",
    )
    if not hmac.compare_digest(chip_token, token(algorithm, mapper, ks_mac, key_public)):
        raise CardError(CardFault.UNREADABLE, "PACE: the chip's token does not verify")
    return PaceResult(SecureChannel(suite, ks_enc, ks_mac, 0), warning)
