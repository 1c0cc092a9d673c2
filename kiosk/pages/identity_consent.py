""" "Voulez-vous que la borne lise votre carte ?": what is read, and that nothing is kept."""

from __future__ import annotations

from kiosk.journey.identity import IdentityCommand
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Page


def render(_view: None, frame: Frame) -> Page:
    tr = frame.tr
    lines = [
        Line(tr("La borne peut lire votre carte d'identité. Vous n'avez rien à écrire."), "id_card"),
        Line(tr("Elle lit votre nom, vos prénoms et votre date de naissance."), "info"),
        Line(tr("Elle lit aussi le numéro de la carte et sa date de fin."), "info"),
        Line(tr("La borne ne garde rien. Tout est effacé à la fin."), "lock"),
    ]
    actions = [
        Action("card_consent", tr("Oui, lire ma carte"), "yes", IdentityCommand.CONSENT),
        Action("card_by_hand", tr("Non, je tape à la main"), "no", IdentityCommand.BY_HAND),
    ]
    return build_page(
        frame, tr("Voulez-vous que la borne lise votre carte ?"), lines, actions, pictogram="id_card"
    )
