"""The satisfaction question at the end of a session: three faces, or skip."""

from __future__ import annotations

from kiosk.journey.welcome import FeedbackView, WelcomeCommand
from kiosk.pages.common import build_page
from kiosk.pages.frame import Frame
from kiosk.viewmodels import Action, Line, Page


def render(view: FeedbackView, frame: Frame) -> Page:
    tr = frame.tr
    faces = [
        Action("face_3", tr("Content"), "face_happy", WelcomeCommand.GIVE_FEEDBACK, 3),
        Action("face_2", tr("Moyen"), "face_neutral", WelcomeCommand.GIVE_FEEDBACK, 2),
        Action("face_1", tr("Pas content"), "face_sad", WelcomeCommand.GIVE_FEEDBACK, 1),
        Action("skip", tr("Passer"), "skip", WelcomeCommand.GIVE_FEEDBACK, None),
    ]
    lines = [Line(tr("Êtes-vous content de la borne ?")), Line(tr("Votre réponse est anonyme."))]
    return build_page(frame, tr("Votre avis"), lines, faces, pictogram="face_happy")
