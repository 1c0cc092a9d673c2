"""The restart screen: a fault happened, the kiosk starts again in a moment; nothing else shows."""

from __future__ import annotations

from kiosk.journey.supervision import RestartingView
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Line, Page


def render(_view: RestartingView, frame: Frame) -> Page:
    tr = frame.tr
    lines = [Line(tr("Attendez un petit moment, s'il vous plaît."), "clock")]
    return build_page(frame, tr("La borne redémarre"), lines, [], pictogram="renew")
