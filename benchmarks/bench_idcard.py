"""Card read benchmark: PACE + DG1 + EF.SOD on the simulated CNIe, in process and through a real pcscd.

Run: ``.venv/bin/python benchmarks/bench_idcard.py [--count 20] [--no-pcscd]``

Prints, for each way of reaching the chip, the median and slowest time of a read (PACE with the
CAN, EF.COM, DG1, EF.SOD and passive authentication; no photo) and the number of APDUs it took,
next to the fewest APDUs the protocol needs. Through pcscd, the chip is the simulator behind
vsmartcard's vpcd reader, on a private pcscd started here (see devices.idcard.simulator.pcscd):
the figure is the protocol's own cost plus pcscd's, not a contactless link's (a real CNIe on a
real reader adds some 10–30 ms per APDU). No assertions: figures.
"""

from __future__ import annotations

import argparse
import dataclasses
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from devices.idcard import Can, CardReader  # noqa: E402
from devices.idcard.simulator import CNIE_PROFILE, DEMO_CAN, SimulatedCard, SimulatedCardReader  # noqa: E402
from devices.idcard.simulator.pcscd import PrivatePcscd, unavailable_reason  # noqa: E402

#: EF.CardAccess, MSE:Set AT, 4 × GENERAL AUTHENTICATE, SELECT eMRTD, DG1, EF.SOD (one
#: extended-length read each); EF.COM is optional (this reader reads it: one more).
MINIMUM_APDUS = 9
MINIMUM_DETAIL = "EF.CardAccess 1 + MSE:Set AT 1 + GENERAL AUTHENTICATE 4 + SELECT 1 + DG1 1 + EF.SOD 1"


def measure(reader: CardReader, count: int) -> tuple[list[float], int]:
    reader.read(Can(DEMO_CAN), with_photo=False)  # warm-up (imports, caches)
    times, apdus = [], 0
    for _ in range(count):
        started = time.perf_counter()
        _document, report = reader.read(Can(DEMO_CAN), with_photo=False)
        times.append(time.perf_counter() - started)
        apdus = report.apdus
    return times, apdus


def line(label: str, times: list[float], apdus: int) -> str:
    return (
        f"{label:<46} median {statistics.median(times) * 1000:7.1f} ms   max {max(times) * 1000:7.1f} ms"
        f"   {apdus:3d} APDUs (minimum {MINIMUM_APDUS})"
    )


def through_pcscd(count: int, profiles: dict[str, Callable[[], SimulatedCard]]) -> None:
    reason = unavailable_reason()
    if reason:
        print(f"through pcscd: skipped ({reason})")
        return
    daemon = PrivatePcscd()
    os.environ.update(daemon.environment())  # before the first PC/SC call of this process
    daemon.start()
    try:
        from devices.idcard.pcsc import PcscCardReader, PcscTransport
        from devices.idcard.simulator.vpcd import VpcdCard

        for label, make in profiles.items():
            card = VpcdCard(make(), port=daemon.port)
            card.insert()
            reader = PcscCardReader(daemon.reader_name)
            if not reader.wait_for_card(5.0):
                print(f"through pcscd, {label}: no card seen ({daemon.log_tail(300)})")
                continue
            times, apdus = measure(reader, count)
            print(line(f"through pcscd + vpcd, {label}", times, apdus))
            card.remove()
            time.sleep(0.6)  # pcscd notices the card left
        card = VpcdCard(SimulatedCard.cnie(), port=daemon.port)
        card.insert()
        transport = PcscTransport(daemon.reader_name)
        transport.wait_for_card(5.0)
        transport.connect()
        round_trips = []
        for _ in range(200):
            started = time.perf_counter()
            transport.transmit(bytes.fromhex("00B09C0000"))
            round_trips.append(time.perf_counter() - started)
        transport.disconnect()
        card.remove()
        median = statistics.median(round_trips) * 1000
        print(f"{'one APDU round trip through pcscd + vpcd':<46} median {median:7.2f} ms")
    finally:
        daemon.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20, help="reads per figure (default 20)")
    parser.add_argument("--no-pcscd", action="store_true", help="only the in-process figures")
    arguments = parser.parse_args()
    profiles: dict[str, Callable[[], SimulatedCard]] = {
        "CNIe, extended length": SimulatedCard.cnie,
        "CNIe, short reads only": lambda: SimulatedCard.cnie(
            profile=dataclasses.replace(CNIE_PROFILE, extended_length=False)
        ),
    }
    print(f"PACE ECDH-GM AES-256 brainpoolP256r1 + EF.COM + DG1 + EF.SOD + checks, {arguments.count} reads")
    print(f"fewest APDUs the protocol needs: {MINIMUM_APDUS} ({MINIMUM_DETAIL})")
    for label, make in profiles.items():
        times, apdus = measure(SimulatedCardReader(make()), arguments.count)
        print(line(f"in process, {label}", times, apdus))
    if not arguments.no_pcscd:
        through_pcscd(arguments.count, profiles)


if __name__ == "__main__":
    main()
