"""A card read that failed: what happened in plain words, and a way on (always "Taper à la main")."""

from __future__ import annotations

from devices.idcard import CardFault
from kiosk.i18n import N_
from kiosk.journey.identity import FailedView, IdentityCommand
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Mark, Page

#: What the citizen is told for each fault.
MESSAGES = {
    CardFault.WRONG_KEY: N_("Le code n'est pas le bon."),
    CardFault.BLOCKED: N_("La carte refuse le code : elle est bloquée. Tapez vos informations à la main."),
    CardFault.CARD_REMOVED: N_("La carte a bougé pendant la lecture. Posez-la encore et ne la bougez pas."),
    CardFault.NO_CARD: N_("La borne ne voit pas de carte sur le lecteur."),
    CardFault.UNREADABLE: N_("La borne ne peut pas lire cette carte."),
    CardFault.UNKNOWN_DOCUMENT: N_("La borne ne connaît pas ce document."),
    CardFault.TAMPERED: N_("La borne ne peut pas vérifier cette carte."),
    CardFault.READER_MISSING: N_("Le lecteur de carte ne marche pas. Un conseiller est prévenu."),
}
#: Faults after which reading again may work.
RETRY = {CardFault.CARD_REMOVED, CardFault.NO_CARD, CardFault.UNREADABLE}


def render(view: FailedView, frame: Frame) -> Page:
    tr = frame.tr
    lines = [Line(tr(MESSAGES[view.fault]), "warning", Mark.ERROR)]
    actions = []
    if view.fault is CardFault.WRONG_KEY:
        if view.tries_left is not None:
            left = tr.ngettext(
                "Attention : encore {count} essai, puis la carte se bloque.",
                "Attention : encore {count} essais, puis la carte se bloque.",
                view.tries_left,
                count=view.tries_left,
            )
            lines.append(Line(left, "lock"))
        actions.append(
            Action("card_retype", tr("Taper le code encore une fois"), "renew", IdentityCommand.RETYPE)
        )
    elif view.fault in RETRY:
        actions.append(Action("card_retry", tr("Lire encore"), "renew", IdentityCommand.RETRY))
    actions.append(Action("card_by_hand", tr("Taper à la main"), "document", IdentityCommand.BY_HAND))
    return build_page(frame, tr("La carte n'est pas lue"), lines, actions, pictogram="id_card")
