"""Commands without a broker: validated, dispatched, answered once; garbage never raises."""

from __future__ import annotations

import json
import threading

from hypothesis import given, settings
from hypothesis import strategies as st

from fleet.agent.commands import CommandDispatcher
from fleet.protocol import (
    MAX_PAYLOAD_BYTES,
    Command,
    CommandName,
    CommandReply,
    ReplyCode,
    RestartCommand,
    command_topic,
)

from support.agents import RecordingKiosk

SITE, KIOSK = "mairie-test", "borne-1"


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def dispatcher(kiosk: RecordingKiosk, clock: Clock | None = None) -> tuple[CommandDispatcher, list]:
    sent: list[tuple[CommandReply, bytes | None]] = []
    done = threading.Condition()

    def send(reply: CommandReply, correlation: bytes | None) -> None:
        with done:
            sent.append((reply, correlation))
            done.notify_all()

    local = {CommandName.REBIRTH: lambda _command: CommandReply.success("birth")}
    return CommandDispatcher(SITE, KIOSK, kiosk, send, local=local, clock=clock or Clock()), sent


def immediate(answer: CommandReply | None):
    """A kiosk answering on the MQTT thread itself (allowed: ``reply`` works from any thread)."""

    class Immediate(RecordingKiosk):
        def on_command(self, command: Command, reply) -> None:  # type: ignore[no-untyped-def]
            self.commands.append(command)
            if answer is not None:
                reply(answer)

    return Immediate()


def test_a_command_reaches_the_kiosk_and_its_reply_keeps_the_correlation_data() -> None:
    kiosk = immediate(CommandReply.success("pong"))
    commands, sent = dispatcher(kiosk)
    commands.handle(command_topic(SITE, KIOSK, "ping"), b'{"v":1}', b"\x00corr")
    assert [command.name for command in kiosk.commands] == [CommandName.PING]
    assert sent == [(CommandReply.success("pong"), b"\x00corr")]


def test_rebirth_is_answered_by_the_agent_itself() -> None:
    kiosk = immediate(None)
    commands, sent = dispatcher(kiosk)
    commands.handle(command_topic(SITE, KIOSK, "rebirth"), b'{"v":1}', b"c")
    assert kiosk.commands == [] and sent == [(CommandReply.success("birth"), b"c")]


def test_only_the_first_reply_counts() -> None:
    replies: list = []

    class Twice(RecordingKiosk):
        def on_command(self, command: Command, reply) -> None:  # type: ignore[no-untyped-def]
            replies.append(reply)

    commands, sent = dispatcher(Twice())
    commands.handle(command_topic(SITE, KIOSK, "restart"), b'{"v":1,"force":true}', b"c")
    replies[0](CommandReply.refusal(ReplyCode.IN_SESSION))
    replies[0](CommandReply.success())
    assert [reply.code for reply, _ in sent] == ["in_session"]
    assert commands.waiting == 0


def test_a_silent_kiosk_is_answered_for_after_the_timeout() -> None:
    clock = Clock()
    commands, sent = dispatcher(immediate(None), clock)
    commands.handle(command_topic(SITE, KIOSK, "test_print"), b'{"v":1}', b"c")
    assert commands.expire() == 30.0 and sent == []
    clock.now = 31.0
    assert commands.expire() is None
    assert [(reply.code, correlation) for reply, correlation in sent] == [("timeout", b"c")]


def test_a_kiosk_that_raises_is_answered_failed() -> None:
    class Broken(RecordingKiosk):
        def on_command(self, command: Command, reply) -> None:  # type: ignore[no-untyped-def]
            raise RuntimeError("bug")

    commands, sent = dispatcher(Broken())
    commands.handle(command_topic(SITE, KIOSK, "ping"), b'{"v":1}', None)
    assert [reply.code for reply, _ in sent] == ["failed"]


def test_wrong_commands_are_refused_with_a_reason() -> None:
    kiosk = immediate(CommandReply.success())
    commands, sent = dispatcher(kiosk)
    root = f"kiosk/v1/{SITE}/{KIOSK}/cmd/"
    commands.handle(root + "format_disk", b'{"v":1}', b"1")
    commands.handle(root + "restart", b"{not json", b"2")
    commands.handle(root + "restart", b'{"v":1,"force":"yes"}', b"3")
    commands.handle(root + "restart", b" " * (MAX_PAYLOAD_BYTES + 1), b"4")
    commands.handle(root + "ping", b'{"v":1}', b"x" * 300)
    assert [(reply.code, correlation) for reply, correlation in sent] == [
        ("unknown_command", b"1"),
        ("malformed", b"2"),
        ("malformed", b"3"),
        ("too_large", b"4"),
        ("malformed", None),
    ]
    assert kiosk.commands == [] and commands.refused == 5


def test_messages_not_addressed_to_this_kiosk_and_retained_commands_are_ignored() -> None:
    kiosk = immediate(CommandReply.success())
    commands, sent = dispatcher(kiosk)
    commands.handle(command_topic(SITE, "borne-2", "restart"), b'{"v":1}', b"c")
    commands.handle(f"kiosk/v1/{SITE}/{KIOSK}/state", b'{"v":1}', b"c")
    commands.handle(command_topic(SITE, KIOSK, "restart"), b'{"v":1}', b"c", retained=True)
    assert sent == [] and kiosk.commands == []


def test_the_kiosk_gets_typed_commands() -> None:
    kiosk = immediate(CommandReply.success())
    commands, _sent = dispatcher(kiosk)
    commands.handle(command_topic(SITE, KIOSK, "restart"), b'{"v":1,"force":true}', None)
    assert kiosk.commands == [RestartCommand(force=True)]


names = st.sampled_from([name.value for name in CommandName]) | st.text(max_size=30)
payloads = (
    st.binary(max_size=2000)
    | st.builds(lambda text: text.encode(), st.text(max_size=500))
    | st.builds(lambda n: b" " * n, st.integers(MAX_PAYLOAD_BYTES - 2, MAX_PAYLOAD_BYTES + 2))
    | st.recursive(
        st.none() | st.booleans() | st.integers() | st.text(max_size=40),
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
        max_leaves=12,
    ).map(lambda value: json.dumps({"v": 1, "force": value, "request_id": value}).encode())
)


@settings(max_examples=300, deadline=None)
@given(name=names, payload=payloads, correlation=st.none() | st.binary(max_size=300), retained=st.booleans())
def test_any_command_is_answered_at_most_once_and_never_raises(
    name: str, payload: bytes, correlation: bytes | None, retained: bool
) -> None:
    kiosk = immediate(CommandReply.success())
    commands, sent = dispatcher(kiosk)
    commands.handle(f"kiosk/v1/{SITE}/{KIOSK}/cmd/{name}", payload, correlation, retained=retained)
    assert len(sent) <= 1
    if retained:
        assert sent == []
    elif "/" not in name and "+" not in name and "#" not in name:
        ((reply, echoed),) = sent
        assert isinstance(reply, CommandReply)
        assert echoed == (correlation if correlation is None or len(correlation) <= 256 else None)
        assert reply.ok == (len(kiosk.commands) == 1)
