""" "Est-ce bien vous ?": what was read, with the photo, and whether the card is still valid."""

from __future__ import annotations

from kiosk.journey.identity import Expiry, IdentityCommand, ResultView
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Mark, Page


def render(view: ResultView, frame: Frame) -> Page:
    tr = frame.tr
    document = view.document
    lines = [Line(tr("Voici ce que la borne a lu."), "id_card")]
    # The citizen's data: shown, and said only in private listening (headset, or agreement).
    given = document.given_names.replace("<", " ").strip().title()
    lines.append(Line(f"{given} {document.surname.title()}".strip(), "adult", private=True))
    if document.birth_date:
        born = tr("Né ou née le {date}", date=document.birth_date.strftime("%d/%m/%Y"))
        lines.append(Line(born, "calendar", private=True))
    expiry = document.expiry_date.strftime("%d/%m/%Y") if document.expiry_date else ""
    if view.expiry is Expiry.EXPIRED:
        lines.append(
            Line(tr("Votre carte a expiré le {date}.", date=expiry), "warning", Mark.ERROR, private=True)
        )
    elif view.expiry is Expiry.EXPIRING:
        text = tr("Votre carte expire le {date}. Vous pouvez déjà la renouveler.", date=expiry)
        lines.append(Line(text, "clock", private=True))
    elif view.expiry is Expiry.VALID:
        lines.append(
            Line(tr("Votre carte est valable jusqu'au {date}.", date=expiry), "yes", Mark.OK, private=True)
        )
    actions = [
        Action("card_confirm", tr("Oui, c'est moi"), "yes", IdentityCommand.CONFIRM),
        Action("card_not_me", tr("Non, ce n'est pas moi"), "no", IdentityCommand.NOT_ME),
    ]
    if view.speech_mode and not view.private_listening:
        lines.append(
            Line(tr("Vos informations ne sont pas dites à voix haute : on pourrait les entendre."), "listen")
        )
        actions.append(Action("card_speak", tr("Les entendre quand même"), "listen", IdentityCommand.SPEAK))
    return build_page(
        frame, tr("Est-ce bien vous ?"), lines, actions, pictogram="adult", image=document.photo
    )
