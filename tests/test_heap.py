"""The heap: the start's objects set aside from the collector's full passes (garbage collected
first), large blocks mapped apart, free pages given back."""

from __future__ import annotations

import gc
import platform
import subprocess
import sys
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


#: In a fresh interpreter: a 16 MB block freed, then 2 MB blocks; their bytes mapped apart (MB).
AFTER_A_LARGE_BLOCK = """
import sys
from kiosk.heap import map_large_blocks_apart
from kiosk.testing.memory import c_allocator
if sys.argv[1] == "fixed":
    assert map_large_blocks_apart()
large = bytearray(16 * 2**20)
del large
before = c_allocator()["mapped"]
blocks = [bytearray(2 * 2**20) for _ in range(8)]
print(c_allocator()["mapped"] - before)
"""


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallopt is glibc's")
@pytest.mark.parametrize(("threshold", "mapped_mb"), [("raised", 0), ("fixed", 16)])
def test_large_blocks_stay_mapped_apart_after_a_larger_one_is_freed(threshold: str, mapped_mb: int) -> None:
    # glibc raises its threshold to the 16 MB block freed: the 2 MB blocks come from the heap,
    # unless the kiosk fixed the threshold.
    run = subprocess.run(
        [sys.executable, "-c", AFTER_A_LARGE_BLOCK, threshold], capture_output=True, text=True, check=True
    )
    assert float(run.stdout) == pytest.approx(mapped_mb, abs=0.5), run.stderr
