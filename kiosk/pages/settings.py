"""The display settings: contrast, text size, speech, touch to hear, animations."""

from __future__ import annotations

from kiosk.i18n import N_
from kiosk.journey.router import NavigationCommand
from kiosk.journey.settings import SettingsCommand, SettingsView
from kiosk.journey.speech_controls import SpeechControl
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Page

#: How each colour theme is named to the citizen.
THEME_NAMES = {"default": N_("normal"), "high_contrast": N_("fort, jaune sur noir"), "light": N_("clair")}


def render(view: SettingsView, frame: Frame) -> Page:
    tr = frame.tr

    def yes_no(value: bool) -> str:
        return tr("oui") if value else tr("non")

    actions = [
        Action(
            "theme",
            tr("Contraste : {theme}", theme=tr(THEME_NAMES[view.theme])),
            "contrast",
            SettingsCommand.NEXT_THEME,
        ),
        Action(
            "text_size",
            tr("Taille du texte : {percent} %", percent=round(view.text_scale * 100)),
            "bigger",
            SettingsCommand.BIGGER_TEXT,
        ),
        Action(
            "listen_toggle",
            tr("Écouter les instructions : {state}", state=yes_no(view.speech_mode)),
            "listen",
            SpeechControl.TOGGLE_SPEECH,
        ),
        Action(
            "touch_to_hear",
            tr("Toucher pour entendre : {state}", state=yes_no(view.touch_to_hear)),
            "touch",
            SpeechControl.TOGGLE_TOUCH_TO_HEAR,
        ),
        Action(
            "motion",
            tr("Animations : {state}", state=yes_no(not view.reduce_motion)),
            "motion",
            SettingsCommand.TOGGLE_MOTION,
        ),
        Action("keys", tr("Les touches du clavier"), "settings", SpeechControl.SHOW_KEYS),
        Action("settings_done", tr("C'est bon"), "yes", NavigationCommand.BACK),
    ]
    lines = [Line(tr("Touchez un bouton pour changer l'affichage."), "settings")]
    if view.touch_to_hear:
        lines.append(
            Line(tr("Touchez un bouton une fois pour l'entendre. Touchez-le encore pour le choisir."))
        )
    return build_page(frame, tr("Affichage"), lines, actions, pictogram="settings")
