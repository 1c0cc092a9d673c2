"""The procedure engine: every branch of every procedure ends on a summary; back, progress, conditions."""

from __future__ import annotations

import copy
from collections.abc import Iterator

import pytest

from kiosk.content import load_catalogue
from kiosk.engine import ProcedureRun

CATALOGUE = load_catalogue()


def walk_all(run: ProcedureRun, depth: int = 0) -> Iterator[ProcedureRun]:
    """Every complete path through ``run``: each choice, and yes and no for each document."""
    assert depth < 60, "a path is too long: a loop?"
    if run.finished:
        yield run
        return
    kind = run.step.kind
    moves: list = []
    if kind == "question":
        moves = [lambda r, c=choice.id: r.answer(c) for choice in run.step.choices]
    elif kind == "documents":
        moves = [lambda r: r.answer_document(True), lambda r: r.answer_document(False)]
    else:
        moves = [lambda r: r.proceed()]
    for move in moves:
        branch = copy.deepcopy(run)
        number, total = branch.progress()
        assert 1 <= number <= total
        move(branch)
        yield from walk_all(branch, depth + 1)


@pytest.mark.parametrize("procedure_id", sorted(CATALOGUE.procedures))
def test_every_branch_ends_on_a_summary(procedure_id: str) -> None:
    procedure = CATALOGUE.procedures[procedure_id]
    ends = list(walk_all(ProcedureRun(procedure)))
    assert ends
    questions = [step for step in procedure.steps if step.kind == "question"]
    for run in ends:
        summary = run.summary()
        assert summary.todo and summary.cost and summary.delay, run.answers
        for status in summary.documents:
            assert status.has_it is not None, "every document shown in the summary was asked about"
        number, total = run.progress()
        assert number == total + 1
    answered = {(step, choice) for run in ends for step, choice in run.answers.items()}
    for step in questions:
        reached = {choice for s, choice in answered if s == step.id}
        assert reached, f"question {step.id} is never reached"


def test_first_identity_card_is_free_and_loss_costs_a_stamp() -> None:
    procedure = CATALOGUE.procedures["carte-identite"]
    costs = {}
    for run in walk_all(ProcedureRun(procedure)):
        situation = run.answers.get("situation")
        costs[situation] = " ".join(item.text["fr"] for item in run.summary().cost)
    assert costs["premiere"] == costs["renouvellement"] == "Gratuit."
    assert "25 euros" in costs["perte"] and "Gratuit" not in costs["perte"]
    assert costs["vol"] == costs["perte"]


@pytest.mark.parametrize("procedure_id", sorted(CATALOGUE.procedures))
def test_every_fact_of_a_procedure_reaches_some_summary(procedure_id: str) -> None:
    """Each line of todo, cost, delay and validity holds on at least one way through the
    procedure: no fact the file holds is out of every citizen's reach."""
    procedure = CATALOGUE.procedures[procedure_id]
    shown: set[str] = set()
    for run in walk_all(ProcedureRun(procedure)):
        summary = run.summary()
        shown |= {
            item.text["fr"] for item in (*summary.todo, *summary.cost, *summary.delay, *summary.validity)
        }
    facts = {
        item.text["fr"] for item in (*procedure.todo, *procedure.cost, *procedure.delay, *procedure.validity)
    }
    assert facts - shown == set(), f"{procedure_id}: never shown: {sorted(facts - shown)}"


def test_back_forgets_the_answer_and_returns_to_the_question() -> None:
    run = ProcedureRun(CATALOGUE.procedures["carte-identite"])
    run.proceed()
    question = run.step.id
    run.answer(run.step.choices[-1].id)
    assert question in run.answers
    assert run.back()
    assert run.step.id == question and question not in run.answers


def test_back_on_the_first_screen_says_so() -> None:
    run = ProcedureRun(CATALOGUE.procedures["passeport"])
    assert run.back() is False


def test_documents_follow_the_answers() -> None:
    run = ProcedureRun(CATALOGUE.procedures["carte-identite"])
    run.proceed()
    run.answer("renouvellement")
    ids = {document.id for document in run.applicable_documents()}
    run2 = ProcedureRun(CATALOGUE.procedures["carte-identite"])
    run2.proceed()
    run2.answer("perte")
    ids2 = {document.id for document in run2.applicable_documents()}
    assert ids != ids2


def test_a_wrong_answer_is_refused() -> None:
    run = ProcedureRun(CATALOGUE.procedures["passeport"])
    with pytest.raises(ValueError):
        run.answer("not-a-choice")


def _every_path(catalogue_procedure):  # noqa: ANN001, ANN202 - a Procedure, an iterator of runs
    from kiosk.engine import ProcedureRun

    pending: list[list[str]] = [[]]
    while pending:
        forced = pending.pop()
        run = ProcedureRun(catalogue_procedure)
        seen: list[tuple[int, int]] = []
        taken: list[str] = []
        while not run.finished:
            seen.append(run.progress())
            step = run.step
            if step.kind == "question":
                ids = [choice.id for choice in step.choices]
                choice = forced[len(taken)] if len(taken) < len(forced) else ids[0]
                if len(taken) >= len(forced):
                    pending += [[*taken, other] for other in ids[1:]]
                taken.append(choice)
                run.answer(choice)
            elif step.kind == "documents":
                run.answer_document(False)
            else:
                run.proceed()
        yield catalogue_procedure.id, taken, seen


def test_the_step_total_never_grows_under_the_citizens_feet() -> None:
    from kiosk.content import load_catalogue

    for procedure in load_catalogue().procedures.values():
        for procedure_id, answers, seen in _every_path(procedure):
            where = f"{procedure_id} {answers}"
            assert [number for number, _ in seen] == list(range(1, len(seen) + 1)), where
            totals = [total for _, total in seen]
            pairs = zip(totals, totals[1:], strict=False)
            assert all(later <= earlier for earlier, later in pairs), (where, totals)
            # An answer may end the procedure early ("Étape 2 sur 9", then the summary): never late.
            assert totals[-1] >= len(seen), (where, totals)
