"""Keeps the heap in check: the collector's full passes short, large blocks apart, free pages given back."""

from __future__ import annotations

import ctypes
import functools
import gc
from typing import Any

#: glibc's ``mallopt`` parameter for the size from which blocks are mapped apart (malloc.h).
_M_MMAP_THRESHOLD = -3
#: Blocks this large or larger are mapped apart and given back to the system when freed
#: (glibc's own starting value, kept instead of raised).
MMAP_THRESHOLD = 128 * 1024


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


def give_back_free_memory() -> bool:
    """Hand the C allocator's free pages back to the system; False where it cannot (no glibc).

    A session builds and drops many C-sized blocks (label textures' pixels, pages, decoded card
    data); glibc keeps what is freed in its arenas for reuse, fragmented among the blocks still
    in use, so a kiosk's resident memory creeps up over its first hundreds of sessions although
    what it uses does not (tens of MB on a small machine). ``malloc_trim`` returns the whole
    free pages inside the arenas too, in a few milliseconds: the kiosk calls it at the end of
    each session, once the welcome screen is drawn.
    """
    trim = glibc_function("malloc_trim")
    if trim is None:
        return False
    trim(0)
    return True


def map_large_blocks_apart(threshold: int = MMAP_THRESHOLD) -> bool:
    """Have glibc map every block of ``threshold`` bytes or more apart from its heap, for good;
    False where it cannot (no glibc).

    glibc maps large blocks apart and unmaps them when freed, but raises its threshold to the
    size of each such block freed, up to 32 MB: after one large block (a long page's text
    drawn) is freed, every smaller one — a label's pixels in SDL_ttf, Kivy and the graphics
    driver — is carved from the heap, among blocks that live on. Fixed at glibc's starting
    value, the same 300 soak sessions end with a heap of 54–64 MB instead of 59–75, glibc's
    arenas 62–75 MB instead of 77–105, and the median resident memory 9.5 MB lower
    (docs/benchmarks.md).
    """
    mallopt = glibc_function("mallopt")
    if mallopt is None:
        return False
    return bool(mallopt(_M_MMAP_THRESHOLD, threshold))


@functools.cache
def glibc_function(name: str) -> Any:
    """The C library's function ``name`` (a ctypes function), or None without it (not glibc)."""
    try:
        return getattr(ctypes.CDLL(None), name)
    except (AttributeError, OSError):
        return None
