"""End to end, under Xvfb: citizens complete procedures by taps only on the real Kivy app."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from kiosk.testing import KioskPilot

from support.tours import every_screen

pytestmark = pytest.mark.gui

PORTRAIT = (1080, 1920)
LANDSCAPES = [(1920, 1080), (1280, 800)]


@pytest.fixture
def pilot(display: str) -> Iterator[KioskPilot]:
    with KioskPilot(size=PORTRAIT) as running:
        yield running
    assert not running.leaked, "the kiosk's widget tree was not freed"


def open_procedure(pilot: KioskPilot, topic: str, procedure: str) -> None:
    pilot.tap("start")
    assert pilot.screen == "catalogue"
    for _ in range(3):
        if f"topic_{topic}" in pilot.ids():
            break
        pilot.tap("more")
    pilot.tap(f"topic_{topic}")
    pilot.tap(f"procedure_{procedure}")
    assert pilot.screen == "step"


def answer_until_summary(pilot: KioskPilot, choice: int = 0, has_documents: bool = True) -> list[str]:
    progress: list[str] = []
    for _ in range(40):
        if pilot.screen != "step":
            break
        texts = pilot.texts()
        progress += [t for t in texts if t.startswith("Étape ")]
        ids = [w["id"] for w in pilot.widgets() if not w["id"].startswith("bar_")]
        choices = [i for i in ids if i.startswith("choice_")]
        if choices:
            pilot.tap(choices[min(choice, len(choices) - 1)])
        elif "doc_yes" in ids:
            pilot.tap("doc_yes" if has_documents else "doc_no")
        else:
            pilot.tap("continue")
    assert pilot.screen == "summary"
    return progress


@pytest.mark.parametrize(
    ("topic", "procedure", "choice", "expected"),
    [
        ("papiers", "carte-identite", 0, "Gratuit"),
        ("etat_civil", "acte-de-naissance", 0, "gratuit"),
        ("travail", "inscription-france-travail", 0, "France Travail"),
    ],
)
def test_a_citizen_completes_a_procedure_by_taps_only(
    pilot: KioskPilot, artifacts: Path, topic: str, procedure: str, choice: int, expected: str
) -> None:
    open_procedure(pilot, topic, procedure)
    progress = answer_until_summary(pilot, choice=choice, has_documents=False)
    assert progress[0].startswith("Étape 1 sur ")
    summary = " ".join(pilot.texts())
    assert expected.lower() in summary.lower()
    assert "Récapitulatif" in summary
    pilot.screenshot(artifacts / "screens" / f"summary-{procedure}.png")
    pilot.tap("receipt")
    assert pilot.screen == "receipt"
    pilot.tap("Imprimer")  # returns once the background job has printed and the screen says so
    assert "Votre papier est imprimé. Prenez-le sous l'écran." in pilot.texts()
    assert pilot.kiosk.printer.printed
    pilot.tap("finish")
    assert pilot.screen == "feedback"
    pilot.tap("face_3")
    assert pilot.screen == "home"
    assert pilot.journey.session.run is None


def test_a_printer_out_of_paper_is_known_before_printing_and_the_qr_code_shows(
    pilot: KioskPilot, artifacts: Path
) -> None:
    open_procedure(pilot, "papiers", "carte-identite")
    answer_until_summary(pilot, has_documents=False)
    pilot.tap("receipt")
    pilot.kiosk.printer.set_paper("out")
    pilot.kiosk.health.poll_now()  # the monitor's next poll, now: its report reaches the UI thread
    pilot.settle()
    assert "L'imprimante ne marche pas pour le moment." in pilot.texts()
    pilot.screenshot(artifacts / "screens" / "receipt-paper-out.png")
    assert not pilot.kiosk.printer.printed
    pilot.kiosk.printer.set_paper("ok")
    pilot.kiosk.health.poll_now()
    pilot.settle()
    assert "L'imprimante ne marche pas pour le moment." not in pilot.texts()
    pilot.tap("Imprimer")
    assert pilot.kiosk.printer.printed


def test_a_printer_that_goes_offline_or_stops_midway_is_told_kindly(pilot: KioskPilot) -> None:
    open_procedure(pilot, "papiers", "carte-identite")
    answer_until_summary(pilot, has_documents=False)
    pilot.tap("receipt")
    pilot.kiosk.printer.set_online(False)  # switched off since the last poll: found when printing
    pilot.tap("Imprimer")
    assert "L'imprimante ne marche pas. Regardez le QR code. Un conseiller est prévenu." in pilot.texts()
    assert pilot.kiosk.help_channel.sent[-1].reason.value == "printer_offline"
    pilot.kiosk.printer.set_online(True)
    pilot.kiosk.printer.interrupt_next_receipt()
    pilot.tap("Imprimer")
    assert "L'impression s'est arrêtée. Votre papier est peut-être incomplet." in pilot.texts()
    assert "Imprimer encore" in pilot.texts()
    pilot.kiosk.printer.set_paper("ok")  # the mediator, told, puts a new roll in
    pilot.tap("Imprimer encore")
    assert "Votre papier est imprimé. Prenez-le sous l'écran." in pilot.texts()


def test_a_touch_down_without_release_does_nothing(pilot: KioskPilot) -> None:
    touch = pilot.press_only("start")
    assert pilot.screen == "home"
    touch.touch_up()
    pilot.settle()
    assert pilot.screen == "catalogue"


def test_idle_warning_is_shown_spoken_extendable_then_wipes(pilot: KioskPilot) -> None:
    timeouts = pilot.config.timeouts
    open_procedure(pilot, "papiers", "carte-identite")
    pilot.tap("bar_bigger")
    pilot.tap("continue")
    for _ in range(10):
        pilot.advance(timeouts.idle_seconds)
        assert pilot.screen == "idle"
        assert any("effacé dans" in text for text in pilot.texts())
        assert any("encore là" in text for text in pilot.spoken)
        pilot.advance(timeouts.warning_seconds - 5)
        pilot.tap("Je suis encore là")
        assert pilot.screen == "step"
    pilot.advance(timeouts.idle_seconds)
    pilot.advance(timeouts.warning_seconds)
    assert pilot.screen == "home"
    session = pilot.journey.session
    assert session.run is None and session.text_scale == 1.0 and not session.active
    # Nothing of the session is kept; the goodbye is the one thing said since.
    assert pilot.kiosk.speech.history == ["Le temps est passé. Vos réponses sont effacées. Au revoir."]


def test_a_kiosk_left_in_english_on_the_help_screen_greets_the_next_visitor_in_french(
    pilot: KioskPilot,
) -> None:
    timeouts = pilot.config.timeouts
    pilot.tap("lang_en")
    pilot.tap("listen_toggle")
    pilot.tap("bar_bigger")
    pilot.tap("bar_help")
    assert pilot.screen == "help" and not pilot.journey.session.active
    said = len(pilot.kiosk.speech.history)
    pilot.advance(timeouts.idle_seconds + timeouts.warning_seconds)
    assert pilot.screen == "home"
    assert "Touchez l'écran pour commencer" in " ".join(pilot.texts())
    assert pilot.journey.session.untouched and pilot.kiosk.style.scale == 1.0
    assert len(pilot.kiosk.speech.history) <= said, "nothing is said: nobody is there"


def test_mediator_corner_pin_lockout_then_menu(pilot: KioskPilot, artifacts: Path) -> None:
    pilot.touch(5, PORTRAIT[1] - 5, hold=1.0)
    assert pilot.screen == "home", "a short press on the corner does nothing"
    pilot.touch(5, PORTRAIT[1] - 5, hold=pilot.config.mediator.long_press_seconds + 0.3)
    assert pilot.screen == "mediator_pin"
    for _ in range(5):
        for digit in "1357":
            pilot.tap(f"pin_{digit}")
        pilot.tap("pin_ok")
    assert any("Trop d'essais" in text for text in pilot.texts())
    pilot.screenshot(artifacts / "screens" / "mediator_pin-locked.png")
    for digit in "2468":
        pilot.tap(f"pin_{digit}")
    pilot.tap("pin_ok")
    assert pilot.screen == "mediator_pin", "the right PIN is refused while locked"
    pilot.advance(300)
    assert pilot.screen == "home", "a pad left untouched closes, as any screen outside a session"
    pilot.touch(5, PORTRAIT[1] - 5, hold=pilot.config.mediator.long_press_seconds + 0.3)
    for digit in "2468":
        pilot.tap(f"pin_{digit}")
    assert not any("2468" in text for text in pilot.texts())
    pilot.tap("pin_ok")
    assert pilot.screen == "mediator"
    pilot.tap("mediator_status")
    assert any("Imprimante" in text for text in pilot.texts())
    # Xvfb has no graphics chip: the mediator reads that the screen is slow, and whom to call.
    assert any(text.startswith("Écran : marche. L'écran est lent.") for text in pilot.texts())
    pilot.screenshot(artifacts / "screens" / "mediator_status.png")


def test_help_button_calls_a_mediator_from_any_screen(pilot: KioskPilot) -> None:
    open_procedure(pilot, "papiers", "passeport")
    pilot.tap("bar_help")
    assert pilot.screen == "help"
    assert "Un conseiller va venir vous aider." in pilot.texts()
    assert pilot.kiosk.help_channel.sent[-1].screen == "step"
    pilot.tap("help_close")
    assert pilot.screen == "step"


def test_language_change_on_a_step_keeps_progress(pilot: KioskPilot) -> None:
    open_procedure(pilot, "papiers", "carte-identite")
    pilot.tap("continue")
    assert {"Étape 2 sur 11", "Votre situation"} <= set(pilot.texts())
    answered = dict(pilot.journey.session.run.answers)
    pilot.tap("lang_en")
    assert pilot.screen == "step"
    assert {"Step 2 of 11", "Your situation", "Why do you want an identity card?"} <= set(pilot.texts())
    assert pilot.journey.session.run.answers == answered
    pilot.tap("choice_renouvellement")
    assert "Step 3 of 8" in pilot.texts() and "Your documents" in pilot.texts()  # the way is known


@pytest.mark.parametrize("size", [PORTRAIT, *LANDSCAPES], ids=lambda s: f"{s[0]}x{s[1]}")
def test_bar_is_in_the_same_place_on_every_screen(
    display: str, artifacts: Path, size: tuple[int, int]
) -> None:
    positions: dict[str, dict[str, tuple[float, float, float, float]]] = {}
    with KioskPilot(size=size) as pilot:
        for kind in every_screen(pilot):
            bar = {
                w["id"]: (w["x"], w["y"], w["width"], w["height"])
                for w in pilot.widgets()
                if w["id"].startswith("bar_")
            }
            assert len(bar) == 5, f"bar incomplete on {kind}"
            positions[kind] = bar
            for item in pilot.widgets():
                button = item["widget"]
                assert button.width >= 44 and button.height >= 44, (kind, item["id"])
            pilot.screenshot(artifacts / "screens" / f"{size[0]}x{size[1]}" / f"{kind}.png")
    first = next(iter(positions.values()))
    for kind, bar in positions.items():
        assert bar == first, f"the bar moved on {kind}"
    assert {
        "home",
        "catalogue",
        "step-question",
        "step-documents",
        "step-where",
        "summary",
        "receipt",
        "feedback",
        "help",
        "idle",
        "mediator_pin",
    } <= set(positions)


def test_pages_are_drawn_by_four_screens_taking_turns(pilot: KioskPilot) -> None:
    """Each page kind is drawn by one of two screens of its class, in turn: a new kind of page
    always fades in on another widget than the one shown, and the kiosk does not build a
    screen for every kind of page."""
    root = pilot.kiosk.root
    swaps: list[object] = []
    kinds: list[str] = []
    root.manager.bind(current_screen=lambda _manager, screen: swaps.append(screen))
    root.bind(page_name=lambda _root, name: kinds.append(name))
    visited = list(every_screen(pilot))
    assert len(visited) > 10 and len(set(kinds)) > 8
    assert len(swaps) == len(kinds), "a new kind of page was drawn over the one shown"
    assert len(root.manager.screens) <= 4


def test_the_scroll_bars_stay_still_and_keep_one_binding(pilot: KioskPilot) -> None:
    """Kivy's scroll bar fades half a second after the last scroll: the kiosk's bar has one
    colour, so it takes it at once (no frames drawn for a fade that moves nothing), and page
    after page each scroll view keeps a single binding to its bar's colour."""
    from kivy.animation import Animation

    root = pilot.kiosk.root
    for target in ("start", "bar_back", "start", "bar_bigger"):
        pilot.tap(target)
    scrolls = [screen.ids[name] for screen in root.manager.screens for name in ("scroll", "actions_scroll")]
    for scroll in scrolls:
        scroll.update_from_scroll()  # as on every scroll and layout pass: the bar shows, its fade is due
    fades = [scroll._bind_inactive_bar_color_ev for scroll in scrolls]
    animated: list[bool] = []

    def faded() -> bool:
        animated.append(bool(Animation._instances))
        return not any(fade.is_triggered for fade in fades)

    pilot.settle_until(faded, what="the bars' fade")
    assert not any(animated), "an animation ran while the kiosk waited for a touch"
    for scroll in scrolls:
        assert scroll._bar_color == scroll.bar_inactive_color
        observers = scroll.get_property_observers("bar_color") + scroll.get_property_observers(
            "bar_inactive_color"
        )
        assert [o for o in observers if getattr(o, "__name__", "") == "_change_bar_color"] == [
            scroll._change_bar_color
        ]


def test_the_window_is_drawn_without_multisampling(pilot: KioskPilot) -> None:
    """Kivy's default asks for four samples a pixel, which a kiosk drawing on its processor pays
    on every frame (the swap took twice as long under llvmpipe)."""
    from kivy.graphics.opengl import glGetIntegerv

    gl_samples = 0x80A9
    assert pilot.screen == "home"
    assert glGetIntegerv(gl_samples)[0] == 0
