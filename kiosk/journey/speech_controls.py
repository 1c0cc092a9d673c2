"""The speech controls flow: speech mode, the headset, repeat, pause, rate, volume, touch to hear."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from fleet.help import HelpReason
from kiosk.i18n import N_
from kiosk.journey.context import Change, FlowContext, Handlers, ScreenViews
from kiosk.journey.router import Location, ScreenName


class SpeechControl(Enum):
    """The speech commands: the speech row under the title, the bar's "Écouter", the settings."""

    TOGGLE_SPEECH = "toggle_speech"  #: "Écouter les instructions : oui / non"
    LISTEN = "listen"  #: the bar's "Écouter": say this screen now
    REPEAT = "repeat"
    PAUSE = "pause"  #: pause, or resume when paused
    SLOWER = "slower"
    FASTER = "faster"
    QUIETER = "quieter"
    LOUDER = "louder"
    TOGGLE_TOUCH_TO_HEAR = "toggle_touch_to_hear"
    SHOW_KEYS = "show_keys"  #: the "Les touches" screen


class AudioRoute(Enum):
    SPEAKER = "speaker"
    #: A headset is plugged in: speech is private (EN 301 549 5.1.3.9).
    HEADSET = "headset"


@dataclass(frozen=True)
class SpeechView:
    """What every screen needs to know of speech: the controls it shows and what it may say."""

    mode: bool
    working: bool
    paused: bool
    #: Identity data may be spoken: a headset is plugged in, or the citizen agreed.
    private_listening: bool
    touch_to_hear: bool


@dataclass(frozen=True)
class KeysView:
    """The "Les touches" screen: what each key does (the same on every screen)."""

    #: The site has volume keys on its keypad.
    volume_keys: bool


class SpeechControlsFlow:
    """Owns how the kiosk speaks to the citizen; the speech manager does the speaking."""

    def __init__(self, context: FlowContext) -> None:
        self._context = context
        self.route = AudioRoute.SPEAKER
        self.working = context.speech.available
        #: Mediators were told this session that the voice failed (once a session, however often
        #: a citizen asks for speech again).
        self._failure_told = False
        #: With "touch to hear", the control a first touch read aloud; a second touch activates it.
        self._heard: str | None = None

    def screens(self) -> ScreenViews:
        keypad = self._context.config.keypad
        return {ScreenName.KEYS: lambda _location: KeysView(bool(keypad.volume_up and keypad.volume_down))}

    def handlers(self) -> Handlers:
        speech = self._context.speech
        return {
            SpeechControl.TOGGLE_SPEECH: lambda _: self.toggle_speech(),
            SpeechControl.LISTEN: lambda _: self.listen(),
            SpeechControl.REPEAT: lambda _: speech.repeat(),
            SpeechControl.PAUSE: lambda _: self.pause(),
            SpeechControl.SLOWER: lambda _: self._adjust(speech.slower, N_("Je parle plus lentement.")),
            SpeechControl.FASTER: lambda _: self._adjust(speech.faster, N_("Je parle plus vite.")),
            SpeechControl.QUIETER: lambda _: self._adjust(speech.volume_down, N_("Moins fort.")),
            SpeechControl.LOUDER: lambda _: self._adjust(speech.volume_up, N_("Plus fort.")),
            SpeechControl.TOGGLE_TOUCH_TO_HEAR: lambda _: self.toggle_touch_to_hear(),
            SpeechControl.SHOW_KEYS: lambda _: self._context.show(Location(ScreenName.KEYS)),
        }

    @property
    def headset_plugged(self) -> bool:
        return self.route is AudioRoute.HEADSET

    @property
    def private_listening(self) -> bool:
        return self.route is AudioRoute.HEADSET or self._context.session.identity_speech_agreed

    def view(self) -> SpeechView:
        session = self._context.session
        return SpeechView(
            mode=session.speech_mode,
            working=self.working,
            paused=self._context.speech.paused,
            private_listening=self.private_listening,
            touch_to_hear=session.touch_to_hear,
        )

    # -- actions -----------------------------------------------------------------------------

    def toggle_speech(self) -> None:
        session = self._context.session
        session.speech_mode = not session.speech_mode
        if session.speech_mode:
            self._try_again()
            session.statistics.features.add("speech")
            self._context.redraw(Change.REREAD)
            return
        # Without speech, a first touch could no longer be heard: it acts again.
        session.touch_to_hear = False
        self._context.speech.stop()
        self._context.redraw(Change.QUIET)

    def listen(self) -> None:
        self._try_again()
        self._context.session.statistics.features.add("speech")
        self._context.redraw(Change.READ_ALOUD)

    def pause(self) -> None:
        """Pause or resume; a pause says so without losing what was being said."""
        context = self._context
        speech = context.speech
        if speech.paused:
            speech.resume()
        else:
            speech.pause()
            if speech.paused:
                speech.announce(context.tr(N_("Pause.")), language=context.session.language)
            else:
                context.say(context.tr(N_("Rien à mettre en pause.")))
        context.redraw(Change.QUIET)

    def _adjust(self, change: Callable[[], float], sample: str) -> None:
        """Change rate or volume, then say a short sample so the citizen hears the result."""
        change()
        self._context.say(self._context.tr(sample))

    def toggle_touch_to_hear(self) -> None:
        session = self._context.session
        session.touch_to_hear = not session.touch_to_hear
        if session.touch_to_hear:
            # A first touch speaks: speech has to be on.
            self._try_again()
            session.speech_mode = True
            session.statistics.features.add("touch_to_hear")
        self._heard = None
        self._context.redraw(Change.UPDATED)

    def headset(self, plugged: bool) -> None:
        """The audio layer saw the headset jack change: plugging in turns speech mode on."""
        session = self._context.session
        self.route = AudioRoute.HEADSET if plugged else AudioRoute.SPEAKER
        if plugged:
            self._try_again()
            if not session.speech_mode:
                session.speech_mode = True
                session.statistics.features.add("headset")
        self._context.redraw(Change.REREAD if plugged else Change.QUIET)

    def unavailable(self) -> None:
        """The speech engine failed: say so on screen and tell the mediators. Never fatal."""
        if not self.working:
            return
        self.working = False
        if not self._failure_told:
            self._failure_told = True
            self._context.request_help(HelpReason.SPEECH_UNAVAILABLE)
        self._context.redraw(Change.QUIET)

    def _try_again(self) -> None:
        """A citizen asks for speech: a voice that failed gets another try now (see
        SpeechManager.retry); the screen says which it is."""
        if not self.working:
            self.working = self._context.speech.retry()

    def touched(self, control_id: str, text: str) -> bool:
        """A finger lifted on a control; True when it must act, False when it was only read aloud.

        With "touch to hear" on, a first touch says the control, as VoiceOver and TalkBack do;
        a second touch on the same control activates it.
        """
        if not self._context.session.touch_to_hear or self._heard == control_id:
            self._heard = None
            return True
        self._heard = control_id
        self._context.say(text)
        return False

    def new_screen(self) -> None:
        """Another screen is shown: no control on it has been read by touch yet."""
        self._heard = None

    def forget(self) -> None:
        self._heard = None
        self._failure_told = False
        # The speech manager gives a failed engine back at the end of a session.
        self.working = self._context.speech.available
