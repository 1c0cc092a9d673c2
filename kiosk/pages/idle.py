"""The idle warning: "Êtes-vous encore là ?", the seconds left, and the button to stay."""

from __future__ import annotations

from kiosk.journey.idle import IdleCommand, IdleView
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Page


def render(view: IdleView, frame: Frame) -> Page:
    tr = frame.tr
    seconds = view.seconds_left
    lines = [
        Line(
            tr.ngettext(
                "Sans réponse, tout sera effacé dans {seconds} seconde.",
                "Sans réponse, tout sera effacé dans {seconds} secondes.",
                seconds,
                seconds=seconds,
            ),
            "clock",
        ),
        Line(tr("Touchez le bouton pour continuer.")),
    ]
    actions = [
        Action(
            "still_here", tr("Je suis encore là"), "touch", IdleCommand.STILL_HERE, enabled=view.can_extend
        )
    ]
    return build_page(
        frame, tr("Êtes-vous encore là ?"), lines, actions, pictogram="clock", primary_first=True
    )
