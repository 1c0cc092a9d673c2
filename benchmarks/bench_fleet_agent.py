"""Fleet agent benchmark: agents per process, messages per second, memory per agent.

Run: ``.venv/bin/python benchmarks/bench_fleet_agent.py [--agents 100,300,1000] [--window 5]``

Everything runs on this machine: a private Mosquitto on a free local port, the agents in this
process (``kiosk-fleet simulate``'s ``Simulation``: the real ``FleetAgent`` with simulated
kiosks), and ``mosquitto_sub`` (C) counting what arrives, so that the counting costs Python
nothing. Next to the agents' figures, ``mosquitto_pub`` (C, one connection) sends the same
payloads: the broker's and the machine's own ceiling. The broker, the counter and the agents
share the machine's cores: the figures are a floor for a kiosk (one agent, mostly idle), and a
measure of how many simulated kiosks one process can stand in for in a load test.
No assertions: figures.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from fleet.agent import AgentSettings, FleetAgent  # noqa: E402
from fleet.protocol import (  # noqa: E402
    CommandReply,
    DeviceFault,
    HealthPayload,
    encode,
    event_topic,
    health_topic,
    utc_now,
)
from fleet.simulation import FleetSimulation, SimulatedKiosk, Simulation, SimulationOptions  # noqa: E402

from support.mosquitto import Broker  # noqa: E402

#: Above this many agents, the benchmark spreads them over processes as ``simulate`` does.
SINGLE_PROCESS_MAX = 200
AGENTS_PER_PROCESS = 150
#: Seconds the agents have to connect; a size past the process's ceiling never gets there.
CONNECT_TIMEOUT = 20.0


class Counter:
    """``mosquitto_sub`` on ``topic``: counts the messages that arrive, with their times."""

    def __init__(self, broker: Broker, topic: str, qos: int = 0) -> None:
        command = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-t", topic, "-q", str(qos)]
        self._process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        self.count = 0
        self.first = self.last = 0.0
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()
        time.sleep(0.3)  # mosquitto_sub says nothing when it has subscribed: give it a moment

    def _read(self) -> None:
        assert self._process.stdout is not None
        for _line in self._process.stdout:
            now = time.perf_counter()
            if not self.count:
                self.first = now
            self.count += 1
            self.last = now

    def wait_for(self, count: int, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        while self.count < count and time.monotonic() < deadline:
            time.sleep(0.01)
        return self.count >= count

    def rate(self) -> float:
        return (
            (self.count - 1) / (self.last - self.first) if self.count > 1 and self.last > self.first else 0.0
        )

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(5)


def health_lines(count: int) -> list[bytes]:
    kiosk = SimulatedKiosk("site-001", "kiosk-00001", random.Random(1))
    lines = []
    for seq in range(1, count + 1):
        payload = HealthPayload(**kiosk.health().model_dump(), seq=seq, at=utc_now(), reconnects=0)
        lines.append(encode(payload))
    return lines


def mosquitto_pub(broker: Broker, topic: str, lines: list[bytes], qos: int) -> float:
    """Messages per second that arrive when ``mosquitto_pub -l`` sends ``lines`` on ``topic``."""
    counter = Counter(broker, topic, qos)
    try:
        started = time.perf_counter()
        command = [
            "mosquitto_pub",
            "-h",
            "127.0.0.1",
            "-p",
            str(broker.port),
            "-t",
            topic,
            "-q",
            str(qos),
            "-l",
        ]
        subprocess.run(command, input=b"\n".join(lines) + b"\n", check=True, timeout=120)
        counter.wait_for(len(lines), 30)
        return counter.count / (counter.last - started) if counter.count else 0.0
    finally:
        counter.close()


def processes_of(simulation: Simulation | FleetSimulation) -> list[psutil.Process]:
    me = psutil.Process()
    if isinstance(simulation, Simulation):
        return [me]
    return [me] + [psutil.Process(process.pid) for process in simulation.processes if process.pid]


def agents_per_process(broker: Broker, sizes: list[int], window: float, data_dir: Path) -> None:
    print("\nagents: kiosk-fleet simulate, one health report per agent per second")
    print(
        f"  {'agents':>6}  {'processes':>9}  {'connected':>9}  {'in':>6}  {'RSS/agent':>9}  {'CPU':>5}"
        "  health msg/s (expected)"
    )
    for size in sizes:
        counter = Counter(broker, "kiosk/v1/+/+/health")
        options = SimulationOptions(
            broker=broker.url,
            kiosks=size,
            sites=max(1, size // 20),
            interval=1.0,
            data_dir=data_dir / str(size),
            # One process up to the size that shows its ceiling; above, the simulate command's way.
            agents_per_process=size if size <= SINGLE_PROCESS_MAX else AGENTS_PER_PROCESS,
        )
        simulation = Simulation(options) if size <= SINGLE_PROCESS_MAX else FleetSimulation(options)
        processes = processes_of(simulation)
        before = sum(process.memory_info().rss for process in processes)
        started = time.perf_counter()
        simulation.start()
        processes = processes_of(simulation)
        before += sum(process.memory_info().rss for process in processes[1:])  # fresh interpreters
        deadline = time.monotonic() + CONNECT_TIMEOUT
        while simulation.report().connected < size and time.monotonic() < deadline:
            time.sleep(0.05)
        connected = simulation.report().connected
        elapsed = time.perf_counter() - started
        time.sleep(2.0)  # every agent's first report is out
        for process in processes:
            process.cpu_percent(None)
        counted = counter.count
        time.sleep(window)
        cpu = sum(process.cpu_percent(None) for process in processes)
        rate = (counter.count - counted) / window
        per_agent = (sum(process.memory_info().rss for process in processes) - before) / size
        simulation.stop()
        counter.close()
        print(
            f"  {size:>6}  {len(processes) - (len(processes) > 1):>9}  {connected:>9}  {elapsed:>4.1f} s"
            f"  {per_agent / 1024:>5.0f} KiB  {cpu:>4.0f}%  {rate:>7.0f} ({size})"
        )


def health_throughput(broker: Broker, agents: int, window: float, data_dir: Path) -> None:
    size = len(health_lines(1)[0])
    print(f"\nhealth reports (QoS 0, {size} B) as fast as the agents make them, {window:.0f} s")
    cores = os.cpu_count() or 1
    for processes in sorted({1, cores}):
        counter = Counter(broker, "kiosk/v1/+/+/health")
        options = SimulationOptions(
            broker=broker.url,
            kiosks=agents,
            interval=0.001,
            data_dir=data_dir / f"flood-{processes}",
            agents_per_process=-(-agents // processes),
        )
        simulation = Simulation(options) if processes == 1 else FleetSimulation(options)
        simulation.start()
        deadline = time.monotonic() + CONNECT_TIMEOUT
        while simulation.report().connected < agents and time.monotonic() < deadline:
            time.sleep(0.05)
        time.sleep(1.0)
        counted = counter.count
        time.sleep(window)
        received = (counter.count - counted) / window
        simulation.stop()
        counter.close()
        label = f"simulate, {agents} agents in {processes} process{'es' if processes > 1 else ''}:"
        print(f"  {label:<40} {received:8.0f} msg/s arrived")
    topic = health_topic("site-001", "kiosk-00001")
    rate = mosquitto_pub(broker, topic, health_lines(20_000), 0)
    print(f"  {'mosquitto_pub -l, same payloads:':<40} {rate:8.0f} msg/s arrived")


def event_throughput(broker: Broker, agents: int, count: int, data_dir: Path) -> None:
    print(f"\nevents (QoS 1, each stored in SQLite, sent, acknowledged, deleted), {count} per agent")

    class Quiet:
        def health(self):  # type: ignore[no-untyped-def]
            return SimulatedKiosk("site-001", "kiosk-00001", random.Random(1)).health()

        def on_command(self, command, reply):  # type: ignore[no-untyped-def]
            reply(CommandReply.success())

    for fleet in (1, agents):
        counter = Counter(broker, "kiosk/v1/+/+/event", qos=1)
        running = []
        for number in range(fleet):
            settings = AgentSettings(
                broker_url=broker.url,
                site="site-001",
                kiosk_id=f"kiosk-{number:05d}",
                data_dir=data_dir / "events" / str(fleet) / str(number),
                health_interval=3600,
            )
            running.append(FleetAgent(settings, Quiet(), system=lambda: None).start())
        for agent in running:
            agent.wait_until_connected(30)
        events = [[DeviceFault(device="printer", detail="paper_out") for _ in range(count)] for _ in running]
        started = time.perf_counter()
        for agent, batch in zip(running, events, strict=True):
            for event in batch:
                agent.publish_event(event)
        counter.wait_for(fleet * count, 120)
        while any(agent.queued_events for agent in running) and time.perf_counter() - started < 120:
            time.sleep(0.01)
        elapsed = time.perf_counter() - started
        for agent in running:
            agent.stop()
        counter.close()
        label = f"{fleet} FleetAgent{'s' if fleet > 1 else ''} at once"
        print(f"  {label + ':':<34} {fleet * count / elapsed:8.0f} events/s ({counter.count} arrived)")
    lines = [encode(DeviceFault(device="printer", detail="paper_out")) for _ in range(count * agents)]
    topic = event_topic("site-001", "kiosk-00001")
    print(
        f"  {'mosquitto_pub -l -q 1, same payloads:':<34} {mosquitto_pub(broker, topic, lines, 1):8.0f} msg/s"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--agents", default="50,150,200,1000", help="fleet sizes to try (comma-separated)")
    parser.add_argument("--window", type=float, default=5.0, help="seconds measured at each size")
    parser.add_argument("--flood-agents", type=int, default=20, help="agents in the throughput runs")
    parser.add_argument("--events", type=int, default=2000, help="events per agent in the event runs")
    args = parser.parse_args()
    broker_program = shutil.which("mosquitto") or "/usr/sbin/mosquitto"  # sbin: not in every PATH
    missing = [tool for tool in ("mosquitto_sub", "mosquitto_pub") if shutil.which(tool) is None]
    missing += [] if Path(broker_program).exists() else ["mosquitto"]
    if missing:
        print(f"skipped: {', '.join(missing)} not installed (Debian: mosquitto, mosquitto-clients)")
        return 0
    # Each agent holds a socket and its outbox's three SQLite files open: raise the soft limit.
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard if hard != resource.RLIM_INFINITY else 65536, hard))
    help_text = subprocess.run([broker_program, "-h"], capture_output=True, text=True).stdout
    version = help_text.splitlines()[0].strip() if help_text else "mosquitto"
    print(f"Fleet agent benchmark: {os.cpu_count()} CPUs, {version}, counted by mosquitto_sub")
    with tempfile.TemporaryDirectory(prefix="bench-fleet-") as temporary:
        directory = Path(temporary)
        (directory / "broker").mkdir()
        broker = Broker(directory / "broker").start()
        try:
            agents_per_process(broker, [int(size) for size in args.agents.split(",")], args.window, directory)
            health_throughput(broker, args.flood_agents, args.window, directory)
            event_throughput(broker, args.flood_agents, args.events, directory)
        finally:
            broker.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
