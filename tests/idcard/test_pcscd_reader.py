"""The real PC/SC driver (pyscard) through a real pcscd: the simulated chip answers on vpcd's reader.

The private pcscd (tests/support/pcsc.py) runs in its own mount namespace with its own socket
and free TCP ports; nothing has to run beforehand. These tests skip, with the reason, where
pcscd, vsmartcard-vpcd, pyscard or a mount namespace is not available.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

import pytest

from devices.idcard import Can, CardError, CardFault, MrzKey
from devices.idcard.lds import image_kind
from devices.idcard.simulator import DEMO_CAN, DEMO_CNIE, DEMO_PASSPORT, SimulatedCard, SimulatedFault

pytestmark = pytest.mark.card

READER = "Virtual PCD 00 00"
PASSPORT_KEY = MrzKey(DEMO_PASSPORT.document_number, DEMO_PASSPORT.birth_date, DEMO_PASSPORT.expiry_date)  # type: ignore[arg-type]


@pytest.fixture
def pcsc_reader(private_pcscd: object, simulated_csca: Path) -> object:
    from devices.idcard.pcsc import PcscCardReader

    return PcscCardReader(READER, simulated_csca)


def test_pcscd_lists_the_vpcd_readers(private_pcscd: object) -> None:
    from devices.idcard import pcsc

    assert pcsc.is_usable()
    assert pcsc.list_readers()[:2] == [READER, "Virtual PCD 00 01"]


def test_cnie_through_pcscd(pcsc_reader, vpcd_cards: Callable, pcscd_log: Callable) -> None:  # noqa: ANN001
    assert pcsc_reader.is_usable() and READER in pcsc_reader.readers()
    assert not pcsc_reader.wait_for_card(0.2)
    vpcd_cards(SimulatedCard.cnie())
    assert pcsc_reader.wait_for_card(5.0), pcscd_log()
    document, report = pcsc_reader.read(Can(DEMO_CAN))
    assert (document.surname, document.document_number) == (DEMO_CNIE.surname, DEMO_CNIE.document_number)
    assert document.photo is not None and image_kind(document.photo) == "jpeg"
    assert report.protocol == "PACE ECDH-GM AES-256 brainpoolP256r1"
    assert report.apdus == 11
    assert report.passive_authentication is not None and report.passive_authentication.passed


def test_wrong_can_through_pcscd(pcsc_reader, vpcd_cards: Callable) -> None:  # noqa: ANN001
    vpcd_cards(SimulatedCard.cnie())
    assert pcsc_reader.wait_for_card(5.0)
    with pytest.raises(CardError) as caught:
        pcsc_reader.read(Can("000000"))
    assert (caught.value.fault, caught.value.tries_left) == (CardFault.WRONG_KEY, 2)


def test_card_removed_mid_read_through_pcscd(pcsc_reader, vpcd_cards: Callable) -> None:  # noqa: ANN001
    card = SimulatedCard.cnie()
    card.apply_fault(SimulatedFault.REMOVED_MID_READ, after_apdus=9)
    vpcd_cards(card)
    assert pcsc_reader.wait_for_card(5.0)
    with pytest.raises(CardError) as caught:
        pcsc_reader.read(Can(DEMO_CAN))
    assert caught.value.fault is CardFault.CARD_REMOVED
    deadline = time.monotonic() + 3
    while pcsc_reader.transport.card_present() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not pcsc_reader.transport.card_present()


def test_tampered_dg1_through_pcscd(pcsc_reader, vpcd_cards: Callable) -> None:  # noqa: ANN001
    card = SimulatedCard.cnie()
    card.apply_fault(SimulatedFault.TAMPERED_DG1)
    vpcd_cards(card)
    assert pcsc_reader.wait_for_card(5.0)
    with pytest.raises(CardError) as caught:
        pcsc_reader.read(Can(DEMO_CAN))
    assert caught.value.fault is CardFault.TAMPERED


def test_passport_through_pcscd_with_bac(pcsc_reader, vpcd_cards: Callable) -> None:  # noqa: ANN001
    vpcd_cards(SimulatedCard.passport())
    assert pcsc_reader.wait_for_card(5.0)
    document, report = pcsc_reader.read(PASSPORT_KEY)
    assert report.protocol == "BAC" and document.surname == DEMO_PASSPORT.surname
    assert report.passive_authentication is not None and report.passive_authentication.passed


def test_no_card_through_pcscd(pcsc_reader) -> None:  # noqa: ANN001
    started = time.monotonic()
    assert not pcsc_reader.wait_for_card(0.5)
    assert 0.4 < time.monotonic() - started < 3
    with pytest.raises(CardError) as caught:
        pcsc_reader.read(Can(DEMO_CAN))
    assert caught.value.fault is CardFault.NO_CARD


def test_a_reader_that_is_not_plugged_in(private_pcscd: object) -> None:
    from devices.idcard.pcsc import PcscCardReader

    missing = PcscCardReader("Reader that is not there")
    assert not missing.is_usable()
    with pytest.raises(CardError) as caught:
        missing.read(Can(DEMO_CAN))
    assert caught.value.fault is CardFault.READER_MISSING
    with pytest.raises(CardError) as caught:
        missing.wait_for_card(0.1)
    assert caught.value.fault is CardFault.READER_MISSING


def test_the_card_command_through_pcscd(vpcd_cards: Callable, simulated_csca: Path) -> None:
    from devices.idcard import commands

    assert READER in commands.list_readers()
    vpcd_cards(SimulatedCard.cnie())
    result = commands.read_card(DEMO_CAN, reader="Virtual PCD 00 00", csca=str(simulated_csca), as_json=True)
    assert isinstance(result, dict)
    assert result["document"]["surname"] == DEMO_CNIE.surname
    assert result["protocol"].startswith("PACE")
    assert result["passive_authentication"]["csca_trusted"] is True


def test_pcscd_gone_means_reader_missing(private_pcscd, pcsc_reader) -> None:  # noqa: ANN001
    """Last in this module: stops the private pcscd, then starts it again for later tests."""
    private_pcscd.stop()
    try:
        assert not pcsc_reader.is_usable()
        with pytest.raises(CardError) as caught:
            pcsc_reader.read(Can(DEMO_CAN))
        assert caught.value.fault is CardFault.READER_MISSING
    finally:
        private_pcscd.start()
    assert pcsc_reader.is_usable()
