"""The receipt: print the summary, how printing went, the QR code; everything printed is said."""

from __future__ import annotations

from dataclasses import replace

from devices.printer import PrinterFault
from kiosk.i18n import N_
from kiosk.journey.printing import PrintingCommand, PrintStatus, ReceiptView
from kiosk.journey.procedure import ProcedureCommand
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.receipt import summary_content
from kiosk.viewmodels import Action, Line, Mark, Page, Said

#: What the citizen is told for each printer fault.
FAULT_MESSAGES = {
    PrinterFault.PAPER_OUT: N_(
        "L'imprimante n'a plus de papier. Regardez le QR code. Un conseiller est prévenu."
    ),
    PrinterFault.OFFLINE: N_("L'imprimante ne marche pas. Regardez le QR code. Un conseiller est prévenu."),
    PrinterFault.COVER_OPEN: N_("L'imprimante est ouverte. Regardez le QR code. Un conseiller est prévenu."),
}


def render(view: ReceiptView, frame: Frame) -> Page:
    tr = frame.tr
    # The summary's content: shown on the summary, printed, and said here.
    content = summary_content(view.facts, tr, frame.language)
    if view.status is PrintStatus.PRINTED:
        lines = [Line(tr("Votre papier est imprimé. Prenez-le sous l'écran."), "yes", Mark.OK)]
    elif view.status is PrintStatus.FAILED and view.incomplete:
        lines = [
            Line(
                tr("L'impression s'est arrêtée. Votre papier est peut-être incomplet."), "warning", Mark.ERROR
            ),
            Line(tr("Vous pouvez imprimer encore, ou regarder le QR code. Un conseiller est prévenu."), "qr"),
        ]
    elif view.status is PrintStatus.FAILED:
        fault = view.fault or PrinterFault.OFFLINE
        lines = [Line(tr(FAULT_MESSAGES[fault]), "warning", Mark.ERROR)]
    elif view.status is PrintStatus.PRINTING:
        lines = [Line(tr("Impression en cours…"), "print")]
    elif view.printer_fault is not None:
        # Known before the citizen asks: the QR code is already there.
        lines = [
            Line(tr("L'imprimante ne marche pas pour le moment."), "warning", Mark.ERROR),
            Line(tr("Photographiez le QR code avec votre téléphone."), "qr"),
        ]
    else:
        lines = [
            Line(tr("Vous pouvez imprimer ce résumé."), "print"),
            Line(tr("Vous pouvez aussi photographier le QR code avec votre téléphone."), "qr"),
        ]
    actions = [
        Action(
            "print",
            tr("Imprimer encore")
            if view.status is PrintStatus.FAILED and view.incomplete
            else tr("Imprimer"),
            "print",
            PrintingCommand.PRINT,
            enabled=view.status is not PrintStatus.PRINTING and view.printer_fault is None,
        ),
        Action("show_qr", tr("Voir le QR code"), "qr", PrintingCommand.SHOW_QR),
        Action("finish", tr("Terminer"), "end", ProcedureCommand.FINISH),
    ]
    page = build_page(
        frame,
        tr("Votre résumé"),
        lines,
        actions,
        pictogram="print",
        qr_url=content.online_url if view.show_qr else None,
        qr_caption=content.online_label,
        preview=view.printed_preview,
    )
    # Everything the receipt prints can be heard (EN 301 549 5.1.3.16), before the choices; on
    # arrival the citizen has just heard the summary, so the screen only says how to hear it again.
    paper = [Said(tr("Sur le papier :")), Said(content.title), Said(view.facts.site_name)]
    for section in content.sections:
        paper.append(Said(section.heading))
        paper += [Said(line.text, line.language) for line in section.lines]
    paper += [Said(content.source), Said(content.online_label), Said(content.online_url)]
    choices_start = len(page.spoken) - len(actions) - 1
    before, after = page.spoken[:choices_start], page.spoken[choices_start:]
    again = Said(tr("Pour tout entendre, utilisez le bouton Écouter ou la touche Aide."))
    return replace(page, spoken=(*before, *paper, *after), announcement=(*before, again, *after))
