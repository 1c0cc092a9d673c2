"""Keeps the collector's full passes short: what the kiosk built to start is set aside once."""

from __future__ import annotations

import gc


def set_aside_startup_objects() -> int:
    """Move every object alive now out of the collector's reach; returns how many.

    The started kiosk holds some 170,000 tracked objects (Kivy, the widgets, the content) that
    live as long as the process. A full collection walks them all — 130–180 ms on the
    development machine, a frozen screen under a citizen's finger — and finds nothing. Set
    aside once after start, full passes only walk what was made since (about nothing: the
    screens reuse their widgets). Garbage is collected first, so that nothing is kept that
    could go; a frozen object that becomes garbage later is still freed by its reference
    count, only a cycle among them would stay (bounded: they are the start's objects).
    """
    gc.collect()
    gc.freeze()
    return gc.get_freeze_count()


def release_startup_objects() -> None:
    """Give the set-aside objects back to the collector (a test closing a kiosk in-process)."""
    gc.unfreeze()
