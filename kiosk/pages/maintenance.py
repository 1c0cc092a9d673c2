"""The maintenance screen: the kiosk is out of service for a while; where to get help meanwhile."""

from __future__ import annotations

from kiosk.journey.fleet import MaintenanceView
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Line, Page


def render(view: MaintenanceView, frame: Frame) -> Page:
    tr = frame.tr
    lines = [
        Line(tr("La borne ne marche pas pour le moment."), "warning"),
        Line(tr("Un conseiller peut vous aider à l'accueil."), "mediator"),
    ]
    if view.phone:
        lines.append(Line(tr("Vous pouvez aussi appeler le {phone}.", phone=view.phone), "phone"))
    return build_page(frame, tr("Borne en maintenance"), lines, [], pictogram="settings")
