"""Speech priorities: which new utterance interrupts, jumps ahead of, or waits for the others."""

from __future__ import annotations

from enum import IntEnum


class Priority(IntEnum):
    """How a new utterance is placed in the speech queue (the three levels NVDA uses).

    The numeric order is the urgency order, so priorities compare naturally
    (``Priority.NOW > Priority.NORMAL``).
    """

    #: Appended after everything already queued (e.g. the options after a screen's title).
    NORMAL = 0
    #: Said as soon as the current utterance ends, before every queued NORMAL item,
    #: after the NEXT items already queued (e.g. "chiffre saisi" while a list is read).
    NEXT = 1
    #: Cancels everything queued and interrupts what is being said (a user action,
    #: a new screen): requirement 3, EN 301 549 clause 5.1.3.5.
    NOW = 2
