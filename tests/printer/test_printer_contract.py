"""The contract every ReceiptPrinter keeps, run against each implementation: the network printer
(to the fake), the file printer and the simulator send the same bytes for the same document,
and report the same faults the same way (those that read a status back)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from accessibility.fonts import ARABIC_FONT
from devices.printer import (
    LineStyle,
    PaperState,
    PrinterError,
    PrinterFault,
    ReceiptDocument,
    ReceiptLine,
    ReceiptPart,
    ReceiptPrinter,
)
from devices.printer.factory import create_printer
from devices.printer.layout import to_bytes
from devices.printer.profile import printer_profile
from devices.printer.simulated import SimulatedPrinter

from support.fake_printer import FakeNetworkPrinter

DOCUMENT = ReceiptDocument(
    lines=[
        ReceiptLine("Acte de naissance", LineStyle.TITLE),
        ReceiptLine("Pièce d'identité", LineStyle.CHECKED),
        ReceiptLine("Livret de famille", LineStyle.MISSING),
    ],
    qr_url="https://www.service-public.gouv.fr/particuliers/vosdroits/F1427",
    qr_caption="Demander en ligne",
    footer=["Source : fiche F1427"],
    translation=ReceiptPart(
        "ar", [ReceiptLine("شهادة الميلاد", LineStyle.TITLE)], right_to_left=True, font=ARABIC_FONT
    ),
    checklist="Acte de naissance\n- Pièce d'identité\n- Livret de famille",
    checklist_caption="La liste sur votre téléphone",
)


@dataclass
class Rig:
    """One implementation, and how a test acts on the device behind it."""

    name: str
    printer: ReceiptPrinter
    printed: Callable[[], list[bytes]]
    #: Puts the device in a state: "paper_out", "cover_open", "offline", "unreachable", or
    #: "stops_during" (the next receipt stops half way with the paper out); None if it cannot.
    put: Callable[[str], None] | None


def network_rig(fake: FakeNetworkPrinter, paper_mm: int) -> Rig:
    def put(state: str) -> None:
        if state == "paper_out":
            fake.paper = "out"
        elif state == "cover_open":
            fake.cover_open = True
        elif state == "offline":
            fake.online = False
        elif state == "stops_during":
            fake.paper_out_after = 100
        else:
            fake.close()

    return Rig(
        "network", create_printer(fake.url, paper_mm, timeout=1), lambda: fake.wait_for_receipts(1), put
    )


def file_rig(path: Path, paper_mm: int) -> Rig:
    def put(state: str) -> None:
        assert state == "unreachable", "a file reads nothing back"
        path.parent.rename(path.parent.with_name("gone"))

    def printed() -> list[bytes]:
        return [path.read_bytes()] if path.exists() else []

    return Rig("file", create_printer(f"file://{path}", paper_mm), printed, put)


def simulated_rig(paper_mm: int) -> Rig:
    printer = create_printer("sim://", paper_mm)
    assert isinstance(printer, SimulatedPrinter)

    def put(state: str) -> None:
        if state == "paper_out":
            printer.set_paper("out")
        elif state == "cover_open":
            printer.set_cover_open(True)
        elif state == "stops_during":
            printer.interrupt_next_receipt(PrinterFault.PAPER_OUT)
        else:  # offline and unreachable look the same from here
            printer.set_online(False)

    return Rig("simulated", printer, lambda: list(printer.printed), put)


def rigs(kind: str, tmp_path: Path) -> Iterator[Callable[[int], Rig]]:
    fakes: list[FakeNetworkPrinter] = []

    def make(paper_mm: int) -> Rig:
        if kind == "network":
            fakes.append(FakeNetworkPrinter())
            return network_rig(fakes[-1], paper_mm)
        if kind == "file":
            (tmp_path / "dev").mkdir()
            return file_rig(tmp_path / "dev" / "lp0", paper_mm)
        return simulated_rig(paper_mm)

    yield make
    for fake in fakes:
        fake.close()


@pytest.fixture(params=["network", "file", "simulated"])
def rig_factory(request, tmp_path) -> Iterator[Callable[[int], Rig]]:
    """Every implementation."""
    yield from rigs(request.param, tmp_path)


@pytest.fixture(params=["network", "simulated"])
def reading_rig_factory(request, tmp_path) -> Iterator[Callable[[int], Rig]]:
    """The implementations that read the printer's status back (not the file printer)."""
    yield from rigs(request.param, tmp_path)


@pytest.mark.parametrize("paper_mm", [58, 80])
def test_every_printer_sends_the_same_bytes(rig_factory, paper_mm) -> None:
    rig = rig_factory(paper_mm)
    rig.printer.print_receipt(DOCUMENT)
    assert rig.printed() == [to_bytes(DOCUMENT, printer_profile(paper_mm))]


def test_every_printer_is_usable_and_ready_at_first(rig_factory) -> None:
    rig = rig_factory(80)
    status = rig.printer.status()
    assert rig.printer.is_usable() and status.fault is None
    if getattr(rig.printer, "reads_status", True):
        assert (status.online, status.cover_open, status.paper) == (True, False, PaperState.OK)
    else:
        assert (status.online, status.paper) == (None, PaperState.UNKNOWN)


@pytest.mark.parametrize(
    ("state", "fault"),
    [
        ("paper_out", PrinterFault.PAPER_OUT),
        ("cover_open", PrinterFault.COVER_OPEN),
        ("offline", PrinterFault.OFFLINE),
    ],
)
def test_a_fault_reported_before_printing_is_the_same_everywhere(reading_rig_factory, state, fault) -> None:
    rig = reading_rig_factory(80)
    assert rig.put is not None
    rig.put(state)
    assert rig.printer.status().fault is fault
    with pytest.raises(PrinterError) as caught:
        rig.printer.print_receipt(DOCUMENT)
    assert (caught.value.fault, caught.value.during) == (fault, False)


def test_a_fault_while_printing_is_reported_as_during_everywhere(reading_rig_factory) -> None:
    rig = reading_rig_factory(80)
    assert rig.put is not None
    rig.put("stops_during")
    with pytest.raises(PrinterError) as caught:
        rig.printer.print_receipt(DOCUMENT)
    assert (caught.value.fault, caught.value.during) == (PrinterFault.PAPER_OUT, True)
    assert rig.printer.status().fault is PrinterFault.PAPER_OUT


def test_an_unreachable_printer_is_offline_and_nothing_is_printed(rig_factory) -> None:
    rig = rig_factory(80)
    assert rig.put is not None
    rig.put("unreachable")
    assert rig.printer.status().fault is PrinterFault.OFFLINE
    with pytest.raises(PrinterError) as caught:
        rig.printer.print_receipt(DOCUMENT)
    assert (caught.value.fault, caught.value.during) == (PrinterFault.OFFLINE, False)
