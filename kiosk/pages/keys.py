""" "Les touches": what each key of the keypad does, the same on every screen."""

from __future__ import annotations

from kiosk.journey.router import NavigationCommand
from kiosk.journey.speech_controls import KeysView
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Page


def render(view: KeysView, frame: Frame) -> Page:
    tr = frame.tr
    lines = [
        Line(tr("Flèches : aller d'un bouton à l'autre."), "next"),
        Line(tr("Entrée : choisir le bouton."), "yes"),
        Line(tr("Retour : revenir à l'écran d'avant."), "back"),
        Line(tr("Aide : écouter encore l'écran."), "listen"),
        Line(tr("Aide deux fois de suite : appeler un conseiller."), "help"),
    ]
    if view.volume_keys:
        lines.append(Line(tr("Plus et moins : parler plus fort ou moins fort."), "louder"))
    actions = [Action("keys_done", tr("C'est compris"), "yes", NavigationCommand.BACK)]
    return build_page(
        frame, tr("Les touches du clavier"), lines, actions, pictogram="settings", primary_first=True
    )
