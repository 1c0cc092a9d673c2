""" "Que veut dire ... ?": a hard word's plain definition, then back to the same place."""

from __future__ import annotations

from kiosk.i18n import ContentReader
from kiosk.journey.glossary import DefinitionView
from kiosk.journey.router import NavigationCommand
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Page


def render(view: DefinitionView, frame: Frame) -> Page:
    tr = frame.tr
    read = ContentReader(frame.language)
    word = read(view.term.word)
    definition, language = read.read(view.term.definition)
    lines = [Line(definition, "info", language=language)]
    actions = [Action("definition_done", tr("J'ai compris"), "yes", NavigationCommand.BACK)]
    return build_page(
        frame,
        tr("Que veut dire « {word} » ?", word=word),
        lines,
        actions,
        pictogram="question",
        primary_first=True,
        note=tr("Ce texte existe seulement en français.") if read.fell_back else "",
    )
