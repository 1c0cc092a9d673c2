"""The kiosk's journey as a plain-Python state machine: where the citizen is and what each tap does."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import Protocol

from devices.receipt import PrinterError, PrinterFault, ReceiptDocument, ReceiptPrinter
from fleet.help import HelpChannel, HelpRequest
from kiosk import pages
from kiosk.config import SiteConfig
from kiosk.content import Catalogue
from kiosk.engine import ProcedureRun
from kiosk.i18n import Translator, translator
from kiosk.idle import IdleState, IdleTimer
from kiosk.mediator import PinLock
from kiosk.receipt import build_receipt
from kiosk.session import Session
from kiosk.viewmodels import Page

logger = logging.getLogger(__name__)

#: Digits a PIN may have at most (the pad ignores more).
PIN_MAX_DIGITS = 12


class Speaker(Protocol):
    """The speech hook: the accessibility library's speech manager fits it."""

    @property
    def available(self) -> bool: ...

    @property
    def paused(self) -> bool: ...

    def speak(self, content: str, language: str = "fr") -> None: ...

    def stop(self) -> None: ...

    def reset(self) -> None: ...

    def repeat(self) -> None: ...

    def pause(self) -> None: ...

    def resume(self) -> None: ...

    def slower(self) -> float: ...

    def faster(self) -> float: ...

    def volume_up(self) -> float: ...

    def volume_down(self) -> float: ...


#: Runs a blocking job off the UI thread, then hands its result (or exception) back on the UI thread.
Background = Callable[[Callable[[], object], Callable[[object], None]], None]


@dataclass(frozen=True)
class Location:
    """Where the citizen is; the page is rendered from it, so a language change keeps the place."""

    name: str
    theme: str | None = None
    page: int = 0
    message: str = ""
    show_qr: bool = False
    preview: bool = False


HOME = Location("home")


class KioskController:
    """Owns the session and the navigation; every public method is called on the UI thread."""

    def __init__(
        self,
        config: SiteConfig,
        catalogue: Catalogue,
        speech: Speaker,
        printer: ReceiptPrinter,
        help_channel: HelpChannel,
        clock: Callable[[], float],
        background: Background,
        on_page: Callable[[Page], None],
        on_quit: Callable[[], None],
        reload_catalogue: Callable[[Catalogue], Catalogue],
        device_status: Callable[[], list[tuple[str, str]]],
    ) -> None:
        self.config = config
        self.catalogue = catalogue
        self.speech = speech
        self.printer = printer
        self.help_channel = help_channel
        self.clock = clock
        self._background = background
        self._on_page = on_page
        self._on_quit = on_quit
        self._reload_catalogue = reload_catalogue
        self._device_status = device_status
        self.session = Session(default_language=config.languages.default)
        self.session.wipe()
        self.session.reduce_motion = config.display.reduce_motion
        timeouts = config.timeouts
        self.idle = IdleTimer(timeouts.idle_seconds, timeouts.warning_seconds, timeouts.max_extensions)
        self.pin_lock = PinLock(config.mediator.pin_hash, clock)
        self.pin_entry = ""
        self.last_receipt: ReceiptDocument | None = None
        #: "headset" when a headset is plugged in: then speech is private (EN 301 549 5.1.3.9).
        self.audio_route = "speaker"
        self.speech_working = speech.available
        self.location = HOME
        self._history: list[Location] = []
        self.page: Page = self.render()

    # -- rendering ---------------------------------------------------------------------------

    @property
    def tr(self) -> Translator:
        return translator(self.session.language)

    def render(self) -> Page:
        return pages.render(self, self.location)

    def show(self, location: Location, remember: bool = True) -> None:
        """Go to ``location``; ``remember`` lets "Retour" come back to where the citizen was."""
        if remember and self.location != location:
            self._history.append(self.location)
        self.location = location
        self.refresh(speak=True)

    def refresh(self, speak: bool = False) -> None:
        self.page = self.render()
        self._on_page(self.page)
        if speak and (self.session.speech_mode or self.location.name == "idle"):
            self.speech.speak(self.page.spoken, language=self.session.language)
        elif speak:
            self.speech.stop()

    @property
    def private_listening(self) -> bool:
        """Identity data may be spoken: a headset is plugged in, or the citizen agreed."""
        return self.audio_route == "headset" or self.session.identity_speech_agreed

    # -- speech and audio --------------------------------------------------------------------

    def speech_unavailable(self) -> None:
        """The speech engine failed: say so on screen and tell the mediators. Never fatal."""
        if not self.speech_working:
            return
        self.speech_working = False
        self.help_channel.request_help(
            HelpRequest(self.config.kiosk_id, self.location.name, None, "speech_unavailable")
        )
        self.refresh()

    def headset(self, plugged: bool) -> None:
        """The audio layer saw the headset jack change: plugging in turns speech mode on."""
        self.audio_route = "headset" if plugged else "speaker"
        if plugged and not self.session.speech_mode:
            self.session.speech_mode = True
            self.session.statistics.features.add("headset")
        self.refresh(speak=plugged)

    def keypad_help(self) -> None:
        """The keypad's help key: on the welcome screen it first turns speech on (no sight needed)."""
        if self.location.name == "home" and not self.session.speech_mode:
            self.toggle_speech_mode()
        else:
            self.ask_help()

    def speech_repeat(self) -> None:
        self.speech.repeat()

    def speech_pause(self) -> None:
        if self.speech.paused:
            self.speech.resume()
        else:
            self.speech.pause()
        self.refresh()

    def speech_slower(self) -> None:
        self._adjust_speech(self.speech.slower, self.tr("Je parle plus lentement."))

    def speech_faster(self) -> None:
        self._adjust_speech(self.speech.faster, self.tr("Je parle plus vite."))

    def volume_up(self) -> None:
        self._adjust_speech(self.speech.volume_up, self.tr("Plus fort."))

    def volume_down(self) -> None:
        self._adjust_speech(self.speech.volume_down, self.tr("Moins fort."))

    def _adjust_speech(self, change: Callable[[], float], sample: str) -> None:
        """Change rate or volume, then say a short sample so the citizen hears the result."""
        change()
        self.speech.speak(sample, language=self.session.language)

    # -- display settings --------------------------------------------------------------------

    def open_settings(self) -> None:
        self.show(Location("settings"))

    def cycle_theme(self) -> None:
        themes = ["default", "high_contrast", "light"]
        self.session.theme = themes[(themes.index(self.session.theme) + 1) % len(themes)]
        self.session.statistics.features.add(f"theme:{self.session.theme}")
        self.refresh(speak=True)

    def toggle_motion(self) -> None:
        self.session.reduce_motion = not self.session.reduce_motion
        self.refresh(speak=True)

    # -- persistent bar ----------------------------------------------------------------------

    def go_home(self) -> None:
        """ "Accueil": during a session, back to the catalogue; the session goes on."""
        if self.location.name.startswith("mediator"):
            self.close_mediator()
        elif self.session.active:
            self._history.clear()
            self.show(Location("catalogue"), remember=False)
        else:
            self.show(HOME, remember=False)

    def back(self) -> None:
        """ "Retour": one screen back, forgetting the answer given there."""
        run = self.session.run
        if self.location.name == "step" and run is not None and run.back():
            self.refresh(speak=True)
            return
        if self.location.name == "summary" and run is not None and run.back():
            self.location = Location("step")
            self.refresh(speak=True)
            return
        if self._history:
            self.location = self._history.pop()
            if self.location.name in ("home", "catalogue"):
                self.session.run = None
            self.refresh(speak=True)

    def listen(self) -> None:
        """ "Écouter": say the current screen now."""
        self.session.statistics.features.add("speech")
        self.speech.speak(self.page.spoken, language=self.session.language)

    def bigger_text(self) -> None:
        self.session.next_text_scale()
        self.refresh(speak=self.location.name == "settings")

    def ask_help(self, reason: str = "help_button") -> None:
        """ "Appeler un conseiller": the request goes out and the citizen is told someone comes."""
        run = self.session.run
        self.help_channel.request_help(
            HelpRequest(
                kiosk_id=self.config.kiosk_id,
                screen=self.location.name,
                procedure_id=run.procedure.id if run else None,
                reason=reason,
            )
        )
        self.session.statistics.help_requested = True
        if self.location.name != "help":
            self.show(Location("help"))

    # -- home and catalogue ------------------------------------------------------------------

    def choose_language(self, language: str) -> None:
        """Change language anywhere; the citizen stays on the same screen with the same answers."""
        self.session.language = language
        if language != self.config.languages.default:
            self.session.statistics.features.add(f"language:{language}")
        self.refresh(speak=True)

    def toggle_speech_mode(self) -> None:
        self.session.speech_mode = not self.session.speech_mode
        if self.session.speech_mode:
            self.session.statistics.features.add("speech")
            self.refresh(speak=True)
        else:
            self.speech.stop()
            self.refresh()

    def start(self) -> None:
        if not self.session.active:
            self.session.start(self.clock())
            self.idle.restart(self.clock())
        self._history.clear()
        self.show(Location("catalogue"))

    def open_theme(self, theme: str) -> None:
        self.show(Location("catalogue", theme=theme))

    def turn_catalogue_page(self) -> None:
        self.show(replace(self.location, page=self.location.page + 1))

    def open_procedure(self, procedure_id: str, preview: bool = False) -> None:
        procedure = self.catalogue.procedures[procedure_id]
        self.session.run = ProcedureRun(procedure)
        if not preview:
            self.session.statistics.procedure_id = procedure_id
        self.show(Location("step", preview=preview))

    # -- procedure steps ---------------------------------------------------------------------

    def answer(self, choice_id: str) -> None:
        self._step(lambda run: run.answer(choice_id))

    def answer_document(self, has_it: bool) -> None:
        self._step(lambda run: run.answer_document(has_it))

    def proceed(self) -> None:
        self._step(lambda run: run.proceed())

    def _step(self, move: Callable[[ProcedureRun], None]) -> None:
        run = self.session.run
        if run is None:
            return
        move(run)
        if run.finished:
            self.location = Location("summary", preview=self.location.preview)
        self.refresh(speak=True)

    # -- summary, receipt, feedback ----------------------------------------------------------

    def open_receipt(self, show_qr: bool = False) -> None:
        self.show(Location("receipt", show_qr=show_qr, preview=self.location.preview))

    def print_receipt(self) -> None:
        run = self.session.run
        if run is None:
            return
        document = build_receipt(run, self.config, self.tr, self.session.language)
        self.location = replace(self.location, message="printing")
        self.refresh(speak=True)
        self.last_receipt = document
        self._background(lambda: self.printer.print_receipt(document), self._printed)

    def _printed(self, outcome: object) -> None:
        if self.location.name != "receipt":
            return
        if isinstance(outcome, PrinterError):
            self.location = replace(self.location, message="printer:" + outcome.fault.value, show_qr=True)
            self.help_channel.request_help(
                HelpRequest(self.config.kiosk_id, "receipt", None, f"printer_{outcome.fault.value}")
            )
        elif isinstance(outcome, Exception):
            logger.error("printing failed: %s", type(outcome).__name__)
            fault = PrinterFault.OFFLINE.value
            self.location = replace(self.location, message="printer:" + fault, show_qr=True)
        else:
            self.location = replace(self.location, message="printed")
        self.refresh(speak=True)

    def finish(self) -> None:
        if self.location.preview:
            self.session.run = None
            self.mediator_screen("mediator")
            return
        if self.session.run is not None and self.session.run.finished:
            self.session.statistics.completed = True
        self.show(Location("feedback"))

    def give_feedback(self, score: int | None) -> None:
        self.session.statistics.satisfaction = score
        self.end_session()

    def end_session(self) -> None:
        """Wipe the citizen's session and go back to the welcome screen."""
        statistics = self.session.statistics
        logger.info(
            "session ended: procedure=%s completed=%s help=%s satisfaction=%s",
            statistics.procedure_id,
            statistics.completed,
            statistics.help_requested,
            statistics.satisfaction,
        )
        self.session.wipe()
        self.session.reduce_motion = self.config.display.reduce_motion
        self.speech.reset()
        self.pin_entry = ""
        self.last_receipt = None
        self._history.clear()
        self.location = HOME
        self.refresh()

    # -- idle --------------------------------------------------------------------------------

    def activity(self) -> None:
        """A touch or key press somewhere: the citizen is there."""
        self.idle.activity(self.clock())

    def tick(self) -> None:
        """Called a few times a second by the application."""
        if self.location.name == "mediator_pin":
            self._refresh_if_changed()
        if not self.session.active:
            return
        now = self.clock()
        change = self.idle.tick(now)
        if change is IdleState.WARNING:
            self.show(Location("idle"))
        elif change is IdleState.EXPIRED:
            self.end_session()
        elif self.location.name == "idle":
            self._refresh_if_changed()

    def _refresh_if_changed(self) -> None:
        """Redraw a screen with a countdown only when what it shows has changed."""
        page = self.render()
        enabled = [action.enabled for action in page.actions]
        if page.lines != self.page.lines or enabled != [a.enabled for a in self.page.actions]:
            self.page = page
            self._on_page(page)

    def still_here(self) -> None:
        if self.idle.extend(self.clock()):
            self.back()

    # -- mediator ----------------------------------------------------------------------------

    def open_mediator(self) -> None:
        """The long press on the corner (or the keypad combination): the PIN pad."""
        if not self.location.name.startswith("mediator"):
            self.pin_entry = ""
            self.show(Location("mediator_pin"))

    def pin_digit(self, digit: str) -> None:
        if len(self.pin_entry) < PIN_MAX_DIGITS:
            self.pin_entry += digit
        self.location = replace(self.location, message="")
        self.refresh()
        if self.session.speech_mode:
            # A masked entry is never echoed aloud: only that a digit was typed.
            self.speech.speak(self.tr("Chiffre saisi"), language=self.session.language)

    def pin_clear(self) -> None:
        self.pin_entry = ""
        self.refresh()

    def pin_submit(self) -> None:
        entry, self.pin_entry = self.pin_entry, ""
        if self.pin_lock.try_pin(entry):
            self.show(Location("mediator"), remember=False)
            return
        self.location = replace(self.location, message="wrong")
        self.refresh(speak=True)
        if not self.session.speech_mode and self.page.lines:
            # An error is always said aloud, even with speech mode off (EN 301 549 5.1.3.15).
            self.speech.speak(self.page.lines[0].text, language=self.session.language)

    def close_mediator(self) -> None:
        while self._history and self._history[-1].name.startswith("mediator"):
            self._history.pop()
        self.location = self._history.pop() if self._history else HOME
        self.refresh(speak=True)

    def mediator_screen(self, name: str, message: str = "") -> None:
        self.show(Location(name, message=message), remember=False)

    def test_print(self) -> None:
        document = pages.test_receipt(self)
        self._background(
            lambda: self.printer.print_receipt(document),
            lambda outcome: self.mediator_screen(
                "mediator", "test_failed" if isinstance(outcome, Exception) else "test_printed"
            ),
        )

    def reload_content(self) -> None:
        """Read the content again; refused files keep their last good version."""
        self.catalogue = self._reload_catalogue(self.catalogue)
        self.mediator_screen("mediator_status", message="reloaded")

    def open_preview(self) -> None:
        self.show(Location("mediator_preview", preview=True))

    def device_status(self) -> list[tuple[str, str]]:
        return self._device_status()

    def mediator_end_session(self) -> None:
        self.end_session()

    def quit(self) -> None:
        self.end_session()
        self._on_quit()
