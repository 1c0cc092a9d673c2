"""Speech as data: the command objects that, mixed with text, make up an utterance."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

#: Longest pause a command may ask for: a longer silence is a bug (or a stuck kiosk), not prosody.
MAX_PAUSE_MS = 10_000
#: Bounds of a Rate command's multiplier, wide enough for emphasis, too narrow to be unintelligible.
MIN_RATE_MULTIPLIER = 0.25
MAX_RATE_MULTIPLIER = 4.0


@dataclass(frozen=True, slots=True)
class Pause:
    """A silence of ``ms`` milliseconds between two pieces of text (stop and pause end it early)."""

    ms: int

    def __post_init__(self) -> None:
        if not 0 <= self.ms <= MAX_PAUSE_MS:
            raise ValueError(f"Pause must last 0 to {MAX_PAUSE_MS} ms, not {self.ms}")


@dataclass(frozen=True, slots=True)
class Rate:
    """Multiply the listener's chosen rate for the text that follows, until the next Rate.

    Relative rather than absolute so that content can slow a phone number down without
    overriding the citizen's own "plus lentement" setting; ``Rate(1.0)`` goes back to it.
    """

    multiplier: float

    def __post_init__(self) -> None:
        if not MIN_RATE_MULTIPLIER <= self.multiplier <= MAX_RATE_MULTIPLIER:
            raise ValueError(
                f"Rate multiplier must be within {MIN_RATE_MULTIPLIER}-{MAX_RATE_MULTIPLIER},"
                f" not {self.multiplier}"
            )


@dataclass(frozen=True, slots=True)
class LanguageChange:
    """Say the text that follows in another language (a BCP 47 tag: "fr", "ar", "en-GB").

    Used for a foreign name or a word inside a sentence; the utterance's own language
    comes back only with another LanguageChange.
    """

    language: str

    def __post_init__(self) -> None:
        if not self.language.strip():
            raise ValueError("LanguageChange needs a language tag")


@dataclass(frozen=True, slots=True)
class Callback:
    """Call ``function`` when speech reaches this point.

    Runs on the speech manager's worker thread: hand anything touching widgets to the
    UI thread (Kivy's ``Clock.schedule_once``). Not called if the utterance is cancelled first.
    """

    function: Callable[[], None]


#: Every command an utterance may contain.
SpeechCommand = Pause | Rate | LanguageChange | Callback
#: One element of an utterance: text to say, or a command.
SpeechItem = str | SpeechCommand


@dataclass(frozen=True, slots=True)
class Utterance:
    """A sequence of text and commands, and the language its text starts in."""

    items: tuple[SpeechItem, ...]
    language: str = "fr"

    @classmethod
    def from_content(cls, content: str | Sequence[SpeechItem], language: str = "fr") -> Utterance:
        """Build an utterance from a string or a sequence, dropping blank text.

        Raises TypeError for an element that is neither text nor a command, so a
        mistake in content code fails where it is made, not silently on the speech thread.
        """
        raw: Sequence[object] = (content,) if isinstance(content, str) else content
        items: list[SpeechItem] = []
        for item in raw:
            if isinstance(item, str):
                text = item.strip()
                if text:
                    items.append(text)
            elif isinstance(item, SpeechCommand):
                items.append(item)
            else:
                raise TypeError(f"cannot speak {type(item).__name__}: use str or a speech command")
        return cls(items=tuple(items), language=language)

    @property
    def text(self) -> str:
        """The text parts joined by spaces: what the history keeps and tests compare."""
        return " ".join(item for item in self.items if isinstance(item, str))

    @property
    def is_empty(self) -> bool:
        """True when there is nothing to say or do."""
        return not self.items
