"""The help call: a mediator is coming; the site's phone as another way."""

from __future__ import annotations

from kiosk.journey.mediator import HelpView
from kiosk.journey.router import NavigationCommand
from kiosk.journey.speech_controls import SpeechControl
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Page


def render(view: HelpView, frame: Frame) -> Page:
    tr = frame.tr
    coming = tr("Un conseiller arrive.") if view.acknowledged else tr("Un conseiller va venir vous aider.")
    lines = [Line(coming, "mediator"), Line(tr("Restez près de la borne, s'il vous plaît."))]
    if view.phone:
        lines.append(Line(tr("Vous pouvez aussi appeler le {phone}.", phone=view.phone), "phone"))
    actions = [
        Action("help_close", tr("Continuer seul"), "back", NavigationCommand.BACK),
        Action("keys", tr("Les touches du clavier"), "settings", SpeechControl.SHOW_KEYS),
    ]
    return build_page(frame, tr("Appeler un conseiller"), lines, actions, pictogram="help")
