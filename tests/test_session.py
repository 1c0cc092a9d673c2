"""The session: what ``wipe`` leaves, and how the kiosk tells that nothing of a visitor is left."""

from __future__ import annotations

import pytest

from kiosk.session import Session


@pytest.mark.parametrize(
    ("setting", "value"),
    [
        ("language", "ar"),
        ("text_scale", 1.5),
        ("theme", "high_contrast"),
        ("speech_mode", True),
        ("touch_to_hear", True),
        ("keypad", True),
        ("reduce_motion", False),
        ("identity_speech_agreed", True),
        ("active", True),
    ],
)
def test_any_setting_a_visitor_leaves_is_seen_and_wiped(setting: str, value: object) -> None:
    session = Session(default_language="fr", default_reduce_motion=True)
    session.wipe()
    assert session.untouched
    setattr(session, setting, value)
    assert not session.untouched
    session.wipe()
    assert session.untouched


def test_a_feature_used_then_undone_still_counts_as_a_visit() -> None:
    session = Session(default_language="fr", default_reduce_motion=False)
    session.wipe()
    assert not session.reduce_motion, "the site's setting comes back with the wipe"
    session.next_text_scale()
    session.next_text_scale()
    session.next_text_scale()
    assert session.text_scale == 1.0 and not session.untouched
