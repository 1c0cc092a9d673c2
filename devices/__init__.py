"""Device library: receipt printer (ESC/POS) and identity-card reader, each with a simulator."""
