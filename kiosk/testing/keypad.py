"""A blind citizen's way through the kiosk: speech on with the help key, then Down, Enter and Back."""

from __future__ import annotations

from collections.abc import Callable

from kiosk.testing.pilot import KioskPilot

#: The most Down presses to reach one control before the walk counts it as a trap.
MAX_PRESSES = 60


class Trapped(AssertionError):
    """A control could not be reached with the keypad."""


def key_to(pilot: KioskPilot, action_id: str) -> int:
    """Move the focus to ``action_id`` the short way round (Down or Up), as a citizen who knows
    the screen would, then press Enter; returns the arrow presses."""
    order = [widget.action_id for widget in pilot.kiosk.root.focusables()]
    focused = pilot.focused()
    if action_id in order and focused is not None and focused.action_id in order:
        steps = (order.index(action_id) - order.index(focused.action_id)) % len(order)
        key = "down" if steps <= len(order) - steps else "up"
    else:
        key = "down"
    for presses in range(MAX_PRESSES):
        focused = pilot.focused()
        if focused is not None and focused.action_id == action_id:
            pilot.key("enter")
            return presses
        pilot.key(key)
    raise Trapped(f"{action_id} never took the focus on {pilot.screen} (focusable: {pilot.ids()})")


def first_answers(ids: list[str]) -> str:
    """The default answer on a step: the first choice, "Oui, je l'ai", "Continuer", or (on a card
    step) going on without the card."""
    return next(i for i in ids if i.startswith("choice_") or i in ("doc_yes", "continue", "no_card"))


def carte_identite_by_keys(
    pilot: KioskPilot, language: str = "fr", answer: Callable[[list[str]], str] = first_answers
) -> int:
    """The whole "Carte d'identité" journey with the keypad only, speech on, in ``language``:
    from the welcome screen to the satisfaction question. Returns the arrow presses made."""
    presses = 0
    pilot.key("help")  # speech on: no sight needed
    if language != pilot.journey.session.language:
        presses += key_to(pilot, f"lang_{language}")
    for target in ("start", "topic_papiers", "procedure_carte-identite"):
        presses += key_to(pilot, target)
    for _ in range(40):
        if pilot.screen != "step":
            break
        presses += key_to(pilot, answer([action.id for action in pilot.journey.page.actions]))
    for target in ("receipt", "print", "finish", "face_3"):
        presses += key_to(pilot, target)
    return presses
