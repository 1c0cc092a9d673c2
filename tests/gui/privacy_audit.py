"""Privacy audit (issue 13): after whole sessions with a card read, nothing of the citizen is left.

Two sessions run on the real app with the fleet on (a real Mosquitto): the first reads the card
with a headset plugged in (so what was read is also said), answers the procedure, prints the
receipt, calls for help and ends with "Terminer" and the satisfaction question; the second reads
the card and is left until the idle warning runs out. After each end, the audit searches for the
card holder's surname, first given name, document number and birth date (ISO, as shown, as in
the MRZ), and for a slice of the face image:

* the log file: a root ``FileHandler`` at DEBUG, with every logger set to DEBUG for the test;
* every file under the kiosk's directories (home, XDG, state, fleet data, temp, KIVY_HOME), read
  as bytes and searched in UTF-8, UTF-16-LE and UTF-16-BE;
* every MQTT message (topic and payload) a client subscribed to ``#`` received;
* the fleet's outbox, row by row (free pages and the WAL are covered by the file search);
* the heap, two ways. ``places_holding`` walks the kiosk's attributes and gives readable paths.
  Then, for completeness (it sees inside Kivy's Cython widgets, closures, the clock's events and
  other threads' frames), every object ``gc.get_objects()`` lists, and each dict or tuple the
  collector does not track inside one, is asked what it holds (``gc.get_referents``: strings,
  bytes and dates are not tracked, their holders are); a texture the size of the face image
  counts too. A holder is excused only when it belongs to what legitimately keeps the data: the
  simulated chip (the reader's in-process card, the simulator modules' globals, the tests' fake
  card), the test's own records (the needles, the pilot's utterances, the MQTT capture, pytest's
  captured log records, the test thread's frames and their locals) and code (docstrings, the
  source line cache); and never when the kiosk reaches it. The kiosk is walked first with
  ``gc.get_referents``, not going through modules, classes, functions' globals, logging, the
  simulated chip or the pilot. Each other holder is a finding, with the kiosk's path to it when
  there is one, or else a few of its referrers (``gc.get_referrers``).

The needles are derived from the simulator's demo document at run time, and findings name them
instead of quoting them, so that neither this module nor a kept test report is mistaken for a
leak. The audit can fail: with ``Session.wipe`` made a no-op the main test fails outright (the
session's identity document is found); ``test_the_audit_finds_*`` keep that check and plant a
leak in each place searched. It found one leak, now fixed: the screens kept for the next pages
(``KioskRoot._screens``) held the last identity page's names, birth date and face, down to
Kivy's core label's laid-out lines; ``KioskRoot.forget_screens`` empties them at a session's end.
"""

from __future__ import annotations

import datetime as dt
import gc
import itertools
import json
import linecache
import logging
import os
import sqlite3
import sys
import tempfile
import threading
import types
import weakref
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from devices.idcard import IdentityDocument
from devices.idcard.simulator import DEMO_CAN, DEMO_CNIE
from devices.idcard.simulator.documents import demo_photo
from fleet.protocol import event_topic
from kiosk.session import Session
from kiosk.testing import KioskPilot

from support.mosquitto import Broker, Listener
from support.privacy import places_holding
from support.sites import fleet_config

pytestmark = pytest.mark.gui

SITE = "demo"
KIOSK = "demo-borne-1"
#: The encodings a file could hold a text in.
FILE_ENCODINGS = ("utf-8", "utf-16-le", "utf-16-be")
#: Bytes of the demo face image searched for (a slice from its middle: JPEG headers are common).
PHOTO_SLICE = 48
#: The kiosk's directories under the test's own (HOME, XDG and systemd's, where the app may write).
APP_DIRECTORIES = {
    "HOME": "home",
    "XDG_CONFIG_HOME": "home/.config",
    "XDG_DATA_HOME": "home/.local/share",
    "XDG_STATE_HOME": "home/.local/state",
    "XDG_CACHE_HOME": "home/.cache",
    "XDG_RUNTIME_DIR": "run",
    "STATE_DIRECTORY": "state",
    "TMPDIR": "tmp",
}
#: Types whose objects hold names and code, not data: the heap walks never go through them.
CODE_TYPES = (
    types.ModuleType,
    type,
    types.CodeType,
    types.BuiltinFunctionType,
    weakref.ReferenceType,
    weakref.ProxyType,
    weakref.CallableProxyType,
)
#: The process's logging: a walk from the kiosk does not go through it into every handler's
#: records (pytest's); what is logged is searched in the log file.
SHARED_TYPES = (logging.Logger, logging.Handler, logging.Manager)
#: Modules whose globals are the simulated chip's own data.
SIMULATOR_MODULES = ("devices.idcard.simulator", "support.fake_card")
#: Most findings described with their referrers (``gc.get_referrers`` scans the whole heap).
DESCRIBED_FINDINGS = 10


def holder_texts(document: IdentityDocument) -> tuple[str, ...]:
    """The citizen's data as the kiosk could write it: as read (capitals), as shown (title case),
    and the birth date in ISO, French and MRZ (YYMMDD) forms."""
    given = document.given_names.replace("<", " ").split()[0]
    born = document.birth_date
    assert born is not None
    return (
        document.surname,
        document.surname.title(),
        given,
        given.title(),
        document.document_number,
        born.isoformat(),
        born.strftime("%d/%m/%Y"),
        born.strftime("%y%m%d"),
    )


NEEDLES = holder_texts(DEMO_CNIE)
#: What each needle is, in the findings (which never quote the citizen's data themselves: a test
#: report kept by pytest would otherwise be a holder found by the next test's heap search).
NEEDLE_NAMES = (
    "surname",
    "surname as shown",
    "given name",
    "given name as shown",
    "document number",
    "birth date ISO",
    "birth date as shown",
    "birth date MRZ",
)


def redact(finding: str) -> str:
    """``finding`` with each needle replaced by its name, longest first."""
    for text, name in sorted(zip(NEEDLES, NEEDLE_NAMES, strict=True), key=lambda pair: -len(pair[0])):
        finding = finding.replace(text, f"«{name}»")
    return finding


def photo_needle() -> bytes:
    image = demo_photo()[0]
    middle = len(image) // 2
    return image[middle : middle + PHOTO_SLICE]


# -- the kiosk, its directories, its logs and its traffic ------------------------------------


@dataclass
class AuditedKiosk:
    """Where the audit looks: the running pilot and everything it may have left behind."""

    pilot: KioskPilot
    directories: list[Path]
    log_file: Path
    fleet_data: Path
    traffic: Listener
    texts: tuple[str, ...] = NEEDLES
    blobs: tuple[bytes, ...] = field(default_factory=lambda: (photo_needle(),))


@pytest.fixture
def app_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """HOME, XDG, systemd's STATE_DIRECTORY and the temp directory, all under the test's own."""
    root = tmp_path / "kiosk"
    for variable, relative in APP_DIRECTORIES.items():
        directory = root / relative
        directory.mkdir(parents=True, exist_ok=True)
        monkeypatch.setenv(variable, str(directory))
    # tempfile remembers the directory it picked first: point it at ours too.
    monkeypatch.setattr(tempfile, "tempdir", str(root / "tmp"))
    return root


@pytest.fixture
def debug_log(tmp_path: Path) -> Iterator[Path]:
    """Every logger at DEBUG into one file for the test; levels and handlers restored after."""
    path = tmp_path / "kiosk.log"
    handler = logging.FileHandler(path, encoding="utf-8")
    handler.setLevel(logging.DEBUG)
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s %(threadName)s: %(message)s"))
    loggers = [logging.getLogger(), *logging.Logger.manager.loggerDict.values()]
    levels = {logger: logger.level for logger in loggers if isinstance(logger, logging.Logger)}
    for logger in levels:
        logger.setLevel(logging.DEBUG)
    logging.getLogger().addHandler(handler)
    yield path
    logging.getLogger().removeHandler(handler)
    handler.close()
    for logger, level in levels.items():
        logger.setLevel(level)


@pytest.fixture
def traffic(mosquitto: Broker) -> Iterator[Listener]:
    """Every MQTT message on the broker (``#``), as a dashboard or an eavesdropper would get it."""
    listener = Listener(mosquitto, ("#",))
    yield listener
    listener.close()


@pytest.fixture
def audited(
    display: str, app_root: Path, debug_log: Path, mosquitto: Broker, traffic: Listener
) -> Iterator[AuditedKiosk]:
    with KioskPilot(size=(1080, 1920), config=fleet_config(app_root, mosquitto)) as pilot:
        pilot.settle_until(lambda: pilot.kiosk.fleet.agent.connected, what="the agent connected")
        directories = [app_root, Path(os.environ["KIVY_HOME"])]
        yield AuditedKiosk(pilot, directories, debug_log, app_root / "fleet", traffic)


# -- driving a citizen's session ----------------------------------------------------------------


def open_renewal(pilot: KioskPilot) -> None:
    for target in ("start", "topic_papiers", "procedure_carte-identite", "continue", "choice_renouvellement"):
        pilot.tap(target)


def read_card(pilot: KioskPilot) -> None:
    """On the card step: consent, type the CAN, wait for the read, check it, confirm."""
    pilot.tap("read_card")
    pilot.tap("card_consent")
    for digit in DEMO_CAN:
        pilot.tap(f"can_{digit}")
    pilot.tap("can_ok")
    pilot.settle_until(lambda: pilot.screen != "identity_reading", timeout=30, what="the card read")
    assert pilot.screen == "identity_result"
    shown = " ".join(pilot.texts())
    # The audit is only worth something if the data was really there during the session (no
    # assert on the texts: a failure's report, kept by pytest, would quote them).
    if not all(needle in shown for needle in (NEEDLES[1], NEEDLES[3], NEEDLES[6])):
        raise AssertionError("the card's holder is not shown on the result screen")
    assert pilot.journey.session.identity_document is not None
    pilot.tap("card_confirm")


def answer_procedure(pilot: KioskPilot) -> None:
    """Answer each step (first choice, "Oui, je l'ai", "Continuer"), reading the card on its step."""
    for _ in range(40):
        if pilot.screen != "step":
            break
        ids = [i for i in pilot.ids() if not i.startswith("bar_")]
        if "read_card" in ids:
            read_card(pilot)
            continue
        pilot.tap(next(i for i in ids if i.startswith("choice_") or i in ("doc_yes", "continue")))
    assert pilot.screen == "summary"


def session_events(traffic: Listener) -> list[dict[str, object]]:
    messages = [m for m in list(traffic.received) if m.topic == event_topic(SITE, KIOSK)]
    return [event for event in map(json.loads, (m.payload for m in messages)) if event["kind"] == "session"]


def wait_for_session_events(traffic: Listener, count: int) -> None:
    traffic.wait_until(lambda _received: len(session_events(traffic)) >= count)


def finished_session(audited: AuditedKiosk) -> None:
    """Card read with a headset (what was read is said), procedure, print, help, "Terminer", feedback."""
    pilot = audited.pilot
    pilot.plug_headset(True)
    open_renewal(pilot)
    answer_procedure(pilot)
    assert any(NEEDLES[1] in text for text in pilot.heard), "what was read was said in private"
    pilot.tap("receipt")
    pilot.tap("print")
    assert pilot.kiosk.printer.printed
    pilot.tap("bar_help")
    assert pilot.screen == "help"
    pilot.tap("help_close")
    pilot.tap("finish")
    assert pilot.screen == "feedback"
    pilot.tap("face_3")
    assert pilot.screen == "home"
    pilot.plug_headset(False)


def idle_session(audited: AuditedKiosk) -> None:
    """In English, the card read, then nobody touches the kiosk until the warning runs out."""
    pilot = audited.pilot
    pilot.tap("start")
    pilot.tap("lang_en")
    for target in ("topic_papiers", "procedure_carte-identite", "continue", "choice_renouvellement"):
        pilot.tap(target)
    for _ in range(10):
        if "read_card" in pilot.ids():
            break
        pilot.tap("doc_yes")
    read_card(pilot)
    timeouts = pilot.config.timeouts
    pilot.advance(timeouts.idle_seconds)
    assert pilot.screen == "idle"
    pilot.advance(timeouts.warning_seconds)
    assert pilot.screen == "home" and not pilot.journey.session.active


# -- the searches -------------------------------------------------------------------------------


def found_in(data: bytes, texts: Iterable[str], blobs: Iterable[bytes]) -> list[str]:
    """Which texts (in any of FILE_ENCODINGS) and blobs ``data`` holds."""
    hits = [
        f"{text!r} ({encoding})"
        for text in texts
        for encoding in FILE_ENCODINGS
        if text.encode(encoding) in data
    ]
    return hits + [f"{len(blob)} bytes of the face image" for blob in blobs if blob in data]


def log_findings(audited: AuditedKiosk) -> list[str]:
    for handler in logging.getLogger().handlers:
        handler.flush()
    data = audited.log_file.read_bytes()
    return [f"log {audited.log_file.name}: {hit}" for hit in found_in(data, audited.texts, audited.blobs)]


def file_findings(audited: AuditedKiosk) -> list[str]:
    findings = []
    for directory in audited.directories:
        for path in sorted(directory.rglob("*")):
            if path.is_file() and not path.is_symlink():
                for hit in found_in(path.read_bytes(), audited.texts, audited.blobs):
                    findings.append(f"file {path}: {hit}")
    return findings


def traffic_findings(audited: AuditedKiosk) -> list[str]:
    findings = []
    for message in list(audited.traffic.received):
        data = message.topic.encode() + b"\n" + message.payload
        findings += [f"MQTT {message.topic}: {hit}" for hit in found_in(data, audited.texts, audited.blobs)]
    return findings


def outbox_findings(audited: AuditedKiosk) -> list[str]:
    """Every row of every table of the fleet's SQLite files, as text."""
    findings = []
    for path in sorted(audited.fleet_data.glob("*.sqlite3")):
        connection = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        try:
            tables = [
                row[0] for row in connection.execute("SELECT name FROM sqlite_master WHERE type='table'")
            ]
            for table in tables:
                for row in connection.execute(f'SELECT * FROM "{table}"'):  # noqa: S608 - names from the file
                    data = repr(row).encode() + b"".join(v for v in row if isinstance(v, bytes))
                    findings += [
                        f"outbox {path.name}:{table}: {hit}" for hit in found_in(data, audited.texts, ())
                    ]
        finally:
            connection.close()
    return findings


def kiosk_attribute_findings(audited: AuditedKiosk) -> list[str]:
    """``places_holding`` from the kiosk; paths through the simulated chip are its own data."""
    paths = places_holding(audited.pilot.kiosk, audited.texts, max_depth=12)
    return [
        f"kiosk attribute {path}" for path in paths if "._simulated" not in path and "._demo_card" not in path
    ]


# -- the heap -------------------------------------------------------------------------------------


def module_dictionaries() -> set[int]:
    """Module globals: walks stop there (they lead to every module, hence to everything)."""
    return {id(vars(module)) for module in list(sys.modules.values()) if hasattr(module, "__dict__")}


def next_objects(value: object) -> list[object]:
    """What a heap walk goes on to from ``value``: its referents, except through code.

    A function is followed to its closure and defaults only (not its globals), a frame to its
    locals and the frame below.
    """
    if isinstance(value, (*CODE_TYPES, *SHARED_TYPES)):
        return []
    if isinstance(value, types.FunctionType):
        return [*(value.__closure__ or ()), value.__defaults__, value.__kwdefaults__]
    return gc.get_referents(value)


def walk(roots: Iterable[object], stop: set[int]) -> dict[int, tuple[object, int | None]]:
    """Every object reachable from ``roots`` (id -> (object, id of the object it was reached
    from)), not going into ``stop``; strings and bytes are not entered (they hold nothing)."""
    reached: dict[int, tuple[object, int | None]] = {}
    queue = deque((root, None) for root in roots)
    while queue:
        value, parent = queue.popleft()
        if value is None or id(value) in reached or id(value) in stop or isinstance(value, str | bytes):
            continue
        reached[id(value)] = (value, parent)
        queue.extend((child, id(value)) for child in next_objects(value))
    return reached


def holders(objects: list[object], ignore: set[int]) -> Iterator[object]:
    """``objects`` (the collector's), and the containers it does not track inside them: a dict or
    a tuple holding only strings, numbers and dates is untracked, so only its owner is listed."""
    seen: set[int] = set()
    for holder in objects:
        if id(holder) in ignore:
            continue
        yield holder
        if isinstance(holder, CODE_TYPES):
            continue
        inner = [item for item in gc.get_referents(holder) if isinstance(item, dict | tuple)]
        while inner:
            container = inner.pop()
            if gc.is_tracked(container) or id(container) in seen or id(container) in ignore:
                continue
            seen.add(id(container))
            yield container
            inner += [item for item in gc.get_referents(container) if isinstance(item, dict | tuple)]


def held_texts(holder: object) -> list[object]:
    """The strings and bytes ``holder`` itself keeps; docstrings and names of code are left out."""
    if isinstance(holder, (*CODE_TYPES, types.FunctionType)):
        return []
    if isinstance(holder, dict):
        referents = [item for key, value in holder.items() for item in (key, value) if key != "__doc__"]
    else:
        referents = gc.get_referents(holder)
    return [item for item in referents if isinstance(item, str | bytes | bytearray | dt.date)]


def matches(value: object, texts: tuple[str, ...], blobs: tuple[bytes, ...]) -> str | None:
    """Which needle ``value`` holds: a text, the birth date as a date, or the face image."""
    if isinstance(value, dt.date):
        return "the birth date" if value == DEMO_CNIE.birth_date else None
    if isinstance(value, str):
        return next((repr(text) for text in texts if text in value), None)
    if not isinstance(value, bytes | bytearray):
        return None
    encoded = [(repr(text), text.encode()) for text in texts] + [("the face image", blob) for blob in blobs]
    return next((name for name, needle in encoded if needle in value), None)


#: Containers shown by their subscript alone in a path; other objects also show their type.
PLAIN_TYPES = (dict, list, tuple, set, frozenset, deque)


def edge(parent: object, child: object, attributes: bool) -> str:
    """How ``parent`` holds ``child``, as readably as the collector allows; ``attributes``: the
    parent is an object's ``__dict__`` (its keys are attribute names)."""
    if isinstance(parent, dict):
        key = next((key for key, value in parent.items() if value is child), None)
        step = f".{key}" if attributes and isinstance(key, str) else f"[{key!r}]"
    elif isinstance(parent, list | tuple | deque):
        step = f"[{next((i for i, item in enumerate(parent) if item is child), '?')}]"
    else:
        names = [name for name, value in getattr(parent, "__dict__", {}).items() if value is child]
        step = f".{names[0]}" if names else " → "
    return step if isinstance(child, PLAIN_TYPES) else f"{step}<{type(child).__qualname__}>"


def kiosk_path(reached: dict[int, tuple[object, int | None]], holder: object) -> str:
    """``kiosk.root._screens['PageScreen-0']<PageScreen>...``: how the kiosk reaches ``holder``."""
    chain: list[object] = []
    current: int | None = id(holder)
    while current is not None:
        value, current = reached[current]
        chain.append(value)
    chain.reverse()
    path, attributes = "kiosk", False
    for parent, child in zip(chain, chain[1:], strict=False):
        if child is getattr(parent, "__dict__", None):
            attributes = True  # the next step is an attribute's name
            continue
        path += edge(parent, child, attributes)
        attributes = False
    return path


def referrers(holder: object, ignore: set[int], depth: int = 4) -> str:
    """A few of what holds ``holder`` (for a finding the kiosk does not reach)."""
    chain = [type(holder).__qualname__]
    for _ in range(depth):
        up = [
            r for r in gc.get_referrers(holder) if id(r) not in ignore and not isinstance(r, types.FrameType)
        ]
        if not up:
            break
        holder = up[0]
        chain.append(type(holder).__qualname__)
    return " ← ".join(chain)


def allowed_roots(audited: AuditedKiosk) -> list[object]:
    """What may keep the holder's data: the simulated chip, the fake documents, the test's records."""
    reader = audited.pilot.kiosk.card_reader
    roots: list[object] = [
        getattr(reader, "_simulated", None),
        getattr(reader, "_demo_card", None),
        audited.pilot.utterances,
        audited.traffic.received,
        audited.texts,
        audited.blobs,
        linecache.cache,  # source lines of code that formatted a traceback
    ]
    # pytest's log capture keeps every record of the test, with its arguments: an exception
    # logged at DEBUG (PIL's optional plugins) keeps its traceback's frames, locals and all.
    roots += [handler.records for handler in logging.getLogger().handlers if hasattr(handler, "records")]
    for name, module in list(sys.modules.items()):
        # The simulator's globals (its demo documents, the cached demo photo) and the fake card.
        if name.startswith(SIMULATOR_MODULES):
            roots += list(vars(module).values())
    return roots


def describe(value: object) -> str:
    if isinstance(value, str):
        return repr(value[:80])
    return f"{len(value)} bytes" if isinstance(value, bytes | bytearray) else type(value).__name__


def heap_findings(audited: AuditedKiosk) -> list[str]:
    """See the module docstring: every holder of a needle that is not excused."""
    test_thread = threading.main_thread().ident
    test_locals: list[dict[str, object]] = []
    for thread, frame in sys._current_frames().items():
        while frame is not None:
            # A running frame shows its locals to the collector only through f_locals (a dict
            # it keeps): other threads' locals are then searched like any other holder.
            if thread == test_thread:
                test_locals.append(frame.f_locals)
            else:
                frame.f_locals  # noqa: B018 - materialised for the search
            frame = frame.f_back
    gc.collect()
    kiosk = audited.pilot.kiosk
    modules = module_dictionaries()
    reader = kiosk.card_reader
    chip = {id(getattr(reader, "_simulated", None)), id(getattr(reader, "_demo_card", None))}
    # The pilot is the test's driver, not the kiosk (the kiosk's quit callback leads to it).
    reached = walk([kiosk], modules | chip | {id(audited.pilot)})
    allowed = set(walk(allowed_roots(audited), modules | set(reached)))
    for frame_locals in test_locals:
        # The test thread's locals and the containers among them are the test's own records
        # (its needles, its earlier findings), unless the kiosk reaches them.
        allowed.add(id(frame_locals))
        allowed.update(id(local) for local in frame_locals.values() if id(local) not in reached)
    objects = gc.get_objects()
    ignore = allowed | {id(objects), id(reached), id(test_locals)}
    found: list[tuple[object, str, object]] = []
    from kivy.graphics.texture import Texture

    _image, *face_size = demo_photo()
    for holder in holders(objects, ignore):
        # A face shown on screen lives on as a texture (its pixels are not searchable bytes).
        if isinstance(holder, Texture) and list(holder.size) == face_size:
            found.append((holder, "the face image", "a texture of its size"))
        for value in held_texts(holder):
            needle = matches(value, audited.texts, audited.blobs)
            if needle is not None:
                found.append((holder, needle, value))
    mine = ignore | {id(found), *(id(entry) for entry in found)}
    findings = []
    for count, (holder, needle, value) in zip(itertools.count(), found, strict=False):
        if id(holder) in reached:
            where = kiosk_path(reached, holder)
        else:
            where = referrers(holder, mine) if count < DESCRIBED_FINDINGS else type(holder).__qualname__
        findings.append(f"heap: {needle} in {describe(value)} held by {where}")
    del objects, found
    return findings


def written_or_sent(audited: AuditedKiosk) -> list[str]:
    """Where the citizen's data was found outside the process: logs, files, fleet messages."""
    findings = log_findings(audited) + file_findings(audited) + traffic_findings(audited)
    return [redact(finding) for finding in findings + outbox_findings(audited)]


def kept_in_memory(audited: AuditedKiosk) -> list[str]:
    """Where the citizen's data was found in the process's memory."""
    return [redact(finding) for finding in kiosk_attribute_findings(audited) + heap_findings(audited)]


def audit(audited: AuditedKiosk) -> list[str]:
    """Every place the citizen's data was found (empty: none)."""
    return kept_in_memory(audited) + written_or_sent(audited)


def expect_none(findings: list[str], error: type[AssertionError] = AssertionError) -> None:
    """Fail with the findings one a line (no assert: pytest would show the list's repr too)."""
    if findings:
        raise error(f"{len(findings)} finding(s):\n" + "\n".join(findings))


def assert_audit_looked(audited: AuditedKiosk) -> None:
    """The searches had something to search: a log, the outbox, the traffic."""
    assert audited.log_file.stat().st_size > 0
    assert list(audited.fleet_data.glob("*.sqlite3")), "no outbox file: the fleet data dir is not ours"
    assert any(m.topic.endswith("/state") for m in audited.traffic.received)


# -- the audit ------------------------------------------------------------------------------------


def test_no_trace_of_the_citizen_after_a_finished_session_then_a_timed_out_one(
    audited: AuditedKiosk,
) -> None:
    finished_session(audited)
    wait_for_session_events(audited.traffic, 1)
    expect_none(written_or_sent(audited))
    expect_none(kept_in_memory(audited))
    idle_session(audited)
    wait_for_session_events(audited.traffic, 2)
    expect_none(written_or_sent(audited))
    expect_none(kept_in_memory(audited))
    assert_audit_looked(audited)
    (finished, timed_out) = session_events(audited.traffic)
    assert finished["outcome"] == "completed" and finished["help_asked"] is True
    assert timed_out["language"] == "en" and "card_read" in timed_out["accessibility"]


# -- the audit can fail -----------------------------------------------------------------------


def missing(findings: list[str], expected: dict[str, str]) -> list[str]:
    """The names of the ``expected`` findings (name -> a part of its text) not among ``findings``."""
    return [name for name, text in expected.items() if not any(text in finding for finding in findings)]


def test_the_audit_finds_what_a_session_did_not_wipe(
    audited: AuditedKiosk, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(Session, "wipe", lambda self: None)
    open_renewal(audited.pilot)
    answer_procedure(audited.pilot)
    audited.pilot.journey.end_session()
    audited.pilot.settle()
    findings = kept_in_memory(audited)
    expected = {
        "attribute": "kiosk attribute root.journey.session.identity_document.surname",
        "heap": "held by kiosk.journey<Journey>.session<Session>.identity_document<IdentityDocument>",
    }
    assert missing(findings, expected) == [], "\n".join(findings)


def test_the_audit_finds_a_leak_planted_in_each_place(audited: AuditedKiosk) -> None:
    pilot = audited.pilot
    surname, shown_surname, _given, shown_given, number, _iso, shown_birth, _mrz = NEEDLES
    logging.getLogger("kiosk.planted").debug("citizen %s", surname)
    planted_file = audited.directories[0] / "home" / ".cache" / "planted.txt"
    planted_file.write_bytes(f"born {shown_birth}".encode("utf-16-le"))
    audited.traffic.publish(event_topic(SITE, KIOSK) + "/planted", f"number {number}".encode())
    audited.traffic.wait_for(lambda m: m.topic.endswith("/planted"))
    pilot.journey.planted = {"who": f"{shown_given} {shown_surname}"}
    pilot.labels()[0].text = f"{shown_given}!"  # inside a Kivy widget's property storage
    pilot.settle()
    findings = audit(audited)
    expected = {
        "log": "log kiosk.log: '«surname»' (utf-8)",
        "file": "planted.txt: '«birth date as shown»' (utf-16-le)",
        "mqtt": "/planted: '«document number»' (utf-8)",
        "attribute": "kiosk attribute root.journey.planted['who']",
        "heap, attribute": "held by kiosk.journey<Journey>.planted",
        "heap, label": "'«given name as shown»' in '«given name as shown»!'",
    }
    assert missing(findings, expected) == [], "\n".join(findings)


def test_the_needles_are_the_demo_card_holders() -> None:
    # A guard on the derivation: the demo card's holder was born on 12 April 1990.
    assert DEMO_CNIE.birth_date == dt.date(1990, 4, 12)
    assert len(set(NEEDLES)) == len(NEEDLES) == 8 and all(len(text) >= 6 for text in NEEDLES)
