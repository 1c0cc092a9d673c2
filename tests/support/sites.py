"""The demo site's configuration with the fleet on, for a test's broker (tests, privacy audit, soak)."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import DEMO_CONFIG, SiteConfig, load_config

from support.mosquitto import Broker


def fleet_site(
    directory: Path, broker: Broker, health_interval: int = 5, data_dir: Path | None = None
) -> Path:
    """Write ``directory/site.toml``: the demo site, its content where it is, the fleet on against
    ``broker`` with a health report every ``health_interval`` s and its queue in ``data_dir``
    (the kiosk's default when None: a process started by a service finds its STATE_DIRECTORY)."""
    text = DEMO_CONFIG.read_text(encoding="utf-8")
    text = text.replace(
        'content_directory = "procedures"', f'content_directory = "{DEMO_CONFIG.parent / "procedures"}"'
    )
    text = text.replace("enabled = false", "enabled = true")
    text = text.replace('broker_url = "mqtt://127.0.0.1:1883"', f'broker_url = "{broker.url}"')
    settings = f"health_interval = {health_interval}\n"
    if data_dir is not None:
        settings = f'data_dir = "{data_dir}"\n' + settings
    text = text.replace("[fleet]\n", "[fleet]\n" + settings)
    path = directory / "site.toml"
    path.write_text(text, encoding="utf-8")
    return path


def fleet_config(directory: Path, broker: Broker, health_interval: int = 5) -> SiteConfig:
    """The loaded configuration of :func:`fleet_site`, its fleet queue under ``directory/fleet``."""
    return load_config(fleet_site(directory, broker, health_interval, data_dir=directory / "fleet"))
