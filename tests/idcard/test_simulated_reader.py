"""The reader against the in-process simulated chip: the whole protocol, every fault, no pcscd."""

from __future__ import annotations

import dataclasses
import datetime as dt
import logging
import threading

import pytest

from devices.idcard import Can, CardError, CardFault, MrzKey
from devices.idcard.lds import image_kind
from devices.idcard.reader import EmrtdReader
from devices.idcard.simulator import (
    CNIE_PROFILE,
    DEMO_CAN,
    DEMO_CNIE,
    DEMO_PASSPORT,
    InProcessTransport,
    SimulatedCard,
    SimulatedCardReader,
    SimulatedFault,
    pace_profile,
)

PASSPORT_KEY = MrzKey(DEMO_PASSPORT.document_number, DEMO_PASSPORT.birth_date, DEMO_PASSPORT.expiry_date)  # type: ignore[arg-type]
CNIE_KEY = MrzKey(DEMO_CNIE.document_number, DEMO_CNIE.birth_date, DEMO_CNIE.expiry_date)  # type: ignore[arg-type]


@pytest.fixture
def reader() -> SimulatedCardReader:
    card_reader = SimulatedCardReader()
    card_reader.insert_card(SimulatedCard.cnie())  # a fresh chip: its own try counter
    return card_reader


def test_cnie_with_the_right_can(reader: SimulatedCardReader) -> None:
    document, report = reader.read(Can(DEMO_CAN))
    assert dataclasses.replace(document, photo=None) == DEMO_CNIE
    assert document.photo is not None and image_kind(document.photo) == "jpeg"
    assert report.protocol == "PACE ECDH-GM AES-256 brainpoolP256r1"
    authentication = report.passive_authentication
    assert authentication is not None and authentication.passed
    assert (authentication.hashes_match, authentication.signature_valid, authentication.csca_trusted) == (
        True,
        True,
        True,
    )
    assert report.apdus == 11  # EF.CardAccess, MSE, 4 × GA, SELECT, EF.COM, DG1, DG2, EF.SOD
    assert reader.reports[-1] is report


def test_the_reader_names_the_parameter_set_and_never_reads_dg3(reader: SimulatedCardReader) -> None:
    reader.read(Can(DEMO_CAN))
    card = reader.card
    assert card is not None
    assert card.log[:2] == ["READ EF.CardAccess", "MSE:Set AT"]
    assert not any("DG3" in entry or "DG4" in entry for entry in card.log)


def test_without_the_photo(reader: SimulatedCardReader) -> None:
    document, report = reader.read(Can(DEMO_CAN), with_photo=False)
    assert document.photo is None
    assert report.apdus == 10
    assert reader.card is not None and "READ DG2" not in reader.card.log


def test_wrong_can_says_the_tries_left_then_blocks(reader: SimulatedCardReader) -> None:
    for left in (2, 1):
        with pytest.raises(CardError) as caught:
            reader.read(Can("654321"))
        assert (caught.value.fault, caught.value.tries_left) == (CardFault.WRONG_KEY, left)
    with pytest.raises(CardError) as caught:
        reader.read(Can("654321"))
    assert caught.value.fault is CardFault.BLOCKED
    with pytest.raises(CardError) as caught:
        reader.read(Can(DEMO_CAN))  # even the right CAN: the chip is blocked
    assert caught.value.fault is CardFault.BLOCKED


def test_a_right_can_resets_the_counter(reader: SimulatedCardReader) -> None:
    with pytest.raises(CardError):
        reader.read(Can("654321"))
    reader.read(Can(DEMO_CAN))
    with pytest.raises(CardError) as caught:
        reader.read(Can("654321"))
    assert caught.value.tries_left == 2


def test_blocked_on_demand(reader: SimulatedCardReader) -> None:
    reader.set_fault("blocked")
    with pytest.raises(CardError) as caught:
        reader.read(Can(DEMO_CAN))
    assert caught.value.fault is CardFault.BLOCKED


def test_card_removed_mid_read(reader: SimulatedCardReader) -> None:
    reader.set_fault(SimulatedFault.REMOVED_MID_READ, after_apdus=8)
    with pytest.raises(CardError) as caught:
        reader.read(Can(DEMO_CAN))
    assert caught.value.fault is CardFault.CARD_REMOVED
    assert not reader.wait_for_card(0.01)
    with pytest.raises(CardError) as caught:
        reader.read(Can(DEMO_CAN))
    assert caught.value.fault is CardFault.NO_CARD


def test_tampered_dg1(reader: SimulatedCardReader) -> None:
    reader.set_fault(SimulatedFault.TAMPERED_DG1)
    with pytest.raises(CardError) as caught:
        reader.read(Can(DEMO_CAN))
    assert caught.value.fault is CardFault.TAMPERED
    assert "DG1" in str(caught.value)


def test_unknown_csca(reader: SimulatedCardReader) -> None:
    reader.set_fault("unknown_csca")
    document, report = reader.read(Can(DEMO_CAN))
    authentication = report.passive_authentication
    assert authentication is not None
    assert (authentication.hashes_match, authentication.signature_valid) == (True, True)
    assert authentication.csca_trusted is False and not authentication.passed
    assert document.surname == DEMO_CNIE.surname


def test_faults_clear(reader: SimulatedCardReader) -> None:
    reader.set_fault("tampered_dg1")
    reader.set_fault(None)
    assert reader.read(Can(DEMO_CAN))[1].passive_authentication.passed  # type: ignore[union-attr]


def test_without_a_csca_list_the_chain_is_not_checked() -> None:
    card_reader = SimulatedCardReader(SimulatedCard.cnie())
    card_reader.csca = None
    authentication = card_reader.read(Can(DEMO_CAN))[1].passive_authentication
    assert authentication is not None and authentication.csca_trusted is None and authentication.passed


def test_passport_through_bac() -> None:
    card_reader = SimulatedCardReader(SimulatedCard.passport())
    document, report = card_reader.read(PASSPORT_KEY)
    assert dataclasses.replace(document, photo=None) == DEMO_PASSPORT
    assert report.protocol == "BAC"
    assert report.passive_authentication is not None and report.passive_authentication.passed
    assert document.photo is not None and image_kind(document.photo) == "jpeg"


def test_passport_with_a_wrong_mrz() -> None:
    card_reader = SimulatedCardReader(SimulatedCard.passport())
    with pytest.raises(CardError) as caught:
        card_reader.read(dataclasses.replace(PASSPORT_KEY, birth_date=dt.date(1985, 11, 4)))
    assert caught.value.fault is CardFault.WRONG_KEY


def test_a_can_cannot_open_a_bac_passport() -> None:
    card_reader = SimulatedCardReader(SimulatedCard.passport())
    with pytest.raises(CardError) as caught:
        card_reader.read(Can(DEMO_CAN))
    assert caught.value.fault is CardFault.UNKNOWN_DOCUMENT


def test_cnie_opened_with_its_mrz_through_pace(reader: SimulatedCardReader) -> None:
    document, report = reader.read(CNIE_KEY)
    assert report.protocol.startswith("PACE ")
    assert document.document_number == DEMO_CNIE.document_number


@pytest.mark.parametrize("key", [Can(DEMO_CAN), CNIE_KEY])
def test_a_card_that_is_not_an_identity_document(reader: SimulatedCardReader, key: object) -> None:
    reader.set_fault("not_an_emrtd")
    with pytest.raises(CardError) as caught:
        reader.read(key)  # type: ignore[arg-type]
    assert caught.value.fault is CardFault.UNKNOWN_DOCUMENT


def test_no_card() -> None:
    card_reader = SimulatedCardReader()
    assert card_reader.is_usable() and card_reader.readers() == ["Lecteur simulé"]
    assert not card_reader.wait_for_card(0.05)
    with pytest.raises(CardError) as caught:
        card_reader.read(Can(DEMO_CAN))
    assert caught.value.fault is CardFault.NO_CARD


def test_wait_for_card_wakes_when_a_card_comes() -> None:
    card_reader = SimulatedCardReader()
    timer = threading.Timer(0.05, card_reader.insert_card)
    timer.start()
    assert card_reader.wait_for_card(5.0)
    timer.join()


def test_remove_card(reader: SimulatedCardReader) -> None:
    reader.remove_card()
    assert not reader.wait_for_card(0.0)


# -- every supported parameter set ----------------------------------------------------------------

GM = "0.4.0.127.0.7.2.2.4"


@pytest.mark.parametrize("parameter_id", [12, 13, 15, 16, 17, 18])
@pytest.mark.parametrize("cipher", [1, 2, 3, 4], ids=["3DES", "AES-128", "AES-192", "AES-256"])
def test_pace_ecdh_gm_on_every_curve_and_cipher(parameter_id: int, cipher: int) -> None:
    profile = pace_profile(f"{GM}.2.{cipher}", parameter_id)
    card_reader = SimulatedCardReader(SimulatedCard(DEMO_CNIE, profile, can=DEMO_CAN))
    document, report = card_reader.read(Can(DEMO_CAN), with_photo=False)
    assert document.surname == DEMO_CNIE.surname
    assert report.protocol.startswith("PACE ECDH-GM")


@pytest.mark.parametrize("parameter_id", [0, 1, 2])
@pytest.mark.parametrize("cipher", [1, 2], ids=["3DES", "AES-128"])
def test_pace_dh_gm(parameter_id: int, cipher: int) -> None:
    profile = pace_profile(f"{GM}.1.{cipher}", parameter_id)
    card_reader = SimulatedCardReader(SimulatedCard(DEMO_CNIE, profile, can=DEMO_CAN))
    assert card_reader.read(Can(DEMO_CAN), with_photo=False)[1].protocol.startswith("PACE DH-GM")


@pytest.mark.parametrize(("cipher", "nonce_length"), [(1, 8), (1, 24), (2, 16), (2, 32), (4, 32)])
def test_nonces_up_to_32_bytes(cipher: int, nonce_length: int) -> None:
    profile = pace_profile(f"{GM}.2.{cipher}", 13, nonce_length=nonce_length)
    card_reader = SimulatedCardReader(SimulatedCard(DEMO_CNIE, profile, can=DEMO_CAN))
    card_reader.read(Can(DEMO_CAN), with_photo=False)


def test_the_chip_refuses_integrated_mapping_and_the_reader_never_asks_for_it() -> None:
    gm, im = CNIE_PROFILE.pace
    assert not im.supported and gm.supported
    only_im = dataclasses.replace(CNIE_PROFILE, pace=(im,))
    card_reader = SimulatedCardReader(SimulatedCard(DEMO_CNIE, only_im, can=DEMO_CAN))
    with pytest.raises(CardError) as caught:
        card_reader.read(Can(DEMO_CAN))
    assert caught.value.fault is CardFault.UNKNOWN_DOCUMENT


# -- reading lengths ------------------------------------------------------------------------------


def test_short_reads_when_the_chip_has_no_extended_length() -> None:
    profile = dataclasses.replace(CNIE_PROFILE, extended_length=False)
    card_reader = SimulatedCardReader(SimulatedCard.cnie(profile=profile))
    document, report = card_reader.read(Can(DEMO_CAN))
    assert document.photo is not None and report.apdus > 20


def test_falls_back_to_smaller_chunks_when_a_long_read_is_refused() -> None:
    # The ATR promises extended length, but the chip refuses any read longer than 100 bytes.
    profile = dataclasses.replace(CNIE_PROFILE, max_read=100)
    card = SimulatedCard.cnie(profile=profile)
    document, _report = SimulatedCardReader(card).read(Can(DEMO_CAN))
    assert document.photo is not None


def test_offsets_past_32_kib_use_read_binary_b1() -> None:
    big = bytes([0xFF, 0xD8, 0xFF, 0xE0]) + bytes(40_000)
    profile = dataclasses.replace(CNIE_PROFILE, extended_length=False)
    card = SimulatedCard.cnie(profile=profile, photo=(big, 480, 640))
    document, _report = SimulatedCardReader(card).read(Can(DEMO_CAN))
    assert document.photo == big


def test_extended_length_can_be_forced_off() -> None:
    card_reader = SimulatedCardReader(SimulatedCard.cnie(), extended_length=False)
    assert card_reader.read(Can(DEMO_CAN))[1].apdus > 20


# -- privacy --------------------------------------------------------------------------------------


def test_logs_hold_no_personal_data(reader: SimulatedCardReader, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)
    reader.read(Can(DEMO_CAN))
    with pytest.raises(CardError):
        reader.read(Can("654321"))
    reader.set_fault("tampered_dg1")
    with pytest.raises(CardError):
        reader.read(Can(DEMO_CAN))
    text = caplog.text
    assert "PACE ECDH-GM" in text  # the logs do say what happened
    card = reader.card
    assert card is not None
    secrets_of_the_citizen = [
        DEMO_CNIE.surname,
        "CAMILLE",
        DEMO_CNIE.document_number,
        "1990",
        "900412",
        "340614",
        DEMO_CAN,
        "654321",
        card.mrz.splitlines()[1],
    ]
    for secret in secrets_of_the_citizen:
        assert secret not in text, secret


def test_errors_and_reprs_hold_no_personal_data(reader: SimulatedCardReader) -> None:
    document, report = reader.read(Can(DEMO_CAN))
    for shown in (repr(document), repr(report), repr(Can(DEMO_CAN)), repr(CNIE_KEY)):
        assert DEMO_CNIE.surname not in shown and DEMO_CAN not in shown


def test_a_transport_error_that_is_not_a_card_error_still_becomes_one() -> None:
    class Broken(InProcessTransport):
        def transmit(self, apdu: bytes) -> bytes:
            raise OSError("the driver fell over")

    transport = Broken()
    transport.insert(SimulatedCard.cnie())
    with pytest.raises(CardError) as caught:
        EmrtdReader(transport).read(Can(DEMO_CAN))
    assert caught.value.fault is CardFault.UNREADABLE
