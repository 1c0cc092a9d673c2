"""Shared test support: the plain-Python journey harness, GUI tours, speech searches."""
