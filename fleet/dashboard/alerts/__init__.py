"""Alerts: conditions read from the store, raised and cleared with hysteresis, notified once per change."""
