"""What every page is drawn with besides its own snapshot: the language, speech, the languages offered."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.glossary import Glossary
from kiosk.i18n import Translator, translator
from kiosk.journey.router import ScreenName
from kiosk.journey.speech_controls import SpeechView


@dataclass(frozen=True)
class Frame:
    """The part of the journey's state that every screen shows the same way (read-only)."""

    screen: ScreenName
    language: str
    #: The languages the site offers, in the order the configuration lists them.
    offered_languages: tuple[str, ...]
    speech: SpeechView
    #: The hard words that screens offer to explain.
    glossary: Glossary

    @property
    def tr(self) -> Translator:
        return translator(self.language)
