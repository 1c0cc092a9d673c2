"""The summary: what to do next, the documents to bring (marked), cost, delay, where, the source."""

from __future__ import annotations

from devices.printer import LineStyle
from kiosk.i18n import Translator
from kiosk.journey.printing import PrintingCommand
from kiosk.journey.procedure import ProcedureCommand
from kiosk.pages.common import build_page, glossary_actions
from kiosk.pages.frame import Frame
from kiosk.receipt import SummaryContent, SummaryFacts, summary_content
from kiosk.viewmodels import Action, Line, Mark, Page

#: How the receipt's line styles show on screen.
MARKS = {LineStyle.CHECKED: Mark.OK, LineStyle.MISSING: Mark.MISSING}
#: Marked lines carry an icon as well as words and colour.
MARK_PICTOGRAMS = {Mark.OK: "yes", Mark.MISSING: "no"}


def render(view: SummaryFacts, frame: Frame) -> Page:
    tr = frame.tr
    content = summary_content(view, tr, frame.language)
    lines: list[Line] = []
    for section in content.sections:
        lines.append(Line(section.heading, section.pictogram, Mark.HEADING))
        for line in section.lines:
            mark = MARKS.get(line.style, Mark.NONE)
            lines.append(Line(line.text, MARK_PICTOGRAMS.get(mark), mark, language=line.language))
    lines.append(Line(content.source))
    actions = [
        Action("receipt", tr("Recevoir ce résumé"), "print", PrintingCommand.OPEN_RECEIPT),
        Action("finish", tr("Terminer"), "end", ProcedureCommand.FINISH),
    ]
    return build_page(
        frame,
        tr("Récapitulatif : {title}", title=content.title),
        lines,
        actions,
        qr_url=content.online_url,
        qr_caption=content.online_label,
        pictogram="info",
        glossary=glossary_actions(frame, [line.text for line in lines]),
        note=french_note(content, tr),
    )


def french_note(content: SummaryContent, tr: Translator) -> str:
    """What to say when some of the summary is read in French: the whole of it, or a part (a
    site's address and opening hours are written in French only)."""
    if not content.fell_back:
        return ""
    if all(line.language == "fr" for section in content.sections for line in section.lines):
        return tr("Ce texte existe seulement en français.")
    return tr("Une partie de ce texte existe seulement en français.")
