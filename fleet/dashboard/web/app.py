"""The Starlette application: routes, static files, error pages, security headers and the live hub."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response, StreamingResponse
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from fleet.dashboard.web import api, pages
from fleet.dashboard.web.auth import LoginThrottle, Permission, authorize
from fleet.dashboard.web.context import DashboardContext
from fleet.dashboard.web.live import LiveHub

STATIC = Path(__file__).parent / "static"

#: Every asset is local (kiosk networks are closed) and no script is inline.
_SECURITY_HEADERS = [
    (
        b"content-security-policy",
        b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
        b"connect-src 'self'; media-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"referrer-policy", b"same-origin"),
    (b"x-frame-options", b"DENY"),
]


class SecurityHeaders:
    """Adds the security headers to every HTTP response (an ASGI middleware: streams stay streams)."""

    def __init__(self, app: ASGIApp) -> None:
        self._app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                message["headers"] = list(message.get("headers", [])) + _SECURITY_HEADERS
            await send(message)

        await self._app(scope, receive, with_headers)


def _wants_json(request: Request) -> bool:
    return request.url.path.startswith(("/api/", "/metrics", "/live", "/healthz"))


async def _http_error(request: Request, error: Exception) -> Response:
    assert isinstance(error, HTTPException)
    if _wants_json(request):
        headers = {"WWW-Authenticate": "Bearer"} if error.status_code == 401 else None
        return JSONResponse({"error": error.detail}, status_code=error.status_code, headers=headers)
    if error.status_code == 401:
        return RedirectResponse(f"/connexion?next={request.url.path}", 303)
    return pages.render(request, "error.html", None, status_code=error.status_code, error=error)


async def live(request: Request) -> Response:
    """Server-sent events: kiosk rows, counts and help requests in the caller's scope."""
    who = await authorize(request, Permission.READ)
    hub: LiveHub = request.app.state.hub
    subscription = hub.subscribe(who.user.only_site)
    return StreamingResponse(
        hub.stream(subscription),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


def create_app(context: DashboardContext) -> Starlette:
    """The web application over the context's store; `app.state.hub` takes the writer's wake-ups."""
    hub = LiveHub(context)

    @asynccontextmanager
    async def lifespan(_app: Starlette) -> AsyncIterator[None]:
        await hub.start()
        yield
        await hub.stop()

    routes = [
        Route("/", pages.home),
        Route("/connexion", pages.login_form, methods=["GET"]),
        Route("/connexion", pages.login, methods=["POST"]),
        Route("/deconnexion", pages.logout, methods=["POST"]),
        Route("/flotte", pages.fleet),
        Route("/bornes/{site}/{kiosk_id}", pages.kiosk),
        Route("/bornes/{site}/{kiosk_id}/commandes", pages.kiosk_command, methods=["POST"]),
        Route("/mediation", pages.mediation),
        Route("/mediation/{request_id}/prise-en-charge", pages.mediation_acknowledge, methods=["POST"]),
        Route("/alertes", pages.alerts),
        Route("/usage", pages.usage),
        Route("/live", live),
        Route("/api/kiosks", api.kiosks),
        Route("/api/kiosks/{site}/{kiosk_id}", api.kiosk),
        Route("/api/kiosks/{site}/{kiosk_id}/commands/{name}", api.kiosk_command, methods=["POST"]),
        # By id alone, for callers that know only that: answered when one site (of those the
        # caller may see) has a kiosk of this id, 409 with the candidates when several do.
        Route("/api/kiosks/{kiosk_id}", api.kiosk_by_id),
        Route("/api/kiosks/{kiosk_id}/commands/{name}", api.kiosk_command_by_id, methods=["POST"]),
        Route("/api/commands/{command_id}", api.command_status),
        Route("/api/help-requests", api.help_requests),
        Route("/api/help-requests/{request_id}/ack", api.help_request_ack, methods=["POST"]),
        Route("/api/alerts", api.alerts),
        Route("/api/usage", api.usage),
        Route("/metrics", api.metrics),
        Route("/healthz", api.healthz),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
    ]
    app = Starlette(
        routes=routes,
        middleware=[Middleware(SecurityHeaders)],
        exception_handlers={HTTPException: _http_error},
        lifespan=lifespan,
    )
    app.state.context = context
    app.state.hub = hub
    app.state.login_throttle = LoginThrottle()
    return app
