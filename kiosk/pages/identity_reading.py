"""The card is being read: where to put it, and not to move it."""

from __future__ import annotations

from kiosk.journey.identity import IdentityCommand
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Page


def render(_view: None, frame: Frame) -> Page:
    tr = frame.tr
    lines = [
        Line(tr("Posez votre carte à plat sur le lecteur, sous l'écran."), "id_card"),
        Line(tr("Ne bougez pas la carte. La lecture prend quelques secondes."), "clock"),
    ]
    actions = [Action("card_by_hand", tr("Taper à la main"), "document", IdentityCommand.BY_HAND)]
    return build_page(frame, tr("Lecture de votre carte"), lines, actions, pictogram="id_card")
