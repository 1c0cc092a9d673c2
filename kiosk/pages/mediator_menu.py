"""The mediator's menu: device status, test ticket, reload content, preview, end session, quit."""

from __future__ import annotations

from kiosk.journey.mediator import MediatorCommand, MenuNotice, MenuView
from kiosk.journey.printing import PrintingCommand
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Page


def render(view: MenuView, frame: Frame) -> Page:
    tr = frame.tr
    notices = {
        MenuNotice.TEST_PRINTED: tr("Le ticket de test est imprimé."),
        MenuNotice.TEST_FAILED: tr("Le ticket de test n'a pas pu être imprimé."),
    }
    lines = [Line(notices.get(view.notice, tr("Que voulez-vous faire ?")), "settings")]
    actions = [
        Action("mediator_status", tr("État des appareils"), "settings", MediatorCommand.STATUS),
        Action("mediator_test_print", tr("Imprimer un ticket de test"), "print", PrintingCommand.TEST_PRINT),
        Action("mediator_reload", tr("Recharger les démarches"), "renew", MediatorCommand.RELOAD),
        Action("mediator_preview", tr("Voir une démarche"), "search", MediatorCommand.PREVIEW_LIST),
        Action("mediator_end_session", tr("Finir la session en cours"), "end", MediatorCommand.END_SESSION),
        Action("mediator_quit", tr("Quitter la borne"), "lock", MediatorCommand.QUIT),
        Action("mediator_close", tr("Fermer"), "back", MediatorCommand.CLOSE),
    ]
    return build_page(frame, tr("Espace conseiller"), lines, actions, pictogram="settings")
