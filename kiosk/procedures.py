"""The schema of a procedure's content file, validated with pydantic when the file is loaded."""

from __future__ import annotations

import datetime as dt
import re
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, HttpUrl, model_validator

from accessibility.pictograms import PICTOGRAMS
from kiosk.i18n import N_

#: The catalogue's topics (life situations), in the order the catalogue shows them.
TOPICS: dict[str, tuple[str, str]] = {
    "papiers": (N_("Papiers d'identité"), "id_card"),
    "etat_civil": (N_("État civil"), "birth"),
    "famille_ecole": (N_("Famille et école"), "school"),
    "argent_aides": (N_("Argent et aides"), "money"),
    "sante": (N_("Santé"), "health"),
    "travail": (N_("Travail"), "work"),
    "logement": (N_("Logement"), "home"),
    "signaler": (N_("Signaler un problème"), "warning"),
}

#: Where a step or choice may lead besides another step: the end of the questions.
SUMMARY = "summary"

_IDENTIFIER = r"^[a-z][a-z0-9_]*$"


def _has_french(text: dict[str, str]) -> dict[str, str]:
    if not text.get("fr", "").strip():
        raise ValueError("the French text ('fr') is required and may not be empty")
    for language, value in text.items():
        if not re.fullmatch(r"[a-z]{2,3}", language):
            raise ValueError(f"'{language}' is not a language code such as fr, en or ar")
        if not value.strip():
            raise ValueError(f"the '{language}' text is empty")
    return text


def _known_pictogram(name: str) -> str:
    if name not in PICTOGRAMS:
        raise ValueError(f"unknown pictogram '{name}' (known: {', '.join(sorted(PICTOGRAMS))})")
    return name


#: Text in several languages, keyed by language code; French is required.
LocalText = Annotated[dict[str, str], AfterValidator(_has_french)]
PictogramName = Annotated[str, AfterValidator(_known_pictogram)]
Identifier = Annotated[str, Field(pattern=_IDENTIFIER)]
#: A condition on answers: step id -> the choice ids that satisfy it; every step must match.
When = dict[Identifier, list[Identifier]]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Choice(_Strict):
    """One answer button of a question step."""

    id: Identifier
    label: LocalText
    pictogram: PictogramName
    next: Identifier | None = None


class Step(_Strict):
    """One screen of a procedure: one idea, one instruction."""

    id: Identifier
    kind: Literal["info", "question", "documents", "where", "identity_card"]
    title: LocalText
    text: LocalText
    #: What is said aloud when it differs from the displayed text (for instance spelled-out sums).
    spoken: LocalText | None = None
    pictogram: PictogramName = "info"
    choices: list[Choice] = []
    next: Identifier | None = None
    when: When = {}

    @model_validator(mode="after")
    def _choices_fit_kind(self) -> Step:
        if self.kind == "question":
            if not 2 <= len(self.choices) <= 5:
                raise ValueError("a question has between 2 and 5 choices")
            ids = [choice.id for choice in self.choices]
            if len(set(ids)) != len(ids):
                raise ValueError("choice ids repeat within the question")
        elif self.choices:
            raise ValueError(f"a '{self.kind}' step has no choices; use a 'question' step")
        return self


class Document(_Strict):
    """A document to bring, asked about in the documents checklist when its condition holds."""

    id: Identifier
    label: LocalText
    pictogram: PictogramName = "document"
    detail: LocalText | None = None
    when: When = {}


class Conditional(_Strict):
    """A text that applies when its condition holds (no condition: always)."""

    text: LocalText
    when: When = {}


class WhereToGo(_Strict):
    """Where to go: a place named in the site configuration, with a text used when it is not."""

    place: Identifier | None = None
    text: LocalText


class OnlineService(_Strict):
    """The official online service for the procedure, shown as a QR code."""

    url: HttpUrl
    label: LocalText


class Source(_Strict):
    """Where the facts come from: the service-public.fr fiche and when they were checked."""

    reference: Annotated[str, Field(pattern=r"^(F|R|N)\d+$|^local$")]
    url: HttpUrl
    checked: dt.date
    others: list[Annotated[str, Field(pattern=r"^(F|R|N)\d+$")]] = []


class Procedure(_Strict):
    """A whole procedure: catalogue entry, steps, documents and the facts of its summary."""

    id: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_-]*$")]
    version: Annotated[int, Field(ge=1)]
    topic: Literal[
        "papiers",
        "etat_civil",
        "famille_ecole",
        "argent_aides",
        "sante",
        "travail",
        "logement",
        "signaler",
    ]
    pictogram: PictogramName
    title: LocalText
    description: LocalText
    steps: Annotated[list[Step], Field(min_length=1)]
    documents: list[Document] = []
    todo: Annotated[list[Conditional], Field(min_length=1)]
    #: Every line whose condition holds is shown: conditions say when a line applies, never
    #: its order in the list.
    cost: Annotated[list[Conditional], Field(min_length=1)]
    delay: Annotated[list[Conditional], Field(min_length=1)]
    #: How long the document obtained stays valid, and what to do when it runs out (optional).
    validity: list[Conditional] = []
    where: WhereToGo
    online_service: OnlineService
    source: Source

    @model_validator(mode="after")
    def _references_hold(self) -> Procedure:
        steps = {step.id: step for step in self.steps}
        if len(steps) != len(self.steps):
            raise ValueError("step ids repeat")
        documents = [document.id for document in self.documents]
        if len(set(documents)) != len(documents):
            raise ValueError("document ids repeat")
        for step in self.steps:
            targets = [step.next] + [choice.next for choice in step.choices]
            for target in targets:
                if target is not None and target != SUMMARY and target not in steps:
                    raise ValueError(f"step '{step.id}' leads to unknown step '{target}'")
        has_documents_step = any(step.kind == "documents" for step in self.steps)
        if self.documents and not has_documents_step:
            raise ValueError("documents are listed but no step has kind 'documents'")
        conditions = [step.when for step in self.steps] + [d.when for d in self.documents]
        conditions += [c.when for c in (*self.todo, *self.cost, *self.delay, *self.validity)]
        for when in conditions:
            for step_id, choice_ids in when.items():
                step = steps.get(step_id)
                if step is None or step.kind != "question":
                    raise ValueError(f"condition on '{step_id}', which is not a question step")
                unknown = set(choice_ids) - {choice.id for choice in step.choices}
                if unknown:
                    raise ValueError(f"condition on '{step_id}' names unknown choices {unknown}")
        self._check_no_cycle(steps)
        return self

    def _check_no_cycle(self, steps: dict[str, Step]) -> None:
        order = [step.id for step in self.steps]
        state: dict[str, str] = {}

        def successors(step: Step) -> list[str]:
            following = order[order.index(step.id) + 1] if step.id != order[-1] else SUMMARY
            default = step.next or following
            if step.kind == "question":
                return [choice.next or default for choice in step.choices]
            return [default]

        def visit(step_id: str) -> None:
            if step_id == SUMMARY or state.get(step_id) == "done":
                return
            if state.get(step_id) == "open":
                raise ValueError(f"the steps loop back to '{step_id}'")
            state[step_id] = "open"
            for target in successors(steps[step_id]):
                visit(target)
            state[step_id] = "done"

        visit(order[0])
