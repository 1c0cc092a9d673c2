"""``kiosk-fleet simulate``: N real fleet agents with simulated kiosks (demos, load tests).

Each simulated kiosk lives a plausible day at a faster pace: citizens start and finish sessions
(some abandon, some ask for help), receipts use paper until the printer runs out and someone
reloads it (``fleet.simulation``). The agents are the real ``FleetAgent``. Up to
``--agents-per-process`` of them run in this process; more are spread over worker processes.
"""

from __future__ import annotations

import argparse
import logging
import signal
import threading
import time
from collections.abc import Callable
from pathlib import Path

from fleet.simulation import FleetSimulation, Simulation, SimulationOptions, SimulationReport

log = logging.getLogger(__name__)


def run(
    options: SimulationOptions, every: float = 10.0, out: Callable[[str], None] = print
) -> SimulationReport:
    """Run until ``options.duration`` or SIGINT/SIGTERM, printing a line every ``every`` seconds."""
    in_process = options.kiosks <= options.agents_per_process
    simulation = Simulation(options) if in_process else FleetSimulation(options)
    done = threading.Event()
    previous = {}
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            previous[signum] = signal.signal(signum, lambda *_args: done.set())
    processes = 1 if in_process else len(simulation.processes)  # type: ignore[union-attr]
    out(
        f"simulating {options.kiosks} kiosks on {options.sites} site(s) in {processes} process(es)"
        f" against {options.broker}"
    )
    simulation.start()
    deadline = None if options.duration is None else time.monotonic() + options.duration
    while not done.is_set():
        wait = every if deadline is None else min(every, deadline - time.monotonic())
        if wait <= 0 or done.wait(wait) or (deadline is not None and time.monotonic() >= deadline):
            break
        out(describe(simulation.report()))
    report = simulation.stop()
    for signum, handler in previous.items():
        signal.signal(signum, handler)
    out(describe(report))
    return report


def describe(report: SimulationReport) -> str:
    return (
        f"{report.connected}/{report.agents} connected, {report.messages_sent} messages in "
        f"{report.seconds:.0f} s ({report.messages_per_second:.1f}/s), {report.reconnects} reconnections"
    )


def add_parser(subparsers: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    """Add ``simulate`` to ``kiosk-fleet``."""
    parser = subparsers.add_parser(
        "simulate",
        help="run N fleet agents with simulated kiosks (demos, load tests)",
        description="Run N real fleet agents with simulated kiosks against a broker.",
    )
    parser.add_argument("--broker", required=True, help="mqtt://, mqtts://, ws:// or wss:// URL")
    parser.add_argument("--kiosks", type=int, default=10, help="how many kiosks (default 10)")
    parser.add_argument("--sites", type=int, default=1, help="spread over how many sites (default 1)")
    parser.add_argument("--interval", type=float, default=30.0, help="seconds between health reports")
    parser.add_argument("--keepalive", type=int, default=30, help="MQTT keepalive in seconds")
    parser.add_argument("--will-delay", type=int, default=10, help="seconds before the broker says 'lost'")
    parser.add_argument("--duration", type=float, default=None, help="seconds to run (default: until Ctrl-C)")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="outboxes' directory (default: temporary)"
    )
    parser.add_argument("--ca-file", type=Path, default=None, help="CA certificate of an mqtts/wss broker")
    parser.add_argument("--pace", type=float, default=10.0, help="simulated time runs this much faster")
    parser.add_argument("--seed", type=int, default=None, help="for a repeatable simulation")
    parser.add_argument(
        "--agents-per-process", type=int, default=150, help="more kiosks than this use worker processes"
    )
    parser.set_defaults(run=_run_command)


def _run_command(args: argparse.Namespace) -> int:
    try:
        options = SimulationOptions(
            broker=args.broker,
            kiosks=args.kiosks,
            sites=args.sites,
            interval=args.interval,
            keepalive=args.keepalive,
            will_delay=args.will_delay,
            duration=args.duration,
            data_dir=args.data_dir,
            ca_file=args.ca_file,
            pace=args.pace,
            seed=args.seed,
            agents_per_process=args.agents_per_process,
        )
        run(options)
    except ValueError as error:
        log.error("%s", error)
        return 2
    return 0
