"""The procedure flow: the catalogue of topics and procedures, the steps, and the summary."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum

from kiosk.config import Place
from kiosk.content import Catalogue
from kiosk.engine import ProcedureRun
from kiosk.journey.context import Change, FlowContext, Handlers, ScreenViews
from kiosk.journey.router import Location, ScreenName
from kiosk.procedures import Document, Procedure, Step, WhereToGo
from kiosk.receipt import SummaryFacts


class ProcedureCommand(Enum):
    """What the catalogue and step screens offer; the argument each takes is in the comment."""

    OPEN_TOPIC = "open_topic"  #: a topic id
    MORE_CHOICES = "more_choices"  #: none: the next page of a long list
    OPEN_PROCEDURE = "open_procedure"  #: a procedure id
    PREVIEW_PROCEDURE = "preview_procedure"  #: a procedure id (the mediator checks it)
    ANSWER = "answer"  #: a choice id
    ANSWER_DOCUMENT = "answer_document"  #: True: the citizen has the document
    PROCEED = "proceed"  #: none
    FINISH = "finish"  #: none: "Terminer" on the summary or the receipt


@dataclass(frozen=True)
class CatalogueView:
    """The catalogue screen: the topics, or one topic's procedures, one page of them."""

    topic: str | None
    choices_page: int
    topics: tuple[str, ...]
    procedures: tuple[Procedure, ...]


@dataclass(frozen=True)
class StepView:
    """One step of the procedure being followed."""

    step: Step
    #: The document asked about on a documents step.
    document: Document | None
    #: Which document of the checklist it is (1 for the first).
    document_number: int
    number: int
    total: int
    where: WhereToGo
    #: The site's own address for ``where``, when the configuration has it.
    place: Place | None
    #: A card reader is there to read the citizen's card (on a card step).
    card_reader: bool


class ProcedureFlow:
    """Owns the procedure the citizen follows (``session.run``) and the catalogue's navigation."""

    def __init__(
        self,
        context: FlowContext,
        catalogue: Callable[[], Catalogue],
        on_preview_finished: Callable[[], None],
        card_reader_usable: Callable[[], bool] = lambda: False,
    ) -> None:
        self._context = context
        self._catalogue = catalogue
        self._on_preview_finished = on_preview_finished
        self._card_reader_usable = card_reader_usable
        #: The mediator is checking a procedure: no statistics, "Terminer" returns to the menu.
        self.preview = False

    def screens(self) -> ScreenViews:
        return {
            ScreenName.CATALOGUE: self.catalogue_view,
            ScreenName.STEP: lambda _location: self.step_view(),
            ScreenName.SUMMARY: lambda _location: self.summary_facts(),
        }

    def handlers(self) -> Handlers:
        return {
            ProcedureCommand.OPEN_TOPIC: lambda topic: self.open_topic(str(topic)),
            ProcedureCommand.MORE_CHOICES: lambda _: self.more_choices(),
            ProcedureCommand.OPEN_PROCEDURE: lambda pid: self.open_procedure(str(pid)),
            ProcedureCommand.PREVIEW_PROCEDURE: lambda pid: self.open_procedure(str(pid), preview=True),
            ProcedureCommand.ANSWER: lambda choice: self._move(lambda run: run.answer(str(choice))),
            ProcedureCommand.ANSWER_DOCUMENT: lambda has_it: self._move(
                lambda run: run.answer_document(bool(has_it))
            ),
            ProcedureCommand.PROCEED: lambda _: self._move(lambda run: run.proceed()),
            ProcedureCommand.FINISH: lambda _: self.finish(),
        }

    # -- actions -----------------------------------------------------------------------------

    def open_topic(self, topic: str) -> None:
        self._context.show(Location(ScreenName.CATALOGUE, topic=topic))

    def more_choices(self) -> None:
        location = self._context.router.location
        self._context.show(Location(location.screen, location.topic, location.choices_page + 1))

    def open_procedure(self, procedure_id: str, preview: bool = False) -> None:
        session = self._context.session
        session.run = ProcedureRun(self._catalogue().procedures[procedure_id])
        self.preview = preview
        if not preview:
            session.statistics.procedure_id = procedure_id
        self._context.show(Location(ScreenName.STEP))

    def _move(self, move: Callable[[ProcedureRun], None]) -> None:
        run = self._context.session.run
        if run is None:
            return
        move(run)
        if run.finished:
            self._context.router.replace(Location(ScreenName.SUMMARY))
        self._context.redraw(Change.NEW_SCREEN)

    def proceed(self) -> None:
        """On from a step that needs no answer (the card step, once the card is read or not)."""
        self._move(lambda run: run.proceed())

    def finish(self) -> None:
        """ "Terminer": the satisfaction question, or the mediator's menu after a preview."""
        if self.preview:
            self.preview = False
            self._on_preview_finished()
            return
        session = self._context.session
        if session.run is not None and session.run.finished:
            session.statistics.completed = True
        self._context.show(Location(ScreenName.FEEDBACK))

    def back(self) -> bool:
        """One step back inside the procedure, forgetting the answer; False when there is none."""
        run = self._context.session.run
        screen = self._context.router.screen
        if run is None or screen not in (ScreenName.STEP, ScreenName.SUMMARY) or not run.back():
            return False
        self._context.router.replace(Location(ScreenName.STEP))
        self._context.redraw(Change.NEW_SCREEN)
        return True

    def forget(self) -> None:
        """End of the session: the run itself is wiped with the session."""
        self.preview = False

    # -- what the screens show -------------------------------------------------------------------

    def catalogue_view(self, location: Location) -> CatalogueView:
        catalogue = self._catalogue()
        return CatalogueView(
            topic=location.topic,
            choices_page=location.choices_page,
            topics=tuple(catalogue.topics()),
            procedures=tuple(catalogue.by_topic(location.topic) if location.topic else ()),
        )

    def step_view(self) -> StepView:
        run = self._run()
        number, total = run.progress()
        where = run.procedure.where
        return StepView(
            step=run.step,
            document=run.document,
            document_number=run.position.document_index + 1 if run.position else 1,
            number=number,
            total=total,
            where=where,
            place=self._context.config.place(where.place),
            card_reader=run.step.kind == "identity_card" and self._card_reader_usable(),
        )

    def summary_facts(self) -> SummaryFacts:
        run = self._run()
        config = self._context.config
        return SummaryFacts(
            procedure=run.procedure,
            summary=run.summary(),
            place=config.place(run.procedure.where.place),
            site_name=config.site.name,
        )

    def _run(self) -> ProcedureRun:
        run = self._context.session.run
        if run is None:
            raise RuntimeError("no procedure is being followed")
        return run
