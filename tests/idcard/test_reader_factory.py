"""create_reader's kinds and options, the "none" reader, and the functions of the `kiosk card` command."""

from __future__ import annotations

import pytest

from devices.idcard import Can, CardError, CardFault, MrzKey, commands, pcsc
from devices.idcard.factory import NoCardReader, create_reader
from devices.idcard.simulator import DEMO_CAN, DEMO_CNIE, SimulatedCardReader

OLD_FRENCH = "IDFRAPETE<<<<<<<<<<<<<<<<<<<<<952042\n0509952018746NICOLAS<<PAUL<8206152M3"


def test_simulated_reader_has_the_demo_card_on_it() -> None:
    reader = create_reader("simulated")
    assert isinstance(reader, SimulatedCardReader)
    assert reader.is_usable() and reader.wait_for_card(0.1)
    document, report = reader.read(Can(DEMO_CAN))
    assert document.surname == DEMO_CNIE.surname and report.passive_authentication.passed  # type: ignore[union-attr]


def test_simulated_passport_and_empty_reader() -> None:
    passport = create_reader("simulated", card="passport", latency=0.0)
    assert passport.read(commands.parse_access("24FD91834,851103,330227"))[1].protocol == "BAC"
    assert not create_reader("simulated", card="none").wait_for_card(0.01)


def test_pcsc_reader_is_built_without_touching_pcscd() -> None:
    reader = create_reader("pcsc", reader="Some reader", extended_length=False)
    assert isinstance(reader, pcsc.PcscCardReader)


def test_none_reader() -> None:
    reader = create_reader("none")
    assert isinstance(reader, NoCardReader)
    assert not reader.is_usable() and reader.readers() == [] and not reader.wait_for_card(1.0)
    with pytest.raises(CardError) as caught:
        reader.read(Can(DEMO_CAN))
    assert caught.value.fault is CardFault.READER_MISSING


def test_unknown_kind_names_the_allowed_kinds() -> None:
    with pytest.raises(ValueError, match="simulated, pcsc, none"):
        create_reader("usb")


@pytest.mark.parametrize(
    ("kind", "options", "message"),
    [
        ("pcsc", {"port": 3}, "unknown option"),
        ("none", {"reader": "x"}, "allowed: none"),
        ("simulated", {"card": "bank"}, "cnie, passport, none"),
        ("pcsc", {"csca": "/no/such/file"}, "does not exist"),
    ],
)
def test_bad_options(kind: str, options: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message):
        create_reader(kind, **options)


def test_pcsc_is_unusable_without_pyscard(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(pcsc, "scard", None)
    assert not pcsc.is_usable()
    assert not pcsc.PcscCardReader().is_usable()
    with pytest.raises(CardError) as caught:
        pcsc.list_readers()
    assert caught.value.fault is CardFault.READER_MISSING


def test_choose_reader() -> None:
    names = ["Gemalto PC Twin Reader 00 00", "ACS ACR1252 Dual Reader PICC 01 00"]
    assert pcsc.choose_reader(names, None) == names[1]
    assert pcsc.choose_reader(names, "twin") == names[0]
    assert pcsc.choose_reader(names[:1], None) == names[0]
    with pytest.raises(CardError):
        pcsc.choose_reader(names, "Omnikey")
    with pytest.raises(CardError):
        pcsc.choose_reader([], None)


# -- the command's functions ----------------------------------------------------------------------


def test_parse_access() -> None:
    assert commands.parse_access(" 123456 ") == Can("123456")
    assert isinstance(commands.parse_access("L898902C,690806,940623"), MrzKey)
    for bad in ("12345", "abc", "L898902C;690806;940623"):
        with pytest.raises(ValueError):
            commands.parse_access(bad)


def test_read_card_as_text_and_json() -> None:
    text = commands.read_card(DEMO_CAN, kind="simulated")
    assert isinstance(text, str)
    assert "surname: EXEMPLE" in text and "protocol: PACE ECDH-GM AES-256 brainpoolP256r1" in text
    assert "csca_trusted: yes" in text
    result = commands.read_card(DEMO_CAN, kind="simulated", as_json=True)
    assert isinstance(result, dict)
    assert result["document"]["birth_date"] == "1990-04-12"
    assert result["document"]["photo"]["format"] == "jpeg"
    assert result["passive_authentication"] == {
        "hashes_match": True,
        "signature_valid": True,
        "csca_trusted": True,
        "passed": True,
        "detail": "",
    }


def test_read_card_errors() -> None:
    with pytest.raises(CardError) as caught:
        commands.read_card("654321", kind="simulated")
    assert caught.value.fault is CardFault.WRONG_KEY
    assert (
        commands.describe_error(caught.value)
        == "card error: wrong_key: PACE mutual authentication: wrong password (2 tries left)"
    )
    with pytest.raises(CardError) as caught:
        commands.read_card(DEMO_CAN, kind="none")
    assert caught.value.fault is CardFault.READER_MISSING
    assert commands.describe_error(ValueError("bad")) == "error: bad"


def test_parse_mrz_text() -> None:
    text = commands.parse_mrz_text(OLD_FRENCH)
    assert isinstance(text, str) and "given_names: NICOLAS, PAUL" in text and "format: FR-ID" in text
    result = commands.parse_mrz_text(
        "I<UTOD231458907<<<<<<<<<<<<<<<\n7408122F1204159UTO<<<<<<<<<<<6\nERIKSSON<<ANNA<MARIA<<<<<<<<<<", True
    )
    assert isinstance(result, dict) and result["mrz_information"] == "D23145890774081221204159"
    with pytest.raises(ValueError):
        commands.parse_mrz_text("not an MRZ")
