"""The real synthesiser: espeak-ng through pyttsx3, rendered to WAV and played by an audio player."""

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
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from .base import SpeechEngineError
from .voices import language_matches

logger = logging.getLogger(__name__)

__all__ = [
    "AUDIO_PLAYERS",
    "Pyttsx3Engine",
    "find_audio_player",
    "split_sentences",
    "wav_duration_seconds",
]


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


def _silent(*_args: object, **_options: object) -> None:
    """Stands in for ``print`` in pyttsx3's espeak driver."""


class Pyttsx3Engine:
    """espeak-ng through pyttsx3: synthesise each sentence to a WAV, then play it with a player.

    Why not pyttsx3's own ``say``: in pyttsx3 2.99 its espeak driver renders the audio and
    then runs ``aplay`` through ``os.system`` inside espeak's callback, so ``stop()`` cannot
    interrupt it (and it needs aplay). Here pyttsx3 only renders (``save_to_file``) into a
    private temporary directory; the WAV is played by a player subprocess that ``stop()``
    terminates at once, and is deleted right after (it may contain a citizen's data), as is
    pyttsx3's own copy of the text: nothing of a ``say`` outlives it.
    The next sentence is rendered while the current one plays, so there is no gap.

    Threads: ``say`` blocks its caller; ``stop`` may be called from any thread. espeak-ng
    calls are serialised by a process-wide lock (pyttsx3 shares one espeak-ng state per
    process, and its espeak driver writes the WAV from espeak-ng's own thread, which is
    why rendering waits for espeak-ng to be idle). ``on_audio_start`` is called on the
    thread running ``say`` when the player starts the first sentence of each ``say``.
    pyttsx3's espeak driver prints "Audio saved to <temporary path>" for each rendering: that
    module's ``print`` is silenced (a kiosk's stdout is its journal).
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
                    from pyttsx3.drivers import _espeak, espeak

                    self._espeak = _espeak
                    # Shadows the built-in in that module only: other threads' output is untouched.
                    espeak.print = _silent  # type: ignore[attr-defined]
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
            # Each WAV is listed before it is rendered, so that it is deleted even if rendering fails.
            wav_files.append(self._new_wav())
            self._render(sentences[0], voice, rate, volume, wav_files[0])
            self.last_synthesis_seconds = time.perf_counter() - started
            for index in range(len(sentences)):
                process = self._start_player(wav_files[index])
                if process is None:  # stopped
                    return
                if index == 0 and self.on_audio_start is not None:
                    self.on_audio_start()
                if index + 1 < len(sentences):
                    wav_files.append(self._new_wav())
                    self._render(sentences[index + 1], voice, rate, volume, wav_files[index + 1])
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

    def forget(self) -> None:
        # say() deletes its WAVs (they hold the citizen's words as audio) and pyttsx3's copy
        # of the text as it goes; this sweep guarantees it. Never runs during a say(), so it
        # cannot delete a WAV that is about to be played.
        for wav_file in self._work_dir.glob("*.wav"):
            wav_file.unlink(missing_ok=True)

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

    def _render(self, text: str, voice: str | None, rate: float, volume: float, path: Path) -> None:
        words_per_minute = round(BASE_WORDS_PER_MINUTE * rate)
        words_per_minute = max(MIN_WORDS_PER_MINUTE, min(MAX_WORDS_PER_MINUTE, words_per_minute))
        volume = max(0.0, min(1.0, volume))
        with _ESPEAK_LOCK:
            try:
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
            finally:
                self._drop_pyttsx3_text()
        if voice is not None and self.last_voice != voice:
            # pyttsx3 does not report a voice espeak-ng refused: say so, once per voice.
            if voice not in self._warned_languages:
                self._warned_languages.add(voice)
                logger.warning("espeak-ng used voice %r instead of %r", self.last_voice, voice)

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

    def _drop_pyttsx3_text(self) -> None:
        # pyttsx3's espeak driver keeps the last text it rendered until the next rendering,
        # in an engine shared by the whole process: a citizen's words would outlive the say().
        driver = getattr(self._tts.proxy, "_driver", None)
        if getattr(driver, "_text_to_say", None) is not None:
            driver._text_to_say = None

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
