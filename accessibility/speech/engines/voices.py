"""Voice matching: which of an engine's voices reads a given BCP 47 language tag."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

__all__ = ["language_matches"]


def language_matches(tag: str, candidates: Mapping[str, Sequence[str]]) -> str | None:
    """Pick the voice id whose languages best match a BCP 47 ``tag``.

    ``candidates`` maps voice ids (e.g. ``"roa/fr"``) to their language tags (e.g.
    ``["fr-fr"]``). Order of preference: a voice for exactly this tag ("fr-be"), then a voice
    whose id names the tag ("roa/fr" for "fr"), then any voice of the same primary language
    (so "ar-MA" still gets the Arabic voice rather than the default French one).
    """
    wanted = tag.strip().lower().replace("_", "-")
    if not wanted:
        return None
    primary = wanted.split("-")[0]
    tails = {voice_id: voice_id.rsplit("/", 1)[-1].lower() for voice_id in candidates}
    langs = {voice_id: [lang.lower() for lang in langs] for voice_id, langs in candidates.items()}
    rules: tuple[Callable[[str], bool], ...] = (
        lambda voice_id: wanted in langs[voice_id],
        lambda voice_id: tails[voice_id] == wanted,
        lambda voice_id: tails[voice_id] == primary,
        lambda voice_id: primary in langs[voice_id],
        lambda voice_id: any(lang.startswith(primary + "-") for lang in langs[voice_id]),
    )
    for rule in rules:
        for voice_id in candidates:
            if rule(voice_id):
                return voice_id
    return None
