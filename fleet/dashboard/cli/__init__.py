"""The dashboard's subcommands of `kiosk-fleet`: serve, user, token and export (one module each)."""
