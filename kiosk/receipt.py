"""What the summary screen shows and the receipt prints, computed once from the citizen's answers."""

from __future__ import annotations

from dataclasses import dataclass

from devices.receipt import LineStyle, ReceiptDocument, ReceiptLine
from kiosk.config import Place
from kiosk.engine import Summary
from kiosk.i18n import Translator, localized
from kiosk.procedures import Procedure, WhereToGo


@dataclass(frozen=True)
class SummaryFacts:
    """A read-only snapshot of what the summary is made from: the procedure and the answers' outcome."""

    procedure: Procedure
    summary: Summary
    #: The site's own address for the procedure's place, when the configuration has it.
    place: Place | None
    site_name: str


@dataclass(frozen=True)
class Section:
    """A heading and its lines; each line carries its style (a document's mark, for instance)."""

    heading: str
    pictogram: str
    lines: list[tuple[str, LineStyle]]


@dataclass(frozen=True)
class SummaryContent:
    title: str
    sections: list[Section]
    online_url: str
    online_label: str
    source: str
    fell_back: bool  #: some text exists only in French


def place_lines(
    where: WhereToGo, place: Place | None, tr: Translator, language: str
) -> tuple[list[str], bool]:
    """Where to go: the configured place if the site has it, else the procedure's own text."""
    text, fell_back = localized(where.text, language)
    if place is None:
        return [text], fell_back
    lines = [place.name, place.address, *place.hours]
    lines += [
        value
        for value in (
            place.appointment,
            place.phone and tr("Téléphone : {phone}", phone=place.phone),
        )
        if value
    ]
    return lines, False


def summary_content(facts: SummaryFacts, tr: Translator, language: str) -> SummaryContent:
    summary = facts.summary
    procedure = facts.procedure
    fell_back = False

    def text(value: dict[str, str]) -> str:
        nonlocal fell_back
        result, used_french = localized(value, language)
        fell_back = fell_back or used_french
        return result

    documents: list[tuple[str, LineStyle]] = []
    for status in summary.documents:
        label = text(status.document.label)
        if status.has_it:
            documents.append((tr("Vous l'avez : {document}", document=label), LineStyle.CHECKED))
        else:
            documents.append((tr("À trouver : {document}", document=label), LineStyle.MISSING))
    where, where_fell_back = place_lines(procedure.where, facts.place, tr, language)
    sections = [
        Section(
            tr("Ce que vous devez faire"),
            "next",
            [(text(t.text), LineStyle.TEXT) for t in summary.todo],
        ),
    ]
    if documents:
        sections.append(Section(tr("Les documents à apporter"), "document", documents))
    sections += [
        Section(tr("Combien ça coûte"), "euro", [(text(summary.cost.text), LineStyle.TEXT)]),
        Section(tr("Combien de temps"), "clock", [(text(summary.delay.text), LineStyle.TEXT)]),
        Section(tr("Où aller"), "address", [(line, LineStyle.TEXT) for line in where]),
    ]
    source = procedure.source
    return SummaryContent(
        title=text(procedure.title),
        sections=sections,
        online_url=str(procedure.online_service.url),
        online_label=text(procedure.online_service.label),
        source=tr(
            "Source : service-public.fr, fiche {reference}, vérifiée le {date}",
            reference=source.reference,
            date=source.checked.strftime("%d/%m/%Y"),
        ),
        fell_back=fell_back or where_fell_back,
    )


def build_receipt(content: SummaryContent, site_name: str) -> ReceiptDocument:
    """The paper version of the summary, with the QR code to continue at home. No personal data."""
    lines = [ReceiptLine(content.title, LineStyle.TITLE), ReceiptLine(site_name)]
    for section in content.sections:
        lines.append(ReceiptLine(section.heading, LineStyle.HEADING))
        lines.extend(ReceiptLine(text, style) for text, style in section.lines)
    return ReceiptDocument(
        lines=lines,
        qr_url=content.online_url,
        qr_caption=content.online_label,
        footer=[content.source],
    )


def test_ticket(site_name: str, kiosk_id: str, tr: Translator) -> ReceiptDocument:
    """The mediator's test ticket: the site's name and the kiosk id, nothing of a citizen."""
    return ReceiptDocument(
        lines=[
            ReceiptLine(tr("Ticket de test"), LineStyle.TITLE),
            ReceiptLine(site_name),
            ReceiptLine(kiosk_id),
        ],
    )
