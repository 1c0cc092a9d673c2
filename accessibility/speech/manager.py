"""The speech queue: what is said, in which order, what interrupts what, and on which thread.

How it works (modelled on NVDA's ``speech/manager.py``)
--------------------------------------------------------
Speech is data. ``speak()`` turns its content (a string, or a sequence of strings and
commands from :mod:`.commands`) into an :class:`Utterance` and places it in one queue
according to its :class:`Priority`:

* ``NOW`` empties the queue, drops the utterance being said (``engine.stop()`` interrupts
  it) and lifts a pause: a user action or a new screen is always heard at once.
* ``NEXT`` goes after the NEXT items already waiting but before every NORMAL item; it
  does not interrupt the current utterance.
* ``NORMAL`` is appended.

``speak(..., remember=False)`` says something that "Répéter" must not repeat (a focus move, a
confirmation such as "Plus fort."): ``repeat()`` says the last utterance that was remembered.
``announce()`` is an interjection ("Pause."): it is said at once, even while paused, and leaves
the queue as it was; the item it cut short is said again after it, unless paused.

One worker thread, owned by the manager and started in its constructor, takes the
utterance at the head of the queue and works through its items in order: text goes to
``engine.say()`` (which blocks that thread while speaking), prepared for the voice by
:mod:`.pronunciation` ("8 h 30" said "8 heures 30"); ``Pause`` waits, ``Rate`` and
``LanguageChange`` change how the following text is said, ``Callback`` is called. The
worker is the only thread that calls ``engine.say()``, so an engine never sees two
utterances at once.

Every public method may be called from any thread (in the kiosk, Kivy's UI thread) and
never blocks: it changes the queue under one lock and wakes the worker. Interrupting
calls ``engine.stop()`` from the caller's thread, because the worker is busy inside
``say()``; since a stop can land just before ``say()`` begins, the manager repeats it
every ``STOP_RETRY_SECONDS`` until that very ``say()`` has returned (it never stops a
later one). ``pause()`` keeps the interrupted utterance at the head of the queue, and
``resume()`` says its interrupted piece of text again from the start (espeak-ng cannot
resume mid-word).

``on_started``, ``on_unavailable`` and ``Callback`` commands run on the worker thread:
the application hands them to the UI with ``Clock.schedule_once``. If the engine raises,
the manager logs it, switches to a :class:`SilentEngine`, calls ``on_unavailable`` and
carries on, so speech never breaks the kiosk; ``retry()`` (a citizen asks for speech) and
``reset()`` (the next session; asked to forget, like any engine at a session's end) give the
engine another try.

Privacy: the manager never logs what it says, and ``reset()`` (end of a session) forgets
the queue, the history and the last utterance and restores the default rate and volume. It
also asks the worker to call ``engine.forget()``, which the worker does as soon as the
interrupted ``say()`` has returned and before any later one: called at once from the
caller's thread, it could run before a ``say()`` that was about to begin (the engine would
then keep that text) or in the middle of one. ``wait_idle`` waits for it.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from .commands import Callback, LanguageChange, Pause, Rate, SpeechItem, Utterance
from .engines import SilentEngine, SpeechEngine
from .priorities import Priority
from .pronunciation import for_speech

logger = logging.getLogger(__name__)
#: When a failed engine is tried again (see `reset` and `retry`).
_BACK = "the session ends or a citizen asks for speech"

__all__ = [
    "DEFAULT_RATE",
    "DEFAULT_VOLUME",
    "MAX_RATE",
    "MAX_VOLUME",
    "MIN_RATE",
    "MIN_VOLUME",
    "RATE_STEP",
    "VOLUME_STEP",
    "SpeechManager",
]

#: Speech rate as a multiple of the voice's normal speed.
DEFAULT_RATE = 1.0
#: One press of "plus lentement" / "plus vite".
RATE_STEP = 0.1
#: Slowest and fastest rates the keypad reaches.
MIN_RATE = 0.5
MAX_RATE = 2.0
#: Default volume: below the maximum so that a citizen who needs it louder can get it.
DEFAULT_VOLUME = 0.8
#: One press of the keypad's volume keys (EN 301 549 5.1.3.11-13).
VOLUME_STEP = 0.1
#: Quietest volume: never 0, a citizen relying on speech must not lose it by mistake.
MIN_VOLUME = 0.1
MAX_VOLUME = 1.0
#: How often an interruption re-sends ``engine.stop()`` until the stopped ``say()`` returns.
STOP_RETRY_SECONDS = 0.05
#: Give up re-sending after this many tries (an engine that ignores stop() for 2 s is broken).
STOP_RETRY_LIMIT = 40
#: How long ``close()`` waits for the worker to end.
CLOSE_TIMEOUT_SECONDS = 5.0


@dataclass(eq=False)
class _Entry:
    """An utterance in the queue, with how far the worker has gone through it."""

    utterance: Utterance
    priority: Priority
    #: Index of the next item to say: a paused entry resumes at the item it was in.
    next_item: int = 0
    #: Set when the worker starts it, so history and on_started happen once (not on resume).
    started: bool = False
    #: Language and rate multiplier in force, changed by LanguageChange and Rate commands.
    language: str = ""
    rate_multiplier: float = 1.0
    #: "Répéter" may say it again (False for focus moves and confirmations).
    remember: bool = True


def _clamp(value: float, low: float, high: float) -> float:
    # Rounded so that ten steps of 0.1 land exactly on 1.0, not 0.9999999999999999.
    return round(max(low, min(high, value)), 2)


class SpeechManager:
    """One speech queue with priorities, pause, repeat, rate and volume (see the module docstring).

    Threads: owns one worker thread that runs the engine; public methods are thread-safe
    and non-blocking (except ``wait_idle`` and ``close``). ``on_started``,
    ``on_unavailable`` and ``Callback`` commands are called on the worker thread.
    """

    def __init__(
        self,
        engine: SpeechEngine,
        *,
        on_started: Callable[[Utterance], None] | None = None,
        on_unavailable: Callable[[], None] | None = None,
        default_rate: float = DEFAULT_RATE,
        default_volume: float = DEFAULT_VOLUME,
    ) -> None:
        #: Called on the worker thread when the engine starts an utterance (latency probe).
        self.on_started = on_started
        #: Called on the worker thread when the engine fails while the kiosk runs (once until
        #: the engine is given back at the end of a session, see ``reset``).
        self.on_unavailable = on_unavailable
        self._default_rate = _clamp(default_rate, MIN_RATE, MAX_RATE)
        self._default_volume = _clamp(default_volume, MIN_VOLUME, MAX_VOLUME)
        # An engine that is unavailable from the start is replaced now, so say() never raises
        # for a known reason; on_unavailable is for failures the caller could not see.
        self._engine: SpeechEngine = engine if engine.available else SilentEngine()
        self._condition = threading.Condition()
        self._queue: deque[_Entry] = deque()
        self._current: _Entry | None = None
        #: Said before anything else, even while paused (see ``announce``).
        self._interjection: _Entry | None = None
        self._paused = False
        self._closing = False
        self._unavailable_reported = False
        #: The engine that failed at run time, given another chance at the end of the session.
        self._failed: SpeechEngine | None = None
        #: Failures at run time so far: the first is logged with its traceback, later ones in a line.
        self.failures = 0
        # Bumped by every interruption: the worker compares it to know its item was cut off.
        self._generation = 0
        # Identifies the say() call in progress, so a repeated stop never hits a later one.
        self._say_count = 0
        self._saying: int | None = None
        self._rate = self._default_rate
        self._volume = self._default_volume
        self._history: list[str] = []
        self._last: Utterance | None = None
        # reset() asks the worker to call engine.forget(): requests made, and the last one served.
        self._forget_requests = 0
        self._forget_served = 0
        self._worker = threading.Thread(target=self._run, name="kiosk-speech", daemon=True)
        self._worker.start()

    # -- speaking ---------------------------------------------------------------------------

    def speak(
        self,
        content: str | Sequence[SpeechItem],
        language: str = "fr",
        priority: Priority = Priority.NOW,
        remember: bool = True,
    ) -> None:
        """Queue ``content`` in ``language`` with ``priority``; returns at once.

        ``remember=False``: "Répéter" will not say it again (a focus move, a confirmation).
        Blank content is ignored (it does not interrupt: use ``stop()`` for that).
        Raises TypeError at once for an item that is neither text nor a speech command.
        """
        utterance = Utterance.from_content(content, language)
        if utterance.is_empty:
            return
        self._enqueue(utterance, Priority(priority), remember)

    def announce(self, content: str | Sequence[SpeechItem], language: str = "fr") -> None:
        """Say ``content`` now, as an interjection: even while paused, without dropping the queue.

        What it cuts short is said again after it (unless paused); "Répéter" never says it.
        """
        utterance = Utterance.from_content(content, language)
        if utterance.is_empty:
            return
        with self._condition:
            if self._closing:
                return
            self._interjection = _Entry(utterance, Priority.NOW, language=utterance.language, remember=False)
            self._interrupt_locked()

    def repeat(self) -> None:
        """Say the last utterance again, interrupting anything (the "Répéter" key)."""
        with self._condition:
            last = self._last
        if last is not None:
            self._enqueue(last, Priority.NOW)

    def stop(self) -> None:
        """Cancel everything queued and stop what is being said."""
        with self._condition:
            self._cancel_all_locked()

    def pause(self) -> None:
        """Stop the current utterance but keep it, and the queue, for ``resume()``."""
        with self._condition:
            if self._paused or (self._current is None and not self._queue):
                return
            self._paused = True
            self._interrupt_locked()

    def resume(self) -> None:
        """Continue after ``pause()``, from the start of the interrupted piece of text."""
        with self._condition:
            if self._paused:
                self._paused = False
                self._condition.notify_all()

    # -- rate and volume ----------------------------------------------------------------

    @property
    def rate(self) -> float:
        """Current rate, a multiple of the voice's normal speed."""
        with self._condition:
            return self._rate

    @property
    def volume(self) -> float:
        """Current volume, MIN_VOLUME to MAX_VOLUME."""
        with self._condition:
            return self._volume

    def slower(self) -> float:
        """One rate step slower (bounded); takes effect from the next piece of text."""
        return self._set_rate(-RATE_STEP)

    def faster(self) -> float:
        """One rate step faster (bounded); takes effect from the next piece of text."""
        return self._set_rate(RATE_STEP)

    def volume_up(self) -> float:
        """One volume step up (bounded); takes effect from the next piece of text."""
        return self._set_volume(VOLUME_STEP)

    def volume_down(self) -> float:
        """One volume step down (bounded); takes effect from the next piece of text."""
        return self._set_volume(-VOLUME_STEP)

    # -- session and state --------------------------------------------------------------

    def reset(self) -> None:
        """End of session: stop, forget queue, history and last utterance, restore defaults.

        The engine forgets too, on the worker thread, once the interrupted ``say()`` has returned.
        An engine that failed during the session is given back for the next citizen: a passing
        fault (the sound card busy, a synthesiser that crashed) must not leave a kiosk silent
        for months; if it fails again, the kiosk goes silent again until a citizen asks for
        speech (``retry()``) or the next session.
        """
        with self._condition:
            self._give_back_failed_locked()
            self._cancel_all_locked()
            self._rate = self._default_rate
            self._volume = self._default_volume
            self._history.clear()
            self._last = None
            self._forget_requests += 1
            self._condition.notify_all()

    def retry(self) -> bool:
        """A citizen asks for speech while the kiosk is silent after a failure: the engine gets
        another try now, not only at the end of a session (a blind citizen who arrives after a
        passing fault would otherwise hear nothing until a session ends). True when a real
        engine speaks; a new failure silences and reports it again."""
        with self._condition:
            self._give_back_failed_locked()
            return self._engine.available

    def _give_back_failed_locked(self) -> None:
        if self._failed is not None:
            self._engine, self._failed = self._failed, None
            self._unavailable_reported = False

    @property
    def history(self) -> list[str]:
        """Text of each utterance started this session, oldest first (a copy)."""
        with self._condition:
            return list(self._history)

    @property
    def last(self) -> Utterance | None:
        """The last remembered utterance asked for (what "Répéter" says), or None."""
        with self._condition:
            return self._last

    @property
    def available(self) -> bool:
        """True while a real engine speaks; False once it has been replaced by silence."""
        with self._condition:
            return self._engine.available

    @property
    def paused(self) -> bool:
        """True between ``pause()`` and ``resume()`` (or a NOW utterance, or ``stop()``)."""
        with self._condition:
            return self._paused

    def wait_idle(self, timeout: float) -> bool:
        """Block until nothing is queued or being said, and the engine has forgotten what
        ``reset()`` asked it to; False if ``timeout`` passed first.

        For tests and benchmarks: a paused manager with queued speech is not idle.
        """
        with self._condition:
            return self._condition.wait_for(
                lambda: (
                    self._current is None
                    and self._interjection is None
                    and not self._queue
                    and not self._forget_pending_locked()
                ),
                timeout,
            )

    def close(self) -> None:
        """Stop speaking and end the worker thread (waits for it). Later calls do nothing."""
        with self._condition:
            if self._closing:
                return
            self._closing = True
            self._cancel_all_locked()
        if threading.current_thread() is not self._worker:
            self._worker.join(CLOSE_TIMEOUT_SECONDS)

    # -- internals: called with the lock held -----------------------------------------

    def _enqueue(self, utterance: Utterance, priority: Priority, remember: bool = True) -> None:
        entry = _Entry(utterance, priority, language=utterance.language, remember=remember)
        with self._condition:
            if self._closing:
                return
            if remember:
                # Asked for, even if cut short before it began: "Répéter" says it.
                self._last = utterance
            if priority is Priority.NOW:
                self._cancel_all_locked()
                self._queue.append(entry)
            elif priority is Priority.NEXT:
                # After the NEXT items already waiting, before the first NORMAL one.
                position = next(
                    (i for i, queued in enumerate(self._queue) if queued.priority < Priority.NEXT),
                    len(self._queue),
                )
                self._queue.insert(position, entry)
            else:
                self._queue.append(entry)
            self._condition.notify_all()

    def _cancel_all_locked(self) -> None:
        self._queue.clear()
        self._current = None
        self._interjection = None
        self._paused = False
        self._interrupt_locked()

    def _interrupt_locked(self) -> None:
        self._generation += 1
        self._condition.notify_all()  # wakes a Pause command's wait, and wait_idle
        if self._saying is not None:
            self._stop_engine_locked(self._saying, attempt=0)

    def _stop_engine_locked(self, say_id: int, attempt: int) -> None:
        try:
            self._engine.stop()
        except Exception:
            logger.warning("Speech engine failed to stop", exc_info=True)
        # The stop may have landed between the worker's decision to speak and the engine
        # starting to: send it again until that say() has returned.
        if attempt < STOP_RETRY_LIMIT:
            timer = threading.Timer(STOP_RETRY_SECONDS, self._stop_again, (say_id, attempt + 1))
            timer.daemon = True
            timer.start()

    def _stop_again(self, say_id: int, attempt: int) -> None:
        with self._condition:
            if self._saying == say_id:
                self._stop_engine_locked(say_id, attempt)

    def _set_rate(self, delta: float) -> float:
        with self._condition:
            self._rate = _clamp(self._rate + delta, MIN_RATE, MAX_RATE)
            return self._rate

    def _set_volume(self, delta: float) -> float:
        with self._condition:
            self._volume = _clamp(self._volume + delta, MIN_VOLUME, MAX_VOLUME)
            return self._volume

    def _has_work_locked(self) -> bool:
        return (
            self._closing
            or self._forget_pending_locked()
            or self._interjection is not None
            or (not self._paused and (self._current is not None or bool(self._queue)))
        )

    def _forget_pending_locked(self) -> bool:
        return self._forget_served != self._forget_requests

    # -- the worker thread --------------------------------------------------------------

    def _run(self) -> None:
        while self._step():
            pass

    def _step(self) -> bool:
        """Forget if asked, then do one item of the current utterance; False once closing.

        One call per item, so that no local variable keeps a said text alive after it.
        """
        self._forget_if_asked()
        with self._condition:
            self._condition.wait_for(self._has_work_locked)
            if self._forget_pending_locked():
                return True  # served at the start of the next step, before any say()
            if self._closing:
                return False
            if self._interjection is not None:
                entry = self._interjection
            else:
                if self._current is None:
                    self._current = self._queue.popleft()
                entry = self._current
            items = entry.utterance.items
            if entry.next_item >= len(items):
                self._finish_entry_locked(entry)
                return True
            item = items[entry.next_item]
            generation = self._generation
            first_item = not entry.started
            if first_item:
                entry.started = True
                if entry.utterance.text:
                    self._history.append(entry.utterance.text)
            engine = self._engine
            # Commands that only change state are applied here, under the lock.
            if isinstance(item, LanguageChange):
                entry.language = item.language
            elif isinstance(item, Rate):
                entry.rate_multiplier = item.multiplier
            elif isinstance(item, str):
                self._say_count += 1
                self._saying = self._say_count
            language = entry.language
            rate = _clamp(self._rate * entry.rate_multiplier, 0.1, 10.0)
            volume = self._volume
        if first_item:
            self._call_safely(self.on_started, entry.utterance, what="on_started")
        if isinstance(item, str):
            self._say(engine, item, language, rate, volume)
        elif isinstance(item, Pause):
            self._wait_pause(item, generation)
        elif isinstance(item, Callback):
            self._call_safely(item.function, what="a Callback command")
        with self._condition:
            self._saying = None
            # Advance only if nothing interrupted this item: after pause() it is said
            # again on resume(); after stop() or NOW the entry is already gone.
            if self._generation == generation and entry in (self._current, self._interjection):
                entry.next_item += 1
                if entry.next_item >= len(items):
                    self._finish_entry_locked(entry)
        return True

    def _forget_if_asked(self) -> None:
        # On the worker, between two say() calls: one about to begin when reset() ran has returned.
        with self._condition:
            request = self._forget_requests
            if request == self._forget_served:
                return
            engine = self._engine
        try:
            engine.forget()
        except Exception as error:
            # Only the exception's type: its message might quote the text (privacy).
            logger.warning("Speech engine failed to forget the session (%s)", type(error).__name__)
        with self._condition:
            self._forget_served = request
            self._condition.notify_all()  # for wait_idle

    def _wait_pause(self, pause: Pause, generation: int) -> None:
        # A condition wait, not a sleep, so that an interruption ends the silence at once.
        with self._condition:
            self._condition.wait_for(lambda: self._generation != generation or self._closing, pause.ms / 1000)

    def _finish_entry_locked(self, entry: _Entry) -> None:
        if self._current is entry:
            self._current = None
        if self._interjection is entry:
            self._interjection = None
        self._condition.notify_all()  # for wait_idle

    def _say(self, engine: SpeechEngine, text: str, language: str, rate: float, volume: float) -> None:
        try:
            engine.say(for_speech(text, language), language, rate, volume)
        except Exception as error:
            # Not the text (privacy): only what failed.
            self.failures += 1
            if self.failures == 1:
                logger.warning("Speech engine failed; silent until %s", _BACK, exc_info=True)
            else:
                failure = type(error).__name__
                logger.warning("Speech engine failed again (%s); silent until %s", failure, _BACK)
            with self._condition:
                if self._engine is engine:
                    self._failed = engine
                self._engine = SilentEngine("the speech engine failed at run time")
                report = not self._unavailable_reported
                self._unavailable_reported = True
            if report:
                self._call_safely(self.on_unavailable, what="on_unavailable")

    @staticmethod
    def _call_safely(function: Callable[..., object] | None, *args: object, what: str) -> None:
        if function is None:
            return
        try:
            function(*args)
        except Exception:
            # A faulty callback must not kill the speech thread.
            logger.exception("Error in %s (ignored)", what)
