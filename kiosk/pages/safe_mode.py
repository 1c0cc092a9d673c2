"""The safe mode's welcome screen: the public-service site as a QR code, and a mediator's help."""

from __future__ import annotations

from fleet.help import HelpReason
from kiosk.journey.mediator import MediatorCommand
from kiosk.journey.supervision import SafeModeView
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Page


def render(view: SafeModeView, frame: Frame) -> Page:
    tr = frame.tr
    lines = [
        Line(tr("La borne marche en mode simple pour le moment."), "info"),
        Line(tr("Photographiez le QR code avec votre téléphone."), "qr"),
    ]
    if view.phone:
        lines.append(Line(tr("Vous pouvez aussi appeler le {phone}.", phone=view.phone), "phone"))
    actions = [
        Action(
            "safe_help",
            tr("Appeler un conseiller"),
            "help",
            MediatorCommand.ASK_HELP,
            HelpReason.SAFE_MODE.value,
        )
    ]
    return build_page(
        frame,
        tr("Borne d'accueil"),
        lines,
        actions,
        pictogram="help",
        qr_url=view.url,
        qr_caption="service-public.fr",
    )
