"""The device status for the mediator: each device's state, the procedures loaded, refused files."""

from __future__ import annotations

from kiosk.i18n import N_
from kiosk.journey.mediator import Device, DeviceState, MediatorCommand, StatusView
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Mark, Page

DEVICE_NAMES = {
    Device.PRINTER: N_("Imprimante"),
    Device.CARD_READER: N_("Lecteur de carte"),
    Device.SPEECH: N_("Voix"),
    Device.FLEET: N_("Supervision"),
}
STATE_NAMES = {
    DeviceState.WORKING: N_("marche"),
    DeviceState.FAULT: N_("ne marche pas"),
    DeviceState.OFF: N_("éteint"),
}


def render(view: StatusView, frame: Frame) -> Page:
    tr = frame.tr
    lines = []
    if view.reloaded:
        lines.append(Line(tr("Les démarches sont rechargées."), "yes", Mark.OK))
    for status in view.devices:
        text = tr(
            "{device} : {state}", device=tr(DEVICE_NAMES[status.device]), state=tr(STATE_NAMES[status.state])
        )
        mark = Mark.ERROR if status.state is DeviceState.FAULT else Mark.NONE
        lines.append(Line(f"{text} ({status.detail})" if status.detail else text, "settings", mark))
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
