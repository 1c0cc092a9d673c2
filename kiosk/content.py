"""Loads procedure files into a catalogue, refusing invalid files with file and line per error."""

from __future__ import annotations

import datetime as dt
import hashlib
import logging
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from kiosk.glossary import DEFAULT_GLOSSARY, Glossary, load_glossary
from kiosk.procedures import TOPICS, Procedure

logger = logging.getLogger(__name__)

#: The procedures shipped with the kiosk.
DEFAULT_CONTENT_DIR = Path(__file__).parent / "content" / "procedures"


@dataclass(frozen=True)
class ContentError:
    """One problem in one content file, located by line (1-based) when it can be."""

    path: Path
    line: int | None
    message: str

    def __str__(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else str(self.path)
        return f"{where}: {self.message}"


@dataclass
class Catalogue:
    """The procedures that loaded, by id, and the errors of the files that did not."""

    procedures: dict[str, Procedure] = field(default_factory=dict)
    errors: list[ContentError] = field(default_factory=list)

    def by_topic(self, topic: str) -> list[Procedure]:
        """The procedures of one topic (life situation), in title order."""
        found = [p for p in self.procedures.values() if p.topic == topic]
        return sorted(found, key=lambda procedure: procedure.title["fr"])

    @property
    def version(self) -> str:
        """A short fingerprint of the procedures and their versions: it changes with any of them."""
        signature = ",".join(f"{pid}:{p.version}" for pid, p in sorted(self.procedures.items()))
        return hashlib.sha256(signature.encode()).hexdigest()[:8]

    @property
    def oldest_check(self) -> dt.date | None:
        """The oldest date at which a procedure's facts were checked (None: no procedure)."""
        return min((p.source.checked for p in self.procedures.values()), default=None)

    def stale(self, today: dt.date, max_age: dt.timedelta) -> list[Procedure]:
        """The procedures whose facts were checked longer than ``max_age`` ago, oldest first."""
        found = [p for p in self.procedures.values() if today - p.source.checked > max_age]
        return sorted(found, key=lambda procedure: procedure.source.checked)

    def topics(self) -> list[str]:
        """The topics that have at least one procedure, in catalogue order."""
        used = {procedure.topic for procedure in self.procedures.values()}
        return [topic for topic in TOPICS if topic in used]


def parse_age(text: str) -> dt.timedelta:
    """ "12m" (months), "2y" (years) or "90d" (days) as a duration; ValueError otherwise."""
    match = re.fullmatch(r"\s*(\d+)\s*([dmy])\s*", text)
    if match is None:
        raise ValueError(f"'{text}' is not an age such as 12m (months), 2y (years) or 90d (days)")
    number, unit = int(match.group(1)), match.group(2)
    return dt.timedelta(days=number * {"d": 1, "m": 30.44, "y": 365.25}[unit])


def _line_of(node: yaml.Node, location: tuple[int | str, ...]) -> int:
    """The line of the deepest YAML node that ``location`` (a pydantic error path) reaches."""
    for key in location:
        if isinstance(node, yaml.MappingNode):
            child = next((v for k, v in node.value if k.value == key), None)
        elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and key < len(node.value):
            child = node.value[key]
        else:
            child = None
        if child is None:
            break
        node = child
    return node.start_mark.line + 1


def _format_location(location: tuple[int | str, ...]) -> str:
    parts: list[str] = []
    for key in location:
        if isinstance(key, int):
            parts.append(f"[{key}]")
        elif not key.startswith(("function-", "json-or-python")):
            parts.append(f".{key}" if parts else key)
    return "".join(parts)


def load_procedure(path: Path) -> tuple[Procedure | None, list[ContentError]]:
    """Parse and validate one file; on failure return no procedure and every error found."""
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        return None, [ContentError(path, None, f"cannot read the file: {error}")]
    try:
        node = yaml.compose(text)
        data: Any = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        return None, [ContentError(path, line, f"not valid YAML: {error}")]
    if node is None or not isinstance(data, dict):
        return None, [ContentError(path, 1, "the file must hold one procedure (a YAML mapping)")]
    try:
        procedure = Procedure.model_validate(data)
    except ValidationError as error:
        errors = []
        for item in error.errors():
            location = tuple(item["loc"])
            label = _format_location(location) or "procedure"
            message = item["msg"].removeprefix("Value error, ")
            errors.append(ContentError(path, _line_of(node, location), f"{label}: {message}"))
        return None, errors
    if procedure.id != path.stem:
        return None, [ContentError(path, 1, f"id '{procedure.id}' must match the file name")]
    return procedure, []


def load_catalogue(directory: Path = DEFAULT_CONTENT_DIR, previous: Catalogue | None = None) -> Catalogue:
    """Load every ``*.yaml`` file of ``directory``; invalid files are refused, the rest load.

    On a reload, ``previous`` is the catalogue in use: a file that no longer validates keeps
    its last good version, so a mistake made while editing never removes a procedure.
    """
    catalogue = Catalogue()
    if not directory.is_dir():
        catalogue.errors.append(ContentError(directory, None, "no such content directory"))
        if previous is not None:
            catalogue.procedures = dict(previous.procedures)
        return catalogue
    for path in sorted(directory.glob("*.yaml")):
        procedure, errors = load_procedure(path)
        catalogue.errors.extend(errors)
        if procedure is None and previous is not None:
            procedure = previous.procedures.get(path.stem)
        if procedure is not None:
            catalogue.procedures[procedure.id] = procedure
    return catalogue


class ContentLibrary:
    """The catalogue and the glossary in use, and where they come from; a reload keeps the last
    good version of a procedure file, and the last good glossary.

    The glossary is ``glossary.yaml`` beside the procedures' directory, else the shipped one.
    Refused files are logged (file, line, problem: no citizen data is in content files).
    """

    def __init__(self, directory: Path = DEFAULT_CONTENT_DIR) -> None:
        self.directory = directory
        self.catalogue = Catalogue()
        self.glossary = Glossary()
        #: Hears the files refused by each later reload (the fleet's agent reports them).
        self.on_refused: Callable[[list[ContentError]], None] = lambda _errors: None
        self.reload()

    def reload(self) -> Catalogue:
        """Read the directory again and return the new catalogue (also kept as ``catalogue``)."""
        previous = self.catalogue if self.catalogue.procedures else None
        self.catalogue = load_catalogue(self.directory, previous)
        for error in self.catalogue.errors:
            logger.warning("content refused: %s", error)
        if self.catalogue.errors:
            self.on_refused(self.catalogue.errors)
        site_glossary = self.directory.parent / "glossary.yaml"
        try:
            self.glossary = load_glossary(site_glossary if site_glossary.is_file() else DEFAULT_GLOSSARY)
        except ValueError as error:
            logger.warning("glossary refused, the last good one stays: %s", error)
        return self.catalogue
