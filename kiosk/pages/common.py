"""The parts every page shares: the page builder, the language row, the speech row, long lists."""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Any

from accessibility.languages import LANGUAGE_NAMES, is_right_to_left
from kiosk.i18n import localized
from kiosk.journey.glossary import GlossaryCommand
from kiosk.journey.mediator import MediatorCommand
from kiosk.journey.router import MEDIATOR_SCREENS, ScreenName
from kiosk.journey.speech_controls import SpeechControl
from kiosk.journey.welcome import WelcomeCommand
from kiosk.pages.frame import Frame
from kiosk.procedures import Procedure
from kiosk.viewmodels import Action, Line, Page, Said, sentence, spoken_description

#: At most six choices on a screen, "Je ne trouve pas" and "Voir d'autres choix" included.
MAX_CHOICES = 6


def build_page(frame: Frame, title: str, lines: list[Line], actions: list[Action], **extra: Any) -> Page:
    """A page in the frame's language, with the rows every citizen screen has and what it says."""
    tr = frame.tr
    speech = frame.speech
    if not speech.working and not extra.get("note"):
        extra["note"] = tr("La voix ne marche pas. Lisez l'écran ou appelez un conseiller.")
    choices = tr.ngettext("Un choix :", "{count} choix :", len(actions), count=len(actions))
    title_language = extra.pop("title_language", None)
    spoken = spoken_description(
        title, lines, actions, choices, speech.private_listening, str(extra.get("note", "")), title_language
    )
    progress = str(extra.get("progress", ""))
    if progress:
        spoken = (Said(sentence(progress)), *spoken)
    explained = extra.get("glossary") or []
    if explained:
        terms = frame.glossary.terms
        words = ", ".join(
            localized(terms[str(action.argument)].word, frame.language)[0] for action in explained
        )
        spoken = (
            *spoken,
            Said(
                tr.ngettext(
                    "Un mot expliqué : {words}.", "Mots expliqués : {words}.", len(explained), words=words
                )
            ),
        )
    tools = speech_tools(frame)
    if frame.screen is not ScreenName.HOME and frame.screen not in MEDIATOR_SCREENS:
        # The language can be changed on every citizen screen, not only at the start.
        tools = language_actions(frame) + tools
    return Page(
        name=frame.screen.value,
        title=title,
        language=frame.language,
        spoken=spoken,
        lines=lines,
        actions=actions,
        tools=tools,
        rtl=is_right_to_left(frame.language),
        pager=(tr("Voir la suite"), tr("Remonter")),
        **extra,
    )


def language_actions(frame: Frame, include_current: bool = False) -> list[Action]:
    """The offered languages, each named in itself; a change keeps the citizen's place."""
    return [
        Action(
            f"lang_{code}",
            LANGUAGE_NAMES[code],
            "language",
            WelcomeCommand.CHOOSE_LANGUAGE,
            code,
            language=code,
        )
        for code in frame.offered_languages
        if include_current or code != frame.language
    ]


def speech_tools(frame: Frame) -> list[Action]:
    """Speech controls, shown while speech mode is on and the voice works."""
    speech = frame.speech
    if not speech.mode or not speech.working:
        return []
    tr = frame.tr
    return [
        Action("speech_repeat", tr("Répéter"), "renew", SpeechControl.REPEAT),
        Action(
            "speech_pause",
            tr("Reprendre") if speech.paused else tr("Pause"),
            "listen" if speech.paused else "pause",
            SpeechControl.PAUSE,
        ),
        Action("speech_slower", tr("Plus lent"), "slower", SpeechControl.SLOWER),
        Action("speech_faster", tr("Plus vite"), "faster", SpeechControl.FASTER),
        Action("speech_quieter", tr("Moins fort"), "quieter", SpeechControl.QUIETER),
        Action("speech_louder", tr("Plus fort"), "louder", SpeechControl.LOUDER),
    ]


def one_page_of(items: list[Action], choices_page: int, more: Action, per_page: int) -> list[Action]:
    """The choices of page ``choices_page`` of a long list, then "Voir d'autres choix" if it has several."""
    if len(items) <= per_page:
        return items
    pages = (len(items) + per_page - 1) // per_page
    start = (choices_page % pages) * per_page
    return [*items[start : start + per_page], more]


def not_found(frame: Frame) -> Action:
    """ "Je ne trouve pas": a mediator is called."""
    return Action(
        "not_found", frame.tr("Je ne trouve pas"), "question", MediatorCommand.ASK_HELP, "not_found"
    )


def procedure_choices(procedures: Iterable[Procedure], language: str, command: Enum) -> list[Action]:
    """A button per procedure, titled in ``language`` (or French), sending ``command`` with its id."""
    actions = []
    for procedure in procedures:
        title, fell_back = localized(procedure.title, language)
        actions.append(
            Action(
                f"procedure_{procedure.id}",
                title,
                procedure.pictogram,
                command,
                procedure.id,
                language="fr" if fell_back else None,
            )
        )
    return actions


def glossary_actions(frame: Frame, texts: list[str]) -> list[Action]:
    """ "Que veut dire ... ?" for each hard word of the glossary that ``texts`` use."""
    tr = frame.tr
    actions = []
    for term in frame.glossary.found_in(texts, frame.language):
        word = localized(term.word, frame.language)[0]
        actions.append(
            Action(
                f"define_{term.id}",
                tr("Que veut dire « {word} » ?", word=word),
                "question",
                GlossaryCommand.DEFINE,
                term.id,
            )
        )
    return actions
