"""The glossary: hard words no plain rewrite can remove, with a definition in each language."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from kiosk.procedures import Identifier, LocalText

#: The glossary shipped with the kiosk, beside the procedures.
DEFAULT_GLOSSARY = Path(__file__).parent / "content" / "glossary.yaml"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Term(_Strict):
    """A hard word: how it is written in each language, its name, and its plain definition."""

    id: Identifier
    #: The word as a screen writes it, in each language (lower-case forms; plurals too).
    forms: dict[str, Annotated[list[str], Field(min_length=1)]]
    word: LocalText
    definition: LocalText


class GlossaryFile(_Strict):
    terms: list[Term]
    #: Words a procedure may not use unless a term defines them (the FALC lint checks it).
    needs_definition: list[str] = []


@dataclass(frozen=True)
class Glossary:
    terms: dict[str, Term] = field(default_factory=dict)
    needs_definition: tuple[str, ...] = ()

    def found_in(self, texts: list[str], language: str) -> list[Term]:
        """The terms whose forms (in ``language``, or in French: a text may exist only in
        French) appear in ``texts``, in glossary order."""
        joined = " ".join(texts).lower()
        return [
            term
            for term in self.terms.values()
            if any(_contains(joined, form) for lang in {language, "fr"} for form in term.forms.get(lang, []))
        ]

    def undefined_words(self, texts: list[str]) -> list[str]:
        """The words of ``needs_definition`` that ``texts`` (French) use without a term defining
        them: the FALC lint refuses them."""
        joined = " ".join(texts).lower()
        return [word for word in self.needs_definition if _contains(joined, word) and not self.defines(word)]

    def defines(self, word: str) -> bool:
        """A term covers ``word`` (a French form)."""
        return any(
            word.lower() in (form.lower() for form in term.forms.get("fr", []))
            for term in self.terms.values()
        )


def _contains(text: str, form: str) -> bool:
    """``form`` stands in ``text`` as a word or words (not inside a longer word)."""
    return re.search(rf"(?<!\w){re.escape(form.lower())}(?!\w)", text) is not None


def load_glossary(path: Path = DEFAULT_GLOSSARY) -> Glossary:
    """Read and validate a glossary file; ValueError with the file and the problem otherwise."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        parsed = GlossaryFile.model_validate(data)
    except (OSError, yaml.YAMLError, ValidationError) as error:
        raise ValueError(f"{path}: {error}") from None
    terms = {term.id: term for term in parsed.terms}
    if len(terms) != len(parsed.terms):
        raise ValueError(f"{path}: term ids repeat")
    return Glossary(terms, tuple(parsed.needs_definition))
