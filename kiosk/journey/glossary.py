"""The glossary flow: "Que veut dire ... ?" shows and says a hard word's definition, then back."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from kiosk.glossary import Glossary, Term
from kiosk.journey.context import FlowContext, Handlers, ScreenViews
from kiosk.journey.router import Location, ScreenName


class GlossaryCommand(Enum):
    DEFINE = "define"  #: a term id


@dataclass(frozen=True)
class DefinitionView:
    term: Term


class GlossaryFlow:
    """Owns the definition screen; the citizen's place is kept: "J'ai compris" goes back to it."""

    def __init__(self, context: FlowContext, glossary: Callable[[], Glossary]) -> None:
        self._context = context
        self._glossary = glossary

    def screens(self) -> ScreenViews:
        return {ScreenName.DEFINITION: self.view}

    def handlers(self) -> Handlers:
        return {GlossaryCommand.DEFINE: lambda term: self.define(str(term))}

    def define(self, term_id: str) -> None:
        if term_id in self._glossary().terms:
            self._context.show(Location(ScreenName.DEFINITION, term=term_id))

    def view(self, location: Location) -> DefinitionView:
        return DefinitionView(self._glossary().terms[str(location.term)])

    def forget(self) -> None:
        # Nothing of the citizen: which words were explained is not kept.
        return None
