"""The outbox: events kept on disk in order, bounded, statistics dropped before anything else."""

from __future__ import annotations

from pathlib import Path

from fleet.agent.birth import BirthSequence
from fleet.agent.outbox import Outbox


def test_events_come_out_in_order_and_survive_a_reopen(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    for number in range(5):
        outbox.add(f"id{number}", "device_fault", f"event {number}".encode(), droppable=False)
    outbox.close()
    reopened = Outbox(tmp_path / "outbox.sqlite3")
    assert len(reopened) == 5
    pending = reopened.pending(limit=3)
    assert [payload for _seq, payload in pending] == [b"event 0", b"event 1", b"event 2"]
    later = reopened.pending(after=pending[-1][0])
    assert [payload for _seq, payload in later] == [b"event 3", b"event 4"]


def test_acknowledged_events_are_forgotten(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3")
    seqs = [outbox.add(f"id{n}", "session", b"x", droppable=True) for n in range(3)]
    outbox.remove([seqs[0], seqs[2], 999])
    assert len(outbox) == 1 and outbox.pending() == [(seqs[1], b"x")]


def test_when_full_the_oldest_statistics_go_first_never_a_fault(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3", limit=4)
    outbox.add("f1", "device_fault", b"fault 1", droppable=False)
    outbox.add("s1", "session", b"session 1", droppable=True)
    outbox.add("h1", "help_request", b"help 1", droppable=False)
    outbox.add("s2", "session", b"session 2", droppable=True)
    outbox.add("c1", "app_crash", b"crash 1", droppable=False)
    outbox.add("f2", "device_fault", b"fault 2", droppable=False)
    kept = [payload for _seq, payload in outbox.pending()]
    assert kept == [b"fault 1", b"help 1", b"crash 1", b"fault 2"]
    assert outbox.dropped == 2
    # Full of faults: a new statistic is the one dropped.
    assert outbox.add("s3", "session", b"session 3", droppable=True) is None
    assert len(outbox) == 4


def test_faults_may_overflow_the_limit_up_to_twice_it(tmp_path: Path) -> None:
    outbox = Outbox(tmp_path / "outbox.sqlite3", limit=3)
    for number in range(10):
        outbox.add(f"f{number}", "device_fault", f"fault {number}".encode(), droppable=False)
    kept = [payload for _seq, payload in outbox.pending()]
    assert kept == [f"fault {number}".encode() for number in range(4, 10)]


def test_bdseq_grows_across_restarts(tmp_path: Path) -> None:
    sequence = BirthSequence(tmp_path / "bdseq")
    assert (sequence.next(), sequence.next()) == (1, 2)
    assert BirthSequence(tmp_path / "bdseq").next() == 3
    (tmp_path / "garbage").write_text("not a number")
    assert BirthSequence(tmp_path / "garbage").next() == 1
