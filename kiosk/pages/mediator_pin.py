"""The mediator's PIN pad: a masked entry, ten digits, clear, validate; the lockout countdown."""

from __future__ import annotations

from kiosk.journey.mediator import MediatorCommand, PinView
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Mark, Page


def render(view: PinView, frame: Frame) -> Page:
    tr = frame.tr
    locked = view.seconds_locked > 0
    if locked:
        minutes, seconds = divmod(view.seconds_locked, 60)
        message = tr(
            "Trop d'essais. Réessayez dans {minutes} min {seconds} s.", minutes=minutes, seconds=seconds
        )
        lines = [Line(message, "lock", Mark.ERROR)]
    elif view.wrong:
        message = tr.ngettext(
            "Le code est faux. Tapez le code encore une fois. Il reste {count} essai.",
            "Le code est faux. Tapez le code encore une fois. Il reste {count} essais.",
            view.attempts_left,
            count=view.attempts_left,
        )
        lines = [Line(message, "no", Mark.ERROR)]
    else:
        lines = [Line(tr("Tapez le code du conseiller."), "lock")]
    digits = [
        Action(f"pin_{digit}", digit, None, MediatorCommand.DIGIT, digit, enabled=not locked, secret=True)
        for digit in "1234567890"
    ]
    actions = [
        *digits,
        Action("pin_clear", tr("Effacer"), "no", MediatorCommand.CLEAR),
        Action("pin_ok", tr("Valider"), "yes", MediatorCommand.SUBMIT, enabled=not locked),
    ]
    # The screen lists the keys in order (that gives nothing away), but a focused digit is said by
    # its place only, and the entry is only ever shown as dots and never said.
    return build_page(
        frame, tr("Espace conseiller"), lines, actions, pictogram="lock", entry="●" * view.digits_typed
    )
