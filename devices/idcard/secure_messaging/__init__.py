"""Opening the chip: BAC, PACE and the secure messaging they set up (ICAO 9303 part 11)."""
