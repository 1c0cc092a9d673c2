"""FALC lint: checks French texts for long sentences, "etc." and unexplained acronyms."""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

#: Inclusion Europe "Information for all": short sentences; the kiosk's limit, in words.
MAX_WORDS = 15
#: Acronyms that may stay unexplained, with their plain explanation (see the file's comments).
GLOSSARY_PATH = Path(__file__).parent / "falc_glossary.yaml"

SENTENCE_LENGTH = "sentence-length"
ETC = "etc"
ACRONYM = "acronym"

# Sentences end on . ! ? … (followed by a space or the end) and on line breaks. A URL has no
# space inside, so "service-public.fr" or "https://ants.gouv.fr/" never ends a sentence.
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+|\n+")

_CAPITAL = "A-ZÀ-ÖØ-Þ"
#: One token per "word" as a reader sees it: a URL, an e-mail address, a phone number, a
#: {placeholder} or a number counts as one word; "l'école" and "vous-même" are one word.
_TOKEN = re.compile(
    r"""
    (?P<url>(?:https?://|www\.)\S*[^\s.,;:!?)»]
        |(?<![\w.@-])[\w-]+(?:\.[\w-]+)*\.(?:fr|gouv|com|org|net|eu|info)\b(?:/\S*[^\s.,;:!?)»]|/)?)
    |(?P<email>[\w.+-]+@[\w-]+(?:\.[\w-]+)+)
    |(?P<phone>(?:\+33[\s.]?|(?<!\d)0)[1-9](?:[\s.]?\d{2}){4}(?!\d))
    |(?P<placeholder>\{[^{}\s]*\})
    |(?P<number>(?<!\d)\d{1,3}(?:[\u0020\u00a0\u202f]\d{3})+(?![\d])(?:[.,]\d+)?
        |\d\w*(?:[.,:]\d\w*)*)
    |(?P<word>[^\W\d_](?:\w|['’-](?=\w))*)
    """,
    re.VERBOSE,
)
_ETC = re.compile(r"\betc\b\.?", re.IGNORECASE)
#: A word part of capitals (digits allowed) with at least two capitals: CAF, ANTS, QR.
_ACRONYM = re.compile(rf"[{_CAPITAL}][{_CAPITAL}0-9]*")
#: Not acronyms: service-public.fr fiche references (F1341) and similar codes (R12, N19).
_REFERENCE = re.compile(r"[A-Z]\d+")
_PART_SEPARATOR = re.compile(r"['’-]")


@dataclass(frozen=True)
class FalcIssue:
    """One FALC problem in a text: which rule, what to do, and the part of the text concerned."""

    rule: str
    message: str
    excerpt: str

    def __str__(self) -> str:
        return f"{self.rule}: {self.excerpt}"


@cache
def load_glossary(path: Path = GLOSSARY_PATH) -> Mapping[str, str]:
    """The acronyms that may stay unexplained, each with its plain French explanation."""
    with path.open(encoding="utf-8") as handle:
        data = yaml.safe_load(handle) or {}
    if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
        raise ValueError(f"{path}: expected a mapping of acronym to explanation")
    return {str(key): value for key, value in data.items()}


def sentences(text: str) -> list[str]:
    """The sentences of ``text``, split on . ! ? … and on line breaks; empty ones dropped."""
    return [part.strip() for part in _SENTENCE_END.split(text) if part and part.strip()]


def words(sentence: str) -> list[str]:
    """The words of a sentence as a reader counts them (a URL, number or phone is one word)."""
    return [match.group() for match in _TOKEN.finditer(sentence)]


def check_sentence_length(text: str, max_words: int = MAX_WORDS) -> list[FalcIssue]:
    """One issue per sentence of more than ``max_words`` words."""
    issues = []
    for sentence in sentences(text):
        count = len(words(sentence))
        if count > max_words:
            issues.append(
                FalcIssue(
                    SENTENCE_LENGTH,
                    f"{count} words: split it into sentences of at most {max_words} words",
                    sentence,
                )
            )
    return issues


def check_etc(text: str) -> list[FalcIssue]:
    """One issue per "etc.": FALC lists everything the reader needs, or says "par exemple"."""
    return [
        FalcIssue(
            ETC, 'no "etc.": list what matters or say "par exemple"', _context(text, m.start(), m.end())
        )
        for m in _ETC.finditer(text)
    ]


def acronyms(text: str) -> list[tuple[str, int, int]]:
    """Each acronym of ``text`` with its start and end offsets, in order."""
    found = []
    for match in _TOKEN.finditer(text):
        if match.lastgroup != "word":
            continue
        offset = match.start()
        for part in _PART_SEPARATOR.split(match.group()):
            if _is_acronym(part):
                start = text.index(part, offset)
                found.append((part, start, start + len(part)))
            offset += len(part) + 1
    return found


def _is_acronym(part: str) -> bool:
    if not _ACRONYM.fullmatch(part) or _REFERENCE.fullmatch(part):
        return False
    return sum(1 for char in part if char.isalpha()) >= 2


def _explained_here(text: str, start: int, end: int) -> bool:
    """ "CAF (caisse d'allocations familiales)" or "caisse d'allocations familiales (CAF)"."""
    after = re.match(r"\s*\(([^()]*)\)", text[end:])
    if after and _is_explanation(after.group(1)):
        return True
    opens = re.search(r"\(\s*$", text[:start])
    closes = re.match(r"\s*\)", text[end:])
    if opens and closes:
        before = sentences(text[: opens.start()])
        return bool(before) and _is_explanation(before[-1])
    return False


def _is_explanation(text: str) -> bool:
    """At least two words, one of them in small letters (not just another acronym)."""
    tokens = words(text)
    return len(tokens) >= 2 and any(token.islower() for token in tokens)


def _context(text: str, start: int, end: int) -> str:
    """The sentence holding ``text[start:end]`` (from the first to the last sentence it touches)."""
    first, last = 0, len(text)
    for boundary in _SENTENCE_END.finditer(text):
        if boundary.end() <= start:
            first = boundary.end()
        elif boundary.start() >= end:
            last = boundary.start()
            break
    return text[first:last].strip()


class _AcronymReader:
    """Reads texts in order; an acronym explained once stays known for the next texts."""

    def __init__(self, glossary: Mapping[str, str] | None) -> None:
        self.known: set[str] = set(load_glossary() if glossary is None else glossary)

    def check(self, text: str) -> list[FalcIssue]:
        issues = []
        reported: set[str] = set()
        for acronym, start, end in acronyms(text):
            if acronym in self.known:
                continue
            if _explained_here(text, start, end):
                self.known.add(acronym)
                continue
            if acronym not in reported:
                reported.add(acronym)
                issues.append(
                    FalcIssue(
                        ACRONYM,
                        f'explain "{acronym}" at its first use: "{acronym} (in plain words)" '
                        f'or "plain words ({acronym})", or add it to the FALC glossary',
                        _context(text, start, end),
                    )
                )
        return issues


def check_acronyms(text: str, glossary: Mapping[str, str] | None = None) -> list[FalcIssue]:
    """One issue per acronym neither explained at its first use in ``text`` nor in the glossary."""
    return _AcronymReader(glossary).check(text)


def check_text(text: str, glossary: Mapping[str, str] | None = None) -> list[FalcIssue]:
    """Every FALC issue of one French text."""
    return check_sentence_length(text) + check_etc(text) + check_acronyms(text, glossary)


def check_texts(
    texts: Iterable[tuple[str, str]], glossary: Mapping[str, str] | None = None
) -> list[tuple[str, FalcIssue]]:
    """Each (where, text) checked on its own: the issues, each with where it was found."""
    return [(where, issue) for where, text in texts for issue in check_text(text, glossary)]


def check_document(
    texts: Iterable[tuple[str, str]], glossary: Mapping[str, str] | None = None
) -> list[tuple[str, FalcIssue]]:
    """The (where, text) items of one document, in reading order (for instance one procedure).

    Sentence length and "etc." are checked per text; an acronym explained in one text may be
    used without explanation in the texts that follow it, not in those before it.
    """
    reader = _AcronymReader(glossary)
    found = []
    for where, text in texts:
        issues = check_sentence_length(text) + check_etc(text) + reader.check(text)
        found += [(where, issue) for issue in issues]
    return found
