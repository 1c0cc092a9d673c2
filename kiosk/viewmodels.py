"""Plain-Python view-models: what each screen shows and says, with the commands its buttons send."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class Mark(Enum):
    """How a line is marked; always by an icon and by words, never by colour alone."""

    NONE = "none"
    HEADING = "heading"
    OK = "ok"  #: a document the citizen has
    MISSING = "missing"  #: a document the citizen must still find
    ERROR = "error"


@dataclass(frozen=True)
class Line:
    text: str
    pictogram: str | None = None
    mark: Mark = Mark.NONE
    #: Personal data (read from an identity card): spoken only in private listening.
    private: bool = False
    #: What is said instead of ``text`` when the two differ ("25 €" said "vingt-cinq euros").
    spoken: str | None = None


@dataclass(frozen=True)
class Action:
    """A button: a stable ``id`` for tests and the keypad, words, a pictogram, and the command it
    sends to the journey (an enum member of the flow that handles it, with its argument)."""

    id: str
    text: str
    #: None only where the words are a symbol themselves (the PIN pad's digits).
    pictogram: str | None
    command: Enum
    argument: object = None
    enabled: bool = True


@dataclass(frozen=True)
class Page:
    """One screen's content. ``name`` picks the screen; ``spoken`` is what "Écouter" says."""

    name: str
    title: str
    language: str
    spoken: str
    lines: list[Line] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    pictogram: str | None = None
    progress: str = ""
    #: Shown when a text exists only in French and the citizen chose another language.
    note: str = ""
    qr_url: str | None = None
    qr_caption: str = ""
    #: Monospace text such as the receipt preview.
    preview: str = ""
    #: The masked PIN entry ("●●●"), never the digits.
    entry: str = ""
    #: Actions shown small, at the edge of the screen (languages on the home screen).
    secondary: list[Action] = field(default_factory=list)
    #: The first action is the main one, drawn larger and filled.
    primary_first: bool = False
    #: Small controls under the title: the other languages, and the speech controls (repeat,
    #: pause, slower, faster, volume) while speech mode is on.
    tools: list[Action] = field(default_factory=list)
    #: Right-to-left language: the screen is mirrored.
    rtl: bool = False
    #: The words of the buttons that scroll a long page without dragging (WCAG 2.5.7):
    #: further down, and back to the top.
    pager: tuple[str, str] = ("Voir la suite", "Remonter")

    def action(self, action_id: str) -> Action:
        for action in (*self.actions, *self.secondary, *self.tools):
            if action.id == action_id:
                return action
        raise LookupError(action_id)

    @property
    def main_action(self) -> Action | None:
        """Where the keypad focus starts on this screen: its main action, else its first choice."""
        return next((action for action in self.actions if action.enabled), None)


def spoken_description(
    title: str, lines: list[Line], actions: list[Action], intro: str, private_listening: bool = False
) -> str:
    """Title, instruction and choices as one utterance, from the same words as the screen.

    Lines holding personal data are left out unless the listening is private (headset or consent).
    """
    parts = [title, *((line.spoken or line.text) for line in lines if private_listening or not line.private)]
    if actions:
        parts.append(intro + " " + ", ".join(action.text for action in actions))
    return ". ".join(part.rstrip(". ") for part in parts if part) + "."
