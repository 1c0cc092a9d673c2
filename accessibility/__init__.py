"""Accessibility library: speech, themes and contrast, text scale, pictograms, languages."""
