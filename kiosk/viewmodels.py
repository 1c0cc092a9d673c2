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
class Said:
    """A piece of what a screen says (a sentence or more, ending as a sentence ends).

    ``language``: the voice that says it when it is not the screen's own (a language named in
    itself, a text that exists only in French); None: the screen's language.
    """

    text: str
    language: str | None = None
    #: A short silence comes before it: each choice is heard apart from the one before.
    pause_before: bool = False


#: What a screen says: its pieces, in order.
Speech = tuple[Said, ...]


def speech_text(speech: Speech) -> str:
    """The pieces as one text (for logs of tests and for search), without the pauses."""
    return " ".join(piece.text for piece in speech)


@dataclass(frozen=True)
class Line:
    text: str
    pictogram: str | None = None
    mark: Mark = Mark.NONE
    #: Personal data (read from an identity card): spoken only in private listening.
    private: bool = False
    #: What is said instead of ``text`` when the two differ ("25 €" said "vingt-cinq euros").
    spoken: str | None = None
    #: The language of ``text`` when it is not the screen's (a text that exists only in French).
    language: str | None = None


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
    #: The language of ``text`` when it is not the screen's (a language named in itself).
    language: str | None = None
    #: Its words would give away a masked entry (a PIN pad's digit): said by its place only.
    secret: bool = False


@dataclass(frozen=True)
class Page:
    """One screen's content. ``name`` picks the screen; ``spoken`` is what "Écouter" says."""

    name: str
    title: str
    language: str
    #: Everything the screen says ("Écouter", "Répéter"): content first, then the choices.
    spoken: Speech
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
    #: A picture to show (the face read from an identity card: JPEG or JPEG 2000 bytes).
    image: bytes | None = field(default=None, repr=False)
    #: Actions shown small, at the edge of the screen (languages on the home screen).
    secondary: list[Action] = field(default_factory=list)
    #: The first action is the main one, drawn larger and filled.
    primary_first: bool = False
    #: Small controls under the title: the other languages, and the speech controls (repeat,
    #: pause, slower, faster, volume) while speech mode is on.
    tools: list[Action] = field(default_factory=list)
    #: "Que veut dire ... ?": one small button under the text per hard word the screen uses.
    glossary: list[Action] = field(default_factory=list)
    #: Right-to-left language: the screen is mirrored.
    rtl: bool = False
    #: The words of the buttons that scroll a long page without dragging (WCAG 2.5.7):
    #: further down, and back to the top.
    pager: tuple[str, str] = ("Voir la suite", "Remonter")
    #: What the screen says when it appears, if shorter than ``spoken`` (the receipt does not
    #: read again the summary just heard); None: ``spoken``.
    announcement: Speech | None = None

    def action(self, action_id: str) -> Action:
        for action in (*self.actions, *self.secondary, *self.tools, *self.glossary):
            if action.id == action_id:
                return action
        raise LookupError(action_id)

    @property
    def spoken_text(self) -> str:
        return speech_text(self.spoken)

    @property
    def arrival(self) -> Speech:
        """What the screen says when it appears."""
        return self.announcement if self.announcement is not None else self.spoken

    @property
    def main_action(self) -> Action | None:
        """Where the keypad focus starts on this screen: its main action, else its first choice."""
        return next((action for action in self.actions if action.enabled), None)


def spoken_description(
    title: str,
    lines: list[Line],
    actions: list[Action],
    choices: str,
    private_listening: bool = False,
    note: str = "",
    title_language: str | None = None,
) -> Speech:
    """Title, a note, the lines, then the choices, as pieces: the same words as the screen.

    ``choices`` introduces the choices ("2 choix :"; a lone button needs no introduction), each
    then its own piece, so that "Oui, je l'ai" and "Non, je ne l'ai pas" are heard as two. Lines
    holding personal data are left out unless the listening is private (headset or consent).
    """
    pieces = [Said(sentence(title), title_language), *([Said(sentence(note))] if note else [])]
    pieces += [
        Said(sentence(line.spoken or line.text), line.language)
        for line in lines
        if private_listening or not line.private
    ]
    if len(actions) > 1:
        pieces.append(Said(choices, pause_before=True))
    pieces += [Said(sentence(action.text), action.language, pause_before=True) for action in actions]
    return tuple(piece for piece in pieces if piece.text.strip())


def sentence(text: str) -> str:
    """``text`` ending as a sentence ends, so that the voice drops its tone and pauses there."""
    text = text.strip()
    return text if not text or text.endswith((".", "!", "?", ":", "…", "؟")) else text + "."
