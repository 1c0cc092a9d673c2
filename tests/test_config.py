"""Site configuration: the demo file loads; every bad value gives one clear message naming its key."""

from __future__ import annotations

from pathlib import Path

import pytest

from kiosk.config import DEMO_CONFIG, ConfigError, load_config


def test_demo_configuration_loads() -> None:
    config = load_config()
    assert config.kiosk_id == "demo-borne-1"
    assert config.place("mairie") is not None and config.place("site") is config.site
    assert config.content_directory is not None and config.content_directory.is_dir()


def _with(tmp_path: Path, old: str, new: str) -> Path:
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "site.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "key", "words"),
    [
        (
            "warning_seconds = 30",
            "warning_seconds = 5",
            "timeouts.warning_seconds",
            "greater than or equal to 20",
        ),
        ("max_extensions = 20", "max_extensions = 3", "timeouts.max_extensions", "10"),
        (
            'offered = ["fr", "en", "ar"]',
            'offered = ["fr", "xx"]',
            "languages.offered",
            "unknown language",
        ),
        ('url = "sim://"', 'url = "lpt://1"', "devices.printer.url", "scheme"),
        ('url = "sim://"', 'url = "tcp://printer:99999"', "devices.printer.url", "bad port"),
        ("paper_mm = 80", "paper_mm = 76", "devices.printer.paper_mm", "58 or 80"),
        ("pin_hash = ", "pin_hash_typo = ", "mediator.pin_hash", "Field required"),
        ('kiosk_id = "demo-borne-1"', 'kiosk_id = "Demo Borne!"', "kiosk_id", "pattern"),
        (
            "[fleet]\n# Reporting",
            "[fleet]\nbroker = 1\n# Reporting",
            "fleet.broker",
            "unknown key",
        ),
        (
            'broker_url = "mqtt://127.0.0.1:1883"',
            'broker_url = "http://broker"',
            "fleet.broker_url",
            "mqtts://",
        ),
        ('site = "demo"', 'site = "Site #1"', "fleet.site", "pattern"),
    ],
)
def test_bad_values_name_the_key(tmp_path: Path, old: str, new: str, key: str, words: str) -> None:
    with pytest.raises(ConfigError) as caught:
        load_config(_with(tmp_path, old, new))
    message = str(caught.value)
    assert f"key `{key}`" in message and words in message and "site.toml" in message


def test_default_language_must_be_offered(tmp_path: Path) -> None:
    path = _with(tmp_path, 'offered = ["fr", "en", "ar"]\ndefault = "fr"', 'offered = ["fr"]\ndefault = "en"')
    with pytest.raises(ConfigError, match="languages.default"):
        load_config(path)


def test_not_toml_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "bad.toml"
    path.write_text("kiosk_id = \n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(path)
    with pytest.raises(ConfigError, match="cannot read"):
        load_config(tmp_path / "absent.toml")
