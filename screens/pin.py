"""The mediator's PIN pad: masked entry, digits in a 3-column grid."""

from __future__ import annotations

from screens.page import PageScreen


class PinScreen(PageScreen):
    """The digits are typed, never shown: the entry draws one dot per digit."""

    def columns_for(self, count: int) -> int:
        # At large text sizes, "Effacer" and "Valider" need half a row, not a third.
        return 3 if self.style.scale < 1.5 else 2
