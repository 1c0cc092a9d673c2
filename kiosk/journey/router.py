"""Where the citizen is: the screens by name, the place on a screen, and the history behind "Retour"."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from enum import Enum, StrEnum


class ScreenName(StrEnum):
    """Every screen of the kiosk; the value is the name the screens' registry and the pilot use."""

    HOME = "home"
    SETTINGS = "settings"
    CATALOGUE = "catalogue"
    STEP = "step"
    SUMMARY = "summary"
    RECEIPT = "receipt"
    IDENTITY_CONSENT = "identity_consent"  #: "Voulez-vous que la borne lise votre carte ?"
    IDENTITY_CAN = "identity_can"  #: the 6 digits of the card, on a masked pad
    IDENTITY_READING = "identity_reading"
    IDENTITY_RESULT = "identity_result"  #: "Est-ce bien vous ?"
    IDENTITY_FAILED = "identity_failed"
    FEEDBACK = "feedback"
    HELP = "help"
    KEYS = "keys"  #: "Les touches": what each key of the keypad does
    DEFINITION = "definition"  #: "Que veut dire ... ?": a hard word's definition
    IDLE = "idle"
    MEDIATOR_PIN = "mediator_pin"
    MEDIATOR_MENU = "mediator"
    MEDIATOR_PREVIEW = "mediator_preview"
    MEDIATOR_STATUS = "mediator_status"
    MAINTENANCE = "maintenance"  #: "Borne en maintenance", set from the fleet's dashboard
    RESTARTING = "restarting"  #: "La borne redémarre": after a crash, before the restart
    SAFE_MODE = "safe_mode"  #: the welcome screen after repeated crashes: a QR code and help


class NavigationCommand(Enum):
    """The bar's way around, on every screen."""

    HOME = "home"  #: "Accueil": the list of subjects (the session goes on)
    BACK = "back"  #: "Retour": one screen back, forgetting the answer given there


#: The mediator's screens: closing mediator mode leaves all of them at once.
MEDIATOR_SCREENS = frozenset(
    {
        ScreenName.MEDIATOR_PIN,
        ScreenName.MEDIATOR_MENU,
        ScreenName.MEDIATOR_PREVIEW,
        ScreenName.MEDIATOR_STATUS,
    }
)


@dataclass(frozen=True)
class Location:
    """A screen and, for the lists of choices, which topic and which page of choices it shows."""

    screen: ScreenName
    #: The catalogue topic whose procedures are listed (None: the list of topics).
    topic: str | None = None
    #: Which page of a long list of choices ("Voir d'autres choix" turns it).
    choices_page: int = 0
    #: The glossary term a definition screen explains.
    term: str | None = None


HOME = Location(ScreenName.HOME)


class Router:
    """The current location and the locations "Retour" goes back to; plain state, UI thread only."""

    def __init__(self) -> None:
        self.location = HOME
        #: Where a session starts and ends: the welcome screen, or the maintenance screen.
        self.home = HOME
        self._history: list[Location] = []

    @property
    def screen(self) -> ScreenName:
        return self.location.screen

    def go(self, location: Location) -> None:
        """Show ``location``; "Retour" comes back to where the citizen was."""
        if location != self.location:
            self._history.append(self.location)
        self.location = location

    def replace(self, location: Location) -> None:
        """Show ``location`` in place of the current one: "Retour" does not come back to it."""
        self.location = location

    def restart(self, location: Location | None = None) -> None:
        """Show ``location`` (by default the home location) with no history behind it."""
        self._history.clear()
        self.location = location or self.home

    def back(self) -> Location | None:
        """Return to the previous location; None (and no move) when there is none."""
        if not self._history:
            return None
        self.location = self._history.pop()
        return self.location

    def leave(self, screens: Collection[ScreenName]) -> Location:
        """Go back past every location on ``screens`` (closing a mode); home when nothing is left."""
        while self._history and self._history[-1].screen in screens:
            self._history.pop()
        self.location = self._history.pop() if self._history else self.home
        return self.location
