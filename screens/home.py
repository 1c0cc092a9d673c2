"""The welcome screen: touch to start, languages named in their own language, speech toggle."""

from __future__ import annotations

from screens.page import PageScreen


class HomeScreen(PageScreen):
    """The start button is the main action; the languages sit in a row above it."""

    def __init__(self, **kwargs: object) -> None:
        super().__init__(primary_first=True, **kwargs)
