"""What a kiosk's row means to a person: its status (with a colour and words) and its device problems."""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum

from fleet.dashboard.records import DeviceState


class Status(StrEnum):
    """The status shown in the fleet table; the value is what the API and filters use."""

    OFFLINE = "offline"  #: the broker sent its will, or nothing was heard for too long
    STOPPED = "stopped"  #: stopped cleanly (published "disconnected")
    MAINTENANCE = "maintenance"
    PROBLEM = "problem"  #: running, but a device, its content or the kiosk itself needs a look
    OK = "ok"


class Level(StrEnum):
    """The colour of a status; always shown with the status' words, never alone."""

    RED = "red"
    ORANGE = "orange"
    GREEN = "green"


STATUS_LEVEL: dict[Status, Level] = {
    Status.OFFLINE: Level.RED,
    Status.STOPPED: Level.ORANGE,
    Status.MAINTENANCE: Level.ORANGE,
    Status.PROBLEM: Level.ORANGE,
    Status.OK: Level.GREEN,
}

#: The words a person reads, in plain French.
STATUS_LABEL: dict[Status, str] = {
    Status.OFFLINE: "Hors ligne",
    Status.STOPPED: "Arrêtée",
    Status.MAINTENANCE: "En maintenance",
    Status.PROBLEM: "À vérifier",
    Status.OK: "En service",
}


class Problem(StrEnum):
    """A reason to look at a running kiosk; the value is what the API and filters use."""

    PAPER_OUT = "paper_out"
    PAPER_LOW = "paper_low"
    PRINTER_FAULT = "printer_fault"  #: present but not ready for another reason (cover, offline)
    PRINTER_MISSING = "printer_missing"
    READER_MISSING = "reader_missing"
    READER_FAULT = "reader_fault"
    STALE_CONTENT = "stale_content"  #: the content's facts were checked too long ago
    #: drawn by the processor: the graphics driver is missing, every screen change is slower
    SCREEN_SOFTWARE = "screen_software"


PROBLEM_LABEL: dict[Problem, str] = {
    Problem.PAPER_OUT: "Plus de papier",
    Problem.PAPER_LOW: "Papier bientôt fini",
    Problem.PRINTER_FAULT: "Imprimante en panne",
    Problem.PRINTER_MISSING: "Imprimante absente",
    Problem.READER_MISSING: "Lecteur de carte absent",
    Problem.READER_FAULT: "Lecteur de carte en panne",
    Problem.STALE_CONTENT: "Contenu à revoir",
    Problem.SCREEN_SOFTWARE: "Écran lent : pilote graphique absent",
}

#: The names kiosks give their watched devices.
PRINTER = "printer"
CARD_READER = "card_reader"
SCREEN = "screen"


def device_problems(devices: Iterable[DeviceState]) -> list[Problem]:
    """The problems a health message's devices show (the content's age is judged at read time)."""
    problems: list[Problem] = []
    for device in devices:
        if device.name == PRINTER:
            problems.extend(_printer_problems(device))
        elif device.name == CARD_READER and not device.present:
            problems.append(Problem.READER_MISSING)
        elif device.name == CARD_READER and not device.ready:
            problems.append(Problem.READER_FAULT)
        elif device.name == SCREEN and device.detail == "drawn_in_software":
            problems.append(Problem.SCREEN_SOFTWARE)
    return problems


def _printer_problems(printer: DeviceState) -> list[Problem]:
    if not printer.present:
        return [Problem.PRINTER_MISSING]
    if printer.detail == "paper_out":
        return [Problem.PAPER_OUT]
    if not printer.ready:
        return [Problem.PRINTER_FAULT]
    if printer.detail == "paper_near_end":
        return [Problem.PAPER_LOW]
    return []


def encode_problems(problems: Iterable[Problem]) -> str:
    """The column's form: each problem between commas, so `LIKE '%,paper_out,%'` finds it."""
    values = sorted(set(problems))
    return f",{','.join(values)}," if values else ""


def decode_problems(column: str) -> list[Problem]:
    """The column's problems back as members (unknown codes from a newer version are skipped)."""
    known = {problem.value for problem in Problem}
    return [Problem(code) for code in column.split(",") if code in known]
