"""Colour themes and their WCAG contrast: every text pair at least 7:1, controls and focus 3:1."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Theme:
    """A palette in ``#rrggbb``. Text is drawn on ``background``, ``surface`` and ``accent``."""

    name: str
    background: str
    surface: str  #: cards and buttons
    text: str
    muted_text: str  #: secondary text, still 7:1
    accent: str  #: the main button's fill
    accent_text: str
    border: str  #: button outlines (3:1 against the background)
    focus: str  #: the keypad focus ring (3:1 against background and surface)
    ok: str  #: with an icon and words, never alone
    error: str  #: with an icon and words, never alone

    def text_pairs(self) -> dict[str, tuple[str, str]]:
        """Every text/background pair the screens draw, for the contrast check."""
        return {
            "text on background": (self.text, self.background),
            "text on surface": (self.text, self.surface),
            "muted text on background": (self.muted_text, self.background),
            "accent text on accent": (self.accent_text, self.accent),
            "ok on background": (self.ok, self.background),
            "ok on surface": (self.ok, self.surface),
            "error on background": (self.error, self.background),
            "error on surface": (self.error, self.surface),
        }

    def control_pairs(self) -> dict[str, tuple[str, str]]:
        return {
            "border on background": (self.border, self.background),
            "focus on background": (self.focus, self.background),
            "focus on surface": (self.focus, self.surface),
            "accent on background": (self.accent, self.background),
        }


THEMES: dict[str, Theme] = {
    "default": Theme(
        name="default",
        background="#ffffff",
        surface="#eef2f8",
        text="#101828",
        muted_text="#2e3a4d",
        accent="#0b3d91",
        accent_text="#ffffff",
        border="#4a5a75",
        focus="#b34700",
        ok="#0a5a2a",
        error="#8f1010",
    ),
    "high_contrast": Theme(
        name="high_contrast",
        background="#000000",
        surface="#1a1a1a",
        text="#ffff00",
        muted_text="#ffffff",
        accent="#ffff00",
        accent_text="#000000",
        border="#ffffff",
        focus="#00ffff",
        ok="#7cff7c",
        error="#ff9e9e",
    ),
    "light": Theme(
        name="light",
        background="#fffdf5",
        surface="#f3efe0",
        text="#1b1b1b",
        muted_text="#3a3a3a",
        accent="#1b1b1b",
        accent_text="#fffdf5",
        border="#6b6b6b",
        focus="#0050b3",
        ok="#1d5c1d",
        error="#8a1414",
    ),
}


def rgba(colour: str, alpha: float = 1.0) -> tuple[float, float, float, float]:
    """``#rrggbb`` as Kivy's 0..1 RGBA."""
    value = colour.lstrip("#")
    red, green, blue = (int(value[i : i + 2], 16) / 255 for i in (0, 2, 4))
    return (red, green, blue, alpha)


def relative_luminance(colour: str) -> float:
    """WCAG 2.x relative luminance of an sRGB colour."""

    def channel(c: float) -> float:
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    red, green, blue, _ = rgba(colour)
    return 0.2126 * channel(red) + 0.7152 * channel(green) + 0.0722 * channel(blue)


def contrast_ratio(foreground: str, background: str) -> float:
    """WCAG contrast ratio, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted((relative_luminance(foreground), relative_luminance(background)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
