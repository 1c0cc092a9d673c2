"""The start's objects set aside from the collector's full passes, garbage collected first."""

from __future__ import annotations

import gc
import weakref

from kiosk.heap import release_startup_objects, set_aside_startup_objects


class Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector can free it


def test_live_objects_are_set_aside_and_garbage_is_not() -> None:
    kept = Node()
    dropped = Node()
    gone = weakref.ref(dropped)
    del dropped
    try:
        assert set_aside_startup_objects() > 0
        assert gone() is None, "a cycle that was garbage must be collected, not set aside"
        assert not any(item is kept for item in gc.get_objects()), "a live object is set aside"
        # A full pass now walks only what was made since.
        assert len(gc.get_objects()) < gc.get_freeze_count()
    finally:
        release_startup_objects()
    assert gc.get_freeze_count() == 0
    assert any(item is kept for item in gc.get_objects())
