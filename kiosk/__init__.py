"""The kiosk application: configuration, session, procedures, view-models, CLI and composition root."""

__version__ = "0.1.0"
