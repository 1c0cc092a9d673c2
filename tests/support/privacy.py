"""Finding a text that an object still keeps, however deep: the privacy checks of the tests."""

from __future__ import annotations

import types
import weakref
from collections import deque
from collections.abc import Iterator, Sequence

#: Not followed: code, classes and modules are not what an object keeps, and weak references
#: do not keep anything alive.
OPAQUE_TYPES = (
    types.ModuleType,
    types.FunctionType,
    types.MethodType,
    types.BuiltinFunctionType,
    type,
    weakref.ReferenceType,
    weakref.ProxyType,
    weakref.CallableProxyType,
    weakref.finalize,
)
#: Cannot hold a text (audio bytes are not searched).
SCALAR_TYPES = (bytes, bytearray, int, float, complex)


def _attributes(value: object) -> Iterator[tuple[str, object]]:
    yield from getattr(value, "__dict__", {}).items()
    for cls in type(value).__mro__:
        slots = cls.__dict__.get("__slots__", ())
        for name in (slots,) if isinstance(slots, str) else slots:
            if name not in ("__dict__", "__weakref__") and hasattr(value, name):
                yield name, getattr(value, name)


def places_holding(root: object, texts: Sequence[str], max_depth: int = 8) -> list[str]:
    """Where, among the objects ``root`` holds (attributes, slots, containers), a text survives.

    Returns attribute paths such as ``root._engine._events[0].text``; an empty list means none
    of ``texts`` is kept. Strings are searched for each text as a substring.
    """
    found: list[str] = []
    seen: set[int] = set()

    def visit(value: object, path: str, depth: int) -> None:
        if isinstance(value, str):
            if any(text in value for text in texts):
                found.append(path)
            return
        if depth == 0 or value is None or id(value) in seen:
            return
        # type() first: a weak proxy passes isinstance() checks as if it were its referent.
        if type(value) in OPAQUE_TYPES or isinstance(value, OPAQUE_TYPES + SCALAR_TYPES):
            return
        seen.add(id(value))
        if isinstance(value, dict):
            for key, item in value.items():
                visit(key, f"{path} (a key)", depth - 1)
                visit(item, f"{path}[{key!r}]", depth - 1)
        elif isinstance(value, list | tuple | set | frozenset | deque):
            for index, item in enumerate(value):
                visit(item, f"{path}[{index}]", depth - 1)
        else:
            for name, item in _attributes(value):
                visit(item, f"{path}.{name}", depth - 1)

    visit(root, "root", max_depth)
    return found
