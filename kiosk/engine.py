"""Walks one procedure for one citizen: current screen, answers, branching, progress, summary."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.procedures import SUMMARY, Conditional, Document, Procedure, Step, When


@dataclass(frozen=True)
class Position:
    """Where the citizen is: a step, and for the documents checklist which document."""

    step_id: str
    document_index: int = 0


@dataclass(frozen=True)
class DocumentStatus:
    """A document to bring and whether the citizen said they have it (None: not asked)."""

    document: Document
    has_it: bool | None


@dataclass(frozen=True)
class Summary:
    """What the citizen must do next, computed from their answers."""

    todo: list[Conditional]
    documents: list[DocumentStatus]
    cost: list[Conditional]
    delay: list[Conditional]
    validity: list[Conditional]

    @property
    def missing(self) -> list[Document]:
        return [status.document for status in self.documents if status.has_it is not True]


def condition_holds(when: When, answers: dict[str, str]) -> bool:
    """True when every step named in ``when`` was answered with one of its listed choices."""
    return all(answers.get(step_id) in choices for step_id, choices in when.items())


class ProcedureRun:
    """One citizen's walk through one procedure; plain state, no I/O."""

    def __init__(self, procedure: Procedure) -> None:
        self.procedure = procedure
        self._steps = {step.id: step for step in procedure.steps}
        self._order = [step.id for step in procedure.steps]
        self.answers: dict[str, str] = {}
        self.documents: dict[str, bool] = {}
        self._history: list[Position] = []
        self.position: Position | None = self._enter(self._order[0])

    @property
    def finished(self) -> bool:
        return self.position is None

    @property
    def step(self) -> Step:
        if self.position is None:
            raise RuntimeError("the procedure is finished")
        return self._steps[self.position.step_id]

    @property
    def document(self) -> Document | None:
        """The document asked about on the current documents screen."""
        if self.position is None or self.step.kind != "documents":
            return None
        return self.applicable_documents()[self.position.document_index]

    def applicable_documents(self) -> list[Document]:
        return [d for d in self.procedure.documents if condition_holds(d.when, self.answers)]

    def answer(self, choice_id: str) -> None:
        """Answer the current question with one of its choices and move on."""
        step = self.step
        choice = next((c for c in step.choices if c.id == choice_id), None)
        if step.kind != "question" or choice is None:
            raise ValueError(f"'{choice_id}' is not a choice of step '{step.id}'")
        self.answers[step.id] = choice_id
        self._advance(self._enter(choice.next or self._default_next(step)))

    def answer_document(self, has_it: bool) -> None:
        """Say whether the citizen has the current document, and move on."""
        document = self.document
        if document is None or self.position is None:
            raise ValueError("the current screen is not the documents checklist")
        self.documents[document.id] = has_it
        index = self.position.document_index + 1
        if index < len(self.applicable_documents()):
            self._advance(Position(self.step.id, index))
        else:
            self._advance(self._enter(self._default_next(self.step)))

    def proceed(self) -> None:
        """Leave an information, where-to-go or identity-card screen for the next one."""
        if self.step.kind in ("question", "documents"):
            raise ValueError(f"step '{self.step.id}' needs an answer")
        self._advance(self._enter(self._default_next(self.step)))

    def back(self) -> bool:
        """Return to the previous screen, forgetting its answer; False on the first screen."""
        if not self._history:
            return False
        self.position = self._history.pop()
        step = self._steps[self.position.step_id]
        self.answers.pop(step.id, None)
        if step.kind == "documents":
            document = self.applicable_documents()[self.position.document_index]
            self.documents.pop(document.id, None)
        return True

    def progress(self) -> tuple[int, int]:
        """(number of this screen, screens in all), e.g. (2, 5) for "Étape 2 sur 5".

        The total is that of the longest way the answers still allow: an answer can only make
        it smaller, never larger, so "sur 7" does not become "sur 9" under the citizen's feet.
        """
        current = len(self._history) + 1
        return current, current - 1 + self._most_screens(self.position, dict(self.answers))

    def summary(self) -> Summary:
        answers = self.answers
        procedure = self.procedure
        return Summary(
            todo=_holding(procedure.todo, answers),
            documents=[
                DocumentStatus(document, self.documents.get(document.id))
                for document in self.applicable_documents()
            ],
            cost=_holding(procedure.cost, answers),
            delay=_holding(procedure.delay, answers),
            validity=_holding(procedure.validity, answers),
        )

    def _advance(self, target: Position | None) -> None:
        if self.position is not None:
            self._history.append(self.position)
        self.position = target

    def _default_next(self, step: Step) -> str:
        if step.next:
            return step.next
        index = self._order.index(step.id)
        return self._order[index + 1] if index + 1 < len(self._order) else SUMMARY

    def _enter(self, step_id: str) -> Position | None:
        """The first screen at or after ``step_id`` whose conditions hold (None: the summary)."""
        return self._peek(step_id, self.answers)

    def _most_screens(self, position: Position | None, answers: dict[str, str]) -> int:
        """Screens from ``position`` to the summary on the longest path the answers allow."""
        count = 0
        while position is not None:
            step = self._steps[position.step_id]
            if step.kind == "question" and step.id not in answers:
                # Every answer still open: the longest of the ways it leads.
                return (
                    count
                    + 1
                    + max(
                        self._most_screens(
                            self._peek(
                                choice.next or self._default_next(step), {**answers, step.id: choice.id}
                            ),
                            {**answers, step.id: choice.id},
                        )
                        for choice in step.choices
                    )
                )
            if step.kind == "documents":
                documents = [d for d in self.procedure.documents if condition_holds(d.when, answers)]
                count += len(documents) - position.document_index
                target = self._default_next(step)
            elif step.kind == "question":
                count += 1
                chosen = next(c for c in step.choices if c.id == answers[step.id])
                target = chosen.next or self._default_next(step)
            else:
                count += 1
                target = self._default_next(step)
            position = self._peek(target, answers)
        return count

    def _peek(self, step_id: str, answers: dict[str, str]) -> Position | None:
        """The first screen at or after ``step_id`` that would be shown with ``answers``."""
        while step_id != SUMMARY:
            step = self._steps[step_id]
            shown = condition_holds(step.when, answers)
            if step.kind == "documents":
                docs = [d for d in self.procedure.documents if condition_holds(d.when, answers)]
                shown = shown and bool(docs)
            if shown:
                return Position(step_id)
            step_id = self._default_next(step)
        return None


def _holding(items: list[Conditional], answers: dict[str, str]) -> list[Conditional]:
    """Every item whose condition holds for ``answers``, in the file's order."""
    return [item for item in items if condition_holds(item.when, answers)]
