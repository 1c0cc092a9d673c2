"""One step of a procedure: information, a question, one document, where to go, the identity card."""

from __future__ import annotations

from kiosk.i18n import localized
from kiosk.journey.procedure import ProcedureCommand, StepView
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.receipt import place_lines
from kiosk.viewmodels import Action, Line, Page

#: Step kinds whose one button is the main action (drawn large, focused first).
MAIN_ACTION_KINDS = ("info", "where")


def render(view: StepView, frame: Frame) -> Page:
    tr = frame.tr
    language = frame.language
    step = view.step
    fell_back = False

    def text(value: dict[str, str]) -> str:
        nonlocal fell_back
        result, used_french = localized(value, language)
        fell_back = fell_back or used_french
        return result

    lines = [Line(text(step.text), spoken=text(step.spoken) if step.spoken else None)]
    proceed = Action("continue", tr("Continuer"), "next", ProcedureCommand.PROCEED)
    if step.kind == "question":
        actions = [
            Action(
                f"choice_{choice.id}",
                text(choice.label),
                choice.pictogram,
                ProcedureCommand.ANSWER,
                choice.id,
            )
            for choice in step.choices
        ]
    elif step.kind == "documents":
        document = view.document
        if document is None:
            raise ValueError(f"step '{step.id}' asks about no document")
        lines.append(Line(text(document.label), document.pictogram))
        if document.detail:
            lines.append(Line(text(document.detail)))
        actions = [
            Action("doc_yes", tr("Oui, je l'ai"), "yes", ProcedureCommand.ANSWER_DOCUMENT, True),
            Action("doc_no", tr("Non, je ne l'ai pas"), "no", ProcedureCommand.ANSWER_DOCUMENT, False),
        ]
    elif step.kind == "where":
        where, where_fell_back = place_lines(view.where, view.place, tr, language)
        fell_back = fell_back or where_fell_back
        lines += [Line(line, "address" if index == 0 else None) for index, line in enumerate(where)]
        actions = [proceed]
    elif step.kind == "identity_card":
        actions = [Action("no_card", tr("Je n'ai pas ma carte"), "no", ProcedureCommand.PROCEED), proceed]
    else:
        actions = [proceed]
    return build_page(
        frame,
        text(step.title),
        lines,
        actions,
        primary_first=step.kind in MAIN_ACTION_KINDS,
        pictogram=step.pictogram,
        progress=tr("Étape {number} sur {total}", number=view.number, total=view.total),
        note=tr("Ce texte existe seulement en français.") if fell_back else "",
    )
