"""The text the voice gets: hours, dates, amounts, postcodes, acronyms, "n°" and web addresses."""

from __future__ import annotations

import pytest

from accessibility.speech import RecordingEngine, SpeechManager
from accessibility.speech.pronunciation import for_speech


@pytest.mark.parametrize(
    ("written", "said"),
    [
        ("Du lundi au vendredi : 8 h 30 à 12 h.", "Du lundi au vendredi : 8 heures 30 à 12 heures."),
        ("Ouvert de 9h à 17h30.", "Ouvert de 9 heures à 17 heures 30."),
        ("À 1 h du matin.", "À 1 heure du matin."),
        ("Vérifié le 29/09/2025.", "Vérifié le 29 septembre 2025."),
        ("Le 01/01/2026.", "Le 1er janvier 2026."),
        ("Un timbre de 12,50 euros.", "Un timbre de 12 euros 50."),
        ("Un timbre de 25 €.", "Un timbre de 25 euros."),
        ("Il coûte 86 euros.", "Il coûte 86 euros."),
        ("12 place de la République, 75001 Paris", "12 place de la République, 75 0 0 1 Paris"),
        ("Votre dossier n° 42.", "Votre dossier numéro 42."),
        ("Allez sur le site de l'ANTS.", "Allez sur le site de l'A N T S."),
        ("Appelez la CAF.", "Appelez la caf."),
        ("Allez sur caf.fr.", "Allez sur caf point f r."),
        (
            "Voir https://www.service-public.gouv.fr/particuliers/vosdroits/F1341, merci.",
            "Voir service public point gouv point f r, merci.",
        ),
        (
            "Sur ants.gouv.fr/ ou impots.gouv.fr.",
            "Sur ants point gouv point f r ou impots point gouv point f r.",
        ),
        ("Appelez le 01 23 45 67 89.", "Appelez le 01 23 45 67 89."),
        ("En 2025, 3 documents.", "En 2025, 3 documents."),
    ],
)
def test_french_is_prepared_for_the_voice(written: str, said: str) -> None:
    assert for_speech(written, "fr") == said


@pytest.mark.parametrize(
    ("language", "written", "said"),
    [
        ("en", "Open 8 h 30 to 12 h.", "Open 8:30 to 12 o'clock."),
        ("en", "Checked on 29/09/2025.", "Checked on 29 September 2025."),
        ("en", "A stamp of 12.50 euros.", "A stamp of 12 euros 50."),
        ("en", "Go to ameli.fr.", "Go to ameli dot f r."),
        ("ar", "اذهب إلى caf.fr.", "اذهب إلى caf نقطة f r."),
        ("ar", "في 29/09/2025", "في 29 سبتمبر 2025"),
        ("xx", "8 h 30", "8 heures 30"),  # an unknown language is read as French
    ],
)
def test_other_languages_are_prepared_with_their_own_words(language: str, written: str, said: str) -> None:
    assert for_speech(written, language) == said


def test_the_manager_gives_the_engine_the_spoken_form_and_keeps_the_written_one() -> None:
    engine = RecordingEngine()
    speech = SpeechManager(engine)
    try:
        speech.speak("Ouvert à 8 h 30.")
        assert speech.wait_idle(2)
        assert engine.texts == ["Ouvert à 8 heures 30."]
        assert speech.history == ["Ouvert à 8 h 30."]
    finally:
        speech.close()
