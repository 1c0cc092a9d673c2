"""Unit tests of the speech queue, with the recording engine standing in for the synthesiser."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator

import pytest

from accessibility.speech import (
    Callback,
    LanguageChange,
    Pause,
    Priority,
    Rate,
    RecordingEngine,
    SaidItem,
    SilentEngine,
    SpeechManager,
    Utterance,
)
from accessibility.speech.manager import DEFAULT_RATE, DEFAULT_VOLUME, MAX_RATE, MIN_RATE

#: Long enough that an utterance is certainly still being said when the test interrupts it.
LONG = 5.0
#: Upper bound for things that should happen "at once"; generous for a loaded CI machine.
PROMPTLY = 2.0


def durations(**seconds: float):
    """A RecordingEngine duration function: the given texts take time, the others none."""
    return lambda text: seconds.get(text, 0.0)


class GatedEngine(RecordingEngine):
    """Each say waits at a gate the test opens before it begins: a stop() made while it waits
    lands between the manager's decision to speak and the engine starting to, and is lost by
    the engine itself (RecordingEngine.say clears earlier stops)."""

    def __init__(self, duration: float | Callable[[str], float]) -> None:
        super().__init__(duration=duration)
        #: Set when a say reaches the gate.
        self.entered = threading.Event()
        #: Opened by the test; stays open for later says.
        self.release = threading.Event()

    def say(self, text: str, language: str, rate: float, volume: float) -> None:
        self.entered.set()
        self.release.wait()
        super().say(text, language, rate, volume)


@pytest.fixture
def engine() -> RecordingEngine:
    return RecordingEngine()


@pytest.fixture
def manager(engine: RecordingEngine) -> Iterator[SpeechManager]:
    speech = SpeechManager(engine)
    yield speech
    speech.close()


def test_speak_says_text_with_language_voice_rate_and_volume(
    manager: SpeechManager, engine: RecordingEngine
) -> None:
    manager.speak("Bonjour. Touchez l'écran pour commencer.")

    assert manager.wait_idle(PROMPTLY)
    assert engine.said == [SaidItem("Bonjour. Touchez l'écran pour commencer.", "fr", 1.0, 0.8, "roa/fr")]
    assert manager.history == ["Bonjour. Touchez l'écran pour commencer."]


def test_each_language_gets_its_own_voice(manager: SpeechManager, engine: RecordingEngine) -> None:
    manager.speak("Bonjour", language="fr", priority=Priority.NORMAL)
    manager.speak("Hello", language="en", priority=Priority.NORMAL)
    manager.speak("مرحبا، كيف يمكنني مساعدتك؟", language="ar", priority=Priority.NORMAL)

    assert manager.wait_idle(PROMPTLY)
    assert [(item.language, item.voice) for item in engine.said] == [
        ("fr", "roa/fr"),
        ("en", "gmw/en"),
        ("ar", "sem/ar"),
    ]


def test_normal_items_are_said_in_order(manager: SpeechManager, engine: RecordingEngine) -> None:
    engine.duration = durations(titre=0.2)
    manager.speak("titre")
    manager.speak("consigne", priority=Priority.NORMAL)
    manager.speak("option 1", priority=Priority.NORMAL)

    assert manager.wait_idle(PROMPTLY)
    assert engine.texts == ["titre", "consigne", "option 1"]
    assert "stop" not in engine.events


def test_next_goes_before_queued_normal_items_without_interrupting(
    manager: SpeechManager, engine: RecordingEngine
) -> None:
    engine.duration = durations(titre=0.3)
    manager.speak("titre")
    assert engine.wait_until_saying("titre")
    manager.speak("option 1", priority=Priority.NORMAL)
    manager.speak("option 2", priority=Priority.NORMAL)
    manager.speak("chiffre saisi", priority=Priority.NEXT)
    manager.speak("deuxième chiffre", priority=Priority.NEXT)

    assert manager.wait_idle(PROMPTLY)
    assert engine.texts == ["titre", "chiffre saisi", "deuxième chiffre", "option 1", "option 2"]
    assert "titre" in engine.completed
    assert "stop" not in engine.events


def test_now_interrupts_a_long_utterance_and_stops_the_engine_first(
    manager: SpeechManager, engine: RecordingEngine
) -> None:
    engine.duration = durations(long=LONG)
    manager.speak("long")
    manager.speak("en attente", priority=Priority.NORMAL)
    assert engine.wait_until_saying("long")
    started = time.monotonic()

    manager.speak("Vous avez appuyé sur Retour.")

    assert manager.wait_idle(PROMPTLY)
    assert time.monotonic() - started < PROMPTLY
    assert [event if isinstance(event, str) else event.text for event in engine.events] == [
        "long",
        "stop",
        "Vous avez appuyé sur Retour.",
    ]
    assert engine.completed == ["Vous avez appuyé sur Retour."]


def test_stop_cancels_the_queue_and_the_current_utterance(
    manager: SpeechManager, engine: RecordingEngine
) -> None:
    engine.duration = durations(long=LONG)
    manager.speak("long")
    manager.speak("suite", priority=Priority.NORMAL)
    assert engine.wait_until_saying("long")

    manager.stop()

    assert manager.wait_idle(PROMPTLY)
    assert [event if isinstance(event, str) else event.text for event in engine.events] == [
        "long",
        "stop",
    ]
    assert engine.completed == []


def test_stop_while_idle_does_not_touch_the_engine(manager: SpeechManager, engine: RecordingEngine) -> None:
    manager.stop()
    manager.speak("Bonjour")
    assert manager.wait_idle(PROMPTLY)
    assert engine.events == [SaidItem("Bonjour", "fr", 1.0, 0.8, "roa/fr")]


def test_pause_keeps_the_current_item_and_the_queue_for_resume(
    manager: SpeechManager, engine: RecordingEngine
) -> None:
    engine.duration = durations(deux=LONG)
    manager.speak(["un", "deux"])
    manager.speak("trois", priority=Priority.NORMAL)
    assert engine.wait_until_saying("deux")

    manager.pause()

    assert manager.paused
    assert not manager.wait_idle(0.3)  # paused with speech waiting is not idle
    assert engine.texts == ["un", "deux"]
    assert engine.events[-1] == "stop"

    engine.duration = 0.0
    manager.resume()

    assert manager.wait_idle(PROMPTLY)
    # The interrupted piece is said again from its start, then the queue goes on.
    assert engine.texts == ["un", "deux", "deux", "trois"]
    assert manager.history == ["un deux", "trois"]  # resuming is not a new utterance


def test_now_while_paused_drops_the_paused_speech(manager: SpeechManager, engine: RecordingEngine) -> None:
    engine.duration = durations(long=LONG)
    manager.speak("long")
    manager.speak("suite", priority=Priority.NORMAL)
    assert engine.wait_until_saying("long")
    manager.pause()

    manager.speak("Nouvel écran")

    assert manager.wait_idle(PROMPTLY)
    assert not manager.paused
    assert engine.texts == ["long", "Nouvel écran"]


def test_pause_when_idle_does_nothing(manager: SpeechManager, engine: RecordingEngine) -> None:
    manager.pause()
    assert not manager.paused
    manager.speak("Bonjour")
    assert manager.wait_idle(PROMPTLY)
    assert engine.texts == ["Bonjour"]


def test_repeat_says_the_last_utterance_again(manager: SpeechManager, engine: RecordingEngine) -> None:
    manager.repeat()  # nothing said yet: nothing to repeat
    manager.speak(["Choisissez une démarche.", Pause(10), "Acte de naissance."])
    assert manager.wait_idle(PROMPTLY)

    manager.repeat()

    assert manager.wait_idle(PROMPTLY)
    assert engine.texts == ["Choisissez une démarche.", "Acte de naissance."] * 2
    assert manager.history == ["Choisissez une démarche. Acte de naissance."] * 2
    assert manager.last == Utterance(("Choisissez une démarche.", Pause(10), "Acte de naissance."), "fr")


def test_repeat_says_the_last_remembered_utterance_not_a_focus_move(
    manager: SpeechManager, engine: RecordingEngine
) -> None:
    manager.speak("Votre situation. Vos choix : Oui, Non.")
    manager.speak("Répéter. Bouton, 1 sur 6.", remember=False)  # the focus reaches "Répéter"
    assert manager.wait_idle(PROMPTLY)
    manager.repeat()
    assert manager.wait_idle(PROMPTLY)
    assert engine.texts[-1] == "Votre situation. Vos choix : Oui, Non."
    assert manager.history[-2:] == ["Répéter. Bouton, 1 sur 6.", "Votre situation. Vos choix : Oui, Non."]


def test_an_announcement_is_heard_while_paused_and_keeps_the_queue(
    manager: SpeechManager, engine: RecordingEngine
) -> None:
    engine.duration = durations(long=LONG)
    manager.speak(["long", "suite"])
    assert engine.wait_until_saying("long")
    manager.pause()
    manager.announce("Pause.")
    assert engine.wait_until_saying("Pause.") or "Pause." in engine.texts
    assert manager.paused
    assert not manager.wait_idle(0.2), "the paused utterance is still there"
    engine.duration = durations()
    manager.resume()
    assert manager.wait_idle(PROMPTLY)
    assert engine.texts == ["long", "Pause.", "long", "suite"]
    manager.repeat()
    assert manager.wait_idle(PROMPTLY)
    assert engine.texts[-2:] == ["long", "suite"], "an announcement is never what Répéter says"


def test_an_announcement_cuts_in_and_what_it_cut_is_said_again(
    manager: SpeechManager, engine: RecordingEngine
) -> None:
    engine.duration = durations(long=LONG)
    manager.speak(["long", "suite"])
    assert engine.wait_until_saying("long")
    engine.duration = durations()
    manager.announce("Plus fort.")
    assert manager.wait_idle(PROMPTLY)
    assert engine.texts == ["long", "Plus fort.", "long", "suite"]


def test_stop_drops_an_announcement_too(manager: SpeechManager, engine: RecordingEngine) -> None:
    engine.duration = durations(**{"Pause.": LONG})
    manager.announce("Pause.")
    assert engine.wait_until_saying("Pause.")
    manager.stop()
    assert manager.wait_idle(PROMPTLY)
    assert engine.completed == []


def test_repeat_interrupts_current_speech(manager: SpeechManager, engine: RecordingEngine) -> None:
    manager.speak("Bienvenue")
    assert manager.wait_idle(PROMPTLY)
    engine.duration = durations(long=LONG)
    manager.speak("long")
    assert engine.wait_until_saying("long")
    engine.duration = 0.0

    manager.repeat()  # "long" is now the last utterance started

    assert manager.wait_idle(PROMPTLY)
    assert [event if isinstance(event, str) else event.text for event in engine.events] == [
        "Bienvenue",
        "long",
        "stop",
        "long",
    ]


def test_rate_steps_are_bounded_and_reach_the_engine(manager: SpeechManager, engine: RecordingEngine) -> None:
    assert manager.rate == DEFAULT_RATE
    assert manager.slower() == 0.9
    assert manager.slower() == 0.8
    manager.speak("lentement")
    assert manager.wait_idle(PROMPTLY)
    assert engine.said[-1].rate == 0.8

    for _ in range(30):
        manager.slower()
    assert manager.rate == MIN_RATE
    for _ in range(30):
        manager.faster()
    assert manager.rate == MAX_RATE


def test_volume_steps_are_tenths_within_bounds(manager: SpeechManager, engine: RecordingEngine) -> None:
    assert manager.volume == DEFAULT_VOLUME
    assert manager.volume_up() == 0.9
    assert manager.volume_up() == 1.0
    assert manager.volume_up() == 1.0
    manager.speak("fort")
    assert manager.wait_idle(PROMPTLY)
    assert engine.said[-1].volume == 1.0

    steps = [manager.volume_down() for _ in range(12)]
    assert steps[:9] == [0.9, 0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2, 0.1]
    assert manager.volume == 0.1  # never silent


#: What one citizen's session had said, or was about to say, when it ended.
SESSION_TEXTS = (
    "Votre nom est Dupont.",
    "Vous êtes né le 3 mai 1980.",
    "Vous habitez 12 rue des Lilas.",
    "Votre numéro est le 06 12 34 56 78.",
    "Imprimer le reçu ?",
)


def test_reset_restores_defaults_and_forgets_everything(
    manager: SpeechManager, engine: RecordingEngine, kept: Callable[..., list[str]]
) -> None:
    said, cut, paused, queued_next, queued = SESSION_TEXTS
    manager.speak(said)
    assert manager.wait_idle(PROMPTLY)
    manager.faster()
    manager.volume_down()
    engine.duration = durations(**{paused: LONG})
    manager.speak([cut, paused])
    manager.speak(queued, priority=Priority.NORMAL)
    manager.speak(queued_next, priority=Priority.NEXT)
    assert engine.wait_until_saying(paused)
    manager.pause()  # kept, with the queue, for a resume() that must never come
    assert kept(manager, *SESSION_TEXTS)  # the search sees what the speech layer holds

    manager.reset()

    assert manager.history == []
    assert manager.last is None
    assert not manager.paused
    assert (manager.rate, manager.volume) == (DEFAULT_RATE, DEFAULT_VOLUME)
    assert manager.wait_idle(PROMPTLY)  # nothing queued, and the engine has forgotten
    assert (engine.said, engine.texts, engine.completed, engine.events) == ([], [], [], [])
    assert kept(manager, *SESSION_TEXTS) == []  # nor anywhere else: queue, paused entry...
    manager.resume()  # the paused utterance is gone too
    manager.repeat()  # nothing of the previous citizen can be repeated
    assert manager.wait_idle(PROMPTLY)
    assert engine.events == []


def test_reset_forgets_a_say_that_was_about_to_begin(kept: Callable[..., list[str]]) -> None:
    engine = GatedEngine(duration=LONG)
    speech = SpeechManager(engine)
    try:
        speech.speak("Votre nom est Dupont.")
        assert engine.entered.wait(PROMPTLY)  # the worker has decided to say it
        speech.reset()
        engine.release.set()  # ...and the engine records it only now, after the reset

        assert speech.wait_idle(PROMPTLY)
        assert engine.events == []
        assert kept(speech, "Dupont") == []
    finally:
        engine.release.set()  # never leave the worker at the gate
        speech.close()


class ForgetfulnessFailingEngine(RecordingEngine):
    """An engine whose forget() raises, with the text in the exception's message."""

    def forget(self) -> None:
        raise RuntimeError(f"cannot forget {self.texts}")


def test_an_engine_failing_to_forget_is_logged_without_the_text(caplog: pytest.LogCaptureFixture) -> None:
    engine = ForgetfulnessFailingEngine()
    speech = SpeechManager(engine)
    try:
        speech.speak("Votre nom est Dupont.")
        assert speech.wait_idle(PROMPTLY)

        speech.reset()  # does not raise

        assert speech.wait_idle(PROMPTLY)
        assert "failed to forget" in caplog.text
        assert "Dupont" not in caplog.text
        speech.speak("Bonjour")  # the worker carries on
        assert speech.wait_idle(PROMPTLY)
        assert engine.texts[-1] == "Bonjour"
    finally:
        speech.close()


def test_language_change_rate_and_callback_commands(manager: SpeechManager, engine: RecordingEngine) -> None:
    reached: list[str] = []
    manager.speak(
        [
            "Langue choisie :",
            LanguageChange("ar"),
            "العربية",
            Callback(lambda: reached.append(engine.texts[-1])),
            Rate(0.5),
            LanguageChange("fr"),
            "Numéro : 06 12 34 56 78",
        ]
    )

    assert manager.wait_idle(PROMPTLY)
    assert [(item.text, item.language, item.voice, item.rate) for item in engine.said] == [
        ("Langue choisie :", "fr", "roa/fr", 1.0),
        ("العربية", "ar", "sem/ar", 1.0),
        ("Numéro : 06 12 34 56 78", "fr", "roa/fr", 0.5),
    ]
    assert reached == ["العربية"]  # the callback ran between the two texts


def test_pause_command_waits_and_stop_cuts_it_short(manager: SpeechManager, engine: RecordingEngine) -> None:
    started = time.monotonic()
    manager.speak(["un", Pause(200), "deux"])
    assert manager.wait_idle(PROMPTLY)
    assert time.monotonic() - started >= 0.19
    assert engine.texts == ["un", "deux"]

    reached_pause = threading.Event()
    manager.speak(["trois", Callback(reached_pause.set), Pause(9000), "quatre"])
    assert reached_pause.wait(PROMPTLY)
    # Whether stop() lands just before the Pause begins or while it waits, the 9 s silence
    # must end at once: the Pause watches for interruptions, not only the clock.
    started = time.monotonic()
    manager.stop()
    assert manager.wait_idle(PROMPTLY)
    assert time.monotonic() - started < 1.0
    assert "quatre" not in engine.texts


def test_on_started_is_called_once_per_utterance_on_the_worker_thread(
    engine: RecordingEngine,
) -> None:
    started: list[tuple[str, str]] = []
    speech = SpeechManager(
        engine,
        on_started=lambda utterance: started.append((utterance.text, threading.current_thread().name)),
    )
    try:
        engine.duration = durations(deux=LONG)
        speech.speak(["un", "deux"])
        assert engine.wait_until_saying("deux")
        speech.pause()
        engine.duration = 0.0
        speech.resume()
        speech.speak("trois", priority=Priority.NORMAL)
        assert speech.wait_idle(PROMPTLY)
    finally:
        speech.close()
    assert started == [("un deux", "kiosk-speech"), ("trois", "kiosk-speech")]


def test_a_failing_engine_switches_to_silence_and_reports_once(engine: RecordingEngine) -> None:
    reports: list[str] = []
    speech = SpeechManager(engine, on_unavailable=lambda: reports.append("unavailable"))
    try:
        assert speech.available
        engine.fail_with = OSError("espeak-ng crashed")
        speech.speak("premier")
        speech.speak("deuxième", priority=Priority.NORMAL)
        speech.speak("troisième", priority=Priority.NORMAL)
        assert speech.wait_idle(PROMPTLY)

        assert reports == ["unavailable"]
        assert not speech.available
        assert engine.texts == ["premier"]  # the broken engine is not called again
        assert speech.history == ["premier", "deuxième", "troisième"]
        speech.speak("toujours là")  # the caller keeps working
        assert speech.wait_idle(PROMPTLY)
        assert reports == ["unavailable"]
    finally:
        speech.close()


def test_a_failed_engine_is_given_back_at_the_end_of_the_session(engine: RecordingEngine) -> None:
    reports: list[str] = []
    speech = SpeechManager(engine, on_unavailable=lambda: reports.append("unavailable"))
    try:
        engine.fail_with = OSError("the sound card is busy")
        speech.speak("Votre nom est Dupont.")
        assert speech.wait_idle(PROMPTLY)
        assert not speech.available and reports == ["unavailable"]
        engine.fail_with = None

        speech.reset()
        assert speech.wait_idle(PROMPTLY)
        assert speech.available
        # Given back, it forgets the session like any engine at its end (it kept the text).
        assert engine.texts == []
        speech.speak("Bonjour.")
        assert speech.wait_idle(PROMPTLY)
        assert engine.texts == ["Bonjour."]

        # Failing again in the next session: silent again, reported again.
        engine.fail_with = OSError("the sound card is busy")
        speech.speak("Encore.")
        assert speech.wait_idle(PROMPTLY)
        assert not speech.available and reports == ["unavailable", "unavailable"]
    finally:
        speech.close()


def test_a_failed_engine_gets_another_try_when_asked(engine: RecordingEngine) -> None:
    reports: list[str] = []
    speech = SpeechManager(engine, on_unavailable=lambda: reports.append("unavailable"))
    try:
        assert speech.retry()  # nothing failed: nothing changes
        engine.fail_with = OSError("the sound card is busy")
        speech.speak("Bonjour.")
        assert speech.wait_idle(PROMPTLY)
        assert not speech.available

        assert speech.retry() and speech.available
        speech.speak("Encore.")  # still broken: silent again, reported again
        assert speech.wait_idle(PROMPTLY)
        assert not speech.available and reports == ["unavailable", "unavailable"]

        engine.fail_with = None
        assert speech.retry()
        speech.speak("Me revoilà.")
        assert speech.wait_idle(PROMPTLY)
        assert engine.texts[-1] == "Me revoilà."
    finally:
        speech.close()


def test_faulty_callbacks_do_not_kill_the_speech_thread(engine: RecordingEngine) -> None:
    def broken(*_: object) -> None:
        raise ValueError("bug in the application")

    speech = SpeechManager(engine, on_started=broken, on_unavailable=broken)
    try:
        speech.speak(["un", Callback(broken), "deux"])
        assert speech.wait_idle(PROMPTLY)
        engine.fail_with = RuntimeError("boom")
        speech.speak("trois")
        assert speech.wait_idle(PROMPTLY)
        speech.speak("quatre")
        assert speech.wait_idle(PROMPTLY)
        assert speech.history == ["un deux", "trois", "quatre"]
    finally:
        speech.close()


def test_an_engine_unavailable_from_the_start_is_replaced_by_silence() -> None:
    reports: list[str] = []
    speech = SpeechManager(SilentEngine("no espeak"), on_unavailable=lambda: reports.append("x"))
    try:
        assert not speech.available
        speech.speak("Bonjour")
        assert speech.wait_idle(PROMPTLY)
        assert speech.history == ["Bonjour"]
        assert reports == []  # the caller already knows: available is False
    finally:
        speech.close()


def test_an_interruption_just_before_say_begins_is_not_lost() -> None:
    engine = GatedEngine(duration=durations(long=LONG))
    speech = SpeechManager(engine)
    try:
        speech.speak("long")
        assert engine.entered.wait(PROMPTLY)  # the worker is in the gap before "long" begins
        started = time.monotonic()
        speech.speak("urgent")  # its stop() reaches the engine while nothing is being said
        engine.release.set()
        assert speech.wait_idle(PROMPTLY)
        assert time.monotonic() - started < 1.5
        assert engine.completed == ["urgent"]
    finally:
        engine.release.set()  # never leave the worker at the gate
        speech.close()


class OverlapCheckingEngine(RecordingEngine):
    """Fails the test if two say() calls ever run at once."""

    def __init__(self) -> None:
        super().__init__(duration=0.002)
        self.overlaps = 0
        self._inside = threading.Lock()

    def say(self, text: str, language: str, rate: float, volume: float) -> None:
        if not self._inside.acquire(blocking=False):
            self.overlaps += 1
            return
        try:
            super().say(text, language, rate, volume)
        finally:
            self._inside.release()


def test_calls_from_many_threads_at_once_are_safe() -> None:
    engine = OverlapCheckingEngine()
    speech = SpeechManager(engine)
    errors: list[BaseException] = []

    def hammer(seed: int) -> None:
        try:
            for index in range(60):
                action = (seed + index) % 9
                if action < 4:
                    speech.speak(f"{seed}-{index}", priority=Priority(index % 3))
                elif action == 4:
                    speech.stop()
                elif action == 5:
                    speech.pause()
                elif action == 6:
                    speech.resume()
                elif action == 7:
                    speech.faster() if index % 2 else speech.volume_down()
                else:
                    speech.repeat()
        except BaseException as error:  # noqa: BLE001 - reported to the test thread
            errors.append(error)

    threads = [threading.Thread(target=hammer, args=(seed,)) for seed in range(6)]
    try:
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(10)
        speech.resume()
        assert speech.wait_idle(5.0)
    finally:
        speech.close()
    assert errors == []
    assert engine.overlaps == 0


def test_close_ends_the_worker_and_later_calls_do_nothing(engine: RecordingEngine) -> None:
    def speech_threads() -> set[threading.Thread]:
        return {t for t in threading.enumerate() if t.name == "kiosk-speech" and t.is_alive()}

    others = speech_threads()  # managers of other tests, if any were left running
    engine.duration = durations(long=LONG)
    speech = SpeechManager(engine)
    speech.speak("long")
    assert engine.wait_until_saying("long")
    started = time.monotonic()

    speech.close()

    assert time.monotonic() - started < PROMPTLY
    assert speech_threads() - others == set()
    speech.speak("après")
    speech.close()
    assert engine.texts == ["long"]


def test_blank_content_is_ignored_and_does_not_interrupt(
    manager: SpeechManager, engine: RecordingEngine
) -> None:
    engine.duration = durations(long=0.3)
    manager.speak("long")
    assert engine.wait_until_saying("long")
    manager.speak("   ")
    manager.speak([])
    assert manager.wait_idle(PROMPTLY)
    assert engine.events == [SaidItem("long", "fr", 1.0, 0.8, "roa/fr")]


def test_content_that_is_not_speech_is_refused_at_once(manager: SpeechManager) -> None:
    with pytest.raises(TypeError):
        manager.speak(["Bonjour", 42])  # type: ignore[list-item]
