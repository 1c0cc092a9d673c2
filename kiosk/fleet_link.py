"""The kiosk's side of the fleet agent: its health, the dashboard's commands carried out on the UI
thread, and its events (device faults, help calls, refused content, session statistics).

Nothing about a citizen goes through here: screens by kind, procedures and steps by id, help by
reason, sessions as anonymous statistics.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

from devices.health import DeviceHealth, HealthMonitor
from fleet.agent import AgentSettings, FleetAgent
from fleet.help import HelpRequest
from fleet.protocol import (
    Command,
    CommandName,
    CommandReply,
    ContentRefused,
    DeviceFault,
    DeviceRecovered,
    DeviceReport,
    HelpAckCommand,
    HelpAcknowledged,
    HelpRequested,
    KioskHealth,
    KioskState,
    ReplyCode,
    RestartCommand,
    SessionOutcome,
    SessionStatistics,
)
from kiosk import __version__
from kiosk.config import SiteConfig
from kiosk.content import ContentError, ContentLibrary
from kiosk.journey.journey import Journey
from kiosk.session import SessionReport

logger = logging.getLogger(__name__)

#: Runs a callable on the UI thread, soon (the application's ``Clock.schedule_once`` adapter).
CallSoon = Callable[[Callable[[], None]], None]


def agent_settings(config: SiteConfig, state_directory: Path) -> AgentSettings:
    """The agent's settings from the kiosk's ``[fleet]`` section."""
    fleet = config.fleet
    data_dir = fleet.data_dir or state_directory / "fleet"
    return AgentSettings(
        broker_url=fleet.broker_url,
        site=fleet.site,
        kiosk_id=config.kiosk_id,
        username=fleet.username,
        password_file=fleet.password_file,
        ca_file=fleet.ca_file,
        keepalive=fleet.keepalive,
        health_interval=fleet.health_interval,
        data_dir=data_dir,
    )


class FleetLink:
    """Implements the agent's ``KioskLink`` and the kiosk's ``HelpChannel``, and reports device
    changes, refused content and finished sessions as events.

    Threads: ``health`` and ``on_command`` are called on the agent's threads and only read
    snapshots or hand work to the UI thread through ``call_soon``; ``device_changed`` is called
    on the health monitor's thread; ``request_help``, ``session_ended`` and ``content_refused``
    on the UI thread. ``FleetAgent.publish_event`` and ``set_state`` accept any thread.
    """

    def __init__(
        self,
        config: SiteConfig,
        journey: Callable[[], Journey],
        content: ContentLibrary,
        health: HealthMonitor,
        speech_state: Callable[[], str],
        call_soon: CallSoon,
        restart: Callable[[], None],
        state_directory: Path,
    ) -> None:
        self._config = config
        self._journey = journey
        self._content = content
        self._health = health
        self._speech_state = speech_state
        self._call_soon = call_soon
        self._restart = restart
        self._started = time.monotonic()
        #: The id of the help call a mediator may answer (the latest one).
        self.pending_help: str | None = None
        self.agent = FleetAgent(agent_settings(config, state_directory), self)

    def start(self) -> None:
        self.agent.start()

    def stop(self, timeout: float = 5.0) -> None:
        self.agent.stop(timeout)

    # -- KioskLink: the agent's threads -------------------------------------------------------

    def health(self) -> KioskHealth:
        journey = self._journey()
        catalogue = self._content.catalogue
        return KioskHealth(
            app_version=__version__,
            uptime_s=time.monotonic() - self._started,
            screen=journey.router.screen.value,
            speech=self._speech_state(),
            devices=tuple(report(health) for health in self._health.snapshot().values()),
            content_version=catalogue.version,
            content_oldest_check=catalogue.oldest_check,
            in_session=journey.session.active,
        )

    def on_command(self, command: Command, reply: Callable[[CommandReply], None]) -> None:
        if command.name is CommandName.PING:
            reply(CommandReply.success("pong"))
            return
        self._call_soon(lambda: self._answer(command, reply))

    # -- the UI thread -------------------------------------------------------------------------

    def _answer(self, command: Command, reply: Callable[[CommandReply], None]) -> None:
        answer = self._carry_out(command, reply)
        if answer is not None:
            reply(answer)

    def _carry_out(self, command: Command, reply: Callable[[CommandReply], None]) -> CommandReply | None:
        """Carry out ``command``; its answer, or None when the job answers by itself later."""
        journey = self._journey()
        name = command.name
        if name is CommandName.MAINTENANCE_ENTER:
            now = journey.fleet.enter_maintenance()
            self.agent.set_state(KioskState.MAINTENANCE, "command")
            return CommandReply.success("shown" if now else "after_session")
        if name is CommandName.MAINTENANCE_LEAVE:
            journey.fleet.leave_maintenance()
            self._set_ready_or_alert()
            return CommandReply.success()
        if name is CommandName.RELOAD_CONTENT:
            catalogue = self._content.reload()
            return CommandReply.success(
                f"{len(catalogue.procedures)} procedures, version {catalogue.version}"
            )
        if isinstance(command, HelpAckCommand):
            if command.request_id != self.pending_help:
                return CommandReply.refusal("unknown_request", "no such help call is waiting")
            self.pending_help = None
            journey.mediator.mediator_coming()
            self.agent.publish_event(HelpAcknowledged(request_id=command.request_id))
            return CommandReply.success()
        if isinstance(command, RestartCommand):
            if journey.session.active and not command.force:
                return CommandReply.refusal(ReplyCode.IN_SESSION, "a citizen is using the kiosk")
            self._call_soon(self._restart)
            return CommandReply.success()
        if name is CommandName.TEST_PRINT:
            # The answer comes when the ticket is printed, from the printing's background job.
            journey.printing.test_print(
                lambda printed: reply(
                    CommandReply.success() if printed else CommandReply.refusal(ReplyCode.FAILED, "printer")
                )
            )
            return None
        return CommandReply.refusal(ReplyCode.UNKNOWN_COMMAND, name.value)

    def request_help(self, request: HelpRequest) -> None:
        """``HelpChannel``: the call goes to the mediators' dashboard (queued while offline)."""
        event = HelpRequested(
            site=self._config.fleet.site,
            kiosk_id=self._config.kiosk_id,
            procedure=request.procedure_id,
            step=request.step,
            reason=request.reason.value,
        )
        self.pending_help = event.id
        self.agent.publish_event(event)
        logger.info("help requested at %s (%s)", request.screen, request.reason.value)

    def session_ended(self, session: SessionReport) -> None:
        self.pending_help = None
        self.agent.publish_event(
            SessionStatistics(
                procedure=session.procedure_id,
                duration_s=min(session.duration_s, 7 * 24 * 3600),
                outcome=SessionOutcome.COMPLETED if session.completed else SessionOutcome.ABANDONED,
                help_asked=session.help_requested,
                satisfaction=session.satisfaction,
                language=session.language,
                accessibility=tuple(sorted(session.features)),
            )
        )

    def content_refused(self, errors: list[ContentError]) -> None:
        for error in errors:
            self.agent.publish_event(
                ContentRefused(file=error.path.name[:128] or "content", line=error.line, error="invalid")
            )

    # -- the health monitor's thread -------------------------------------------------------

    def device_changed(self, health: DeviceHealth) -> None:
        if health.ready:
            self.agent.publish_event(DeviceRecovered(device=health.device, detail=health.detail))
        else:
            self.agent.publish_event(DeviceFault(device=health.device, detail=health.detail))
        self._set_ready_or_alert()

    def _set_ready_or_alert(self) -> None:
        if self.agent.state is KioskState.MAINTENANCE and self._journey().fleet.maintenance:
            return
        faults = [health for health in self._health.snapshot().values() if not health.ready]
        if faults:
            self.agent.set_state(KioskState.ALERT, f"{faults[0].device}_{faults[0].detail}")
        else:
            self.agent.set_state(KioskState.READY)


def report(health: DeviceHealth) -> DeviceReport:
    """A device's health as the fleet's messages carry it."""
    return DeviceReport(
        device=health.device,
        present=health.present,
        ready=health.ready,
        detail=health.detail,
        last_error=health.last_error,
        last_error_at=health.last_error_at,
    )
