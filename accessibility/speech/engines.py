"""Speech engines: the interface the speech manager drives, espeak-ng through pyttsx3, and fakes."""

from __future__ import annotations

import logging
import re
import shutil
import subprocess
import tempfile
import threading
import time
import wave
import weakref
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

logger = logging.getLogger(__name__)

__all__ = [
    "Pyttsx3Engine",
    "RecordingEngine",
    "SaidItem",
    "SilentEngine",
    "SpeechEngine",
    "SpeechEngineError",
    "create_engine",
    "find_audio_player",
    "language_matches",
    "wav_duration_seconds",
]


class SpeechEngineError(RuntimeError):
    """An engine could not synthesise or play speech."""


@runtime_checkable
class SpeechEngine(Protocol):
    """What the speech manager needs from a synthesiser.

    Threads: ``say`` is called from one thread only (the manager's worker) and blocks it;
    ``stop`` is called from any other thread, must be thread-safe, must not block and must
    not call back into the manager. Any exception raised by ``say`` means the engine is
    broken: the manager switches to silence.
    """

    @property
    def available(self) -> bool:
        """True when this engine can actually produce sound."""
        ...

    def say(self, text: str, language: str, rate: float, volume: float) -> None:
        """Say ``text``; return when it has been said, or soon after ``stop()``.

        ``rate`` multiplies the voice's normal speed (1.0 = normal); ``volume`` is 0.0-1.0.
        A ``stop()`` made while no ``say`` runs has no effect on the next one.
        """
        ...

    def stop(self) -> None:
        """Interrupt the ``say`` in progress, if any (called from another thread)."""
        ...

    def voice_for(self, language: str) -> str | None:
        """The id of the voice used for ``language``, or None when there is none."""
        ...


def language_matches(tag: str, candidates: Mapping[str, Sequence[str]]) -> str | None:
    """Pick the voice id whose languages best match a BCP 47 ``tag``.

    ``candidates`` maps voice ids (e.g. ``"roa/fr"``) to their language tags (e.g.
    ``["fr-fr"]``). Order of preference: a voice for exactly this tag ("fr-be"), then a voice
    whose id names the tag ("roa/fr" for "fr"), then any voice of the same primary language
    (so "ar-MA" still gets the Arabic voice rather than the default French one).
    """
    wanted = tag.strip().lower().replace("_", "-")
    if not wanted:
        return None
    primary = wanted.split("-")[0]
    tails = {voice_id: voice_id.rsplit("/", 1)[-1].lower() for voice_id in candidates}
    langs = {voice_id: [lang.lower() for lang in langs] for voice_id, langs in candidates.items()}
    rules: tuple[Callable[[str], bool], ...] = (
        lambda voice_id: wanted in langs[voice_id],
        lambda voice_id: tails[voice_id] == wanted,
        lambda voice_id: tails[voice_id] == primary,
        lambda voice_id: primary in langs[voice_id],
        lambda voice_id: any(lang.startswith(primary + "-") for lang in langs[voice_id]),
    )
    for rule in rules:
        for voice_id in candidates:
            if rule(voice_id):
                return voice_id
    return None


class SilentEngine:
    """The fallback that says nothing, so a missing or broken synthesiser never breaks the kiosk."""

    def __init__(self, reason: str = "speech is switched off") -> None:
        #: Why there is no speech, for `kiosk doctor` and the fleet's health report.
        self.reason = reason

    @property
    def available(self) -> bool:
        return False

    def say(self, text: str, language: str, rate: float, volume: float) -> None:
        # Returns at once: the queue still advances (history, callbacks) without sound.
        return None

    def stop(self) -> None:
        return None

    def voice_for(self, language: str) -> str | None:
        return None


@dataclass(frozen=True, slots=True)
class SaidItem:
    """One ``say`` call as the recording engine saw it."""

    text: str
    language: str
    rate: float
    volume: float
    voice: str | None


#: Voice ids the recording engine reports: the espeak-ng ids, so tests read like production.
RECORDING_VOICES: dict[str, tuple[str, ...]] = {
    "roa/fr": ("fr-fr",),
    "gmw/en": ("en-gb",),
    "sem/ar": ("ar",),
}


class RecordingEngine:
    """A fake engine for tests: records every ``say`` and ``stop``, can take time and can fail.

    Threads: ``say`` blocks its caller for the simulated ``duration`` (ended early by
    ``stop()`` from another thread); the recorded lists are guarded by a lock, so tests may
    read them from the test thread while the manager's worker speaks.
    """

    def __init__(
        self,
        duration: float | Callable[[str], float] = 0.0,
        voices: Mapping[str, Sequence[str]] = RECORDING_VOICES,
    ) -> None:
        #: Seconds each ``say`` lasts, or a function of its text (to make one item "long").
        self.duration = duration
        #: When set, ``say`` raises it: simulates a synthesiser that breaks at run time.
        self.fail_with: Exception | None = None
        self._voices = {voice_id: tuple(langs) for voice_id, langs in voices.items()}
        self._condition = threading.Condition()
        self._stopped = threading.Event()
        self._events: list[SaidItem | str] = []
        self._completed: list[str] = []
        self._saying: str | None = None

    @property
    def available(self) -> bool:
        return True

    def voice_for(self, language: str) -> str | None:
        return language_matches(language, self._voices)

    def say(self, text: str, language: str, rate: float, volume: float) -> None:
        item = SaidItem(text, language, rate, volume, self.voice_for(language))
        with self._condition:
            self._stopped.clear()
            self._events.append(item)
            self._saying = text
            self._condition.notify_all()
        try:
            if self.fail_with is not None:
                raise self.fail_with
            seconds = self.duration(text) if callable(self.duration) else self.duration
            interrupted = self._stopped.wait(seconds) if seconds > 0 else False
        finally:
            with self._condition:
                self._saying = None
                self._condition.notify_all()
        if not interrupted:
            with self._condition:
                self._completed.append(text)

    def stop(self) -> None:
        with self._condition:
            self._events.append("stop")
        self._stopped.set()

    @property
    def said(self) -> list[SaidItem]:
        """Every ``say`` call, oldest first."""
        with self._condition:
            return [event for event in self._events if isinstance(event, SaidItem)]

    @property
    def texts(self) -> list[str]:
        """The text of every ``say`` call, oldest first."""
        return [item.text for item in self.said]

    @property
    def completed(self) -> list[str]:
        """Texts whose ``say`` ran its whole duration (was not stopped)."""
        with self._condition:
            return list(self._completed)

    @property
    def events(self) -> list[SaidItem | str]:
        """``say`` calls, and ``"stop"`` for each ``stop`` call, in the order they happened."""
        with self._condition:
            return list(self._events)

    def wait_until_saying(self, text: str | None = None, timeout: float = 2.0) -> bool:
        """Block the test until ``say`` is running (with ``text``, if given)."""
        with self._condition:
            return self._condition.wait_for(
                lambda: self._saying is not None and (text is None or self._saying == text),
                timeout,
            )


#: Audio players tried in order to play synthesised WAV files; the WAV path is appended.
#: ALSA's aplay first: it is on every Debian kiosk image and works with PipeWire too.
AUDIO_PLAYERS: tuple[tuple[str, ...], ...] = (
    ("aplay", "-q"),
    ("paplay",),
    ("pw-play",),
    ("play", "-q"),
)

#: espeak-ng's normal speed in words per minute (its own default): rate 1.0.
BASE_WORDS_PER_MINUTE = 175
#: espeak-ng accepts 80-450 words per minute.
MIN_WORDS_PER_MINUTE = 80
MAX_WORDS_PER_MINUTE = 450

#: Renderings tried before giving up (a race inside pyttsx3 may cancel one, see _render_once).
RENDER_ATTEMPTS = 3
#: Longest wait for espeak-ng's own thread to finish queued work before rendering.
ESPEAK_IDLE_TIMEOUT_SECONDS = 2.0

# Sentence ends (Latin and Arabic question mark) followed by space: long texts are synthesised
# sentence by sentence so the first sound comes quickly and stop() is honoured between them.
_SENTENCE_END = re.compile(r"(?<=[.!?…؟])\s+")

# espeak-ng keeps one global state per process (pyttsx3 even caches one Engine per driver),
# so every call into it, from any Pyttsx3Engine, goes through this lock.
_ESPEAK_LOCK = threading.Lock()


def find_audio_player() -> list[str] | None:
    """The first installed command of AUDIO_PLAYERS, or None."""
    for command in AUDIO_PLAYERS:
        if shutil.which(command[0]):
            return list(command)
    return None


def split_sentences(text: str) -> list[str]:
    """Split ``text`` after each sentence end, dropping blank pieces."""
    return [piece for piece in _SENTENCE_END.split(text.strip()) if piece.strip()]


class Pyttsx3Engine:
    """espeak-ng through pyttsx3: synthesise each sentence to a WAV, then play it with a player.

    Why not pyttsx3's own ``say``: in pyttsx3 2.99 its espeak driver renders the audio and
    then runs ``aplay`` through ``os.system`` inside espeak's callback, so ``stop()`` cannot
    interrupt it (and it needs aplay). Here pyttsx3 only renders (``save_to_file``) into a
    private temporary directory; the WAV is played by a player subprocess that ``stop()``
    terminates at once, and is deleted right after (it may contain a citizen's data).
    The next sentence is rendered while the current one plays, so there is no gap.

    Threads: ``say`` blocks its caller; ``stop`` may be called from any thread. espeak-ng
    calls are serialised by a process-wide lock (pyttsx3 shares one espeak-ng state per
    process, and its espeak driver writes the WAV from espeak-ng's own thread, which is
    why rendering waits for espeak-ng to be idle). ``on_audio_start`` is called on the
    thread running ``say`` when the player starts the first sentence of each ``say``.
    pyttsx3 prints "Audio saved to <temporary path>" on stdout for each rendering: noise,
    but never the spoken text.
    """

    def __init__(
        self,
        player: Sequence[str] | None = None,
        *,
        on_audio_start: Callable[[], None] | None = None,
        driver_name: str = "espeak",
        fallback_language: str = "fr",
    ) -> None:
        #: Language whose voice reads text in a language espeak-ng has no voice for.
        self.fallback_language = fallback_language
        #: The player command (the WAV path is appended), or None when none is installed.
        self.player: list[str] | None = list(player) if player else find_audio_player()
        #: Called when audio starts: lets the benchmark measure real time-to-sound.
        self.on_audio_start = on_audio_start
        #: Seconds the last rendering of a first sentence took (for the benchmark).
        self.last_synthesis_seconds: float | None = None
        #: The voice espeak-ng actually used for the last rendering, read back from it.
        self.last_voice: str | None = None
        #: Why the engine cannot speak ("" when it can).
        self.unavailable_reason = ""
        self._tts: Any = None
        # pyttsx3's ctypes binding of libespeak-ng, to wait until espeak-ng is idle (see _render).
        self._espeak: Any = None
        self._voices: dict[str, tuple[str, ...]] = {}
        self._stop_requested = threading.Event()
        self._process_lock = threading.Lock()
        self._process: subprocess.Popen[bytes] | None = None
        self._work_dir = Path(tempfile.mkdtemp(prefix="kiosk-speech-"))
        # Removes leftover WAVs even if close() is never called.
        self._cleanup = weakref.finalize(self, shutil.rmtree, self._work_dir, True)
        self._counter = 0
        self._warned_languages: set[str] = set()
        try:
            import pyttsx3  # optional at import time: the library must load without it

            with _ESPEAK_LOCK:
                self._tts = pyttsx3.init(driver_name)
                if driver_name == "espeak":
                    from pyttsx3.drivers import _espeak

                    self._espeak = _espeak
                voices = self._tts.getProperty("voices")
            self._voices = {str(voice.id): tuple(voice.languages or ()) for voice in voices}
        except Exception as error:  # ImportError, espeak-ng missing, driver failure
            self._tts = None
            self.unavailable_reason = f"pyttsx3/espeak-ng could not start: {error}"
            return
        if not self._voices:
            self.unavailable_reason = "espeak-ng reports no voices"
        elif self.player is None:
            players = ", ".join(command[0] for command in AUDIO_PLAYERS)
            self.unavailable_reason = f"no audio player installed (tried {players})"
        elif shutil.which(self.player[0]) is None:
            self.unavailable_reason = f"audio player {self.player[0]!r} not found"
            self.player = None

    @property
    def can_synthesise(self) -> bool:
        """True when espeak-ng renders speech (to a file), even without any audio player."""
        return self._tts is not None and bool(self._voices)

    @property
    def available(self) -> bool:
        return self.can_synthesise and self.player is not None

    @property
    def voices(self) -> dict[str, tuple[str, ...]]:
        """espeak-ng's voices as pyttsx3 lists them: id -> language tags."""
        return dict(self._voices)

    def voice_for(self, language: str) -> str | None:
        # Checked against pyttsx3's own list: pyttsx3 ignores an unknown voice id silently,
        # which would read Arabic with the French voice without any error.
        return language_matches(language, self._voices)

    def save_to_file(
        self, text: str, language: str, path: str | Path, rate: float = 1.0, volume: float = 1.0
    ) -> Path:
        """Render ``text`` in ``language`` into a 16-bit mono WAV file (needs no sound card)."""
        if not self.can_synthesise:
            raise SpeechEngineError(self.unavailable_reason)
        target = Path(path)
        self._render(text, self._voice_or_fallback(language), rate, volume, target)
        return target

    def say(self, text: str, language: str, rate: float, volume: float) -> None:
        if not self.available:
            raise SpeechEngineError(self.unavailable_reason)
        # The manager retries stop() until this say returns, so clearing here cannot lose one.
        self._stop_requested.clear()
        voice = self._voice_or_fallback(language)
        sentences = split_sentences(text)
        if not sentences:
            return
        wav_files: list[Path] = []
        try:
            started = time.perf_counter()
            wav_files.append(self._render(sentences[0], voice, rate, volume, self._new_wav()))
            self.last_synthesis_seconds = time.perf_counter() - started
            for index in range(len(sentences)):
                process = self._start_player(wav_files[index])
                if process is None:  # stopped
                    return
                if index == 0 and self.on_audio_start is not None:
                    self.on_audio_start()
                if index + 1 < len(sentences):
                    wav_files.append(self._render(sentences[index + 1], voice, rate, volume, self._new_wav()))
                self._wait_player(process)
                wav_files[index].unlink(missing_ok=True)
        finally:
            for wav_file in wav_files:
                wav_file.unlink(missing_ok=True)

    def stop(self) -> None:
        self._stop_requested.set()
        with self._process_lock:
            if self._process is not None and self._process.poll() is None:
                # SIGTERM: aplay, paplay and pw-play stop playing at once.
                self._process.terminate()

    def close(self) -> None:
        """Stop speaking and delete the temporary directory."""
        self.stop()
        self._cleanup()

    def _voice_or_fallback(self, language: str) -> str | None:
        voice = self.voice_for(language)
        if voice is None:
            # Otherwise espeak-ng would keep whichever voice spoke last (maybe Arabic).
            if language not in self._warned_languages:
                self._warned_languages.add(language)
                logger.warning("No espeak-ng voice for %r: using %r", language, self.fallback_language)
            voice = self.voice_for(self.fallback_language)
        return voice

    def _new_wav(self) -> Path:
        self._counter += 1
        return self._work_dir / f"utterance-{self._counter}.wav"

    def _render(self, text: str, voice: str | None, rate: float, volume: float, path: Path) -> Path:
        words_per_minute = round(BASE_WORDS_PER_MINUTE * rate)
        words_per_minute = max(MIN_WORDS_PER_MINUTE, min(MAX_WORDS_PER_MINUTE, words_per_minute))
        volume = max(0.0, min(1.0, volume))
        with _ESPEAK_LOCK:
            for _attempt in range(RENDER_ATTEMPTS):
                path.unlink(missing_ok=True)
                applied_rate = self._render_once(text, voice, words_per_minute, volume, path)
                rendered = path.exists() and path.stat().st_size > 44  # 44 bytes: header only
                if rendered and applied_rate == words_per_minute:
                    break
                # A race inside pyttsx3 cancelled the synthesis or undid the rate (see
                # _render_once): render again rather than say nothing, or say it too fast.
                logger.debug("espeak-ng rendering was cancelled; rendering again")
            else:
                if not rendered:
                    raise SpeechEngineError("espeak-ng rendered no audio")
                # Better at the wrong speed than not at all.
                logger.warning("espeak-ng kept rate %s instead of %s", applied_rate, words_per_minute)
        if voice is not None and self.last_voice != voice:
            # pyttsx3 does not report a voice espeak-ng refused: say so, once per voice.
            if voice not in self._warned_languages:
                self._warned_languages.add(voice)
                logger.warning("espeak-ng used voice %r instead of %r", self.last_voice, voice)
        return path

    def _render_once(
        self, text: str, voice: str | None, words_per_minute: int, volume: float, path: Path
    ) -> int:
        """Render once (with _ESPEAK_LOCK held); return the rate espeak-ng was left with."""
        try:
            # pyttsx3 2.99 opens espeak-ng in its asynchronous mode (espeak-ng's own thread
            # synthesises and calls pyttsx3 back), and runAndWait() begins by calling
            # espeak_Cancel() whenever espeak_IsPlaying() is true. That Cancel drops the
            # synthesis (no audio) or restores the previous voice, rate and volume: it
            # happened in one rendering in four while espeak-ng was still finishing the
            # previous one. Hence: wait for espeak-ng to be idle before and after.
            self._wait_until_espeak_idle()
            if self._tts.isBusy():
                # A new pyttsx3 engine starts "busy": it would queue these settings and its
                # own end-of-loop, and leave runAndWait before the audio is written.
                self._tts.proxy.setBusy(False)
            if voice is not None:
                self._tts.setProperty("voice", voice)
            self._tts.setProperty("rate", words_per_minute)
            self._tts.setProperty("volume", volume)
            self._wait_until_espeak_idle()
            self._tts.save_to_file(text, str(path))
            self._tts.runAndWait()
            # The WAV is written from espeak-ng's thread; make sure it has finished.
            self._wait_until_espeak_idle()
            self.last_voice = self._tts.getProperty("voice")
            return int(self._tts.getProperty("rate"))
        except SpeechEngineError:
            raise
        except Exception as error:
            # pyttsx3 leaves its engine "in loop" after an error, and every later
            # runAndWait would raise "run loop already started": end the loop.
            try:
                self._tts.endLoop()
            except Exception:
                pass
            raise SpeechEngineError(f"espeak-ng could not render speech: {error}") from error

    def _wait_until_espeak_idle(self) -> None:
        if self._espeak is None:
            return
        deadline = time.monotonic() + ESPEAK_IDLE_TIMEOUT_SECONDS
        while self._espeak.IsPlaying():
            if time.monotonic() > deadline:
                raise SpeechEngineError("espeak-ng stays busy")
            # Short sleeps: this wait is on the path to the first sound (target 0.2 s).
            time.sleep(0.001)

    def _start_player(self, wav_file: Path) -> subprocess.Popen[bytes] | None:
        # Under the same lock as stop(): either stop() sees the process, or we see the stop.
        assert self.player is not None
        with self._process_lock:
            if self._stop_requested.is_set():
                return None
            try:
                self._process = subprocess.Popen(
                    [*self.player, str(wav_file)],
                    stdin=subprocess.DEVNULL,
                    stdout=subprocess.DEVNULL,
                    stderr=subprocess.PIPE,
                )
            except OSError as error:
                raise SpeechEngineError(f"cannot start audio player: {error}") from error
            return self._process

    def _wait_player(self, process: subprocess.Popen[bytes]) -> None:
        _, error_output = process.communicate()
        with self._process_lock:
            self._process = None
            stopped = self._stop_requested.is_set()
        if process.returncode != 0 and not stopped:
            message = error_output.decode(errors="replace").strip()[:200]
            raise SpeechEngineError(
                f"audio player {self.player[0] if self.player else '?'} failed"
                f" ({process.returncode}): {message}"
            )


def wav_duration_seconds(path: str | Path) -> float:
    """Length of a WAV file in seconds (used by tests and the benchmark)."""
    with wave.open(str(path), "rb") as wav:
        return wav.getnframes() / float(wav.getframerate())


def create_engine(kind: str = "pyttsx3", **options: Any) -> SpeechEngine:
    """Build the engine named ``kind`` ("pyttsx3", "recording" or "silent"); never raises.

    When the requested engine cannot start (no pyttsx3, no espeak-ng, no audio player, an
    unknown kind) this logs a warning and returns a SilentEngine, whose ``reason`` says why:
    the kiosk then works on screen only and reports the fault, as design.md asks.
    """
    try:
        if kind == "pyttsx3":
            engine = Pyttsx3Engine(**options)
            if engine.available:
                return engine
            reason = engine.unavailable_reason
            engine.close()
        elif kind == "recording":
            return RecordingEngine(**options)
        elif kind == "silent":
            return SilentEngine()
        else:
            reason = f"unknown speech engine {kind!r} (use pyttsx3, recording or silent)"
    except Exception as error:  # a bad option must not stop the kiosk either
        reason = f"speech engine {kind!r} failed to start: {error}"
    logger.warning("Speech unavailable, continuing silently: %s", reason)
    return SilentEngine(reason)
