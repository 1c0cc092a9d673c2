"""The device status for the mediator: each device's state, the procedures loaded, refused files."""

from __future__ import annotations

from kiosk.i18n import N_
from kiosk.journey.mediator import Device, DeviceState, DeviceStatus, MediatorCommand, StatusView
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Mark, Page

DEVICE_NAMES = {
    Device.PRINTER: N_("Imprimante"),
    Device.CARD_READER: N_("Lecteur de carte"),
    Device.SPEECH: N_("Voix"),
    Device.SCREEN: N_("Écran"),
    Device.FLEET: N_("Supervision"),
}
STATE_NAMES = {
    DeviceState.WORKING: N_("marche"),
    DeviceState.FAULT: N_("ne marche pas"),
    DeviceState.OFF: N_("éteint"),
}
#: What each driver code means, and what the mediator can do about it (devices/health.py's codes).
PROBLEMS = {
    "paper_out": N_("Il n'y a plus de papier. Mettez un rouleau."),
    "paper_near_end": N_("Le papier est presque fini. Préparez un rouleau."),
    "cover_open": N_("Le capot est ouvert. Fermez-le."),
    "offline": N_("L'imprimante est en erreur. Éteignez-la, puis rallumez-la."),
    "connection_refused": N_("L'appareil ne répond pas. Vérifiez qu'il est allumé et branché."),
    "timeout": N_("L'appareil ne répond pas. Vérifiez qu'il est allumé et branché."),
    "not_found": N_("L'appareil est introuvable. Vérifiez son câble."),
    "unknown_host": N_("L'adresse de l'appareil est inconnue. Appelez le service informatique."),
    "permission_denied": N_("L'accès à l'appareil est refusé. Appelez le service informatique."),
    "driver_missing": N_("Un logiciel manque pour cet appareil. Appelez le service informatique."),
    "no_reader": N_("Aucun lecteur n'est branché. Vérifiez son câble."),
    "not_connected": N_("La borne n'est pas reliée à la supervision. Vérifiez le réseau."),
    "drawn_in_software": N_(
        "L'écran est lent. Il manque le logiciel de la carte graphique. Appelez le service informatique."
    ),
}


def render(view: StatusView, frame: Frame) -> Page:
    tr = frame.tr
    lines = []
    if view.reloaded:
        lines.append(Line(tr("Les démarches sont rechargées."), "yes", Mark.OK))
    for status in view.devices:
        lines.append(device_line(status, frame))
    lines.append(
        Line(
            tr.ngettext(
                "{count} démarche chargée",
                "{count} démarches chargées",
                view.procedures,
                count=view.procedures,
            ),
            "document",
        )
    )
    if view.oldest_check is not None:
        lines.append(
            Line(
                tr(
                    "Version des démarches : {version}. Vérifiées au plus tôt le {date}.",
                    version=view.content_version,
                    date=view.oldest_check.strftime("%d/%m/%Y"),
                ),
                "calendar",
            )
        )
    lines += [Line(error, "warning", Mark.ERROR) for error in view.errors]
    actions = [Action("mediator_back", tr("Retour au menu"), "back", MediatorCommand.MENU)]
    return build_page(frame, tr("État des appareils"), lines, actions, pictogram="settings")


def device_line(status: DeviceStatus, frame: Frame) -> Line:
    """ "Imprimante : ne marche pas. Il n'y a plus de papier. Mettez un rouleau. (tcp://…)"."""
    tr = frame.tr
    parts = [
        tr("{device} : {state}", device=tr(DEVICE_NAMES[status.device]), state=tr(STATE_NAMES[status.state]))
        + "."
    ]
    if status.code in PROBLEMS:
        parts.append(tr(PROBLEMS[status.code]))
    elif status.code not in ("", "ok"):
        parts.append(tr("Code de l'appareil : {code}.", code=status.code))
    if status.queued:
        parts.append(
            tr.ngettext(
                "{count} message attend d'être envoyé.",
                "{count} messages attendent d'être envoyés.",
                status.queued,
                count=status.queued,
            )
        )
    if status.address:
        parts.append(f"({status.address})")
    mark = Mark.ERROR if status.state is DeviceState.FAULT else Mark.NONE
    return Line(" ".join(parts), "settings", mark)
