"""The fleet dashboard: a separate service that stores what the kiosks report and shows it to people."""
