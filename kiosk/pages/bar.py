"""The persistent bar: the same five buttons in the same order and place on every screen."""

from __future__ import annotations

from kiosk.journey.mediator import MediatorCommand
from kiosk.journey.router import NavigationCommand, ScreenName
from kiosk.journey.settings import SettingsCommand
from kiosk.journey.speech_controls import SpeechControl
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action


def render(frame: Frame) -> list[Action]:
    tr = frame.tr
    return [
        Action("bar_home", tr("Accueil"), "home", NavigationCommand.HOME),
        Action(
            "bar_back",
            tr("Retour"),
            "back",
            NavigationCommand.BACK,
            enabled=frame.screen is not ScreenName.HOME,
        ),
        Action("bar_listen", tr("Écouter"), "listen", SpeechControl.LISTEN),
        Action("bar_help", tr("Aide"), "help", MediatorCommand.ASK_HELP),
        Action("bar_bigger", tr("Texte plus grand"), "bigger", SettingsCommand.BIGGER_TEXT),
    ]
