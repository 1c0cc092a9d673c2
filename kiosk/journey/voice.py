"""What the kiosk says of its screens: on each change, on each focus move, and at the session's end.

A screen's speech comes in pieces (title, lines, "2 choix :", each choice): a short silence
comes before each choice, so that "Oui, je l'ai" and "Non, je ne l'ai pas" are heard as two
choices, and each piece is said in the voice of its own language ("العربية" by the Arabic voice, a text
that exists only in French by the French voice). Focus moves and confirmations are never what
"Répéter" says: it repeats the screen.
"""

from __future__ import annotations

from collections.abc import Callable

from accessibility.speech.commands import LanguageChange, Pause, SpeechCommand
from accessibility.speech.priorities import Priority
from kiosk.i18n import N_, translator
from kiosk.journey.context import Change, SessionEnd, Speaker
from kiosk.session import Session
from kiosk.viewmodels import Page, Said, Speech, sentence

#: The silence before each choice (ms): long enough to hear two choices as two.
CHOICE_PAUSE_MS = 300


#: What is said at the end of a session, in the citizen's language.
GOODBYES = {
    SessionEnd.FINISHED: N_("Merci. Au revoir. Vos réponses sont effacées."),
    SessionEnd.TIMEOUT: N_("Le temps est passé. Vos réponses sont effacées. Au revoir."),
    SessionEnd.MEDIATOR: N_("Le conseiller a fini la session. Vos réponses sont effacées."),
}


class Voice:
    """Turns pages and focus moves into speech for the speech manager; UI thread only."""

    def __init__(
        self,
        speech: Speaker,
        session: Session,
        headset: Callable[[], bool],
        choice_pause_ms: int = CHOICE_PAUSE_MS,
    ) -> None:
        self._speech = speech
        self._session = session
        self._choice_pause_ms = choice_pause_ms
        #: A headset is plugged in: what is said is heard by the citizen alone.
        self._headset = headset

    def items(self, speech: Speech) -> list[str | SpeechCommand]:
        """The pieces as speech items: a silence before each choice, each piece in its own voice,
        and the pieces in between joined (they end as sentences end)."""
        language = self._session.language
        items: list[str | SpeechCommand] = []
        for piece in speech:
            if piece.pause_before and items:
                items.append(Pause(self._choice_pause_ms))
            if piece.language and piece.language != language:
                items += [LanguageChange(piece.language), piece.text, LanguageChange(language)]
            elif items and isinstance(items[-1], str) and not piece.pause_before:
                items[-1] = f"{items[-1]} {piece.text}"
            else:
                items.append(piece.text)
        return items

    def say(self, speech: Speech, remember: bool = True, priority: Priority = Priority.NOW) -> None:
        self._speech.speak(self.items(speech), self._session.language, priority=priority, remember=remember)

    def changed(self, change: Change, page: Page, focus: str | None, used: str | None, always: bool) -> None:
        """Say what ``change`` asks of ``page`` (see ``Change``); ``always``: even outside speech
        mode (the idle warning); ``used``: the control the citizen just used."""
        speech_mode = self._session.speech_mode or always
        if change is Change.NEW_SCREEN:
            if not speech_mode:
                self._speech.stop()  # a new screen interrupts what was being said
                return
            arrival = page.arrival
            main = next((action for action in page.actions if action.id == focus), None)
            if self._session.keypad and main is not None and len(page.actions) > 1:
                # A keypad user also hears where the focus starts (a lone button has it).
                tr = translator(self._session.language)
                arrival = (*arrival, Said(tr("Vous êtes sur : {label}", label=sentence(main.text))))
            self.say(arrival)
        elif change is Change.UPDATED and speech_mode:
            control = next((a for a in (*page.actions, *page.tools) if a.id == used), None)
            self.say(
                (Said(control.text, control.language),) if control else page.spoken, remember=control is None
            )
        elif change is Change.REREAD and speech_mode:
            self.say(page.spoken)
        elif change is Change.STATUS and speech_mode and page.lines:
            first = page.lines[0]
            self.say((Said(first.spoken or first.text, first.language),), remember=False)
        elif change is Change.ERROR:
            first = page.lines[0] if page.lines else None
            if speech_mode or first is None:
                self.say(page.spoken)
            else:
                self.say((Said(first.spoken or first.text, first.language),))
        elif change is Change.READ_ALOUD:
            self.say(page.spoken)

    def focus_speech(self, label: Said, secret: bool, position: int, count: int) -> Speech:
        """What a focused control says: its words, its role, its place ("Bouton, 1 sur 2")."""
        tr = translator(self._session.language)
        if secret and not self._headset():
            # A masked pad's key is said by its place only: a listener would hear the PIN.
            return (Said(tr("Touche {position} sur {count}.", position=position, count=count)),)
        return (
            Said(sentence(label.text), label.language),
            Said(tr("Bouton, {position} sur {count}.", position=position, count=count)),
        )

    def focus_moved(self, label: Said, secret: bool, position: int, count: int) -> None:
        """The keypad moved the focus: in speech mode, say the control now focused."""
        if self._session.speech_mode:
            self.say(self.focus_speech(label, secret, position, count), remember=False)

    def hint(self, text: str) -> None:
        """A short hint said after what is being said (and never what "Répéter" says)."""
        self._speech.speak(text, self._session.language, priority=Priority.NORMAL, remember=False)

    def goodbye(self, reason: SessionEnd, language: str, spoke: bool) -> None:
        """Said after the wipe, in the language of the session that ended; ``spoke``: it was
        heard (speech mode on, or the idle warning said aloud)."""
        if spoke and reason in GOODBYES:
            self._speech.speak(translator(language)(GOODBYES[reason]), language, remember=False)
