"""The soak's memory breakdown (kiosk.testing.memory): mappings by kind, the C allocator, objects."""

from __future__ import annotations

import platform

import psutil
import pytest

from kiosk.testing import memory

SMAPS = """\
55d0c0a00000-55d0c4a00000 rw-p 00000000 00:00 0                          [heap]
Size:              65536 kB
Rss:               40960 kB
7f0000000000-7f0001000000 rw-p 00000000 00:00 0
Size:              16384 kB
Rss:               10240 kB
7f1000000000-7f1002000000 r-xp 00000000 08:01 1234   /usr/lib/x86_64-linux-gnu/libLLVM-15.so.1
Rss:                5120 kB
7f2000000000-7f2000100000 r--p 00000000 08:01 99                         /usr/lib/x86_64-linux-gnu/libc.so.6
Rss:                1024 kB
7f3000000000-7f3000200000 rw-s 00000000 00:05 77                         /dev/shm/pulse-shm-1
Rss:                2048 kB
7ffc00000000-7ffc00021000 rw-p 00000000 00:00 0                          [stack]
Rss:                 132 kB
"""


def test_mappings_are_summed_by_kind() -> None:
    assert memory.resident_by_kind(SMAPS) == {
        "anonymous": 10.0,
        "files": 1.0,
        "graphics": 5.0,
        "heap": 40.0,
        "other": 0.1,
        "shared": 2.0,
    }


def test_the_kinds_add_up_to_the_resident_memory() -> None:
    reading = memory.reading(0, psutil.Process().memory_info().rss / 2**20)
    assert sum(reading["resident"].values()) == pytest.approx(reading["rss_mb"], abs=2.0)


@pytest.mark.skipif(platform.libc_ver()[0] != "glibc", reason="mallinfo2 is glibc's")
def test_the_c_allocator_counts_a_large_block_apart() -> None:
    before = memory.c_allocator()
    block = bytearray(64 * 2**20)  # above glibc's mmap threshold: mapped apart from the arenas
    after = memory.c_allocator()
    assert before is not None and after is not None
    assert after["mapped"] - before["mapped"] == pytest.approx(64, abs=1)
    del block


class CountedByTheBreakdown:
    pass


def test_the_objects_made_since_start_are_counted_by_type() -> None:
    markers = [CountedByTheBreakdown() for _ in range(200_000)]
    counts = memory.object_types(top=3)
    assert counts["CountedByTheBreakdown"] == len(markers)
    assert counts["(all)"] >= len(markers) and len(counts) == 4
