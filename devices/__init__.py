"""Device library: the receipt printer (ESC/POS) and the identity-document reader (ICAO 9303)."""
