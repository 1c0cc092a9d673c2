"""Walks of the plain journey that visit every page: every screen kind, every procedure's branches."""

from __future__ import annotations

from collections.abc import Callable, Iterator

from kiosk.journey.context import Change
from kiosk.journey.router import Location, ScreenName
from kiosk.viewmodels import Page

from support.harness import Harness


def every_page(harness: Harness) -> Iterator[tuple[str, Page]]:
    """Every screen the journey can show, from the welcome screen, yielding (where, page)."""
    shown: set[str] = set()

    def visit(where: str) -> tuple[str, Page]:
        shown.add(harness.screen)
        return where, harness.page

    yield visit("home")
    harness.tap("settings")
    yield visit("settings")
    harness.tap("keys")
    yield visit("keys")
    harness.tap("keys_done")
    harness.tap("touch_to_hear")
    yield visit("settings (touch to hear)")
    harness.journey.end_session()
    harness.tap("start")
    first = harness.page.actions[0].id
    while True:  # the topics, page after page
        yield visit("catalogue")
        if "more" not in harness.ids():
            break
        harness.tap("more")
        if harness.page.actions[0].id == first:
            break
    for topic in harness.content.catalogue.topics():
        harness.journey.procedure.open_topic(topic)
        yield visit(f"catalogue {topic}")
        if "more" in harness.ids():
            harness.tap("more")
            yield visit(f"catalogue {topic} (more)")
    harness.journey.procedure.open_procedure("carte-identite")
    harness.walk("continue", "choice_perte")
    harness.tap("define_timbre_fiscal")
    yield visit("definition")
    harness.tap("definition_done")
    yield from identity_pages(harness, visit)
    for procedure_id in sorted(harness.content.catalogue.procedures):
        for where, page in procedure_pages(harness, procedure_id):
            shown.add(page.name)
            yield where, page
    # The end of the journey, from the summary of the last procedure walked.
    harness.tap("receipt")
    yield visit("receipt")
    harness.tap("show_qr")
    yield visit("receipt (QR code)")
    harness.tap("print")
    yield visit("receipt (printed)")
    harness.printer.set_paper("out")
    harness.tap("print")
    yield visit("receipt (no paper)")
    harness.tap("bar_help")
    yield visit("help")
    harness.journey.mediator.mediator_coming()
    yield visit("help (a mediator is coming)")
    harness.tap("help_close")
    harness.tap("finish")
    yield visit("feedback")
    harness.advance(harness.config.timeouts.idle_seconds)
    yield visit("idle")
    harness.tap("still_here")
    harness.journey.mediator.open()
    yield visit("mediator_pin")
    harness.enter_pin("1111")
    yield visit("mediator_pin (wrong)")
    harness.enter_pin()
    yield visit("mediator")
    harness.tap("mediator_status")
    yield visit("mediator_status")
    harness.tap("mediator_back")
    harness.tap("mediator_preview")
    yield visit("mediator_preview")
    if "more" in harness.ids():
        harness.tap("more")
        yield visit("mediator_preview (more)")
    harness.tap("mediator_close")
    harness.journey.end_session()
    assert harness.journey.fleet.enter_maintenance()
    yield visit("maintenance")
    harness.journey.fleet.leave_maintenance()
    harness.journey.supervision.restarting()
    yield visit("restarting")
    harness.journey.supervision.enter_safe_mode()
    yield visit("safe_mode")
    harness.tap("safe_help")
    yield visit("help (safe mode)")
    missing = {screen.value for screen in ScreenName} - shown
    assert not missing, f"the walk never showed {sorted(missing)}: add them to every_page"


def identity_pages(harness: Harness, visit: Callable[[str], tuple[str, Page]]) -> Iterator[tuple[str, Page]]:
    """The card read's screens: consent, CAN, reading, result, and a failure."""
    harness.journey.procedure.open_procedure("carte-identite")
    harness.walk("continue", "choice_renouvellement")
    while harness.session.run is not None and harness.session.run.step.kind != "identity_card":
        harness.tap("doc_yes" if "doc_yes" in harness.ids() else harness.ids()[0])
    harness.tap("read_card")
    yield visit("identity_consent")
    harness.tap("card_consent")
    yield visit("identity_can")
    # The read itself is instant here: its screen is drawn on its own.
    journey = harness.journey
    journey.router.replace(Location(ScreenName.IDENTITY_READING))
    journey.redraw(Change.NEW_SCREEN)
    yield visit("identity_reading")
    journey.router.replace(Location(ScreenName.IDENTITY_CAN))
    journey.redraw(Change.NEW_SCREEN)
    harness.walk(*(f"can_{digit}" for digit in "000000"), "can_ok")
    yield visit("identity_failed")
    harness.tap("card_retype")
    harness.walk(*(f"can_{digit}" for digit in harness.card_reader.can), "can_ok")
    yield visit("identity_result")
    harness.tap("card_confirm")


def procedure_pages(harness: Harness, procedure_id: str) -> Iterator[tuple[str, Page]]:
    """Every step screen of every branch (each choice of each question), then the summary."""
    pending: list[list[str]] = [[]]
    while pending:
        forced = pending.pop()
        harness.journey.procedure.open_procedure(procedure_id)
        taken: list[str] = []
        while harness.screen == "step":
            run = harness.session.run
            assert run is not None
            yield f"{procedure_id} step {run.step.id}", harness.page
            ids = harness.ids()
            if len(taken) < len(forced):
                tap = forced[len(taken)]
            else:
                tap = "no_card" if run.step.kind == "identity_card" else ids[0]
                if run.step.kind == "question":
                    pending += [[*taken, other] for other in ids[1:]]
            harness.tap(tap)
            taken.append(tap)
            assert len(taken) < 100, f"{procedure_id}: a path is too long: a loop?"
        yield f"{procedure_id} summary", harness.page
