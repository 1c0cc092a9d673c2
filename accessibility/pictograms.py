"""The pictogram vocabulary: each name maps to an icon-font glyph and a spoken alternative."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

#: Fork Awesome (OFL 1.1), shipped with the package; see fonts/ForkAwesome-COPYRIGHT.txt.
ICON_FONT = str(Path(__file__).parent / "fonts" / "ForkAwesome.ttf")


@dataclass(frozen=True)
class Pictogram:
    """One pictogram: its glyph in the icon font and what it shows, said in plain French."""

    glyph: str
    alt: str


PICTOGRAMS: dict[str, Pictogram] = {
    "id_card": Pictogram("\uf2c2", "une carte d'identité"),
    "passport": Pictogram("\uf02d", "un passeport"),
    "birth": Pictogram("\uf1ae", "un bébé"),
    "family": Pictogram("\uf0c0", "une famille"),
    "school": Pictogram("\uf19d", "une école"),
    "money": Pictogram("\uf153", "de l'argent"),
    "health": Pictogram("\uf0f1", "la santé"),
    "work": Pictogram("\uf0b1", "une mallette de travail"),
    "home": Pictogram("\uf015", "une maison"),
    "move": Pictogram("\uf0d1", "un camion de déménagement"),
    "warning": Pictogram("\uf071", "un panneau attention"),
    "light": Pictogram("\uf0eb", "une ampoule"),
    "road": Pictogram("\uf018", "une route"),
    "tax": Pictogram("\uf1ec", "une calculatrice"),
    "document": Pictogram("\uf15c", "une feuille de papier"),
    "photo": Pictogram("\uf030", "un appareil photo"),
    "address": Pictogram("\uf041", "un repère sur une carte"),
    "clock": Pictogram("\uf017", "une horloge"),
    "calendar": Pictogram("\uf073", "un calendrier"),
    "phone": Pictogram("\uf095", "un téléphone"),
    "computer": Pictogram("\uf108", "un ordinateur"),
    "mail": Pictogram("\uf0e0", "une enveloppe"),
    "info": Pictogram("\uf05a", "le signe information"),
    "question": Pictogram("\uf059", "un point d'interrogation"),
    "yes": Pictogram("\uf00c", "une coche"),
    "no": Pictogram("\uf00d", "une croix"),
    "unknown": Pictogram("\uf128", "un point d'interrogation"),
    "new": Pictogram("\uf067", "le signe plus"),
    "renew": Pictogram("\uf021", "deux flèches en cercle"),
    "lost": Pictogram("\uf002", "une loupe"),
    "stolen": Pictogram("\uf023", "un cadenas"),
    "child": Pictogram("\uf1ae", "un enfant"),
    "adult": Pictogram("\uf007", "une personne"),
    "stamp": Pictogram("\uf145", "un ticket"),
    "free": Pictogram("\uf06b", "un cadeau"),
    "print": Pictogram("\uf02f", "une imprimante"),
    "qr": Pictogram("\uf029", "un code QR"),
    "next": Pictogram("\uf061", "une flèche vers la droite"),
    "back": Pictogram("\uf060", "une flèche vers la gauche"),
    "listen": Pictogram("\uf025", "un casque audio"),
    "pause": Pictogram("\uf04c", "le signe pause"),
    "slower": Pictogram("\uf04a", "deux flèches vers l'arrière"),
    "faster": Pictogram("\uf04e", "deux flèches vers l'avant"),
    "quieter": Pictogram("\uf027", "un haut-parleur qui parle bas"),
    "louder": Pictogram("\uf028", "un haut-parleur qui parle fort"),
    "contrast": Pictogram("\uf042", "un cercle moitié noir, moitié blanc"),
    "motion": Pictogram("\uf04b", "le signe lecture"),
    "help": Pictogram("\uf1cd", "une bouée"),
    "bigger": Pictogram("\uf00e", "une loupe avec le signe plus"),
    "language": Pictogram("\uf1ab", "le signe des langues"),
    "search": Pictogram("\uf002", "une loupe"),
    "mediator": Pictogram("\uf2c0", "une personne qui aide"),
    "face_happy": Pictogram("\uf118", "un visage content"),
    "face_neutral": Pictogram("\uf11a", "un visage neutre"),
    "face_sad": Pictogram("\uf119", "un visage triste"),
    "skip": Pictogram("\uf051", "le signe passer"),
    "end": Pictogram("\uf011", "le signe terminer"),
    "lock": Pictogram("\uf023", "un cadenas"),
    "settings": Pictogram("\uf013", "une roue dentée"),
    "more": Pictogram("\uf141", "trois points"),
    "down": Pictogram("\uf063", "une flèche vers le bas"),
    "up": Pictogram("\uf062", "une flèche vers le haut"),
    "touch": Pictogram("\uf25a", "une main qui touche"),
    "vitale": Pictogram("\uf09d", "une carte"),
    "euro": Pictogram("\uf153", "le signe euro"),
}


def pictogram(name: str) -> Pictogram:
    """Return the pictogram called ``name``; unknown names raise ``KeyError``."""
    return PICTOGRAMS[name]
