"""Many simulated kiosks in one process: ``Simulation`` runs their agents and lives their days."""

from __future__ import annotations

import random
import tempfile
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from fleet.agent import AgentSettings, FleetAgent
from fleet.agent.system import SystemProbe
from fleet.protocol import SystemHealth
from fleet.simulation.kiosk import SimulatedKiosk


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


@dataclass(frozen=True)
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
    #: Agents in one process at most (see ``fleet.simulation.processes``).
    agents_per_process: int = 150


@dataclass(frozen=True)
class SimulationReport:
    agents: int
    seconds: float
    messages_sent: int
    connected: int
    reconnects: int

    @property
    def messages_per_second(self) -> float:
        return self.messages_sent / self.seconds if self.seconds else 0.0

    @classmethod
    def total(cls, reports: list[SimulationReport]) -> SimulationReport:
        """The reports of several processes, as one."""
        return cls(
            agents=sum(report.agents for report in reports),
            seconds=max((report.seconds for report in reports), default=0.0),
            messages_sent=sum(report.messages_sent for report in reports),
            connected=sum(report.connected for report in reports),
            reconnects=sum(report.reconnects for report in reports),
        )


def identities(kiosks: int, sites: int) -> list[tuple[str, str]]:
    """``(site, kiosk_id)`` of each simulated kiosk: kiosks spread evenly over the sites."""
    return [(f"site-{number % sites + 1:03d}", f"kiosk-{number + 1:05d}") for number in range(kiosks)]


class Simulation:
    """Runs the agents of ``options``'s kiosks (or of ``members`` only) until ``stop``.

    Threads: ``start``, ``stop`` and ``report`` on the caller's thread; the kiosks live on the
    simulation's own thread; each agent has its own two.
    """

    def __init__(self, options: SimulationOptions, members: list[tuple[str, str]] | None = None) -> None:
        if options.kiosks < 1 or options.sites < 1:
            raise ValueError("at least one kiosk and one site")
        self.options = options
        self._temporary = None if options.data_dir else tempfile.TemporaryDirectory(prefix="kiosk-fleet-")
        data_dir = options.data_dir or Path(self._temporary.name)  # type: ignore[union-attr]
        rng = random.Random(options.seed)
        system = SharedSystemProbe(SystemProbe(data_dir))
        self.kiosks: list[SimulatedKiosk] = []
        self.agents: list[FleetAgent] = []
        for site, kiosk_id in members if members is not None else identities(options.kiosks, options.sites):
            kiosk = SimulatedKiosk(site, kiosk_id, random.Random(f"{rng.random()}{kiosk_id}"), options.pace)
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
