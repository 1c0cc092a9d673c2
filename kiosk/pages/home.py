"""The welcome screen: what the kiosk does, start, speech, display settings, the languages."""

from __future__ import annotations

from kiosk.journey.settings import SettingsCommand
from kiosk.journey.speech_controls import SpeechControl
from kiosk.journey.welcome import HomeView, WelcomeCommand
from kiosk.pages.common import build_page, language_actions
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Page


def render(view: HomeView, frame: Frame) -> Page:
    tr = frame.tr
    listening = tr("oui") if view.speech_mode else tr("non")
    actions = [
        Action(
            "start",
            tr("Appuyez sur Entrée pour commencer") if view.keypad else tr("Touchez l'écran pour commencer"),
            "touch",
            WelcomeCommand.START,
        ),
        Action(
            "listen_toggle",
            tr("Écouter les instructions : {state}", state=listening),
            "listen",
            SpeechControl.TOGGLE_SPEECH,
        ),
        Action("settings", tr("Affichage : contraste et taille du texte"), "contrast", SettingsCommand.OPEN),
    ]
    lines = [
        Line(tr("Cette borne vous aide à faire vos démarches.")),
        Line(tr("Un conseiller peut aussi vous aider."), "mediator"),
    ]
    return build_page(
        frame,
        tr("Bonjour"),
        lines,
        actions,
        secondary=language_actions(frame, include_current=True),
        pictogram="touch",
        primary_first=True,
    )
