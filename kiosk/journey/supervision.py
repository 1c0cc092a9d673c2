"""The supervision flow: the calm screen of a crash, and the safe mode after repeated crashes."""

from __future__ import annotations

from dataclasses import dataclass

from kiosk.journey.context import Change, FlowContext, Handlers, ScreenViews
from kiosk.journey.router import Location, ScreenName

#: The public-service site every procedure starts from, shown as a QR code in the safe mode.
SERVICE_PUBLIC_URL = "https://www.service-public.gouv.fr/"


@dataclass(frozen=True)
class RestartingView:
    """The kiosk is about to restart after a fault: nothing of the session is shown."""


@dataclass(frozen=True)
class SafeModeView:
    #: The site's phone number ("" when none).
    phone: str
    url: str = SERVICE_PUBLIC_URL


class SupervisionFlow:
    """Owns the two screens the application shows when it is not well: ``restarting`` (a crash,
    just before the service manager starts the kiosk again) and the safe mode (after repeated
    crashes: the welcome screen is replaced by a QR code and the mediator call)."""

    def __init__(self, context: FlowContext) -> None:
        self._context = context
        self.safe_mode = False

    def screens(self) -> ScreenViews:
        return {
            ScreenName.RESTARTING: lambda _location: RestartingView(),
            ScreenName.SAFE_MODE: lambda _location: SafeModeView(self._context.config.site.phone),
        }

    def handlers(self) -> Handlers:
        return {}

    def enter_safe_mode(self) -> None:
        self.safe_mode = True
        router = self._context.router
        router.home = Location(ScreenName.SAFE_MODE)
        router.restart()
        self._context.redraw(Change.NEW_SCREEN)

    def restarting(self) -> None:
        """A crash: the session is already wiped; say calmly that the kiosk restarts."""
        self._context.router.restart(Location(ScreenName.RESTARTING))
        self._context.redraw(Change.NEW_SCREEN)

    def forget(self) -> None:
        # The safe mode belongs to the kiosk, not to the citizen: it outlives the session.
        return None
