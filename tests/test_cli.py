"""The `kiosk` command as an IT person meets it: version, clear errors, the headless demo."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from kiosk import __version__
from kiosk.cli import main

KIOSK = Path(sys.executable).parent / "kiosk"


def test_version(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as caught:
        main(["--version"])
    assert caught.value.code == 0
    assert capsys.readouterr().out.strip() == f"kiosk {__version__}"


def test_a_bad_configuration_is_one_clear_message_and_no_traceback(tmp_path: Path) -> None:
    config = tmp_path / "site.toml"
    config.write_text('kiosk_id = "borne-1"\n[timeouts]\nwarning_seconds = 5\n', encoding="utf-8")
    result = subprocess.run(
        [str(KIOSK), "run", "--config", str(config)], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "key `timeouts.warning_seconds`" in result.stderr and "key `site`" in result.stderr


def test_run_needs_a_config_or_demo() -> None:
    result = subprocess.run([str(KIOSK), "run"], capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "--config" in result.stderr


def test_pin_hash_prints_a_hash_the_configuration_accepts(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["pin-hash", "--pin", "13579"]) == 0
    assert capsys.readouterr().out.startswith("scrypt$")
    assert main(["pin-hash", "--pin", "12"]) == 2


@pytest.mark.gui
def test_demo_without_a_display_runs_on_a_virtual_one_and_writes_screenshots(tmp_path: Path) -> None:
    environment = {key: value for key, value in os.environ.items() if key != "DISPLAY"}
    result = subprocess.run(
        [str(KIOSK), "run", "--demo", "--screenshots", str(tmp_path / "shots")],
        capture_output=True,
        text=True,
        timeout=300,
        env=environment,
    )
    assert result.returncode == 0, result.stderr[-3000:]
    assert "no display found" in result.stdout
    assert "Traceback" not in result.stderr
    shots = sorted((tmp_path / "shots").glob("*.png"))
    assert len(shots) >= 10
    names = {shot.stem.split("-", 1)[1] for shot in shots}
    assert {"home", "catalogue", "step", "summary", "receipt", "feedback"} <= names
    for shot in shots:
        assert str(shot.resolve()) in result.stdout
        assert shot.stat().st_size > 10_000


@pytest.mark.gui
@pytest.mark.parametrize("screen", [(1080, 1920), (1024, 768)], ids=["portrait-totem", "small-landscape"])
def test_the_demo_window_fits_the_screen_it_opens_on(screen: tuple[int, int]) -> None:
    from kiosk.display import virtual_display

    probe = Path(__file__).parent / "support" / "window_probe.py"
    environment = {key: value for key, value in os.environ.items() if key != "DISPLAY"}
    environment["KIOSK_SILENT"] = "1"
    with virtual_display(f"{screen[0]}x{screen[1]}x24") as display:
        environment["DISPLAY"] = display
        result = subprocess.run(
            [sys.executable, str(probe)], capture_output=True, text=True, timeout=120, env=environment
        )
    (line,) = [line for line in result.stdout.splitlines() if line.startswith("WINDOW ")]
    left, top, width, height = map(int, line.split()[1:])
    assert left >= 0 and top >= 0
    assert left + width <= screen[0] and top + height <= screen[1], (line, screen)


def test_card_read_of_the_demo_card_prints_its_fields_and_checks(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["card", "read", "--simulated", "--can", "123456", "--json"]) == 0
    result = json.loads(capsys.readouterr().out)
    assert result["document"]["surname"] == "EXEMPLE" and result["protocol"].startswith("PACE")
    assert result["passive_authentication"]["passed"] is True


def test_card_errors_are_one_clear_line_and_a_non_zero_exit() -> None:
    wrong = subprocess.run(
        [str(KIOSK), "card", "read", "--simulated", "--can", "111111"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert wrong.returncode == 1 and "Traceback" not in wrong.stderr
    assert "kiosk: card error: wrong_key" in wrong.stderr and "tries left" in wrong.stderr
    bad = subprocess.run(
        [str(KIOSK), "card", "mrz", "NOT AN MRZ"], capture_output=True, text=True, timeout=60
    )
    assert bad.returncode == 1 and bad.stderr.startswith("kiosk: error:") and "Traceback" not in bad.stderr


def test_card_mrz_parses_the_old_french_card(capsys: pytest.CaptureFixture[str]) -> None:
    text = "IDFRAPETE<<<<<<<<<<<<<<<<<<<<<952042\\n0509952018746NICOLAS<<PAUL<8206152M3"
    assert main(["card", "mrz", text]) == 0
    assert "surname: PETE" in capsys.readouterr().out


def _site_with_printer(tmp_path: Path, url: str) -> Path:
    from kiosk.config import DEMO_CONFIG

    site = tmp_path / "site.toml"
    site.write_text(DEMO_CONFIG.read_text(encoding="utf-8").replace('url = "sim://"', f'url = "{url}"'))
    return site


def test_doctor_says_what_draws_the_screen(display: str) -> None:
    from kiosk.doctor import Verdict, check_graphics

    (found,) = check_graphics()
    # Xvfb has no graphics chip: Mesa draws its windows on the processor.
    assert found.part == "graphics" and found.verdict is Verdict.WARNING
    assert found.finding.startswith("drawn by the processor, not a graphics chip (")
    assert "driver" in found.remedy
    (unreachable,) = check_graphics({**os.environ, "DISPLAY": ":4321"})
    assert unreachable.verdict is Verdict.WARNING and "could not open a window" in unreachable.finding
    assert check_graphics({"PATH": os.environ["PATH"]}) == [], "no display: the display check says so"


def test_software_renderers_are_told_from_graphics_chips() -> None:
    from kiosk.display import drawn_in_software

    for software in (
        "llvmpipe (LLVM 15.0.6, 256 bits)",
        "softpipe",
        "Software Rasterizer",
        "SwiftShader Device (Subzero)",
    ):
        assert drawn_in_software(software), software
    for chip in (
        "Mesa Intel(R) UHD Graphics 620 (KBL GT2)",
        "V3D 4.2",
        "AMD Radeon Graphics (radeonsi, renoir, LLVM 15.0.6, DRM 3.49, 6.1.0-18-amd64)",
    ):
        assert not drawn_in_software(chip), chip


def test_print_status_and_test_use_the_configured_printer(tmp_path: Path, fake_printer) -> None:
    site = _site_with_printer(tmp_path, fake_printer.url)
    status = subprocess.run(
        [str(KIOSK), "print", "status", "--config", str(site)], capture_output=True, text=True, timeout=60
    )
    assert status.returncode == 0 and status.stdout.startswith(f"printer {fake_printer.url}: ready")
    fake_printer.paper = "out"
    test = subprocess.run(
        [str(KIOSK), "print", "test", "--config", str(site)], capture_output=True, text=True, timeout=60
    )
    assert (
        test.returncode == 1 and "out of paper [paper_out]" in test.stderr and "Traceback" not in test.stderr
    )
    bad = subprocess.run(
        [str(KIOSK), "print", "status", "--printer", "lpt://1"], capture_output=True, text=True
    )
    assert bad.returncode == 2 and "unknown printer scheme" in bad.stderr


def test_doctor_says_each_part_and_exits_non_zero_on_a_problem(tmp_path: Path, fake_printer) -> None:
    site = _site_with_printer(tmp_path, fake_printer.url)
    well = {**os.environ, "DISPLAY": ":99"}  # the display check reads the variable, opens nothing
    ready = subprocess.run(
        [str(KIOSK), "doctor", "--config", str(site), "--json"], capture_output=True, text=True, env=well
    )
    import json

    checks = {check["part"]: check for check in json.loads(ready.stdout)}
    assert checks["printer"]["verdict"] == "ok" and checks["card reader"]["verdict"] == "ok"
    assert checks["graphics"]["verdict"] == "warning", "no X server answers on :99"
    assert ready.returncode == (0 if all(c["verdict"] != "problem" for c in checks.values()) else 1)
    fake_printer.paper = "out"
    out = subprocess.run(
        [str(KIOSK), "doctor", "--config", str(site)], capture_output=True, text=True, env=well
    )
    assert out.returncode == 1
    line = next(line for line in out.stdout.splitlines() if " printer " in line)
    assert line.startswith("PROBLEM") and "paper_out" in line and "load a paper roll" in out.stdout
