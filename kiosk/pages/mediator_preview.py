"""The mediator's list of procedures to check, a page at a time."""

from __future__ import annotations

from kiosk.journey.mediator import MediatorCommand, PreviewListView
from kiosk.journey.procedure import ProcedureCommand
from kiosk.pages.common import MAX_CHOICES, build_page, one_page_of, procedure_choices
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Page


def render(view: PreviewListView, frame: Frame) -> Page:
    tr = frame.tr
    items = procedure_choices(view.procedures, frame.language, ProcedureCommand.PREVIEW_PROCEDURE)
    more = Action("more", tr("Voir d'autres choix"), "more", ProcedureCommand.MORE_CHOICES)
    actions = [
        *one_page_of(items, view.choices_page, more, MAX_CHOICES - 2),
        Action("mediator_close", tr("Fermer"), "back", MediatorCommand.CLOSE),
    ]
    lines = [Line(tr("Choisissez la démarche à vérifier."))]
    return build_page(frame, tr("Voir une démarche"), lines, actions, pictogram="search")
