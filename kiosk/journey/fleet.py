"""The fleet flow: what the fleet's dashboard changes on screen (maintenance, a mediator coming)."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.i18n import N_
from kiosk.journey.context import Change, FlowContext, Handlers, ScreenViews
from kiosk.journey.router import HOME, Location, ScreenName


@dataclass(frozen=True)
class MaintenanceView:
    #: The site's phone number, another way to get help ("" when none).
    phone: str


class FleetFlow:
    """Owns the maintenance mode. Entering it never interrupts a citizen: a session in progress
    goes on, and the maintenance screen comes when it ends."""

    def __init__(self, context: FlowContext) -> None:
        self._context = context
        self.maintenance = False

    def screens(self) -> ScreenViews:
        return {ScreenName.MAINTENANCE: lambda _location: MaintenanceView(self._context.config.site.phone)}

    def handlers(self) -> Handlers:
        return {}

    def enter_maintenance(self) -> bool:
        """The dashboard's "maintenance": True when shown now, False when after the session."""
        self.maintenance = True
        router = self._context.router
        router.home = Location(ScreenName.MAINTENANCE)
        if self._context.session.active or router.screen is not ScreenName.HOME:
            return False
        router.restart()
        self._context.redraw(Change.NEW_SCREEN)
        self._context.say(self._context.tr(N_("Borne en maintenance.")))
        return True

    def leave_maintenance(self) -> None:
        self.maintenance = False
        router = self._context.router
        router.home = HOME
        if router.screen is ScreenName.MAINTENANCE:
            router.restart()
            self._context.redraw(Change.NEW_SCREEN)

    def forget(self) -> None:
        # Maintenance belongs to the kiosk, not to the citizen: it outlives the session.
        return None
