"""What the summary screen shows and the receipt prints, computed once from the citizen's answers."""

from __future__ import annotations

from dataclasses import dataclass

from accessibility.fonts import ARABIC_FONT
from accessibility.languages import is_right_to_left
from devices.printer import LineStyle, ReceiptDocument, ReceiptLine, ReceiptPart
from kiosk.config import Place
from kiosk.engine import Summary
from kiosk.i18n import ContentReader, Translator, translator
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
class SectionLine:
    """One line of the summary, with its style (a document's mark, for instance)."""

    text: str
    style: LineStyle = LineStyle.TEXT
    #: "fr" when the text is French in another language's session (the voice reads it in French).
    language: str | None = None


@dataclass(frozen=True)
class Section:
    heading: str
    pictogram: str
    lines: list[SectionLine]


@dataclass(frozen=True)
class SummaryContent:
    title: str
    sections: list[Section]
    online_url: str
    online_label: str
    source: str
    fell_back: bool  #: some text exists only in French


def place_lines(
    where: WhereToGo, place: Place | None, read: ContentReader, tr: Translator
) -> list[SectionLine]:
    """Where to go: the configured place if the site has it, else the procedure's own text."""
    if place is None:
        text, language = read.read(where.text)
        return [SectionLine(text, language=language)]
    # The site's configuration is written in French: in another language it is read in French.
    french = "fr" if read.language != "fr" else None
    read.fell_back = read.fell_back or french is not None
    lines = [SectionLine(value, language=french) for value in (place.name, place.address, *place.hours)]
    if place.appointment:
        lines.append(SectionLine(place.appointment, language=french))
    if place.phone:
        lines.append(SectionLine(tr("Téléphone : {phone}", phone=place.phone)))
    return lines


def summary_content(facts: SummaryFacts, tr: Translator, language: str) -> SummaryContent:
    summary = facts.summary
    procedure = facts.procedure
    read = ContentReader(language)

    def line(value: dict[str, str], style: LineStyle = LineStyle.TEXT) -> SectionLine:
        text, text_language = read.read(value)
        return SectionLine(text, style, text_language)

    documents: list[SectionLine] = []
    for status in summary.documents:
        label, label_language = read.read(status.document.label)
        if status.has_it:
            text, style = tr("Vous l'avez : {document}", document=label), LineStyle.CHECKED
        else:
            text, style = tr("À trouver : {document}", document=label), LineStyle.MISSING
        # A French label inside a translated sentence: the sentence is read in French too.
        documents.append(SectionLine(text, style, label_language))
    sections = [Section(tr("Ce que vous devez faire"), "next", [line(item.text) for item in summary.todo])]
    if documents:
        sections.append(Section(tr("Les documents à apporter"), "document", documents))
    sections += [
        Section(tr("Combien ça coûte"), "euro", [line(item.text) for item in summary.cost]),
        Section(tr("Combien de temps"), "clock", [line(item.text) for item in summary.delay]),
    ]
    if summary.validity:
        sections.append(
            Section(
                tr("Combien de temps il est valable"),
                "calendar",
                [line(item.text) for item in summary.validity],
            )
        )
    sections.append(Section(tr("Où aller"), "address", place_lines(procedure.where, facts.place, read, tr)))
    source = procedure.source
    return SummaryContent(
        title=read(procedure.title),
        sections=sections,
        online_url=str(procedure.online_service.url),
        online_label=read(procedure.online_service.label),
        source=tr(
            "Source : service-public.fr, fiche {reference}, vérifiée le {date}",
            reference=source.reference,
            date=source.checked.strftime("%d/%m/%Y"),
        ),
        fell_back=read.fell_back,
    )


#: The checklist QR code holds at most this many characters: a phone camera still reads it
#: at receipt scale.
CHECKLIST_MAX_CHARACTERS = 500


def receipt_lines(content: SummaryContent, site_name: str) -> list[ReceiptLine]:
    """The summary as receipt lines: title, site, each section's heading and lines."""
    lines = [ReceiptLine(content.title, LineStyle.TITLE), ReceiptLine(site_name)]
    for section in content.sections:
        lines.append(ReceiptLine(section.heading, LineStyle.HEADING))
        lines.extend(ReceiptLine(line.text, line.style) for line in section.lines)
    return lines


def checklist(content: SummaryContent) -> str:
    """What to do and what to bring, as plain text for a QR code a phone reads offline (no
    personal data: the documents' names, not whether the citizen has them)."""
    parts = [content.title]
    for section in content.sections[:2]:  # what to do, and the documents to bring
        parts.append(section.heading + " :")
        parts += [f"- {line.text}" for line in section.lines]
    text = "\n".join(parts)
    if len(text) <= CHECKLIST_MAX_CHARACTERS:
        return text
    return text[: CHECKLIST_MAX_CHARACTERS - 1].rsplit("\n", 1)[0] + "\n…"


def build_receipt(facts: SummaryFacts, language: str) -> ReceiptDocument:
    """The paper version of the summary: in French for the office, then in the citizen's language
    when it is another (Arabic printed as an image in the kiosk's own font), with the QR code of
    the online service and a second one holding the checklist. No personal data."""
    french = summary_content(facts, translator("fr"), "fr")
    content = french if language == "fr" else summary_content(facts, translator(language), language)
    translation = None
    if language != "fr":
        right_to_left = is_right_to_left(language)
        translation = ReceiptPart(
            language=language,
            lines=receipt_lines(content, facts.site_name),
            right_to_left=right_to_left,
            font=ARABIC_FONT if right_to_left else None,
        )
    tr = translator(language)
    return ReceiptDocument(
        lines=receipt_lines(french, facts.site_name),
        qr_url=content.online_url,
        qr_caption=content.online_label,
        footer=[french.source],
        translation=translation,
        checklist=checklist(content),
        checklist_caption=tr("Photographiez ce code : la liste reste sur votre téléphone."),
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
