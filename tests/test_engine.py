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
        assert summary.todo and summary.cost.text["fr"] and summary.delay.text["fr"]
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
        costs[situation] = run.summary().cost.text["fr"]
    assert "Gratuit" in costs["premiere"]
    assert "25 euros" in costs["perte"]


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
