"""One citizen's session: their choices and settings, kept in memory only and wiped at the end."""

from __future__ import annotations

from dataclasses import dataclass, field

from devices.idcard import IdentityDocument
from kiosk.engine import ProcedureRun

#: Text sizes offered by "Texte plus grand", in turn (1.0 = normal, 2.0 = 200 %).
TEXT_SCALES = (1.0, 1.5, 2.0)


@dataclass
class SessionStatistics:
    """The anonymous facts about a session that may leave the kiosk (no answer, no identity)."""

    procedure_id: str | None = None
    completed: bool = False
    help_requested: bool = False
    satisfaction: int | None = None
    features: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class SessionReport:
    """What may leave the kiosk about one finished session: anonymous statistics only."""

    procedure_id: str | None
    completed: bool
    help_requested: bool
    satisfaction: int | None
    #: The accessibility features used ("large_text", "speech", "keypad", "language:ar", ...).
    features: frozenset[str]
    language: str
    duration_s: float


@dataclass
class Session:
    """Everything about the current citizen. ``wipe`` leaves nothing of them behind."""

    default_language: str = "fr"
    #: The site's setting for screen transitions (configuration), which ``wipe`` restores.
    default_reduce_motion: bool = True
    language: str = "fr"
    text_scale: float = 1.0
    theme: str = "default"
    speech_mode: bool = False
    #: "Toucher pour entendre": a first touch says a button, a second touch activates it.
    touch_to_hear: bool = False
    #: The citizen moves with the keypad: the focus ring shows and each new screen says the
    #: control that has the focus.
    keypad: bool = False
    #: No screen transitions (WCAG 2.3.3); the site's default comes from the configuration.
    reduce_motion: bool = True
    #: The citizen agreed that values read from their card may be spoken on the loudspeaker.
    identity_speech_agreed: bool = False
    active: bool = False
    started_at: float = 0.0
    run: ProcedureRun | None = None
    #: What was read from the citizen's identity card; memory only, never logged or sent.
    identity_document: IdentityDocument | None = None
    statistics: SessionStatistics = field(default_factory=SessionStatistics)

    def start(self, now: float) -> None:
        self.active = True
        self.started_at = now

    def next_text_scale(self) -> float:
        """Step to the next text size, back to normal after the largest."""
        index = TEXT_SCALES.index(self.text_scale) if self.text_scale in TEXT_SCALES else 0
        self.text_scale = TEXT_SCALES[(index + 1) % len(TEXT_SCALES)]
        self.statistics.features.add("large_text")
        return self.text_scale

    def report(self, now: float) -> SessionReport:
        """The session's anonymous statistics, ``now`` being the monotonic time it ends."""
        statistics = self.statistics
        return SessionReport(
            procedure_id=statistics.procedure_id,
            completed=statistics.completed,
            help_requested=statistics.help_requested,
            satisfaction=statistics.satisfaction,
            features=frozenset(statistics.features),
            language=self.language,
            duration_s=max(0.0, now - self.started_at),
        )

    def wipe(self) -> None:
        """Forget the citizen: answers, identity data, settings, statistics."""
        self.identity_document = None
        self.run = None
        self.language = self.default_language
        self.text_scale = 1.0
        self.theme = "default"
        self.speech_mode = False
        self.touch_to_hear = False
        self.keypad = False
        self.reduce_motion = self.default_reduce_motion
        self.identity_speech_agreed = False
        self.active = False
        self.started_at = 0.0
        self.statistics = SessionStatistics()

    @property
    def untouched(self) -> bool:
        """Nothing of a visitor is left: the session is as ``wipe`` leaves it."""
        fresh = Session(self.default_language, self.default_reduce_motion)
        fresh.wipe()
        return self == fresh
