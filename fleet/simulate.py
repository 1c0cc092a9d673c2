"""``kiosk-fleet simulate``: N real fleet agents, each with a simulated kiosk, in one process.

For demos (a dashboard with a lively fleet) and load tests (``benchmarks/bench_fleet_agent.py``).
Each simulated kiosk lives a plausible day at a faster pace: citizens start and finish sessions
(some abandon, some ask for help), receipts use paper until the printer runs out and someone
reloads it. The agents are the real ``FleetAgent``; only the kiosk behind them is simulated.
"""

from __future__ import annotations

import argparse
import logging
import random
import signal
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fleet.agent import AgentSettings, FleetAgent, ReplyFunction
from fleet.agent.system import SystemProbe
from fleet.help import HelpReason
from fleet.protocol import (
    Command,
    CommandName,
    CommandReply,
    DeviceFault,
    DeviceRecovered,
    HelpAcknowledged,
    HelpRequested,
    KioskHealth,
    ReplyCode,
    SessionOutcome,
    SessionStatistics,
    SystemHealth,
)

log = logging.getLogger(__name__)

#: Procedures a simulated citizen picks from (the ids of kiosk/content/procedures).
PROCEDURES = (
    "acte-de-naissance",
    "carte-identite",
    "changement-adresse",
    "compte-ameli-carte-vitale",
    "declaration-revenus",
    "inscription-france-travail",
    "inscription-scolaire",
    "passeport",
    "prime-activite",
    "signaler-voirie",
)
SCREENS = ("catalogue", "step", "step", "step", "summary", "printing")
LANGUAGES = ("fr",) * 8 + ("en", "ar")
FEATURES = ("large_text", "speech", "keypad", "high_contrast", "touch_to_hear")
#: Receipts in a full paper roll (few, so that a demo sees paper run out).
PAPER_ROLL = 40
#: Simulated seconds of a citizen's session, at most.
LONGEST_SESSION = 240.0


class SimulatedKiosk:
    """A ``KioskLink`` whose kiosk exists only in numbers: random but plausible.

    Threads: ``health`` (agent's worker), ``on_command`` (MQTT loop) and ``tick`` (the
    simulation's thread) share one lock; each returns at once.
    """

    def __init__(self, site: str, kiosk_id: str, rng: random.Random, pace: float = 1.0) -> None:
        self.site, self.kiosk_id = site, kiosk_id
        self._rng = rng
        self._pace = pace
        self._lock = threading.Lock()
        self._started = time.monotonic()
        self._paper = rng.randint(PAPER_ROLL // 4, PAPER_ROLL)
        self._reload_at: float | None = None
        self._session: dict[str, Any] | None = None
        self._maintenance = False
        self._acknowledged: list[str] = []

    def health(self) -> KioskHealth:
        with self._lock:
            session = self._session
            paper_out = self._paper <= 0
            return KioskHealth(
                app_version="0.1.0",
                uptime_s=time.monotonic() - self._started,
                screen="maintenance" if self._maintenance else (session["screen"] if session else "home"),
                speech="speaking" if session and session["speech"] else "ready",
                devices=[
                    {
                        "device": "printer",
                        "present": True,
                        "ready": not paper_out,
                        "detail": "paper_out"
                        if paper_out
                        else ("paper_near_end" if self._paper < 5 else "ok"),
                    },
                    {"device": "card_reader", "present": True, "ready": True},
                ],
                content_version="2024.06.1",
                in_session=session is not None,
            )

    def on_command(self, command: Command, reply: ReplyFunction) -> None:
        with self._lock:
            answer = self._obey(command)
        reply(answer)

    def _obey(self, command: Command) -> CommandReply:
        name = command.name
        if name is CommandName.RESTART and self._session is not None and not getattr(command, "force", False):
            return CommandReply.refusal(ReplyCode.IN_SESSION, "a citizen is using the kiosk")
        if name is CommandName.TEST_PRINT and self._paper <= 0:
            return CommandReply.refusal(ReplyCode.UNAVAILABLE, "paper_out")
        if name is CommandName.MAINTENANCE_ENTER:
            self._maintenance = True
        elif name is CommandName.MAINTENANCE_LEAVE:
            self._maintenance = False
        elif name is CommandName.HELP_ACK:
            # "Un conseiller arrive": the kiosk tells the fleet it showed the acknowledgement.
            self._acknowledged.append(getattr(command, "request_id", ""))
        return CommandReply.success(name.value)

    def tick(self, dt: float) -> list[Any]:
        """Advance the simulated kiosk by ``dt`` seconds; returns the events that happened."""
        events: list[Any] = []
        dt *= self._pace
        now = time.monotonic()
        with self._lock:
            events += [HelpAcknowledged(request_id=request_id) for request_id in self._acknowledged]
            self._acknowledged.clear()
            if self._reload_at is not None and now >= self._reload_at:
                self._paper, self._reload_at = PAPER_ROLL, None
                events.append(DeviceRecovered(device="printer"))
            if self._maintenance:
                return events
            session = self._session
            if session is None:
                # About one citizen every two minutes.
                if self._rng.random() < dt / 120:
                    self._start_session(now)
                return events
            session["screen"] = self._rng.choice(SCREENS)
            if not session["help"] and self._rng.random() < dt / 600:
                session["help"] = True
                events.append(
                    HelpRequested(
                        site=self.site,
                        kiosk_id=self.kiosk_id,
                        procedure=session["procedure"],
                        step=f"step-{self._rng.randint(1, 8)}",
                        reason=self._rng.choice(list(HelpReason)).value,
                    )
                )
            if now >= session["ends"]:
                events += self._end_session(now)
        return events

    def _start_session(self, now: float) -> None:
        features = self._rng.sample(FEATURES, self._rng.choice((0, 0, 0, 1, 2)))
        self._session = {
            "started": now,
            "ends": now + self._rng.uniform(20, LONGEST_SESSION) / self._pace,
            "procedure": self._rng.choice(PROCEDURES),
            "language": self._rng.choice(LANGUAGES),
            "features": features,
            "speech": "speech" in features,
            "help": False,
            "screen": "catalogue",
        }

    def _end_session(self, now: float) -> list[Any]:
        session, self._session = self._session, None
        assert session is not None
        completed = self._rng.random() < 0.8
        events: list[Any] = [
            SessionStatistics(
                procedure=session["procedure"],
                duration_s=round((now - session["started"]) * self._pace, 1),
                outcome=SessionOutcome.COMPLETED if completed else SessionOutcome.ABANDONED,
                help_asked=session["help"],
                satisfaction=self._rng.choice((None, 1, 2, 3, 3)) if completed else None,
                language=session["language"],
                accessibility=tuple(session["features"]),
            )
        ]
        if completed and self._paper > 0 and self._rng.random() < 0.7:
            self._paper -= 1
            if self._paper == 0:
                events.append(DeviceFault(device="printer", detail="paper_out"))
                self._reload_at = now + self._rng.uniform(60, 600) / self._pace
        return events


class SharedSystemProbe:
    """One machine, many simulated kiosks: measure it once a second for all of them."""

    def __init__(self, probe: Callable[[], SystemHealth | None]) -> None:
        self._probe = probe
        self._lock = threading.Lock()
        self._at = 0.0
        self._last: SystemHealth | None = None

    def __call__(self) -> SystemHealth | None:
        with self._lock:
            if time.monotonic() - self._at >= 1.0:
                self._last, self._at = self._probe(), time.monotonic()
            return self._last


@dataclass
class SimulationOptions:
    broker: str
    kiosks: int = 10
    sites: int = 1
    interval: float = 30.0
    keepalive: int = 30
    will_delay: int = 10
    #: Seconds to run; None: until interrupted.
    duration: float | None = None
    #: Where the agents keep their outboxes; None: a temporary directory, removed after.
    data_dir: Path | None = None
    ca_file: Path | None = None
    #: How much faster than real time the simulated kiosks live.
    pace: float = 10.0
    seed: int | None = None


@dataclass
class SimulationReport:
    agents: int
    seconds: float
    messages_sent: int
    connected: int
    reconnects: int

    @property
    def messages_per_second(self) -> float:
        return self.messages_sent / self.seconds if self.seconds else 0.0


def identities(kiosks: int, sites: int) -> list[tuple[str, str]]:
    """``(site, kiosk_id)`` of each simulated kiosk: kiosks spread evenly over the sites."""
    return [(f"site-{number % sites + 1:03d}", f"kiosk-{number + 1:05d}") for number in range(kiosks)]


class Simulation:
    """Runs the agents and their simulated kiosks until ``stop``.

    Threads: ``start``, ``stop`` and ``report`` on the caller's thread; the kiosks live on the
    simulation's own thread; each agent has its own two.
    """

    def __init__(self, options: SimulationOptions) -> None:
        if options.kiosks < 1 or options.sites < 1:
            raise ValueError("at least one kiosk and one site")
        self.options = options
        self._temporary = None if options.data_dir else tempfile.TemporaryDirectory(prefix="kiosk-fleet-")
        data_dir = options.data_dir or Path(self._temporary.name)  # type: ignore[union-attr]
        rng = random.Random(options.seed)
        system = SharedSystemProbe(SystemProbe(data_dir))
        self.kiosks: list[SimulatedKiosk] = []
        self.agents: list[FleetAgent] = []
        for site, kiosk_id in identities(options.kiosks, options.sites):
            kiosk = SimulatedKiosk(site, kiosk_id, random.Random(rng.random()), options.pace)
            settings = AgentSettings(
                broker_url=options.broker,
                site=site,
                kiosk_id=kiosk_id,
                ca_file=options.ca_file,
                keepalive=options.keepalive,
                health_interval=options.interval,
                will_delay=options.will_delay,
                data_dir=data_dir / site / kiosk_id,
                reconnect_max_delay=min(60.0, max(1.0, options.interval * 4)),
            )
            self.kiosks.append(kiosk)
            self.agents.append(FleetAgent(settings, kiosk, system=system))
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._live, name="fleet-simulation", daemon=True)
        self._started = 0.0

    def start(self) -> Simulation:
        self._started = time.monotonic()
        for agent in self.agents:
            agent.start()
        self._thread.start()
        return self

    def _live(self) -> None:
        step = 1.0
        while not self._stop.wait(step):
            for kiosk, agent in zip(self.kiosks, self.agents, strict=True):
                for event in kiosk.tick(step):
                    agent.publish_event(event)

    def report(self) -> SimulationReport:
        return SimulationReport(
            agents=len(self.agents),
            seconds=time.monotonic() - self._started,
            messages_sent=sum(agent.messages_sent for agent in self.agents),
            connected=sum(agent.connected for agent in self.agents),
            reconnects=sum(agent.reconnects for agent in self.agents),
        )

    def stop(self, timeout: float = 10.0) -> SimulationReport:
        """Stop the kiosks, then every agent (in parallel: each says ``disconnected``)."""
        self._stop.set()
        self._thread.join(timeout)
        report = self.report()
        with ThreadPoolExecutor(max_workers=32) as pool:
            list(pool.map(lambda agent: agent.stop(timeout), self.agents))
        if self._temporary is not None:
            self._temporary.cleanup()
        return report


def run(
    options: SimulationOptions, every: float = 10.0, out: Callable[[str], None] = print
) -> SimulationReport:
    """Run a simulation until ``duration`` or SIGINT/SIGTERM, printing a line every ``every`` s."""
    simulation = Simulation(options).start()
    done = threading.Event()
    if threading.current_thread() is threading.main_thread():
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, lambda *_args: done.set())
    deadline = None if options.duration is None else time.monotonic() + options.duration
    out(f"simulating {options.kiosks} kiosks on {options.sites} site(s) against {options.broker}")
    while not done.is_set():
        wait = every if deadline is None else min(every, deadline - time.monotonic())
        if wait <= 0 or done.wait(wait) or (deadline is not None and time.monotonic() >= deadline):
            break
        out(describe(simulation.report()))
    report = simulation.stop()
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
        description=__doc__.splitlines()[0] if __doc__ else None,
    )
    parser.add_argument("--broker", required=True, help="mqtt://, mqtts://, ws:// or wss:// URL")
    parser.add_argument("--kiosks", type=int, default=10, help="how many kiosks (default 10)")
    parser.add_argument("--sites", type=int, default=1, help="spread over how many sites (default 1)")
    parser.add_argument("--interval", type=float, default=30.0, help="seconds between health reports")
    parser.add_argument("--keepalive", type=int, default=30, help="MQTT keepalive in seconds")
    parser.add_argument("--will-delay", type=int, default=10, help="seconds before the broker says 'lost'")
    parser.add_argument("--duration", type=float, default=None, help="seconds to run (default: until Ctrl-C)")
    parser.add_argument(
        "--data-dir", type=Path, default=None, help="where the outboxes go (default: temporary)"
    )
    parser.add_argument(
        "--ca-file", type=Path, default=None, help="CA certificate of an mqtts:// or wss:// broker"
    )
    parser.add_argument("--pace", type=float, default=10.0, help="simulated time runs this much faster")
    parser.add_argument("--seed", type=int, default=None, help="for a repeatable simulation")
    parser.set_defaults(run=_run_command)


def _run_command(args: argparse.Namespace) -> int:
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
    )
    try:
        run(options)
    except ValueError as error:
        log.error("%s", error)
        return 2
    return 0
