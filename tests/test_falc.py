"""FALC French (requirement 25): the lint's rules, then every UI string, every procedure, every action."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace

import pytest
from pydantic import BaseModel

from accessibility.falc import (
    ACRONYM,
    ETC,
    MAX_WORDS,
    SENTENCE_LENGTH,
    FalcIssue,
    check_acronyms,
    check_document,
    check_etc,
    check_sentence_length,
    check_text,
    check_texts,
    load_glossary,
    sentences,
    words,
)
from accessibility.pictograms import PICTOGRAMS
from kiosk.content import load_catalogue
from kiosk.glossary import load_glossary as load_hard_words
from kiosk.i18n import ui_messages
from kiosk.journey.router import NavigationCommand
from kiosk.procedures import Procedure
from kiosk.viewmodels import Action

from support.harness import Harness
from support.walks import every_page

WORDS = "un deux trois quatre cinq six sept huit neuf dix onze douze treize quatorze quinze seize".split()


def report(found: list[tuple[str, FalcIssue]]) -> str:
    lines = [f"{where}: {issue.rule}: {issue.excerpt}" for where, issue in found]
    return f"{len(lines)} FALC violation(s):\n" + "\n".join(lines)


# -- the rules -------------------------------------------------------------------------------


def test_fifteen_words_pass_sixteen_fail() -> None:
    assert MAX_WORDS == 15
    assert check_sentence_length(" ".join(WORDS[:15]) + ".") == []
    (issue,) = check_sentence_length(" ".join(WORDS[:16]) + ".")
    assert issue.rule == SENTENCE_LENGTH and "16 words" in issue.message


def test_each_sentence_is_counted_on_its_own() -> None:
    text = " ".join(WORDS[:10]) + ". " + " ".join(WORDS[:10]) + " ?\n" + " ".join(WORDS[:10])
    assert len(sentences(text)) == 3
    assert check_sentence_length(text) == []
    assert sentences("Bonjour… Ça va ! Oui? Non\nPeut-être") == [
        "Bonjour…",
        "Ça va !",
        "Oui?",
        "Non",
        "Peut-être",
    ]


def test_words_are_counted_as_a_reader_counts_them() -> None:
    assert words("l'école d'aujourd'hui, vous-même") == ["l'école", "d'aujourd'hui", "vous-même"]
    assert len(words("Appelez le 01 23 45 67 89 ou le +33 1 23 45 67 89.")) == 6
    assert len(words("Il coûte 12,50 euros ou 1 500 euros le 1er mai 2025.")) == 11
    url = "https://www.service-public.gouv.fr/particuliers/vosdroits/F1341"
    assert words(f"Allez sur {url}, ou caf.fr.") == ["Allez", "sur", url, "ou", "caf.fr"]
    assert words("Le site ants.gouv.fr/ (en ligne).") == ["Le", "site", "ants.gouv.fr/", "en", "ligne"]
    assert words("Étape {number} sur {total}") == ["Étape", "{number}", "sur", "{total}"]
    assert words(" — : , ! ") == []


def test_a_long_url_or_phone_does_not_make_a_long_sentence() -> None:
    text = "Appelez le 01 23 45 67 89 ou allez sur https://www.service-public.gouv.fr/particuliers/vosdroits/F1341."
    assert check_text(text) == []


def test_etc_is_refused() -> None:
    assert [issue.rule for issue in check_etc("Une facture, une quittance, etc.")] == [ETC]
    assert [issue.rule for issue in check_etc("Une facture, une quittance etc")] == [ETC]
    assert [issue.rule for issue in check_etc("Etc.")] == [ETC]
    assert check_etc("Par exemple une facture d'électricité.") == []


def test_an_unexplained_acronym_is_refused() -> None:
    (issue,) = check_acronyms("Allez à la CAF.")
    assert issue.rule == ACRONYM and '"CAF"' in issue.message and issue.excerpt == "Allez à la CAF."
    assert [i.rule for i in check_acronyms("Le site de l'ANTS.")] == [ACRONYM]
    assert [i.rule for i in check_acronyms("Votre RSA-socle.")] == [ACRONYM]


def test_an_acronym_explained_right_after_or_before_passes() -> None:
    assert check_acronyms("Allez à la CAF (caisse d'allocations familiales).") == []
    assert check_acronyms("Allez à la caisse d'allocations familiales (CAF).") == []
    assert check_acronyms("La CAF (caisse d'allocations familiales) vous répond. Appelez la CAF.") == []


def test_a_weak_or_late_explanation_does_not_count() -> None:
    assert check_acronyms("Allez à la CAF (CNAF).")  # another acronym is no explanation
    assert check_acronyms("Allez à la CAF. La CAF (caisse d'allocations familiales) répond.")


def test_glossary_acronyms_and_references_pass() -> None:
    assert "QR" in load_glossary()
    assert check_acronyms("Photographiez le QR code avec votre téléphone.") == []
    assert check_acronyms("Voir la fiche F1341 et la fiche R12.") == []
    assert check_acronyms("Allez à la CAF.", glossary={"CAF": "caisse d'allocations familiales"}) == []


def test_the_glossary_stays_small_and_plain() -> None:
    glossary = load_glossary()
    assert 1 <= len(glossary) <= 5, "keep the FALC glossary small: explain acronyms in the text"
    for acronym, explanation in glossary.items():
        assert acronym.isupper() and explanation.strip()
        assert check_text(explanation, glossary={}) == [], acronym


def test_check_texts_checks_each_text_alone() -> None:
    found = check_texts([("a", "La CAF (caisse d'allocations familiales) paie."), ("b", "La CAF paie, etc.")])
    assert [(where, issue.rule) for where, issue in found] == [("b", ETC), ("b", ACRONYM)]


def test_check_document_remembers_an_acronym_explained_earlier() -> None:
    explained = ("step 1", "La CAF (caisse d'allocations familiales) paie la prime.")
    reused = ("step 2", "Demandez-la à la CAF.")
    assert check_document([explained, reused]) == []
    found = check_document([reused, explained])
    assert [(where, issue.rule) for where, issue in found] == [("step 2", ACRONYM)]
    long = ("step 3", " ".join(WORDS) + ".")
    assert [where for where, _ in check_document([explained, long])] == ["step 3"]


# -- every French string of the kiosk --------------------------------------------------------


def test_every_ui_string_is_falc() -> None:
    messages = ui_messages()
    assert len(messages) > 50
    found = check_texts((f"ui {message!r}", message) for message in messages)
    assert not found, report(found)


def french_fields(value: object, where: str) -> Iterator[tuple[str, str]]:
    """Every French text of a content value, in field order: each dict with an "fr" key."""
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            yield from french_fields(getattr(value, name), f"{where}.{name}" if where else name)
    elif isinstance(value, dict):
        if isinstance(value.get("fr"), str):
            yield where, value["fr"]
        else:
            for key, item in value.items():
                yield from french_fields(item, f"{where}.{key}")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            yield from french_fields(item, f"{where}[{index}]")


CATALOGUE = load_catalogue()


def test_the_content_walk_finds_every_kind_of_text() -> None:
    fields = {where for where, _ in french_fields(CATALOGUE.procedures["carte-identite"], "")}
    for expected in (
        "title",
        "description",
        "steps[0].text",
        "steps[1].choices[0].label",
        "steps[3].spoken",
        "documents[0].detail",
        "todo[0].text",
        "cost[0].text",
        "delay[0].text",
        "where.text",
        "online_service.label",
    ):
        assert expected in fields


@pytest.mark.parametrize("procedure_id", sorted(CATALOGUE.procedures))
def test_every_procedure_is_falc(procedure_id: str) -> None:
    assert not CATALOGUE.errors
    procedure: Procedure = CATALOGUE.procedures[procedure_id]
    texts = french_fields(procedure, "")
    found = check_document((f"{procedure_id}.yaml {where}", text) for where, text in texts)
    assert not found, report(found)


# -- a pictogram on every action -------------------------------------------------------------

#: The PIN and CAN pads' digits are symbols themselves: no pictogram.
PICTOGRAM_FREE = {f"{pad}_{digit}" for pad in ("pin", "can") for digit in "0123456789"}


def pictogram_problems(where: str, actions: list[Action]) -> Iterator[str]:
    for action in actions:
        if action.id in PICTOGRAM_FREE:
            continue
        if not action.pictogram:
            yield f"{where}: pictogram: action {action.id!r} ({action.text!r}) has none"
        elif action.pictogram not in PICTOGRAMS:
            yield f"{where}: pictogram: action {action.id!r} has unknown pictogram {action.pictogram!r}"


def test_every_action_has_a_pictogram(harness: Harness) -> None:
    problems: dict[str, None] = {}
    for where, page in every_page(harness):
        for problem in pictogram_problems(where, [*page.actions, *page.secondary, *page.tools]):
            problems[problem] = None
    for problem in pictogram_problems("bar", harness.journey.presentation.bar):
        problems[problem] = None
    assert not problems, f"{len(problems)} action(s) without a pictogram:\n" + "\n".join(problems)


def test_the_reports_name_where_rule_and_excerpt() -> None:
    found = check_texts([("ui 'x'", "Allez à la CAF, etc.")])
    assert report(found).splitlines()[1:] == [
        "ui 'x': etc: Allez à la CAF, etc.",
        "ui 'x': acronym: Allez à la CAF, etc.",
    ]
    bare = Action("bare", "Sans image", None, NavigationCommand.BACK)
    digit = Action("pin_1", "1", None, NavigationCommand.BACK)
    assert list(pictogram_problems("home", [bare, digit])) == [
        "home: pictogram: action 'bare' ('Sans image') has none"
    ]


# -- the glossary: hard words explained on demand ------------------------------------------------

GLOSSARY = load_hard_words()


def test_every_glossary_term_is_defined_in_three_languages_and_in_falc() -> None:
    for term in GLOSSARY.terms.values():
        assert {"fr", "en", "ar"} <= set(term.word) and {"fr", "en", "ar"} <= set(term.definition), term.id
        assert {"fr", "en", "ar"} <= set(term.forms), term.id
        found = check_text(term.definition["fr"])
        assert not found, report([(f"glossary {term.id}", issue) for issue in found])


def test_a_hard_word_without_a_definition_is_refused() -> None:
    without = replace(GLOSSARY, terms={k: v for k, v in GLOSSARY.terms.items() if k != "timbre_fiscal"})
    text = "Achetez un timbre fiscal sur internet."
    assert without.undefined_words([text]) == ["timbre fiscal"]
    assert GLOSSARY.undefined_words([text]) == []


@pytest.mark.parametrize("procedure_id", sorted(CATALOGUE.procedures))
def test_every_hard_word_of_a_procedure_has_a_definition(procedure_id: str) -> None:
    texts = [text for _, text in french_fields(CATALOGUE.procedures[procedure_id], "")]
    assert GLOSSARY.undefined_words(texts) == []
