"""The start's objects set aside from the collector's full passes, garbage collected first."""

from __future__ import annotations

import gc
import platform
import weakref

import psutil
import pytest

from kiosk.heap import give_back_free_memory, release_startup_objects, set_aside_startup_objects


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


def resident_mb() -> float:
    return psutil.Process().memory_info().rss / 2**20


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="malloc_trim is glibc's")
def test_the_free_pages_between_blocks_in_use_are_given_back() -> None:
    # 100 MB in 2 KiB blocks (the C allocator's, not Python's small-object arenas); one block in
    # 16 stays, so that no free page is at the heap's end where free() gives it back by itself.
    blocks = [bytes(2048) for _ in range(50_000)]
    kept = blocks[::16]
    del blocks
    before = resident_mb()
    assert give_back_free_memory()
    given_back = before - resident_mb()
    assert given_back > 50, f"only {given_back:.1f} MB given back"
    assert len(kept) == 3125
