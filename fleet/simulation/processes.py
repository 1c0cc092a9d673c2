"""Simulations larger than one process can hold: the kiosks spread over worker processes.

paho's network loop waits with ``select()``, which cannot watch a file descriptor numbered 1024
or more. Each agent holds about six (its socket, paho's wake-up socket pair, its outbox's three
SQLite files), so one process carries some 170 agents at most. A larger simulation runs in
processes of ``agents_per_process`` agents each (150 by default), which also puts every core to
work: one Python process computes on one core at a time.
"""

from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import tempfile
import time
from dataclasses import replace
from multiprocessing.synchronize import Event
from pathlib import Path

from fleet.simulation.agents import Simulation, SimulationOptions, SimulationReport, identities

#: Seconds between two reports of a worker process to the parent.
REPORT_EVERY = 1.0


def _worker(
    options: SimulationOptions,
    members: list[tuple[str, str]],
    index: int,
    reports: multiprocessing.Queue[tuple[int, SimulationReport]],
    stop: Event,
) -> None:
    """One worker process: its share of the kiosks, until the parent says stop or is gone."""
    # Ctrl-C reaches the whole process group: the parent decides, and tells the workers.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    parent = os.getppid()
    simulation = Simulation(options, members).start()
    while not stop.wait(REPORT_EVERY):
        if os.getppid() != parent:
            break  # the parent was killed: nobody would ever stop this worker
        reports.put((index, simulation.report()))
    reports.put((index, simulation.stop()))


class FleetSimulation:
    """A ``Simulation`` spread over worker processes of ``options.agents_per_process`` agents.

    Threads: ``start``, ``report`` and ``stop`` on the caller's thread.
    """

    def __init__(self, options: SimulationOptions) -> None:
        if options.kiosks < 1 or options.sites < 1 or options.agents_per_process < 1:
            raise ValueError("at least one kiosk, one site and one agent per process")
        self._temporary = None if options.data_dir else tempfile.TemporaryDirectory(prefix="kiosk-fleet-")
        if self._temporary is not None:
            options = replace(options, data_dir=Path(self._temporary.name))
        members = identities(options.kiosks, options.sites)
        size = options.agents_per_process
        shares = [members[start : start + size] for start in range(0, len(members), size)]
        # "spawn": a fresh interpreter, not a fork of this process and whatever threads it has.
        context = multiprocessing.get_context("spawn")
        self._stop = context.Event()
        self._reports: multiprocessing.Queue[tuple[int, SimulationReport]] = context.Queue()
        self.processes = [
            context.Process(
                target=_worker,
                args=(options, share, index, self._reports, self._stop),
                name=f"fleet-simulation-{index}",
                daemon=True,
            )
            for index, share in enumerate(shares)
        ]
        self._latest = {
            index: SimulationReport(len(share), 0.0, 0, 0, 0) for index, share in enumerate(shares)
        }

    def start(self) -> FleetSimulation:
        for process in self.processes:
            process.start()
        return self

    def _collect(self, timeout: float = 0.0) -> tuple[int, SimulationReport] | None:
        try:
            index, report = self._reports.get(timeout=timeout) if timeout else self._reports.get_nowait()
        except queue.Empty:
            return None
        self._latest[index] = report
        return index, report

    def report(self) -> SimulationReport:
        while self._collect() is not None:
            pass
        return SimulationReport.total(list(self._latest.values()))

    def stop(self, timeout: float = 30.0) -> SimulationReport:
        """Ask every worker to stop its agents, and wait for their last reports."""
        self._stop.set()
        deadline = time.monotonic() + timeout
        # Keep reading: a worker's last report must leave its queue before the worker can exit.
        while any(process.is_alive() for process in self.processes) and time.monotonic() < deadline:
            self._collect(timeout=0.1)
        for process in self.processes:
            if process.is_alive():
                process.terminate()
            process.join(1.0)
        report = self.report()
        if self._temporary is not None:
            self._temporary.cleanup()
        return report
