"""Soak (issue 13): thousands of random valid sessions on the real app under Xvfb, with faults injected."""

from __future__ import annotations

import argparse
import gc
import heapq
import json
import logging
import os
import random
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import traceback
from array import array
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from devices.idcard.simulator import DEMO_CAN  # noqa: E402
from fleet.protocol import SessionStatistics  # noqa: E402
from kiosk.config import SiteConfig  # noqa: E402
from kiosk.heap import release_startup_objects, set_aside_startup_objects  # noqa: E402
from kiosk.testing import KioskPilot, memory  # noqa: E402

from support.mosquitto import Broker  # noqa: E402
from support.sites import fleet_config  # noqa: E402

#: The goals of issue 13, printed beside the figures.
GOAL_SESSIONS = 10_000
GOAL_GROWTH_MB = 10.0
GOAL_P99_MS = 200.0
#: Latencies are counted in 1 ms bins up to this (a histogram: memory stays flat however long).
LATENCY_BINS_MS = 10_000
#: Taps whose settling waits for a device (the card read, the printer), counted apart too.
DEVICE_TAPS = frozenset({"can_ok", "card_retry", "print"})
#: Most taps or keys in one session before the citizen walks away (the idle timeout ends it).
SESSION_BUDGET = 60
#: A broker restart every this many sessions in a long run (four in a short one), and a killed
#: speech engine (two in a short one).
BROKER_RESTART_EVERY = 200
SPEECH_KILL_EVERY = 250
#: Seconds the kiosk has to hand its queued events to the broker at the end, and the counter to get them.
DRAIN_SECONDS = 60.0
#: The window: the portrait totem of a kiosk (Xvfb renders in software: a smaller window is faster).
PORTRAIT = (1080, 1920)
#: The keys of a keypad walk; Down, the way through a screen, comes more often.
RANDOM_KEYS = ["down"] * 3 + ["up", "enter", "enter", "back", "left", "right", "volume_up", "volume_down"]
#: The slowest taps named in the report.
SLOWEST_KEPT = 8
#: Distinct crash descriptions kept for the report.
CRASH_SAMPLES = 20
#: How often a paused run looks whether it may go on.
PAUSE_POLL_SECONDS = 0.5


# -- figures ---------------------------------------------------------------------------------


class LatencyHistogram:
    """Milliseconds in 1 ms bins (a fixed array, so the soak's own memory does not grow)."""

    def __init__(self) -> None:
        self.bins = array("Q", bytes(8 * (LATENCY_BINS_MS + 1)))
        self.count = 0
        self.max_ms = 0.0

    def add(self, milliseconds: float) -> None:
        self.bins[min(int(milliseconds), LATENCY_BINS_MS)] += 1
        self.count += 1
        self.max_ms = max(self.max_ms, milliseconds)

    def percentile(self, share: float) -> float:
        """The upper edge of the bin holding the ``share`` quantile (ms); 0 when empty."""
        if not self.count:
            return 0.0
        wanted = share * self.count
        seen = 0
        for millisecond, number in enumerate(self.bins):
            seen += number
            if seen >= wanted:
                return float(millisecond + 1)
        return self.max_ms


class SlowestTaps:
    """The few slowest taps and keys, named (a small heap: memory stays flat)."""

    def __init__(self, keep: int = SLOWEST_KEPT) -> None:
        self.keep = keep
        self._heap: list[tuple[float, str]] = []

    def add(self, milliseconds: float, action: str) -> None:
        if len(self._heap) < self.keep:
            heapq.heappush(self._heap, (milliseconds, action))
        elif milliseconds > self._heap[0][0]:
            heapq.heapreplace(self._heap, (milliseconds, action))

    def named(self) -> list[str]:
        return [
            f"{milliseconds:.0f} ms {action}" for milliseconds, action in sorted(self._heap, reverse=True)
        ]


@dataclass
class Figures:
    """What a soak run measured (``goals()`` says which goals it met)."""

    sessions: int = 0
    seed: int = 0
    seconds: float = 0.0
    crashes: int = 0
    crash_samples: list[str] = field(default_factory=list)
    #: Sessions the driver saw start and end (each end must send one statistics event).
    sessions_started: int = 0
    sessions_ended: int = 0
    events_sent: int = 0
    events_received: int = 0
    events_lost: int = 0
    rss_at_10_percent_mb: float = 0.0
    rss_at_end_mb: float = 0.0
    #: The median RSS after each session of the last tenth of the run minus that of its second
    #: tenth (sessions 10-20 %): the RSS after a session varies by up to 10 MB from one session's
    #: end to another's with no trend (two single readings differ by that much), medians do not.
    rss_window_growth_mb: float | None = None
    #: The slope of RSS over the run's second half (least squares, MB per 1,000 sessions): a
    #: leak shows as a steady slope, what the kiosk builds once and keeps (the warm-up) does not.
    rss_trend_mb_per_1000: float | None = None
    taps: int = 0
    #: The goal's latency: from a finger's release (or a key) to the first frame drawn after it,
    #: on the UI thread: handling, the new page's widgets, layout and the frame's drawing
    #: commands; not the buffer swap, where Xvfb's software renderer rasterizes on the CPU.
    response_p50_ms: float = 0.0
    response_p99_ms: float = 0.0
    response_max_ms: float = 0.0
    #: The same with the swap (Mesa's llvmpipe rasterizing the frame on this machine's CPU).
    first_frame_p50_ms: float = 0.0
    first_frame_p99_ms: float = 0.0
    #: The median swap of a frame: what a kiosk's GPU does in a few milliseconds.
    swap_p50_ms: float = 0.0
    #: From the touch (or key) to the app settled: fades, scroll effects, background jobs.
    tap_p50_ms: float = 0.0
    tap_p99_ms: float = 0.0
    tap_max_ms: float = 0.0
    ui_tap_p99_ms: float = 0.0
    faults: dict[str, int] = field(default_factory=dict)
    #: Sessions after a killed speech engine (checked), and those at whose end the kiosk had its
    #: voice back by itself.
    speech_checked: int = 0
    speech_back: int = 0
    #: The sessions after which it was not back, and how they went.
    speech_not_back: list[str] = field(default_factory=list)
    #: Kiosks closed and started again in the run (after a crash).
    restarts: int = 0
    #: Widget trees not freed when a kiosk was closed (KioskPilot.leaked).
    leaked_trees: int = 0
    #: The slowest responses to taps and keys: "204 ms start on home".
    slowest_taps: list[str] = field(default_factory=list)

    @property
    def growth_mb(self) -> float | None:
        """RSS growth from 10 % of the run to its end, two single readings; None when stopped
        before 10 %."""
        if not self.rss_at_10_percent_mb:
            return None
        return self.rss_at_end_mb - self.rss_at_10_percent_mb

    def goals(self) -> dict[str, bool]:
        return {
            "sessions": self.sessions >= GOAL_SESSIONS,
            "crashes": self.crashes == 0,
            "events lost": self.events_lost == 0,
            "memory growth": self.rss_window_growth_mb is not None
            and self.rss_window_growth_mb < GOAL_GROWTH_MB,
            "tap p99": self.response_p99_ms < GOAL_P99_MS,
        }


def resident_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


def rss_mb() -> float:
    """Resident memory once the garbage is collected (the figures at 10 % and at the end)."""
    gc.collect()
    return resident_mb()


# -- the kiosk and its fleet -----------------------------------------------------------------


class EventCounter:
    """``mosquitto_sub`` (another process, so that counting costs the kiosk's memory nothing)
    with a persistent session: what is sent while it reconnects after a broker restart waits
    for it on the broker."""

    def __init__(self, broker: Broker, output: Path) -> None:
        self.output = output
        self._file = output.open("wb")
        command = ["mosquitto_sub", "-h", "127.0.0.1", "-p", str(broker.port), "-q", "1"]
        command += ["-t", "kiosk/v1/+/+/event", "-c", "-i", f"soak-counter-{os.getpid()}"]
        self._process = subprocess.Popen(command, stdout=self._file, stderr=subprocess.DEVNULL)

    def session_ids(self) -> set[str]:
        ids = set()
        for line in self.output.read_bytes().splitlines():
            with suppress(ValueError):
                event = json.loads(line)
                if event.get("kind") == "session":
                    ids.add(event["id"])
        return ids

    def close(self) -> None:
        self._process.terminate()
        self._process.wait(10)
        self._file.close()


class SentEvents:
    """Records the id of each session event the kiosk hands to its fleet agent (to a file)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._file: TextIO = path.open("a", encoding="ascii")
        self.count = 0

    def watch(self, pilot: KioskPilot) -> None:
        agent = pilot.kiosk.fleet.agent
        publish = agent.publish_event

        def recording(event: Any) -> None:
            if isinstance(event, SessionStatistics):
                self._file.write(f"{event.id}\n")
                self._file.flush()
                self.count += 1
            publish(event)

        agent.publish_event = recording  # the FleetLink looks it up on each call

    def ids(self) -> set[str]:
        return set(self.path.read_text(encoding="ascii").split())

    def close(self) -> None:
        self._file.close()


class MemoryLog:
    """Writes a breakdown of the kiosk's memory (kiosk.testing.memory) every ``every`` sessions,
    one JSON line each, with the taps and keys of the last session: where a step in the resident
    memory comes from, and (``every`` 1) which session made it."""

    def __init__(self, path: Path, every: int) -> None:
        self.every = every
        self._file: TextIO = path.open("a", encoding="utf-8")

    def write(self, reading: dict[str, Any]) -> None:
        self._file.write(json.dumps(reading) + "\n")
        self._file.flush()

    def close(self) -> None:
        self._file.close()


class SwapTimer:
    """Times the window's buffer swaps: under Xvfb, Mesa's llvmpipe rasterizes each frame on the
    CPU there (tens of milliseconds on a shared 2-core machine; a kiosk's GPU takes a few)."""

    def __init__(self) -> None:
        self.seconds = 0.0
        self.swaps = LatencyHistogram()
        self._window: Any = None

    def watch(self, window: Any) -> None:
        """Time ``window``'s swaps from now on (once: the window outlives the kiosks)."""
        if self._window is window:
            return
        swap = window.flip

        def timed_swap() -> None:
            started = time.perf_counter()
            try:
                swap()
            finally:
                seconds = time.perf_counter() - started
                self.seconds += seconds
                self.swaps.add(seconds * 1000)

        window.flip = timed_swap
        self._window = window


# -- a citizen ---------------------------------------------------------------------------------


class Citizen:
    """Drives sessions with taps and keys on what is visible, timing each until settled, and
    counting the sessions it sees start and end (each end must reach the fleet as an event).

    One citizen per kiosk: it times every touch the pilot makes (pager presses included), in
    place of the pilot's own ``touch``.
    """

    def __init__(self, pilot: KioskPilot, rng: random.Random, run: Run) -> None:
        self.pilot = pilot
        self.rng = rng
        self.run = run
        self.actions = 0
        self._device_tap = False
        #: The last tap or key, named: the slowest are named in the report, a crash says after which.
        self.last_action = ""
        #: The session's taps and keys, named (the memory log says what a session did).
        self.trail: list[str] = []
        self._active = pilot.journey.session.active
        pilot.touch = self.touch  # type: ignore[method-assign]

    def touch(self, x: float, y: float, hold: float = 0.0) -> None:
        """KioskPilot.touch, timed: from the finger down to the app settled, and from its release
        to the end of the first frame after it (the pilot's few steps, with one frame drawn
        before settling)."""
        from kivy.tests.common import UnitTestTouch

        started = time.perf_counter()
        finger = UnitTestTouch(x, y)
        finger.touch_down()
        self.pilot._frame()
        if hold:
            self.pilot.wait(hold)
        released = time.perf_counter()  # the finger leaves: the kiosk reacts from here
        finger.touch_up()
        self._first_frame(released)
        self.pilot.settle()
        self._record(started)

    def _first_frame(self, since: float) -> None:
        """Draw the first frame after an input at ``since``; its time, with and without the swap."""
        swapped = self.run.swaps.seconds
        self.pilot._frame()
        milliseconds = (time.perf_counter() - since) * 1000
        self.run.first_frame.add(milliseconds)
        response = milliseconds - (self.run.swaps.seconds - swapped) * 1000
        self.run.response.add(response)
        self.run.slowest.add(response, self.last_action)

    def _record(self, started: float) -> None:
        milliseconds = (time.perf_counter() - started) * 1000
        self.run.latency.add(milliseconds)
        if not self._device_tap:
            self.run.ui_latency.add(milliseconds)
        self.actions += 1
        self.observe()

    def observe(self) -> None:
        """Count a session's start or end since the last look."""
        active = self.pilot.journey.session.active
        if active and not self._active:
            self.run.figures.sessions_started += 1
        elif self._active and not active:
            self.run.figures.sessions_ended += 1
        self._active = active

    @property
    def screen(self) -> str:
        return self.pilot.screen

    def ids(self, bar: bool = False) -> list[str]:
        """The enabled buttons in sight (the bar's too with ``bar``)."""
        return [
            w["id"]
            for w in self.pilot.widgets()
            if not w["disabled"] and w["id"] and (bar or not w["id"].startswith("bar_"))
        ]

    def tap(self, target: str) -> None:
        self._device_tap = target in DEVICE_TAPS
        self.last_action = f"{target} on {self.screen}"
        self.trail.append(self.last_action)
        try:
            self.pilot.tap(target)
        finally:
            self._device_tap = False

    def key(self, name: str) -> None:
        self.last_action = f"key {name} on {self.screen}"
        self.trail.append(self.last_action)
        started = time.perf_counter()
        self.pilot.send_key(name)
        self._first_frame(started)
        self.pilot.settle()
        self._record(started)

    def maybe(self, probability: float) -> bool:
        return self.rng.random() < probability

    def pick(self, ids: list[str]) -> str:
        return self.rng.choice(ids)

    @property
    def tired(self) -> bool:
        return self.actions >= SESSION_BUDGET


# -- parts of a session ----------------------------------------------------------------------


def settings_on_welcome(citizen: Citizen) -> None:
    """Language, speech or a headset before starting, as some citizens do."""
    ids = citizen.ids()
    if citizen.maybe(0.2):
        # What the screen offers, in sight or not: in big text with speech on, the languages
        # are at the end of the text, and the tap goes through "Voir la suite" as a citizen does.
        offered = citizen.pilot.journey.page.secondary
        citizen.tap(citizen.pick([action.id for action in offered if action.id.startswith("lang_")]))
    if "listen_toggle" in ids and citizen.maybe(0.15):
        citizen.tap("listen_toggle")
    if citizen.maybe(0.05):
        citizen.pilot.plug_headset(True)


def start(citizen: Citizen) -> None:
    """Out of the welcome screen: a touch, or the keypad for some."""
    if citizen.maybe(0.15):
        focus_and_press(citizen, "start")
    else:
        citizen.tap("start")


def focus_and_press(citizen: Citizen, target: str) -> None:
    """Down until ``target`` has the focus, then Enter (a keypad user)."""
    for _ in range(40):
        focused = citizen.pilot.focused()
        if focused is not None and focused.action_id == target:
            citizen.key("enter")
            return
        citizen.key("down")
    citizen.tap(target)


def open_a_procedure(citizen: Citizen) -> None:
    """A subject, then a procedure in it, chosen at random."""
    for _ in range(3):
        topics = [i for i in citizen.ids() if i.startswith("topic_")]
        if "more" in citizen.ids() and (not topics or citizen.maybe(0.3)):
            citizen.tap("more")
            continue
        if topics:
            citizen.tap(citizen.pick(topics))
            break
    procedures = [i for i in citizen.ids() if i.startswith("procedure_")]
    if procedures:
        citizen.tap(citizen.pick(procedures))


def aside(citizen: Citizen) -> bool:
    """Now and then, something else than answering: a hard word, back, a bigger text, a
    language, speech; True when one was done."""
    ids = citizen.ids(bar=True)
    words = [i for i in ids if i.startswith("define_")]
    if words and citizen.maybe(0.08):
        citizen.tap(citizen.pick(words))
        citizen.tap("bar_back")
        return True
    for target, probability in (("bar_back", 0.04), ("bar_bigger", 0.03), ("bar_listen", 0.03)):
        if target in ids and citizen.maybe(probability):
            citizen.tap(target)
            return True
    languages = [i for i in ids if i.startswith("lang_")]
    if languages and citizen.maybe(0.03):
        citizen.tap(citizen.pick(languages))
        return True
    return False


def answer_step(citizen: Citizen, faults: Faults) -> None:
    ids = citizen.ids()
    if "read_card" in ids:
        if citizen.maybe(0.8):
            read_card(citizen, faults)
        else:
            citizen.tap("no_card")
        return
    choices = [i for i in ids if i.startswith("choice_") or i in ("doc_yes", "doc_no", "continue")]
    citizen.tap(citizen.pick(choices or ids))


def answer_procedure(citizen: Citizen, faults: Faults) -> None:
    """Answer step after step (with a few asides) until the summary, or until tired."""
    while citizen.screen not in ("summary", "home") and not citizen.tired:
        if citizen.screen == "step":
            if not aside(citizen):
                answer_step(citizen, faults)
        elif citizen.screen.startswith("identity_"):
            finish_card_read(citizen, faults)
        else:
            # Anywhere else (a definition, the catalogue after "Retour"): what is offered.
            citizen.tap(citizen.pick(citizen.ids() or ["bar_back"]))


def read_card(citizen: Citizen, faults: Faults) -> None:
    """The card step: consent, the CAN, the read (sometimes with a fault), the result."""
    citizen.tap("read_card")
    if citizen.maybe(0.1):
        citizen.tap("card_by_hand")
        return
    citizen.tap("card_consent")
    if faults.wrong_can_first():
        type_can(citizen, "999999")
        if "card_retype" in citizen.ids():
            citizen.tap("card_retype")
    with faults.card_fault(citizen):
        type_can(citizen, DEMO_CAN)
        citizen.pilot.settle_until(lambda: citizen.screen != "identity_reading", timeout=40, what="the read")
    finish_card_read(citizen, faults)


def type_can(citizen: Citizen, digits: str) -> None:
    for digit in digits:
        citizen.tap(f"can_{digit}")
    citizen.tap("can_ok")


def finish_card_read(citizen: Citizen, faults: Faults) -> None:
    """After the read: try again once after a fault, confirm (or not) the result."""
    if citizen.screen == "identity_failed":
        faults.restore_card(citizen.pilot)
        ids = citizen.ids()
        citizen.tap("card_retry" if "card_retry" in ids and citizen.maybe(0.7) else "card_by_hand")
    if citizen.screen == "identity_failed":
        citizen.tap("card_by_hand")
    if citizen.screen == "identity_result":
        if "card_speak" in citizen.ids() and citizen.maybe(0.2):
            citizen.tap("card_speak")
        citizen.tap("card_confirm" if citizen.maybe(0.85) else "card_not_me")
    elif citizen.screen.startswith("identity_"):
        citizen.tap("bar_back")


def receipt_then_feedback(citizen: Citizen, faults: Faults) -> None:
    """On the summary: the receipt (printed, or its QR code), "Terminer", the satisfaction faces."""
    if citizen.maybe(0.6):
        citizen.tap("receipt")
        if citizen.maybe(0.8):
            faults.print_receipt(citizen)
        elif "show_qr" in citizen.ids():
            citizen.tap("show_qr")
    citizen.tap("finish")
    if citizen.screen == "feedback":
        citizen.tap(citizen.pick(["face_1", "face_2", "face_3", "skip"]))


def walk_away(citizen: Citizen) -> None:
    """Nobody touches the kiosk: the idle warning, then its end, on the kiosk's own clock; outside
    a session, the quiet return to the welcome screen of a kiosk left as a visitor set it."""
    timeouts = citizen.pilot.config.timeouts
    for _ in range(3):
        session = citizen.pilot.journey.session
        if not session.active and session.untouched and citizen.screen == "home":
            return
        citizen.pilot.advance(timeouts.idle_seconds)
        citizen.pilot.advance(timeouts.warning_seconds)
        citizen.observe()


def back_to_welcome(citizen: Citizen) -> None:
    """Where an earlier visitor left the kiosk (the display settings, a keypad walk's screen): its
    session, or what it left outside one, times out as at a real kiosk; "Accueil" if not."""
    for _ in range(3):
        if citizen.screen == "home":
            return
        walk_away(citizen)
        if citizen.screen != "home" and "bar_home" in citizen.ids(bar=True):
            citizen.tap("bar_home")


# -- whole sessions ----------------------------------------------------------------------------


def procedure_session(citizen: Citizen, faults: Faults) -> None:
    start(citizen)
    open_a_procedure(citizen)
    answer_procedure(citizen, faults)
    if citizen.screen == "summary":
        receipt_then_feedback(citizen, faults)


def card_session(citizen: Citizen, faults: Faults) -> None:
    """The identity card's renewal, where the card can be read, then on to the end."""
    start(citizen)
    for target in ("topic_papiers", "procedure_carte-identite", "continue", "choice_renouvellement"):
        if target not in citizen.ids():
            break
        citizen.tap(target)
    answer_procedure(citizen, faults)
    if citizen.screen == "summary":
        receipt_then_feedback(citizen, faults)


def browsing_session(citizen: Citizen, faults: Faults) -> None:
    """Taps at random on whatever is offered, bar included, then walks away."""
    start(citizen)
    for _ in range(citizen.rng.randint(3, 12)):
        if citizen.screen == "home":
            return
        if citizen.screen.startswith("identity_"):
            finish_card_read(citizen, faults)
            continue
        citizen.tap(citizen.pick(citizen.ids(bar=True)))


def keypad_session(citizen: Citizen, _faults: Faults) -> None:
    """Speech on with the help key, then keys at random, then walks away."""
    citizen.key("help")
    for _ in range(citizen.rng.randint(5, 20)):
        if citizen.screen.startswith("identity_can"):
            break  # the CAN pad wants digits a random walk will not type
        citizen.key(citizen.pick(RANDOM_KEYS))


def help_session(citizen: Citizen, faults: Faults) -> None:
    """Calls for help somewhere in a procedure, reads the keys' page, carries on, walks away."""
    start(citizen)
    if citizen.maybe(0.5):
        open_a_procedure(citizen)
    citizen.tap("bar_help")
    if "keys" in citizen.ids() and citizen.maybe(0.3):
        citizen.tap("keys")
        citizen.tap("bar_back")
    if "help_close" in citizen.ids():
        citizen.tap("help_close")
    if citizen.screen == "step" and citizen.maybe(0.5):
        answer_procedure(citizen, faults)
        if citizen.screen == "summary":
            receipt_then_feedback(citizen, faults)


SESSIONS: tuple[tuple[Callable[[Citizen, Faults], None], float], ...] = (
    (procedure_session, 0.3),
    (card_session, 0.2),
    (browsing_session, 0.2),
    (keypad_session, 0.15),
    (help_session, 0.15),
)


def one_session(citizen: Citizen, faults: Faults) -> str:
    """A whole session, from the welcome screen back to it; the idle timeout ends it if the
    citizen did not. Returns its kind ("help_session") and how it ended ("walked away")."""
    back_to_welcome(citizen)
    settings_on_welcome(citizen)
    kinds, weights = zip(*SESSIONS, strict=True)
    kind = citizen.rng.choices(kinds, weights)[0]
    kind(citizen, faults)
    ended = "walked away" if citizen.pilot.journey.session.active else "ended by the citizen"
    walk_away(citizen)
    citizen.pilot.plug_headset(False)
    return f"{kind.__name__}, {ended}"


# -- faults ------------------------------------------------------------------------------------


class Faults:
    """Injects the faults of issue 13 and counts them: a card pulled mid-read or put late, a
    printer out of paper (before or while printing), the broker restarted, the speech engine
    killed."""

    def __init__(self, rng: random.Random, broker: Broker, sessions: int) -> None:
        self.rng = rng
        self.broker = broker
        self.counts: Counter[str] = Counter()
        self.broker_every = max(5, min(BROKER_RESTART_EVERY, sessions // 4))
        self.speech_every = max(5, min(SPEECH_KILL_EVERY, sessions // 2))
        self._late_card: threading.Timer | None = None
        #: Card reads and prints so far: each fault comes in turn.
        self.reads = 0
        self.prints = 0

    def count(self, name: str) -> None:
        self.counts[name] += 1

    @contextmanager
    def card_fault(self, citizen: Citizen) -> Iterator[None]:
        """Around the CAN's last tap: in turn, the card leaves mid-read, or comes late (a cycle,
        so that even a short run meets each fault)."""
        reader = citizen.pilot.kiosk.card_reader
        self.reads += 1
        if self.reads % 4 == 1:
            self.count("card pulled mid-read")
            reader.set_fault("removed_mid_read", after_apdus=self.rng.randint(1, 9))
        elif self.reads % 4 == 3:
            self.count("card put on late")
            reader.remove_card()
            self._late_card = threading.Timer(self.rng.uniform(0.05, 0.5), reader.insert_card)
            self._late_card.start()
        try:
            yield
        finally:
            if self._late_card is not None:
                self._late_card.join()
                self._late_card = None

    def wrong_can_first(self) -> bool:
        """One read in six starts with a wrong CAN (the chip counts it: a right one resets it)."""
        if self.reads % 6 != 5:
            return False
        self.count("wrong CAN")
        return True

    def restore_card(self, pilot: KioskPilot) -> None:
        """The citizen puts the card back, still."""
        reader = pilot.kiosk.card_reader
        reader.set_fault(None)
        if reader.card is None or not reader.card.present:
            reader.insert_card()

    def print_receipt(self, citizen: Citizen) -> None:
        """Print; sometimes the paper runs out before, or during, the print (then comes back)."""
        pilot = citizen.pilot
        self.prints += 1
        if self.prints % 5 == 2:
            self.count("paper out")
            self._paper(pilot, "out")
            if "show_qr" in citizen.ids():
                citizen.tap("show_qr")
            self._paper(pilot, "ok")
        elif self.prints % 5 == 4:
            self.count("paper out while printing")
            pilot.kiosk.printer.interrupt_next_receipt()
            citizen.tap("print")
            self._paper(pilot, "ok")
        if "print" in citizen.ids():
            citizen.tap("print")

    def _paper(self, pilot: KioskPilot, state: str) -> None:
        pilot.kiosk.printer.set_paper(state)
        pilot.kiosk.health.poll_now()  # the monitor's next poll, now: its report reaches the UI
        pilot.settle()

    @contextmanager
    def broker_down(self, index: int) -> Iterator[None]:
        """Now and then the broker is down for a whole session (its events wait in the outbox),
        and started again after it."""
        down = index % self.broker_every == self.broker_every // 2
        if down:
            self.count("broker restarted")
            self.broker.stop(graceful=True)
        try:
            yield
        finally:
            if down:
                self.broker.start()

    def speech_killed(self, index: int, citizen: Citizen) -> bool:
        """Now and then the speech engine dies as speech is turned on; True when it did (the
        kiosk goes on silent; the fault passes after the session, and the kiosk must give the
        engine back by itself at the end of the next one, without a restart)."""
        if index % self.speech_every != self.speech_every - 1:
            return False
        self.count("speech engine killed")
        citizen.pilot.engine.fail_with = RuntimeError("speech engine killed by the soak")
        ids = citizen.ids(bar=True)
        toggle = next((i for i in ("listen_toggle", "bar_listen") if i in ids), None)
        if toggle is not None:
            citizen.tap(toggle)
        return True


# -- the run -----------------------------------------------------------------------------------


@dataclass
class Run:
    """One soak run's moving parts."""

    rng: random.Random
    config: SiteConfig
    faults: Faults
    sent: SentEvents
    latency: LatencyHistogram = field(default_factory=LatencyHistogram)
    ui_latency: LatencyHistogram = field(default_factory=LatencyHistogram)
    first_frame: LatencyHistogram = field(default_factory=LatencyHistogram)
    response: LatencyHistogram = field(default_factory=LatencyHistogram)
    swaps: SwapTimer = field(default_factory=SwapTimer)
    slowest: SlowestTaps = field(default_factory=SlowestTaps)
    #: RSS after each session, MB (8 bytes a session).
    rss: array = field(default_factory=lambda: array("d"))
    figures: Figures = field(default_factory=Figures)
    size: tuple[int, int] = PORTRAIT
    pilot: KioskPilot | None = None
    citizen: Citizen | None = None
    #: The speech engine was killed in the last session: the next one must end with a voice.
    _voice_awaited: bool = False

    def open_kiosk(self) -> Citizen:
        self.pilot = pilot = KioskPilot(size=self.size, config=self.config).__enter__()
        pilot.settle_until(lambda: pilot.kiosk.fleet.agent.connected, timeout=30, what="the agent connected")
        self.sent.watch(pilot)
        self.swaps.watch(pilot._window)
        set_aside_startup_objects()  # as KioskApp does once the first screen is drawn
        self.citizen = Citizen(pilot, self.rng, self)
        return self.citizen

    def close_kiosk(self) -> None:
        pilot, self.pilot, self.citizen = self.pilot, None, None
        if pilot is None:
            return
        # The next kiosk starts in this process: this one's objects must be free to go.
        release_startup_objects()
        with suppress(Exception):  # a kiosk that crashed may not close cleanly: it is dropped
            pilot.__exit__(None, None, None)
            self.figures.leaked_trees += pilot.leaked

    def crashed(self, error: BaseException) -> None:
        self.figures.crashes += 1
        frames = traceback.extract_tb(error.__traceback__)
        where = frames[-1]
        # The soak's own line too (a driver's choice fails in the random module, not here).
        driver = next((frame for frame in reversed(frames) if frame.filename == __file__), where)
        sample = (
            f"{type(error).__name__} at {Path(where.filename).name}:{where.lineno}"
            f" ({driver.name}, line {driver.lineno}): {str(error)[:300]}"
        )
        citizen = self.citizen
        if citizen is not None:
            with suppress(Exception):  # a broken kiosk may not say which screen it shows
                sample += f"; on {citizen.screen}, after {citizen.last_action or 'nothing yet'}"
        if sample not in self.figures.crash_samples and len(self.figures.crash_samples) < CRASH_SAMPLES:
            self.figures.crash_samples.append(sample)

    def voice_checked(self, index: int, kind: str, citizen: Citizen) -> None:
        """The session after a killed engine has ended: the kiosk must have its voice back."""
        self._voice_awaited = False
        self.figures.speech_checked += 1
        speech = citizen.pilot.kiosk.speech
        if speech.available:
            self.figures.speech_back += 1
        elif len(self.figures.speech_not_back) < CRASH_SAMPLES:
            self.figures.speech_not_back.append(
                f"session {index + 1} ({kind}): {speech.failures} failure(s) since start, "
                f"{len(speech.history)} utterance(s) since the session's end"
            )

    def session(self, index: int) -> None:
        crashed = False
        try:
            citizen = self.citizen or self.open_kiosk()
            citizen.actions = 0
            citizen.trail.clear()
            with self.faults.broker_down(index):
                killed = self.faults.speech_killed(index, citizen)
                kind = one_session(citizen, self.faults)
            forget_records(citizen.pilot)
            if self._voice_awaited:
                self.voice_checked(index, kind, citizen)
            if killed:
                # The fault passes (its traceback, which leads to the kiosk, goes with it).
                citizen.pilot.engine.fail_with = None
                self._voice_awaited = True
        except Exception as error:  # noqa: BLE001 - a crash is counted, the kiosk started again
            self.crashed(error)
            crashed = True
        if crashed:
            # Out of the except block: the error, and its traceback's frames, are gone by now.
            self.figures.restarts += 1
            self._voice_awaited = False
            self.close_kiosk()


def forget_records(pilot: KioskPilot) -> None:
    """The test doubles' own records grow with every session (what the pilot heard, the simulated
    chip's command log): cleared, so that memory growth is the kiosk's."""
    pilot.utterances.clear()
    card = pilot.kiosk.card_reader.demo_card()
    card.log.clear()


def drain(run: Run, counter: EventCounter) -> set[str]:
    """Let the kiosk send what it queued and the counter receive it; the ids received."""
    pilot = (run.citizen or run.open_kiosk()).pilot
    agent = pilot.kiosk.fleet.agent
    with suppress(AssertionError):
        pilot.settle_until(lambda: agent.connected and agent.queued_events == 0, timeout=DRAIN_SECONDS)
    sent = run.sent.ids()
    deadline = time.monotonic() + DRAIN_SECONDS
    received = counter.session_ids()
    while not sent <= received and time.monotonic() < deadline:
        time.sleep(0.1)  # another process writes the file: poll it until it has them all
        received = counter.session_ids()
    return received


def run_soak(
    sessions: int,
    seed: int,
    work: Path,
    progress: Callable[[str], None] | None = None,
    size: tuple[int, int] = PORTRAIT,
    stop: threading.Event | None = None,
    pause: threading.Event | None = None,
    memory_log: MemoryLog | None = None,
) -> Figures:
    """Run ``sessions`` random sessions on the current display; the figures.

    The kiosk runs with the fleet on, against a Mosquitto started here (in ``work``).
    ``progress`` gets a line every 5 %; ``stop``, once set, ends the run after the session
    under way (the figures are then those of the sessions run); while ``pause`` is set, the run
    waits between two sessions, and the time it waits is left out of the figures.
    ``memory_log`` gets a breakdown of the memory every ``memory_log.every`` sessions.
    """
    broker = Broker(work / "mosquitto", persistent=True)
    broker.directory.mkdir(parents=True, exist_ok=True)
    broker.start()
    counter = EventCounter(broker, work / "events.jsonl")
    rng = random.Random(seed)
    faults = Faults(rng, broker, sessions)
    config = fleet_config(work, broker, health_interval=10)
    run = Run(rng, config, faults, SentEvents(work / "sent.txt"), size=size)
    run.figures.seed = seed
    started = time.monotonic()
    try:
        for index in range(sessions):
            if stop is not None and stop.is_set():
                break
            run.session(index)
            run.figures.sessions = index + 1
            run.rss.append(resident_mb())
            if index + 1 == max(1, sessions // 10):
                run.figures.rss_at_10_percent_mb = rss_mb()
            if memory_log is not None and (index + 1) % memory_log.every == 0:
                trail = run.citizen.trail if run.citizen is not None else []
                memory_log.write({**memory.reading(index + 1, rss_mb()), "last_session": trail})
            if progress is not None and (index + 1) % max(1, sessions // 20) == 0:
                progress(progress_line(run, sessions, time.monotonic() - started))
            if pause is not None and pause.is_set():
                if progress is not None:
                    progress(f"paused after session {index + 1}")
                started += wait_while_paused(pause, stop)
                if progress is not None:
                    progress("going on")
        run.figures.rss_at_end_mb = rss_mb()
        received = drain(run, counter)
        finish(run, received, time.monotonic() - started)
    finally:
        run.close_kiosk()
        counter.close()
        run.sent.close()
        broker.stop()
    return run.figures


def wait_while_paused(
    pause: threading.Event, stop: threading.Event | None, sleep: Callable[[float], None] = time.sleep
) -> float:
    """Wait until ``pause`` is cleared (or ``stop`` set); the seconds waited."""
    since = time.monotonic()
    while pause.is_set() and not (stop is not None and stop.is_set()):
        sleep(PAUSE_POLL_SECONDS)
    return time.monotonic() - since


def progress_line(run: Run, sessions: int, seconds: float) -> str:
    figures = run.figures
    rate = figures.sessions / seconds * 60 if seconds else 0.0
    return (
        f"{figures.sessions}/{sessions} sessions ({rate:.1f}/min), {figures.crashes} crash(es), "
        f"RSS {rss_mb():.1f} MB, response p50/p99 {run.response.percentile(0.5):.0f}/"
        f"{run.response.percentile(0.99):.0f} ms, to settled {run.latency.percentile(0.5):.0f}/"
        f"{run.latency.percentile(0.99):.0f} ms"
    )


def finish(run: Run, received: set[str], seconds: float) -> None:
    figures = run.figures
    sent = run.sent.ids()
    figures.seconds = seconds
    figures.events_sent = len(sent)
    figures.events_received = len(sent & received)
    # A session seen to end without handing its event to the agent is lost too.
    figures.events_lost = len(sent - received) + max(0, figures.sessions_ended - len(sent))
    figures.taps = run.latency.count
    figures.tap_p50_ms = run.latency.percentile(0.50)
    figures.tap_p99_ms = run.latency.percentile(0.99)
    figures.tap_max_ms = run.latency.max_ms
    figures.ui_tap_p99_ms = run.ui_latency.percentile(0.99)
    figures.first_frame_p50_ms = run.first_frame.percentile(0.50)
    figures.first_frame_p99_ms = run.first_frame.percentile(0.99)
    figures.response_p50_ms = run.response.percentile(0.50)
    figures.response_p99_ms = run.response.percentile(0.99)
    figures.response_max_ms = run.response.max_ms
    figures.swap_p50_ms = run.swaps.swaps.percentile(0.50)
    figures.faults = dict(run.faults.counts)
    figures.slowest_taps = run.slowest.named()
    figures.rss_trend_mb_per_1000 = trend_per_1000(run.rss)
    figures.rss_window_growth_mb = window_growth(run.rss)


def window_growth(rss: array) -> float | None:
    """The median of the last tenth of ``rss`` (one sample a session) minus the median of its
    second tenth; None with too few sessions to tell."""
    tenth = len(rss) // 10
    if tenth < 5:
        return None
    return statistics.median(rss[-tenth:]) - statistics.median(rss[tenth : 2 * tenth])


def trend_per_1000(rss: array) -> float | None:
    """The least-squares slope of the second half of ``rss`` (one sample a session), in MB per
    1,000 sessions; None with too few sessions to tell."""
    half = rss[len(rss) // 2 :]
    if len(half) < 20:
        return None
    slope, _intercept = statistics.linear_regression(range(len(half)), half)
    return slope * 1000


# -- the command -------------------------------------------------------------------------------


def milliseconds(*figures: float) -> str:
    return " / ".join(f"{figure:.0f}" for figure in figures) + " ms"


def report(figures: Figures) -> str:
    """The figures beside the goals, as printed."""
    met = {name: "ok" if good else "MISSED" for name, good in figures.goals().items()}
    minutes = figures.seconds / 60
    response = milliseconds(figures.response_p50_ms, figures.response_p99_ms, figures.response_max_ms)
    settled = milliseconds(figures.tap_p50_ms, figures.tap_p99_ms, figures.tap_max_ms)
    window = figures.rss_window_growth_mb
    memory = f"{window:+.1f} MB" if window is not None else "not measured (too few sessions)"
    growth = figures.growth_mb
    two_readings = (
        f"{growth:+.1f} MB ({figures.rss_at_10_percent_mb:.0f} to {figures.rss_at_end_mb:.0f})"
        if growth is not None
        else "not measured (stopped early)"
    )
    trend = figures.rss_trend_mb_per_1000
    trend_line = (
        f"{trend:+.1f} MB per 1,000 sessions" if trend is not None else "not measured (too few sessions)"
    )
    events = f"{figures.events_lost} (sent {figures.events_sent}, received {figures.events_received})"
    rows = [
        ("sessions run", f"{figures.sessions}", f"{GOAL_SESSIONS:,}  {met['sessions']}"),
        ("crashes", f"{figures.crashes}", f"0  {met['crashes']}"),
        ("events lost", events, f"0  {met['events lost']}"),
        ("memory growth", memory, f"< {GOAL_GROWTH_MB:.0f} MB  {met['memory growth']}"),
        ("  10 % to end, 2 readings", two_readings, "(each reading varies by ~10 MB)"),
        ("  trend, second half", trend_line, "(a leak is a steady slope)"),
        ("tap response p50/p99/max", response, f"p99 < {GOAL_P99_MS:.0f} ms  {met['tap p99']}"),
        (
            "  with the swap p50/p99",
            milliseconds(figures.first_frame_p50_ms, figures.first_frame_p99_ms),
            f"(software rasterization, median swap {figures.swap_p50_ms:.0f} ms)",
        ),
        ("  to settled p50/p99/max", settled, "(fades, scrolls, background jobs)"),
        (
            "  settled p99, no devices",
            f"{figures.ui_tap_p99_ms:.0f} ms",
            "(taps not waiting for reader or printer)",
        ),
    ]
    lines = [
        f"Soak: {figures.sessions} sessions (seed {figures.seed}) in {minutes:.1f} min "
        f"({figures.sessions / minutes if minutes else 0:.0f} sessions/min)",
        f"{'':26}{'figure':>36}   goal",
        *(f"{label:26}{figure:>36}   {goal}" for label, figure, goal in rows),
        f"taps and keys: {figures.taps}; sessions seen to start {figures.sessions_started}, "
        f"to end {figures.sessions_ended}",
        "faults injected: " + ", ".join(f"{name} {count}" for name, count in sorted(figures.faults.items())),
        f"voice back by itself the session after a killed engine: {figures.speech_back} of "
        f"{figures.speech_checked}; kiosk restarts after a crash: {figures.restarts}; "
        f"widget trees not freed: {figures.leaked_trees}",
        "slowest responses: " + "; ".join(figures.slowest_taps),
        *(f"crash: {sample}" for sample in figures.crash_samples),
        *(f"voice not back: {sample}" for sample in figures.speech_not_back),
    ]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sessions", type=int, default=GOAL_SESSIONS, help="sessions (default 10000)")
    parser.add_argument("--seed", type=int, default=None, help="random seed (default: the clock's, printed)")
    parser.add_argument("--report", type=Path, help="also write the figures to this JSON file")
    parser.add_argument(
        "--size",
        default="1080x1920",
        help="window size, WIDTHxHEIGHT (default 1080x1920; 540x960 at the least)",
    )
    parser.add_argument(
        "--memory-log",
        type=Path,
        help="append a breakdown of the memory to this file (JSON lines) every --memory-every sessions",
    )
    parser.add_argument("--memory-every", type=int, default=100, help="sessions between two breakdowns (100)")
    options = parser.parse_args()
    seed = options.seed if options.seed is not None else int(time.time())
    width, height = (int(side) for side in options.size.split("x"))
    # Kivy's settings and logs go to a throw-away home, as in the tests.
    os.environ.setdefault("KIVY_HOME", tempfile.mkdtemp(prefix="soak-kivy-"))
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    # Ctrl-C or SIGTERM: the session under way ends, then the figures so far are printed.
    stop = threading.Event()
    for number in (signal.SIGINT, signal.SIGTERM):
        signal.signal(number, lambda *_args: stop.set())
    # SIGUSR1 pauses the run after the session under way, and a second one lets it go on: the
    # machine can do something else meanwhile without slowing the taps being timed.
    pause = threading.Event()
    signal.signal(signal.SIGUSR1, lambda *_args: pause.clear() if pause.is_set() else pause.set())
    from kiosk.display import virtual_display

    print(f"Soak: {options.sessions} sessions, seed {seed}, window {width}x{height}", flush=True)
    memory_log = MemoryLog(options.memory_log, options.memory_every) if options.memory_log else None
    with tempfile.TemporaryDirectory(prefix="soak-") as work, virtual_display():
        figures = run_soak(
            options.sessions,
            seed,
            Path(work),
            lambda line: print(line, flush=True),
            (width, height),
            stop,
            pause,
            memory_log,
        )
    if memory_log is not None:
        memory_log.close()
    print(report(figures), flush=True)
    if options.report is not None:
        data = {**asdict(figures), "growth_mb": figures.growth_mb, "goals_met": figures.goals()}
        options.report.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    return 0 if figures.crashes == 0 and figures.events_lost == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
