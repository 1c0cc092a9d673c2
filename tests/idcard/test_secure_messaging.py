"""ICAO 9303-11 worked examples replayed byte for byte (BAC, secure messaging, PACE-GM), and the
curves, groups and channels around them."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from cryptography.hazmat.primitives import cmac
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
from hypothesis import given
from hypothesis import strategies as st

from devices.idcard import tlv
from devices.idcard.apdu import CommandApdu, ResponseApdu
from devices.idcard.secure_messaging import bac, pace
from devices.idcard.secure_messaging.card_access import PACE_ALGORITHMS, PaceInfo
from devices.idcard.secure_messaging.domain_parameters import (
    BRAINPOOL_P256R1,
    STANDARD_DOMAIN_PARAMETERS,
    EllipticCurve,
    ModularGroup,
)
from devices.idcard.secure_messaging.primitives import (
    TDES_SUITE,
    CipherKind,
    CipherSuite,
    adjust_parity,
    decrypt,
    pad,
    unpad,
)
from devices.idcard.secure_messaging.sm import SecureChannel, SecureMessagingError
from devices.idcard.types import CardError, CardFault, IdentityDocument

h = bytes.fromhex

# -- BAC (appendix D) -----------------------------------------------------------------------------

BAC_MRZ = "L898902C<369080619406236"
RND_IC, RND_IFD = h("4608F91988702212"), h("781723860C06C226")
K_IFD = h("0B795240CB7049B01C19B33E32804F0B")
EXTERNAL_AUTHENTICATE = (
    "008200002872C29C2371CC9BDB65B779B8E8D37B29ECC154AA56A8799FAE2F498F76ED92F25F1448EEA8AD90A728"
)
CHIP_ANSWER = h("46B9342A41396CD7386BF5803104D7CEDC122B9132139BAF2EEDC94EE178534F2F2D235D074D7449")
SM_EXCHANGES = [
    (
        "00A4020C02011E",
        "0CA4020C158709016375432908C044F68E08BF8B92D635FF24F800",
        "990290008E08FA855A5D4C50A8ED",
        "",
    ),
    (
        "00B0000004",
        "0CB000000D9701048E08ED6705417E96BA5500",
        "8709019FF0EC34F9922651990290008E08AD55CC17140B2DED",
        "60145F01",
    ),
    (
        "00B0000412",
        "0CB000040D9701128E082EA28A70F3C7B53500",
        "871901FB9235F4E4037F2327DCC8964F1F9B8C30F42C8E2FFF224A990290008E08C8B2787EAEA07D74",
        "04303130365F36063034303030305C026175",
    ),
]


def test_bac_document_keys() -> None:
    assert bac.key_seed(BAC_MRZ) == h("239AB9CB282DAF66231DC5A4DF6BFBAE")
    keys = bac.document_keys(BAC_MRZ)
    assert keys.k_enc == h("AB94FDECF2674FDFB9B391F85D7F76F2")
    assert keys.k_mac == h("7962D9ECE03D1ACD4C76089DCE131543")


def _bac_exchange() -> tuple[SecureChannel, list[str]]:
    sent: list[str] = []
    randomness = [RND_IFD, K_IFD]

    def transmit(command: CommandApdu) -> ResponseApdu:
        sent.append(command.encode().hex().upper())
        if command.ins == 0x84:
            return ResponseApdu(RND_IC, 0x9000)
        return ResponseApdu(CHIP_ANSWER, 0x9000)

    return bac.establish(transmit, BAC_MRZ, lambda size: randomness.pop(0)), sent


def test_bac_mutual_authentication_and_session_keys() -> None:
    channel, sent = _bac_exchange()
    assert sent == ["0084000008", EXTERNAL_AUTHENTICATE]
    assert bac.open_sealed(bac.document_keys(BAC_MRZ), CHIP_ANSWER)[16:] == h(
        "0B4F80323EB3191CB04970CB4052790B"
    )
    assert channel._ks_enc == h("979EC13B1CBFE9DCD01AB0FED307EAE5")
    assert channel._ks_mac == h("F1CB1F1FB5ADF208806B89DC579DC1F8")
    assert channel.ssc == int("887022120C06C226", 16)


def test_bac_secure_messaging_exchanges() -> None:
    channel, _ = _bac_exchange()
    for plain, protected, response, data in SM_EXCHANGES:
        assert channel.protect(CommandApdu.parse(h(plain))).encode().hex().upper() == protected
        unwrapped = channel.unprotect(ResponseApdu(h(response), 0x9000))
        assert (unwrapped.data.hex().upper(), unwrapped.sw) == (data, 0x9000)


def test_bac_wrong_mrz_is_a_wrong_key() -> None:
    def transmit(command: CommandApdu) -> ResponseApdu:
        return ResponseApdu(RND_IC, 0x9000) if command.ins == 0x84 else ResponseApdu(b"", 0x6300)

    with pytest.raises(CardError) as caught:
        bac.establish(transmit, BAC_MRZ, secrets.token_bytes)
    assert caught.value.fault is CardFault.WRONG_KEY


def test_the_chip_detects_a_tampered_mac() -> None:
    channel, _ = _bac_exchange()
    response = bytearray(h(SM_EXCHANGES[0][2]))
    response[-1] ^= 1
    channel.protect(CommandApdu.parse(h(SM_EXCHANGES[0][0])))
    with pytest.raises(SecureMessagingError, match="wrong MAC"):
        channel.unprotect(ResponseApdu(bytes(response), 0x9000))


# -- PACE, ECDH generic mapping, brainpoolP256r1, AES-128 (appendix G) ----------------------------

PACE_MRZ = "T22000129364081251010318"
PACE_OID = "0.4.0.127.0.7.2.2.4.2.2"
Z, S = h("95A3A016522EE98D01E76CB6B98B42C3"), h("3F00C4D39D153F2B2A214A078D899B22")
SK_MAP_IFD = h("7F4EF07B9EA82FD78AD689B38D0BC78CF21F249D953BC46F4C6E19259C010F99")
SK_MAP_IC = h("498FF49756F2DC1587840041839A85982BE7761D14715FB091EFA7BCE9058560")
SK_DH_IFD = h("A73FB703AC1436A18E0CFA5ABB3F7BEC7A070E7A6788486BEE230C4A22762595")
SK_DH_IC = h("107CF58696EF6155053340FD633392BA81909DF7B9706F226F32086C7AFF974A")


def point(x: str, y: str) -> bytes:
    return b"\x04" + h(x) + h(y)


PK_MAP_IFD = point(
    "7ACF3EFC982EC45565A4B155129EFBC74650DCBFA6362D896FC70262E0C2CC5E",
    "544552DCB6725218799115B55C9BAA6D9F6BC3A9618E70C25AF71777A9C4922D",
)
PK_MAP_IC = point(
    "824FBA91C9CBE26BEF53A0EBE7342A3BF178CEA9F45DE0B70AA601651FBA3F57",
    "30D8C879AAA9C9F73991E61B58F4D52EB87A0A0C709A49DC63719363CCD13C54",
)
MAPPED_GENERATOR = (
    int("8CED63C91426D4F0EB1435E7CB1D74A46723A0AF21C89634F65A9AE87A9265E2", 16),
    int("8C879506743F8611AC33645C5B985C80B5F09A0B83407C1B6A4D857AE76FE522", 16),
)
PK_DH_IFD = point(
    "2DB7A64C0355044EC9DF190514C625CBA2CEA48754887122F3A5EF0D5EDD301C",
    "3556F3B3B186DF10B857B58F6A7EB80F20BA5DC7BE1D43D9BF850149FBB36462",
)
PK_DH_IC = point(
    "9E880F842905B8B3181F7AF7CAA9F0EFB743847F44A306D2D28C1D9EC65DF6DB",
    "7764B22277A2EDDC3C265A9F018F9CB852E111B768B326904B59A0193776F094",
)
SHARED_X = h("28768D20701247DAE81804C9E780EDE582A9996DB4A315020B2733197DB84925")
KS_ENC, KS_MAC = h("F5F0E35C0D7161EE6724EE513A0D9A7F"), h("FE251C7858B356B24514B3BD5F4297D1")
T_IFD, T_IC = h("C2B0BD78D94BA866"), h("3ABB9674BCE93C08")
INFO = PaceInfo(PACE_ALGORITHMS[PACE_OID], 2, 13)


def test_pace_oid_content_octets() -> None:
    assert INFO.algorithm.oid_bytes == h("04007F00070202040202")


def test_pace_password_key_and_nonce() -> None:
    suite = INFO.algorithm.suite
    key = pace.Password.mrz(PACE_MRZ).key(suite)
    assert key == h("89DED1B26624EC1E634C1989302849DD")
    assert decrypt(suite, key, Z) == S


def test_pace_can_password_is_its_ascii_digits() -> None:
    password = pace.Password.can("123456")
    assert (password.reference, password.secret) == (pace.PASSWORD_CAN, b"123456")
    import hashlib

    assert password.key(INFO.algorithm.suite) == hashlib.sha1(b"123456" + bytes([0, 0, 0, 3])).digest()[:16]


def test_pace_generic_mapping_intermediate_values() -> None:
    mapper = pace.Mapper(BRAINPOOL_P256R1)
    sk_map_ifd, sk_map_ic = int.from_bytes(SK_MAP_IFD, "big"), int.from_bytes(SK_MAP_IC, "big")
    assert mapper.public_key(sk_map_ifd, mapper.generator) == PK_MAP_IFD
    assert mapper.public_key(sk_map_ic, mapper.generator) == PK_MAP_IC
    shared = mapper.shared(sk_map_ifd, PK_MAP_IC)
    assert shared == mapper.shared(sk_map_ic, PK_MAP_IFD)
    mapped = mapper.map_generator(S, shared)
    assert mapped == MAPPED_GENERATOR
    assert mapper.public_key(int.from_bytes(SK_DH_IFD, "big"), mapped) == PK_DH_IFD
    assert mapper.public_key(int.from_bytes(SK_DH_IC, "big"), mapped) == PK_DH_IC
    secret = mapper.secret_bytes(mapper.shared(int.from_bytes(SK_DH_IFD, "big"), PK_DH_IC))
    assert secret == SHARED_X
    assert pace.session_keys(INFO.algorithm.suite, secret) == (KS_ENC, KS_MAC)
    assert pace.token(INFO.algorithm, mapper, KS_MAC, PK_DH_IC) == T_IFD
    assert pace.token(INFO.algorithm, mapper, KS_MAC, PK_DH_IFD) == T_IC


class ReplayedChip:
    """The chip's side of appendix G, replayed: its answers are the published ones."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def __call__(self, command: CommandApdu) -> ResponseApdu:
        self.sent.append(command.encode())
        if command.ins == 0x22:
            return ResponseApdu(b"", 0x9000)
        inner = tlv.decode_one(command.data, 0x7C).value
        step = tlv.decode_one(inner).tag if inner else None
        answer = {None: (0x80, Z), 0x81: (0x82, PK_MAP_IC), 0x83: (0x84, PK_DH_IC), 0x85: (0x86, T_IC)}[step]
        return ResponseApdu(tlv.encode(0x7C, tlv.encode(*answer)), 0x9000)


def test_pace_terminal_replays_appendix_g() -> None:
    chip = ReplayedChip()
    randomness = [SK_MAP_IFD, SK_DH_IFD]
    result = pace.establish(chip, pace.Password.mrz(PACE_MRZ), INFO, lambda size: randomness.pop(0))
    assert [command.hex().upper() for command in chip.sent] == [
        "0022C1A412800A04007F0007020204020283010184010D",
        "10860000027C0000",
        "10860000457C438141" + PK_MAP_IFD.hex().upper() + "00",
        "10860000457C438341" + PK_DH_IFD.hex().upper() + "00",
        "008600000C7C0A8508" + T_IFD.hex().upper() + "00",
    ]
    assert (result.channel._ks_enc, result.channel._ks_mac, result.channel.ssc) == (KS_ENC, KS_MAC, 0)


def test_pace_aes_secure_messaging_after_appendix_g() -> None:
    """SSC from 0 (16 bytes), IV = AES(KSenc, SSC), MAC = AES-CMAC over the padded input, 8 bytes."""
    channel = SecureChannel(INFO.algorithm.suite, KS_ENC, KS_MAC, 0)
    protected = channel.protect(CommandApdu(0x00, 0xA4, 0x04, 0x0C, h("A0000002471001")))
    ssc = (1).to_bytes(16, "big")
    encryptor = Cipher(algorithms.AES(KS_ENC), modes.ECB()).encryptor()
    iv = encryptor.update(ssc) + encryptor.finalize()
    encryptor = Cipher(algorithms.AES(KS_ENC), modes.CBC(iv)).encryptor()
    cryptogram = encryptor.update(h("A0000002471001800000000000000000")) + encryptor.finalize()
    do87 = b"\x87\x11\x01" + cryptogram
    mac = cmac.CMAC(algorithms.AES(KS_MAC))
    mac.update(ssc + h("0CA4040C800000000000000000000000") + do87 + h("80000000000000000000000000"))
    expected = h("0CA4040C") + bytes([len(do87) + 10]) + do87 + b"\x8e\x08" + mac.finalize()[:8] + b"\x00"
    assert protected.encode() == expected


def test_pace_wrong_password_and_blocking_status_words() -> None:
    for status, fault, left in [
        (0x63C2, CardFault.WRONG_KEY, 2),
        (0x6300, CardFault.WRONG_KEY, None),
        (0x63C0, CardFault.BLOCKED, 0),
        (0x6983, CardFault.BLOCKED, 0),
    ]:
        chip = ReplayedChip()

        def refusing(command: CommandApdu, chip: ReplayedChip = chip, status: int = status) -> ResponseApdu:
            return ResponseApdu(b"", status) if command.cla == 0 and command.ins == 0x86 else chip(command)

        randomness = [SK_MAP_IFD, SK_DH_IFD]
        with pytest.raises(CardError) as caught:
            pace.establish(refusing, pace.Password.mrz(PACE_MRZ), INFO, lambda size, r=randomness: r.pop(0))
        assert (caught.value.fault, caught.value.tries_left) == (fault, left)


def test_the_simulated_chip_replays_appendix_g_too() -> None:
    """The simulator's chip, given the published chip randomness, answers the published values."""
    from devices.idcard.secure_messaging.sm import SecureChannel as Channel
    from devices.idcard.simulator import SimulatedCard, pace_profile

    document = IdentityDocument(
        "P", "UTO", "T22000129", "TEST", "PACE", "UTO", dt.date(1964, 8, 12), "F", dt.date(2010, 10, 31)
    )
    chip_randomness = [S, SK_MAP_IC, SK_DH_IC]
    card = SimulatedCard(document, pace_profile(PACE_OID, 13), randbytes=lambda size: chip_randomness.pop(0))
    answers: list[bytes] = []

    def transmit(command: CommandApdu) -> ResponseApdu:
        answer = ResponseApdu.parse(card.process(command.encode()))
        answers.append(answer.data)
        return answer

    terminal_randomness = [SK_MAP_IFD, SK_DH_IFD]
    result = pace.establish(
        transmit, pace.Password.mrz(PACE_MRZ), INFO, lambda size: terminal_randomness.pop(0)
    )
    assert answers[1:] == [
        tlv.encode(0x7C, tlv.encode(0x80, Z)),
        tlv.encode(0x7C, tlv.encode(0x82, PK_MAP_IC)),
        tlv.encode(0x7C, tlv.encode(0x84, PK_DH_IC)),
        tlv.encode(0x7C, tlv.encode(0x86, T_IC)),
    ]
    assert isinstance(result.channel, Channel)


# -- the curves and groups ------------------------------------------------------------------------

CRYPTOGRAPHY_CURVES = {
    12: ec.SECP256R1(),
    13: ec.BrainpoolP256R1(),
    15: ec.SECP384R1(),
    16: ec.BrainpoolP384R1(),
    17: ec.BrainpoolP512R1(),
    18: ec.SECP521R1(),
}


@pytest.mark.parametrize("parameter_id", sorted(CRYPTOGRAPHY_CURVES))
def test_curve_arithmetic_agrees_with_cryptography(parameter_id: int) -> None:
    curve = STANDARD_DOMAIN_PARAMETERS[parameter_id]
    assert isinstance(curve, EllipticCurve)
    assert curve.contains(curve.generator)
    assert curve.multiply(curve.n, curve.generator) is None
    for _ in range(3):
        scalar = secrets.randbelow(curve.n - 1) + 1
        numbers = (
            ec.derive_private_key(scalar, CRYPTOGRAPHY_CURVES[parameter_id]).public_key().public_numbers()
        )
        assert curve.multiply(scalar, curve.generator) == (numbers.x, numbers.y)
    with pytest.raises(ValueError):
        curve.decode(b"\x04" + bytes(2 * curve.size))


def _probably_prime(number: int) -> bool:
    if number % 2 == 0:
        return number == 2
    exponent, twos = number - 1, 0
    while exponent % 2 == 0:
        exponent, twos = exponent // 2, twos + 1
    for base in (2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37):
        value = pow(base, exponent, number)
        if value in (1, number - 1):
            continue
        for _ in range(twos - 1):
            value = pow(value, 2, number)
            if value == number - 1:
                break
        else:
            return False
    return True


@pytest.mark.parametrize("parameter_id", [0, 1, 2])
def test_rfc5114_groups(parameter_id: int) -> None:
    group = STANDARD_DOMAIN_PARAMETERS[parameter_id]
    assert isinstance(group, ModularGroup)
    assert _probably_prime(group.p) and _probably_prime(group.q)
    assert (group.p - 1) % group.q == 0
    assert pow(group.g, group.q, group.p) == 1 and group.g != 1


# -- the channel ----------------------------------------------------------------------------------

SUITES = [
    TDES_SUITE,
    CipherSuite(CipherKind.AES, 16),
    CipherSuite(CipherKind.AES, 24),
    CipherSuite(CipherKind.AES, 32),
]


@pytest.mark.parametrize("suite", SUITES, ids=lambda suite: suite.label)
@pytest.mark.parametrize(
    "command",
    [
        CommandApdu(0x00, 0xA4, 0x04, 0x0C, h("A0000002471001")),
        CommandApdu(0x00, 0xB0, 0x81, 0x00, le=223),
        CommandApdu(0x00, 0xB0, 0x00, 0x00, le=65536),
        CommandApdu(0x00, 0xB1, 0x00, 0x00, h("54028000"), le=200),
        CommandApdu(0x00, 0xD6, 0x00, 0x00, bytes(400)),
    ],
)
def test_terminal_and_chip_sides_agree(suite: CipherSuite, command: CommandApdu) -> None:
    key_length = suite.key_length
    enc, mac = secrets.token_bytes(key_length), secrets.token_bytes(key_length)
    terminal, chip = SecureChannel(suite, enc, mac, 41), SecureChannel(suite, enc, mac, 41)
    received = chip.unprotect_command(CommandApdu.parse(terminal.protect(command).encode()))
    assert (received.ins, received.p1, received.p2, received.data, received.le) == (
        command.ins,
        command.p1,
        command.p2,
        command.data,
        command.le,
    )
    answer = ResponseApdu(secrets.token_bytes(100), 0x6282)
    assert terminal.unprotect(chip.protect_response(answer, command.ins)) == answer


def test_padding() -> None:
    assert pad(b"", 8) == h("8000000000000000")
    assert pad(bytes(8), 8) == bytes(8) + h("8000000000000000")
    assert unpad(pad(b"abc", 16)) == b"abc"
    with pytest.raises(ValueError):
        unpad(bytes(16))
    assert adjust_parity(h("FFFE")) == h("FEFE")


@given(st.binary(max_size=200), st.integers(0, 0xFFFF))
def test_any_protected_response_verifies_or_is_refused_with_a_value_error(data: bytes, sw: int) -> None:
    channel = SecureChannel(SUITES[1], bytes(16), bytes(16), 0)
    try:
        channel.unprotect(ResponseApdu(data, sw))
    except ValueError:
        pass


@given(st.binary(max_size=200))
def test_any_protected_command_verifies_or_is_refused_with_a_value_error(data: bytes) -> None:
    channel = SecureChannel(TDES_SUITE, bytes(16), bytes(16), 0)
    try:
        channel.unprotect_command(CommandApdu(0x0C, 0xB0, 0, 0, data[:255]))
    except ValueError:
        pass
