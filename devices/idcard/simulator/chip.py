"""A simulated eMRTD chip: answers APDUs like a French CNIe (PACE with the CAN) or a BAC passport.

Real cryptography throughout (PACE-GM, BAC, 3DES/AES secure messaging, a signed EF.SOD), an
access-controlled file system (the LDS files only through secure messaging; DG3 and DG4 never),
a CAN try counter that blocks, and faults on demand. It keeps a log of what it was asked (the
instruction and file names, never data), so tests can check what a reader did.
"""

from __future__ import annotations

import secrets
import threading
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from enum import Enum

from asn1crypto import core

from devices.idcard import mrz, tlv
from devices.idcard.apdu import EXTENDED_MAX_LE, SHORT_MAX_LE, CommandApdu, ResponseApdu, StatusWord
from devices.idcard.lds import (
    EF_CARD_ACCESS,
    EF_COM,
    EF_SOD,
    LDS1_AID,
    NEVER_READ,
    data_group,
    largest_protected_chunk,
)
from devices.idcard.secure_messaging import bac, card_access
from devices.idcard.secure_messaging.card_access import PACE_ALGORITHMS, PaceInfo
from devices.idcard.secure_messaging.pace import Mapper, Password, random_scalar, session_keys, token
from devices.idcard.secure_messaging.primitives import encrypt
from devices.idcard.secure_messaging.sm import SecureChannel, SecureMessagingError
from devices.idcard.simulator.documents import (
    DEMO_CAN,
    DEMO_CNIE,
    DEMO_PASSPORT,
    build_com,
    build_dg1,
    build_dg2,
    demo_photo,
    mrz_of,
)
from devices.idcard.simulator.pki import DocumentSigner, simulated_pki
from devices.idcard.transport import contactless_atr
from devices.idcard.types import IdentityDocument, MrzKey

RandomBytes = Callable[[int], bytes]

#: The CNIe's two PACE parameter sets: generic and integrated mapping, AES-256, brainpoolP256r1.
PACE_ECDH_GM_AES_256 = "0.4.0.127.0.7.2.2.4.2.4"
PACE_ECDH_IM_AES_256 = "0.4.0.127.0.7.2.2.4.4.4"
BRAINPOOL_P256R1_ID = 13


class CardGone(Exception):
    """The simulated card left the reader's field."""


class SimulatedFault(Enum):
    REMOVED_MID_READ = "removed_mid_read"  #: the card leaves after a number of APDUs
    TAMPERED_DG1 = "tampered_dg1"  #: DG1 differs from what EF.SOD signed
    UNKNOWN_CSCA = "unknown_csca"  #: EF.SOD signed under a CSCA nobody trusts
    BLOCKED = "blocked"  #: the CAN is blocked (no tries left)
    NOT_AN_EMRTD = "not_an_emrtd"  #: a contactless card that is not an identity document


@dataclass(frozen=True)
class ChipProfile:
    """How a chip behaves, apart from the data it holds."""

    name: str
    #: The PACEInfos EF.CardAccess lists (empty: no EF.CardAccess, a BAC-only chip).
    pace: tuple[PaceInfo, ...] = ()
    #: The PACE OIDs the chip actually runs; MSE:Set AT refuses the others (6A80).
    pace_runs: frozenset[str] = frozenset()
    bac: bool = False
    extended_length: bool = False
    can_tries: int = 3
    #: Bytes of the PACE nonce s (16, or up to 32).
    nonce_length: int = 16
    #: Reads longer than this are refused with 6700 (to exercise the reader's fallback).
    max_read: int | None = None
    #: Historical bytes of the ATR (card capabilities: chaining, extended length when set).
    historical: bytes = field(default=b"")

    def atr(self) -> bytes:
        capabilities = 0xC0 if self.extended_length else 0x80
        return contactless_atr(self.historical or bytes([0x80, 0x73, 0xC0, 0x21, capabilities]))


CNIE_PROFILE = ChipProfile(
    "CNIe",
    pace=(
        PaceInfo(PACE_ALGORITHMS[PACE_ECDH_GM_AES_256], 2, BRAINPOOL_P256R1_ID),
        PaceInfo(PACE_ALGORITHMS[PACE_ECDH_IM_AES_256], 2, BRAINPOOL_P256R1_ID),
    ),
    pace_runs=frozenset({PACE_ECDH_GM_AES_256}),
    extended_length=True,
)
PASSPORT_PROFILE = ChipProfile("passport (BAC)", bac=True)


def pace_profile(oid: str, parameter_id: int, **changes: object) -> ChipProfile:
    """A chip that lists and runs one PACE parameter set (tests of every curve and cipher)."""
    info = PaceInfo(PACE_ALGORITHMS[oid], 2, parameter_id)
    return replace(
        ChipProfile(f"PACE {info.label}", pace=(info,), pace_runs=frozenset({oid}), extended_length=True),
        **changes,  # type: ignore[arg-type]
    )


@dataclass
class _PaceRun:
    info: PaceInfo
    password: Password
    step: int = 0
    nonce: bytes = b""
    mapped: object = None
    chip_key: bytes = b""
    terminal_key: bytes = b""
    ks_enc: bytes = b""
    ks_mac: bytes = b""


class SimulatedCard:
    """An eMRTD chip holding ``document``. Thread-safe: a reader and the test may both touch it.

    The try counter survives removal and re-insertion, as on a real chip; the session (selected
    files, secure messaging, a PACE run) ends at every power-up.
    """

    def __init__(
        self,
        document: IdentityDocument,
        profile: ChipProfile,
        *,
        can: str | None = None,
        photo: tuple[bytes, int, int] | None = None,
        signer: DocumentSigner | None = None,
        randbytes: RandomBytes = secrets.token_bytes,
        hash_name: str = "sha256",
    ) -> None:
        self.document = replace(document, photo=None)
        self.profile = profile
        self.can = can
        self._randbytes = randbytes
        self._signer = signer or simulated_pki().signer
        self._hash_name = hash_name
        if document.birth_date is None or document.expiry_date is None:
            raise ValueError("a chip's document needs its birth and expiry dates")
        self._mrz_information = mrz.mrz_information(
            MrzKey(document.document_number, document.birth_date, document.expiry_date)
        )
        self.mrz = mrz_of(document)
        if photo is None and document.photo is not None:
            photo = (document.photo, 0, 0)
        dg1 = build_dg1(self.mrz)
        groups = {1: dg1, 3: b"\x63\x00"}  # DG3 stands for the fingerprints nobody may read
        if photo is not None:
            groups[2] = build_dg2(*photo)
        self._genuine_dg1 = dg1
        self._groups = groups
        self.files: dict[int, bytes] = {
            EF_COM.fid: build_com(sorted(groups)),
            **{data_group(number).fid: content for number, content in groups.items()},
            EF_SOD.fid: self._signer.sign_sod(groups, hash_name),
        }
        self.card_access = card_access.encode(list(profile.pace)) if profile.pace else None
        self.tries_left = profile.can_tries
        self.atr = profile.atr()
        self.fault: SimulatedFault | None = None
        self.remove_after: int | None = None
        self._removal_delay = 0
        self.present = True
        #: What the chip was asked, in order: "SELECT eMRTD", "READ DG1"... never any data.
        self.log: list[str] = []
        self.apdus = 0
        self._lock = threading.RLock()
        self.power_on()

    # -- the demo cards -------------------------------------------------------------------------

    @classmethod
    def cnie(
        cls,
        document: IdentityDocument = DEMO_CNIE,
        can: str = DEMO_CAN,
        photo: tuple[bytes, int, int] | None = None,
        profile: ChipProfile = CNIE_PROFILE,
        **options: object,
    ) -> SimulatedCard:
        """A French identity card (CNIe): PACE with the CAN (GM and IM listed, GM run), AES-256 on
        brainpoolP256r1, extended length. By default the fictitious Camille EXEMPLE, CAN 123456,
        with a drawn photo; ``profile`` changes how the chip behaves (tests)."""
        return cls(document, profile, can=can, photo=photo or demo_photo(), **options)  # type: ignore[arg-type]

    @classmethod
    def passport(
        cls,
        document: IdentityDocument = DEMO_PASSPORT,
        photo: tuple[bytes, int, int] | None = None,
        **options: object,
    ) -> SimulatedCard:
        """A passport with BAC only (no EF.CardAccess), short reads, an RSA document signer. By
        default the fictitious Dominique SPECIMEN."""
        options.setdefault("signer", simulated_pki().rsa_signer)
        return cls(document, PASSPORT_PROFILE, photo=photo or demo_photo(40), **options)  # type: ignore[arg-type]

    # -- faults ---------------------------------------------------------------------------------

    def apply_fault(self, fault: SimulatedFault | None, after_apdus: int = 12) -> None:
        """Injects ``fault`` (None: back to a sound card). ``after_apdus`` is for REMOVED_MID_READ:
        how many more APDUs the chip answers before it leaves (again after each insertion)."""
        with self._lock:
            self.fault = fault
            self._removal_delay = after_apdus
            self.remove_after = self.apdus + after_apdus if fault is SimulatedFault.REMOVED_MID_READ else None
            dg1_fid = data_group(1).fid
            self.files[dg1_fid] = self._genuine_dg1
            signer = self._signer
            if fault is SimulatedFault.TAMPERED_DG1:
                text = self.mrz.replace(self.document.surname[:3], "XXX", 1)
                self.files[dg1_fid] = build_dg1(text)
            if fault is SimulatedFault.UNKNOWN_CSCA:
                signer = simulated_pki().rogue_signer
            self.files[EF_SOD.fid] = signer.sign_sod(self._groups, self._hash_name)
            if fault is SimulatedFault.BLOCKED:
                self.tries_left = 0
            elif self.tries_left == 0:
                self.tries_left = self.profile.can_tries

    # -- power ----------------------------------------------------------------------------------

    def power_on(self) -> None:
        with self._lock:
            self._application = False
            self._current: int | None = None
            self._session: SecureChannel | None = None
            self._pace: _PaceRun | None = None
            self._challenge: bytes | None = None

    def power_off(self) -> None:
        self.power_on()

    def leave(self) -> None:
        """The card leaves the field."""
        with self._lock:
            self.present = False

    def enter(self) -> None:
        """The card comes into the field (a REMOVED_MID_READ fault counts its APDUs anew)."""
        with self._lock:
            self.present = True
            if self.fault is SimulatedFault.REMOVED_MID_READ:
                self.remove_after = self.apdus + self._removal_delay
            self.power_on()

    # -- APDUs ----------------------------------------------------------------------------------

    def process(self, raw: bytes) -> bytes:
        """The response APDU to ``raw``; CardGone when the card is (or just went) out of the field."""
        with self._lock:
            if not self.present:
                raise CardGone
            self.apdus += 1
            if self.remove_after is not None and self.apdus > self.remove_after:
                self.present = False
                self.log.append("(removed)")
                raise CardGone
            try:
                command = CommandApdu.parse(raw)
            except ValueError:
                return ResponseApdu.status(StatusWord.WRONG_LENGTH).encode()
            if command.cla & 0x0C == 0x0C:
                return self._process_protected(command)
            if self._session is not None:
                self._session = None  # a plain command ends secure messaging (ICAO 9303-11 §9.8.4)
            response = self._dispatch(command, secured=False)
            if not command.extended and len(response.data) > SHORT_MAX_LE:
                response = ResponseApdu.status(StatusWord.WRONG_LENGTH)
            return response.encode()

    def _process_protected(self, command: CommandApdu) -> bytes:
        session = self._session
        if session is None:
            return ResponseApdu.status(StatusWord.SM_DATA_MISSING).encode()
        try:
            plain = session.unprotect_command(command)
        except SecureMessagingError:
            self._session = None
            return ResponseApdu.status(StatusWord.SM_DATA_INCORRECT).encode()
        response = self._dispatch(plain, secured=True)
        if not command.extended and len(response.data) > largest_protected_chunk(session.suite.block_size):
            response = ResponseApdu.status(StatusWord.WRONG_LENGTH)
        return session.protect_response(response, plain.ins).encode()

    def _dispatch(self, command: CommandApdu, secured: bool) -> ResponseApdu:
        if self.fault is SimulatedFault.NOT_AN_EMRTD and command.ins in (0xA4, 0xB0, 0xB1, 0x22, 0x84):
            return ResponseApdu.status(StatusWord.FILE_NOT_FOUND)
        handler = {
            0xA4: self._select,
            0xB0: self._read_binary,
            0xB1: self._read_binary,
            0x84: self._get_challenge,
            0x82: self._external_authenticate,
            0x22: self._manage_security_environment,
            0x86: self._general_authenticate,
        }.get(command.ins)
        if handler is None:
            return ResponseApdu.status(StatusWord.INSTRUCTION_NOT_SUPPORTED)
        return handler(command, secured)

    # -- files ----------------------------------------------------------------------------------

    def _file_ids(self) -> dict[int, int]:
        """Short file identifier → file id, in the current directory."""
        if not self._application:
            return {EF_CARD_ACCESS.sfi: EF_CARD_ACCESS.fid} if self.card_access is not None else {}
        return {fid & 0xFF: fid for fid in self.files}  # DGn → n, EF.COM → 1E, EF.SOD → 1D

    def _content(self, fid: int) -> bytes | None:
        if fid == EF_CARD_ACCESS.fid:
            return self.card_access
        return self.files.get(fid) if self._application else None

    @staticmethod
    def _file_name(fid: int) -> str:
        names = {EF_CARD_ACCESS.fid: "EF.CardAccess", EF_COM.fid: "EF.COM", EF_SOD.fid: "EF.SOD"}
        return names.get(fid, f"DG{fid - 0x0100}")

    def _select(self, command: CommandApdu, secured: bool) -> ResponseApdu:
        if command.p1 == 0x04:
            if command.data != LDS1_AID:
                return ResponseApdu.status(StatusWord.FILE_NOT_FOUND)
            self._application, self._current = True, None
            self.log.append("SELECT eMRTD")
            return ResponseApdu.status(StatusWord.SUCCESS)
        if len(command.data) != 2:
            return ResponseApdu.status(StatusWord.WRONG_DATA)
        fid = int.from_bytes(command.data, "big")
        if fid == 0x3F00:
            self._application, self._current = False, None
            return ResponseApdu.status(StatusWord.SUCCESS)
        if self._content(fid) is None:
            return ResponseApdu.status(StatusWord.FILE_NOT_FOUND)
        self._current = fid
        self.log.append(f"SELECT {self._file_name(fid)}")
        return ResponseApdu.status(StatusWord.SUCCESS)

    def _read_binary(self, command: CommandApdu, secured: bool) -> ResponseApdu:
        if command.ins == 0xB1:
            try:
                offset_bytes = tlv.decode_one(command.data, 0x54).value
            except ValueError:
                return ResponseApdu.status(StatusWord.WRONG_DATA)
            offset, fid = int.from_bytes(offset_bytes, "big"), self._current
        elif command.p1 & 0x80:
            fid = self._file_ids().get(command.p1 & 0x1F)
            offset = command.p2
            if fid is None:
                return ResponseApdu.status(StatusWord.FILE_NOT_FOUND)
        else:
            offset, fid = (command.p1 << 8) | command.p2, self._current
        if fid is None:
            return ResponseApdu.status(0x6986)  # no current file
        content = self._content(fid)
        if content is None:
            return ResponseApdu.status(StatusWord.FILE_NOT_FOUND)
        number = fid - 0x0100
        if number in NEVER_READ or (fid != EF_CARD_ACCESS.fid and not secured):
            return ResponseApdu.status(StatusWord.SECURITY_STATUS_NOT_SATISFIED)
        self._current = fid
        wanted = command.le or SHORT_MAX_LE
        limit = self.profile.max_read
        if (wanted > SHORT_MAX_LE and not self.profile.extended_length) or (limit and wanted > limit):
            return ResponseApdu.status(StatusWord.WRONG_LENGTH)
        if offset > len(content):
            return ResponseApdu.status(StatusWord.WRONG_PARAMETERS)
        data = content[offset : offset + wanted]
        self.log.append(f"READ {self._file_name(fid)}")
        if command.ins == 0xB1:
            data = tlv.encode(0x53, data)
        short_of_wanted = len(content) - offset < wanted and wanted not in (SHORT_MAX_LE, EXTENDED_MAX_LE)
        return ResponseApdu(data, StatusWord.END_OF_FILE if short_of_wanted else StatusWord.SUCCESS)

    # -- BAC ------------------------------------------------------------------------------------

    def _get_challenge(self, command: CommandApdu, secured: bool) -> ResponseApdu:
        if not self.profile.bac:
            return ResponseApdu.status(StatusWord.INSTRUCTION_NOT_SUPPORTED)
        self._challenge = self._randbytes(8)
        self.log.append("GET CHALLENGE")
        return ResponseApdu(self._challenge, StatusWord.SUCCESS)

    def _external_authenticate(self, command: CommandApdu, secured: bool) -> ResponseApdu:
        challenge, self._challenge = self._challenge, None
        if not self.profile.bac or challenge is None:
            return ResponseApdu.status(StatusWord.CONDITIONS_NOT_SATISFIED)
        self.log.append("EXTERNAL AUTHENTICATE")
        keys = bac.document_keys(self._mrz_information)
        try:
            plain = bac.open_sealed(keys, command.data)
        except ValueError:
            return ResponseApdu.status(StatusWord.AUTHENTICATION_FAILED)
        rnd_ifd, rnd_ic, k_ifd = plain[:8], plain[8:16], plain[16:32]
        if rnd_ic != challenge:
            return ResponseApdu.status(StatusWord.AUTHENTICATION_FAILED)
        k_ic = self._randbytes(16)
        self._session = bac.session_channel(k_ifd, k_ic, challenge, rnd_ifd)
        return ResponseApdu(bac.seal(keys, challenge + rnd_ifd + k_ic), StatusWord.SUCCESS)

    # -- PACE -----------------------------------------------------------------------------------

    def _manage_security_environment(self, command: CommandApdu, secured: bool) -> ResponseApdu:
        if not self.profile.pace or (command.p1, command.p2) != (0xC1, 0xA4):
            return ResponseApdu.status(StatusWord.WRONG_PARAMETERS if self.profile.pace else 0x6D00)
        self._pace = None
        try:
            objects = {item.tag: item.value for item in tlv.iterate(command.data)}
            oid = core.ObjectIdentifier.load(tlv.encode(0x06, objects[0x80])).dotted
            reference = objects[0x83]
        except (ValueError, KeyError):
            return ResponseApdu.status(StatusWord.WRONG_DATA)
        self.log.append("MSE:Set AT")
        if self.tries_left <= 0:
            return ResponseApdu.status(StatusWord.AUTHENTICATION_BLOCKED)
        parameter = objects.get(0x84)
        if parameter is None and len(self.profile.pace) > 1:
            return ResponseApdu.status(StatusWord.WRONG_DATA)  # which one? the card lists several
        matching = [
            info
            for info in self.profile.pace
            if info.algorithm.oid == oid
            and (parameter is None or bytes([info.parameter_id or 0]) == parameter)
        ]
        if not matching or oid not in self.profile.pace_runs:
            return ResponseApdu.status(StatusWord.WRONG_DATA)
        if reference == bytes([0x02]) and self.can is not None:
            password = Password.can(self.can)
        elif reference == bytes([0x01]):
            password = Password.mrz(self._mrz_information)
        else:
            return ResponseApdu.status(StatusWord.REFERENCE_NOT_FOUND)
        self._pace = _PaceRun(matching[0], password)
        return ResponseApdu.status(StatusWord.SUCCESS)

    def _general_authenticate(self, command: CommandApdu, secured: bool) -> ResponseApdu:
        run = self._pace
        if run is None:
            return ResponseApdu.status(StatusWord.CONDITIONS_NOT_SATISFIED)
        chained = bool(command.cla & 0x10)
        if chained != (run.step < 3):
            self._pace = None
            return ResponseApdu.status(0x6883 if run.step == 3 else 0x6884)
        try:
            inner = tlv.decode_one(command.data, 0x7C).value
            items = {item.tag: item.value for item in tlv.iterate(inner)}
            return self._pace_step(run, items)
        except (ValueError, KeyError):
            self._pace = None
            return ResponseApdu.status(StatusWord.WRONG_DATA)

    def _pace_step(self, run: _PaceRun, items: dict[int, bytes]) -> ResponseApdu:
        info = run.info
        domain = info.domain_parameters
        assert domain is not None
        mapper = Mapper(domain)
        suite = info.algorithm.suite
        self.log.append(f"GENERAL AUTHENTICATE {run.step + 1}")

        def answer(tag: int, value: bytes) -> ResponseApdu:
            run.step += 1
            return ResponseApdu(tlv.encode(0x7C, tlv.encode(tag, value)), StatusWord.SUCCESS)

        if run.step == 0:
            run.nonce = self._randbytes(self.profile.nonce_length)
            return answer(0x80, encrypt(suite, run.password.key(suite), run.nonce))
        if run.step == 1:
            private = random_scalar(mapper.order, self._randbytes)
            shared = mapper.shared(private, items[0x81])
            run.mapped = mapper.map_generator(run.nonce, shared)
            return answer(0x82, mapper.public_key(private, mapper.generator))
        if run.step == 2:
            run.terminal_key = items[0x83]
            private = random_scalar(mapper.order, self._randbytes)
            run.chip_key = mapper.public_key(private, run.mapped)
            secret = mapper.secret_bytes(mapper.shared(private, run.terminal_key))
            run.ks_enc, run.ks_mac = session_keys(suite, secret)
            return answer(0x84, run.chip_key)
        # Step 4: the terminal's token proves it knew the password.
        self._pace = None
        if items[0x85] != token(info.algorithm, mapper, run.ks_mac, run.chip_key):
            self.tries_left = max(0, self.tries_left - 1)
            return ResponseApdu.status(0x63C0 | self.tries_left)
        self.tries_left = self.profile.can_tries
        self._session = SecureChannel(suite, run.ks_enc, run.ks_mac, 0)
        self._application = False
        return answer(0x86, token(info.algorithm, mapper, run.ks_mac, run.terminal_key))
