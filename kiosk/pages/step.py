"""One step of a procedure: information, a question, one document, where to go, the identity card."""

from __future__ import annotations

from dataclasses import replace

from kiosk.i18n import ContentReader
from kiosk.journey.identity import IdentityCommand
from kiosk.journey.procedure import ProcedureCommand, StepView
from kiosk.pages.common import build_page, glossary_actions
from kiosk.pages.frame import Frame
from kiosk.receipt import place_lines
from kiosk.viewmodels import Action, Line, Page, sentence

#: Step kinds whose one button is the main action (drawn large, focused first).
MAIN_ACTION_KINDS = ("info", "where")


def render(view: StepView, frame: Frame) -> Page:
    tr = frame.tr
    step = view.step
    read = ContentReader(frame.language)

    def line(
        value: dict[str, str], pictogram: str | None = None, spoken: dict[str, str] | None = None
    ) -> Line:
        text, language = read.read(value)
        return Line(text, pictogram, spoken=read(spoken) if spoken else None, language=language)

    lines = [line(step.text, spoken=step.spoken)]
    proceed = Action("continue", tr("Continuer"), "next", ProcedureCommand.PROCEED)
    if step.kind == "question":
        actions = []
        for choice in step.choices:
            label, language = read.read(choice.label)
            actions.append(
                Action(
                    f"choice_{choice.id}",
                    label,
                    choice.pictogram,
                    ProcedureCommand.ANSWER,
                    choice.id,
                    language=language,
                )
            )
    elif step.kind == "documents":
        document = view.document
        if document is None:
            raise ValueError(f"step '{step.id}' asks about no document")
        lines.append(line(document.label, document.pictogram))
        if document.detail:
            lines.append(line(document.detail))
        actions = [
            Action("doc_yes", tr("Oui, je l'ai"), "yes", ProcedureCommand.ANSWER_DOCUMENT, True),
            Action("doc_no", tr("Non, je ne l'ai pas"), "no", ProcedureCommand.ANSWER_DOCUMENT, False),
        ]
    elif step.kind == "where":
        where = place_lines(view.where, view.place, read, tr)
        lines += [
            Line(item.text, "address" if index == 0 else None, language=item.language)
            for index, item in enumerate(where)
        ]
        actions = [proceed]
    elif step.kind == "identity_card":
        no_card = Action("no_card", tr("Je n'ai pas ma carte"), "no", ProcedureCommand.PROCEED)
        if view.card_reader:
            actions = [Action("read_card", tr("Lire ma carte"), "id_card", IdentityCommand.START), no_card]
        else:
            actions = [no_card, proceed]
    else:
        actions = [proceed]
    title, title_language = read.read(step.title)
    page = build_page(
        frame,
        title,
        lines,
        actions,
        glossary=glossary_actions(frame, [title, *(line.text for line in lines), *(a.text for a in actions)]),
        title_language=title_language,
        primary_first=step.kind in MAIN_ACTION_KINDS,
        pictogram=step.pictogram,
        progress=tr("Étape {number} sur {total}", number=view.number, total=view.total),
        note=tr("Ce texte existe seulement en français.") if read.fell_back else "",
    )
    if step.kind == "documents" and view.document_number > 1:
        # The checklist's title and question were said with its first document: from the
        # second on, a new screen says only what changed (the document), then the choices.
        said_once = {sentence(title), sentence(lines[0].spoken or lines[0].text)}
        page = replace(
            page, announcement=tuple(piece for piece in page.spoken if piece.text not in said_once)
        )
    return page
