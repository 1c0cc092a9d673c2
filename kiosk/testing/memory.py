"""What a running kiosk's resident memory is made of: the soak's breakdown, one reading at a time."""

from __future__ import annotations

import ctypes
import gc
import re
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from kiosk.heap import glibc_function

#: A mapping's first line in /proc/PID/smaps: address range, permissions, offset, device, inode, path.
_MAPPING = re.compile(r"^[0-9a-f]+-[0-9a-f]+ \S+ \S+ \S+ \S+\s*(.*)$")
#: Libraries of the software renderer (Mesa's llvmpipe and the LLVM it compiles shaders with).
_GRAPHICS = ("LLVM", "dri", "gallium", "libGL", "mesa", "libEGL", "libgbm")
#: How many object types of the collector's count are kept in a reading.
TOP_TYPES = 15


class _MallInfo2(ctypes.Structure):
    """glibc's ``struct mallinfo2`` (2.33 and later): sizes in bytes, whole process."""

    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def mapping_kind(path: str) -> str:
    """The part of memory a mapping of /proc/PID/smaps belongs to, by its path."""
    if path == "[heap]":
        return "heap"
    if not path:
        return "anonymous"
    if any(part in path for part in _GRAPHICS):
        return "graphics"
    if path.startswith("["):
        return "other"
    if path.startswith(("/dev/", "/memfd:", "/SYSV")):
        return "shared"
    return "files"


def resident_by_kind(smaps: str) -> dict[str, float]:
    """Resident MB of each kind of mapping (``mapping_kind``) in the text of /proc/PID/smaps."""
    totals: Counter[str] = Counter()
    kind = "other"
    for line in smaps.splitlines():
        if line.startswith("Rss:"):
            totals[kind] += int(line.split()[1])
            continue
        mapping = _MAPPING.match(line)
        if mapping is not None:
            kind = mapping_kind(mapping.group(1).strip())
    return {name: round(kb / 1024, 1) for name, kb in sorted(totals.items())}


def c_allocator() -> dict[str, float] | None:
    """glibc's view of the C heap, MB: ``in_use`` and ``free`` inside its arenas, ``mapped``
    for the large blocks it maps apart; None without glibc's ``mallinfo2``."""
    mallinfo2 = glibc_function("mallinfo2")
    if mallinfo2 is None:
        return None
    mallinfo2.restype = _MallInfo2
    info = mallinfo2()
    return {
        "arenas": round(info.arena / 2**20, 1),
        "in_use": round(info.uordblks / 2**20, 1),
        "free": round(info.fordblks / 2**20, 1),
        "mapped": round(info.hblkhd / 2**20, 1),
    }


def object_types(top: int = TOP_TYPES) -> dict[str, int]:
    """The collector's tracked objects made since start-up (the start's are set aside, see
    kiosk.heap), counted by type: the ``top`` most numerous and the total."""
    counts = Counter(type(thing).__qualname__ for thing in gc.get_objects())
    return {"(all)": sum(counts.values()), **dict(counts.most_common(top))}


def kivy_caches() -> dict[str, int]:
    """Entries in each of Kivy's caches (textures, images, labels), when Kivy is loaded."""
    cache = sys.modules.get("kivy.cache")
    if cache is None:
        return {}
    objects = cache.Cache._objects
    return {name: len(entries) for name, entries in sorted(objects.items()) if entries}


def reading(session: int, rss_mb: float) -> dict[str, Any]:
    """One reading of everything above, after ``session`` sessions (JSON-ready)."""
    return {
        "session": session,
        "rss_mb": round(rss_mb, 1),
        "resident": resident_by_kind(Path("/proc/self/smaps").read_text(encoding="utf-8")),
        "c_allocator": c_allocator(),
        "python_blocks": sys.getallocatedblocks(),
        "objects": object_types(),
        "threads": threading.active_count(),
        "kivy_caches": kivy_caches(),
    }
