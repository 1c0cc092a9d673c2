"""Walks of the real app shared by the GUI tests: one screen of every kind, yielding a name on each."""

from __future__ import annotations

from collections.abc import Iterator

from kiosk.testing import KioskPilot


def every_screen(pilot: KioskPilot) -> Iterator[str]:
    """Visit one screen of every kind, yielding each time a new screen is shown."""
    yield "home"
    pilot.tap("settings")
    yield "settings"
    pilot.tap("settings_done")
    pilot.tap("start")
    yield "catalogue"
    pilot.tap("topic_papiers")
    pilot.tap("procedure_carte-identite")
    yield "step-info"
    pilot.tap("continue")
    yield "step-question"
    pilot.tap("choice_renouvellement")
    while pilot.screen == "step":
        ids = [action.id for action in pilot.journey.page.actions]
        if "doc_yes" in ids:
            yield "step-documents"
            pilot.tap("doc_no")
        elif "no_card" in ids:
            yield "step-identity_card"
            pilot.tap("no_card")
        elif any(i.startswith("choice_") for i in ids):
            pilot.tap(next(i for i in ids if i.startswith("choice_")))
        else:
            title = " ".join(pilot.texts())
            yield "step-where" if "Démoville" in title else "step-info2"
            pilot.tap("continue")
    yield "summary"
    pilot.tap("receipt")
    pilot.tap("print")
    yield "receipt"
    pilot.tap("show_qr")
    yield "receipt-qr"
    pilot.tap("bar_help")
    yield "help"
    pilot.tap("help_close")
    pilot.advance(pilot.config.timeouts.idle_seconds)
    yield "idle"
    pilot.tap("still_here")
    pilot.tap("finish")
    yield "feedback"
    pilot.journey.mediator.open()
    pilot.settle()
    yield "mediator_pin"
