"""The catalogue: the topics (life situations), then the procedures of one topic."""

from __future__ import annotations

from kiosk.journey.procedure import CatalogueView, ProcedureCommand
from kiosk.pages.common import MAX_CHOICES, build_page, not_found, one_page_of, procedure_choices
from kiosk.pages.frame import Frame
from kiosk.procedures import TOPICS
from kiosk.viewmodels import Action, Line, Page


def render(view: CatalogueView, frame: Frame) -> Page:
    tr = frame.tr
    if view.topic is None:
        items = [
            Action(
                f"topic_{topic}", tr(TOPICS[topic][0]), TOPICS[topic][1], ProcedureCommand.OPEN_TOPIC, topic
            )
            for topic in view.topics
        ]
        title, instruction = tr("Votre démarche"), tr("Choisissez un sujet.")
    else:
        items = procedure_choices(view.procedures, frame.language, ProcedureCommand.OPEN_PROCEDURE)
        title, instruction = tr(TOPICS[view.topic][0]), tr("Choisissez votre démarche.")
    # "Je ne trouve pas" is always there; "Voir d'autres choix" only when the list is long.
    per_page = MAX_CHOICES - 1 if len(items) < MAX_CHOICES else MAX_CHOICES - 2
    more = Action("more", tr("Voir d'autres choix"), "more", ProcedureCommand.MORE_CHOICES)
    actions = [*one_page_of(items, view.choices_page, more, per_page), not_found(frame)]
    return build_page(frame, title, [Line(instruction)], actions)
