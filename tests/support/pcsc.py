"""Fixtures for the card reader's tests through a real pcscd: a private pcscd with vsmartcard's vpcd.

Loaded by tests/conftest.py as a pytest plugin. It registers the ``card`` marker, and at start-up
points PCSCLITE_CSOCK_NAME at the private pcscd's socket, before any test makes a PC/SC call
(libpcsclite reads that name once per process): no test ever reaches the system's pcscd or a
real reader. The private pcscd (devices.idcard.simulator.pcscd) starts on first use, once per
session, on free TCP ports, and stops at the end; nothing has to run beforehand.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from devices.idcard.simulator.pcscd import PrivatePcscd, unavailable_reason

_daemon: PrivatePcscd | None = None
_previous_socket: str | None = None


def pytest_configure(config: pytest.Config) -> None:
    global _daemon, _previous_socket
    config.addinivalue_line(
        "markers",
        "card: reads a simulated card through a private pcscd and vsmartcard's vpcd reader "
        "(skipped, with the reason, where pcscd, vpcd or a mount namespace is not available)",
    )
    # KIOSK_PCSCD_APDU_LOG=1 adds pcscd's debug and APDU log to <workdir>/pcscd.log (simulated
    # cards only: their data is fictitious).
    _daemon = PrivatePcscd(apdu_log=os.environ.get("KIOSK_PCSCD_APDU_LOG") == "1")
    _previous_socket = os.environ.get("PCSCLITE_CSOCK_NAME")
    os.environ.update(_daemon.environment())


def pytest_unconfigure(config: pytest.Config) -> None:
    global _daemon
    if _daemon is not None:
        _daemon.close()
        _daemon = None
    if _previous_socket is None:
        os.environ.pop("PCSCLITE_CSOCK_NAME", None)
    else:
        os.environ["PCSCLITE_CSOCK_NAME"] = _previous_socket


@pytest.fixture(scope="session")
def private_pcscd() -> Iterator[PrivatePcscd]:
    """The session's private pcscd, started on first use (skips the test when it cannot run)."""
    reason = unavailable_reason()
    if reason:
        pytest.skip(f"no private pcscd: {reason}")
    try:
        from smartcard import scard  # noqa: F401
    except Exception as error:  # noqa: BLE001
        pytest.skip(f"pyscard is not usable: {error}")
    assert _daemon is not None
    if not _daemon.running:
        _daemon.start()
    yield _daemon
    _daemon.stop()


@pytest.fixture
def vpcd_cards(private_pcscd: PrivatePcscd) -> Iterator[Callable[..., object]]:
    """``put(card)``: puts a SimulatedCard on the private pcscd's first vpcd reader and returns
    its VpcdCard. Every card put is taken off after the test, and pcscd left with an empty reader."""
    from devices.idcard.pcsc import PcscTransport
    from devices.idcard.simulator.vpcd import VpcdCard

    placed: list[VpcdCard] = []

    def put(card: object) -> VpcdCard:
        placed.append(VpcdCard(card, port=private_pcscd.port))  # type: ignore[arg-type]
        placed[-1].insert()
        return placed[-1]

    yield put
    for card in placed:
        card.remove()
    transport = PcscTransport(private_pcscd.reader_name)
    deadline = time.monotonic() + 3.0
    while transport.card_present() and time.monotonic() < deadline:
        time.sleep(0.05)


@pytest.fixture
def pcscd_log(private_pcscd: PrivatePcscd) -> Callable[[], str]:
    """The private pcscd's log so far (to attach to a failing assertion)."""
    return lambda: private_pcscd.log_tail(3000)


@pytest.fixture
def simulated_csca(tmp_path: Path) -> Path:
    """The simulation's throw-away CSCA, written as a PEM file."""
    from devices.idcard.simulator import simulated_pki

    return simulated_pki().csca.write(tmp_path / "simulated-csca.pem")
